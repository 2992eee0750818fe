package nns

// LedgerCanisterID is the ICP ledger's principal, on mainnet and on the
// devnet.
const LedgerCanisterID = "ryjl3-tyaaa-aaaaa-aaaba-cai"

// LedgerDID is the part of the ICP ledger's ICRC-1 interface votebot uses;
// the devnet's ledger serves it as its candid:service metadata.
const LedgerDID = `service : {
  icrc1_total_supply : () -> (nat) query;
  icrc1_symbol : () -> (text) query;
  icrc1_decimals : () -> (nat8) query;
}`

// LedgerSupply is what the ledger says of its token: the total supply, in
// units of 10^-Decimals (e8s for ICP), and the token's symbol.
type LedgerSupply struct {
	TotalSupplyE8s uint64 `json:"total_supply_e8s"`
	Symbol         string `json:"symbol"`
	Decimals       uint8  `json:"decimals"`
}
