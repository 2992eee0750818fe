package candidfast

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/aviate-labs/agent-go/candid"
	"github.com/aviate-labs/agent-go/candid/idl"
)

// The mapper mirrors idl's UnmarshalGo for records, variants, options and
// vectors and hands everything else (numbers, text, principals, null,
// arrays, maps, interfaces, RawMessage…) to idl.UnmarshalGo itself, so the
// values are the ones candid.Unmarshal gives, and so are the errors outside
// opt: the first value that does not fit fails in the same idl call. Under
// opt it applies the Candid opt rule instead (see mapOption). When Decode
// declines (its wire parse fails, a target it does not take, a panic) the
// caller decides what to do with the reply.

// ErrUnsupported is a target Decode does not take.
var ErrUnsupported = errors.New("fast decode: unsupported target")

var (
	rawMessagePtr = reflect.TypeFor[*idl.RawMessage]()
	anyMapPtr     = reflect.TypeFor[*map[string]any]()
	unknownSetter = reflect.TypeFor[UnknownTagSetter]()
)

// UnknownTagSetter is implemented by (a pointer to) a Go type whose dropped
// values must stay visible: when the opt rule drops a value of that type,
// the mapper stores a new zero value on which SetUnknownTag was called
// instead of null. tag is as in Drop.
type UnknownTagSetter interface {
	SetUnknownTag(tag string)
}

// Drop is one value the opt rule turned into null (or into an unknown
// marker, see UnknownTagSetter).
type Drop struct {
	// GoType is the Go type the value did not fit, e.g. "nns.Action".
	GoType string
	// Tag names the variant tag the Go type lacks, when that is why: the
	// name if Options.TagNames knows the wire hash, else "#<hash>". It is
	// "" for any other mismatch.
	Tag string
}

// Options configure Decode.
type Options struct {
	// TagNames maps the wire hashes of variant tags to their names (see
	// TagNameTable), so a Drop can name a tag the Go types lack.
	TagNames map[string]string
}

// TagNameTable builds Options.TagNames from tag names.
func TagNameTable(names ...string) map[string]string {
	m := make(map[string]string, len(names))
	for _, n := range names {
		m[idl.HashString(n)] = n
	}
	return m
}

// DeclinedError is a Decode that did not get as far as mapping a value
// (agent-go's wire parse failed: candid.Decode rejects trailing bytes,
// which candid.Unmarshal accepts), or a target or panic it leaves to the
// caller.
type DeclinedError struct{ Err error }

func (e *DeclinedError) Error() string { return "fast decode declined: " + e.Err.Error() }
func (e *DeclinedError) Unwrap() error { return e.Err }

// Decode decodes a single-value reply into out (a non-nil pointer) and
// returns the values the opt rule dropped. A *DeclinedError means the reply
// was not decoded; any other error is the one candid.Unmarshal gives for a
// value that does not fit out outside any opt.
func Decode(reply []byte, out any, o *Options) (drops []Drop, err error) {
	defer func() {
		if r := recover(); r != nil {
			drops, err = nil, &DeclinedError{fmt.Errorf("panic: %v", r)}
		}
	}()
	p := reflect.ValueOf(out)
	if p.Kind() != reflect.Pointer || p.IsNil() || p.Type() == rawMessagePtr {
		return nil, &DeclinedError{ErrUnsupported}
	}
	types, values, err := candid.Decode(reply)
	if err != nil {
		return nil, &DeclinedError{err}
	}
	if len(types) != 1 || len(values) != 1 {
		return nil, &DeclinedError{fmt.Errorf("%d values, want 1", len(types))}
	}
	m := mapper{}
	if o != nil {
		m.names = o.TagNames
	}
	if err := m.value(types[0], values[0], p); err != nil {
		return nil, err
	}
	return m.drops, nil
}

// Fits reports whether a parsed value of wire type typ maps into a new
// value of type target (opt rule included).
func Fits(typ idl.Type, raw any, target reflect.Type) bool {
	m := mapper{}
	return m.value(typ, raw, reflect.New(target)) == nil
}

// mapper is the state of one decode.
type mapper struct {
	names map[string]string
	drops []Drop
	// tag is the last variant tag the Go types lacked, since the innermost
	// opt being decoded began.
	tag string
}

// fieldTables caches a *fieldTable per struct reflect.Type. It only ever
// grows by the struct types the agent decodes into.
var fieldTables sync.Map

// fieldTable maps a Candid field name (as candid.Decode names wire fields:
// the decimal hash; or the plain name) to a Go struct field index.
type fieldTable struct {
	// record holds the first matching field (idl's record lookup stops at
	// the first match), variant the last one (idl's variant lookup does not
	// stop). Unexported fields are never matched: idl would panic setting
	// them, the mapper skips them.
	record, variant map[string]int
}

func tableFor(t reflect.Type) *fieldTable {
	if tab, ok := fieldTables.Load(t); ok {
		return tab.(*fieldTable)
	}
	tab := &fieldTable{record: map[string]int{}, variant: map[string]int{}}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
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

// tagName names a wire variant tag for a Drop.
func (m *mapper) tagName(wire string) string {
	if n, ok := m.names[wire]; ok {
		return n
	}
	if wire != "" && wire[0] >= '0' && wire[0] <= '9' {
		return "#" + wire
	}
	return wire
}

// value is idl.UnmarshalGo(t, raw, p.Interface()) for a non-nil pointer p,
// with the opt rule.
func (m *mapper) value(t idl.Type, raw any, p reflect.Value) error {
	if p.Type() != rawMessagePtr {
		switch t := t.(type) {
		case *idl.RecordType:
			return m.record(t, raw, p)
		case *idl.VariantType:
			return m.variant(t, raw, p)
		case *idl.OptionalType:
			return m.option(t, raw, p)
		case *idl.VectorType:
			return m.vector(t, raw, p)
		}
	}
	return idl.UnmarshalGo(t, raw, p.Interface())
}

// structTarget returns p's struct and its field table when the mapper
// handles it; otherwise idl must (maps, interfaces, errors).
func structTarget(p reflect.Value) (reflect.Value, *fieldTable, bool) {
	if p.Type() == anyMapPtr {
		return reflect.Value{}, nil, false
	}
	v := p.Elem()
	if v.Kind() != reflect.Struct {
		return reflect.Value{}, nil, false
	}
	return v, tableFor(v.Type()), true
}

// record mirrors idl.RecordType.UnmarshalGo: wire fields the struct lacks
// are skipped, struct fields the wire lacks are left alone.
func (m *mapper) record(rec *idl.RecordType, raw any, p reflect.Value) error {
	if raw == nil && rec.Fields == nil {
		return nil // empty record
	}
	fields, isMap := raw.(map[string]any)
	v, tab, ok := structTarget(p)
	if !isMap || !ok {
		return idl.UnmarshalGo(rec, raw, p.Interface())
	}
	for _, f := range rec.Fields {
		i, found := tab.record[lowerFirst(f.Name)]
		if !found {
			continue
		}
		if err := m.value(f.Type, fields[f.Name], v.Field(i).Addr()); err != nil {
			return err
		}
	}
	return nil
}

// variant mirrors idl.VariantType.UnmarshalGo: the case's pointer field is
// set (reused when already set); other fields are left alone. A tag the Go
// type lacks is remembered for the enclosing opt's Drop.
func (m *mapper) variant(vt *idl.VariantType, raw any, p reflect.Value) error {
	vr, isVariant := raw.(*idl.Variant)
	v, tab, ok := structTarget(p)
	if !isVariant || !ok {
		return idl.UnmarshalGo(vt, raw, p.Interface())
	}
	name := lowerFirst(vr.Name)
	i, found := tab.variant[name]
	if !found {
		m.tag = m.tagName(vr.Name)
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
		return m.value(f.Type, vr.Value, field)
	}
	return idl.UnmarshalGo(vt, raw, p.Interface()) // idl's error
}

// option mirrors idl.OptionalType.UnmarshalGo (null leaves the target
// alone; a value goes into the pointer, allocated unless already set) and
// adds the Candid opt rule: a value that does not fit the pointer's type
// becomes null, and is counted as a Drop. A target that is not a pointer
// (not an opt) is idl's error: the rule covers only expected opt types.
func (m *mapper) option(opt *idl.OptionalType, raw any, p reflect.Value) error {
	if raw == nil {
		return nil
	}
	v := p.Elem()
	if v.Kind() != reflect.Pointer {
		return idl.UnmarshalGo(opt, raw, p.Interface()) // idl's error
	}
	outerTag, drops := m.tag, len(m.drops)
	m.tag = ""
	ptr := v
	if v.IsNil() {
		ptr = reflect.New(v.Type().Elem())
	}
	err := m.value(opt.Type, raw, ptr)
	tag := m.tag
	m.tag = outerTag
	if err == nil {
		v.Set(ptr)
		return nil
	}
	// The whole value is gone: so are the drops inside it.
	m.drops = append(m.drops[:drops], Drop{GoType: v.Type().Elem().String(), Tag: tag})
	v.SetZero()
	if reflect.PointerTo(v.Type().Elem()).Implements(unknownSetter) {
		marker := reflect.New(v.Type().Elem())
		marker.Interface().(UnknownTagSetter).SetUnknownTag(tag)
		v.Set(marker)
	}
	return nil
}

// vector mirrors idl.VectorType.UnmarshalGo for slices: the result has
// exactly the wire's elements (an empty vector gives a non-nil empty
// slice), existing elements are decoded into in place. Unlike idl it sizes
// the slice once instead of appending element by element.
func (m *mapper) vector(vec *idl.VectorType, raw any, p reflect.Value) error {
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
		if err := m.value(vec.Type, e, v.Index(i).Addr()); err != nil {
			return err
		}
	}
	return nil
}
