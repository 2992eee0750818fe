package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/votebot/votebot/agent/identity"
)

// TestCheckKeyFile: `config validate` must not say ok for a key the daemon cannot load.
func TestCheckKeyFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.pem")
	if _, err := identity.WriteNew(good, identity.Ed25519); err != nil {
		t.Fatal(err)
	}
	open := filepath.Join(dir, "open.pem")
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(open, data, 0o644))
	must(os.Chmod(open, 0o644))
	garbage := filepath.Join(dir, "garbage.pem")
	must(os.WriteFile(garbage, []byte("not a key"), 0o600))
	creds := t.TempDir()
	must(os.WriteFile(filepath.Join(creds, "hotkey"), data, 0o600))
	missing := filepath.Join(dir, "missing.pem")

	tests := []struct {
		name, identity, credsDir, want string
	}{
		{"good pem", "{pem_file: " + good + "}", "", ""},
		{"missing pem", "{pem_file: " + missing + "}", "",
			"k.yml:1: identity.pem_file: open " + missing + ": no such file or directory"},
		{"insecure pem", "{pem_file: " + open + "}", "",
			"k.yml:1: identity.pem_file: key file " + open + " has mode 0644: it must not be accessible by group or others; fix with `chmod 600 " + open + "` (or pass --allow-insecure-key-file to accept it)"},
		{"insecure pem allowed", "{pem_file: " + open + ", allow_insecure_key_file: true}", "", ""},
		{"not a key", "{pem_file: " + garbage + "}", "", "k.yml:1: identity.pem_file: key file " + garbage + ": "},
		{"credential present", "{credential: hotkey}", creds, ""},
		{"credential missing", "{credential: nokey}", creds,
			"k.yml:1: identity.credential: open " + filepath.Join(creds, "nokey") + ": no such file or directory"},
		{"credential outside systemd", "{credential: nokey}", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Parse("k.yml", []byte("identity: "+tt.identity+"\nneurons: [{id: 1}]\n"), nil)
			must(err)
			err = cfg.CheckKeyFile(tt.credsDir)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("CheckKeyFile: %v, want ok", err)
			case tt.want != "" && err == nil:
				t.Errorf("CheckKeyFile: ok, want %s", tt.want)
			case tt.want != "" && !strings.HasPrefix(err.Error(), tt.want):
				t.Errorf("CheckKeyFile:\n got %v\nwant %s…", err, tt.want)
			}
		})
	}
}
