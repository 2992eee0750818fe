package nns

import _ "embed"

// GovernanceCanisterID is the NNS governance canister's principal, on
// mainnet and on the devnet.
const GovernanceCanisterID = "rrkah-fqaaa-aaaaa-aaaaq-cai"

// GovernanceDID is the Candid interface the devnet's governance canister
// serves as its candid:service metadata: the methods votebot uses, with the
// real canister's type names, fields and tags.
//
//go:embed governance.did
var GovernanceDID string
