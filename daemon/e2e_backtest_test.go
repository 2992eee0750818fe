package daemon_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/rs/zerolog"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/backtest"
	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/daemon"
	"github.com/votebot/votebot/devnet/demo"
	"github.com/votebot/votebot/devnet/nnslocal"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
)

// TestWeekBacktestAndFollowees plays the demo's compressed week, then reads
// the state database as `votebot backtest` and `votebot followees` do:
//   - the backtest of the config in use reproduces every recorded decision;
//   - with rule infrastructure-yes turned to No, exactly main's ballots that
//     rule decided change, to No;
//   - CodeGov, silent from hour 30, is weak on cold's topics with its
//     fallback count, and DFINITY, which kept voting, is suggested.
func TestWeekBacktestAndFollowees(t *testing.T) {
	skipLong(t)
	t.Parallel()
	const d = 30 * time.Second
	e := newKeys(t)
	week, err := demo.NewWeek(d, e.bot)
	if err != nil {
		t.Fatal(err)
	}
	e.start(nnslocal.Options{Scenario: week.Scenario, TimeScale: week.TimeScale, Logger: zerolog.Nop()})
	raw, err := week.Config(e.net.URL, e.net.RootKeyHex(), e.dir+"/hotkey.pem", e.storePath())
	if err != nil {
		t.Fatal(err)
	}
	e.loadConfig(raw)
	week.Compress(e.cfg)
	e.cfg.Alerts.Thresholds.FolloweeFallbacks = 1
	inUse := e.cfg
	app := e.assemble(func(o *bot.Options) { o.PollInterval = 250 * time.Millisecond })
	defer app.Close()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	if err := app.Bot.Run(ctx); err != nil {
		t.Fatal(err)
	}

	h, err := backtest.Load(context.Background(), app.Store, time.Time{}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	policyOf := func(cfgPolicies map[uint64]*policy.Policy) func(uint64) *policy.Policy {
		return func(n uint64) *policy.Policy { return cfgPolicies[n] }
	}

	// Identity: the config in use.
	same := backtest.Replay(h, policyOf(daemon.DeciderFor(inUse).ByNeuron))
	if len(same.Rows) != 45 {
		t.Fatalf("%d ballots replayed, want the week's 45 (15 proposals × 3 neurons)", len(same.Rows))
	}
	sources := map[string]int{}
	for _, r := range same.Rows {
		sources[r.Recorded.Source]++
		if r.Differs {
			t.Errorf("identity: proposal %d neuron %d recorded %+v, replayed %+v", r.Proposal, r.Neuron, r.Recorded, r.New)
		}
	}
	if sources["rule"] == 0 || sources["fallback"] == 0 || sources["following"] == 0 {
		t.Errorf("recorded sources %v: want rule votes, fallbacks and following in the week", sources)
	}

	// A changed config: infrastructure-yes votes No.
	changedRaw := bytes.Replace(raw, []byte("topics: [SubnetManagement, NodeAdmin, ApiBoundaryNodeManagement]}\n        vote: yes"),
		[]byte("topics: [SubnetManagement, NodeAdmin, ApiBoundaryNodeManagement]}\n        vote: no"), 1)
	if bytes.Equal(changedRaw, raw) {
		t.Fatal("the demo config's infrastructure-yes rule was not found")
	}
	e.loadConfig(changedRaw)
	changed := backtest.Replay(h, policyOf(daemon.DeciderFor(e.cfg).ByNeuron))
	want := map[[2]uint64]bool{}
	for _, r := range same.Rows {
		if r.Neuron == demo.Main && r.Recorded.Rule == "infrastructure-yes" && r.Recorded.Action == "vote" {
			want[[2]uint64{r.Proposal, r.Neuron}] = true
		}
	}
	if len(want) == 0 {
		t.Fatal("no ballot was decided by infrastructure-yes in the week")
	}
	got := changed.Changed()
	for _, r := range got {
		if !want[[2]uint64{r.Proposal, r.Neuron}] || r.New.Vote != nns.VoteNo || r.Recorded.Vote != nns.VoteYes {
			t.Errorf("changed: proposal %d neuron %d %+v → %+v, not one of infrastructure-yes's ballots turned No", r.Proposal, r.Neuron, r.Recorded, r.New)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d ballots change, want %d (infrastructure-yes's)", len(got), len(want))
	}
	t.Logf("identity: %d ballots, sources %v; changed: %d ballots", len(same.Rows), sources, len(got))

	// Followees: CodeGov is weak for cold, with a better neuron beside it.
	recs := backtest.Followees(h, 0, nil)
	var weak *bot.FolloweeRecord
	for i, r := range recs {
		t.Logf("followee %d on %s: voted %d/%d, fallbacks %d, better %+v", r.Followee, r.TopicName, r.Voted, r.Proposals, r.Fallbacks, r.Better)
		// ExchangeRate votes are not in any neuron's recent ballots (NNS
		// keeps none), so nobody can be compared there.
		if r.Followee == demo.CodeGov && r.Weak && r.Topic != nns.TopicExchangeRate && (weak == nil || r.Fallbacks > weak.Fallbacks) {
			weak = &recs[i]
		}
		if r.Followee == demo.DFINITY && r.Weak {
			t.Errorf("DFINITY, which voted all week, flagged weak: %+v", r)
		}
	}
	if weak == nil {
		t.Fatal("CodeGov, silent from hour 30, is not flagged weak on any topic")
	}
	// The loop alerted it (more than 1 fallback: ExchangeRate), and nothing of DFINITY's.
	fired := e.alerts.keys(alert.KindFolloweeUnreliable)
	codegov, dfinity := 0, 0
	for k := range fired {
		switch {
		case strings.HasPrefix(k, alert.KeyFor(alert.KindFolloweeUnreliable, demo.CodeGov, 0)+"/"):
			codegov++
		case strings.HasPrefix(k, alert.KeyFor(alert.KindFolloweeUnreliable, demo.DFINITY, 0)+"/"):
			dfinity++
		}
	}
	if codegov == 0 || dfinity != 0 {
		t.Errorf("followee_unreliable fired %v: want CodeGov's, not DFINITY's", fired)
	}
	// The loop's last check published the records; a fallback after it may
	// still be uncounted there, never one more.
	if got := testutil.ToFloat64(app.Metrics.FolloweeFallbacks.WithLabelValues(alert.GovernanceNNS, "28", nns.TopicExchangeRate.String())); got < 2 {
		t.Errorf("votebot_followee_fallbacks{followee=28,topic=ExchangeRate} = %v, want CodeGov's 2", got)
	}
	// The console's history page lists CodeGov weak, first.
	hist, err := app.ConsoleSource().History(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(hist.Followees) == 0 || !hist.Followees[0].Weak || hist.Followees[0].Neuron != demo.CodeGov {
		t.Errorf("console followees %+v: want CodeGov weak first", hist.Followees)
	}
	if weak.Fallbacks < 1 || len(weak.Better) == 0 || weak.Better[0].Neuron != demo.DFINITY {
		t.Errorf("CodeGov on %s: %d fallbacks, better %+v; want its fallbacks counted and DFINITY suggested", weak.TopicName, weak.Fallbacks, weak.Better)
	}
}
