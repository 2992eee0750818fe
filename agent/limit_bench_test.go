package agent

import (
	"context"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/votebot/votebot/devnet"
)

// BenchmarkFirstBurst is the fill of a new client's first burst of votes
// (a restart, or a reload that rebuilt the client) against a devnet at
// mainnet's pace: 2 s ± 0.5 s to certify an update, 200 update calls/s
// per client. One op is one new client voting every neuron on a fresh
// proposal at once:
//
//   - ramp: the client starts at InitialConcurrency (what every new client
//     did before StartFrom);
//   - held: the client starts from the limits that held in the client
//     before it (a first client's burst, untimed, teaches them).
//
// It takes minutes, so it runs only with VOTEBOT_BENCH=1:
//
//	VOTEBOT_BENCH=1 go test -run '^$' -bench FirstBurst -benchtime 2x -count 3 ./agent/
//
// VOTEBOT_BENCH_NEURONS (default 1000) and VOTEBOT_BENCH_MAX_CONCURRENCY
// (default DefaultMaxConcurrency, the daemon's) size it.
func BenchmarkFirstBurst(b *testing.B) {
	if testing.Short() || os.Getenv("VOTEBOT_BENCH") == "" {
		b.Skip("set VOTEBOT_BENCH=1 to run (takes minutes)")
	}
	neurons := envInt(b, "VOTEBOT_BENCH_NEURONS", 1000)
	maxConc := envInt(b, "VOTEBOT_BENCH_MAX_CONCURRENCY", DefaultMaxConcurrency)
	pace := devnet.Pace{Update: devnet.Latency{Base: 2 * time.Second, Jitter: 500 * time.Millisecond}, Rate: 200}
	for _, held := range []bool{false, true} {
		name := "ramp"
		if held {
			name = "held"
		}
		b.Run(name, func(b *testing.B) {
			first := 0 // the proposal of the first timed burst
			if held {
				first = 1
			}
			vn := startVotingNet(b, pace, neurons, first+b.N, maxConc)
			ctx := context.Background()
			if held {
				if err := vn.voteAll(ctx, vn.proposals[:1]); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer() // the devnet's set-up and the teaching burst are not the fill
			var took time.Duration
			var calls, limited int64
			for i := range b.N {
				prev := vn.g
				vn.g = burstClient(b, prev.cfg, maxConc)
				if held {
					vn.g.StartFrom(prev.HeldLimits())
				}
				counter := vn.g.cfg.Observer.(*paceCounter)
				start := time.Now()
				if err := vn.voteAll(ctx, vn.proposals[first+i:first+i+1]); err != nil {
					b.Fatal(err)
				}
				d := time.Since(start)
				took += d
				c, l := counter.take()
				calls, limited = calls+c, limited+l
				b.Logf("%s: %d votes in %v, %d calls, %d answered 429, limit at the end %d (highest %d)",
					name, neurons, d.Round(time.Millisecond), c, l, counter.limit, counter.maxLimit)
			}
			if n := vn.unfilled(b); n != 0 {
				b.Fatalf("%d ballots empty", n)
			}
			b.ReportMetric(took.Seconds()/float64(b.N), "s/fill")
			b.ReportMetric(float64(neurons*b.N)/took.Seconds(), "votes/s")
			b.ReportMetric(100*float64(limited)/float64(max(calls, 1)), "%429")
		})
	}
}

// burstClient is a new client of cfg's devnet with its own observer and
// a transport keeping a connection per call in flight.
func burstClient(b *testing.B, cfg Config, maxConc int) *Governance {
	b.Helper()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = maxConc
	b.Cleanup(tr.CloseIdleConnections)
	cfg.Observer, cfg.Transport = &paceCounter{}, tr
	return newClient(b, cfg)
}
