package devnet

import (
	"context"
	"fmt"

	"github.com/aviate-labs/agent-go/principal"
)

// MethodKind says how a canister method may be invoked.
type MethodKind int

const (
	// Update methods run only through /call and change state.
	Update MethodKind = iota
	// Query methods run through /query and, as on the IC, also through /call.
	Query
)

// Call is what the protocol layer hands a canister method: who called and
// the raw Candid argument.
type Call struct {
	Caller principal.Principal
	// Replicated is true when the method runs as an update call (through
	// /call), false for a /query.
	Replicated bool
	Arg        []byte
}

// Method is one entry of a canister's method table. Handle returns the
// Candid-encoded reply, or an error: a *Reject is passed to the client as
// is; a *CandidError (argument decoding failed) becomes a canister trap
// (reject code 5, IC0503); any other error is also reported as a trap.
type Method struct {
	Kind   MethodKind
	Handle func(ctx context.Context, call Call) ([]byte, error)
}

// Canister is a simulated canister hosted by the devnet. Implementations
// must be safe for concurrent use: queries run concurrently with each other
// and with update calls.
type Canister interface {
	ID() principal.Principal
	// Methods is the method table, keyed by method name.
	Methods() map[string]Method
	// CandidService is served as the canister's public
	// metadata/candid:service.
	CandidService() string
}

// RejectCode is an IC reject code. 6 is never used: ic-agent rejects it.
type RejectCode uint64

const (
	RejectSysFatal           RejectCode = 1
	RejectSysTransient       RejectCode = 2
	RejectDestinationInvalid RejectCode = 3
	RejectCanisterReject     RejectCode = 4
	RejectCanisterError      RejectCode = 5
)

// Reject is an explicit rejection with the replica's reject code and IC
// error code (e.g. "IC0406").
type Reject struct {
	Code      RejectCode
	Message   string
	ErrorCode string
}

func (r *Reject) Error() string {
	return fmt.Sprintf("reject %d (%s): %s", r.Code, r.ErrorCode, r.Message)
}

// CandidError reports an argument that does not decode as the method's
// Candid type; the protocol layer turns it into a canister trap.
type CandidError struct{ Err error }

func (e *CandidError) Error() string { return "candid decode: " + e.Err.Error() }
func (e *CandidError) Unwrap() error { return e.Err }
