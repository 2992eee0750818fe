package nns

import (
	"github.com/aviate-labs/agent-go/principal"
)

// ManageNeuronRequest is the argument of manage_neuron. Set only
// NeuronIdOrSubaccount: Id is deprecated.
type ManageNeuronRequest struct {
	NeuronIdOrSubaccount *NeuronIdOrSubaccount       `ic:"neuron_id_or_subaccount,omitempty" json:"neuron_id_or_subaccount,omitempty"`
	Command              *ManageNeuronCommandRequest `ic:"command,omitempty" json:"command,omitempty"`
	Id                   *NeuronId                   `ic:"id,omitempty" json:"id,omitempty"`
}

// NeuronIdOrSubaccount is the Candid variant NeuronIdOrSubaccount.
type NeuronIdOrSubaccount struct {
	Subaccount *[]byte   `ic:"Subaccount,variant" json:"Subaccount,omitempty"`
	NeuronId   *NeuronId `ic:"NeuronId,variant" json:"NeuronId,omitempty"`
}

// ManageNeuronCommandRequest is the Candid variant ManageNeuronCommandRequest.
type ManageNeuronCommandRequest struct {
	Spawn              *Spawn               `ic:"Spawn,variant" json:"Spawn,omitempty"`
	Split              *Split               `ic:"Split,variant" json:"Split,omitempty"`
	Follow             *Follow              `ic:"Follow,variant" json:"Follow,omitempty"`
	ClaimOrRefresh     *ClaimOrRefresh      `ic:"ClaimOrRefresh,variant" json:"ClaimOrRefresh,omitempty"`
	Configure          *Configure           `ic:"Configure,variant" json:"Configure,omitempty"`
	RegisterVote       *RegisterVote        `ic:"RegisterVote,variant" json:"RegisterVote,omitempty"`
	Merge              *Merge               `ic:"Merge,variant" json:"Merge,omitempty"`
	DisburseToNeuron   *DisburseToNeuron    `ic:"DisburseToNeuron,variant" json:"DisburseToNeuron,omitempty"`
	MakeProposal       *MakeProposalRequest `ic:"MakeProposal,variant" json:"MakeProposal,omitempty"`
	StakeMaturity      *StakeMaturity       `ic:"StakeMaturity,variant" json:"StakeMaturity,omitempty"`
	MergeMaturity      *MergeMaturity       `ic:"MergeMaturity,variant" json:"MergeMaturity,omitempty"`
	Disburse           *Disburse            `ic:"Disburse,variant" json:"Disburse,omitempty"`
	RefreshVotingPower *RefreshVotingPower  `ic:"RefreshVotingPower,variant" json:"RefreshVotingPower,omitempty"`
	DisburseMaturity   *DisburseMaturity    `ic:"DisburseMaturity,variant" json:"DisburseMaturity,omitempty"`
	SetFollowing       *SetFollowing        `ic:"SetFollowing,variant" json:"SetFollowing,omitempty"`
}

// Command is the Candid variant Command, the command of a ManageNeuron
// proposal action. It mirrors ManageNeuronCommandRequest except that
// MakeProposal carries a Proposal.
type Command struct {
	Spawn              *Spawn              `ic:"Spawn,variant" json:"Spawn,omitempty"`
	Split              *Split              `ic:"Split,variant" json:"Split,omitempty"`
	Follow             *Follow             `ic:"Follow,variant" json:"Follow,omitempty"`
	ClaimOrRefresh     *ClaimOrRefresh     `ic:"ClaimOrRefresh,variant" json:"ClaimOrRefresh,omitempty"`
	Configure          *Configure          `ic:"Configure,variant" json:"Configure,omitempty"`
	RegisterVote       *RegisterVote       `ic:"RegisterVote,variant" json:"RegisterVote,omitempty"`
	Merge              *Merge              `ic:"Merge,variant" json:"Merge,omitempty"`
	DisburseToNeuron   *DisburseToNeuron   `ic:"DisburseToNeuron,variant" json:"DisburseToNeuron,omitempty"`
	MakeProposal       *Proposal           `ic:"MakeProposal,variant" json:"MakeProposal,omitempty"`
	StakeMaturity      *StakeMaturity      `ic:"StakeMaturity,variant" json:"StakeMaturity,omitempty"`
	MergeMaturity      *MergeMaturity      `ic:"MergeMaturity,variant" json:"MergeMaturity,omitempty"`
	Disburse           *Disburse           `ic:"Disburse,variant" json:"Disburse,omitempty"`
	RefreshVotingPower *RefreshVotingPower `ic:"RefreshVotingPower,variant" json:"RefreshVotingPower,omitempty"`
	DisburseMaturity   *DisburseMaturity   `ic:"DisburseMaturity,variant" json:"DisburseMaturity,omitempty"`
	SetFollowing       *SetFollowing       `ic:"SetFollowing,variant" json:"SetFollowing,omitempty"`
}

// RegisterVote is Candid RegisterVote.
type RegisterVote struct {
	Vote     int32       `ic:"vote" json:"vote"`
	Proposal *ProposalId `ic:"proposal,omitempty" json:"proposal,omitempty"`
}

// Follow is Candid Follow.
type Follow struct {
	Topic     int32      `ic:"topic" json:"topic"`
	Followees []NeuronId `ic:"followees" json:"followees"`
}

// SetFollowing is Candid SetFollowing.
type SetFollowing struct {
	TopicFollowing *[]FolloweesForTopic `ic:"topic_following,omitempty" json:"topic_following,omitempty"`
}

// FolloweesForTopic is Candid FolloweesForTopic.
type FolloweesForTopic struct {
	Followees *[]NeuronId `ic:"followees,omitempty" json:"followees,omitempty"`
	Topic     *int32      `ic:"topic,omitempty" json:"topic,omitempty"`
}

// RefreshVotingPower is Candid RefreshVotingPower (an empty record).
type RefreshVotingPower struct{}

// RefreshVotingPowerResponse is Candid RefreshVotingPowerResponse.
type RefreshVotingPowerResponse struct{}

// MakeProposalRequest is Candid MakeProposalRequest.
type MakeProposalRequest struct {
	Url     string                 `ic:"url" json:"url"`
	Title   *string                `ic:"title,omitempty" json:"title,omitempty"`
	Action  *ProposalActionRequest `ic:"action,omitempty" json:"action,omitempty"`
	Summary string                 `ic:"summary" json:"summary"`
}

// MakeProposalResponse is Candid MakeProposalResponse.
type MakeProposalResponse struct {
	Message    *string     `ic:"message,omitempty" json:"message,omitempty"`
	ProposalId *ProposalId `ic:"proposal_id,omitempty" json:"proposal_id,omitempty"`
}

// Configure is Candid Configure.
type Configure struct {
	Operation *Operation `ic:"operation,omitempty" json:"operation,omitempty"`
}

// Operation is the Candid variant Operation of Configure.
type Operation struct {
	RemoveHotKey            *RemoveHotKey            `ic:"RemoveHotKey,variant" json:"RemoveHotKey,omitempty"`
	AddHotKey               *AddHotKey               `ic:"AddHotKey,variant" json:"AddHotKey,omitempty"`
	ChangeAutoStakeMaturity *ChangeAutoStakeMaturity `ic:"ChangeAutoStakeMaturity,variant" json:"ChangeAutoStakeMaturity,omitempty"`
	StopDissolving          *StopDissolving          `ic:"StopDissolving,variant" json:"StopDissolving,omitempty"`
	StartDissolving         *StartDissolving         `ic:"StartDissolving,variant" json:"StartDissolving,omitempty"`
	IncreaseDissolveDelay   *IncreaseDissolveDelay   `ic:"IncreaseDissolveDelay,variant" json:"IncreaseDissolveDelay,omitempty"`
	SetVisibility           *SetVisibility           `ic:"SetVisibility,variant" json:"SetVisibility,omitempty"`
	JoinCommunityFund       *JoinCommunityFund       `ic:"JoinCommunityFund,variant" json:"JoinCommunityFund,omitempty"`
	LeaveCommunityFund      *LeaveCommunityFund      `ic:"LeaveCommunityFund,variant" json:"LeaveCommunityFund,omitempty"`
	SetDissolveTimestamp    *SetDissolveTimestamp    `ic:"SetDissolveTimestamp,variant" json:"SetDissolveTimestamp,omitempty"`
}

// RemoveHotKey is Candid RemoveHotKey.
type RemoveHotKey struct {
	HotKeyToRemove *principal.Principal `ic:"hot_key_to_remove,omitempty" json:"hot_key_to_remove,omitempty"`
}

// AddHotKey is Candid AddHotKey.
type AddHotKey struct {
	NewHotKey *principal.Principal `ic:"new_hot_key,omitempty" json:"new_hot_key,omitempty"`
}

// ChangeAutoStakeMaturity is Candid ChangeAutoStakeMaturity.
type ChangeAutoStakeMaturity struct {
	RequestedSettingForAutoStakeMaturity bool `ic:"requested_setting_for_auto_stake_maturity" json:"requested_setting_for_auto_stake_maturity"`
}

// StopDissolving is the empty record of Operation.StopDissolving.
type StopDissolving struct{}

// StartDissolving is the empty record of Operation.StartDissolving.
type StartDissolving struct{}

// JoinCommunityFund is the empty record of Operation.JoinCommunityFund.
type JoinCommunityFund struct{}

// LeaveCommunityFund is the empty record of Operation.LeaveCommunityFund.
type LeaveCommunityFund struct{}

// IncreaseDissolveDelay is Candid IncreaseDissolveDelay.
type IncreaseDissolveDelay struct {
	AdditionalDissolveDelaySeconds uint32 `ic:"additional_dissolve_delay_seconds" json:"additional_dissolve_delay_seconds"`
}

// SetVisibility is Candid SetVisibility.
type SetVisibility struct {
	Visibility *int32 `ic:"visibility,omitempty" json:"visibility,omitempty"`
}

// SetDissolveTimestamp is Candid SetDissolveTimestamp.
type SetDissolveTimestamp struct {
	DissolveTimestampSeconds uint64 `ic:"dissolve_timestamp_seconds" json:"dissolve_timestamp_seconds"`
}

// ManageNeuronResponse is the reply of manage_neuron.
type ManageNeuronResponse struct {
	Command *Command1 `ic:"command,omitempty" json:"command,omitempty"`
}

// EmptyRecord is the Candid record {} that several responses carry.
type EmptyRecord struct{}

// Command1 is the Candid variant Command_1, the result of manage_neuron.
// Errors come back in Error while the call itself succeeds.
type Command1 struct {
	Error              *GovernanceError            `ic:"Error,variant" json:"Error,omitempty"`
	Spawn              *SpawnResponse              `ic:"Spawn,variant" json:"Spawn,omitempty"`
	Split              *SpawnResponse              `ic:"Split,variant" json:"Split,omitempty"`
	Follow             *EmptyRecord                `ic:"Follow,variant" json:"Follow,omitempty"`
	ClaimOrRefresh     *ClaimOrRefreshResponse     `ic:"ClaimOrRefresh,variant" json:"ClaimOrRefresh,omitempty"`
	Configure          *EmptyRecord                `ic:"Configure,variant" json:"Configure,omitempty"`
	RegisterVote       *EmptyRecord                `ic:"RegisterVote,variant" json:"RegisterVote,omitempty"`
	Merge              *MergeResponse              `ic:"Merge,variant" json:"Merge,omitempty"`
	DisburseToNeuron   *SpawnResponse              `ic:"DisburseToNeuron,variant" json:"DisburseToNeuron,omitempty"`
	MakeProposal       *MakeProposalResponse       `ic:"MakeProposal,variant" json:"MakeProposal,omitempty"`
	StakeMaturity      *StakeMaturityResponse      `ic:"StakeMaturity,variant" json:"StakeMaturity,omitempty"`
	MergeMaturity      *MergeMaturityResponse      `ic:"MergeMaturity,variant" json:"MergeMaturity,omitempty"`
	Disburse           *DisburseResponse           `ic:"Disburse,variant" json:"Disburse,omitempty"`
	RefreshVotingPower *RefreshVotingPowerResponse `ic:"RefreshVotingPower,variant" json:"RefreshVotingPower,omitempty"`
	DisburseMaturity   *DisburseMaturityResponse   `ic:"DisburseMaturity,variant" json:"DisburseMaturity,omitempty"`
	SetFollowing       *EmptyRecord                `ic:"SetFollowing,variant" json:"SetFollowing,omitempty"`
}

// Commands votebot never sends or serves; declared so that every tag of the
// variants decodes. Their fields are kept where they are small.

// Spawn is Candid Spawn.
type Spawn struct {
	PercentageToSpawn *uint32              `ic:"percentage_to_spawn,omitempty" json:"percentage_to_spawn,omitempty"`
	NewController     *principal.Principal `ic:"new_controller,omitempty" json:"new_controller,omitempty"`
	Nonce             *uint64              `ic:"nonce,omitempty" json:"nonce,omitempty"`
}

// Split is Candid Split.
type Split struct {
	AmountE8s uint64 `ic:"amount_e8s" json:"amount_e8s"`
}

// ClaimOrRefresh is Candid ClaimOrRefresh; its By variant is not modelled.
type ClaimOrRefresh struct{}

// Merge is Candid Merge.
type Merge struct {
	SourceNeuronId *NeuronId `ic:"source_neuron_id,omitempty" json:"source_neuron_id,omitempty"`
}

// DisburseToNeuron is Candid DisburseToNeuron.
type DisburseToNeuron struct {
	DissolveDelaySeconds uint64               `ic:"dissolve_delay_seconds" json:"dissolve_delay_seconds"`
	KycVerified          bool                 `ic:"kyc_verified" json:"kyc_verified"`
	AmountE8s            uint64               `ic:"amount_e8s" json:"amount_e8s"`
	NewController        *principal.Principal `ic:"new_controller,omitempty" json:"new_controller,omitempty"`
	Nonce                uint64               `ic:"nonce" json:"nonce"`
}

// StakeMaturity is Candid StakeMaturity.
type StakeMaturity struct {
	PercentageToStake *uint32 `ic:"percentage_to_stake,omitempty" json:"percentage_to_stake,omitempty"`
}

// MergeMaturity is Candid MergeMaturity.
type MergeMaturity struct {
	PercentageToMerge uint32 `ic:"percentage_to_merge" json:"percentage_to_merge"`
}

// Disburse is Candid Disburse; its account fields are not modelled.
type Disburse struct{}

// DisburseMaturity is Candid DisburseMaturity; its account is not modelled.
type DisburseMaturity struct {
	PercentageToDisburse uint32 `ic:"percentage_to_disburse" json:"percentage_to_disburse"`
}

// SpawnResponse is Candid SpawnResponse.
type SpawnResponse struct {
	CreatedNeuronId *NeuronId `ic:"created_neuron_id,omitempty" json:"created_neuron_id,omitempty"`
}

// ClaimOrRefreshResponse is Candid ClaimOrRefreshResponse.
type ClaimOrRefreshResponse struct {
	RefreshedNeuronId *NeuronId `ic:"refreshed_neuron_id,omitempty" json:"refreshed_neuron_id,omitempty"`
}

// MergeResponse is Candid MergeResponse; its neuron views are not modelled.
type MergeResponse struct{}

// StakeMaturityResponse is Candid StakeMaturityResponse.
type StakeMaturityResponse struct {
	MaturityE8s       uint64 `ic:"maturity_e8s" json:"maturity_e8s"`
	StakedMaturityE8s uint64 `ic:"staked_maturity_e8s" json:"staked_maturity_e8s"`
}

// MergeMaturityResponse is Candid MergeMaturityResponse.
type MergeMaturityResponse struct {
	MergedMaturityE8s uint64 `ic:"merged_maturity_e8s" json:"merged_maturity_e8s"`
	NewStakeE8s       uint64 `ic:"new_stake_e8s" json:"new_stake_e8s"`
}

// DisburseResponse is Candid DisburseResponse.
type DisburseResponse struct {
	TransferBlockHeight uint64 `ic:"transfer_block_height" json:"transfer_block_height"`
}

// DisburseMaturityResponse is Candid DisburseMaturityResponse.
type DisburseMaturityResponse struct {
	AmountDisbursedE8s *uint64 `ic:"amount_disbursed_e8s,omitempty" json:"amount_disbursed_e8s,omitempty"`
}
