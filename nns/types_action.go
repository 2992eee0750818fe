package nns

import (
	"reflect"

	"github.com/aviate-labs/agent-go/candid/idl"
	"github.com/aviate-labs/agent-go/principal"
)

// Action is the Candid variant Action of a Proposal. Every tag the canister
// defines is listed; the payloads votebot does not read are empty structs.
// A tag added upstream after this build does not fail the reply: the agent's
// decoder applies the Candid opt rule to Proposal.action (an opt Action) and
// leaves an Action with no case set whose UnknownTag reports the tag.
type Action struct {
	RegisterKnownNeuron            *KnownNeuron                    `ic:"RegisterKnownNeuron,variant" json:"RegisterKnownNeuron,omitempty"`
	DeregisterKnownNeuron          *DeregisterKnownNeuron          `ic:"DeregisterKnownNeuron,variant" json:"DeregisterKnownNeuron,omitempty"`
	ManageNeuron                   *ManageNeuron                   `ic:"ManageNeuron,variant" json:"ManageNeuron,omitempty"`
	UpdateCanisterSettings         *UpdateCanisterSettings         `ic:"UpdateCanisterSettings,variant" json:"UpdateCanisterSettings,omitempty"`
	InstallCode                    *InstallCode                    `ic:"InstallCode,variant" json:"InstallCode,omitempty"`
	StopOrStartCanister            *StopOrStartCanister            `ic:"StopOrStartCanister,variant" json:"StopOrStartCanister,omitempty"`
	CreateServiceNervousSystem     *CreateServiceNervousSystem     `ic:"CreateServiceNervousSystem,variant" json:"CreateServiceNervousSystem,omitempty"`
	ExecuteNnsFunction             *ExecuteNnsFunction             `ic:"ExecuteNnsFunction,variant" json:"ExecuteNnsFunction,omitempty"`
	RewardNodeProvider             *RewardNodeProvider             `ic:"RewardNodeProvider,variant" json:"RewardNodeProvider,omitempty"`
	OpenSnsTokenSwap               *OpenSnsTokenSwap               `ic:"OpenSnsTokenSwap,variant" json:"OpenSnsTokenSwap,omitempty"`
	SetSnsTokenSwapOpenTimeWindow  *SetSnsTokenSwapOpenTimeWindow  `ic:"SetSnsTokenSwapOpenTimeWindow,variant" json:"SetSnsTokenSwapOpenTimeWindow,omitempty"`
	SetDefaultFollowees            *SetDefaultFollowees            `ic:"SetDefaultFollowees,variant" json:"SetDefaultFollowees,omitempty"`
	RewardNodeProviders            *RewardNodeProviders            `ic:"RewardNodeProviders,variant" json:"RewardNodeProviders,omitempty"`
	ManageNetworkEconomics         *NetworkEconomics               `ic:"ManageNetworkEconomics,variant" json:"ManageNetworkEconomics,omitempty"`
	ApproveGenesisKyc              *Principals                     `ic:"ApproveGenesisKyc,variant" json:"ApproveGenesisKyc,omitempty"`
	AddOrRemoveNodeProvider        *AddOrRemoveNodeProvider        `ic:"AddOrRemoveNodeProvider,variant" json:"AddOrRemoveNodeProvider,omitempty"`
	Motion                         *Motion                         `ic:"Motion,variant" json:"Motion,omitempty"`
	FulfillSubnetRentalRequest     *FulfillSubnetRentalRequest     `ic:"FulfillSubnetRentalRequest,variant" json:"FulfillSubnetRentalRequest,omitempty"`
	BlessAlternativeGuestOsVersion *BlessAlternativeGuestOsVersion `ic:"BlessAlternativeGuestOsVersion,variant" json:"BlessAlternativeGuestOsVersion,omitempty"`
	TakeCanisterSnapshot           *TakeCanisterSnapshot           `ic:"TakeCanisterSnapshot,variant" json:"TakeCanisterSnapshot,omitempty"`
	LoadCanisterSnapshot           *LoadCanisterSnapshot           `ic:"LoadCanisterSnapshot,variant" json:"LoadCanisterSnapshot,omitempty"`
	CreateCanisterAndInstallCode   *CreateCanisterAndInstallCode   `ic:"CreateCanisterAndInstallCode,variant" json:"CreateCanisterAndInstallCode,omitempty"`
	Batch                          *Batch                          `ic:"Batch,variant" json:"Batch,omitempty"`

	// unknown and unknownTag are set by the decoder (SetUnknownTag) for a
	// tag votebot does not know. Unexported, so Candid encoding and JSON
	// ignore them; not pointers, so code that looks for the set pointer
	// field (the case) by reflection does not take them for one.
	unknown    bool
	unknownTag string
}

// ActionUnknown is the Kind of an Action whose tag votebot does not know.
const ActionUnknown = "Unknown"

// SetUnknownTag marks a as an action votebot could not decode: tag is the
// wire's variant tag (its name when known, "#<hash>" otherwise, "" when the
// tag was known but its payload did not fit). The agent's decoder calls it.
func (a *Action) SetUnknownTag(tag string) { *a = Action{unknown: true, unknownTag: tag} }

// UnknownTag reports whether a is an action votebot could not decode, and
// its tag (see SetUnknownTag).
func (a *Action) UnknownTag() (tag string, unknown bool) {
	if a == nil || !a.unknown {
		return "", false
	}
	return a.unknownTag, true
}

// Kind is the name of the case that is set (e.g. "Motion"), ActionUnknown
// for an action votebot could not decode, "" for none (a nil Action too).
func (a *Action) Kind() string {
	if a == nil {
		return ""
	}
	if a.unknown {
		return ActionUnknown
	}
	v := reflect.ValueOf(a).Elem()
	for i := range v.NumField() {
		if f := v.Field(i); f.Kind() == reflect.Pointer && !f.IsNil() {
			return v.Type().Field(i).Name
		}
	}
	return ""
}

// ProposalActionRequest is the Candid variant ProposalActionRequest, the
// action of MakeProposalRequest.
type ProposalActionRequest struct {
	RegisterKnownNeuron            *KnownNeuron                    `ic:"RegisterKnownNeuron,variant" json:"RegisterKnownNeuron,omitempty"`
	DeregisterKnownNeuron          *DeregisterKnownNeuron          `ic:"DeregisterKnownNeuron,variant" json:"DeregisterKnownNeuron,omitempty"`
	ManageNeuron                   *ManageNeuronRequest            `ic:"ManageNeuron,variant" json:"ManageNeuron,omitempty"`
	UpdateCanisterSettings         *UpdateCanisterSettings         `ic:"UpdateCanisterSettings,variant" json:"UpdateCanisterSettings,omitempty"`
	InstallCode                    *InstallCodeRequest             `ic:"InstallCode,variant" json:"InstallCode,omitempty"`
	StopOrStartCanister            *StopOrStartCanister            `ic:"StopOrStartCanister,variant" json:"StopOrStartCanister,omitempty"`
	CreateServiceNervousSystem     *CreateServiceNervousSystem     `ic:"CreateServiceNervousSystem,variant" json:"CreateServiceNervousSystem,omitempty"`
	ExecuteNnsFunction             *ExecuteNnsFunction             `ic:"ExecuteNnsFunction,variant" json:"ExecuteNnsFunction,omitempty"`
	RewardNodeProvider             *RewardNodeProvider             `ic:"RewardNodeProvider,variant" json:"RewardNodeProvider,omitempty"`
	RewardNodeProviders            *RewardNodeProviders            `ic:"RewardNodeProviders,variant" json:"RewardNodeProviders,omitempty"`
	ManageNetworkEconomics         *NetworkEconomics               `ic:"ManageNetworkEconomics,variant" json:"ManageNetworkEconomics,omitempty"`
	ApproveGenesisKyc              *Principals                     `ic:"ApproveGenesisKyc,variant" json:"ApproveGenesisKyc,omitempty"`
	AddOrRemoveNodeProvider        *AddOrRemoveNodeProvider        `ic:"AddOrRemoveNodeProvider,variant" json:"AddOrRemoveNodeProvider,omitempty"`
	Motion                         *Motion                         `ic:"Motion,variant" json:"Motion,omitempty"`
	FulfillSubnetRentalRequest     *FulfillSubnetRentalRequest     `ic:"FulfillSubnetRentalRequest,variant" json:"FulfillSubnetRentalRequest,omitempty"`
	BlessAlternativeGuestOsVersion *BlessAlternativeGuestOsVersion `ic:"BlessAlternativeGuestOsVersion,variant" json:"BlessAlternativeGuestOsVersion,omitempty"`
	TakeCanisterSnapshot           *TakeCanisterSnapshot           `ic:"TakeCanisterSnapshot,variant" json:"TakeCanisterSnapshot,omitempty"`
	LoadCanisterSnapshot           *LoadCanisterSnapshot           `ic:"LoadCanisterSnapshot,variant" json:"LoadCanisterSnapshot,omitempty"`
	CreateCanisterAndInstallCode   *CreateCanisterAndInstallCode   `ic:"CreateCanisterAndInstallCode,variant" json:"CreateCanisterAndInstallCode,omitempty"`
}

// Motion is Candid Motion.
type Motion struct {
	MotionText string `ic:"motion_text" json:"motion_text"`
}

// ExecuteNnsFunction is Candid ExecuteNnsFunction.
type ExecuteNnsFunction struct {
	NnsFunction int32  `ic:"nns_function" json:"nns_function"`
	Payload     []byte `ic:"payload" json:"payload"`
}

// ManageNeuron is Candid ManageNeuron, the action of a NeuronManagement
// proposal (not to be confused with ManageNeuronRequest).
type ManageNeuron struct {
	Id                   *NeuronId             `ic:"id,omitempty" json:"id,omitempty"`
	Command              *Command              `ic:"command,omitempty" json:"command,omitempty"`
	NeuronIdOrSubaccount *NeuronIdOrSubaccount `ic:"neuron_id_or_subaccount,omitempty" json:"neuron_id_or_subaccount,omitempty"`
}

// InstallCode is Candid InstallCode.
type InstallCode struct {
	SkipStoppingBeforeInstalling *bool                `ic:"skip_stopping_before_installing,omitempty" json:"skip_stopping_before_installing,omitempty"`
	WasmModuleHash               *[]byte              `ic:"wasm_module_hash,omitempty" json:"wasm_module_hash,omitempty"`
	CanisterId                   *principal.Principal `ic:"canister_id,omitempty" json:"canister_id,omitempty"`
	ArgHash                      *[]byte              `ic:"arg_hash,omitempty" json:"arg_hash,omitempty"`
	InstallMode                  *int32               `ic:"install_mode,omitempty" json:"install_mode,omitempty"`
}

// InstallCodeRequest is Candid InstallCodeRequest.
type InstallCodeRequest struct {
	Arg                          *[]byte              `ic:"arg,omitempty" json:"arg,omitempty"`
	WasmModule                   *[]byte              `ic:"wasm_module,omitempty" json:"wasm_module,omitempty"`
	SkipStoppingBeforeInstalling *bool                `ic:"skip_stopping_before_installing,omitempty" json:"skip_stopping_before_installing,omitempty"`
	CanisterId                   *principal.Principal `ic:"canister_id,omitempty" json:"canister_id,omitempty"`
	InstallMode                  *int32               `ic:"install_mode,omitempty" json:"install_mode,omitempty"`
}

// StopOrStartCanister is Candid StopOrStartCanister.
type StopOrStartCanister struct {
	Action     *int32               `ic:"action,omitempty" json:"action,omitempty"`
	CanisterId *principal.Principal `ic:"canister_id,omitempty" json:"canister_id,omitempty"`
}

// Principals is Candid Principals.
type Principals struct {
	Principals []principal.Principal `ic:"principals" json:"principals"`
}

// SetDefaultFollowees is Candid SetDefaultFollowees.
type SetDefaultFollowees struct {
	DefaultFollowees []FolloweesEntry `ic:"default_followees" json:"default_followees"`
}

// Action payloads votebot does not read: decoding skips their fields.
type (
	DeregisterKnownNeuron          struct{}
	UpdateCanisterSettings         struct{}
	CreateServiceNervousSystem     struct{}
	RewardNodeProvider             struct{}
	OpenSnsTokenSwap               struct{}
	SetSnsTokenSwapOpenTimeWindow  struct{}
	RewardNodeProviders            struct{}
	AddOrRemoveNodeProvider        struct{}
	FulfillSubnetRentalRequest     struct{}
	BlessAlternativeGuestOsVersion struct{}
	TakeCanisterSnapshot           struct{}
	LoadCanisterSnapshot           struct{}
	CreateCanisterAndInstallCode   struct{}
	// Batch is an action of the newest public source, behind a flag there
	// [inf: payload not read; any record decodes into it].
	Batch struct{}
)

// TopicToFollow is the Candid variant TopicToFollow of
// KnownNeuronData.committed_topics.
type TopicToFollow struct {
	CatchAll                       *idl.Null `ic:"CatchAll,variant" json:"CatchAll,omitempty"`
	NeuronManagement               *idl.Null `ic:"NeuronManagement,variant" json:"NeuronManagement,omitempty"`
	ExchangeRate                   *idl.Null `ic:"ExchangeRate,variant" json:"ExchangeRate,omitempty"`
	NetworkEconomics               *idl.Null `ic:"NetworkEconomics,variant" json:"NetworkEconomics,omitempty"`
	Governance                     *idl.Null `ic:"Governance,variant" json:"Governance,omitempty"`
	NodeAdmin                      *idl.Null `ic:"NodeAdmin,variant" json:"NodeAdmin,omitempty"`
	ParticipantManagement          *idl.Null `ic:"ParticipantManagement,variant" json:"ParticipantManagement,omitempty"`
	SubnetManagement               *idl.Null `ic:"SubnetManagement,variant" json:"SubnetManagement,omitempty"`
	ApplicationCanisterManagement  *idl.Null `ic:"ApplicationCanisterManagement,variant" json:"ApplicationCanisterManagement,omitempty"`
	Kyc                            *idl.Null `ic:"Kyc,variant" json:"Kyc,omitempty"`
	NodeProviderRewards            *idl.Null `ic:"NodeProviderRewards,variant" json:"NodeProviderRewards,omitempty"`
	IcOsVersionDeployment          *idl.Null `ic:"IcOsVersionDeployment,variant" json:"IcOsVersionDeployment,omitempty"`
	IcOsVersionElection            *idl.Null `ic:"IcOsVersionElection,variant" json:"IcOsVersionElection,omitempty"`
	SnsAndCommunityFund            *idl.Null `ic:"SnsAndCommunityFund,variant" json:"SnsAndCommunityFund,omitempty"`
	ApiBoundaryNodeManagement      *idl.Null `ic:"ApiBoundaryNodeManagement,variant" json:"ApiBoundaryNodeManagement,omitempty"`
	SubnetRental                   *idl.Null `ic:"SubnetRental,variant" json:"SubnetRental,omitempty"`
	ProtocolCanisterManagement     *idl.Null `ic:"ProtocolCanisterManagement,variant" json:"ProtocolCanisterManagement,omitempty"`
	ServiceNervousSystemManagement *idl.Null `ic:"ServiceNervousSystemManagement,variant" json:"ServiceNervousSystemManagement,omitempty"`
}
