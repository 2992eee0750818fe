package agent

import (
	"context"
	"errors"
	"fmt"
	"reflect"

	"github.com/aviate-labs/agent-go/candid"

	"github.com/votebot/votebot/agent/internal/candidfast"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/sns"
)

// query runs a query method of the NNS governance canister: args are
// encoded, the reply decoded into out (a pointer).
func (g *Governance) query(ctx context.Context, method string, out any, args ...any) error {
	return g.request(ctx, g.nnsCall(kindQuery, method, method, nil), out, args...)
}

// request runs c with args encoded as its argument and decodes the reply
// into out.
func (g *Governance) request(ctx context.Context, c call, out any, args ...any) error {
	arg, err := candid.Marshal(args)
	if err != nil {
		return fmt.Errorf("%s: encode argument: %w", c.label, err)
	}
	c.arg = arg
	reply, err := g.invoke(ctx, c)
	if err != nil {
		return err
	}
	return g.decode(c.label, reply, out)
}

// decode is decodeReply reporting what the opt rule dropped.
func (g *Governance) decode(method string, reply []byte, out any) error {
	drops, err := decodeReply(method, reply, out)
	g.drops.report(method, drops)
	return err
}

// decodeOptions name the variant tags of the NNS and SNS governance
// interfaces (known to them, newer than the Go types, or announced
// upstream), so a dropped value's tag is reported by name.
var decodeOptions = candidfast.Options{TagNames: candidfast.TagNameTable(append(nns.VariantTagNames(), sns.VariantTagNames()...)...)}

// decodeReply decodes a single-value Candid reply into out (a pointer to a
// zero value) with the Candid opt rule (candidfast), and returns the values
// the rule dropped. On failure it looks for the first field that does not
// decode, so the error names it.
//
// No reply reaches agent-go's rule-less mapping (candid.Unmarshal,
// idl.UnmarshalGo of a record, variant or opt): what candidfast declines is
// an error here. It declines only what candid.Unmarshal would reject too
// (not Candid, a malformed message), with one exception that is malformed
// by the Candid spec anyway: trailing bytes after a value ending in a
// zero-length func, service or future value (agent-go's parse then reads
// past the values; governance replies have none of these types). A panic
// of the mapper is an error too, never a second decode without the rule.
func decodeReply(method string, reply []byte, out any) (drops []candidfast.Drop, err error) {
	defer func() {
		if r := recover(); r != nil {
			drops, err = nil, &DecodeError{Method: method, Err: fmt.Errorf("malformed Candid (decoder panicked: %v)", r)}
		}
	}()
	// agent-go's decoder crashes the process (out of memory, stack
	// overflow: beyond recover) on some malformed messages.
	end, err := candidfast.CheckBounds(reply)
	if err != nil {
		return nil, &DecodeError{Method: method, Err: err}
	}
	// Without trailing bytes (candid.Unmarshal ignores them, candid.Decode
	// does not).
	drops, err = candidfast.Decode(reply[:end], out, &decodeOptions)
	var declined *candidfast.DeclinedError
	if errors.As(err, &declined) {
		resetTarget(out) // nothing half-decoded reaches the caller
		return nil, &DecodeError{Method: method, Err: fmt.Errorf("malformed Candid: %w", declined.Err)}
	}
	if err != nil {
		return nil, &DecodeError{Method: method, Field: locateField(reply, out), Err: err}
	}
	return drops, nil
}

// resetTarget zeroes *out, undoing what a failed fast decode wrote.
func resetTarget(out any) {
	if p := reflect.ValueOf(out); p.Kind() == reflect.Pointer && !p.IsNil() {
		p.Elem().SetZero()
	}
}
