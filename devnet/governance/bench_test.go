package governance

import (
	"runtime"
	"testing"

	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/rewards"
)

// Benchmark scale (issue 3): 50,000 neurons, 100 open proposals, and a
// follow tree in which one vote cascades to 10,000 neurons.
const (
	benchNeurons   = 50_000
	benchOpen      = 100
	benchFollowers = 10_000
	benchRoot      = 1
	benchProposer  = benchNeurons // follows nobody, followed by nobody
	benchBotNeuron = 40_000       // the caller of list_proposals controls 5 neurons
)

func benchCanister(b *testing.B) *Canister {
	b.Helper()
	c, _ := newCanister(&testing.T{}, rewards.RegimeCurrent, nil)
	topic := nns.TopicNetworkEconomics
	for id := uint64(1); id <= benchNeurons; id++ {
		spec := NeuronSpec{ID: id, Controller: user(int(id % 60_000)), StakeE8s: icp + id, DissolveDelay: year, Age: year}
		switch {
		case id >= 2 && id <= 101: // first level follows the root
			spec.Followees = map[nns.Topic][]uint64{topic: {benchRoot}}
		case id > 101 && id <= benchFollowers+1: // 9,900 follow one of the first level
			spec.Followees = map[nns.Topic][]uint64{topic: {2 + id%100}}
		case id >= benchBotNeuron && id < benchBotNeuron+5:
			spec.Controller = user(60_001)
		case id == benchProposer-1:
			spec.StakeE8s = 1_000_000 * icp // silent: keeps every proposal open
		}
		if _, err := c.AddNeuron(spec); err != nil {
			b.Fatal(err)
		}
	}
	for range benchOpen {
		if _, err := c.SubmitProposal(onTopic(benchProposer, topic)); err != nil {
			b.Fatal(err)
		}
	}
	if c.openCount != benchOpen {
		b.Fatalf("%d open proposals, want %d", c.openCount, benchOpen)
	}
	return c
}

// dropProposalsAfter forgets proposals made during a benchmark iteration so
// that memory stays at the benchmark's scale.
func (c *Canister) dropProposalsAfter(n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, nr := range c.neurons {
		nr.ballots = nr.ballots[:0]
	}
	c.proposals = c.proposals[:n]
	c.openCount = n
}

// reportHeap reports the live heap with c (50,000 neurons, 100 proposals
// with ballots) still reachable.
func reportHeap(b *testing.B, c *Canister) {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	b.ReportMetric(float64(m.HeapAlloc)/(1<<20), "heap-MiB")
	b.ReportMetric(float64(m.Sys)/(1<<20), "sys-MiB")
	runtime.KeepAlive(c)
}

func BenchmarkCreateProposal(b *testing.B) {
	c := benchCanister(b)
	spec := onTopic(benchProposer, nns.TopicNetworkEconomics)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.SubmitProposal(spec); err != nil {
			b.Fatal(err)
		}
		if i%50 == 49 {
			b.StopTimer()
			c.dropProposalsAfter(benchOpen)
			b.StartTimer()
		}
	}
	b.StopTimer()
	c.dropProposalsAfter(benchOpen)
	reportHeap(b, c) // resident state at the benchmark's scale
}

func BenchmarkCascade10k(b *testing.B) {
	c := benchCanister(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		if i%50 == 0 {
			c.dropProposalsAfter(benchOpen)
		}
		p, err := c.SubmitProposal(onTopic(benchProposer, nns.TopicNetworkEconomics))
		if err != nil {
			b.Fatal(err)
		}
		before := c.counters.FollowingVotes
		b.StartTimer()
		if err := c.CastVote(benchRoot, p, nns.VoteYes); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if got := c.counters.FollowingVotes - before; got != benchFollowers {
			b.Fatalf("cascade reached %d neurons, want %d", got, benchFollowers)
		}
		b.StartTimer()
	}
}

func BenchmarkListProposals100WithBallots(b *testing.B) {
	c := benchCanister(b)
	req := nns.ListProposalInfoRequest{Limit: 100}
	bot := user(60_001)
	var resp nns.ListProposalInfoResponse
	call(&testing.T{}, c, "list_proposals", bot, req, &resp)
	if len(resp.ProposalInfo) != 100 || len(resp.ProposalInfo[0].Ballots) != 5 {
		b.Fatalf("list_proposals: %d proposals, %d ballots", len(resp.ProposalInfo), len(resp.ProposalInfo[0].Ballots))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := callRaw(c, "list_proposals", bot, req); err != nil {
			b.Fatal(err)
		}
	}
}
