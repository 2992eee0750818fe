// Package ledger is the devnet's ICP ledger, and each devnet SNS's: the
// ICRC-1 queries votebot reads (total supply, symbol, decimals), nothing
// that moves tokens. Its
// supply is the one the devnet's governance computes reward pools from, so
// the bot's reward estimates and the devnet's payouts share a base.
package ledger

import (
	"context"
	"fmt"

	"github.com/aviate-labs/agent-go/candid"
	"github.com/aviate-labs/agent-go/candid/idl"
	"github.com/aviate-labs/agent-go/principal"

	"github.com/votebot/votebot/devnet"
	"github.com/votebot/votebot/nns"
)

// Canister answers a ledger's ICRC-1 metadata queries: the ICP ledger's, or
// an SNS's (its own id, symbol and supply).
type Canister struct {
	id     principal.Principal
	symbol string
	supply func() uint64
}

var _ devnet.Canister = (*Canister)(nil)

// New returns the ledger at the mainnet ledger's id; supply gives the
// total supply in e8s at the time of each query.
func New(supply func() uint64) *Canister {
	return NewToken(principal.MustDecode(nns.LedgerCanisterID), "ICP", supply)
}

// NewToken returns the ledger of another token (an SNS's) at id, answering
// symbol; supply gives its total supply in e8s at each query.
func NewToken(id principal.Principal, symbol string, supply func() uint64) *Canister {
	return &Canister{id: id, symbol: symbol, supply: supply}
}

// ID implements devnet.Canister.
func (c *Canister) ID() principal.Principal { return c.id }

// CandidService implements devnet.Canister.
func (c *Canister) CandidService() string { return nns.LedgerDID }

// Methods implements devnet.Canister: queries only.
func (c *Canister) Methods() map[string]devnet.Method {
	q := func(reply func() any) devnet.Method {
		return devnet.Method{Kind: devnet.Query, Handle: func(_ context.Context, call devnet.Call) ([]byte, error) {
			if err := noArguments(call.Arg); err != nil {
				return nil, err
			}
			return candid.Marshal([]any{reply()})
		}}
	}
	return map[string]devnet.Method{
		"icrc1_total_supply": q(func() any { return idl.NewNat(c.supply()) }),
		"icrc1_symbol":       q(func() any { return c.symbol }),
		"icrc1_decimals":     q(func() any { return uint8(8) }),
	}
}

// noArguments checks that arg is a Candid message of no values, as the
// methods' () parameter list requires.
func noArguments(arg []byte) error {
	types, _, err := candid.Decode(arg)
	if err != nil {
		return &devnet.CandidError{Err: err}
	}
	if len(types) != 0 {
		return &devnet.CandidError{Err: fmt.Errorf("%d arguments, want none", len(types))}
	}
	return nil
}
