package daemon_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/daemon"
	"github.com/votebot/votebot/devnet"
	"github.com/votebot/votebot/devnet/governance"
	"github.com/votebot/votebot/devnet/nnslocal"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/rewards"
)

// The mainnet-pace benchmarks (issue 16): the devnet answers an update
// call after 2 s ± 0.5 s and refuses a client over 200 calls/s with 429,
// as a boundary node does. Opt-in: VOTEBOT_BENCH=1. Sizes:
// VOTEBOT_BENCH_NEURONS (1000), VOTEBOT_BENCH_PROPOSALS (50),
// VOTEBOT_BENCH_MAX_CONCURRENCY (network.max_concurrency, 256),
// VOTEBOT_BENCH_UPDATE_LATENCY (2s±500ms), VOTEBOT_BENCH_QUERY_LATENCY
// (200ms±100ms), VOTEBOT_BENCH_RATE (200).

const paceConfig = `
network: {urls: [%s], root_key: %s, max_concurrency: %d}
identity: {pem_file: %s}
store: {path: %s}
neurons: [%s]
policies:
  default:
    vote_delay: 0s
    deadline_margin: %s
    rules: [{name: all-yes, match: {}, vote: yes}]
`

func benchPace(t *testing.T) devnet.Pace {
	t.Helper()
	lat := func(key, def string) devnet.Latency {
		s := os.Getenv(key)
		if s == "" {
			s = def
		}
		l, err := devnet.ParseLatency(s)
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		return l
	}
	rate := 200.0
	if v := os.Getenv("VOTEBOT_BENCH_RATE"); v != "" {
		r, err := strconv.ParseFloat(v, 64)
		if err != nil || r < 0 {
			t.Fatalf("VOTEBOT_BENCH_RATE %q: want calls per second (0: no limit)", v)
		}
		rate = r
	}
	return devnet.Pace{Update: lat("VOTEBOT_BENCH_UPDATE_LATENCY", "2s±500ms"),
		Query: lat("VOTEBOT_BENCH_QUERY_LATENCY", "200ms±100ms"), Rate: rate}
}

// pacedNet is a paced devnet whose governance clock is the wall clock
// plus shift (shifted only to give proposals chosen deadlines).
type pacedNet struct {
	*e2e
	shift atomic.Int64
}

func newPacedNet(t *testing.T, pace devnet.Pace, period time.Duration) *pacedNet {
	t.Helper()
	pn := &pacedNet{e2e: newKeys(t)}
	pn.start(nnslocal.Options{Pace: pace, Configure: func(c *governance.Config) {
		*c = governance.Config{Economics: rewards.DefaultEconomics(rewards.RegimeCurrent), VotingPeriod: period,
			RewardPeriod: 24 * time.Hour, Now: func() time.Time { return time.Now().Add(time.Duration(pn.shift.Load())) }}
	}})
	return pn
}

// neurons adds n neurons of the bot (followers of the first when follow)
// and a proposer, and loads the configuration.
func (pn *pacedNet) neurons(n int, follow bool, margin string) {
	const icp = 100_000_000
	year := 365 * 24 * time.Hour
	specs := []governance.NeuronSpec{{ID: 27, Controller: pn.ctl, StakeE8s: 1000 * icp, DissolveDelay: year}}
	var list []string
	for i := 0; i < n; i++ {
		s := governance.NeuronSpec{ID: uint64(leaderID + i), Controller: pn.ctl, HotKeys: []principalT{pn.bot},
			StakeE8s: 10 * icp, DissolveDelay: year}
		if follow && i > 0 {
			s.Followees = followLeader()
		}
		specs = append(specs, s)
		list = append(list, fmt.Sprintf("{id: %d}", s.ID))
	}
	pn.addNeurons(specs)
	pn.loadConfig([]byte(fmt.Sprintf(paceConfig, pn.net.URL, pn.net.RootKeyHex(),
		envInt("VOTEBOT_BENCH_MAX_CONCURRENCY", 256), pn.dir+"/hotkey.pem", pn.storePath(), strings.Join(list, ", "), margin)))
}

// propose submits a proposal whose deadline is at deadline (the governance
// clock is set back for the submission; created is in the past).
func (pn *pacedNet) propose(t *testing.T, topic nns.Topic, title string, deadline time.Time, period time.Duration) uint64 {
	t.Helper()
	pn.shift.Store(int64(time.Until(deadline) - period))
	defer pn.shift.Store(0)
	id, err := pn.net.Governance.SubmitProposal(governance.ProposalSpec{Proposer: 27, Topic: topic, Title: title,
		Action: nns.Action{Motion: &nns.Motion{MotionText: "m"}}})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// filledAt records when each proposal's last ballot of the bot's n neurons
// was seen filled (polled every 250 ms) until stop is closed.
func filledAt(e *e2e, ids []uint64, n int, stop <-chan struct{}) func() map[uint64]time.Time {
	var mu sync.Mutex
	at := map[uint64]time.Time{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		tk := time.NewTicker(250 * time.Millisecond)
		defer tk.Stop()
		for {
			for _, id := range ids {
				mu.Lock()
				_, seen := at[id]
				mu.Unlock()
				if !seen && filledAll(e, []uint64{id}, n) {
					mu.Lock()
					at[id] = time.Now()
					mu.Unlock()
				}
			}
			select {
			case <-stop:
				return
			case <-tk.C:
			}
		}
	}()
	return func() map[uint64]time.Time { <-done; mu.Lock(); defer mu.Unlock(); return at }
}

// counterSum sums a counter family's series whose labels pass keep.
func counterSum(t *testing.T, app *daemon.App, name string, keep func(map[string]string) bool) float64 {
	t.Helper()
	fams, err := app.Metrics.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for _, f := range fams {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if keep == nil || keep(labels) {
				sum += m.GetCounter().GetValue()
			}
		}
	}
	return sum
}

// TestBenchPacedFill is benchmarks (a) and (c) in one run: n neurons × P
// proposals, no following, every ballot due at once; the proposals'
// margins (deadline − deadline_margin) fall VOTEBOT_BENCH_MARGIN_GAP (5m)
// apart, the first 5 minutes after the start, in the reverse order of
// their ids (proposal-id order would serve the most urgent last). It
// reports the time to fill every ballot, the share of 429 answers among
// update calls, and each proposal's fill time against its margin.
func TestBenchPacedFill(t *testing.T) {
	if os.Getenv("VOTEBOT_BENCH") != "1" {
		t.Skip("benchmark; set VOTEBOT_BENCH=1")
	}
	n, nProps := envInt("VOTEBOT_BENCH_NEURONS", 1000), envInt("VOTEBOT_BENCH_PROPOSALS", 50)
	gap := envDuration(t, "VOTEBOT_BENCH_MARGIN_GAP", 5*time.Minute)
	const period, dm = 24 * time.Hour, 10 * time.Minute
	pace := benchPace(t)
	pn := newPacedNet(t, pace, period)
	pn.neurons(n, false, dm.String())
	app := pn.assemble(func(o *bot.Options) { o.PollInterval = time.Second })
	defer app.Close()
	ctx := context.Background()
	if _, err := app.Bot.Once(ctx); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	margins := map[uint64]time.Time{}
	var ids []uint64
	for k := 0; k < nProps; k++ {
		margin := start.Add(gap * time.Duration(nProps-k))
		id := pn.propose(t, nns.TopicSubnetManagement, fmt.Sprintf("p%d", k), margin.Add(dm), period)
		ids, margins[id] = append(ids, id), margin
	}
	stop := make(chan struct{})
	result := filledAt(pn.e2e, ids, n, stop)
	before := pn.net.Governance.Counters()
	passes := 0
	for !filledAll(pn.e2e, ids, n) {
		if _, err := app.Bot.Once(ctx); err != nil {
			t.Fatal(err)
		}
		passes++
		if time.Since(start) > 30*time.Minute {
			t.Fatal("ballots not filled after 30 minutes")
		}
	}
	fill := time.Since(start)
	close(stop)
	at := result()
	after := pn.net.Governance.Counters()
	isVote := func(l map[string]string) bool { return strings.HasPrefix(l["method"], "manage_neuron") }
	updates := counterSum(t, app, "votebot_api_requests_total", isVote)
	limited := counterSum(t, app, "votebot_api_rate_limited_total", nil)
	late, worst := 0, time.Duration(-1<<63)
	for _, id := range ids {
		if at[id].IsZero() {
			at[id] = start.Add(fill) // filled by the last pass, between two polls
		}
		d := at[id].Sub(margins[id]) // negative: filled before the margin
		if d > 0 {
			late++
		}
		worst = max(worst, d)
	}
	t.Logf("PACED FILL (update %v±%v, query %v±%v, %g calls/s, max_concurrency %d): %d neurons × %d proposals: "+
		"%d direct votes in %s (%d passes) = %.1f votes/s; %d update attempts, %d answered 429 (%.2f%%)",
		pace.Update.Base, pace.Update.Jitter, pace.Query.Base, pace.Query.Jitter, pace.Rate,
		envInt("VOTEBOT_BENCH_MAX_CONCURRENCY", 256), n, nProps, after.DirectVotes-before.DirectVotes,
		fill.Round(time.Millisecond), passes, float64(after.DirectVotes-before.DirectVotes)/fill.Seconds(),
		int(updates), int(limited), 100*limited/max(updates, 1))
	closest := fmt.Sprintf("%s before", (-worst).Round(time.Second))
	if worst > 0 {
		closest = fmt.Sprintf("%s AFTER", worst.Round(time.Second))
	}
	t.Logf("MARGINS %s apart, first %s after the start: %d of %d proposals filled after their margin; "+
		"least slack: filled %s its margin", gap, gap, late, nProps, closest)
}

// TestBenchPacedCascade is benchmark (b): the same neurons all following
// the first on every topic (Governance and SnsAndCommunityFund listed):
// manage_neuron calls for every ballot, and the time to fill them.
func TestBenchPacedCascade(t *testing.T) {
	if os.Getenv("VOTEBOT_BENCH") != "1" {
		t.Skip("benchmark; set VOTEBOT_BENCH=1")
	}
	n, nProps := envInt("VOTEBOT_BENCH_NEURONS", 1000), envInt("VOTEBOT_BENCH_PROPOSALS", 50)
	pace := benchPace(t)
	const period = 4 * 24 * time.Hour
	pn := newPacedNet(t, pace, period)
	pn.neurons(n, true, "1h")
	app := pn.assemble(func(o *bot.Options) { o.PollInterval = time.Second })
	defer app.Close()
	ctx := context.Background()
	if _, err := app.Bot.Once(ctx); err != nil {
		t.Fatal(err)
	}
	topics := []nns.Topic{nns.TopicGovernance, nns.TopicSnsAndCommunityFund, nns.TopicSubnetManagement,
		nns.TopicNetworkEconomics, nns.TopicIcOsVersionDeployment}
	start := time.Now()
	var ids []uint64
	for k := 0; k < nProps; k++ {
		ids = append(ids, pn.propose(t, topics[k%len(topics)], fmt.Sprintf("p%d", k), start.Add(period), period))
	}
	before := pn.net.Governance.Counters()
	passes := 0
	for !filledAll(pn.e2e, ids, n) {
		if _, err := app.Bot.Once(ctx); err != nil {
			t.Fatal(err)
		}
		passes++
		if time.Since(start) > 30*time.Minute {
			t.Fatal("ballots not filled after 30 minutes")
		}
	}
	fill := time.Since(start)
	after := pn.net.Governance.Counters()
	t.Logf("PACED CASCADE (update %v±%v, %g calls/s): %d neurons following one on every topic × %d proposals: "+
		"%d ballots filled in %s (%d passes) with %d manage_neuron calls (%d direct votes, %d filled by following)",
		pace.Update.Base, pace.Update.Jitter, pace.Rate, n, nProps, n*nProps, fill.Round(time.Millisecond), passes,
		after.Calls["manage_neuron"]-before.Calls["manage_neuron"], after.DirectVotes-before.DirectVotes,
		after.FollowingVotes-before.FollowingVotes)
}

func envDuration(t *testing.T, k string, def time.Duration) time.Duration {
	t.Helper()
	v := os.Getenv(k)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		t.Fatalf("%s: %v", k, err)
	}
	return d
}
