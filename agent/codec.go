package agent

import (
	"context"
	"errors"
	"fmt"
	"reflect"

	"github.com/aviate-labs/agent-go/candid"
)

// query runs a query method: args are encoded, the reply decoded into out
// (a pointer).
func (g *Governance) query(ctx context.Context, method string, out any, args ...any) error {
	return g.request(ctx, kindQuery, method, method, out, args...)
}

func (g *Governance) request(ctx context.Context, kind callKind, method, label string, out any, args ...any) error {
	arg, err := candid.Marshal(args)
	if err != nil {
		return fmt.Errorf("%s: encode argument: %w", label, err)
	}
	return g.requestEncoded(ctx, kind, method, label, out, arg)
}

// requestEncoded is request with the argument already Candid-encoded.
func (g *Governance) requestEncoded(ctx context.Context, kind callKind, method, label string, out any, arg []byte) error {
	reply, err := g.invoke(ctx, kind, method, label, arg)
	if err != nil {
		return err
	}
	return decode(label, reply, out)
}

// decode decodes a single-value Candid reply into out (a pointer to a zero
// value). On failure it looks for the first field that does not decode, so
// the error names it.
func decode(method string, reply []byte, out any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &DecodeError{Method: method, Err: fmt.Errorf("malformed Candid (decoder panicked: %v)", r)}
		}
	}()
	// agent-go's decoder crashes the process (out of memory, stack
	// overflow: beyond recover) on some malformed messages.
	end, err := checkCandidBounds(reply)
	if err != nil {
		return &DecodeError{Method: method, Err: err}
	}
	// Without trailing bytes (candid.Unmarshal ignores them, candid.Decode
	// does not), so hostile input never needs agent-go's slow mapping.
	err = decodeFast(reply[:end], out)
	var declined *declinedError
	if errors.As(err, &declined) {
		// agent-go's own decode decides, from a zero value as the caller
		// gave it.
		resetTarget(out)
		err = candid.Unmarshal(reply, []any{out})
	}
	if err != nil {
		return &DecodeError{Method: method, Field: locateField(reply, out), Err: err}
	}
	return nil
}

// resetTarget zeroes *out, undoing what a failed fast decode wrote.
func resetTarget(out any) {
	if p := reflect.ValueOf(out); p.Kind() == reflect.Pointer && !p.IsNil() {
		p.Elem().SetZero()
	}
}
