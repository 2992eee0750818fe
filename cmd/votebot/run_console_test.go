package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRunServesConsole: `votebot run` with a console section serves it on
// its own address (the metrics address answers no console page), showing
// the devnet's open proposals; a console token file others may read stops
// the start with the reason.
func TestRunServesConsole(t *testing.T) {
	cfg, _ := devnetConfig(t)
	metricsAddr, consoleAddr := freeAddr(t), freeAddr(t)
	token := filepath.Join(filepath.Dir(cfg), "console-token")
	if err := os.WriteFile(token, []byte("0123456789abcdef0123456789abcdef\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	base, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	write := func() {
		t.Helper()
		extra := fmt.Sprintf("listen: %s\npoll_interval: 1s\nconsole: {listen: %q, token_file: %s}\n", metricsAddr, consoleAddr, token)
		if err := os.WriteFile(cfg, append(append([]byte(nil), base...), extra...), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write()

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		code, _, errs := runCmdCtx(ctx, "run", "--config", cfg)
		if code != 0 {
			t.Logf("stderr: %s", errs)
		}
		done <- code
	}()
	var page string
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		resp, err := http.Get("http://" + consoleAddr + "/proposals")
		if err != nil {
			continue
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if page = string(b); resp.StatusCode == http.StatusOK && strings.Contains(page, "Governance change") {
			break
		}
	}
	if resp, err := http.Get("http://" + metricsAddr + "/proposals"); err != nil {
		t.Errorf("metrics listener: %v", err)
	} else if resp.Body.Close(); resp.StatusCode != http.StatusNotFound {
		t.Errorf("the metrics listener answers /proposals with %s, want 404", resp.Status)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("run exited %d after cancellation, want 0", code)
	}
	for _, want := range []string{"Governance change", "SubnetManagement change", "needs your decision"} {
		if !strings.Contains(page, want) {
			t.Errorf("the console's /proposals lacks %q:\n%.2000s", want, page)
		}
	}

	if err := os.Chmod(token, 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs := runCmdCtx(context.Background(), "run", "--config", cfg)
	if code == 0 || !strings.Contains(errs, "must not be accessible by group or others") {
		t.Errorf("run with a readable token file: exit %d, stderr:\n%s", code, errs)
	}
}
