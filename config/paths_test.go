package config

import (
	"os"
	"path/filepath"
	"testing"
)

func TestLoadResolvesPathsAgainstTheConfigDirectory(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "votebot.yaml")
	data := `network:
  urls: [http://127.0.0.1:4943]
  root_key: fetch
identity:
  pem_file: keys/hotkey.pem
store:
  path: state/votebot.db
neurons:
  - id: 7
alerts:
  channels:
    mail:
      type: email
      smtp: {host: smtp.example.org, from: votebot@example.org, to: [ops@example.org], password_file: secrets/smtp}
console:
  token_file: secrets/console-token
`
	if err := os.WriteFile(file, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir()) // another working directory must not matter
	cfg, err := Load(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, got, want string }{
		{"identity.pem_file", cfg.Identity.PEMFile, filepath.Join(dir, "keys/hotkey.pem")},
		{"store.path", cfg.Store.Path, filepath.Join(dir, "state/votebot.db")},
		{"alerts.channels.mail.smtp.password_file", cfg.Alerts.Channels["mail"].SMTP.PasswordFile, filepath.Join(dir, "secrets/smtp")},
		{"console.token_file", cfg.Console.TokenFile, filepath.Join(dir, "secrets/console-token")},
	} {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
}

func TestLoadKeepsAbsolutePaths(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "votebot.yaml")
	data := "network:\n  urls: [http://127.0.0.1:4943]\n  root_key: fetch\nidentity:\n  pem_file: /etc/votebot/hotkey.pem\nneurons:\n  - id: 7\n"
	if err := os.WriteFile(file, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(file)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Identity.PEMFile != "/etc/votebot/hotkey.pem" || cfg.Store.Path != DefaultStorePath {
		t.Errorf("pem_file %q store %q: absolute paths changed", cfg.Identity.PEMFile, cfg.Store.Path)
	}
}
