package daemon_test

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/devnet/demo"
	"github.com/votebot/votebot/devnet/nnslocal"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/store"
)

// logBuf collects the devnet's log lines (scenario failures are logged).
type logBuf struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuf) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuf) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestWeekEndToEnd plays the demo's compressed week against the devnet:
// every neuron ends at 100% reward-weighted participation, votes follow the
// rules, the Governance fallback acts at the margin, following is
// reconciled, the voting-power refresh is done, nothing is sent twice.
func TestWeekEndToEnd(t *testing.T) {
	skipLong(t)
	t.Parallel()
	const d = 30 * time.Second
	e := newKeys(t)
	week, err := demo.NewWeek(d, e.bot)
	if err != nil {
		t.Fatal(err)
	}
	devLog := &logBuf{}
	e.start(nnslocal.Options{Scenario: week.Scenario, TimeScale: week.TimeScale,
		Logger: zerolog.New(devLog).Level(zerolog.WarnLevel)})
	raw, err := week.Config(e.net.URL, e.net.RootKeyHex(), e.dir+"/hotkey.pem", e.storePath())
	if err != nil {
		t.Fatal(err)
	}
	e.loadConfig(raw)
	week.Compress(e.cfg)
	refreshedBefore := neuronRefreshed(t, e, demo.Savings)
	app := e.assemble(func(o *bot.Options) { o.PollInterval = 250 * time.Millisecond })
	defer app.Close()

	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	if err := app.Bot.Run(ctx); err != nil {
		t.Fatal(err)
	}

	got := participation(t, app.Store, time.Now())
	for _, id := range []uint64{demo.Main, demo.Cold, demo.Savings} {
		p := got[id]
		if p.Counted == 0 || p.Fraction != 1 || p.Missed != 0 || p.Unknown != 0 {
			t.Errorf("neuron %d participation %+v, want 100%% of every settled ballot", id, p)
		}
	}
	if log := devLog.String(); strings.Contains(log, "scenario event failed") {
		t.Errorf("the scenario did not play as written:\n%s", log)
	}
	var ids []uint64
	for i := range week.Scenario.Proposals {
		if id, ok := e.net.ProposalID(i); ok {
			ids = append(ids, id)
		}
	}
	if len(ids) != 15 {
		t.Fatalf("%d proposals submitted, want 15", len(ids))
	}
	// Votes match the rules of policy "active" (neuron main); ballots are
	// gone after settlement, so read what the bot sent and the canister
	// accepted.
	want := map[int]nns.Vote{2: nns.VoteYes, 4: nns.VoteNo, 7: nns.VoteYes, 8: nns.VoteYes, 11: nns.VoteYes}
	for i, v := range want {
		atts, err := app.Store.VoteAttempts(context.Background(), ids[i], demo.Main)
		var a store.VoteAttempt
		for _, at := range atts {
			if at.Outcome.Done() {
				a = at
			}
		}
		if err != nil || a.Attempt == 0 || a.Vote != v || a.Source != "rule" {
			t.Errorf("main on proposal %d: %+v (%v), want a rule vote %s", ids[i], a, err, v)
		}
	}
	// The Governance proposal (index 3) was decided by the fallback at the
	// margin, after a human was asked once.
	gov := ids[3]
	atts, err := app.Store.VoteAttempts(context.Background(), gov, demo.Main)
	if err != nil || len(atts) != 1 || atts[0].Source != "fallback" {
		t.Fatalf("vote attempts on Governance proposal: %+v, %v; want one fallback vote", atts, err)
	}
	pi, _ := e.net.Governance.ProposalInfo(gov)
	margin := 2 * time.Second // secs(8 units of 250 ms)
	if deadline := time.Unix(int64(*pi.DeadlineTimestampSeconds), 0); atts[0].Started.Before(deadline.Add(-margin - time.Second)) {
		t.Errorf("fallback sent at %s, before the margin (deadline %s)", atts[0].Started, deadline)
	}
	if first, _, resolved := e.alerts.count(alert.KeyFor(alert.KindManualDecisionNeeded, demo.Main, gov)); first != 1 || resolved != 1 {
		t.Errorf("manual decision alert: %d first messages, %d resolutions; want 1 and 1", first, resolved)
	}
	for _, k := range []alert.Kind{alert.KindVoteMissed, alert.KindProposalAtRisk, alert.KindVoteRefused} {
		if keys := e.alerts.keys(k); len(keys) != 0 {
			t.Errorf("unexpected %s alerts: %v", k, keys)
		}
	}
	// Each ballot was sent at most once (succeeded attempts).
	sent := 0
	for _, id := range ids {
		for _, n := range []uint64{demo.Main, demo.Cold, demo.Savings} {
			atts, _ := app.Store.VoteAttempts(context.Background(), id, n)
			ok := 0
			for _, a := range atts {
				if a.Outcome == "succeeded" {
					ok++
				}
			}
			if ok > 1 {
				t.Errorf("ballot %d/%d sent %d times", id, n, ok)
			}
			sent += ok
		}
	}
	// Following reconciled: main follows DFINITY on the IC-OS topics.
	fn, _ := e.net.Governance.Neuron(demo.Main)
	if !followsOn(fn, nns.TopicIcOsVersionElection, demo.DFINITY) {
		t.Errorf("main's following not reconciled: %+v", fn.Followees)
	}
	if after := neuronRefreshed(t, e, demo.Savings); !after.After(refreshedBefore) {
		t.Errorf("savings voting power not refreshed (still %s)", after)
	}
	t.Logf("%d votes sent by the bot; participation %+v", sent, got)
}
