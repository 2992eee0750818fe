package governance

import (
	"bytes"
	"testing"

	"github.com/aviate-labs/agent-go/candid"

	"github.com/votebot/votebot/nns"
)

// TestEncodeReplyMatchesMarshal: the cached header plus the value is what
// candid.Marshal writes, for replies of several shapes.
func TestEncodeReplyMatchesMarshal(t *testing.T) {
	title := "t"
	replies := []any{
		nns.ManageNeuronResponse{Command: &nns.Command1{RegisterVote: &nns.EmptyRecord{}}},
		nns.ManageNeuronResponse{Command: &nns.Command1{Error: &nns.GovernanceError{ErrorType: 3, ErrorMessage: "no"}}},
		nns.ListProposalInfoResponse{ProposalInfo: []nns.ProposalInfo{{Id: &nns.ProposalId{Id: 4},
			Proposal: &nns.Proposal{Title: &title}, Ballots: []nns.BallotEntry{{NeuronId: 1}}}}},
		uint64(7),
	}
	c := &Canister{}
	for i, r := range replies {
		for range 2 { // derived, then cached
			got, err := c.encodeReply(r)
			if err != nil {
				t.Fatal(err)
			}
			want, err := candid.Marshal([]any{r})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("reply %d (%T): encoding differs from candid.Marshal", i, r)
			}
		}
	}
}

// TestArgHeadersDecodeAsUnmarshal: manage_neuron arguments decode to what
// candid.Unmarshal gives, the header is learnt from the first, and an
// argument with another header (or malformed values) still decodes in
// full or fails.
func TestArgHeadersDecodeAsUnmarshal(t *testing.T) {
	h := argHeader{zero: nns.ManageNeuronRequest{}}
	reqs := []nns.ManageNeuronRequest{}
	for i := range 5 {
		reqs = append(reqs, nns.ManageNeuronRequest{
			NeuronIdOrSubaccount: &nns.NeuronIdOrSubaccount{NeuronId: &nns.NeuronId{Id: uint64(1000 + i)}},
			Command: &nns.ManageNeuronCommandRequest{RegisterVote: &nns.RegisterVote{Vote: int32(1 + i%2),
				Proposal: &nns.ProposalId{Id: uint64(7 * i)}}},
		})
	}
	for i, req := range reqs {
		arg, err := candid.Marshal([]any{req})
		if err != nil {
			t.Fatal(err)
		}
		var got, want nns.ManageNeuronRequest
		if err := h.decode(arg, &got); err != nil {
			t.Fatal(err)
		}
		if err := candid.Unmarshal(arg, []any{&want}); err != nil {
			t.Fatal(err)
		}
		if got.NeuronIdOrSubaccount.NeuronId.Id != want.NeuronIdOrSubaccount.NeuronId.Id ||
			got.Command.RegisterVote.Proposal.Id != want.Command.RegisterVote.Proposal.Id ||
			got.Command.RegisterVote.Vote != want.Command.RegisterVote.Vote {
			t.Fatalf("request %d: got %+v, want %+v", i, got.Command.RegisterVote, want.Command.RegisterVote)
		}
	}
	if !h.learnt() {
		t.Fatal("header not learnt")
	}
	arg, _ := candid.Marshal([]any{reqs[0]})
	var got nns.ManageNeuronRequest
	if err := h.decode(arg[:len(arg)-3], &got); err == nil {
		t.Fatal("truncated argument decoded")
	}
	follow, _ := candid.Marshal([]any{nns.ManageNeuronRequest{Command: &nns.ManageNeuronCommandRequest{
		Follow: &nns.Follow{Topic: 4, Followees: []nns.NeuronId{{Id: 9}}}}}})
	if err := h.decode(follow, &got); err != nil || got.Command.Follow == nil || got.Command.Follow.Followees[0].Id != 9 {
		t.Fatalf("another command: %+v, %v", got.Command, err)
	}
}
