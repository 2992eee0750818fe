package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/votebot/votebot/agent/identity"
	"github.com/votebot/votebot/devnet/nnslocal"
)

// runCLI is in identity_test.go.

func TestConfigValidate(t *testing.T) {
	code, out, errOut := runCLI(t, "config", "validate", "--config", "../../config/testdata/invalid-five.yml")
	lines := strings.Split(strings.TrimSpace(errOut), "\n")
	if code != 1 || out != "" || len(lines) != 6 {
		t.Fatalf("exit %d, stdout %q, stderr:\n%s", code, out, errOut)
	}
	for i, want := range []string{":5: poll_intervall:", ":9: neurons[0].policy:", ":12: policies.default.deadline_margin:",
		":16: policies.default.rules[0].match.topics[1]:", ":20: policies.default.rules[1].match.title:", "invalid-five.yml: 5 problems"} {
		if !strings.Contains(lines[i], want) {
			t.Errorf("line %d %q does not contain %q", i+1, lines[i], want)
		}
	}

	// A key file that is not there is a mistake, with its line: the daemon
	// would not start.
	code, _, errOut = runCLI(t, "config", "validate", "--config", "../../configs/votebot.example.yaml")
	if code != 1 || !strings.Contains(errOut, "votebot.example.yaml:31: identity.pem_file: open /etc/votebot/hotkey.pem") {
		t.Fatalf("example without its key: exit %d, stderr %q", code, errOut)
	}
	key, err := identity.WriteNew(filepath.Join(t.TempDir(), "hotkey.pem"), identity.Ed25519)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("VOTEBOT_IDENTITY_PEM_FILE", key.Path)

	// The example is valid, but its placeholders are warned about, with
	// lines; --strict turns them into a failure.
	code, out, errOut = runCLI(t, "config", "validate", "--config", "../../configs/votebot.example.yaml")
	if code != 0 || !strings.HasPrefix(out, "ok: ") {
		t.Fatalf("example: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if n := strings.Count(errOut, "warning: ../../configs/votebot.example.yaml:"); n != 5 ||
		!strings.Contains(errOut, ":39: neurons[0].id: 1001 is the example's placeholder") {
		t.Errorf("example: %d warnings with lines, want 5:\n%s", n, errOut)
	}
	code, out, errOut = runCLI(t, "config", "validate", "--strict", "--config", "../../configs/votebot.example.yaml")
	if code != 1 || strings.HasPrefix(out, "ok: ") || !strings.Contains(errOut, "5 warnings (--strict)") {
		t.Fatalf("example --strict: exit %d, stdout %q, stderr %q", code, out, errOut)
	}

	code, _, errOut = runCLI(t, "config", "validate", "--config", "does-not-exist.yml")
	if code != 1 || !strings.Contains(errOut, "read config") {
		t.Fatalf("missing file: exit %d, stderr %q", code, errOut)
	}
}

func TestConfigShowRedacts(t *testing.T) {
	code, out, errOut := runCLI(t, "config", "show", "--config", "../../configs/votebot.example.yaml")
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if strings.Contains(out, "XXXXXXXX") || strings.Contains(out, "0123456789abcdef") || !strings.Contains(out, "url: '[redacted]'") {
		t.Errorf("show output leaks or hides secrets wrongly:\n%s", out)
	}
}

// A misspelled VOTEBOT_* variable is warned about, with the name it probably means.
func TestUnknownEnvWarning(t *testing.T) {
	t.Setenv("VOTEBOT_POLL_INTERVALL", "30s")
	code, _, errOut := runCLI(t, "config", "show", "--config", "../../configs/votebot.example.yaml")
	if want := "warning: VOTEBOT_POLL_INTERVALL sets no configuration key (did you mean VOTEBOT_POLL_INTERVAL?)"; code != 0 || !strings.Contains(errOut, want) {
		t.Errorf("config show with a misspelled variable: exit %d, stderr:\n%s\nwant %q", code, errOut, want)
	}
}

// On a devnet that compresses time (an NNS day a minute, as configs/scenarios/week-fast.yaml),
// the default refresh.when_left of 30 days is longer than the whole decay period: validate
// warns (the daemon would refresh at every poll). At mainnet's pace it does not.
func TestValidateRefreshAgainstDevnet(t *testing.T) {
	dir := t.TempDir()
	key, err := identity.WriteNew(filepath.Join(dir, "hotkey.pem"), identity.Ed25519)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		scale float64
		warn  bool
	}{{1.0 / 1440, true}, {0, false}} {
		n, err := nnslocal.Start(context.Background(), nnslocal.Options{TimeScale: tt.scale})
		if err != nil {
			t.Fatal(err)
		}
		defer n.Close()
		cfg := filepath.Join(dir, "votebot.yaml")
		body := fmt.Sprintf("network: {urls: [%s], root_key: %s}\nidentity: {pem_file: %s}\nneurons: [{id: 9001}]\n", n.URL, n.RootKeyHex(), key.Path)
		if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		code, _, errs := runCmd(t, "config", "validate", "--strict", "--config", cfg)
		want := "refresh.when_left: 30d is not shorter than this network's voting-power decay period (3h2m38s)"
		if got := strings.Contains(errs, want); got != tt.warn || (code == 1) != tt.warn {
			t.Errorf("time scale %v: exit %d, stderr:\n%s\nwant the warning %q: %v", tt.scale, code, errs, want, tt.warn)
		}
	}
}
