package agent

import (
	"context"
	"testing"

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
