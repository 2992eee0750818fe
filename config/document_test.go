package config

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const showInput = `
network: {urls: ["http://user:pw@127.0.0.1:4943/?key=abc"], root_key: fetch}
identity: {pem_file: hotkey.pem}
store: {path: state/votebot.db}
neurons:
  - {id: 1001, alias: main}
  - {id: 1002, policy: strict}
policies:
  default:
    vote_delay: 1h
    default: follow
    rules:
      - {name: ask-gov, match: {topics: [Governance]}, vote: manual, fallback: none}
  strict:
    fallback: "no"
    deadline_margin: 3h
alerts:
  channels:
    ops: {type: webhook, url: "https://hooks.example/T000/XXXXSECRET"}
console: {listen: "127.0.0.1:9475"}
`

// config show's YAML is a configuration file: read back, it shows the same, and it holds no
// secret.
func TestYAMLRoundTrip(t *testing.T) {
	dir := t.TempDir()
	first := filepath.Join(dir, "votebot.yaml")
	if err := os.WriteFile(first, []byte(showInput), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(first)
	if err != nil {
		t.Fatal(err)
	}
	out, err := cfg.YAML()
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"XXXXSECRET", "pw@", "key=abc"} {
		if strings.Contains(out, secret) {
			t.Errorf("config show prints a secret (%s):\n%s", secret, out)
		}
	}
	for _, want := range []string{"pem_file: " + filepath.Join(dir, "hotkey.pem"), "retention: 400d", `fallback: "no"`, "listen: 127.0.0.1:9464"} {
		if !strings.Contains(out, want) {
			t.Errorf("config show lacks %q:\n%s", want, out)
		}
	}
	// Read back (the redacted URLs replaced by loadable ones), it shows the same.
	again := strings.ReplaceAll(out, "'[redacted]'", "https://hooks.example/T000/XXXXSECRET")
	again = strings.ReplaceAll(again, "http://user:[redacted]@127.0.0.1:4943/?key=[redacted]", "http://user:pw@127.0.0.1:4943/?key=abc")
	second := filepath.Join(dir, "again.yaml")
	if err := os.WriteFile(second, []byte(again), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg2, err := Load(second)
	if err != nil {
		t.Fatalf("config show's output does not load: %v\n%s", err, again)
	}
	out2, _ := cfg2.YAML()
	if out2 != out {
		t.Errorf("read back, config show differs:\n--- first\n%s\n--- second\n%s", out, out2)
	}
	js, err := cfg.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(js, &v); err != nil || v["poll_interval"] != "1m0s" {
		t.Errorf("config show -o json: %v, poll_interval %v\n%s", err, v["poll_interval"], js)
	}
}
