package sns

import "github.com/aviate-labs/agent-go/principal"

// ManageNeuron is the argument of manage_neuron: the neuron is named by its id bytes.
type ManageNeuron struct {
	Subaccount []byte   `ic:"subaccount" json:"subaccount"`
	Command    *Command `ic:"command,omitempty" json:"command,omitempty"`
}

// RegisterVote is Candid RegisterVote (vote: 1 Yes, 2 No).
type RegisterVote struct {
	Vote     int32       `ic:"vote" json:"vote"`
	Proposal *ProposalId `ic:"proposal,omitempty" json:"proposal,omitempty"`
}

// Follow is Candid Follow: legacy following per function id (0: the catch-all).
type Follow struct {
	FunctionId uint64     `ic:"function_id" json:"function_id"`
	Followees  []NeuronId `ic:"followees" json:"followees"`
}

// SetFollowing is Candid SetFollowing: following per topic.
type SetFollowing struct {
	TopicFollowing []FolloweesForTopic `ic:"topic_following" json:"topic_following"`
}

// AddNeuronPermissions is Candid AddNeuronPermissions.
type AddNeuronPermissions struct {
	PermissionsToAdd *NeuronPermissionList `ic:"permissions_to_add,omitempty" json:"permissions_to_add,omitempty"`
	PrincipalId      *principal.Principal  `ic:"principal_id,omitempty" json:"principal_id,omitempty"`
}

// Command is the Candid variant Command of manage_neuron. Commands votebot never sends carry
// empty records.
type Command struct {
	Split                   *struct{}             `ic:"Split,variant" json:"Split,omitempty"`
	Follow                  *Follow               `ic:"Follow,variant" json:"Follow,omitempty"`
	SetFollowing            *SetFollowing         `ic:"SetFollowing,variant" json:"SetFollowing,omitempty"`
	DisburseMaturity        *struct{}             `ic:"DisburseMaturity,variant" json:"DisburseMaturity,omitempty"`
	ClaimOrRefresh          *struct{}             `ic:"ClaimOrRefresh,variant" json:"ClaimOrRefresh,omitempty"`
	Configure               *struct{}             `ic:"Configure,variant" json:"Configure,omitempty"`
	RegisterVote            *RegisterVote         `ic:"RegisterVote,variant" json:"RegisterVote,omitempty"`
	MakeProposal            *Proposal             `ic:"MakeProposal,variant" json:"MakeProposal,omitempty"`
	StakeMaturity           *struct{}             `ic:"StakeMaturity,variant" json:"StakeMaturity,omitempty"`
	RemoveNeuronPermissions *struct{}             `ic:"RemoveNeuronPermissions,variant" json:"RemoveNeuronPermissions,omitempty"`
	AddNeuronPermissions    *AddNeuronPermissions `ic:"AddNeuronPermissions,variant" json:"AddNeuronPermissions,omitempty"`
	MergeMaturity           *struct{}             `ic:"MergeMaturity,variant" json:"MergeMaturity,omitempty"`
	Disburse                *struct{}             `ic:"Disburse,variant" json:"Disburse,omitempty"`
}

// ManageNeuronResponse is the reply of manage_neuron.
type ManageNeuronResponse struct {
	Command *CommandResponse `ic:"command,omitempty" json:"command,omitempty"`
}

// CommandResponse is the Candid variant Command_1, manage_neuron's answer.
type CommandResponse struct {
	Error                  *GovernanceError `ic:"Error,variant" json:"Error,omitempty"`
	Split                  *struct{}        `ic:"Split,variant" json:"Split,omitempty"`
	Follow                 *struct{}        `ic:"Follow,variant" json:"Follow,omitempty"`
	SetFollowing           *struct{}        `ic:"SetFollowing,variant" json:"SetFollowing,omitempty"`
	DisburseMaturity       *struct{}        `ic:"DisburseMaturity,variant" json:"DisburseMaturity,omitempty"`
	ClaimOrRefresh         *struct{}        `ic:"ClaimOrRefresh,variant" json:"ClaimOrRefresh,omitempty"`
	Configure              *struct{}        `ic:"Configure,variant" json:"Configure,omitempty"`
	RegisterVote           *struct{}        `ic:"RegisterVote,variant" json:"RegisterVote,omitempty"`
	MakeProposal           *GetProposal     `ic:"MakeProposal,variant" json:"MakeProposal,omitempty"`
	RemoveNeuronPermission *struct{}        `ic:"RemoveNeuronPermission,variant" json:"RemoveNeuronPermission,omitempty"`
	StakeMaturity          *struct{}        `ic:"StakeMaturity,variant" json:"StakeMaturity,omitempty"`
	MergeMaturity          *struct{}        `ic:"MergeMaturity,variant" json:"MergeMaturity,omitempty"`
	Disburse               *struct{}        `ic:"Disburse,variant" json:"Disburse,omitempty"`
	AddNeuronPermission    *struct{}        `ic:"AddNeuronPermission,variant" json:"AddNeuronPermission,omitempty"`
}
