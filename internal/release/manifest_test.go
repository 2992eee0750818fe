package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

const manifestPath = "../../deploy/kubernetes/votebot.yaml"

// k8sObjects decodes every document of the manifest strictly into the
// Kubernetes API type its kind names: an unknown or misspelt field, a value
// of the wrong type or a duplicate key fails, as the API server's strict
// field validation would.
type k8sObjects struct {
	configMap  *corev1.ConfigMap
	pvc        *corev1.PersistentVolumeClaim
	deployment *appsv1.Deployment
	service    *corev1.Service
}

func decodeManifest(t *testing.T, data []byte) k8sObjects {
	t.Helper()
	var objs k8sObjects
	for i, doc := range bytes.Split(data, []byte("\n---\n")) {
		var meta struct{ APIVersion, Kind string }
		if err := yaml.Unmarshal(doc, &meta); err != nil {
			t.Fatalf("document %d: %v", i, err)
		}
		var target any
		switch meta.APIVersion + " " + meta.Kind {
		case "v1 ConfigMap":
			objs.configMap = &corev1.ConfigMap{}
			target = objs.configMap
		case "v1 PersistentVolumeClaim":
			objs.pvc = &corev1.PersistentVolumeClaim{}
			target = objs.pvc
		case "apps/v1 Deployment":
			objs.deployment = &appsv1.Deployment{}
			target = objs.deployment
		case "v1 Service":
			objs.service = &corev1.Service{}
			target = objs.service
		default:
			t.Fatalf("document %d: unexpected %s %s", i, meta.APIVersion, meta.Kind)
		}
		if err := yaml.UnmarshalStrict(doc, target); err != nil {
			t.Fatalf("document %d (%s): %v", i, meta.Kind, err)
		}
	}
	if objs.configMap == nil || objs.pvc == nil || objs.deployment == nil || objs.service == nil {
		t.Fatalf("want a ConfigMap, a PersistentVolumeClaim, a Deployment and a Service, got %+v", objs)
	}
	return objs
}

func TestManifestDecodesStrictly(t *testing.T) {
	data, err := os.ReadFile(manifestPath)
	if err != nil {
		t.Fatal(err)
	}
	decodeManifest(t, data)
}

// TestManifestMatchesImage holds the Deployment to what the issue asks and
// to the image's contract (user, ports, mount points, command).
func TestManifestMatchesImage(t *testing.T) {
	data, err := os.ReadFile(manifestPath)
	if err != nil {
		t.Fatal(err)
	}
	objs := decodeManifest(t, data)
	d := objs.deployment
	if d.Spec.Replicas == nil || *d.Spec.Replicas != 1 {
		t.Errorf("replicas = %v, want 1 (one writer of the store)", d.Spec.Replicas)
	}
	if d.Spec.Strategy.Type != appsv1.RecreateDeploymentStrategyType {
		t.Errorf("strategy = %q, want Recreate: two pods must never share the store", d.Spec.Strategy.Type)
	}
	pod := d.Spec.Template.Spec
	sc := pod.SecurityContext
	if sc == nil || sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot || sc.RunAsUser == nil || *sc.RunAsUser != imageUID {
		t.Errorf("pod securityContext %+v: want runAsNonRoot and runAsUser %d (the image's user)", sc, imageUID)
	}
	if len(pod.Containers) != 1 {
		t.Fatalf("want one container, got %d", len(pod.Containers))
	}
	c := pod.Containers[0]
	if !slices.Equal(c.Args, []string{"run", "--config", imageConfig}) {
		t.Errorf("args = %q, want the image's command", c.Args)
	}
	checkProbe(t, "liveness", c.LivenessProbe, "/healthz")
	checkProbe(t, "readiness", c.ReadinessProbe, "/readyz")
	ports := map[string]int32{}
	for _, p := range c.Ports {
		ports[p.Name] = p.ContainerPort
	}
	if ports["metrics"] != 9464 || ports["console"] != 9465 || metricsPort != "9464/tcp" || consolePort != "9465/tcp" {
		t.Errorf("container ports %v, want metrics 9464 and console 9465 as the image declares", ports)
	}
	if !slices.Contains(c.Env, corev1.EnvVar{Name: "CREDENTIALS_DIRECTORY", Value: imageSecrets}) {
		t.Errorf("env %v: want CREDENTIALS_DIRECTORY=%s", c.Env, imageSecrets)
	}
	mounts := map[string]corev1.VolumeMount{}
	for _, m := range c.VolumeMounts {
		mounts[m.Name] = m
	}
	volumes := map[string]corev1.Volume{}
	for _, v := range pod.Volumes {
		volumes[v.Name] = v
	}
	if m := mounts["config"]; m.MountPath != filepath.Dir(imageConfig) || !m.ReadOnly ||
		volumes["config"].ConfigMap == nil || volumes["config"].ConfigMap.Name != objs.configMap.Name {
		t.Errorf("config: mount %+v, volume %+v: want the ConfigMap read-only at %s", m, volumes["config"], filepath.Dir(imageConfig))
	}
	if m := mounts["secrets"]; m.MountPath != imageSecrets || !m.ReadOnly {
		t.Errorf("secrets mount %+v: want read-only at %s", m, imageSecrets)
	}
	secrets := map[string]string{}
	if p := volumes["secrets"].Projected; p != nil {
		for _, s := range p.Sources {
			if s.Secret != nil && len(s.Secret.Items) == 1 {
				secrets[s.Secret.Items[0].Path] = s.Secret.Name
			}
		}
	}
	if secrets["hotkey.pem"] == "" || secrets["console-token"] == "" {
		t.Errorf("secrets volume %+v: want hotkey.pem and console-token from Secrets", volumes["secrets"])
	}
	if m, v := mounts["state"], volumes["state"]; m.MountPath != imageState || m.ReadOnly ||
		v.PersistentVolumeClaim == nil || v.PersistentVolumeClaim.ClaimName != objs.pvc.Name {
		t.Errorf("state: mount %+v, volume %+v: want the PVC %s writable at %s", m, v, objs.pvc.Name, imageState)
	}
	if c.SecurityContext == nil || c.SecurityContext.ReadOnlyRootFilesystem == nil || !*c.SecurityContext.ReadOnlyRootFilesystem {
		t.Errorf("container securityContext %+v: want a read-only root file system", c.SecurityContext)
	}
}

func checkProbe(t *testing.T, name string, p *corev1.Probe, path string) {
	t.Helper()
	if p == nil || p.HTTPGet == nil || p.HTTPGet.Path != path || p.HTTPGet.Port.String() != "metrics" {
		t.Errorf("%s probe %+v: want GET %s on the metrics port", name, p, path)
	}
}

// TestManifestConfigValidates runs the real `votebot config validate` on the
// ConfigMap's votebot.yaml, with a hotkey where the Secret would put it.
func TestManifestConfigValidates(t *testing.T) {
	data, err := os.ReadFile(manifestPath)
	if err != nil {
		t.Fatal(err)
	}
	cfg := decodeManifest(t, data).configMap.Data["votebot.yaml"]
	dir := t.TempDir()
	bin := filepath.Join(dir, "votebot")
	mustRun(t, "../..", "go", "build", "-o", bin, "./cmd/votebot")
	secrets := filepath.Join(dir, "secrets")
	if err := os.Mkdir(secrets, 0o700); err != nil {
		t.Fatal(err)
	}
	mustRun(t, dir, bin, "identity", "new", "--type", "ed25519", "--pem-file", filepath.Join(secrets, "hotkey.pem"))
	path := filepath.Join(dir, "votebot.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "config", "validate", "--config", path)
	cmd.Env = append(os.Environ(), "CREDENTIALS_DIRECTORY="+secrets)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("votebot config validate on the ConfigMap's votebot.yaml: %v\n%s", err, out)
	}
}

func mustRun(t *testing.T, dir string, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}
