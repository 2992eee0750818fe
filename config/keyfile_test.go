package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/votebot/votebot/agent/identity"
)

// TestCheckFiles: `config validate` must not say ok for a key or secret file
// the daemon cannot load.
func TestCheckFiles(t *testing.T) {
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
	password := filepath.Join(dir, "smtp-password")
	must(os.WriteFile(password, []byte("pw\n"), 0o600))
	openPassword := filepath.Join(dir, "smtp-open")
	must(os.WriteFile(openPassword, []byte("pw\n"), 0o644))
	must(os.Chmod(openPassword, 0o644))
	token := filepath.Join(dir, "console-token")
	must(os.WriteFile(token, []byte("0123456789abcdef0123\n"), 0o600))
	shortToken := filepath.Join(dir, "console-short")
	must(os.WriteFile(shortToken, []byte("abc\n"), 0o600))
	email := func(pw string) string {
		return "\nalerts: {channels: {mail: {type: email, smtp: {host: h, from: a@b, to: [c@d], password_file: " + pw + "}}}}"
	}

	tests := []struct {
		name, identity, credsDir, want string
		more                           string // the rest of the file, after neurons
	}{
		{"good pem", "{pem_file: " + good + "}", "", "", ""},
		{"missing pem", "{pem_file: " + missing + "}", "",
			"k.yml:1: identity.pem_file: open " + missing + ": no such file or directory", ""},
		{"insecure pem", "{pem_file: " + open + "}", "",
			"k.yml:1: identity.pem_file: key file " + open + " has mode 0644: it must not be accessible by group or others; fix with `chmod 600 " + open + "` (or pass --allow-insecure-key-file to accept it)", ""},
		{"insecure pem allowed", "{pem_file: " + open + ", allow_insecure_key_file: true}", "", "", ""},
		{"not a key", "{pem_file: " + garbage + "}", "", "k.yml:1: identity.pem_file: key file " + garbage + ": ", ""},
		{"credential present", "{credential: hotkey}", creds, "", ""},
		{"credential missing", "{credential: nokey}", creds,
			"k.yml:1: identity.credential: open " + filepath.Join(creds, "nokey") + ": no such file or directory", ""},
		{"credential outside systemd", "{credential: nokey}", "", "", ""},
		{"smtp password_file ok", "{pem_file: " + good + "}", "", "", email(password)},
		{"smtp password_file missing", "{pem_file: " + good + "}", "",
			"k.yml:3: alerts.channels.mail.smtp.password_file: open " + missing + ": no such file or directory", email(missing)},
		{"smtp password_file readable by others", "{pem_file: " + good + "}", "",
			"k.yml:3: alerts.channels.mail.smtp.password_file: " + openPassword + " has mode 0644", email(openPassword)},
		{"console token ok", "{pem_file: " + good + "}", "", "", "\nconsole: {token_file: " + token + "}"},
		{"console token too short", "{pem_file: " + good + "}", "",
			"k.yml:3: console.token_file: console token: " + shortToken + " holds 3 characters", "\nconsole: {token_file: " + shortToken + "}"},
		{"console without token: read-only", "{pem_file: " + good + "}", "", "", "\nconsole: {listen: 127.0.0.1:9465}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Parse("k.yml", []byte("identity: "+tt.identity+"\nneurons: [{id: 1}]"+tt.more+"\n"), nil)
			must(err)
			err = cfg.CheckFiles(tt.credsDir)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("CheckFiles: %v, want ok", err)
			case tt.want != "" && err == nil:
				t.Errorf("CheckFiles: ok, want %s", tt.want)
			case tt.want != "" && !strings.HasPrefix(err.Error(), tt.want):
				t.Errorf("CheckFiles:\n got %v\nwant %s…", err, tt.want)
			}
		})
	}
}
