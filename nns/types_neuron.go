package nns

import (
	"fmt"

	"github.com/aviate-labs/agent-go/principal"
)

// GovernanceError is Candid GovernanceError. It implements error.
type GovernanceError struct {
	ErrorMessage string `ic:"error_message" json:"error_message"`
	ErrorType    int32  `ic:"error_type" json:"error_type"`
}

// Error formats the error as the NNS dapp does: type, number and message.
func (e *GovernanceError) Error() string {
	return fmt.Sprintf("governance error %s (%d): %s", ErrorType(e.ErrorType), e.ErrorType, e.ErrorMessage)
}

// Type is the error's ErrorType.
func (e *GovernanceError) Type() ErrorType { return ErrorType(e.ErrorType) }

// NewGovernanceError builds a GovernanceError.
func NewGovernanceError(t ErrorType, format string, args ...any) *GovernanceError {
	return &GovernanceError{ErrorType: int32(t), ErrorMessage: fmt.Sprintf(format, args...)}
}

// NeuronInfo is Candid NeuronInfo, the public view of a neuron.
type NeuronInfo struct {
	Id                                   *NeuronId        `ic:"id,omitempty" json:"id,omitempty"`
	DissolveDelaySeconds                 uint64           `ic:"dissolve_delay_seconds" json:"dissolve_delay_seconds"`
	RecentBallots                        []BallotInfo     `ic:"recent_ballots" json:"recent_ballots"`
	NeuronType                           *int32           `ic:"neuron_type,omitempty" json:"neuron_type,omitempty"`
	CreatedTimestampSeconds              uint64           `ic:"created_timestamp_seconds" json:"created_timestamp_seconds"`
	State                                int32            `ic:"state" json:"state"`
	StakeE8s                             uint64           `ic:"stake_e8s" json:"stake_e8s"`
	JoinedCommunityFundTimestampSeconds  *uint64          `ic:"joined_community_fund_timestamp_seconds,omitempty" json:"joined_community_fund_timestamp_seconds,omitempty"`
	RetrievedAtTimestampSeconds          uint64           `ic:"retrieved_at_timestamp_seconds" json:"retrieved_at_timestamp_seconds"`
	Visibility                           *int32           `ic:"visibility,omitempty" json:"visibility,omitempty"`
	KnownNeuronData                      *KnownNeuronData `ic:"known_neuron_data,omitempty" json:"known_neuron_data,omitempty"`
	AgeSeconds                           uint64           `ic:"age_seconds" json:"age_seconds"`
	VotingPower                          uint64           `ic:"voting_power" json:"voting_power"`
	VotingPowerRefreshedTimestampSeconds *uint64          `ic:"voting_power_refreshed_timestamp_seconds,omitempty" json:"voting_power_refreshed_timestamp_seconds,omitempty"`
	DecidingVotingPower                  *uint64          `ic:"deciding_voting_power,omitempty" json:"deciding_voting_power,omitempty"`
	PotentialVotingPower                 *uint64          `ic:"potential_voting_power,omitempty" json:"potential_voting_power,omitempty"`
	EightYearGangBonusBaseE8s            *uint64          `ic:"eight_year_gang_bonus_base_e8s,omitempty" json:"eight_year_gang_bonus_base_e8s,omitempty"`
	StakedMaturityE8sEquivalent          *uint64          `ic:"staked_maturity_e8s_equivalent,omitempty" json:"staked_maturity_e8s_equivalent,omitempty"`
}

// FolloweesEntry is one element of Neuron.followees, the Candid tuple
// record { int32; Followees } keyed by topic.
type FolloweesEntry struct {
	Topic     int32     `ic:"0,tuple" json:"topic"`
	Followees Followees `ic:"1,tuple" json:"followees"`
}

// Neuron is Candid Neuron, the full view of a neuron (controller or hotkey).
type Neuron struct {
	Id                                   *NeuronId               `ic:"id,omitempty" json:"id,omitempty"`
	StakedMaturityE8sEquivalent          *uint64                 `ic:"staked_maturity_e8s_equivalent,omitempty" json:"staked_maturity_e8s_equivalent,omitempty"`
	Controller                           *principal.Principal    `ic:"controller,omitempty" json:"controller,omitempty"`
	RecentBallots                        []BallotInfo            `ic:"recent_ballots" json:"recent_ballots"`
	KycVerified                          bool                    `ic:"kyc_verified" json:"kyc_verified"`
	NeuronType                           *int32                  `ic:"neuron_type,omitempty" json:"neuron_type,omitempty"`
	NotForProfit                         bool                    `ic:"not_for_profit" json:"not_for_profit"`
	MaturityE8sEquivalent                uint64                  `ic:"maturity_e8s_equivalent" json:"maturity_e8s_equivalent"`
	CachedNeuronStakeE8s                 uint64                  `ic:"cached_neuron_stake_e8s" json:"cached_neuron_stake_e8s"`
	CreatedTimestampSeconds              uint64                  `ic:"created_timestamp_seconds" json:"created_timestamp_seconds"`
	AutoStakeMaturity                    *bool                   `ic:"auto_stake_maturity,omitempty" json:"auto_stake_maturity,omitempty"`
	AgingSinceTimestampSeconds           uint64                  `ic:"aging_since_timestamp_seconds" json:"aging_since_timestamp_seconds"`
	HotKeys                              []principal.Principal   `ic:"hot_keys" json:"hot_keys"`
	Account                              []byte                  `ic:"account" json:"account"`
	JoinedCommunityFundTimestampSeconds  *uint64                 `ic:"joined_community_fund_timestamp_seconds,omitempty" json:"joined_community_fund_timestamp_seconds,omitempty"`
	DissolveState                        *DissolveState          `ic:"dissolve_state,omitempty" json:"dissolve_state,omitempty"`
	Followees                            []FolloweesEntry        `ic:"followees" json:"followees"`
	NeuronFeesE8s                        uint64                  `ic:"neuron_fees_e8s" json:"neuron_fees_e8s"`
	Visibility                           *int32                  `ic:"visibility,omitempty" json:"visibility,omitempty"`
	Transfer                             *NeuronStakeTransfer    `ic:"transfer,omitempty" json:"transfer,omitempty"`
	KnownNeuronData                      *KnownNeuronData        `ic:"known_neuron_data,omitempty" json:"known_neuron_data,omitempty"`
	SpawnAtTimestampSeconds              *uint64                 `ic:"spawn_at_timestamp_seconds,omitempty" json:"spawn_at_timestamp_seconds,omitempty"`
	VotingPowerRefreshedTimestampSeconds *uint64                 `ic:"voting_power_refreshed_timestamp_seconds,omitempty" json:"voting_power_refreshed_timestamp_seconds,omitempty"`
	DecidingVotingPower                  *uint64                 `ic:"deciding_voting_power,omitempty" json:"deciding_voting_power,omitempty"`
	PotentialVotingPower                 *uint64                 `ic:"potential_voting_power,omitempty" json:"potential_voting_power,omitempty"`
	EightYearGangBonusBaseE8s            *uint64                 `ic:"eight_year_gang_bonus_base_e8s,omitempty" json:"eight_year_gang_bonus_base_e8s,omitempty"`
	MaturityDisbursementsInProgress      *[]MaturityDisbursement `ic:"maturity_disbursements_in_progress,omitempty" json:"maturity_disbursements_in_progress,omitempty"`
}

// MaturityDisbursement is not read by votebot; its fields are skipped.
type MaturityDisbursement struct{}

// NeuronStakeTransfer is Candid NeuronStakeTransfer.
type NeuronStakeTransfer struct {
	ToSubaccount      []byte               `ic:"to_subaccount" json:"to_subaccount"`
	NeuronStakeE8s    uint64               `ic:"neuron_stake_e8s" json:"neuron_stake_e8s"`
	From              *principal.Principal `ic:"from,omitempty" json:"from,omitempty"`
	Memo              uint64               `ic:"memo" json:"memo"`
	FromSubaccount    []byte               `ic:"from_subaccount" json:"from_subaccount"`
	TransferTimestamp uint64               `ic:"transfer_timestamp" json:"transfer_timestamp"`
	BlockHeight       uint64               `ic:"block_height" json:"block_height"`
}

// Followees is Candid Followees.
type Followees struct {
	Followees []NeuronId `ic:"followees" json:"followees"`
}

// DissolveState is the Candid variant DissolveState.
type DissolveState struct {
	DissolveDelaySeconds          *uint64 `ic:"DissolveDelaySeconds,variant" json:"DissolveDelaySeconds,omitempty"`
	WhenDissolvedTimestampSeconds *uint64 `ic:"WhenDissolvedTimestampSeconds,variant" json:"WhenDissolvedTimestampSeconds,omitempty"`
}

// NeuronSubaccount is Candid NeuronSubaccount.
type NeuronSubaccount struct {
	Subaccount []byte `ic:"subaccount" json:"subaccount"`
}

// ListNeurons is the argument of list_neurons.
type ListNeurons struct {
	NeuronIds                           []uint64            `ic:"neuron_ids" json:"neuron_ids"`
	IncludeNeuronsReadableByCaller      bool                `ic:"include_neurons_readable_by_caller" json:"include_neurons_readable_by_caller"`
	IncludeEmptyNeuronsReadableByCaller *bool               `ic:"include_empty_neurons_readable_by_caller,omitempty" json:"include_empty_neurons_readable_by_caller,omitempty"`
	IncludePublicNeuronsInFullNeurons   *bool               `ic:"include_public_neurons_in_full_neurons,omitempty" json:"include_public_neurons_in_full_neurons,omitempty"`
	PageNumber                          *uint64             `ic:"page_number,omitempty" json:"page_number,omitempty"`
	PageSize                            *uint64             `ic:"page_size,omitempty" json:"page_size,omitempty"`
	NeuronSubaccounts                   *[]NeuronSubaccount `ic:"neuron_subaccounts,omitempty" json:"neuron_subaccounts,omitempty"`
}

// NeuronInfoEntry is one element of ListNeuronsResponse.neuron_infos, the
// Candid tuple record { nat64; NeuronInfo }.
type NeuronInfoEntry struct {
	NeuronId uint64     `ic:"0,tuple" json:"neuron_id"`
	Info     NeuronInfo `ic:"1,tuple" json:"info"`
}

// ListNeuronsResponse is the reply of list_neurons.
type ListNeuronsResponse struct {
	NeuronInfos         []NeuronInfoEntry `ic:"neuron_infos" json:"neuron_infos"`
	FullNeurons         []Neuron          `ic:"full_neurons" json:"full_neurons"`
	TotalPagesAvailable *uint64           `ic:"total_pages_available,omitempty" json:"total_pages_available,omitempty"`
}

// KnownNeuron is Candid KnownNeuron.
type KnownNeuron struct {
	Id              *NeuronId        `ic:"id,omitempty" json:"id,omitempty"`
	KnownNeuronData *KnownNeuronData `ic:"known_neuron_data,omitempty" json:"known_neuron_data,omitempty"`
}

// KnownNeuronData is Candid KnownNeuronData.
type KnownNeuronData struct {
	Name            string            `ic:"name" json:"name"`
	Description     *string           `ic:"description,omitempty" json:"description,omitempty"`
	Links           *[]string         `ic:"links,omitempty" json:"links,omitempty"`
	CommittedTopics *[]*TopicToFollow `ic:"committed_topics,omitempty" json:"committed_topics,omitempty"`
}

// ListKnownNeuronsResponse is the reply of list_known_neurons.
type ListKnownNeuronsResponse struct {
	KnownNeurons []KnownNeuron `ic:"known_neurons" json:"known_neurons"`
}

// NeuronInfoResult is the reply of get_neuron_info (upstream Result_5).
type NeuronInfoResult struct {
	Ok  *NeuronInfo      `ic:"Ok,variant" json:"Ok,omitempty"`
	Err *GovernanceError `ic:"Err,variant" json:"Err,omitempty"`
}

// FullNeuronResult is the reply of get_full_neuron (upstream Result_2).
type FullNeuronResult struct {
	Ok  *Neuron          `ic:"Ok,variant" json:"Ok,omitempty"`
	Err *GovernanceError `ic:"Err,variant" json:"Err,omitempty"`
}
