package agent

import (
	"context"
	"encoding/hex"
	"testing"

	"github.com/rs/zerolog"

	"github.com/votebot/votebot/devnet/governance"
	"github.com/votebot/votebot/devnet/nnslocal"
	"github.com/votebot/votebot/nns"
)

// TestLedgerSupplyFromDevnet reads the devnet ledger's ICRC-1 metadata
// over the IC interface (node-signed query replies, the pinned root key):
// the supply is the one the devnet's governance pays rewards from.
func TestLedgerSupplyFromDevnet(t *testing.T) {
	ctx := context.Background()
	const supply = 512_345_678_90000000
	n, err := nnslocal.Start(ctx, nnslocal.Options{Logger: zerolog.Nop(),
		Configure: func(c *governance.Config) { c.TotalSupplyE8s = supply }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = n.Close() })
	g := newClient(t, testConfig([]string{n.URL}, hex.EncodeToString(n.RootKey), newIdentity(t)))
	got, err := g.LedgerSupply(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := nns.LedgerSupply{TotalSupplyE8s: supply, Symbol: "ICP", Decimals: 8}
	if got != want {
		t.Errorf("LedgerSupply = %+v, want %+v", got, want)
	}
}
