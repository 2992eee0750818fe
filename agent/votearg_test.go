package agent

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/aviate-labs/agent-go/candid"

	"github.com/votebot/votebot/nns"
)

// TestVoteArgsMatchEncoder: the patched template is byte for byte what
// candid.Marshal produces, for edge and random values.
func TestVoteArgsMatchEncoder(t *testing.T) {
	var v voteArgs
	rng := rand.New(rand.NewPCG(7, 8))
	cases := [][2]uint64{{0, 0}, {1, 1}, {^uint64(0), ^uint64(0)}, {markNeuron, markProposal}}
	for range 200 {
		cases = append(cases, [2]uint64{rng.Uint64(), rng.Uint64()})
	}
	for _, c := range cases {
		for _, vote := range []nns.Vote{nns.VoteYes, nns.VoteNo} {
			got, err := v.encode(c[0], c[1], vote)
			if err != nil {
				t.Fatal(err)
			}
			want, err := encodeVote(c[0], c[1], int32(vote))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("neuron %d proposal %d %s: template encoding differs from candid.Marshal", c[0], c[1], vote)
			}
		}
	}
	if v.err != nil {
		t.Fatalf("template unusable, fell back: %v", v.err)
	}
}

func BenchmarkRegisterVoteArg(b *testing.B) {
	b.Run("candid.Marshal", func(b *testing.B) {
		for b.Loop() {
			if _, err := encodeVote(12345, 678, int32(nns.VoteYes)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("template", func(b *testing.B) {
		var v voteArgs
		for b.Loop() {
			if _, err := v.encode(12345, 678, nns.VoteYes); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestVoteSuccessReplyIsSuccess: the reply taken as success without
// decoding does decode to RegisterVote's success, and an error reply is
// not taken for it.
func TestVoteSuccessReplyIsSuccess(t *testing.T) {
	var v voteArgs
	ok, err := candid.Marshal([]any{nns.ManageNeuronResponse{Command: &nns.Command1{RegisterVote: &nns.EmptyRecord{}}}})
	if err != nil {
		t.Fatal(err)
	}
	if !v.isSuccess(ok) {
		t.Fatal("success encoding not recognised")
	}
	var resp nns.ManageNeuronResponse
	if err := candid.Unmarshal(v.success, []any{&resp}); err != nil || resp.Command == nil ||
		resp.Command.RegisterVote == nil || resp.Command.Error != nil {
		t.Fatalf("success bytes decode to %+v, %v", resp.Command, err)
	}
	bad, err := candid.Marshal([]any{nns.ManageNeuronResponse{Command: &nns.Command1{
		Error: &nns.GovernanceError{ErrorType: 3, ErrorMessage: "Neuron already voted on proposal."}}}})
	if err != nil {
		t.Fatal(err)
	}
	if v.isSuccess(bad) {
		t.Fatal("an error reply taken for success")
	}
}
