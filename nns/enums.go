package nns

import "strconv"

// ProposalStatus is ProposalInfo.status.
type ProposalStatus int32

const (
	ProposalStatusUnspecified ProposalStatus = 0
	ProposalStatusOpen        ProposalStatus = 1
	ProposalStatusRejected    ProposalStatus = 2
	ProposalStatusAdopted     ProposalStatus = 3
	ProposalStatusExecuted    ProposalStatus = 4
	ProposalStatusFailed      ProposalStatus = 5
)

var proposalStatusNames = []string{"Unspecified", "Open", "Rejected", "Adopted", "Executed", "Failed"}

func (s ProposalStatus) String() string {
	return enumName(proposalStatusNames, int32(s), "ProposalStatus")
}

// RewardStatus is ProposalInfo.reward_status.
type RewardStatus int32

const (
	RewardStatusUnspecified   RewardStatus = 0
	RewardStatusAcceptVotes   RewardStatus = 1
	RewardStatusReadyToSettle RewardStatus = 2
	RewardStatusSettled       RewardStatus = 3
	RewardStatusIneligible    RewardStatus = 4
)

var rewardStatusNames = []string{"Unspecified", "AcceptVotes", "ReadyToSettle", "Settled", "Ineligible"}

func (s RewardStatus) String() string { return enumName(rewardStatusNames, int32(s), "RewardStatus") }

// Vote is a ballot's vote.
type Vote int32

const (
	VoteUnspecified Vote = 0
	VoteYes         Vote = 1
	VoteNo          Vote = 2
)

var voteNames = []string{"Unspecified", "Yes", "No"}

func (v Vote) String() string { return enumName(voteNames, int32(v), "Vote") }

// NeuronState is NeuronInfo.state.
type NeuronState int32

const (
	NeuronStateUnspecified   NeuronState = 0
	NeuronStateNotDissolving NeuronState = 1
	NeuronStateDissolving    NeuronState = 2
	NeuronStateDissolved     NeuronState = 3
	NeuronStateSpawning      NeuronState = 4
)

var neuronStateNames = []string{"Unspecified", "NotDissolving", "Dissolving", "Dissolved", "Spawning"}

func (s NeuronState) String() string { return enumName(neuronStateNames, int32(s), "NeuronState") }

// ErrorType is GovernanceError.error_type.
type ErrorType int32

const (
	ErrorTypeUnspecified                ErrorType = 0
	ErrorTypeOk                         ErrorType = 1
	ErrorTypeUnavailable                ErrorType = 2
	ErrorTypeNotAuthorized              ErrorType = 3
	ErrorTypeNotFound                   ErrorType = 4
	ErrorTypeInvalidCommand             ErrorType = 5
	ErrorTypeRequiresNotDissolving      ErrorType = 6
	ErrorTypeRequiresDissolving         ErrorType = 7
	ErrorTypeRequiresDissolved          ErrorType = 8
	ErrorTypeHotKey                     ErrorType = 9
	ErrorTypeResourceExhausted          ErrorType = 10
	ErrorTypePreconditionFailed         ErrorType = 11
	ErrorTypeExternal                   ErrorType = 12
	ErrorTypeLedgerUpdateOngoing        ErrorType = 13
	ErrorTypeInsufficientFunds          ErrorType = 14
	ErrorTypeInvalidPrincipal           ErrorType = 15
	ErrorTypeInvalidProposal            ErrorType = 16
	ErrorTypeAlreadyJoinedCommunityFund ErrorType = 17
	ErrorTypeNotInTheCommunityFund      ErrorType = 18
	ErrorTypeNeuronAlreadyVoted         ErrorType = 19
)

var errorTypeNames = []string{"Unspecified", "Ok", "Unavailable", "NotAuthorized", "NotFound",
	"InvalidCommand", "RequiresNotDissolving", "RequiresDissolving", "RequiresDissolved", "HotKey",
	"ResourceExhausted", "PreconditionFailed", "External", "LedgerUpdateOngoing", "InsufficientFunds",
	"InvalidPrincipal", "InvalidProposal", "AlreadyJoinedCommunityFund", "NotInTheCommunityFund",
	"NeuronAlreadyVoted"}

func (e ErrorType) String() string { return enumName(errorTypeNames, int32(e), "ErrorType") }

func enumName(names []string, v int32, typ string) string {
	if v >= 0 && int(v) < len(names) {
		return names[v]
	}
	return typ + "(" + strconv.Itoa(int(v)) + ")"
}
