package sns

import (
	"github.com/aviate-labs/agent-go/candid/idl"
	"github.com/aviate-labs/agent-go/principal"
)

// The Go types below mirror governance.did in this package, which mirrors the real SNS
// governance interface. As in nns/: Candid field names are `ic` tags; an opt is a pointer with
// ",omitempty"; a variant is a struct of pointer fields tagged ",variant", exactly one set;
// records votebot never reads are empty structs (decoding skips their fields).

// NeuronId is Candid NeuronId: the neuron's 32-byte subaccount on its SNS's ledger.
type NeuronId struct {
	Id []byte `ic:"id" json:"id"`
}

// ProposalId is Candid ProposalId.
type ProposalId struct {
	Id uint64 `ic:"id" json:"id"`
}

// GovernanceError is Candid GovernanceError.
type GovernanceError struct {
	ErrorMessage string `ic:"error_message" json:"error_message"`
	ErrorType    int32  `ic:"error_type" json:"error_type"`
}

// Topic is the Candid variant Topic; see TopicID for the numbers votebot uses.
type Topic struct {
	DaoCommunitySettings     *idl.Null `ic:"DaoCommunitySettings,variant" json:"DaoCommunitySettings,omitempty"`
	SnsFrameworkManagement   *idl.Null `ic:"SnsFrameworkManagement,variant" json:"SnsFrameworkManagement,omitempty"`
	DappCanisterManagement   *idl.Null `ic:"DappCanisterManagement,variant" json:"DappCanisterManagement,omitempty"`
	ApplicationBusinessLogic *idl.Null `ic:"ApplicationBusinessLogic,variant" json:"ApplicationBusinessLogic,omitempty"`
	Governance               *idl.Null `ic:"Governance,variant" json:"Governance,omitempty"`
	TreasuryAssetManagement  *idl.Null `ic:"TreasuryAssetManagement,variant" json:"TreasuryAssetManagement,omitempty"`
	CriticalDappOperations   *idl.Null `ic:"CriticalDappOperations,variant" json:"CriticalDappOperations,omitempty"`
}

// TopicSelector is Candid TopicSelector.
type TopicSelector struct {
	Topic *Topic `ic:"topic,omitempty" json:"topic,omitempty"`
}

// ListProposals is the argument of list_proposals.
type ListProposals struct {
	IncludeRewardStatus []int32          `ic:"include_reward_status" json:"include_reward_status"`
	BeforeProposal      *ProposalId      `ic:"before_proposal,omitempty" json:"before_proposal,omitempty"`
	Limit               uint32           `ic:"limit" json:"limit"`
	ExcludeType         []uint64         `ic:"exclude_type" json:"exclude_type"`
	IncludeStatus       []int32          `ic:"include_status" json:"include_status"`
	IncludeTopics       *[]TopicSelector `ic:"include_topics,omitempty" json:"include_topics,omitempty"`
}

// ListProposalsResponse is the reply of list_proposals.
type ListProposalsResponse struct {
	IncludeBallotsByCaller *bool          `ic:"include_ballots_by_caller,omitempty" json:"include_ballots_by_caller,omitempty"`
	IncludeTopicFiltering  *bool          `ic:"include_topic_filtering,omitempty" json:"include_topic_filtering,omitempty"`
	Proposals              []ProposalData `ic:"proposals" json:"proposals"`
}

// GetProposal is the argument of get_proposal.
type GetProposal struct {
	ProposalId *ProposalId `ic:"proposal_id,omitempty" json:"proposal_id,omitempty"`
}

// GetProposalResponse is the reply of get_proposal.
type GetProposalResponse struct {
	Result *GetProposalResult `ic:"result,omitempty" json:"result,omitempty"`
}

// GetProposalResult is the Candid variant Result_1 of get_proposal.
type GetProposalResult struct {
	Error    *GovernanceError `ic:"Error,variant" json:"Error,omitempty"`
	Proposal *ProposalData    `ic:"Proposal,variant" json:"Proposal,omitempty"`
}

// Ballot is Candid Ballot.
type Ballot struct {
	Vote                 int32  `ic:"vote" json:"vote"`
	CastTimestampSeconds uint64 `ic:"cast_timestamp_seconds" json:"cast_timestamp_seconds"`
	VotingPower          uint64 `ic:"voting_power" json:"voting_power"`
}

// BallotEntry is one element of ProposalData.ballots, keyed by the neuron id in hex.
type BallotEntry struct {
	NeuronId string `ic:"0,tuple" json:"neuron_id"`
	Ballot   Ballot `ic:"1,tuple" json:"ballot"`
}

// Tally is Candid Tally.
type Tally struct {
	No               uint64 `ic:"no" json:"no"`
	Yes              uint64 `ic:"yes" json:"yes"`
	Total            uint64 `ic:"total" json:"total"`
	TimestampSeconds uint64 `ic:"timestamp_seconds" json:"timestamp_seconds"`
}

// WaitForQuietState is Candid WaitForQuietState.
type WaitForQuietState struct {
	CurrentDeadlineTimestampSeconds uint64 `ic:"current_deadline_timestamp_seconds" json:"current_deadline_timestamp_seconds"`
}

// Percentage is Candid Percentage.
type Percentage struct {
	BasisPoints *uint64 `ic:"basis_points,omitempty" json:"basis_points,omitempty"`
}

// Proposal is Candid Proposal.
type Proposal struct {
	Url     string  `ic:"url" json:"url"`
	Title   string  `ic:"title" json:"title"`
	Action  *Action `ic:"action,omitempty" json:"action,omitempty"`
	Summary string  `ic:"summary" json:"summary"`
}

// ActionAuxiliary is the Candid variant ActionAuxiliary: what the canister adds to a
// treasury, minting or upgrade proposal (payloads votebot does not read).
type ActionAuxiliary struct {
	TransferSnsTreasuryFunds *struct{} `ic:"TransferSnsTreasuryFunds,variant" json:"TransferSnsTreasuryFunds,omitempty"`
	MintSnsTokens            *struct{} `ic:"MintSnsTokens,variant" json:"MintSnsTokens,omitempty"`
	AdvanceSnsTargetVersion  *struct{} `ic:"AdvanceSnsTargetVersion,variant" json:"AdvanceSnsTargetVersion,omitempty"`
}

// ProposalData is Candid ProposalData.
type ProposalData struct {
	Id                                  *ProposalId        `ic:"id,omitempty" json:"id,omitempty"`
	PayloadTextRendering                *string            `ic:"payload_text_rendering,omitempty" json:"payload_text_rendering,omitempty"`
	Action                              uint64             `ic:"action" json:"action"`
	FailureReason                       *GovernanceError   `ic:"failure_reason,omitempty" json:"failure_reason,omitempty"`
	ActionAuxiliary                     *ActionAuxiliary   `ic:"action_auxiliary,omitempty" json:"action_auxiliary,omitempty"`
	Ballots                             []BallotEntry      `ic:"ballots" json:"ballots"`
	MinimumYesProportionOfTotal         *Percentage        `ic:"minimum_yes_proportion_of_total,omitempty" json:"minimum_yes_proportion_of_total,omitempty"`
	RewardEventRound                    uint64             `ic:"reward_event_round" json:"reward_event_round"`
	FailedTimestampSeconds              uint64             `ic:"failed_timestamp_seconds" json:"failed_timestamp_seconds"`
	RewardEventEndTimestampSeconds      *uint64            `ic:"reward_event_end_timestamp_seconds,omitempty" json:"reward_event_end_timestamp_seconds,omitempty"`
	ProposalCreationTimestampSeconds    uint64             `ic:"proposal_creation_timestamp_seconds" json:"proposal_creation_timestamp_seconds"`
	InitialVotingPeriodSeconds          uint64             `ic:"initial_voting_period_seconds" json:"initial_voting_period_seconds"`
	RejectCostE8s                       uint64             `ic:"reject_cost_e8s" json:"reject_cost_e8s"`
	LatestTally                         *Tally             `ic:"latest_tally,omitempty" json:"latest_tally,omitempty"`
	WaitForQuietDeadlineIncreaseSeconds uint64             `ic:"wait_for_quiet_deadline_increase_seconds" json:"wait_for_quiet_deadline_increase_seconds"`
	DecidedTimestampSeconds             uint64             `ic:"decided_timestamp_seconds" json:"decided_timestamp_seconds"`
	Proposal                            *Proposal          `ic:"proposal,omitempty" json:"proposal,omitempty"`
	Proposer                            *NeuronId          `ic:"proposer,omitempty" json:"proposer,omitempty"`
	WaitForQuietState                   *WaitForQuietState `ic:"wait_for_quiet_state,omitempty" json:"wait_for_quiet_state,omitempty"`
	MinimumYesProportionOfExercised     *Percentage        `ic:"minimum_yes_proportion_of_exercised,omitempty" json:"minimum_yes_proportion_of_exercised,omitempty"`
	IsEligibleForRewards                bool               `ic:"is_eligible_for_rewards" json:"is_eligible_for_rewards"`
	ExecutedTimestampSeconds            uint64             `ic:"executed_timestamp_seconds" json:"executed_timestamp_seconds"`
	Topic                               *Topic             `ic:"topic,omitempty" json:"topic,omitempty"`
}

// ListNeurons is the argument of list_neurons.
type ListNeurons struct {
	OfPrincipal *principal.Principal `ic:"of_principal,omitempty" json:"of_principal,omitempty"`
	Limit       uint32               `ic:"limit" json:"limit"`
	StartPageAt *NeuronId            `ic:"start_page_at,omitempty" json:"start_page_at,omitempty"`
}

// ListNeuronsResponse is the reply of list_neurons.
type ListNeuronsResponse struct {
	Neurons []Neuron `ic:"neurons" json:"neurons"`
}

// NeuronPermission is Candid NeuronPermission.
type NeuronPermission struct {
	Principal      *principal.Principal `ic:"principal,omitempty" json:"principal,omitempty"`
	PermissionType []int32              `ic:"permission_type" json:"permission_type"`
}

// NeuronPermissionList is Candid NeuronPermissionList.
type NeuronPermissionList struct {
	Permissions []int32 `ic:"permissions" json:"permissions"`
}

// DissolveState is the Candid variant DissolveState.
type DissolveState struct {
	DissolveDelaySeconds          *uint64 `ic:"DissolveDelaySeconds,variant" json:"DissolveDelaySeconds,omitempty"`
	WhenDissolvedTimestampSeconds *uint64 `ic:"WhenDissolvedTimestampSeconds,variant" json:"WhenDissolvedTimestampSeconds,omitempty"`
}

// Followees is Candid Followees (legacy following, per function id).
type Followees struct {
	Followees []NeuronId `ic:"followees" json:"followees"`
}

// FunctionFollowees is one element of Neuron.followees: record { nat64; Followees }.
type FunctionFollowees struct {
	FunctionId uint64    `ic:"0,tuple" json:"function_id"`
	Followees  Followees `ic:"1,tuple" json:"followees"`
}

// Followee is Candid Followee.
type Followee struct {
	NeuronId *NeuronId `ic:"neuron_id,omitempty" json:"neuron_id,omitempty"`
	Alias    *string   `ic:"alias,omitempty" json:"alias,omitempty"`
}

// FolloweesForTopic is Candid FolloweesForTopic.
type FolloweesForTopic struct {
	Followees []Followee `ic:"followees" json:"followees"`
	Topic     *Topic     `ic:"topic,omitempty" json:"topic,omitempty"`
}

// TopicFolloweesEntry is one element of topic_id_to_followees: record { int32; FolloweesForTopic }.
type TopicFolloweesEntry struct {
	TopicId   int32             `ic:"0,tuple" json:"topic_id"`
	Followees FolloweesForTopic `ic:"1,tuple" json:"followees"`
}

// TopicFollowees is the record of Neuron.topic_followees.
type TopicFollowees struct {
	TopicIdToFollowees []TopicFolloweesEntry `ic:"topic_id_to_followees" json:"topic_id_to_followees"`
}

// Neuron is Candid Neuron.
type Neuron struct {
	Id                              *NeuronId           `ic:"id,omitempty" json:"id,omitempty"`
	StakedMaturityE8sEquivalent     *uint64             `ic:"staked_maturity_e8s_equivalent,omitempty" json:"staked_maturity_e8s_equivalent,omitempty"`
	Permissions                     []NeuronPermission  `ic:"permissions" json:"permissions"`
	MaturityE8sEquivalent           uint64              `ic:"maturity_e8s_equivalent" json:"maturity_e8s_equivalent"`
	CachedNeuronStakeE8s            uint64              `ic:"cached_neuron_stake_e8s" json:"cached_neuron_stake_e8s"`
	CreatedTimestampSeconds         uint64              `ic:"created_timestamp_seconds" json:"created_timestamp_seconds"`
	SourceNnsNeuronId               *uint64             `ic:"source_nns_neuron_id,omitempty" json:"source_nns_neuron_id,omitempty"`
	AutoStakeMaturity               *bool               `ic:"auto_stake_maturity,omitempty" json:"auto_stake_maturity,omitempty"`
	AgingSinceTimestampSeconds      uint64              `ic:"aging_since_timestamp_seconds" json:"aging_since_timestamp_seconds"`
	DissolveState                   *DissolveState      `ic:"dissolve_state,omitempty" json:"dissolve_state,omitempty"`
	VotingPowerPercentageMultiplier uint64              `ic:"voting_power_percentage_multiplier" json:"voting_power_percentage_multiplier"`
	VestingPeriodSeconds            *uint64             `ic:"vesting_period_seconds,omitempty" json:"vesting_period_seconds,omitempty"`
	DisburseMaturityInProgress      []struct{}          `ic:"disburse_maturity_in_progress" json:"disburse_maturity_in_progress"`
	Followees                       []FunctionFollowees `ic:"followees" json:"followees"`
	TopicFollowees                  *TopicFollowees     `ic:"topic_followees,omitempty" json:"topic_followees,omitempty"`
	NeuronFeesE8s                   uint64              `ic:"neuron_fees_e8s" json:"neuron_fees_e8s"`
}

// Motion is Candid Motion.
type Motion struct {
	MotionText string `ic:"motion_text" json:"motion_text"`
}

// ExecuteGenericNervousSystemFunction is Candid ExecuteGenericNervousSystemFunction.
type ExecuteGenericNervousSystemFunction struct {
	FunctionId uint64 `ic:"function_id" json:"function_id"`
	Payload    []byte `ic:"payload" json:"payload"`
}

// Action is the Candid variant Action of a Proposal. Tags whose payload votebot never reads
// carry empty records; a tag newer than votebot reads as null under the opt that holds it.
type Action struct {
	ManageNervousSystemParameters       *NervousSystemParameters             `ic:"ManageNervousSystemParameters,variant" json:"ManageNervousSystemParameters,omitempty"`
	AddGenericNervousSystemFunction     *NervousSystemFunction               `ic:"AddGenericNervousSystemFunction,variant" json:"AddGenericNervousSystemFunction,omitempty"`
	SetTopicsForCustomProposals         *struct{}                            `ic:"SetTopicsForCustomProposals,variant" json:"SetTopicsForCustomProposals,omitempty"`
	ManageDappCanisterSettings          *struct{}                            `ic:"ManageDappCanisterSettings,variant" json:"ManageDappCanisterSettings,omitempty"`
	RemoveGenericNervousSystemFunction  *uint64                              `ic:"RemoveGenericNervousSystemFunction,variant" json:"RemoveGenericNervousSystemFunction,omitempty"`
	UpgradeSnsToNextVersion             *struct{}                            `ic:"UpgradeSnsToNextVersion,variant" json:"UpgradeSnsToNextVersion,omitempty"`
	AdvanceSnsTargetVersion             *struct{}                            `ic:"AdvanceSnsTargetVersion,variant" json:"AdvanceSnsTargetVersion,omitempty"`
	RegisterDappCanisters               *struct{}                            `ic:"RegisterDappCanisters,variant" json:"RegisterDappCanisters,omitempty"`
	RegisterExtension                   *struct{}                            `ic:"RegisterExtension,variant" json:"RegisterExtension,omitempty"`
	UpgradeExtension                    *struct{}                            `ic:"UpgradeExtension,variant" json:"UpgradeExtension,omitempty"`
	ExecuteExtensionOperation           *struct{}                            `ic:"ExecuteExtensionOperation,variant" json:"ExecuteExtensionOperation,omitempty"`
	TransferSnsTreasuryFunds            *struct{}                            `ic:"TransferSnsTreasuryFunds,variant" json:"TransferSnsTreasuryFunds,omitempty"`
	UpgradeSnsControlledCanister        *struct{}                            `ic:"UpgradeSnsControlledCanister,variant" json:"UpgradeSnsControlledCanister,omitempty"`
	DeregisterDappCanisters             *struct{}                            `ic:"DeregisterDappCanisters,variant" json:"DeregisterDappCanisters,omitempty"`
	MintSnsTokens                       *struct{}                            `ic:"MintSnsTokens,variant" json:"MintSnsTokens,omitempty"`
	Unspecified                         *struct{}                            `ic:"Unspecified,variant" json:"Unspecified,omitempty"`
	ManageSnsMetadata                   *struct{}                            `ic:"ManageSnsMetadata,variant" json:"ManageSnsMetadata,omitempty"`
	ExecuteGenericNervousSystemFunction *ExecuteGenericNervousSystemFunction `ic:"ExecuteGenericNervousSystemFunction,variant" json:"ExecuteGenericNervousSystemFunction,omitempty"`
	ManageLedgerParameters              *struct{}                            `ic:"ManageLedgerParameters,variant" json:"ManageLedgerParameters,omitempty"`
	Motion                              *Motion                              `ic:"Motion,variant" json:"Motion,omitempty"`
}
