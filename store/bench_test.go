package store

import (
	"context"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
	"github.com/votebot/votebot/rewards"
)

// openBench opens a fresh store in b.TempDir and closes it when the benchmark ends.
func openBench(b *testing.B) *Store {
	b.Helper()
	s, err := Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// reportCPU starts counting the process's CPU time and returns a func that reports it per op as
// cpu-ns/op: the store is CPU-bound, and CPU time is skewed far less than wall time when other
// work shares the machine.
func reportCPU(b *testing.B) func() {
	b.Helper()
	start := cpuNanos(b)
	return func() { b.ReportMetric(float64(cpuNanos(b)-start)/float64(b.N), "cpu-ns/op") }
}

func cpuNanos(b *testing.B) int64 {
	b.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// BenchmarkVote measures one ballot's log: BeginVote then FinishVote, from parallel goroutines
// as the bot's bounded vote workers do.
func BenchmarkVote(b *testing.B) {
	ctx := context.Background()
	s := openBench(b)
	var next atomic.Uint64
	b.SetParallelism(4)
	b.ReportAllocs()
	b.ResetTimer()
	defer reportCPU(b)()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			p := next.Add(1)
			a, err := s.BeginVote(ctx, bot.VoteIntent{Proposal: p, Neuron: 1, Vote: nns.VoteYes, Source: "rule", Reason: "bench"})
			if err != nil {
				b.Error(err)
				return
			}
			if err := s.FinishVote(ctx, a, bot.VoteSucceeded, ""); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkBeginVoteRefused measures the check that refuses a second vote on a filled ballot.
func BenchmarkBeginVoteRefused(b *testing.B) {
	ctx := context.Background()
	s := openBench(b)
	v := bot.VoteIntent{Proposal: 1, Neuron: 1, Vote: nns.VoteYes, Source: "rule", Reason: "bench"}
	a, err := s.BeginVote(ctx, v)
	if err != nil {
		b.Fatal(err)
	}
	if err := s.FinishVote(ctx, a, bot.VoteSucceeded, ""); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	defer reportCPU(b)()
	for range b.N {
		if _, err := s.BeginVote(ctx, v); err == nil {
			b.Fatal("second vote on a filled ballot was allowed")
		}
	}
}

// benchDecision is a rule's vote, as most decisions of a fill are.
func benchDecision(proposal, neuron uint64) bot.DecisionRecord {
	return bot.DecisionRecord{Proposal: proposal, Neuron: neuron, Decision: policy.Decision{
		Action: policy.ActionVoteNow, Vote: nns.VoteYes, Rule: "rule", Reason: "bench"}}
}

// benchObservation is an empty ballot, or on odd i a direct vote that updates it.
func benchObservation(i int, neuron uint64) rewards.Observation {
	o := rewards.Observation{ProposalID: uint64(i / 2), Neuron: neuron, Topic: nns.TopicGovernance,
		RewardStatus: nns.RewardStatusAcceptVotes, Ballot: rewards.BallotEmpty, BallotVP: 1e8}
	if i%2 == 1 {
		o.Ballot, o.Vote = rewards.BallotVotedDirect, nns.VoteYes
	}
	return o
}

// BenchmarkRecordDecision measures logging one ballot's decision in its own transaction, the cost
// of a batch of one; compare ns/op with BenchmarkRecordDecisions' ns/decision.
func BenchmarkRecordDecision(b *testing.B) {
	ctx := context.Background()
	s := openBench(b)
	b.ReportAllocs()
	b.ResetTimer()
	defer reportCPU(b)()
	for i := range b.N {
		if err := s.RecordDecisions(ctx, []bot.DecisionRecord{benchDecision(uint64(i%50), uint64(i))}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRecordObservation measures recording one ballot's observation in its own transaction,
// half of them updates of an earlier one, as a pass re-reading open proposals does.
func BenchmarkRecordObservation(b *testing.B) {
	ctx := context.Background()
	s := openBench(b)
	b.ReportAllocs()
	b.ResetTimer()
	defer reportCPU(b)()
	for i := range b.N {
		if err := s.RecordObservations(ctx, []rewards.Observation{benchObservation(i, 1)}); err != nil {
			b.Fatal(err)
		}
	}
}

// batchSize is one proposal's ballots with 1,000 neurons.
const batchSize = 1000

// BenchmarkRecordDecisions measures logging a pass's decisions in one transaction; ns/decision
// compares with BenchmarkRecordDecision.
func BenchmarkRecordDecisions(b *testing.B) {
	ctx := context.Background()
	s := openBench(b)
	ds := make([]bot.DecisionRecord, batchSize)
	b.ReportAllocs()
	b.ResetTimer()
	defer reportCPU(b)()
	for i := range b.N {
		for n := range ds {
			ds[n] = benchDecision(uint64(i), uint64(n))
		}
		if err := s.RecordDecisions(ctx, ds); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*batchSize), "ns/decision")
}

// BenchmarkRecordObservations measures recording a pass's observations in one transaction, half
// of them updates; ns/observation compares with BenchmarkRecordObservation.
func BenchmarkRecordObservations(b *testing.B) {
	ctx := context.Background()
	s := openBench(b)
	obs := make([]rewards.Observation, batchSize)
	b.ReportAllocs()
	b.ResetTimer()
	defer reportCPU(b)()
	for i := range b.N {
		for n := range obs {
			obs[n] = benchObservation(i, uint64(n))
		}
		if err := s.RecordObservations(ctx, obs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*batchSize), "ns/observation")
}

// BenchmarkSaveProposal measures saving one proposal, once per proposal per pass.
func BenchmarkSaveProposal(b *testing.B) {
	ctx := context.Background()
	s := openBench(b)
	b.ReportAllocs()
	b.ResetTimer()
	defer reportCPU(b)()
	for i := range b.N {
		p := policy.Proposal{ID: uint64(i % 100), Topic: nns.TopicGovernance, Title: "bench"}
		if err := s.SaveProposal(ctx, p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAlertState measures alert.Manager's read-then-write of one alert's state.
func BenchmarkAlertState(b *testing.B) {
	ctx := context.Background()
	s := openBench(b)
	b.ReportAllocs()
	b.ResetTimer()
	defer reportCPU(b)()
	for i := range b.N {
		key := alert.KeyFor(alert.KindProposalAtRisk, uint64(i%1000), 7)
		st, ok, err := s.AlertState(ctx, key)
		if err != nil {
			b.Fatal(err)
		}
		if !ok {
			st = alert.State{Key: key, Kind: alert.KindProposalAtRisk, Neuron: uint64(i % 1000), ProposalID: 7}
		}
		st.TimesSent++
		if err := s.PutAlertState(ctx, st); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRecordNeuronStatus1000 is what each fresh read of 1,000 neurons
// adds to the store: one transaction replacing 1,000 rows.
func BenchmarkRecordNeuronStatus1000(b *testing.B) {
	ctx := context.Background()
	s := openBench(b)
	ns := make([]rewards.NeuronStatus, 1000)
	at := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for i := range ns {
		ns[i] = rewards.NeuronStatus{ID: uint64(i + 1), PotentialVP: 1e12, DecidingVP: 1e12, DissolveDelaySeconds: 1 << 25,
			RefreshedAt: at, DecayStarts: at.Add(180 * 24 * time.Hour), FollowingClearedAt: at.Add(210 * 24 * time.Hour), ReadAt: at}
	}
	b.ReportAllocs()
	b.ResetTimer()
	defer reportCPU(b)()
	for range b.N {
		if err := s.RecordNeuronStatus(ctx, ns); err != nil {
			b.Fatal(err)
		}
	}
}
