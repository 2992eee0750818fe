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
