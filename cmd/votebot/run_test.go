package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// TestRunServesMetricsAndStops runs the daemon against the devnet, reads
// /readyz and /metrics, then cancels (as SIGTERM does) and expects exit 0.
func TestRunServesMetricsAndStops(t *testing.T) {
	cfg, _ := devnetConfig(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	f, err := os.OpenFile(cfg, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(f, "listen: %s\npoll_interval: 1s\n", addr)
	f.Close()

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		code, _, errs := runCmdCtx(ctx, "run", "--config", cfg)
		if code != 0 {
			t.Logf("stderr: %s", errs)
		}
		done <- code
	}()
	// The first pass publishes these one after another: wait until all are there (or 10 s).
	names := []string{"votebot_build_info", "votebot_proposal_deadline_timestamp_seconds",
		"votebot_neuron_voted", "votebot_last_successful_poll_timestamp_seconds", "votebot_api_requests_total",
		"votebot_api_request_duration_seconds", "votebot_endpoint_up", "votebot_alerts_firing",
		"votebot_config_last_reload_successful", "votebot_neuron_deciding_voting_power"}
	has := func(body string) bool {
		for _, name := range names {
			if !strings.Contains(body, name) {
				return false
			}
		}
		return strings.Contains(body, "votebot_neuron_voted{")
	}
	var body string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err != nil || resp.StatusCode != http.StatusOK {
			if resp != nil {
				resp.Body.Close()
			}
			continue
		}
		resp.Body.Close()
		resp, err = http.Get("http://" + addr + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if body = string(b); has(body) {
			break
		}
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("run exited %d after cancellation, want 0", code)
	}
	for _, name := range names {
		if !strings.Contains(body, name) {
			t.Errorf("/metrics lacks %s", name)
		}
	}
}

func runCmdCtx(ctx context.Context, args ...string) (int, string, string) {
	var out, errb strings.Builder
	code := Run(ctx, args, Streams{In: strings.NewReader(""), Out: &out, Err: &errb})
	return code, out.String(), errb.String()
}
