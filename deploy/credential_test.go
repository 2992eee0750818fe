package deploy

import (
	"os"
	"regexp"
	"testing"

	"github.com/votebot/votebot/agent/identity"
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
