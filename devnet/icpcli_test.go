package devnet_test

import (
	"context"
	"encoding/hex"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestICPCLI runs DFINITY's `icp` CLI (ic-agent inside) against the
// devnet. The binary ships in an npm package:
//
//	mkdir -p /tmp/icpcli && cd /tmp/icpcli && npm install @icp-sdk/icp-cli-linux-x64
//	VOTEBOT_ICP_CLI=/tmp/icpcli/node_modules/@icp-sdk/icp-cli-linux-x64/bin/icp go test -run ICPCLI -v ./devnet/
func TestICPCLI(t *testing.T) {
	icp := os.Getenv("VOTEBOT_ICP_CLI")
	if icp == "" {
		t.Skip("set VOTEBOT_ICP_CLI to the icp binary")
	}
	n := newTestNet(t)
	home := t.TempDir()
	run := func(args ...string) (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, icp, args...)
		cmd.Env = append(os.Environ(), "HOME="+home, "DO_NOT_TRACK=1")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := run("identity", "new", "tester", "--storage", "plaintext", "-q"); err != nil {
		t.Fatalf("identity new: %v\n%s", err, out)
	}
	net := []string{"--network", n.http.URL, "--root-key", hex.EncodeToString(n.srv.RootKey())}
	cases := []struct {
		args    []string
		want    string
		wantErr bool
	}{
		{[]string{"greet", `("cli")`, "--query"}, `("Hello, cli!")`, false},
		{[]string{"greet", `("cli")`, "--query", "--identity", "tester"}, `("Hello, cli!")`, false},
		{[]string{"inc", "()", "--identity", "tester"}, `(1 : nat64)`, false},
		{[]string{"greet", `("update")`}, `("Hello, update!")`, false},
		{[]string{"refuse", "()", "--identity", "tester"}, "IC0406", true},
		{[]string{"nope", "()"}, "nope", true},
	}
	for _, c := range cases {
		args := append(append([]string{"canister", "call", cid.Encode()}, c.args...), net...)
		out, err := run(args...)
		t.Logf("icp %s\n%s", strings.Join(c.args, " "), firstLines(out, 2))
		if (err != nil) != c.wantErr || !strings.Contains(out, c.want) {
			t.Errorf("icp %v: err %v, output %q; want %q", c.args, err, firstLines(out, 3), c.want)
		}
	}
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}
