package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
)

// withListen rewrites the config at path to listen on addr (the daemon
// probe must not find another process's daemon on the default port).
func withListen(t *testing.T, path, addr string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, append(data, []byte("listen: "+addr+"\n")...), 0o600); err != nil {
		t.Fatal(err)
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// TestVoteTellsTheTruth: vote refuses what cannot be voted, says whether a
// daemon will act on it, overrides lists the decisions and --clear
// removes one.
func TestVoteTellsTheTruth(t *testing.T) {
	cfg, ids := devnetConfig(t)
	addr := freeAddr(t)
	withListen(t, cfg, addr)
	gov := fmt.Sprint(ids[0])

	tests := []struct {
		name    string
		args    []string
		code    int
		inOut   string // expected in stdout
		inError string // expected in stderr
	}{
		{"unknown proposal", []string{"vote", "99999", "yes"}, 1, "", "proposal 99999 does not exist"},
		{"neuron not configured", []string{"vote", gov, "yes", "--neuron", "5"}, 1, "", "neuron 5 is not configured"},
		{"bad vote", []string{"vote", gov, "maybe"}, 1, "", `"maybe": want yes or no`},
		{"nothing stored yet", []string{"overrides"}, 0, "No decisions stored.", ""},
		{"stored, no daemon", []string{"vote", gov, "no", "--neuron", "1001"}, 0,
			"Stored: No on proposal " + gov + " for neuron 1001.\nNo votebot daemon answers on http://" + addr + "/healthz", ""},
		{"listed", []string{"overrides"}, 0, "main    No    unseen", ""},
		{"clear another neuron", []string{"vote", gov, "--clear"}, 0, "No decision stored for proposal " + gov + " for every neuron", ""},
		{"clear", []string{"vote", gov, "--clear", "--neuron", "1001"}, 0, "Cleared the decision on proposal " + gov + " for neuron 1001", ""},
		{"cleared", []string{"overrides"}, 0, "No decisions stored.", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := runCmd(t, append(tc.args, "--config", cfg)...)
			if code != tc.code || !strings.Contains(out, tc.inOut) || !strings.Contains(errs, tc.inError) {
				t.Errorf("votebot %s: exit %d\nstdout: %s\nstderr: %s\nwant exit %d, stdout with %q, stderr with %q",
					strings.Join(tc.args, " "), code, out, errs, tc.code, tc.inOut, tc.inError)
			}
		})
	}

	// With a daemon answering on the listen address, vote says so and when it acts.
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" {
			w.Write([]byte("ok\n"))
			return
		}
		http.NotFound(w, r)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	code, out, errs := runCmd(t, "vote", gov, "yes", "--config", cfg)
	if want := "votebot is running (http://" + addr + "/healthz answers): it votes at its next pass, within 1m0s."; code != 0 || !strings.Contains(out, want) {
		t.Errorf("vote with a daemon running: exit %d\n%s%s\nwant %q", code, out, errs, want)
	}
}

// TestVoteWhenNetworkUnreachable: the decision is stored with a warning.
func TestVoteWhenNetworkUnreachable(t *testing.T) {
	cfg, ids := devnetConfig(t)
	data, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	down := freeAddr(t)
	lines := strings.Split(string(data), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "network:") {
			lines[i] = strings.Replace(l, l[strings.Index(l, "[")+1:strings.Index(l, "]")], "http://"+down, 1)
		}
	}
	if err := os.WriteFile(cfg, []byte(strings.Join(lines, "\n")+"listen: "+freeAddr(t)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCmd(t, "vote", fmt.Sprint(ids[0]), "yes", "--config", cfg)
	if code != 0 || !strings.Contains(errs, "warning: could not check that proposal") || !strings.Contains(out, "Stored: Yes") {
		t.Errorf("vote with the network down: exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	if _, out, _ := runCmd(t, "overrides", "--config", cfg); !strings.Contains(out, "every neuron  Yes") {
		t.Errorf("overrides after storing with the network down:\n%s", out)
	}
}

// TestVoteWithoutKey: `sudo votebot vote N yes` without the systemd credential still checks
// the proposal, anonymously, and refuses one that does not exist.
func TestVoteWithoutKey(t *testing.T) {
	cfg, ids := devnetConfig(t)
	data, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "identity:") {
			lines[i] = "identity: {credential: votebot-hotkey}"
		}
	}
	if err := os.WriteFile(cfg, []byte(strings.Join(lines, "\n")+"listen: "+freeAddr(t)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CREDENTIALS_DIRECTORY", "")
	code, out, errs := runCmd(t, "vote", "99999", "yes", "--config", cfg)
	if code != 1 || !strings.Contains(errs, "proposal 99999 does not exist") || !strings.Contains(errs, "checking proposal 99999 anonymously") {
		t.Errorf("vote on a proposal that does not exist, without the key: exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	code, out, errs = runCmd(t, "vote", fmt.Sprint(ids[0]), "yes", "--config", cfg)
	if code != 0 || !strings.Contains(out, "Stored: Yes") || strings.Contains(errs, "could not check") {
		t.Errorf("vote on an open proposal, without the key: exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	t.Logf("stderr: %s", errs)
}
