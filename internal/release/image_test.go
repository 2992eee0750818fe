package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
)

func testImage(t *testing.T, dir string) string {
	t.Helper()
	p := imageParams{version: "1.2.3", commit: "abc", epoch: 1796364670, binaries: map[string]string{},
		out: filepath.Join(dir, "image.tar")}
	for _, arch := range []string{"amd64", "arm64"} {
		p.binaries[arch] = filepath.Join(dir, "votebot-"+arch)
		if err := os.WriteFile(p.binaries[arch], []byte("binary for "+arch), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := buildImage(p); err != nil {
		t.Fatal(err)
	}
	return p.out
}

func TestImageIsReproducible(t *testing.T) {
	a, err := os.ReadFile(testImage(t, t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(testImage(t, t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Error("two builds of the same image differ")
	}
}

func TestCheckImageConfig(t *testing.T) {
	dir := t.TempDir()
	layoutDir := filepath.Join(dir, "layout")
	if err := untar(testImage(t, dir), layoutDir); err != nil {
		t.Fatal(err)
	}
	images, err := layoutImages(layoutDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(images) != 2 || images["linux/amd64"] == nil || images["linux/arm64"] == nil {
		t.Fatalf("images = %v, want linux/amd64 and linux/arm64", images)
	}
	for _, tc := range []struct {
		name   string
		change func(*v1.Config)
		want   string // in the error; empty: no error
	}{
		{"as built", func(*v1.Config) {}, ""},
		{"root", func(c *v1.Config) { c.User = "0:0" }, "non-root"},
		{"no user", func(c *v1.Config) { c.User = "" }, "non-root"},
		{"shell entrypoint", func(c *v1.Config) { c.Entrypoint = []string{"/bin/sh", "-c"} }, "entrypoint"},
		{"no console port", func(c *v1.Config) { delete(c.ExposedPorts, consolePort) }, "port 9465/tcp"},
		{"no state volume", func(c *v1.Config) { c.Volumes = nil }, "no volume"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img := images["linux/amd64"]
			cf, err := img.ConfigFile()
			if err != nil {
				t.Fatal(err)
			}
			cf = cf.DeepCopy()
			tc.change(&cf.Config)
			if img, err = mutate.ConfigFile(img, cf); err != nil {
				t.Fatal(err)
			}
			err = checkImageConfig("linux/amd64", img)
			if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Errorf("checkImageConfig = %v, want an error with %q", err, tc.want)
			}
		})
	}
}

func TestPackagedUnitMovesPaths(t *testing.T) {
	dir := t.TempDir()
	unit, err := packagedUnit("../../deploy/votebot.service", dir)
	if err != nil {
		t.Fatal(err)
	}
	text, err := os.ReadFile(unit)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(text), "/usr/local/") || !strings.Contains(string(text), "ExecStart=/usr/bin/votebot run") {
		t.Errorf("packaged unit still names /usr/local or lacks ExecStart=/usr/bin/votebot:\n%s", text)
	}
	moved := filepath.Join(dir, "moved.service")
	os.WriteFile(moved, []byte("ExecStart=/opt/votebot run\n"), 0o644)
	if _, err := packagedUnit(moved, dir); err == nil {
		t.Error("a unit that no longer names /usr/local/bin/votebot was packaged without a word")
	}
}
