package agent

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/aviate-labs/agent-go/candid"
	"github.com/aviate-labs/agent-go/candid/idl"
)

// The fast decode path keeps agent-go's wire parser (candid.Decode, the part
// that faces hostile input) and replaces only its value→Go mapping. agent-go
// finds the Go field of every record field by hashing each struct field's
// name with math/big on every comparison, per record, per reply; for 1,000
// full neurons that was three quarters of the read. Here each struct type's
// field table is built once.
//
// The mapper mirrors idl's UnmarshalGo for records, variants, options and
// vectors and hands everything else (numbers, text, principals, null, arrays,
// maps, interfaces, RawMessage…) to idl.UnmarshalGo itself, so the values are
// the ones candid.Unmarshal gives, and so are the errors: the first value
// that does not fit fails in the same idl call as before. When the fast path
// declines (its wire parse fails, a target it does not take, a panic)
// decode runs candid.Unmarshal, whose outcome is the answer.

// errFastUnsupported makes decode take candid.Unmarshal.
var errFastUnsupported = errors.New("fast decode: unsupported target")

var (
	rawMessagePtr = reflect.TypeFor[*idl.RawMessage]()
	anyMapPtr     = reflect.TypeFor[*map[string]any]()
)

// fieldTables caches a *fieldTable per struct reflect.Type. It only ever
// grows by the struct types the agent decodes into.
var fieldTables sync.Map

// fieldTable maps a Candid field name (as candid.Decode names wire fields:
// the decimal hash; or the plain name) to a Go struct field index.
type fieldTable struct {
	// record holds the first matching field (idl's record lookup stops at
	// the first match), variant the last one (idl's variant lookup does not
	// stop).
	record, variant map[string]int
	// exported is false when the struct has an unexported field: idl would
	// panic on it if it matched, so such structs are left to idl.
	exported bool
}

func tableFor(t reflect.Type) *fieldTable {
	if tab, ok := fieldTables.Load(t); ok {
		return tab.(*fieldTable)
	}
	tab := &fieldTable{record: map[string]int{}, variant: map[string]int{}, exported: true}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			tab.exported = false
		}
		name := idl.ParseTags(f).Name
		for _, key := range []string{name, idl.HashString(name)} {
			if _, seen := tab.record[key]; !seen {
				tab.record[key] = i
			}
			tab.variant[key] = i
		}
	}
	actual, _ := fieldTables.LoadOrStore(t, tab)
	return actual.(*fieldTable)
}

// lowerFirst is the lookup key idl derives from a field name: its first
// byte lower-cased. Wire names are decimal hashes, which it leaves alone.
func lowerFirst(s string) string {
	if s == "" || (s[0] >= '0' && s[0] <= '9') || (s[0] >= 'a' && s[0] <= 'z') {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// declinedError is a fast decode that did not get as far as mapping a
// value (agent-go's wire parse failed — candid.Decode rejects trailing bytes,
// which candid.Unmarshal accepts), or a target or panic it leaves to
// candid.Unmarshal.
type declinedError struct{ err error }

func (e *declinedError) Error() string { return "fast decode declined: " + e.err.Error() }
func (e *declinedError) Unwrap() error { return e.err }

// decodeFast decodes a single-value reply into out (a non-nil pointer). A
// *declinedError means "ask candid.Unmarshal"; any other error is the one
// candid.Unmarshal gives for the reply (a value that does not fit out).
func decodeFast(reply []byte, out any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &declinedError{fmt.Errorf("panic: %v", r)}
		}
	}()
	p := reflect.ValueOf(out)
	if p.Kind() != reflect.Pointer || p.IsNil() || p.Type() == rawMessagePtr {
		return &declinedError{errFastUnsupported}
	}
	types, values, err := candid.Decode(reply)
	if err != nil {
		return &declinedError{err}
	}
	if len(types) != 1 || len(values) != 1 {
		return &declinedError{fmt.Errorf("%d values, want 1", len(types))}
	}
	return mapValue(types[0], values[0], p)
}

// mapValue is idl.UnmarshalGo(t, raw, p.Interface()) for a non-nil pointer p.
func mapValue(t idl.Type, raw any, p reflect.Value) error {
	if p.Type() != rawMessagePtr {
		switch t := t.(type) {
		case *idl.RecordType:
			return mapRecord(t, raw, p)
		case *idl.VariantType:
			return mapVariant(t, raw, p)
		case *idl.OptionalType:
			return mapOption(t, raw, p)
		case *idl.VectorType:
			return mapVector(t, raw, p)
		}
	}
	return idl.UnmarshalGo(t, raw, p.Interface())
}

// structTarget returns p's struct and its field table when the fast mapper
// handles it; otherwise idl must (maps, interfaces, errors).
func structTarget(p reflect.Value) (reflect.Value, *fieldTable, bool) {
	if p.Type() == anyMapPtr {
		return reflect.Value{}, nil, false
	}
	v := p.Elem()
	if v.Kind() != reflect.Struct {
		return reflect.Value{}, nil, false
	}
	tab := tableFor(v.Type())
	return v, tab, tab.exported
}

// mapRecord mirrors idl.RecordType.UnmarshalGo: wire fields the struct lacks
// are skipped, struct fields the wire lacks are left alone.
func mapRecord(rec *idl.RecordType, raw any, p reflect.Value) error {
	if raw == nil && rec.Fields == nil {
		return nil // empty record
	}
	m, isMap := raw.(map[string]any)
	v, tab, ok := structTarget(p)
	if !isMap || !ok {
		return idl.UnmarshalGo(rec, raw, p.Interface())
	}
	for _, f := range rec.Fields {
		i, found := tab.record[lowerFirst(f.Name)]
		if !found {
			continue
		}
		if err := mapValue(f.Type, m[f.Name], v.Field(i).Addr()); err != nil {
			return err
		}
	}
	return nil
}

// mapVariant mirrors idl.VariantType.UnmarshalGo: the case's pointer field
// is set (reused when already set); other fields are left alone.
func mapVariant(vt *idl.VariantType, raw any, p reflect.Value) error {
	vr, isVariant := raw.(*idl.Variant)
	v, tab, ok := structTarget(p)
	if !isVariant || !ok {
		return idl.UnmarshalGo(vt, raw, p.Interface())
	}
	name := lowerFirst(vr.Name)
	i, found := tab.variant[name]
	if !found {
		return idl.UnmarshalGo(vt, raw, p.Interface()) // idl's error
	}
	for _, f := range vt.Fields {
		if f.Name != name {
			continue
		}
		field := v.Field(i)
		if field.Kind() != reflect.Pointer {
			return idl.UnmarshalGo(vt, raw, p.Interface()) // idl's error
		}
		if field.IsNil() {
			field.Set(reflect.New(field.Type().Elem()))
		}
		return mapValue(f.Type, vr.Value, field)
	}
	return idl.UnmarshalGo(vt, raw, p.Interface()) // idl's error
}

// mapOption mirrors idl.OptionalType.UnmarshalGo: null leaves the target
// alone; a value goes into the pointer (allocated unless already set).
func mapOption(opt *idl.OptionalType, raw any, p reflect.Value) error {
	if raw == nil {
		return nil
	}
	v := p.Elem()
	if v.Kind() != reflect.Pointer {
		return idl.UnmarshalGo(opt, raw, p.Interface()) // idl's error
	}
	if !v.IsNil() {
		return mapValue(opt.Type, raw, v)
	}
	ptr := reflect.New(v.Type().Elem())
	if err := mapValue(opt.Type, raw, ptr); err != nil {
		return err
	}
	v.Set(ptr)
	return nil
}

// mapVector mirrors idl.VectorType.UnmarshalGo for slices: the result has
// exactly the wire's elements (an empty vector gives a non-nil empty slice),
// existing elements are decoded into in place. Unlike idl it sizes the slice
// once instead of appending element by element.
func mapVector(vec *idl.VectorType, raw any, p reflect.Value) error {
	v := p.Elem()
	elems, isSlice := raw.([]any)
	if v.Kind() != reflect.Slice || (raw != nil && !isSlice) {
		return idl.UnmarshalGo(vec, raw, p.Interface())
	}
	if raw == nil {
		v.SetZero()
		return nil
	}
	if v.IsNil() || v.Len() < len(elems) {
		grown := reflect.MakeSlice(v.Type(), len(elems), len(elems))
		reflect.Copy(grown, v)
		v.Set(grown)
	} else if v.Len() > len(elems) {
		v.Set(v.Slice(0, len(elems)))
	}
	for i, e := range elems {
		if err := mapValue(vec.Type, e, v.Index(i).Addr()); err != nil {
			return err
		}
	}
	return nil
}
