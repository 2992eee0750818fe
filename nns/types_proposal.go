package nns

import (
	"github.com/aviate-labs/agent-go/principal"
)

// The Go types in this package mirror the records and variants of the NNS
// governance canister's governance.did. Candid field names are given by
// `ic` tags; an opt is a pointer with ",omitempty"; a variant is a struct of
// pointer fields tagged ",variant", exactly one of which is set. Decoding
// skips record fields these types do not declare, so the live canister may
// add fields. Records whose contents votebot never reads are declared as
// empty structs: decoding skips all of their fields.

// ProposalId is Candid ProposalId.
type ProposalId struct {
	Id uint64 `ic:"id" json:"id"`
}

// NeuronId is Candid NeuronId.
type NeuronId struct {
	Id uint64 `ic:"id" json:"id"`
}

// ListProposalInfoRequest is the argument of list_proposals (upstream
// ListProposalInfo).
type ListProposalInfoRequest struct {
	IncludeRewardStatus             []int32     `ic:"include_reward_status" json:"include_reward_status"`
	OmitLargeFields                 *bool       `ic:"omit_large_fields,omitempty" json:"omit_large_fields,omitempty"`
	BeforeProposal                  *ProposalId `ic:"before_proposal,omitempty" json:"before_proposal,omitempty"`
	Limit                           uint32      `ic:"limit" json:"limit"`
	ExcludeTopic                    []int32     `ic:"exclude_topic" json:"exclude_topic"`
	IncludeAllManageNeuronProposals *bool       `ic:"include_all_manage_neuron_proposals,omitempty" json:"include_all_manage_neuron_proposals,omitempty"`
	IncludeStatus                   []int32     `ic:"include_status" json:"include_status"`
	ReturnSelfDescribingAction      *bool       `ic:"return_self_describing_action,omitempty" json:"return_self_describing_action,omitempty"`
}

// ListProposalInfoResponse is the reply of list_proposals.
type ListProposalInfoResponse struct {
	ProposalInfo []ProposalInfo `ic:"proposal_info" json:"proposal_info"`
}

// GetPendingProposalsRequest is the optional argument of get_pending_proposals.
type GetPendingProposalsRequest struct {
	ReturnSelfDescribingAction *bool `ic:"return_self_describing_action,omitempty" json:"return_self_describing_action,omitempty"`
}

// BallotEntry is one element of ProposalInfo.ballots, the Candid tuple
// record { nat64; Ballot } keyed by neuron id.
type BallotEntry struct {
	NeuronId uint64 `ic:"0,tuple" json:"neuron_id"`
	Ballot   Ballot `ic:"1,tuple" json:"ballot"`
}

// ProposalInfo is Candid ProposalInfo.
type ProposalInfo struct {
	Id                         *ProposalId                       `ic:"id,omitempty" json:"id,omitempty"`
	Status                     int32                             `ic:"status" json:"status"`
	Topic                      int32                             `ic:"topic" json:"topic"`
	FailureReason              *GovernanceError                  `ic:"failure_reason,omitempty" json:"failure_reason,omitempty"`
	Ballots                    []BallotEntry                     `ic:"ballots" json:"ballots"`
	ProposalTimestampSeconds   uint64                            `ic:"proposal_timestamp_seconds" json:"proposal_timestamp_seconds"`
	RewardEventRound           uint64                            `ic:"reward_event_round" json:"reward_event_round"`
	DeadlineTimestampSeconds   *uint64                           `ic:"deadline_timestamp_seconds,omitempty" json:"deadline_timestamp_seconds,omitempty"`
	FailedTimestampSeconds     uint64                            `ic:"failed_timestamp_seconds" json:"failed_timestamp_seconds"`
	RejectCostE8s              uint64                            `ic:"reject_cost_e8s" json:"reject_cost_e8s"`
	DerivedProposalInformation *DerivedProposalInformation       `ic:"derived_proposal_information,omitempty" json:"derived_proposal_information,omitempty"`
	LatestTally                *Tally                            `ic:"latest_tally,omitempty" json:"latest_tally,omitempty"`
	RewardStatus               int32                             `ic:"reward_status" json:"reward_status"`
	DecidedTimestampSeconds    uint64                            `ic:"decided_timestamp_seconds" json:"decided_timestamp_seconds"`
	Proposal                   *Proposal                         `ic:"proposal,omitempty" json:"proposal,omitempty"`
	Proposer                   *NeuronId                         `ic:"proposer,omitempty" json:"proposer,omitempty"`
	ExecutedTimestampSeconds   uint64                            `ic:"executed_timestamp_seconds" json:"executed_timestamp_seconds"`
	TotalPotentialVotingPower  *uint64                           `ic:"total_potential_voting_power,omitempty" json:"total_potential_voting_power,omitempty"`
	SuccessValue               *SuccessfulProposalExecutionValue `ic:"success_value,omitempty" json:"success_value,omitempty"`
}

// DerivedProposalInformation is only set for SNS proposals; votebot does not
// read it, so its fields are skipped when decoding.
type DerivedProposalInformation struct{}

// SuccessfulProposalExecutionValue is Candid SuccessfulProposalExecutionValue.
type SuccessfulProposalExecutionValue struct {
	CreateCanisterAndInstallCode *CreateCanisterAndInstallCodeOk `ic:"CreateCanisterAndInstallCode,variant" json:"CreateCanisterAndInstallCode,omitempty"`
	TakeCanisterSnapshot         *TakeCanisterSnapshotOk         `ic:"TakeCanisterSnapshot,variant" json:"TakeCanisterSnapshot,omitempty"`
	Batch                        *BatchOk                        `ic:"Batch,variant" json:"Batch,omitempty"`
}

// BatchOk is the success value of a Batch proposal (newest public source,
// behind a flag); votebot does not read it [inf: any record decodes].
type BatchOk struct{}

// TakeCanisterSnapshotOk is the success value of a TakeCanisterSnapshot
// proposal; votebot does not read it.
type TakeCanisterSnapshotOk struct{}

// CreateCanisterAndInstallCodeOk is the success value of a
// CreateCanisterAndInstallCode proposal.
type CreateCanisterAndInstallCodeOk struct {
	CanisterId *principal.Principal `ic:"canister_id,omitempty" json:"canister_id,omitempty"`
}

// Proposal is Candid Proposal.
type Proposal struct {
	Url                  string                        `ic:"url" json:"url"`
	Title                *string                       `ic:"title,omitempty" json:"title,omitempty"`
	Action               *Action                       `ic:"action,omitempty" json:"action,omitempty"`
	Summary              string                        `ic:"summary" json:"summary"`
	SelfDescribingAction *SelfDescribingProposalAction `ic:"self_describing_action,omitempty" json:"self_describing_action,omitempty"`
}

// SelfDescribingProposalAction is only returned when a request sets
// return_self_describing_action; votebot never does, so its fields are
// skipped when decoding.
type SelfDescribingProposalAction struct{}

// Ballot is Candid Ballot.
type Ballot struct {
	Vote        int32  `ic:"vote" json:"vote"`
	VotingPower uint64 `ic:"voting_power" json:"voting_power"`
}

// MaxRecentBallots is how many entries a neuron's recent_ballots keeps: the
// newest, Yes or No only. A list shorter than this holds every vote the
// neuron cast on a topic it records (all but ExchangeRate).
const MaxRecentBallots = 100

// BallotInfo is Candid BallotInfo (an entry of recent_ballots).
type BallotInfo struct {
	Vote       int32       `ic:"vote" json:"vote"`
	ProposalId *ProposalId `ic:"proposal_id,omitempty" json:"proposal_id,omitempty"`
}

// Tally is Candid Tally.
type Tally struct {
	No               uint64 `ic:"no" json:"no"`
	Yes              uint64 `ic:"yes" json:"yes"`
	Total            uint64 `ic:"total" json:"total"`
	TimestampSeconds uint64 `ic:"timestamp_seconds" json:"timestamp_seconds"`
}

// RewardEvent is Candid RewardEvent.
type RewardEvent struct {
	RoundsSinceLastDistribution       *uint64      `ic:"rounds_since_last_distribution,omitempty" json:"rounds_since_last_distribution,omitempty"`
	DayAfterGenesis                   uint64       `ic:"day_after_genesis" json:"day_after_genesis"`
	ActualTimestampSeconds            uint64       `ic:"actual_timestamp_seconds" json:"actual_timestamp_seconds"`
	TotalAvailableE8sEquivalent       uint64       `ic:"total_available_e8s_equivalent" json:"total_available_e8s_equivalent"`
	LatestRoundAvailableE8sEquivalent *uint64      `ic:"latest_round_available_e8s_equivalent,omitempty" json:"latest_round_available_e8s_equivalent,omitempty"`
	DistributedE8sEquivalent          uint64       `ic:"distributed_e8s_equivalent" json:"distributed_e8s_equivalent"`
	SettledProposals                  []ProposalId `ic:"settled_proposals" json:"settled_proposals"`
}

// NetworkEconomics is Candid NetworkEconomics.
type NetworkEconomics struct {
	NeuronMinimumStakeE8s             uint64                `ic:"neuron_minimum_stake_e8s" json:"neuron_minimum_stake_e8s"`
	MaxProposalsToKeepPerTopic        uint32                `ic:"max_proposals_to_keep_per_topic" json:"max_proposals_to_keep_per_topic"`
	NeuronManagementFeePerProposalE8s uint64                `ic:"neuron_management_fee_per_proposal_e8s" json:"neuron_management_fee_per_proposal_e8s"`
	RejectCostE8s                     uint64                `ic:"reject_cost_e8s" json:"reject_cost_e8s"`
	TransactionFeeE8s                 uint64                `ic:"transaction_fee_e8s" json:"transaction_fee_e8s"`
	NeuronSpawnDissolveDelaySeconds   uint64                `ic:"neuron_spawn_dissolve_delay_seconds" json:"neuron_spawn_dissolve_delay_seconds"`
	MinimumIcpXdrRate                 uint64                `ic:"minimum_icp_xdr_rate" json:"minimum_icp_xdr_rate"`
	MaximumNodeProviderRewardsE8s     uint64                `ic:"maximum_node_provider_rewards_e8s" json:"maximum_node_provider_rewards_e8s"`
	NeuronsFundEconomics              *NeuronsFundEconomics `ic:"neurons_fund_economics,omitempty" json:"neurons_fund_economics,omitempty"`
	VotingPowerEconomics              *VotingPowerEconomics `ic:"voting_power_economics,omitempty" json:"voting_power_economics,omitempty"`
}

// NeuronsFundEconomics is not read by votebot; its fields are skipped.
type NeuronsFundEconomics struct{}

// VotingPowerEconomics is Candid VotingPowerEconomics.
type VotingPowerEconomics struct {
	StartReducingVotingPowerAfterSeconds    *uint64 `ic:"start_reducing_voting_power_after_seconds,omitempty" json:"start_reducing_voting_power_after_seconds,omitempty"`
	ClearFollowingAfterSeconds              *uint64 `ic:"clear_following_after_seconds,omitempty" json:"clear_following_after_seconds,omitempty"`
	NeuronMinimumDissolveDelayToVoteSeconds *uint64 `ic:"neuron_minimum_dissolve_delay_to_vote_seconds,omitempty" json:"neuron_minimum_dissolve_delay_to_vote_seconds,omitempty"`
}
