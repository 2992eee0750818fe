package candidfast

import (
	"context"
	"testing"
	"time"

	"github.com/aviate-labs/agent-go/candid"
	"github.com/aviate-labs/agent-go/principal"

	"github.com/votebot/votebot/devnet"
	"github.com/votebot/votebot/devnet/governance"
	"github.com/votebot/votebot/nns"
)

// BenchmarkDecodeListNeurons500 decodes one list_neurons page (500 full
// neurons with 50 recent ballots each, as the devnet canister encodes it):
// agent-go's candid.Unmarshal, its wire parse alone (candid.Decode, which
// Decode keeps), Decode, and CheckBounds. The package comment quotes it.
func BenchmarkDecodeListNeurons500(b *testing.B) {
	gov, err := governance.New(governance.Config{})
	if err != nil {
		b.Fatal(err)
	}
	hot := principal.Principal{Raw: []byte{0x42}}
	add := func(c principal.Principal) uint64 {
		id, err := gov.AddNeuron(governance.NeuronSpec{Controller: c, HotKeys: []principal.Principal{hot},
			StakeE8s: 10 * 100_000_000, DissolveDelay: 365 * 24 * time.Hour})
		if err != nil {
			b.Fatal(err)
		}
		return id
	}
	proposer := add(principal.AnonymousID)
	ids := make([]uint64, 500)
	for i := range ids {
		ids[i] = add(principal.Principal{Raw: []byte{0xAB, 0xCD}})
	}
	for range 50 {
		p, err := gov.SubmitProposal(governance.ProposalSpec{Proposer: proposer, Title: "motion", Summary: "s",
			Action: nns.Action{Motion: &nns.Motion{MotionText: "m"}}})
		if err != nil {
			b.Fatal(err)
		}
		for _, n := range ids {
			if err := gov.CastVote(n, p, nns.VoteYes); err != nil {
				b.Fatal(err)
			}
		}
	}
	arg, err := candid.Marshal([]any{nns.ListNeurons{NeuronIds: ids}})
	if err != nil {
		b.Fatal(err)
	}
	reply, err := gov.Methods()["list_neurons"].Handle(context.Background(), devnet.Call{Caller: hot, Arg: arg})
	if err != nil {
		b.Fatal(err)
	}
	decoders := []struct {
		name   string
		decode func(*nns.ListNeuronsResponse) error
	}{
		{"unmarshal", func(out *nns.ListNeuronsResponse) error { return candid.Unmarshal(reply, []any{out}) }},
		{"wire-only", func(*nns.ListNeuronsResponse) error { _, _, err := candid.Decode(reply); return err }},
		{"fast", func(out *nns.ListNeuronsResponse) error { _, err := Decode(reply, out, nil); return err }},
		{"bounds-check", func(*nns.ListNeuronsResponse) error { _, err := CheckBounds(reply); return err }},
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
