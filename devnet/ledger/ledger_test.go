package ledger

import (
	"context"
	"errors"
	"testing"

	"github.com/aviate-labs/agent-go/candid"
	"github.com/aviate-labs/agent-go/candid/idl"
	"github.com/aviate-labs/agent-go/principal"

	"github.com/votebot/votebot/devnet"
)

func TestMethods(t *testing.T) {
	c := New(func() uint64 { return 42 })
	none, err := candid.Marshal(nil)
	if err != nil {
		t.Fatal(err)
	}
	one, err := candid.Marshal([]any{uint64(1)})
	if err != nil {
		t.Fatal(err)
	}
	call := func(method string, arg []byte) ([]byte, error) {
		m, ok := c.Methods()[method]
		if !ok || m.Kind != devnet.Query {
			t.Fatalf("%s: not a query method", method)
		}
		return m.Handle(context.Background(), devnet.Call{Arg: arg})
	}
	reply, err := call("icrc1_total_supply", none)
	var total idl.Nat
	if err != nil || candid.Unmarshal(reply, []any{&total}) != nil || total.BigInt().Uint64() != 42 {
		t.Errorf("icrc1_total_supply: %v, %v", total, err)
	}
	reply, err = call("icrc1_decimals", none)
	var decimals uint8
	if err != nil || candid.Unmarshal(reply, []any{&decimals}) != nil || decimals != 8 {
		t.Errorf("icrc1_decimals: %d, %v", decimals, err)
	}
	reply, err = call("icrc1_symbol", none)
	var symbol string
	if err != nil || candid.Unmarshal(reply, []any{&symbol}) != nil || symbol != "ICP" {
		t.Errorf("icrc1_symbol: %q, %v", symbol, err)
	}
	var ce *devnet.CandidError
	if _, err := call("icrc1_total_supply", one); !errors.As(err, &ce) {
		t.Errorf("an argument to a () method: %v, want a Candid error (a trap)", err)
	}
}

// TestNewToken: an SNS's ledger answers its own id, symbol and supply.
func TestNewToken(t *testing.T) {
	id := principal.Principal{Raw: []byte{0, 0, 0, 0, 0, 1, 0, 2, 1, 1}}
	c := NewToken(id, "CHAT", func() uint64 { return 7 })
	none, err := candid.Marshal(nil)
	if err != nil {
		t.Fatal(err)
	}
	if !c.ID().Equal(id) {
		t.Errorf("id %s, want %s", c.ID(), id)
	}
	var symbol string
	reply, err := c.Methods()["icrc1_symbol"].Handle(context.Background(), devnet.Call{Arg: none})
	if err != nil || candid.Unmarshal(reply, []any{&symbol}) != nil || symbol != "CHAT" {
		t.Errorf("icrc1_symbol: %q, %v", symbol, err)
	}
	var total idl.Nat
	reply, err = c.Methods()["icrc1_total_supply"].Handle(context.Background(), devnet.Call{Arg: none})
	if err != nil || candid.Unmarshal(reply, []any{&total}) != nil || total.BigInt().Uint64() != 7 {
		t.Errorf("icrc1_total_supply: %v, %v", total, err)
	}
}
