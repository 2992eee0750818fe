package agent

import (
	"context"
	"fmt"

	"github.com/aviate-labs/agent-go/candid/idl"
	"github.com/aviate-labs/agent-go/principal"

	"github.com/votebot/votebot/nns"
)

var ledgerCanister = principal.MustDecode(nns.LedgerCanisterID)

// ledgerQuery runs an anonymous query of a ledger, the ICP ledger or an
// SNS's (its metadata is public: no key signs it), and decodes its reply
// into out.
func (g *Governance) ledgerQuery(ctx context.Context, ledger principal.Principal, method string, out any) error {
	return g.request(ctx, call{canister: ledger, kind: kindAnonQuery, method: method, label: "ledger." + method}, out)
}

// TokenSymbol is the icrc1_symbol of the ledger canister ledger: an SNS's
// token, which its rewards are paid in.
func (g *Governance) TokenSymbol(ctx context.Context, ledger principal.Principal) (string, error) {
	var symbol string
	if err := g.ledgerQuery(ctx, ledger, "icrc1_symbol", &symbol); err != nil {
		return "", err
	}
	return symbol, nil
}

// LedgerSupply reads the ICP ledger's total supply (icrc1_total_supply),
// symbol and decimals. A ledger whose token is not counted in e8s (8
// decimals) or whose supply does not fit 64 bits is an error: the reward
// arithmetic counts e8s.
func (g *Governance) LedgerSupply(ctx context.Context) (nns.LedgerSupply, error) {
	var s nns.LedgerSupply
	if err := g.ledgerQuery(ctx, ledgerCanister, "icrc1_decimals", &s.Decimals); err != nil {
		return nns.LedgerSupply{}, err
	}
	if s.Decimals != 8 {
		return nns.LedgerSupply{}, fmt.Errorf("ledger: icrc1_decimals is %d, want 8 (e8s)", s.Decimals)
	}
	if err := g.ledgerQuery(ctx, ledgerCanister, "icrc1_symbol", &s.Symbol); err != nil {
		return nns.LedgerSupply{}, err
	}
	var total idl.Nat
	if err := g.ledgerQuery(ctx, ledgerCanister, "icrc1_total_supply", &total); err != nil {
		return nns.LedgerSupply{}, err
	}
	bi := total.BigInt()
	if bi == nil || !bi.IsUint64() {
		return nns.LedgerSupply{}, fmt.Errorf("ledger: icrc1_total_supply %s does not fit 64 bits", total)
	}
	s.TotalSupplyE8s = bi.Uint64()
	return s, nil
}
