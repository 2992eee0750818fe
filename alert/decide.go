package alert

import (
	"context"
	"errors"

	"github.com/votebot/votebot/nns"
)

// DecideFunc stores a person's decision on proposal for neuron (0: every configured neuron),
// exactly as `votebot vote` does, in the governance the button named: "" for the NNS, else
// GovernanceTag of the DAO's name (proposal and neuron are then that DAO's own numbers).
type DecideFunc func(ctx context.Context, governance string, proposal, neuron uint64, vote nns.Vote) error

// The refusals a DecideFunc returns (wrapped) when a decision cannot apply: the person is told
// so, and nothing is retried.
var (
	// ErrProposalNotOpen: the proposal is unknown or no longer accepts votes.
	ErrProposalNotOpen = errors.New("proposal is not open")
	// ErrNeuronNotConfigured: the neuron is not one this votebot votes for.
	ErrNeuronNotConfigured = errors.New("neuron is not configured")
	// ErrBallotCast: the neuron has already voted on the proposal; a decision changes nothing.
	ErrBallotCast = errors.New("ballot already cast")
)

// IsStaleDecision reports whether err is one of the refusals above: the decision is answered,
// not applied, and trying again will not help.
func IsStaleDecision(err error) bool {
	return errors.Is(err, ErrProposalNotOpen) || errors.Is(err, ErrNeuronNotConfigured) ||
		errors.Is(err, ErrBallotCast)
}
