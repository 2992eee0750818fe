package daemon_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/daemon"
	"github.com/votebot/votebot/devnet/governance"
	"github.com/votebot/votebot/nns"
)

// stormHook keeps every message a webhook channel posts.
type stormHook struct {
	mu  sync.Mutex
	got []stormMsg
}

type stormMsg struct {
	Key      string `json:"key"`
	Kind     string `json:"kind"`
	Severity string `json:"severity"`
	Neuron   string `json:"neuron"`
	Resolved bool   `json:"resolved"`
	Reminder int    `json:"reminder"`
	Text     string `json:"text"`
}

func (h *stormHook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var m stormMsg
	if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	h.mu.Lock()
	h.got = append(h.got, m)
	h.mu.Unlock()
}

// firstFor lists the first messages (not reminders, not resolutions)
// about one neuron, as "kind severity".
func (h *stormHook) firstFor(neuron string) []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, m := range h.got {
		if m.Neuron == neuron && !m.Resolved && m.Reminder == 0 {
			out = append(out, m.Kind+" "+m.Severity)
		}
	}
	return out
}

// TestStormOneAlertPerCause is issue 25's storm against the devnet, through
// the config's own webhook channel: 9001 votes, 9002 exists without the
// bot's hotkey, 9999 does not exist; six motions are open, every ballot
// within the at-risk threshold from the start. A dry-run pass (`votebot once
// --dry-run`), then the daemon's loop until every deadline passed: exactly
// one webhook per neuron and cause, of the kind that names it — none per
// proposal when voting ends, nor when the canister settles the proposals
// and their ballots can no longer be told.
func TestStormOneAlertPerCause(t *testing.T) {
	skipLong(t)
	t.Parallel()
	e := newE2E(t, shortNNS(8*time.Second, 12*time.Second)) // settled (ballots purged) at 12 s
	e.addProposerAndBotNeurons(botNeuron{9001, 10})
	e.addNeurons([]governance.NeuronSpec{{ID: 9002, Controller: e.ctl, StakeE8s: 10 * 100_000_000,
		DissolveDelay: 365 * 24 * time.Hour}}) // no hotkey
	hook := &stormHook{}
	srv := httptest.NewServer(hook)
	defer srv.Close()
	e.loadConfig(e.configf(`
poll_interval: 1s
neurons: [{id: 9001, alias: main}, {id: 9002, alias: nohotkey}, {id: 9999, alias: typo}]
alerts:
  channels:
    hook: {type: webhook, url: "%s"}
policies:
  default: {deadline_margin: 2s, fallback: no, default: yes}
`, srv.URL))
	for i := range 6 {
		if _, err := e.net.Governance.SubmitProposal(governance.ProposalSpec{Proposer: 40, Title: "Motion",
			Action: nns.Action{Motion: &nns.Motion{MotionText: "m" + string(rune('a'+i))}}}); err != nil {
			t.Fatal(err)
		}
	}
	tune := func(o *bot.Options) {
		o.PollInterval, o.RetryBackoff, o.AtRiskThreshold = 250*time.Millisecond, 250*time.Millisecond, time.Hour
	}
	ctx := context.Background()

	dry, err := daemon.Assemble(ctx, daemon.AppOptions{Config: e.cfg, Logger: zerolog.Nop(), DryRun: true, Tune: tune})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := dry.Bot.Once(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Blocked != 2 || sum.AtRisk != 0 {
		t.Errorf("once --dry-run: %d neurons cannot vote, %d ballots at risk; want 2 and 0", sum.Blocked, sum.AtRisk)
	}
	dry.Close()
	check := func(when string) {
		t.Helper()
		want := map[string][]string{"9002": {"hotkey_missing critical"}, "9999": {"neuron_not_found critical"}}
		for neuron, w := range want {
			if got := hook.firstFor(neuron); !slices.Equal(got, w) {
				t.Errorf("%s: webhooks about neuron %s: %v, want %v", when, neuron, got, w)
			}
		}
	}
	check("once --dry-run")
	hook.mu.Lock()
	t.Logf("once --dry-run posted %d webhooks: %+v", len(hook.got), hook.got)
	hook.mu.Unlock()

	// The daemon, on the same store: what the dry run sent is not sent
	// again, and nothing per proposal follows until voting ended.
	app, err := daemon.Assemble(ctx, daemon.AppOptions{Config: e.cfg, Logger: zerolog.Nop(), Tune: tune})
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- app.Bot.Run(runCtx) }()
	// Past the 8 s voting period, until a reward event (every 12 s) has
	// settled all six, then two seconds for the loop to see it.
	settled := func() (n int) {
		for id := uint64(1); id <= 6; id++ {
			if pi, ok := e.net.Governance.ProposalInfo(id); ok && nns.RewardStatus(pi.RewardStatus) == nns.RewardStatusSettled {
				n++
			}
		}
		return n
	}
	for start := time.Now(); settled() < 6 && time.Since(start) < 40*time.Second; {
		time.Sleep(250 * time.Millisecond)
	}
	time.Sleep(2 * time.Second)
	cancel()
	if err := <-done; err != nil {
		t.Error(err)
	}
	if n := settled(); n != 6 {
		t.Errorf("%d of the 6 proposals settled: the test did not reach the settlement", n)
	}
	check("after the loop ran past every deadline and the settlement")
	hook.mu.Lock()
	t.Logf("%d webhooks in all", len(hook.got))
	hook.mu.Unlock()
}
