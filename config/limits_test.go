package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// manyProblems is what invalid-many.yml gives: 120 neurons with an unknown policy are 100
// problems listed and one line counting the other 20.
func manyProblems() []string {
	var want []string
	for i := range MaxProblems {
		want = append(want, fmt.Sprintf(`invalid-many.yml:%d: neurons[%d].policy: unknown policy "nope" (defined: default)`, i+3, i))
	}
	return append(want, "invalid-many.yml: … and 20 more problems (fix these first)")
}

func TestManyProblemsCount(t *testing.T) {
	_, err := Load("testdata/invalid-many.yml")
	var probs Errors
	if !errors.As(err, &probs) || len(probs) != MaxProblems+1 || probs.Count() != 120 {
		t.Fatalf("Load: %d lines, Count %d, want %d lines counting 120: %v", len(probs), probs.Count(), MaxProblems+1, err)
	}
}

// TestSecretsNotEchoed: a secret written where another type belongs never appears in the
// problems, which go to the log and, on a reload, to every other channel.
func TestSecretsNotEchoed(t *testing.T) {
	_, err := Load("testdata/invalid-secret-values.yml")
	if err == nil {
		t.Fatal("accepted")
	}
	for _, secret := range []string{"SECRET", "PASSWORD", "hooks.slack.com", "hunter2", "R0UTING"} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("problems show %q:\n%v", secret, err)
		}
	}
}

// TestFileSizeCap: a file over MaxFileSize is one problem, found without reading it whole.
func TestFileSizeCap(t *testing.T) {
	want := fmt.Sprintf("big.yml: the file is %d bytes; a configuration may be at most 1048576 bytes (1 MiB): is it the right file?", MaxFileSize+1)
	_, err := Parse("big.yml", make([]byte, MaxFileSize+1), nil)
	if err == nil || err.Error() != want {
		t.Errorf("Parse: %v\nwant %s", err, want)
	}
	path := filepath.Join(t.TempDir(), "big.yml")
	if err := os.WriteFile(path, []byte(strings.Repeat("neurons: []\n", 1_000_000)), 0o600); err != nil {
		t.Fatal(err)
	}
	var probs Errors
	if _, err := Load(path); !errors.As(err, &probs) || len(probs) != 1 || !strings.Contains(err.Error(), "the file is 12000000 bytes") {
		t.Errorf("Load: %v", err)
	}
	if _, err := Parse("ok.yml", []byte("identity: {pem_file: k}\nneurons: [{id: 1}]\n"+strings.Repeat("#", MaxFileSize-50)+"\n"), nil); err != nil {
		t.Errorf("a file just under the cap: %v", err)
	}
}

// TestListLimits: each bounded list over its limit is one problem, its entries unread.
func TestListLimits(t *testing.T) {
	items := func(n int, item string) string {
		return "[&x " + item + strings.Repeat(", *x", n-1) + "]"
	}
	mapping := func(n int, val string) string {
		var b strings.Builder
		b.WriteString("{")
		for i := range n {
			fmt.Fprintf(&b, "k%d: %s, ", i, val)
		}
		return strings.TrimSuffix(b.String(), ", ") + "}"
	}
	base := "identity: {pem_file: k}\n"
	tests := []struct{ name, yaml, want string }{
		{"neurons", base + "neurons: " + items(1001, "{id: 1}") + "\n",
			"l.yml:2: neurons: has 1001 entries; at most 1000 neurons are allowed"},
		{"policies", base + "neurons: [{id: 1}]\npolicies: " + mapping(101, "{}") + "\n",
			"l.yml:3: policies: has 101 entries; at most 100 policies are allowed"},
		{"rules", base + "neurons: [{id: 1}]\npolicies: {default: {rules: " + items(1001, "{vote: yes}") + "}}\n",
			"l.yml:3: policies.default.rules: has 1001 entries; at most 1000 rules in a policy are allowed"},
		{"channels", base + "neurons: [{id: 1}]\nalerts: {channels: " + mapping(51, "{type: slack}") + "}\n",
			"l.yml:3: alerts.channels: has 51 entries; at most 50 alert channels are allowed"},
		{"other lists", base + "neurons: [{id: 1}]\npolicies: {default: {rules: [{vote: yes, match: {topics: " + items(1001, "Governance") + "}}]}}\n",
			"l.yml:3: policies.default.rules[0].match.topics: has 1001 entries; at most 1000 entries are allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("l.yml", []byte(tt.yaml), nil)
			if err == nil || err.Error() != tt.want {
				t.Errorf("got  %v\nwant %s", err, tt.want)
			}
		})
	}
}

func TestRedactURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://icp-api.io", "https://icp-api.io"},
		{"https://user:pw@host:8443/api?key=abc&x=1#frag", "https://user:[redacted]@host:8443/api?key=[redacted]&x=[redacted]"},
		{"https://user@host/", "https://user@host/"},
		{"http://h/%zz", "[redacted]"},
	}
	for _, tt := range tests {
		if got := RedactURL(tt.in); got != tt.want {
			t.Errorf("RedactURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestShowRedactsEndpointCredentials: `config show` and `config validate` print the network
// URLs without their password or query tokens.
func TestShowRedactsEndpointCredentials(t *testing.T) {
	cfg, err := Parse("n.yml", []byte(`network: {urls: ["https://op:NETPASS@ic.example:8443/?token=NETTOKEN"], root_key: fetch}
identity: {pem_file: k}
neurons: [{id: 1}]
`), nil)
	if err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"Redacted": cfg.Redacted(), "Summary": cfg.Summary()} {
		if strings.Contains(out, "NETPASS") || strings.Contains(out, "NETTOKEN") || !strings.Contains(out, "op:[redacted]@ic.example:8443") {
			t.Errorf("%s:\n%s", name, out)
		}
	}
	if got := cfg.Network.URLs[0]; !strings.Contains(got, "NETPASS") {
		t.Errorf("the URL used to connect lost its credentials: %q", got)
	}
}

// largestConfig is a valid configuration near MaxFileSize: 1,000 neurons over 100 policies of
// rules with regular expressions, the most work a file under the caps can ask for.
func largestConfig() []byte {
	var b strings.Builder
	b.WriteString("identity: {pem_file: k.pem}\nneurons:\n")
	for i := 1; i <= 1000; i++ {
		fmt.Fprintf(&b, "  - {id: %d, alias: n%d, policy: p%d}\n", i, i, i%100)
	}
	b.WriteString("policies:\n")
	for p := 0; p < 100; p++ {
		fmt.Fprintf(&b, "  p%d:\n    rules:\n", p)
		for r := 0; r < 95; r++ {
			fmt.Fprintf(&b, "      - {name: r%d, match: {topics: [Governance], title: 'foo%d.*bar', proposers: [%d]}, vote: yes}\n", r, r, r+1)
		}
	}
	return []byte(b.String())
}

// BenchmarkParseLargest: the worst a file under the caps costs. Before the caps a 10 MB file
// took 141 s and 406 MB; it is now refused unread.
func BenchmarkParseLargest(b *testing.B) {
	data := largestConfig()
	if len(data) > MaxFileSize {
		b.Fatalf("%d bytes, over the cap", len(data))
	}
	if _, err := Parse("largest.yml", data, nil); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		_, _ = Parse("largest.yml", data, nil)
	}
}
