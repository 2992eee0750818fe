package agent

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/votebot/votebot/devnet"
	"github.com/votebot/votebot/devnet/snsgov"
	"github.com/votebot/votebot/sns"
)

// BenchmarkPacedSNSPoll: 50 SNSes with 20 of the hotkey's neurons and 2 open
// proposals each, on a devnet answering queries in 200 ms ± 100 ms. One op
// is one poll of every SNS's open proposals with the caller's ballots, 16
// SNSes at a time (as discovery), through one client; discovery (SNS-W, 50
// roots, 50 list_neurons) is timed once and reported. It takes a minute, so
// it runs only with VOTEBOT_BENCH=1:
//
//	VOTEBOT_BENCH=1 go test -run '^$' -bench PacedSNSPoll -benchtime 5x ./agent/
func BenchmarkPacedSNSPoll(b *testing.B) {
	if os.Getenv("VOTEBOT_BENCH") == "" {
		b.Skip("set VOTEBOT_BENCH=1 to run")
	}
	const snses, neurons, proposals = 50, 20, 2
	id := newIdentity(b)
	bot := id.Sender()
	cfgs := make([]snsgov.Config, snses)
	for i := range cfgs {
		cfgs[i] = snsgov.Config{Name: fmt.Sprint("SNS ", i)}
	}
	pace := devnet.Pace{Query: devnet.Latency{Base: 200 * time.Millisecond, Jitter: 100 * time.Millisecond}}
	n := startPacedSNSNet(b, pace, cfgs...)
	for _, c := range n.snses {
		var first []byte
		for j := range neurons {
			nid := addSNSNeuron(b, c, uint64(j+1), grant(bot, sns.PermissionVote), nil)
			if j == 0 {
				first = nid
			}
		}
		for j := range proposals {
			snsMotion(b, c, first, fmt.Sprint("p", j))
		}
	}
	g := newClient(b, testConfig([]string{n.url}, n.rootKey, id))
	ctx := context.Background()
	start := time.Now()
	found, err := g.DiscoverSNSes(ctx)
	if err != nil || len(found) != snses {
		b.Fatalf("discovery: %d SNSes, %v", len(found), err)
	}
	discovery := time.Since(start)
	b.ResetTimer()
	for range b.N {
		eg, ctx := errgroup.WithContext(ctx)
		eg.SetLimit(discoveryParallel)
		for _, f := range found {
			eg.Go(func() error {
				ps, err := g.SNS(f.Governance).ListProposals(ctx, sns.ListProposals{IncludeRewardStatus: []int32{sns.RewardStatusAcceptVotes}})
				if err == nil && (len(ps) != proposals || len(ps[0].Ballots) != neurons) {
					err = fmt.Errorf("%s: %d proposals", f.Governance, len(ps))
				}
				return err
			})
		}
		if err := eg.Wait(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/poll")
	b.ReportMetric(discovery.Seconds(), "s/discovery")
}
