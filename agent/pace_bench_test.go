package agent

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/votebot/votebot/devnet"
)

// BenchmarkPacedVotes fires every neuron's register_vote on every proposal
// at once through one Governance client against a devnet at mainnet's pace:
// 2 s ± 0.5 s to certify an update, 200 update calls/s per client. It takes
// minutes, so it runs only with VOTEBOT_BENCH=1:
//
//	VOTEBOT_BENCH=1 go test -run '^$' -bench PacedVotes -benchtime 1x ./agent/
//
// VOTEBOT_BENCH_NEURONS (default 1000), VOTEBOT_BENCH_PROPOSALS (10) and
// VOTEBOT_BENCH_MAX_CONCURRENCY (512) size it.
func BenchmarkPacedVotes(b *testing.B) {
	if os.Getenv("VOTEBOT_BENCH") == "" {
		b.Skip("set VOTEBOT_BENCH=1 to run (takes minutes)")
	}
	neurons := envInt(b, "VOTEBOT_BENCH_NEURONS", 1000)
	proposals := envInt(b, "VOTEBOT_BENCH_PROPOSALS", 10)
	maxConc := envInt(b, "VOTEBOT_BENCH_MAX_CONCURRENCY", 512)
	pace := devnet.Pace{Update: devnet.Latency{Base: 2 * time.Second, Jitter: 500 * time.Millisecond}, Rate: 200}
	vn := startVotingNet(b, pace, neurons, proposals*b.N, maxConc)
	ctx := context.Background()
	var calls, limited int64
	var took time.Duration
	for i := range b.N {
		if i > 0 {
			// Batches come apart, as the bot's polls do: each is a burst
			// (see limiter), not the tail of the last one.
			time.Sleep(burstGap + time.Second)
		}
		set := vn.proposals[i*proposals : (i+1)*proposals]
		start := time.Now()
		if err := vn.voteAll(ctx, set); err != nil {
			b.Fatal(err)
		}
		d := time.Since(start)
		took += d
		c, l := vn.counter.take()
		calls, limited = calls+c, limited+l
		b.Logf("batch %d: %d votes in %v, %d calls, %d answered 429, limit now %d", i+1, neurons*proposals, d.Round(time.Millisecond), c, l, vn.counter.limit)
	}
	if n := vn.unfilled(b); n != 0 {
		b.Fatalf("%d ballots empty", n)
	}
	votes := float64(neurons * proposals * b.N)
	b.ReportMetric(votes/took.Seconds(), "votes/s")
	b.ReportMetric(float64(calls)/took.Seconds(), "calls/s")
	b.ReportMetric(100*float64(limited)/float64(calls), "%429")
	b.ReportMetric(took.Seconds()/float64(b.N), "s/batch")
	b.ReportMetric(float64(vn.counter.maxLimit), "max-limit")
	b.Logf("%d votes in %v: %d calls, %d answered 429; limit now %d (highest %d), most in flight %d",
		int(votes), took.Round(time.Millisecond), calls, limited, vn.counter.limit, vn.counter.maxLimit, vn.counter.maxInFlight)
}

func envInt(b *testing.B, name string, def int) int {
	b.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		b.Fatalf("%s=%q: want a positive integer", name, v)
	}
	return n
}
