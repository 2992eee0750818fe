package sns

import "github.com/aviate-labs/agent-go/principal"

// DeployedSns is one SNS as SNS-W lists it.
type DeployedSns struct {
	RootCanisterId       *principal.Principal `ic:"root_canister_id,omitempty" json:"root_canister_id,omitempty"`
	GovernanceCanisterId *principal.Principal `ic:"governance_canister_id,omitempty" json:"governance_canister_id,omitempty"`
	IndexCanisterId      *principal.Principal `ic:"index_canister_id,omitempty" json:"index_canister_id,omitempty"`
	SwapCanisterId       *principal.Principal `ic:"swap_canister_id,omitempty" json:"swap_canister_id,omitempty"`
	LedgerCanisterId     *principal.Principal `ic:"ledger_canister_id,omitempty" json:"ledger_canister_id,omitempty"`
}

// ListDeployedSnsesResponse is the reply of SNS-W's list_deployed_snses.
type ListDeployedSnsesResponse struct {
	Instances []DeployedSns `ic:"instances" json:"instances"`
}

// ListSnsCanistersResponse is the reply of an SNS root's list_sns_canisters.
type ListSnsCanistersResponse struct {
	Root       *principal.Principal  `ic:"root,omitempty" json:"root,omitempty"`
	Swap       *principal.Principal  `ic:"swap,omitempty" json:"swap,omitempty"`
	Ledger     *principal.Principal  `ic:"ledger,omitempty" json:"ledger,omitempty"`
	Index      *principal.Principal  `ic:"index,omitempty" json:"index,omitempty"`
	Governance *principal.Principal  `ic:"governance,omitempty" json:"governance,omitempty"`
	Dapps      []principal.Principal `ic:"dapps" json:"dapps"`
	Archives   []principal.Principal `ic:"archives" json:"archives"`
}

// Empty is the Candid record {} that several methods take.
type Empty struct{}
