package store

import (
	"context"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/nns"
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
			a, err := s.BeginVote(ctx, p, 1, nns.VoteYes, "rule", "bench")
			if err != nil {
				b.Error(err)
				return
			}
			if err := s.FinishVote(ctx, a.ID, VoteSucceeded, ""); err != nil {
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
	a, err := s.BeginVote(ctx, 1, 1, nns.VoteYes, "rule", "bench")
	if err != nil {
		b.Fatal(err)
	}
	if err := s.FinishVote(ctx, a.ID, VoteSucceeded, ""); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	defer reportCPU(b)()
	for range b.N {
		if _, err := s.BeginVote(ctx, 1, 1, nns.VoteYes, "rule", "bench"); err == nil {
			b.Fatal("second vote on a filled ballot was allowed")
		}
	}
}

// BenchmarkRecordDecision measures logging one ballot's decision, once per ballot per pass.
func BenchmarkRecordDecision(b *testing.B) {
	ctx := context.Background()
	s := openBench(b)
	b.ReportAllocs()
	b.ResetTimer()
	defer reportCPU(b)()
	for i := range b.N {
		d := Decision{ProposalID: uint64(i % 50), NeuronID: uint64(i), Action: "vote", Vote: nns.VoteYes,
			Rule: "rule", Reason: "bench"}
		if _, err := s.RecordDecision(ctx, d); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUpsertObservation measures recording one ballot's observation, half of them updates of
// an earlier one, as a pass re-reading open proposals does.
func BenchmarkUpsertObservation(b *testing.B) {
	ctx := context.Background()
	s := openBench(b)
	b.ReportAllocs()
	b.ResetTimer()
	defer reportCPU(b)()
	for i := range b.N {
		o := Observation{ProposalID: uint64(i / 2), NeuronID: 1, Topic: nns.TopicGovernance,
			RewardStatus: nns.RewardStatusAcceptVotes, Ballot: BallotEmpty, BallotVP: 1e8}
		if i%2 == 1 {
			o.Ballot, o.Vote = BallotDirect, nns.VoteYes
		}
		if err := s.UpsertObservation(ctx, o); err != nil {
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
	ds := make([]Decision, batchSize)
	b.ReportAllocs()
	b.ResetTimer()
	defer reportCPU(b)()
	for i := range b.N {
		for n := range ds {
			ds[n] = Decision{ProposalID: uint64(i), NeuronID: uint64(n), Action: "vote", Vote: nns.VoteYes,
				Rule: "rule", Reason: "bench"}
		}
		if _, err := s.RecordDecisions(ctx, ds); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*batchSize), "ns/decision")
}

// BenchmarkUpsertObservations measures recording a pass's observations in one transaction, half
// of them updates; ns/observation compares with BenchmarkUpsertObservation.
func BenchmarkUpsertObservations(b *testing.B) {
	ctx := context.Background()
	s := openBench(b)
	obs := make([]Observation, batchSize)
	b.ReportAllocs()
	b.ResetTimer()
	defer reportCPU(b)()
	for i := range b.N {
		for n := range obs {
			obs[n] = Observation{ProposalID: uint64(i / 2), NeuronID: uint64(n), Topic: nns.TopicGovernance,
				RewardStatus: nns.RewardStatusAcceptVotes, Ballot: BallotEmpty, BallotVP: 1e8}
			if i%2 == 1 {
				obs[n].Ballot, obs[n].Vote = BallotDirect, nns.VoteYes
			}
		}
		if err := s.UpsertObservations(ctx, obs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*batchSize), "ns/observation")
}

// BenchmarkUpsertProposal measures saving one proposal, once per proposal per pass.
func BenchmarkUpsertProposal(b *testing.B) {
	ctx := context.Background()
	s := openBench(b)
	b.ReportAllocs()
	b.ResetTimer()
	defer reportCPU(b)()
	for i := range b.N {
		p := Proposal{ID: uint64(i % 100), Topic: nns.TopicGovernance, Title: "bench",
			RewardStatus: nns.RewardStatusAcceptVotes}
		if err := s.UpsertProposal(ctx, p); err != nil {
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
