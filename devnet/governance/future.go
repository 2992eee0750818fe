package governance

import (
	"bytes"
	"fmt"
	"maps"
	"math/big"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"unsafe"

	"github.com/aviate-labs/agent-go/candid/idl"
	"github.com/aviate-labs/agent-go/leb128"
	"github.com/votebot/votebot/nns"
)

// Future actions: a proposal can carry an Action tag votebot's types do not
// know, as when the real canister gains a proposal type. Such a reply is
// encoded as a newer canister would encode it: the Action variant in the
// reply's type table has the extra tag (with an empty record as its
// value type), and the proposal's action value selects it.
//
// The proposal is stored with a Motion whose pointer stands for the future
// tag (futureSet.byMotion); the encoder writes the tag in its place, so the
// devnet's own logic (voting, following, decisions) treats it as any other
// proposal, and clients see only the tag.

// futureSet is the future tags proposals were made with so far. It is
// replaced, never changed, so encoders read it without locks.
type futureSet struct {
	tags     []string               // sorted, distinct
	byMotion map[*nns.Motion]string // the stand-in Motion of each proposal → tag
}

// knownActionTags are the tags of nns.Action: a future tag must be none of
// them.
var knownActionTags = func() []string {
	var out []string
	t := reflect.TypeFor[nns.Action]()
	for i := range t.NumField() {
		if f := t.Field(i); f.IsExported() { // the decoder's unknown-tag marker is not a case
			out = append(out, idl.ParseTags(f).Name)
		}
	}
	return out
}()

var candidIdent = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// checkFutureTag reports why tag cannot be a future Action tag.
func checkFutureTag(tag string) error {
	switch {
	case !candidIdent.MatchString(tag):
		return fmt.Errorf("future action %q is not a Candid identifier", tag)
	case slices.Contains(knownActionTags, tag):
		return fmt.Errorf("action %s is known to votebot: it is not a future action", tag)
	}
	return nil
}

// withFuture returns a set that also maps m to tag.
func (s *futureSet) withFuture(m *nns.Motion, tag string) *futureSet {
	out := &futureSet{byMotion: map[*nns.Motion]string{m: tag}}
	if s != nil {
		maps.Copy(out.byMotion, s.byMotion)
		out.tags = slices.Clone(s.tags)
	}
	if !slices.Contains(out.tags, tag) {
		out.tags = append(out.tags, tag)
		slices.Sort(out.tags)
	}
	return out
}

// futureActionType is the Action variant of a newer canister: the known
// tags plus the future ones. Everything but EncodeValue is the embedded
// variant's, so the type table holds the extended variant.
type futureActionType struct {
	idl.VariantType
	set *futureSet
}

func (t futureActionType) EncodeValue(v any) ([]byte, error) {
	var a *nns.Action
	switch v := v.(type) {
	case nns.Action:
		a = &v
	case *nns.Action:
		a = v
	}
	if a != nil && a.Motion != nil {
		if tag, ok := t.set.byMotion[a.Motion]; ok {
			return t.VariantType.EncodeValue(idl.Variant{Name: tag, Value: map[string]any{}})
		}
	}
	return t.VariantType.EncodeValue(v)
}

// withFutureActions returns t with every Action variant extended by the
// set's tags; t itself is not changed. It fails rather than let a
// proposal's stand-in Motion reach a client.
func withFutureActions(t idl.Type, set *futureSet) (idl.Type, error) {
	if set == nil || len(set.tags) == 0 {
		return t, nil
	}
	w := futureWalk{set: set, recs: map[*idl.RecursiveType]*futureRec{}, blind: new(bool)}
	out := w.walk(t)
	if *w.blind {
		return nil, fmt.Errorf("future actions: cannot see inside recursive type %s", t)
	}
	return out, nil
}

// futureWalk copies a type tree, extending Action variants. Recursive
// types (Proposal → Action → ManageNeuron → … → Proposal) are copied once:
// back-references point to the copy.
type futureWalk struct {
	set   *futureSet
	recs  map[*idl.RecursiveType]*futureRec
	blind *bool // a recursive type could not be read
}

func (w futureWalk) walk(t idl.Type) idl.Type {
	switch t := t.(type) {
	case *idl.RecursiveType:
		if r, ok := w.recs[t]; ok {
			return r
		}
		inner := recursiveInner(t)
		if inner == nil {
			*w.blind = true
			return t
		}
		r := &futureRec{name: t.String() + "+" + strings.Join(w.set.tags, "+")}
		w.recs[t] = r
		r.inner = w.walk(inner)
		return r
	case *idl.RecordType:
		return &idl.RecordType{Fields: w.fields(t.Fields), IsTuple: t.IsTuple}
	case *idl.OptionalType:
		return &idl.OptionalType{Type: w.walk(t.Type)}
	case *idl.VectorType:
		return &idl.VectorType{Type: w.walk(t.Type)}
	case *idl.VariantType:
		if !isActionVariant(t) {
			return &idl.VariantType{Fields: w.fields(t.Fields)}
		}
		fields := map[string]idl.Type{}
		for _, f := range t.Fields {
			fields[f.Name] = f.Type
		}
		for _, f := range t.Fields {
			fields[f.Name] = w.walk(f.Type)
		}
		for _, tag := range w.set.tags {
			fields[tag] = idl.NewRecordType(nil)
		}
		return futureActionType{VariantType: *idl.NewVariantType(fields), set: w.set}
	}
	return t
}

func (w futureWalk) fields(fs []idl.FieldType) []idl.FieldType {
	out := make([]idl.FieldType, len(fs))
	for i, f := range fs {
		out[i] = idl.FieldType{Name: f.Name, Type: w.walk(f.Type)}
	}
	return out
}

// recursiveInner is the type a RecursiveType stands for, nil if it cannot
// be read. agent-go v0.9.2 (pinned) does not export it;
// TestFutureActionOnTheWire fails if this stops finding it.
func recursiveInner(r *idl.RecursiveType) idl.Type {
	f := reflect.ValueOf(r).Elem().FieldByName("inner")
	if !f.IsValid() {
		return nil
	}
	inner, _ := reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem().Interface().(idl.Type)
	return inner
}

// futureRec is a recursive type of the copied tree: a name that
// back-references resolve to, and the copied inner type. Its type-table
// entry is reserved before the inner type is defined, so a reference back
// to it gets its index (a Candid forward reference).
type futureRec struct {
	name  string
	inner idl.Type
}

func (r *futureRec) String() string { return r.name }

func (r *futureRec) AddTypeDefinition(tdt *idl.TypeDefinitionTable) error {
	if _, ok := tdt.Indexes[r.name]; ok {
		return nil // defined, or being defined: a back-reference
	}
	slot := len(tdt.Types)
	tdt.Types = append(tdt.Types, nil)
	tdt.Indexes[r.name] = slot
	if err := r.inner.AddTypeDefinition(tdt); err != nil {
		return err
	}
	// The inner composite added itself last: move it into the slot.
	last := len(tdt.Types) - 1
	if idx, ok := tdt.Indexes[r.inner.String()]; !ok || idx != last {
		return fmt.Errorf("recursive type %s: inner type not defined last", r.name)
	}
	tdt.Types[slot] = tdt.Types[last]
	tdt.Types = tdt.Types[:last]
	tdt.Indexes[r.inner.String()] = slot
	return nil
}

func (r *futureRec) EncodeType(tdt *idl.TypeDefinitionTable) ([]byte, error) {
	if idx, ok := tdt.Indexes[r.name]; ok {
		return leb128.EncodeSigned(big.NewInt(int64(idx)))
	}
	return r.inner.EncodeType(tdt)
}

func (r *futureRec) Decode(rd *bytes.Reader) (any, error)  { return r.inner.Decode(rd) }
func (r *futureRec) EncodeValue(v any) ([]byte, error)     { return r.inner.EncodeValue(v) }
func (r *futureRec) UnmarshalGo(raw any, v any) error      { return r.inner.UnmarshalGo(raw, v) }
func (r *futureRec) Read(rd *bytes.Reader) ([]byte, error) { return r.inner.Read(rd) }

// isActionVariant recognises nns.Action's variant by its tags.
func isActionVariant(t *idl.VariantType) bool {
	if len(t.Fields) != len(knownActionTags) {
		return false
	}
	for _, f := range t.Fields {
		if !slices.Contains(knownActionTags, f.Name) {
			return false
		}
	}
	return true
}
