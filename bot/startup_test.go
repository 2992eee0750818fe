package bot

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

// A start-up failure is never silent: the log says what to check, systemd
// hears STATUS=, and a person gets start_failed, resolved once it starts.
func TestStartFailureIsLoggedAlertedAndReported(t *testing.T) {
	h := newHarness(t, 1)
	var logs bytes.Buffer
	var status []string
	h.store.failReads = errors.New("open votebot.db: database disk image is malformed")
	b, err := New(Deps{Gov: h.gov, Errors: fakeErrs{}, Store: h.store, Alerter: h.al, Decider: h.dec,
		Metrics: h.m, Logger: zerolog.New(&logs), Now: h.clk.Now,
		Notify: func(s string) { status = append(status, s) }}, h.opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Once(context.Background()); err == nil {
		t.Fatal("Once succeeded with a store that cannot be read")
	}
	for _, want := range []string{"votebot could not start", "store.path", "database disk image is malformed"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logs.String())
		}
	}
	if len(status) == 0 || !strings.HasPrefix(status[len(status)-1], "STATUS=start failed") {
		t.Errorf("systemd status %q, want STATUS=start failed…", status)
	}
	if got := h.al.count("fire start_failed/0/0"); got != 1 {
		t.Errorf("start_failed fired %d times (%v), want 1", got, h.al.delivered)
	}
	h.store.failReads = nil
	h.clk.Add(time.Minute)
	if _, err := b.Once(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := h.al.count("resolve start_failed/0/0"); got != 1 {
		t.Errorf("start_failed resolved %d times, want 1", got)
	}
	if !strings.Contains(strings.Join(status, " "), "STATUS=running") {
		t.Errorf("systemd status %q lacks STATUS=running", status)
	}
}

// A failed start-up keeps the request to reconcile following: the first
// pass that starts sets the policy's followees (it used to be dropped with
// the failed pass, leaving only a following_drift alert).
func TestFailedStartKeepsTheReconcile(t *testing.T) {
	h := newHarness(t, 1)
	h.store.failReads = errors.New("database disk image is malformed (11)")
	if _, err := h.bot.Once(context.Background()); err == nil {
		t.Fatal("Once succeeded with a store that cannot be read")
	}
	h.store.failReads = nil
	h.step(time.Minute)
	if len(h.gov.following) != 1 || h.al.count("fire following_drift") != 0 {
		t.Errorf("following set for %v, alerts %v; want neuron 1's following set on the first pass that started",
			h.gov.following, h.al.delivered)
	}
}
