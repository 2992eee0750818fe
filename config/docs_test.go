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
