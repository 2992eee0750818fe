package agent

import (
	"context"
	"testing"
	"time"

	"github.com/aviate-labs/agent-go/principal"

	"github.com/votebot/votebot/nns"
)

// BenchmarkListProposals100 lists 100 proposals (one page, each with a
// ballot of the caller's neuron) through a verified, signed query against
// the in-process devnet.
func BenchmarkListProposals100(b *testing.B) {
	net := startNet(b)
	id := newIdentity(b)
	net.gov.addNeurons(10, 1, id.Sender())
	net.gov.addProposals(1, 99, nns.TopicGovernance)
	g := newClient(b, testConfig([]string{net.url}, net.rootKey, id))
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		props, err := g.ListProposals(ctx, nns.ListProposalInfoRequest{})
		if err != nil || len(props) != 99 {
			b.Fatalf("%d, %v", len(props), err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "calls/s")
}

// BenchmarkRegisterVote casts one vote per iteration (a certified update
// call) against the in-process devnet.
func BenchmarkRegisterVote(b *testing.B) {
	net := startNet(b)
	id := newIdentity(b)
	net.gov.addNeurons(10, 1, id.Sender())
	net.gov.addProposals(1, 1, nns.TopicGovernance)
	g := newClient(b, testConfig([]string{net.url}, net.rootKey, id))
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		err := g.RegisterVote(ctx, 10, 1, nns.VoteYes)
		if err != nil && !IsAlreadyVoted(err) {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "calls/s")
}

// BenchmarkDevnetListProposals100 lists 100 open proposals from the
// devnet's simulated governance canister (each with the ballot of the bot's
// neuron), one page.
func BenchmarkDevnetListProposals100(b *testing.B) {
	net := startGovNet(b)
	id := newIdentity(b)
	proposer := net.addNeuron(b, principal.AnonymousID, nil)
	net.addNeuron(b, id.Sender(), nil)
	for i := range 100 {
		net.motion(b, proposer, i)
	}
	g := newClient(b, testConfig([]string{net.url}, net.rootKey, id))
	ctx := context.Background()
	req := nns.ListProposalInfoRequest{IncludeRewardStatus: []int32{int32(nns.RewardStatusAcceptVotes)}, Limit: 100}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		props, err := g.ListProposals(ctx, req)
		if err != nil || len(props) != 100 {
			b.Fatalf("%d, %v", len(props), err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "calls/s")
}

// BenchmarkDevnetRegisterVote casts a fresh vote per iteration on the
// devnet's simulated governance canister (a new proposal is made, untimed,
// for each).
func BenchmarkDevnetRegisterVote(b *testing.B) {
	net := startGovNet(b)
	id := newIdentity(b)
	proposer := net.addNeuron(b, principal.AnonymousID, nil)
	mine := net.addNeuron(b, id.Sender(), nil)
	g := newClient(b, testConfig([]string{net.url}, net.rootKey, id))
	ctx := context.Background()
	b.ReportAllocs()
	var elapsed time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		p := net.motion(b, proposer, i)
		b.StartTimer()
		start := time.Now()
		if err := g.RegisterVote(ctx, mine, p, nns.VoteYes); err != nil {
			b.Fatal(err)
		}
		elapsed += time.Since(start)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "calls/s")
}

// BenchmarkDevnetListNeurons1000 reads 1,000 full neurons (two pages), each
// with 50 recent ballots: the bot's periodic neuron re-read at the
// benchmark's size.
func BenchmarkDevnetListNeurons1000(b *testing.B) {
	net := startGovNet(b)
	id := newIdentity(b)
	proposer := net.addNeuron(b, principal.AnonymousID, nil)
	ids := make([]uint64, 1000)
	for i := range ids {
		ids[i] = net.addNeuron(b, id.Sender(), nil)
	}
	for i := range 50 {
		p := net.motion(b, proposer, i)
		for _, n := range ids {
			if err := net.gov.CastVote(n, p, nns.VoteYes); err != nil {
				b.Fatal(err)
			}
		}
	}
	g := newClient(b, testConfig([]string{net.url}, net.rootKey, id))
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		resp, err := g.ListNeurons(ctx, nns.ListNeurons{NeuronIds: ids})
		if err != nil || len(resp.FullNeurons) != len(ids) {
			b.Fatalf("%d, %v", len(resp.FullNeurons), err)
		}
	}
}
