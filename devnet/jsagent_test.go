package devnet_test

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"context"
	"encoding/hex"
	"encoding/json"
	"github.com/rs/zerolog"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestJSAgent runs DFINITY's JS agent against the devnet. It needs node
// and `npm install @icp-sdk/core` in a scratch directory:
//
//	mkdir -p /tmp/jsagent && cd /tmp/jsagent && npm install @icp-sdk/core
//	VOTEBOT_JSAGENT_DIR=/tmp/jsagent go test -run JSAgent -v ./devnet/
func TestJSAgent(t *testing.T) {
	dir := os.Getenv("VOTEBOT_JSAGENT_DIR")
	if dir == "" {
		t.Skip("set VOTEBOT_JSAGENT_DIR to a directory with @icp-sdk/core installed")
	}
	script, err := os.ReadFile(filepath.Join("testdata", "jsagent", "agent.mjs"))
	if err != nil {
		t.Fatal(err)
	}
	// VOTEBOT_JSAGENT_FLAVOR=dfinity runs the same script with the older
	// @dfinity/agent 3 packages (npm install @dfinity/agent@3
	// @dfinity/candid@3 @dfinity/identity@3 @dfinity/identity-secp256k1@3
	// @dfinity/principal@3).
	if os.Getenv("VOTEBOT_JSAGENT_FLAVOR") == "dfinity" {
		script = []byte(strings.NewReplacer(
			"'@icp-sdk/core/identity/secp256k1'", "'@dfinity/identity-secp256k1'",
			"'@icp-sdk/core/", "'@dfinity/",
		).Replace(string(script)))
	}
	// ES modules resolve packages next to the script, so run it from there.
	path := filepath.Join(dir, "votebot-devnet-agent.mjs")
	if err := os.WriteFile(path, script, 0o644); err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	n := newTestNetLogged(t, zerolog.New(&log))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "node", path, n.http.URL, hex.EncodeToString(n.srv.RootKey()), cid.Encode()).CombinedOutput()
	t.Logf("node output:\n%s", out)
	t.Logf("endpoints used:\n%s", endpointsUsed(log.String()))
	if err != nil {
		t.Fatalf("JS agent: %v", err)
	}
}

// endpointsUsed summarises the devnet's request log: count per method,
// path shape and status.
func endpointsUsed(log string) string {
	counts := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(log), "\n") {
		var e struct {
			Method string `json:"method"`
			Path   string `json:"path"`
			Status int    `json:"status"`
		}
		if json.Unmarshal([]byte(line), &e) != nil {
			continue
		}
		path := strings.Replace(e.Path, cid.Encode(), "<canister>", 1)
		counts[fmt.Sprintf("%s %s %d", e.Method, path, e.Status)]++
	}
	var lines []string
	for k, v := range counts {
		lines = append(lines, fmt.Sprintf("%4d %s", v, k))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}
