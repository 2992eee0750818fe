package daemon_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/devnet/governance"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/rewards"
)

const benchConfig = `
neurons: [%s]
policies:
  default:
    rules: [{name: all-yes, match: {}, vote: yes}]
`

// TestBenchFill measures the 1,000 neurons × 50 proposals case: time from
// proposal creation to the last ballot filled, votes per second, peak RSS
// (bot and devnet share the process), then the idle cost of polling.
// Opt-in: VOTEBOT_BENCH=1 (VOTEBOT_BENCH_NEURONS, _PROPOSALS to resize).
func TestBenchFill(t *testing.T) {
	if os.Getenv("VOTEBOT_BENCH") != "1" {
		t.Skip("benchmark; set VOTEBOT_BENCH=1")
	}
	nNeurons, nProps := envInt("VOTEBOT_BENCH_NEURONS", 1000), envInt("VOTEBOT_BENCH_PROPOSALS", 50)
	e := newE2E(t, governance.Config{Economics: rewards.DefaultEconomics(rewards.RegimeCurrent),
		VotingPeriod: time.Hour, RewardPeriod: 24 * time.Hour})
	const icp = 100_000_000
	year := 365 * 24 * time.Hour
	specs := []governance.NeuronSpec{{ID: 27, Controller: e.ctl, StakeE8s: 1000 * icp, DissolveDelay: year}}
	var list []string
	for i := 0; i < nNeurons; i++ {
		id := uint64(10_000 + i)
		specs = append(specs, governance.NeuronSpec{ID: id, Controller: e.ctl, HotKeys: []principalT{e.bot},
			StakeE8s: 10 * icp, DissolveDelay: year})
		list = append(list, fmt.Sprintf("{id: %d}", id))
	}
	e.addNeurons(specs)
	e.loadConfig(e.configf(benchConfig, strings.Join(list, ", ")))
	app := e.assemble(func(o *bot.Options) { o.PollInterval = time.Second; o.VoteConcurrency = 64 })
	defer app.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if _, err := app.Bot.Once(ctx); err != nil { // start-up pass, no proposals yet
		t.Fatal(err)
	}

	start := time.Now()
	var ids []uint64
	for i := 0; i < nProps; i++ {
		id, err := e.net.Governance.SubmitProposal(governance.ProposalSpec{Proposer: 27, Topic: nns.TopicSubnetManagement,
			Title: fmt.Sprintf("p%d", i), Action: nns.Action{Motion: &nns.Motion{MotionText: "m"}}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	cpu0 := cpuTime()
	passes := 0
	for !filledAll(e, ids, nNeurons) {
		if _, err := app.Bot.Once(ctx); err != nil {
			t.Fatal(err)
		}
		passes++
		if time.Since(start) > 10*time.Minute {
			t.Fatal("ballots not filled after 10 minutes")
		}
	}
	fill := time.Since(start)
	votes := e.net.Governance.Counters().DirectVotes
	t.Logf("FILL: %d neurons × %d proposals: %d votes in %s (%d passes) = %.0f votes/s; CPU %.1fs; peak RSS %d MiB",
		nNeurons, nProps, votes, fill.Round(time.Millisecond), passes, float64(votes)/fill.Seconds(),
		(cpuTime() - cpu0).Seconds(), peakRSSKiB()/1024)

	// Idle: nothing new; poll once a second for a while.
	idle := 20 * time.Second
	c0, cpuIdle0 := totalCalls(e), cpuTime()
	t0 := time.Now()
	for time.Since(t0) < idle {
		if _, err := app.Bot.Once(ctx); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Second)
	}
	el := time.Since(t0)
	calls := totalCalls(e) - c0
	cpu := cpuTime() - cpuIdle0
	perHour := time.Hour.Seconds() / el.Seconds()
	t.Logf("IDLE (poll every 1 s, %d open proposals, %d neurons): %.0f requests/h, %.1f CPU s/h (%.3f%% of a core); RSS now %d MiB",
		nProps, nNeurons, float64(calls)*perHour, cpu.Seconds()*perHour, 100*cpu.Seconds()/el.Seconds(), rssKiB()/1024)
}

func filledAll(e *e2e, ids []uint64, n int) bool {
	for i := len(ids) - 1; i >= 0; i-- {
		pi, _ := e.net.Governance.ProposalInfo(ids[i])
		voted := 0
		for _, b := range pi.Ballots {
			if b.Ballot.Vote != 0 && b.NeuronId >= 10_000 {
				voted++
			}
		}
		if voted < n {
			return false
		}
	}
	return true
}

func totalCalls(e *e2e) uint64 {
	var s uint64
	for _, v := range e.net.Governance.Counters().Calls {
		s += v
	}
	return s
}

func envInt(k string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(k)); err == nil && v > 0 {
		return v
	}
	return def
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func procStatus(field string) int64 {
	b, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, field+":") {
			f := strings.Fields(line)
			if len(f) >= 2 {
				v, _ := strconv.ParseInt(f[1], 10, 64)
				return v
			}
		}
	}
	return 0
}

func peakRSSKiB() int64 { return procStatus("VmHWM") }
func rssKiB() int64     { return procStatus("VmRSS") }
