package deploy

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/votebot/votebot/agent/identity"
	"github.com/votebot/votebot/config"
)

// TestInstalledConfig runs install.sh into a temporary DESTDIR and reads
// the config it wrote back: it must load, take the key from the unit's
// credential, and still show the PEM file as the other option, so that its
// "either a PEM file … or a credential" comment tells the truth.
func TestInstalledConfig(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash not available")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "votebot")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(dir, "root")
	cmd := exec.Command("bash", "install.sh", "--binary", bin)
	cmd.Env = append(os.Environ(), "DESTDIR="+root)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("install.sh: %v\n%s", err, out)
	}
	if strings.Contains(string(out), "warning") {
		t.Errorf("install.sh warned:\n%s", out)
	}
	path := filepath.Join(root, "etc/votebot/votebot.yaml")
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatalf("the installed config does not load: %v", err)
	}
	if cfg.Identity.Credential != identity.DefaultCredentialName || cfg.Identity.PEMFile != "" {
		t.Errorf("identity = %+v, want only credential %q", cfg.Identity, identity.DefaultCredentialName)
	}
	installed, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	example, err := os.ReadFile("../configs/votebot.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// Only the two identity lines differ from the example, swapped.
	want := map[string]string{
		"  pem_file: /etc/votebot/hotkey.pem": "  # pem_file: /etc/votebot/hotkey.pem",
		"  # credential: hotkey.pem":          "  credential: hotkey.pem",
	}
	exLines, inLines := strings.Split(string(example), "\n"), strings.Split(string(installed), "\n")
	if len(exLines) != len(inLines) {
		t.Fatalf("installed config has %d lines, the example %d", len(inLines), len(exLines))
	}
	changed := 0
	for i, ex := range exLines {
		got := inLines[i]
		if w, ok := want[ex]; ok {
			changed++
			if got != w {
				t.Errorf("line %d: %q, want %q", i+1, got, w)
			}
		} else if got != ex {
			t.Errorf("line %d changed: %q, was %q", i+1, got, ex)
		}
	}
	if changed != len(want) {
		t.Errorf("%d of the example's identity lines found, want %d", changed, len(want))
	}
	if n := strings.Count(string(installed), "credential: hotkey.pem"); n != 1 {
		t.Errorf("the installed config names the credential %d times, want once", n)
	}
}
