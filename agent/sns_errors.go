package agent

import (
	"fmt"

	"github.com/aviate-labs/agent-go/principal"

	"github.com/votebot/votebot/sns"
)

// snsErrorNotFound is ERROR_TYPE_NOT_FOUND of the SNS's ErrorType.
const snsErrorNotFound = 3

// snsAlreadyVoted is the SNS canister's text for a repeated vote. Its
// error_type (PreconditionFailed) is shared with other refusals, so the
// text is what tells them apart.
const snsAlreadyVoted = "Neuron already voted on proposal."

// SNSGovernanceError is an error an SNS governance canister returned inside
// a successful reply. It is never retried. Its Type numbers are the SNS's
// ErrorType enum, which differs from the NNS's (hence not a
// *GovernanceError, whose Type is nns.ErrorType).
type SNSGovernanceError struct {
	Method string
	// Governance is the SNS governance canister that refused.
	Governance principal.Principal
	Type       int32
	Message    string
}

func (e *SNSGovernanceError) Error() string {
	return fmt.Sprintf("%s on SNS %s: governance error %d: %s", e.Method, e.Governance, e.Type, e.Message)
}

// Is makes errors.Is(err, ErrAlreadyVoted) true for a repeated vote.
func (e *SNSGovernanceError) Is(target error) bool {
	return target == ErrAlreadyVoted && e.Message == snsAlreadyVoted
}

func (s *SNSGovernance) govError(method string, ge *sns.GovernanceError) *SNSGovernanceError {
	return &SNSGovernanceError{Method: method, Governance: s.id, Type: ge.ErrorType, Message: ge.ErrorMessage}
}
