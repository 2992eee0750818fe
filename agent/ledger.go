package agent

import (
	"context"
	"fmt"

	"github.com/aviate-labs/agent-go/candid"
	"github.com/aviate-labs/agent-go/candid/idl"
	"github.com/aviate-labs/agent-go/principal"

	"github.com/votebot/votebot/nns"
)

var ledgerCanister = principal.MustDecode(nns.LedgerCanisterID)

// ledgerQuery runs an anonymous query of the ICP ledger (the supply is
// public: no key signs it) and decodes its reply into out.
func (g *Governance) ledgerQuery(ctx context.Context, method string, out any) error {
	arg, err := candid.Marshal(nil)
	if err != nil {
		return fmt.Errorf("%s: encode argument: %w", method, err)
	}
	reply, err := g.invoke(ctx, kindLedgerQuery, method, "ledger."+method, arg)
	if err != nil {
		return err
	}
	return g.decode("ledger."+method, reply, out)
}

// LedgerSupply reads the ICP ledger's total supply (icrc1_total_supply),
// symbol and decimals. A ledger whose token is not counted in e8s (8
// decimals) or whose supply does not fit 64 bits is an error: the reward
// arithmetic counts e8s.
func (g *Governance) LedgerSupply(ctx context.Context) (nns.LedgerSupply, error) {
	var s nns.LedgerSupply
	if err := g.ledgerQuery(ctx, "icrc1_decimals", &s.Decimals); err != nil {
		return nns.LedgerSupply{}, err
	}
	if s.Decimals != 8 {
		return nns.LedgerSupply{}, fmt.Errorf("ledger: icrc1_decimals is %d, want 8 (e8s)", s.Decimals)
	}
	if err := g.ledgerQuery(ctx, "icrc1_symbol", &s.Symbol); err != nil {
		return nns.LedgerSupply{}, err
	}
	var total idl.Nat
	if err := g.ledgerQuery(ctx, "icrc1_total_supply", &total); err != nil {
		return nns.LedgerSupply{}, err
	}
	bi := total.BigInt()
	if bi == nil || !bi.IsUint64() {
		return nns.LedgerSupply{}, fmt.Errorf("ledger: icrc1_total_supply %s does not fit 64 bits", total)
	}
	s.TotalSupplyE8s = bi.Uint64()
	return s, nil
}
