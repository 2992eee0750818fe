package agent

import (
	"fmt"
	"reflect"

	"github.com/aviate-labs/agent-go/candid"
	"github.com/aviate-labs/agent-go/candid/idl"

	"github.com/votebot/votebot/agent/internal/candidfast"
)

// locateField finds the path of the first field of reply that does not
// decode into out's type, e.g. "proposal_info[3].latest_tally.yes", by
// decoding generically and retrying field by field. It returns "" when the
// reply is not even valid Candid or the culprit cannot be isolated.
func locateField(reply []byte, out any) (path string) {
	defer func() {
		if recover() != nil {
			path = ""
		}
	}()
	types, values, err := candid.Decode(reply)
	if err != nil || len(types) != 1 || len(values) != 1 {
		return ""
	}
	return locate(types[0], values[0], reflect.TypeOf(out).Elem(), "")
}

// fits uses the fast mapper (candidfast), opt rule included:
// idl.UnmarshalGo's result at a fraction of its cost, which retrying field
// by field multiplies.
func fits(typ idl.Type, raw any, target reflect.Type) bool {
	return candidfast.Fits(typ, raw, target)
}

func locate(typ idl.Type, raw any, target reflect.Type, path string) string {
	if fits(typ, raw, target) {
		return ""
	}
	for target.Kind() == reflect.Pointer {
		if opt, ok := typ.(*idl.OptionalType); ok {
			if raw == nil {
				return path
			}
			typ = opt.Type
		}
		target = target.Elem()
	}
	switch t := typ.(type) {
	case *idl.RecordType:
		if p := locateRecord(t.Fields, raw, target, path); p != "" {
			return p
		}
	case *idl.VariantType:
		if v, ok := raw.(*idl.Variant); ok && target.Kind() == reflect.Struct {
			if p := locateRecord([]idl.FieldType{{Name: v.Name, Type: v.Type}}, map[string]any{v.Name: v.Value}, target, path); p != "" {
				return p
			}
		}
	case *idl.VectorType:
		if elems, ok := raw.([]any); ok && target.Kind() == reflect.Slice {
			for i, e := range elems {
				if !fits(t.Type, e, target.Elem()) {
					return locate(t.Type, e, target.Elem(), fmt.Sprintf("%s[%d]", path, i))
				}
			}
		}
	}
	if path == "" {
		return "(reply)"
	}
	return path
}

func locateRecord(fields []idl.FieldType, raw any, target reflect.Type, path string) string {
	m, ok := raw.(map[string]any)
	if !ok || target.Kind() != reflect.Struct {
		return ""
	}
	for _, f := range fields {
		sf, name, found := goField(target, f.Name)
		if !found {
			continue // skipped by the decoder too
		}
		sub := name
		if path != "" {
			sub = path + "." + name
		}
		if !fits(f.Type, m[f.Name], sf.Type) {
			return locate(f.Type, m[f.Name], sf.Type, sub)
		}
	}
	return ""
}

// goField finds the struct field for a Candid field name, which on the wire
// is the field's hash.
func goField(target reflect.Type, candidName string) (reflect.StructField, string, bool) {
	for i := range target.NumField() {
		f := target.Field(i)
		tag := idl.ParseTags(f)
		if tag.Name == candidName || idl.HashString(tag.Name) == candidName {
			return f, tag.Name, true
		}
	}
	return reflect.StructField{}, "", false
}
