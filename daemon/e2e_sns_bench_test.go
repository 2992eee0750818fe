package daemon_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aviate-labs/agent-go/principal"
	"github.com/rs/zerolog"
	"golang.org/x/sync/errgroup"

	"github.com/votebot/votebot/agent"
	"github.com/votebot/votebot/agent/identity"
	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/config"
	"github.com/votebot/votebot/daemon"
	"github.com/votebot/votebot/devnet"
	"github.com/votebot/votebot/devnet/nnslocal"
	"github.com/votebot/votebot/devnet/snsgov"
	"github.com/votebot/votebot/sns"
)

// snsScaleScenario is a devnet scenario of snses SNS DAOs, each with a
// proposer (neuron 0, as much stake as one voter: it decides nothing
// alone) and neurons neurons on which holder holds Vote (1…neurons), all
// able to vote for a year; proposals stay open a week.
func snsScaleScenario(holder principal.Principal, snses, neurons int) string {
	var b strings.Builder
	b.WriteString("snses:\n")
	for i := range snses {
		fmt.Fprintf(&b, "  - name: DAO %02d\n    symbol: D%02d\n    voting_period: 7d\n    minimum_dissolve_delay_to_vote: 1d\n    neurons:\n", i, i)
		fmt.Fprintf(&b, "      - {id: %s, stake_e8s: 100000000, dissolve_delay: 365d}\n", sns.NeuronIDHex(scaleNeuron(i, 0)))
		for j := range neurons {
			fmt.Fprintf(&b, "      - {id: %s, stake_e8s: 100000000, dissolve_delay: 365d, permissions: [{principal: %s, types: [Vote]}]}\n",
				sns.NeuronIDHex(scaleNeuron(i, j+1)), holder)
		}
	}
	return b.String()
}

// scaleNeuron is the id of neuron j of SNS i in snsScaleScenario: its
// first 8 bytes (the short id votebot knows it by) differ from every
// other's.
func scaleNeuron(i, j int) []byte {
	id := make([]byte, sns.NeuronIDLen)
	binary.BigEndian.PutUint64(id, uint64(i+1)<<32|uint64(j))
	return id
}

const snsScaleConfig = `
instance: sns-scale
neurons: [{id: 1001}]
listen: 127.0.0.1:0
policies:
  default:
    fallback: none
    default: follow
    rules: [{name: fill, match: {title: "^fill"}, vote: yes}]
`

// TestBenchSNSLanes measures the loop over 50 SNS lanes of 20 neurons each
// (issue 21, scale) on the devnet, queries answered in 200 ms ± 100 ms and
// update calls certified in 2 s ± 0.5 s (200 calls/s), each DAO with 2 open
// proposals the policy leaves alone:
//
//   - start: Assemble with discovery (SNS-W, 50 roots, list_neurons, and
//     per lane get_metadata and the token symbol);
//   - first pass: the loop's first pass of all 51 lanes (start-up reads);
//   - poll: a later pass of all lanes at once (the loop restarted, so that
//     every lane is due together), VOTEBOT_BENCH_POLLS times;
//   - idle: requests and bytes on the wire per hour at the default 60 s
//     poll, over VOTEBOT_BENCH_IDLE (default 2m);
//   - fill: one new proposal per DAO that the policy votes Yes (1,000
//     ballots), from the loop's start to the last ballot on the devnet.
//
// It takes minutes, so it runs only with VOTEBOT_BENCH=1:
//
//	VOTEBOT_BENCH=1 go test -run TestBenchSNSLanes -v -timeout 30m ./daemon/
//
// VOTEBOT_BENCH_SNSES (50) and VOTEBOT_BENCH_SNS_NEURONS (20) size it.
// Bot and devnet share the process: RSS is not measured here.
func TestBenchSNSLanes(t *testing.T) {
	if os.Getenv("VOTEBOT_BENCH") != "1" {
		t.Skip("benchmark; set VOTEBOT_BENCH=1")
	}
	snses, neurons := envInt("VOTEBOT_BENCH_SNSES", 50), envInt("VOTEBOT_BENCH_SNS_NEURONS", 20)
	polls := envInt("VOTEBOT_BENCH_POLLS", 3)
	idle := 2 * time.Minute
	if d, err := time.ParseDuration(os.Getenv("VOTEBOT_BENCH_IDLE")); err == nil {
		idle = d
	}
	e := newKeys(t)
	pace := devnet.Pace{Query: devnet.Latency{Base: 200 * time.Millisecond, Jitter: 100 * time.Millisecond},
		Update: devnet.Latency{Base: 2 * time.Second, Jitter: 500 * time.Millisecond}, Rate: 200}
	e.startSNSes(snsScaleScenario(e.bot, snses, neurons), 7*24*time.Hour, pace)
	ctx := context.Background()
	addPollProposals(t, e)
	counting := newCountingProxy(t, e.net.URL) // requests
	wire := newByteProxy(t, counting.srv.URL)  // bytes on the wire, both ways
	e.loadConfig(e.configAt(wire.URL(), snsScaleConfig))
	e.cfg.SNS = config.SNS{Discover: true}

	start := time.Now()
	app, err := daemon.Assemble(ctx, daemon.AppOptions{Config: e.cfg, Logger: zerolog.Nop(),
		Routes: []alert.Route{{Name: "rec", Notifier: e.alerts}}, Events: func(ev bot.Event) {
			if os.Getenv("DBG") != "" {
				t.Logf("event %+v", ev)
			}
		}, Tune: func(o *bot.Options) { o.PollInterval = time.Minute }})
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	t.Logf("start: %d SNS lanes assembled in %v", len(app.Lanes()), time.Since(start).Round(time.Millisecond))
	if len(app.Lanes()) != snses {
		t.Fatalf("%d SNS lanes, want %d", len(app.Lanes()), snses)
	}
	bots := []*bot.Bot{app.Bot}
	for _, l := range app.Lanes() {
		bots = append(bots, l.Bot)
	}
	// pass runs the loop until every lane has polled once more, and
	// returns how long that took.
	pass := func() time.Duration {
		t.Helper()
		before := make([]time.Time, len(bots))
		for i, b := range bots {
			before[i] = b.LastPoll()
		}
		start := time.Now()
		stop := runUntilStop(t, app.RunLoop)
		defer stop()
		for {
			done := true
			for i, b := range bots {
				done = done && b.LastPoll().After(before[i])
			}
			if done {
				return time.Since(start)
			}
			if time.Since(start) > 5*time.Minute {
				t.Fatal("no pass of every lane within 5 minutes")
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	t.Logf("first pass of %d lanes (start-up reads): %v", len(bots), pass().Round(time.Millisecond))
	var sum time.Duration
	for i := range polls {
		r0, b0 := counting.n.Load(), wireBytes(wire)
		d := pass()
		sum += d
		t.Logf("poll %d of %d lanes: %v, %d requests, %d KiB", i+1, len(bots), d.Round(time.Millisecond),
			counting.n.Load()-r0, (wireBytes(wire)-b0)/1024)
	}
	t.Logf("POLL: %d SNS x %d neurons (+ the NNS lane), query latency 200ms±100ms: mean %v per pass of every lane (%d passes)",
		snses, neurons, (sum / time.Duration(polls)).Round(time.Millisecond), polls)

	// Idle: the loop as it runs, the default 60 s poll, nothing to vote.
	stop := runUntilStop(t, app.RunLoop)
	time.Sleep(5 * time.Second) // its first pass, not idle, is measured above
	r0, b0 := counting.n.Load(), wireBytes(wire)
	time.Sleep(idle)
	reqs, bytes := counting.n.Load()-r0, wireBytes(wire)-b0
	stop()
	perHour := time.Hour.Seconds() / idle.Seconds()
	t.Logf("IDLE: %d SNS lanes + NNS, poll 60 s, over %v: %.0f requests/h, %.0f KiB/h on the wire (requests+responses)",
		snses, idle, float64(reqs)*perHour, float64(bytes)*perHour/1024)

	// Fill: a proposal per DAO the policy votes Yes with every neuron.
	fills := make([]uint64, len(e.net.SNSes))
	for i, s := range e.net.SNSes {
		c := s.Runner.Canister()
		if fills[i], err = c.MakeProposal(snsgov.ProposalSpec{Proposer: scaleNeuron(i, 0), Title: "fill me"}); err != nil {
			t.Fatal(err)
		}
	}
	reader := newReader(t, e)
	start = time.Now()
	stop = runUntilStop(t, app.RunLoop)
	for {
		n, err := filledSNS(ctx, reader, e.net.SNSes, fills)
		if err != nil {
			t.Fatal(err)
		}
		if n == snses*neurons {
			break
		}
		if time.Since(start) > 10*time.Minute {
			t.Fatalf("%d of %d ballots filled after 10 minutes", n, snses*neurons)
		}
		time.Sleep(250 * time.Millisecond)
	}
	took := time.Since(start)
	stop()
	t.Logf("FILL: %d SNS ballots (%d DAOs x %d neurons), update latency 2s±0.5s, 200 calls/s: filled in %v from the loop's start; update limit at the end %d",
		snses*neurons, snses, neurons, took.Round(100*time.Millisecond), app.Governance().Endpoints()[0].Limit)
}

// addPollProposals makes 2 proposals in every SNS of snsScaleScenario
// that snsScaleConfig's policy leaves alone: a poll reads them with their
// ballots.
func addPollProposals(t *testing.T, e *e2e) {
	t.Helper()
	for i, s := range e.net.SNSes {
		c := s.Runner.Canister()
		for j := range 2 {
			if _, err := c.MakeProposal(snsgov.ProposalSpec{Proposer: scaleNeuron(i, 0), Title: fmt.Sprint("poll ", j)}); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func wireBytes(p *byteProxy) int64 {
	up, down := p.Bytes()
	return up + down
}

// newReader is a client of the devnet itself (not through the counting
// proxies) signing as the bot's hotkey, to read ballots: an SNS shows a
// caller only the ballots of neurons it holds a permission on.
func newReader(t *testing.T, e *e2e) *agent.Governance {
	t.Helper()
	id, err := identity.Load(identity.Source{PEMFile: filepath.Join(e.dir, "hotkey.pem")})
	if err != nil {
		t.Fatal(err)
	}
	g, err := agent.New(context.Background(), agent.Config{Endpoints: []string{e.net.URL}, RootKey: e.net.RootKeyHex(),
		Identity: id.Identity, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// filledSNS counts the ballots of neurons bot holds Vote on that are cast
// on proposals (one per SNS, in order).
func filledSNS(ctx context.Context, g *agent.Governance, snses []nnslocal.SNS, proposals []uint64) (int, error) {
	var mu sync.Mutex
	total := 0
	eg, ctx := errgroup.WithContext(ctx)
	eg.SetLimit(16)
	for i, s := range snses {
		eg.Go(func() error {
			p, err := g.SNS(s.IDs.Governance).GetProposal(ctx, proposals[i])
			if err != nil {
				return err
			}
			n := 0
			for _, b := range p.Ballots {
				if b.NeuronId != sns.NeuronIDHex(scaleNeuron(i, 0)) && b.Ballot.Vote == sns.VoteYes {
					n++
				}
			}
			mu.Lock()
			total += n
			mu.Unlock()
			return nil
		})
	}
	return total, eg.Wait()
}
