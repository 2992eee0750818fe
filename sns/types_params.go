package sns

import "github.com/aviate-labs/agent-go/principal"

// VotingRewardsParameters is Candid VotingRewardsParameters.
type VotingRewardsParameters struct {
	FinalRewardRateBasisPoints          *uint64 `ic:"final_reward_rate_basis_points,omitempty" json:"final_reward_rate_basis_points,omitempty"`
	InitialRewardRateBasisPoints        *uint64 `ic:"initial_reward_rate_basis_points,omitempty" json:"initial_reward_rate_basis_points,omitempty"`
	RewardRateTransitionDurationSeconds *uint64 `ic:"reward_rate_transition_duration_seconds,omitempty" json:"reward_rate_transition_duration_seconds,omitempty"`
	RoundDurationSeconds                *uint64 `ic:"round_duration_seconds,omitempty" json:"round_duration_seconds,omitempty"`
}

// NervousSystemParameters is Candid NervousSystemParameters, the reply of
// get_nervous_system_parameters.
type NervousSystemParameters struct {
	DefaultFollowees                        *struct{}                `ic:"default_followees,omitempty" json:"default_followees,omitempty"`
	MaxDissolveDelaySeconds                 *uint64                  `ic:"max_dissolve_delay_seconds,omitempty" json:"max_dissolve_delay_seconds,omitempty"`
	MaxDissolveDelayBonusPercentage         *uint64                  `ic:"max_dissolve_delay_bonus_percentage,omitempty" json:"max_dissolve_delay_bonus_percentage,omitempty"`
	MaxFolloweesPerFunction                 *uint64                  `ic:"max_followees_per_function,omitempty" json:"max_followees_per_function,omitempty"`
	NeuronClaimerPermissions                *NeuronPermissionList    `ic:"neuron_claimer_permissions,omitempty" json:"neuron_claimer_permissions,omitempty"`
	NeuronMinimumStakeE8s                   *uint64                  `ic:"neuron_minimum_stake_e8s,omitempty" json:"neuron_minimum_stake_e8s,omitempty"`
	MaxNeuronAgeForAgeBonus                 *uint64                  `ic:"max_neuron_age_for_age_bonus,omitempty" json:"max_neuron_age_for_age_bonus,omitempty"`
	InitialVotingPeriodSeconds              *uint64                  `ic:"initial_voting_period_seconds,omitempty" json:"initial_voting_period_seconds,omitempty"`
	NeuronMinimumDissolveDelayToVoteSeconds *uint64                  `ic:"neuron_minimum_dissolve_delay_to_vote_seconds,omitempty" json:"neuron_minimum_dissolve_delay_to_vote_seconds,omitempty"`
	RejectCostE8s                           *uint64                  `ic:"reject_cost_e8s,omitempty" json:"reject_cost_e8s,omitempty"`
	MaxProposalsToKeepPerAction             *uint32                  `ic:"max_proposals_to_keep_per_action,omitempty" json:"max_proposals_to_keep_per_action,omitempty"`
	WaitForQuietDeadlineIncreaseSeconds     *uint64                  `ic:"wait_for_quiet_deadline_increase_seconds,omitempty" json:"wait_for_quiet_deadline_increase_seconds,omitempty"`
	MaxNumberOfNeurons                      *uint64                  `ic:"max_number_of_neurons,omitempty" json:"max_number_of_neurons,omitempty"`
	TransactionFeeE8s                       *uint64                  `ic:"transaction_fee_e8s,omitempty" json:"transaction_fee_e8s,omitempty"`
	MaxNumberOfProposalsWithBallots         *uint64                  `ic:"max_number_of_proposals_with_ballots,omitempty" json:"max_number_of_proposals_with_ballots,omitempty"`
	MaxAgeBonusPercentage                   *uint64                  `ic:"max_age_bonus_percentage,omitempty" json:"max_age_bonus_percentage,omitempty"`
	NeuronGrantablePermissions              *NeuronPermissionList    `ic:"neuron_grantable_permissions,omitempty" json:"neuron_grantable_permissions,omitempty"`
	VotingRewardsParameters                 *VotingRewardsParameters `ic:"voting_rewards_parameters,omitempty" json:"voting_rewards_parameters,omitempty"`
	MaturityModulationDisabled              *bool                    `ic:"maturity_modulation_disabled,omitempty" json:"maturity_modulation_disabled,omitempty"`
	MaxNumberOfPrincipalsPerNeuron          *uint64                  `ic:"max_number_of_principals_per_neuron,omitempty" json:"max_number_of_principals_per_neuron,omitempty"`
	AutomaticallyAdvanceTargetVersion       *bool                    `ic:"automatically_advance_target_version,omitempty" json:"automatically_advance_target_version,omitempty"`
	CustomProposalCriticality               *struct{}                `ic:"custom_proposal_criticality,omitempty" json:"custom_proposal_criticality,omitempty"`
}

// GenericNervousSystemFunction is Candid GenericNervousSystemFunction.
type GenericNervousSystemFunction struct {
	ValidatorCanisterId *principal.Principal `ic:"validator_canister_id,omitempty" json:"validator_canister_id,omitempty"`
	TargetCanisterId    *principal.Principal `ic:"target_canister_id,omitempty" json:"target_canister_id,omitempty"`
	ValidatorMethodName *string              `ic:"validator_method_name,omitempty" json:"validator_method_name,omitempty"`
	TargetMethodName    *string              `ic:"target_method_name,omitempty" json:"target_method_name,omitempty"`
	Topic               *Topic               `ic:"topic,omitempty" json:"topic,omitempty"`
}

// FunctionType is the Candid variant FunctionType.
type FunctionType struct {
	NativeNervousSystemFunction  *struct{}                     `ic:"NativeNervousSystemFunction,variant" json:"NativeNervousSystemFunction,omitempty"`
	GenericNervousSystemFunction *GenericNervousSystemFunction `ic:"GenericNervousSystemFunction,variant" json:"GenericNervousSystemFunction,omitempty"`
}

// NervousSystemFunction is Candid NervousSystemFunction: a proposal type, native or custom.
type NervousSystemFunction struct {
	Id           uint64        `ic:"id" json:"id"`
	Name         string        `ic:"name" json:"name"`
	Description  *string       `ic:"description,omitempty" json:"description,omitempty"`
	FunctionType *FunctionType `ic:"function_type,omitempty" json:"function_type,omitempty"`
}

// ListNervousSystemFunctionsResponse is the reply of list_nervous_system_functions.
type ListNervousSystemFunctionsResponse struct {
	ReservedIds []uint64                `ic:"reserved_ids" json:"reserved_ids"`
	Functions   []NervousSystemFunction `ic:"functions" json:"functions"`
}

// TopicInfo is Candid TopicInfo.
type TopicInfo struct {
	Topic               *Topic                   `ic:"topic,omitempty" json:"topic,omitempty"`
	Name                *string                  `ic:"name,omitempty" json:"name,omitempty"`
	Description         *string                  `ic:"description,omitempty" json:"description,omitempty"`
	NativeFunctions     *[]NervousSystemFunction `ic:"native_functions,omitempty" json:"native_functions,omitempty"`
	CustomFunctions     *[]NervousSystemFunction `ic:"custom_functions,omitempty" json:"custom_functions,omitempty"`
	ExtensionOperations *[]struct{}              `ic:"extension_operations,omitempty" json:"extension_operations,omitempty"`
	IsCritical          *bool                    `ic:"is_critical,omitempty" json:"is_critical,omitempty"`
}

// ListTopicsResponse is the reply of list_topics.
type ListTopicsResponse struct {
	Topics                 *[]TopicInfo             `ic:"topics,omitempty" json:"topics,omitempty"`
	UncategorizedFunctions *[]NervousSystemFunction `ic:"uncategorized_functions,omitempty" json:"uncategorized_functions,omitempty"`
}

// RewardEvent is Candid RewardEvent, the reply of get_latest_reward_event.
type RewardEvent struct {
	RoundsSinceLastDistribution *uint64      `ic:"rounds_since_last_distribution,omitempty" json:"rounds_since_last_distribution,omitempty"`
	ActualTimestampSeconds      uint64       `ic:"actual_timestamp_seconds" json:"actual_timestamp_seconds"`
	EndTimestampSeconds         *uint64      `ic:"end_timestamp_seconds,omitempty" json:"end_timestamp_seconds,omitempty"`
	TotalAvailableE8sEquivalent *uint64      `ic:"total_available_e8s_equivalent,omitempty" json:"total_available_e8s_equivalent,omitempty"`
	DistributedE8sEquivalent    uint64       `ic:"distributed_e8s_equivalent" json:"distributed_e8s_equivalent"`
	Round                       uint64       `ic:"round" json:"round"`
	SettledProposals            []ProposalId `ic:"settled_proposals" json:"settled_proposals"`
}

// GetMetadataResponse is the reply of get_metadata.
type GetMetadataResponse struct {
	Url         *string `ic:"url,omitempty" json:"url,omitempty"`
	Logo        *string `ic:"logo,omitempty" json:"logo,omitempty"`
	Name        *string `ic:"name,omitempty" json:"name,omitempty"`
	Description *string `ic:"description,omitempty" json:"description,omitempty"`
}
