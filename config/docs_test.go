package config

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestPolicyDocExamplesValidate keeps docs/policies.md honest: every YAML
// example in it is a valid policy.
func TestPolicyDocExamplesValidate(t *testing.T) {
	doc, err := os.ReadFile("../docs/policies.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindAllStringSubmatch(string(doc), -1)
	if len(blocks) < 7 {
		t.Fatalf("found %d yaml examples, want at least 7", len(blocks))
	}
	for i, b := range blocks {
		body := b[1]
		if strings.HasPrefix(body, "    ") { // a fragment of policies.default
			body = "policies:\n  default:\n" + body
		}
		data := "identity: {pem_file: k.pem}\nneurons: [{id: 1}]\n" + body
		if _, err := Parse("docs example", []byte(data), nil); err != nil {
			t.Errorf("example %d does not validate:\n%s\n%v", i+1, b[1], err)
		}
	}
}

// TestReadmeDevnetConfig: the README's devnet config validates as written, with the
// console added (`console: {}`) and with the console line the README appends (its
// token file): its metrics port is not the console's default.
func TestReadmeDevnetConfig(t *testing.T) {
	doc, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?s)cat > \.votebot/devnet\.yaml <<'END'\n(.*?)END\n`).FindStringSubmatch(string(doc))
	if m == nil {
		t.Fatal("the README has no .votebot/devnet.yaml heredoc")
	}
	add := regexp.MustCompile(`echo '(console: [^']*)' >> \.votebot/devnet\.yaml`).FindStringSubmatch(string(doc))
	if add == nil {
		t.Fatal("the README does not say how to add the console to .votebot/devnet.yaml")
	}
	for _, extra := range []string{"", "console: {}\n", add[1] + "\n"} {
		if _, err := Parse("README devnet.yaml", []byte(m[1]+extra), nil); err != nil {
			t.Errorf("the README's devnet config with %q does not validate: %v", extra, err)
		}
	}
}

// A console left at its default address on the metrics port is reported at the line that
// sets the metrics address, not at a console.listen nobody wrote.
func TestConsoleDefaultClashLine(t *testing.T) {
	data := "identity: {pem_file: k.pem}\nneurons: [{id: 1}]\nlisten: 127.0.0.1:9465\nconsole: {}\n"
	_, err := Parse("votebot.yaml", []byte(data), nil)
	if err == nil || !strings.Contains(err.Error(), "votebot.yaml:3: listen: is 127.0.0.1:9465, the console's default address") {
		t.Errorf("got %v, want the problem at line 3 (listen)", err)
	}
	data = "identity: {pem_file: k.pem}\nneurons: [{id: 1}]\nlisten: 127.0.0.1:9470\nconsole:\n  listen: 127.0.0.1:9470\n"
	if _, err := Parse("votebot.yaml", []byte(data), nil); err == nil || !strings.Contains(err.Error(), "votebot.yaml:5: console.listen: is the metrics address") {
		t.Errorf("got %v, want the problem at line 5 (console.listen)", err)
	}
}
