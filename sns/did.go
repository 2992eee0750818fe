// Package sns holds the Candid types of an SNS DAO's governance canister (and the two calls
// that find SNSes: SNS-W's list_deployed_snses and a root's list_sns_canisters), shared by
// agent/ and devnet/ as nns/ is for the NNS, and the SNS domain rules that are facts of the
// interface: topics, which topics are critical, permission numbers, neuron ids.
package sns

import _ "embed"

// WasmCanisterID is SNS-W, the NNS canister that lists every deployed SNS.
const WasmCanisterID = "qaa6y-5yaaa-aaaaa-aaafa-cai"

// GovernanceDID is the Candid interface the devnet's SNS governance canisters serve as their
// candid:service metadata.
//
//go:embed governance.did
var GovernanceDID string

// WasmDID is the part of SNS-W's interface the devnet serves.
const WasmDID = `type DeployedSns = record {
  root_canister_id : opt principal;
  governance_canister_id : opt principal;
  index_canister_id : opt principal;
  swap_canister_id : opt principal;
  ledger_canister_id : opt principal;
};
type ListDeployedSnsesResponse = record { instances : vec DeployedSns };
service : {
  list_deployed_snses : (record {}) -> (ListDeployedSnsesResponse) query;
}
`

// RootDID is the part of an SNS root's interface the devnet serves.
const RootDID = `type ListSnsCanistersResponse = record {
  root : opt principal;
  swap : opt principal;
  ledger : opt principal;
  index : opt principal;
  governance : opt principal;
  dapps : vec principal;
  archives : vec principal;
};
service : {
  list_sns_canisters : (record {}) -> (ListSnsCanistersResponse) query;
}
`
