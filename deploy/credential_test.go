package deploy

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/votebot/votebot/agent/identity"
	"github.com/votebot/votebot/config"
)

// The key reaches the daemon as one systemd credential: the unit loads it,
// the daemon's default reads it, install.sh and the example config name it.
// Three spellings meant a daemon that could not find its key.
func TestCredentialNameIsOneName(t *testing.T) {
	name := identity.DefaultCredentialName
	unit, err := os.ReadFile("votebot.service")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^LoadCredential=([^:]+):`).FindSubmatch(unit)
	if m == nil {
		t.Fatal("votebot.service has no LoadCredential=")
	}
	if got := string(m[1]); got != name {
		t.Errorf("votebot.service loads credential %q, the daemon's default is %q", got, name)
	}
	files := map[string]string{
		"install.sh":                      `credential: ` + regexp.QuoteMeta(name) + `\b`,
		"../configs/votebot.example.yaml": `# credential: ` + regexp.QuoteMeta(name) + `\n`,
	}
	for file, want := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(want).Match(b) {
			t.Errorf("%s does not name the credential %q (want /%s/)", file, name, want)
		}
	}
}

// The console's token: the unit loads the credential the daemon reads,
// from the file install.sh creates, and the token install.sh writes is one
// the console accepts (config.LoadConsoleToken: long enough, owner-only).
func TestConsoleTokenCredential(t *testing.T) {
	unit, err := os.ReadFile("votebot.service")
	if err != nil {
		t.Fatal(err)
	}
	want := "LoadCredential=" + config.ConsoleCredentialName + ":/etc/votebot/console-token"
	if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(want) + `$`).Match(unit) {
		t.Errorf("votebot.service lacks %s", want)
	}
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
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("install.sh: %v\n%s", err, out)
	}
	secret, err := config.LoadConsoleToken("", filepath.Join(root, "etc/votebot"))
	if err != nil {
		t.Fatalf("the installed console token: %v", err)
	}
	if token := secret.Reveal(); len(token) != 64 {
		t.Errorf("installed token has %d characters, want 64 hex digits", len(token))
	}
}
