package agent

import (
	"context"
	"testing"
	"time"

	"github.com/aviate-labs/agent-go/candid"
	"github.com/aviate-labs/agent-go/principal"

	"github.com/votebot/votebot/devnet"
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

// BenchmarkDevnetListProposals50x1000 reads one page of 50 open proposals,
// each with the ballots of the caller's 1,000 neurons: the bot's full read
// of open proposals at the daemon benchmark's size.
func BenchmarkDevnetListProposals50x1000(b *testing.B) {
	net := startGovNet(b)
	id := newIdentity(b)
	proposer := net.addNeuron(b, principal.AnonymousID, nil)
	for range 1000 {
		net.addNeuron(b, id.Sender(), nil)
	}
	for i := range 50 {
		net.motion(b, proposer, i)
	}
	g := newClient(b, testConfig([]string{net.url}, net.rootKey, id))
	ctx := context.Background()
	req := nns.ListProposalInfoRequest{IncludeRewardStatus: []int32{int32(nns.RewardStatusAcceptVotes)}, Limit: 50}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		props, err := g.ListProposalsPage(ctx, req)
		if err != nil || len(props) != 50 || len(props[0].Ballots) != 1000 {
			b.Fatalf("%d proposals, %v", len(props), err)
		}
	}
}

// BenchmarkDecodeListNeurons500 decodes one list_neurons page (500 full
// neurons with 50 recent ballots each, as the devnet canister encodes it)
// without the network: agent-go's candid.Unmarshal and decode (the bounds
// check and candidfast, whose own benchmark splits it up).
func BenchmarkDecodeListNeurons500(b *testing.B) {
	net := startGovNet(b)
	hot := principal.Principal{Raw: []byte{0x42}}
	proposer := net.addNeuron(b, principal.AnonymousID, nil)
	ids := make([]uint64, 500)
	for i := range ids {
		ids[i] = net.addNeuron(b, hot, nil)
	}
	for i := range 50 {
		p := net.motion(b, proposer, i)
		for _, n := range ids {
			if err := net.gov.CastVote(n, p, nns.VoteYes); err != nil {
				b.Fatal(err)
			}
		}
	}
	arg, err := candid.Marshal([]any{nns.ListNeurons{NeuronIds: ids}})
	if err != nil {
		b.Fatal(err)
	}
	reply, err := net.gov.Methods()["list_neurons"].Handle(context.Background(), devnet.Call{Caller: hot, Arg: arg})
	if err != nil {
		b.Fatal(err)
	}
	decoders := []struct {
		name   string
		decode func(*nns.ListNeuronsResponse) error
	}{
		{"unmarshal", func(out *nns.ListNeuronsResponse) error { return candid.Unmarshal(reply, []any{out}) }},
		{"decode", func(out *nns.ListNeuronsResponse) error {
			_, err := decodeReply("list_neurons", reply, out)
			return err
		}},
	}
	for _, d := range decoders {
		b.Run(d.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(reply)))
			for b.Loop() {
				var out nns.ListNeuronsResponse
				if err := d.decode(&out); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
