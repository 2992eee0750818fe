package main

import (
	"archive/tar"
	"bytes"
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"golang.org/x/crypto/x509roots/fallback/bundle"
)

// The image's contract, which check-image and deploy/kubernetes rely on.
const (
	imageUID       = 65532 // votebot, non-root; the Kubernetes manifest's runAsUser
	imageBinary    = "/usr/bin/votebot"
	imageConfig    = "/etc/votebot/votebot.yaml" // mounted read-only
	imageSecrets   = "/run/secrets/votebot"      // hotkey.pem and console-token, read-only
	imageState     = "/var/lib/votebot"          // the SQLite store, a volume
	metricsPort    = "9464/tcp"                  // /metrics, /healthz, /readyz
	consolePort    = "9465/tcp"                  // the operator console
	imageSourceURL = "https://github.com/votebot/votebot"
)

type imageParams struct {
	version, commit, out string
	epoch                int64
	binaries             map[string]string // GOARCH → static binary
}

type binaryFlag map[string]string

func (b binaryFlag) String() string { return fmt.Sprint(map[string]string(b)) }
func (b binaryFlag) Set(v string) error {
	arch, path, ok := strings.Cut(v, "=")
	if !ok {
		return fmt.Errorf("want ARCH=PATH, got %q", v)
	}
	b[arch] = path
	return nil
}

func runImage(args []string) error {
	p := imageParams{binaries: map[string]string{}}
	fs := flag.NewFlagSet("image", flag.ContinueOnError)
	fs.StringVar(&p.version, "version", "", "image version label")
	fs.StringVar(&p.commit, "commit", "", "the git commit the binaries were built from")
	fs.Int64Var(&p.epoch, "epoch", 0, "SOURCE_DATE_EPOCH: every timestamp in the image")
	fs.Var(binaryFlag(p.binaries), "binary", "ARCH=PATH of a static linux binary (repeat per architecture)")
	fs.StringVar(&p.out, "out", "", "the OCI image layout tarball to write")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if p.version == "" || p.commit == "" || p.epoch == 0 || len(p.binaries) == 0 || p.out == "" {
		return fmt.Errorf("image: -version, -commit, -epoch, -binary and -out are required")
	}
	return buildImage(p)
}

// buildImage writes one OCI image layout, as a tarball, holding an index of
// one image per architecture: a base layer (users, CA roots, directories)
// and the binary.
func buildImage(p imageParams) error {
	when := time.Unix(p.epoch, 0).UTC()
	base, err := baseLayer(when)
	if err != nil {
		return err
	}
	arches := make([]string, 0, len(p.binaries))
	for arch := range p.binaries {
		arches = append(arches, arch)
	}
	sort.Strings(arches)
	var adds []mutate.IndexAddendum
	for _, arch := range arches {
		img, err := archImage(p, arch, base, when)
		if err != nil {
			return err
		}
		adds = append(adds, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{
			Platform: &v1.Platform{OS: "linux", Architecture: arch}}})
	}
	index := mutate.AppendManifests(mutate.IndexMediaType(empty.Index, types.OCIImageIndex), adds...)

	dir, err := os.MkdirTemp("", "votebot-oci-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	lp, err := layout.Write(dir, empty.Index)
	if err != nil {
		return fmt.Errorf("image: layout: %w", err)
	}
	err = lp.AppendIndex(index, layout.WithAnnotations(map[string]string{
		"org.opencontainers.image.ref.name": p.version,
	}))
	if err != nil {
		return fmt.Errorf("image: write index: %w", err)
	}
	return tarDir(dir, p.out, when)
}

func archImage(p imageParams, arch string, base v1.Layer, when time.Time) (v1.Image, error) {
	bin, err := os.ReadFile(p.binaries[arch])
	if err != nil {
		return nil, fmt.Errorf("image: %w", err)
	}
	binLayer, err := layerOf([]tarEntry{{name: "usr/bin/votebot", mode: 0o755, data: bin}}, when)
	if err != nil {
		return nil, err
	}
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	created := v1.Time{Time: when}
	img, err = mutate.Append(img,
		mutate.Addendum{Layer: base, History: v1.History{Created: created, CreatedBy: "votebot release: passwd, group, CA roots, directories"}},
		mutate.Addendum{Layer: binLayer, History: v1.History{Created: created, CreatedBy: "votebot release: " + imageBinary}})
	if err != nil {
		return nil, fmt.Errorf("image: layers: %w", err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture, cf.Created = "linux", arch, created
	cf.Config = v1.Config{
		User:         fmt.Sprintf("%d:%d", imageUID, imageUID),
		Entrypoint:   []string{imageBinary},
		Cmd:          []string{"run", "--config", imageConfig},
		Env:          []string{"PATH=/usr/bin", "CREDENTIALS_DIRECTORY=" + imageSecrets},
		WorkingDir:   imageState,
		ExposedPorts: map[string]struct{}{metricsPort: {}, consolePort: {}},
		Volumes:      map[string]struct{}{imageState: {}},
		Labels: map[string]string{
			"org.opencontainers.image.title":    "votebot",
			"org.opencontainers.image.version":  p.version,
			"org.opencontainers.image.revision": p.commit,
			"org.opencontainers.image.source":   imageSourceURL,
			"org.opencontainers.image.created":  when.Format(time.RFC3339),
		},
		StopSignal: "SIGTERM",
	}
	return mutate.ConfigFile(img, cf)
}

// baseLayer is what a distroless base would hold: a passwd and group with
// root and the votebot user, Mozilla's CA roots (from the pinned Go module,
// not from this machine, so the layer is the same everywhere), the config
// and secrets mount points and the state directory owned by votebot.
func baseLayer(when time.Time) (v1.Layer, error) {
	uid := fmt.Sprint(imageUID)
	passwd := "root:x:0:0:root:/root:/sbin/nologin\nvotebot:x:" + uid + ":" + uid + ":votebot:" + imageState + ":/sbin/nologin\n"
	group := "root:x:0:\nvotebot:x:" + uid + ":\n"
	return layerOf([]tarEntry{
		{name: "etc/", mode: 0o755, dir: true},
		{name: "etc/passwd", mode: 0o644, data: []byte(passwd)},
		{name: "etc/group", mode: 0o644, data: []byte(group)},
		{name: "etc/ssl/", mode: 0o755, dir: true},
		{name: "etc/ssl/certs/", mode: 0o755, dir: true},
		{name: "etc/ssl/certs/ca-certificates.crt", mode: 0o644, data: caRoots()},
		{name: "etc/votebot/", mode: 0o755, dir: true},
		{name: "run/", mode: 0o755, dir: true},
		{name: "run/secrets/", mode: 0o755, dir: true},
		{name: "run/secrets/votebot/", mode: 0o755, dir: true},
		{name: "tmp/", mode: 0o1777, dir: true},
		{name: "usr/", mode: 0o755, dir: true},
		{name: "usr/bin/", mode: 0o755, dir: true},
		{name: "var/", mode: 0o755, dir: true},
		{name: "var/lib/", mode: 0o755, dir: true},
		{name: "var/lib/votebot/", mode: 0o700, dir: true, owner: imageUID},
	}, when)
}

// caRoots is the PEM bundle of the unconstrained NSS roots; a root with a
// distrust-after date cannot be expressed in a PEM file and is left out.
func caRoots() []byte {
	var buf bytes.Buffer
	for root := range bundle.Roots() {
		if root.Constraint != nil {
			continue
		}
		pem.Encode(&buf, &pem.Block{Type: "CERTIFICATE", Bytes: root.Certificate})
	}
	return buf.Bytes()
}

type tarEntry struct {
	name  string
	mode  int64
	data  []byte
	dir   bool
	owner int
}

// layerOf makes a layer whose tar holds exactly the entries, in order, with
// one timestamp and numeric owners: the same bytes on every machine.
func layerOf(entries []tarEntry, when time.Time) (v1.Layer, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Mode: e.mode, ModTime: when, Uid: e.owner, Gid: e.owner,
			Typeflag: tar.TypeReg, Size: int64(len(e.data)), Format: tar.FormatPAX}
		if e.dir {
			h.Typeflag, h.Size = tar.TypeDir, 0
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if _, err := tw.Write(e.data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	data := buf.Bytes()
	return tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(data)), nil
	}, tarball.WithMediaType(types.OCILayer))
}

// tarDir writes the OCI layout directory as a tarball: sorted names, one
// timestamp, numeric root owners.
func tarDir(dir, out string, when time.Time) error {
	var names []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || path == dir {
			return err
		}
		names = append(names, path)
		return nil
	})
	if err != nil {
		return err
	}
	sort.Strings(names)
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(f)
	for _, path := range names {
		if err := addToTar(tw, dir, path, when); err != nil {
			f.Close()
			return fmt.Errorf("image: tar %s: %w", path, err)
		}
	}
	if err := tw.Close(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func addToTar(tw *tar.Writer, dir, path string, when time.Time) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	rel, err := filepath.Rel(dir, path)
	if err != nil {
		return err
	}
	h := &tar.Header{Name: filepath.ToSlash(rel), Mode: 0o644, ModTime: when, Typeflag: tar.TypeReg,
		Size: fi.Size(), Format: tar.FormatPAX}
	if fi.IsDir() {
		h.Name, h.Mode, h.Typeflag, h.Size = h.Name+"/", 0o755, tar.TypeDir, 0
	}
	if err := tw.WriteHeader(h); err != nil || fi.IsDir() {
		return err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	_, err = tw.Write(data)
	return err
}
