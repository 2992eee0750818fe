package main

import (
	"archive/tar"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
)

func runCheckImage(args []string) error {
	fs := flag.NewFlagSet("check-image", flag.ContinueOnError)
	in := fs.String("in", "", "the OCI image layout tarball")
	arch := fs.String("arch", "amd64", "the architecture whose file system to extract")
	binary := fs.String("binary", "", "the release binary the extracted "+imageBinary+" must equal")
	rootfs := fs.String("rootfs", "", "an empty directory to extract the image's file system into")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *in == "" || *binary == "" || *rootfs == "" {
		return fmt.Errorf("check-image: -in, -binary and -rootfs are required")
	}
	dir, err := os.MkdirTemp("", "votebot-oci-check-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if err := untar(*in, dir); err != nil {
		return fmt.Errorf("check-image: %w", err)
	}
	images, err := layoutImages(dir)
	if err != nil {
		return fmt.Errorf("check-image: %w", err)
	}
	for platform, img := range images {
		if err := checkImageConfig(platform, img); err != nil {
			return fmt.Errorf("check-image: %s: %w", platform, err)
		}
		fmt.Printf("ok: %s: user %d, entrypoint %s, ports %s and %s, volume %s\n",
			platform, imageUID, imageBinary, metricsPort, consolePort, imageState)
	}
	img, ok := images["linux/"+*arch]
	if !ok {
		return fmt.Errorf("check-image: no linux/%s image in %s", *arch, *in)
	}
	if err := untarStream(mutate.Extract(img), *rootfs); err != nil {
		return fmt.Errorf("check-image: extract linux/%s: %w", *arch, err)
	}
	return sameFile(filepath.Join(*rootfs, imageBinary), *binary)
}

// layoutImages reads an OCI layout whose index.json names one image index,
// as buildImage writes it, and returns its images by platform.
func layoutImages(dir string) (map[string]v1.Image, error) {
	top, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		return nil, err
	}
	m, err := top.IndexManifest()
	if err != nil {
		return nil, err
	}
	if len(m.Manifests) != 1 || m.Manifests[0].Annotations["org.opencontainers.image.ref.name"] == "" {
		return nil, fmt.Errorf("index.json: want one image index named by org.opencontainers.image.ref.name, got %d entries", len(m.Manifests))
	}
	index, err := top.ImageIndex(m.Manifests[0].Digest)
	if err != nil {
		return nil, err
	}
	im, err := index.IndexManifest()
	if err != nil {
		return nil, err
	}
	images := map[string]v1.Image{}
	for _, d := range im.Manifests {
		if d.Platform == nil {
			return nil, fmt.Errorf("manifest %s has no platform", d.Digest)
		}
		img, err := index.Image(d.Digest)
		if err != nil {
			return nil, err
		}
		images[d.Platform.OS+"/"+d.Platform.Architecture] = img
	}
	if len(images) == 0 {
		return nil, errors.New("the image index is empty")
	}
	return images, nil
}

// checkImageConfig holds the image to the contract deploy/kubernetes and
// the README rely on.
func checkImageConfig(platform string, img v1.Image) error {
	cf, err := img.ConfigFile()
	if err != nil {
		return err
	}
	c := cf.Config
	var problems []string
	if cf.OS+"/"+cf.Architecture != platform {
		problems = append(problems, fmt.Sprintf("config says %s/%s", cf.OS, cf.Architecture))
	}
	if want := fmt.Sprintf("%d:%d", imageUID, imageUID); c.User != want {
		problems = append(problems, fmt.Sprintf("user %q, want %q (non-root)", c.User, want))
	}
	if !slices.Equal(c.Entrypoint, []string{imageBinary}) {
		problems = append(problems, fmt.Sprintf("entrypoint %q, want [%s]", c.Entrypoint, imageBinary))
	}
	if !slices.Equal(c.Cmd, []string{"run", "--config", imageConfig}) {
		problems = append(problems, fmt.Sprintf("cmd %q, want run --config %s", c.Cmd, imageConfig))
	}
	for _, port := range []string{metricsPort, consolePort} {
		if _, ok := c.ExposedPorts[port]; !ok {
			problems = append(problems, "port "+port+" not declared")
		}
	}
	if _, ok := c.Volumes[imageState]; !ok {
		problems = append(problems, "no volume "+imageState)
	}
	if !slices.Contains(c.Env, "CREDENTIALS_DIRECTORY="+imageSecrets) {
		problems = append(problems, "CREDENTIALS_DIRECTORY is not "+imageSecrets)
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

func sameFile(a, b string) error {
	da, err := os.ReadFile(a)
	if err != nil {
		return err
	}
	db, err := os.ReadFile(b)
	if err != nil {
		return err
	}
	if !bytes.Equal(da, db) {
		return fmt.Errorf("check-image: %s in the image differs from %s", imageBinary, b)
	}
	return nil
}

func untar(path, dir string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return untarStream(f, dir)
}

// untarStream writes regular files and directories under dir, with their
// modes and numeric owners (owners only when run as root); any other entry
// type or a name that leaves dir is an error.
func untarStream(r io.ReadCloser, dir string) error {
	defer r.Close()
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		name := filepath.Clean(h.Name)
		if !filepath.IsLocal(name) {
			return fmt.Errorf("tar entry %q leaves the directory", h.Name)
		}
		path := filepath.Join(dir, name)
		switch h.Typeflag {
		case tar.TypeDir:
			err = os.MkdirAll(path, 0o755)
		case tar.TypeReg:
			err = writeTarFile(path, tr)
		default:
			err = fmt.Errorf("tar entry %q: unexpected type %q", h.Name, h.Typeflag)
		}
		if err == nil {
			err = os.Chmod(path, os.FileMode(h.Mode).Perm()|modeBits(h.Mode))
		}
		if err == nil && os.Geteuid() == 0 {
			err = os.Lchown(path, h.Uid, h.Gid)
		}
		if err != nil {
			return err
		}
	}
}

func modeBits(mode int64) os.FileMode {
	if mode&0o1000 != 0 {
		return os.ModeSticky
	}
	return 0
}

func writeTarFile(path string, r io.Reader) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
