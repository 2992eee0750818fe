package candidfast

import (
	"errors"
	"fmt"
)

// CheckBounds walks a Candid message's type table and values without
// building anything, and rejects what would make agent-go v0.9.2's decoder
// (candid.Decode and candid.Unmarshal alike) crash the process instead of
// returning an error: lengths it allocates before checking them against the
// input (future types, func annotations, service method names, principals),
// nesting deep enough to overflow the stack (a recursive type whose values
// take no bytes recurses forever), vectors of vectors of zero-width values
// (quadratic allocation within the length checks) and LEB128 numbers long
// enough to make its math/big decoding quadratic. Everything else it
// leaves to agent-go: a message it accepts may still fail to decode, and it
// accepts trailing bytes as candid.Unmarshal does.
//
// It returns where the values end: candid.Unmarshal ignores what follows,
// candid.Decode (the fast path) rejects it.
func CheckBounds(msg []byte) (end int, err error) {
	w := &candidWalker{msg: msg, budget: 8*len(msg) + 1<<16}
	if err := w.header(); err != nil {
		return 0, fmt.Errorf("malformed Candid at byte %d: %w", w.pos, err)
	}
	if w.pos == 0 { // not Candid: agent-go says why
		return len(msg), nil
	}
	return w.pos, nil
}

const (
	// maxCandidDepth bounds value nesting; replies nest about a dozen deep.
	maxCandidDepth = 200
	// maxLEB128Len bounds one LEB128 number: 128 bytes hold 896 bits.
	maxLEB128Len = 128
)

var (
	errTruncated = errors.New("truncated")
	errTooLong   = errors.New("length beyond the end of the message")
	errTooDeep   = errors.New("values nested too deep")
	errTooMany   = errors.New("too many values for the message size")
	errBadType   = errors.New("bad type reference")
	errBadValue  = errors.New("bad value")
)

// Candid opcodes (negative type references).
const (
	opNull      = -1
	opReserved  = -16
	opEmpty     = -17
	opOpt       = -18
	opVec       = -19
	opRecord    = -20
	opVariant   = -21
	opFunc      = -22
	opService   = -23
	opPrincipal = -24
)

// walkType is one type table entry: opt/vec have one element type,
// record/variant one per field; anything else is a func, service or
// future type.
type walkType struct {
	op    int64
	elems []int64
}

type candidWalker struct {
	msg    []byte
	pos    int
	types  []walkType
	budget int // values still allowed
}

func (w *candidWalker) header() error {
	if len(w.msg) < 4 || string(w.msg[:4]) != "DIDL" {
		return nil // agent-go rejects it before allocating anything
	}
	w.pos = 4
	n, err := w.count()
	if err != nil {
		return err
	}
	for range n {
		if err := w.typeEntry(); err != nil {
			return err
		}
	}
	for _, t := range w.types {
		for _, ref := range t.elems {
			if !w.validRef(ref) {
				return errBadType
			}
		}
	}
	args, err := w.count()
	if err != nil {
		return err
	}
	refs := make([]int64, args)
	for i := range refs {
		if refs[i], err = w.sleb(); err != nil {
			return err
		}
		if !w.validRef(refs[i]) {
			return errBadType
		}
	}
	for _, ref := range refs {
		if err := w.value(ref, 0); err != nil {
			return err
		}
	}
	return nil
}

// typeEntry reads one type table entry in the order agent-go does.
func (w *candidWalker) typeEntry() error {
	op, err := w.sleb()
	if err != nil {
		return err
	}
	t := walkType{op: op}
	switch {
	case op == opOpt || op == opVec:
		ref, err := w.sleb()
		if err != nil {
			return err
		}
		t.elems = []int64{ref}
	case op == opRecord || op == opVariant:
		if t.elems, err = w.fields(); err != nil {
			return err
		}
	case op == opFunc:
		if err := w.funcType(); err != nil {
			return err
		}
	case op == opService:
		if err := w.serviceType(); err != nil {
			return err
		}
	case op >= 0:
		return errBadType
	default: // a future type: a byte count and that many bytes
		if err := w.skipCounted(); err != nil {
			return err
		}
	}
	w.types = append(w.types, t)
	return nil
}

func (w *candidWalker) fields() ([]int64, error) {
	n, err := w.count()
	if err != nil {
		return nil, err
	}
	refs := make([]int64, 0, min(n, 64))
	var prev uint64
	for i := range n {
		h, err := w.uleb()
		if err != nil {
			return nil, err
		}
		if h > 1<<32-1 || (i > 0 && h <= prev) {
			return nil, errBadType // agent-go: out of range, duplicate or unordered
		}
		prev = h
		ref, err := w.sleb()
		if err != nil {
			return nil, err
		}
		refs = append(refs, ref)
	}
	return refs, nil
}

func (w *candidWalker) funcType() error {
	for range 2 { // argument and result types
		n, err := w.count()
		if err != nil {
			return err
		}
		for range n {
			if _, err := w.sleb(); err != nil {
				return err
			}
		}
	}
	return w.skipCounted() // annotations
}

func (w *candidWalker) serviceType() error {
	n, err := w.count()
	if err != nil {
		return err
	}
	for range n {
		if err := w.skipCounted(); err != nil { // method name
			return err
		}
		ref, err := w.sleb()
		if err != nil {
			return err
		}
		if ref < 0 || ref >= int64(len(w.types)) || w.types[ref].op != opFunc {
			return errBadType
		}
	}
	return nil
}

// validRef reports whether ref names a primitive type or a table entry.
func (w *candidWalker) validRef(ref int64) bool {
	if ref >= 0 {
		return ref < int64(len(w.types))
	}
	return ref >= opPrincipal && (ref >= opEmpty || ref == opPrincipal)
}

// value walks one value of type ref.
func (w *candidWalker) value(ref int64, depth int) error {
	if depth > maxCandidDepth {
		return errTooDeep
	}
	if w.budget--; w.budget < 0 {
		return errTooMany
	}
	if ref < 0 {
		return w.primitive(ref)
	}
	t := w.types[ref]
	switch t.op {
	case opOpt:
		switch b, err := w.byte(); {
		case err != nil:
			return err
		case b == 1:
			return w.value(t.elems[0], depth+1)
		case b != 0:
			return errBadValue
		}
	case opVec:
		n, err := w.count()
		if err != nil {
			return err
		}
		for range n {
			if err := w.value(t.elems[0], depth+1); err != nil {
				return err
			}
		}
	case opRecord:
		for _, f := range t.elems {
			if err := w.value(f, depth+1); err != nil {
				return err
			}
		}
	case opVariant:
		i, err := w.uleb()
		if err != nil {
			return err
		}
		if i >= uint64(len(t.elems)) {
			return errBadValue
		}
		return w.value(t.elems[i], depth+1)
	case opFunc: // 01 01, principal bytes, method name
		if err := w.skip(2); err != nil {
			return err
		}
		if err := w.skipCounted(); err != nil {
			return err
		}
		return w.skipCounted()
	case opService: // 01, principal bytes
		if err := w.skip(1); err != nil {
			return err
		}
		return w.skipCounted()
	default: // future type: a byte count, a reference count, the bytes
		m, err := w.count()
		if err != nil {
			return err
		}
		if _, err := w.uleb(); err != nil {
			return err
		}
		return w.skip(m)
	}
	return nil
}

func (w *candidWalker) primitive(op int64) error {
	switch op {
	case opNull, opReserved:
		return nil
	case opEmpty:
		return errBadValue
	case -2: // bool
		b, err := w.byte()
		if err == nil && b > 1 {
			return errBadValue
		}
		return err
	case -3, -4: // nat, int
		_, err := w.lebBytes()
		return err
	case -5, -9: // nat8, int8
		return w.skip(1)
	case -6, -10:
		return w.skip(2)
	case -7, -11, -13: // 32 bits, float32
		return w.skip(4)
	case -8, -12, -14:
		return w.skip(8)
	case -15: // text
		return w.skipCounted()
	case opPrincipal: // 01, length, bytes
		b, err := w.byte()
		if err != nil {
			return err
		}
		if b != 1 {
			return errBadValue
		}
		return w.skipCounted()
	}
	return errBadType
}

func (w *candidWalker) byte() (byte, error) {
	if w.pos >= len(w.msg) {
		return 0, errTruncated
	}
	w.pos++
	return w.msg[w.pos-1], nil
}

func (w *candidWalker) skip(n int) error {
	if n > len(w.msg)-w.pos {
		return errTooLong
	}
	w.pos += n
	return nil
}

// skipCounted skips a length-prefixed byte string.
func (w *candidWalker) skipCounted() error {
	n, err := w.count()
	if err != nil {
		return err
	}
	return w.skip(n)
}

// count reads a length or element count: each counted thing takes at least
// one byte of what remains (a vector of zero-width values is paid for by
// the value budget instead).
func (w *candidWalker) count() (int, error) {
	n, err := w.uleb()
	if err != nil {
		return 0, err
	}
	if n > uint64(len(w.msg)-w.pos) {
		return 0, errTooLong
	}
	return int(n), nil
}

// lebBytes skips one LEB128 number and returns its bytes.
func (w *candidWalker) lebBytes() ([]byte, error) {
	start := w.pos
	for {
		b, err := w.byte()
		if err != nil {
			return nil, err
		}
		if w.pos-start > maxLEB128Len {
			return nil, errTooLong
		}
		if b < 0x80 {
			return w.msg[start:w.pos], nil
		}
	}
}

// uleb reads an unsigned LEB128 number that must fit 64 bits.
func (w *candidWalker) uleb() (uint64, error) {
	bs, err := w.lebBytes()
	if err != nil {
		return 0, err
	}
	var v uint64
	for i, b := range bs {
		if i > 9 || (i == 9 && b > 1) {
			return 0, errTooLong
		}
		v |= uint64(b&0x7f) << (7 * i)
	}
	return v, nil
}

// sleb reads a signed LEB128 number that must fit 64 bits.
func (w *candidWalker) sleb() (int64, error) {
	bs, err := w.lebBytes()
	if err != nil {
		return 0, err
	}
	if len(bs) > 9 {
		return 0, errTooLong // type references are small
	}
	var v int64
	for i, b := range bs {
		v |= int64(b&0x7f) << (7 * i)
	}
	if last := bs[len(bs)-1]; last&0x40 != 0 {
		v |= -1 << (7 * len(bs))
	}
	return v, nil
}
