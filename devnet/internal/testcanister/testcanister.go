// Package testcanister is a tiny canister for exercising the devnet's
// protocol layer: a query, an update, a method that rejects and one that
// traps.
package testcanister

import (
	"context"
	"sync"

	"github.com/aviate-labs/agent-go/candid"
	"github.com/aviate-labs/agent-go/principal"
	"github.com/votebot/votebot/devnet"
)

// DefaultID is the canister id the tests use (inside the NNS range).
var DefaultID = principal.MustDecode("ryjl3-tyaaa-aaaaa-aaaba-cai")

// Service is the canister's Candid interface.
const Service = `service : {
  greet : (text) -> (text) query;
  whoami : () -> (principal) query;
  inc : () -> (nat64);
  count : () -> (nat64) query;
  refuse : () -> ();
  boom : () -> ();
}`

// Canister counts update calls and greets.
type Canister struct {
	id principal.Principal
	mu sync.Mutex
	n  uint64
}

// New returns a test canister with the given id.
func New(id principal.Principal) *Canister { return &Canister{id: id} }

// ID implements devnet.Canister.
func (c *Canister) ID() principal.Principal { return c.id }

// CandidService implements devnet.Canister.
func (c *Canister) CandidService() string { return Service }

// Count is the number of executed inc calls.
func (c *Canister) Count() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// Methods implements devnet.Canister.
func (c *Canister) Methods() map[string]devnet.Method {
	return map[string]devnet.Method{
		"greet":  {Kind: devnet.Query, Handle: c.greet},
		"whoami": {Kind: devnet.Query, Handle: c.whoami},
		"count":  {Kind: devnet.Query, Handle: c.count},
		"inc":    {Kind: devnet.Update, Handle: c.inc},
		"refuse": {Kind: devnet.Update, Handle: c.refuse},
		"boom":   {Kind: devnet.Update, Handle: c.boom},
	}
}

func (c *Canister) greet(_ context.Context, call devnet.Call) ([]byte, error) {
	var name string
	if err := candid.Unmarshal(call.Arg, []any{&name}); err != nil {
		return nil, &devnet.CandidError{Err: err}
	}
	return candid.Marshal([]any{"Hello, " + name + "!"})
}

func (c *Canister) whoami(_ context.Context, call devnet.Call) ([]byte, error) {
	return candid.Marshal([]any{call.Caller})
}

func (c *Canister) count(context.Context, devnet.Call) ([]byte, error) {
	return candid.Marshal([]any{c.Count()})
}

func (c *Canister) inc(context.Context, devnet.Call) ([]byte, error) {
	c.mu.Lock()
	c.n++
	n := c.n
	c.mu.Unlock()
	return candid.Marshal([]any{n})
}

func (c *Canister) refuse(context.Context, devnet.Call) ([]byte, error) {
	return nil, &devnet.Reject{Code: devnet.RejectCanisterReject, ErrorCode: "IC0406", Message: "refused by the test canister"}
}

func (c *Canister) boom(context.Context, devnet.Call) ([]byte, error) {
	panic("boom")
}
