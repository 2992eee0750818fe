package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/votebot/votebot/agent"
)

func TestDevnetCommand(t *testing.T) {
	dir := t.TempDir()
	scenario := filepath.Join(dir, "s.yaml")
	if err := os.WriteFile(scenario, []byte("neurons:\n  - {id: 7, controller: aaaaa-aa, stake_e8s: 100000000}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(dir, "root.key")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	outR, outW := io.Pipe()
	code := make(chan int, 1)
	go func() {
		code <- Run(ctx, []string{"devnet", "--listen", "127.0.0.1:0", "--quiet", "--key-file", keyFile, "--scenario", scenario},
			Streams{In: strings.NewReader(""), Out: outW, Err: io.Discard})
		outW.Close()
	}()
	line, err := bufio.NewReader(outR).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the ready line: %v", err)
	}
	m := regexp.MustCompile(`^devnet ready url=(http://127\.0\.0\.1:\d+) root_key=([0-9a-f]{266})\n$`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("ready line %q", line)
	}
	resp, err := http.Get(m[1] + "/_/devnet/neurons/7")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("scenario neuron 7: status %d", resp.StatusCode)
	}
	if fi, err := os.Stat(keyFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("key file: %v, mode %v", err, fi.Mode())
	}
	cancel()
	select {
	case c := <-code:
		if c != 0 {
			t.Errorf("exit code %d after cancel, want 0", c)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("devnet did not stop after cancel")
	}
}

func TestDevnetCommandBadScenario(t *testing.T) {
	scenario := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(scenario, []byte("neurons:\n  - {id: 7, controler: aaaaa-aa}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var errOut strings.Builder
	code := Run(context.Background(), []string{"devnet", "--listen", "127.0.0.1:0", "--scenario", scenario},
		Streams{In: strings.NewReader(""), Out: io.Discard, Err: &errOut})
	if code == 0 || !strings.Contains(errOut.String(), `neurons[0].controler (line 2): unknown key "controler"`) {
		t.Errorf("exit %d, stderr %q", code, errOut.String())
	}
}

// The devnet's mainnet-likeness flags reach the network: a clock offset
// shows as skew in the agent's certificates, and a bad latency is refused.
func TestDevnetCommandClockAndPaceFlags(t *testing.T) {
	if code, _, errs := runCmd(t, "devnet", "--update-latency", "soon"); code == 0 || !strings.Contains(errs, "update-latency") {
		t.Errorf("--update-latency soon: exit %d, %q", code, errs)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	outR, outW := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, []string{"devnet", "--listen", "127.0.0.1:0", "--quiet", "--clock-offset", "3m",
			"--update-latency", "100ms±20ms", "--rate-limit", "50"}, Streams{In: strings.NewReader(""), Out: outW, Err: io.Discard})
		outW.Close()
	}()
	line, err := bufio.NewReader(outR).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the ready line: %v", err)
	}
	m := regexp.MustCompile(`url=(\S+) root_key=([0-9a-f]+)`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("ready line %q", line)
	}
	gov, err := agent.New(ctx, agent.Config{Endpoints: []string{m[1]}, RootKey: m[2]})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := gov.ListKnownNeurons(ctx); err != nil {
		t.Fatal(err)
	}
	skew, _, ok := gov.ClockSkew()
	if !ok || (skew-3*time.Minute).Abs() > 5*time.Second {
		t.Errorf("skew %s (measured %v), want about 3m", skew, ok)
	}
	cancel()
	<-done
}
