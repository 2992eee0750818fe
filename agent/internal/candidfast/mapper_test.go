package candidfast

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"testing"

	"github.com/aviate-labs/agent-go/candid"
	"github.com/aviate-labs/agent-go/candid/idl"
	"github.com/aviate-labs/agent-go/principal"

	"github.com/votebot/votebot/nns"
)

// replyTypes are the Go types the agent decodes replies into (see
// governance.go and manage.go), plus oddShapes for the Candid shapes the
// nns types do not use.
var replyTypes = []reflect.Type{
	reflect.TypeFor[nns.ListNeuronsResponse](),
	reflect.TypeFor[nns.ListProposalInfoResponse](),
	reflect.TypeFor[*nns.ProposalInfo](),
	reflect.TypeFor[[]nns.ProposalInfo](),
	reflect.TypeFor[nns.NeuronInfoResult](),
	reflect.TypeFor[nns.FullNeuronResult](),
	reflect.TypeFor[nns.ListKnownNeuronsResponse](),
	reflect.TypeFor[nns.RewardEvent](),
	reflect.TypeFor[nns.NetworkEconomics](),
	reflect.TypeFor[nns.ManageNeuronResponse](),
	reflect.TypeFor[oddShapes](),
}

// oddShapes covers big nats and ints, the narrow number widths, floats,
// blobs, nested vectors and options, tuples, an untagged field name and a
// plain (non-optional) variant.
type oddShapes struct {
	N        idl.Nat               `ic:"n"`
	I        idl.Int               `ic:"i"`
	OptNat   *idl.Nat              `ic:"opt_nat,omitempty"`
	U8       uint8                 `ic:"u8"`
	U16      uint16                `ic:"u16"`
	I8       int8                  `ic:"i8"`
	I16      int16                 `ic:"i16"`
	I64      int64                 `ic:"i64"`
	F64      float64               `ic:"f64"`
	Blob     []byte                `ic:"blob"`
	OptBlob  *[]byte               `ic:"opt_blob,omitempty"`
	Keys     []principal.Principal `ic:"keys"`
	Matrix   [][]uint32            `ic:"matrix"`
	OptVec   *[]*uint64            `ic:"opt_vec,omitempty"`
	Choice   oddVariant            `ic:"choice"`
	Pair     oddTuple              `ic:"pair"`
	Untagged uint64
}

type oddVariant struct {
	Nothing *idl.Null        `ic:"Nothing,variant"`
	Empty   *nns.EmptyRecord `ic:"Empty,variant"`
	Text    *string          `ic:"Text,variant"`
	Nested  *oddTuple        `ic:"Nested,variant"`
	Big     *idl.Nat         `ic:"Big,variant"`
}

type oddTuple struct {
	A uint64 `ic:"0,tuple"`
	B string `ic:"1,tuple"`
}

func marshalValue(t testing.TB, v any) []byte {
	t.Helper()
	reply, err := candid.Marshal([]any{v})
	if err != nil {
		t.Fatalf("marshal %T: %v", v, err)
	}
	return reply
}

// oldDecode is the decode this package used before the fast path:
// candid.Unmarshal, with its panics turned into errors.
func oldDecode(reply []byte, out any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return candid.Unmarshal(reply, []any{out})
}

// compareDecoders decodes reply into a new target of type typ by both
// paths (the fast one without trailing bytes, as the agent calls it) and
// returns the fast path's error. A fast result without drops must be the
// old path's result; a fast result with drops (the opt rule) must be one
// the old path, which lacks the rule, rejects; a fast error that is not a
// decline must be the old path's error, word for word.
func compareDecoders(t testing.TB, reply []byte, typ reflect.Type) error {
	t.Helper()
	fast, old := reflect.New(typ), reflect.New(typ)
	end, err := CheckBounds(reply)
	if err != nil {
		end = len(reply)
	}
	drops, errFast := Decode(reply[:end], fast.Interface(), nil)
	errOld := oldDecode(reply, old.Interface())
	var declined *DeclinedError
	switch {
	case errors.As(errFast, &declined):
	case errFast != nil:
		if errOld == nil || withoutAddresses(errOld.Error()) != withoutAddresses(errFast.Error()) {
			t.Fatalf("%v: fast path error %q, candid.Unmarshal's %v; reply %x", typ, errFast, errOld, reply)
		}
	case len(drops) > 0:
		if errOld == nil {
			t.Fatalf("%v: fast path dropped %v from a reply candid.Unmarshal decodes whole; reply %x", typ, drops, reply)
		}
	case errOld != nil:
		t.Fatalf("%v: fast path decoded what candid.Unmarshal rejects (%v) and dropped nothing; reply %x", typ, errOld, reply)
	default:
		if d := firstDiff(fast.Elem(), old.Elem(), typ.String()); d != "" {
			t.Fatalf("fast path differs from candid.Unmarshal at %s; reply %x", d, reply)
		}
	}
	return errFast
}

func TestDecodeFastMatchesUnmarshal(t *testing.T) {
	perType := 100
	if os.Getenv("VOTEBOT_SOAK") == "1" {
		perType = 3000
	}
	for _, typ := range replyTypes {
		t.Run(typ.String(), func(t *testing.T) {
			g := newValueGen(uint64(len(typ.String())))
			for i := range perType {
				v := g.value(typ, 6)
				reply, err := candid.Marshal([]any{v.Interface()})
				if err != nil {
					t.Fatalf("value %d: marshal: %v", i, err)
				}
				if err := compareDecoders(t, reply, typ); err != nil {
					t.Fatalf("value %d: fast path failed on a well-typed reply: %v", i, err)
				}
			}
		})
	}
}

// TestDecodeFastAcrossTypes decodes each type's encodings into every other
// type: mostly mismatches, which the fast path must not accept unless the
// old path does, with the same value.
func TestDecodeFastAcrossTypes(t *testing.T) {
	g := newValueGen(7)
	for _, from := range replyTypes {
		for range 10 {
			reply, err := candid.Marshal([]any{g.value(from, 4).Interface()})
			if err != nil {
				t.Fatal(err)
			}
			for _, into := range replyTypes {
				compareDecoders(t, reply, into)
			}
		}
	}
}

// ballotV2 is nns.BallotInfo as a newer canister might send it: an extra
// plain field, an extra option and an extra variant; ballotV0 lacks
// proposal_id.
type ballotV2 struct {
	Vote       int32           `ic:"vote"`
	ProposalId *nns.ProposalId `ic:"proposal_id,omitempty"`
	Comment    string          `ic:"comment"`
	Weight     *uint64         `ic:"weight,omitempty"`
	Kind       oddVariant      `ic:"kind"`
}

type ballotV0 struct {
	Vote int32 `ic:"vote"`
}

func TestDecodeFastFieldsAddedOrMissing(t *testing.T) {
	text := "x"
	tests := []struct {
		name string
		sent any
		want nns.BallotInfo
	}{
		{"wire has extra fields", ballotV2{Vote: 1, ProposalId: &nns.ProposalId{Id: 7}, Comment: "c", Weight: new(uint64), Kind: oddVariant{Text: &text}},
			nns.BallotInfo{Vote: 1, ProposalId: &nns.ProposalId{Id: 7}}},
		{"wire lacks a field", ballotV0{Vote: 2}, nns.BallotInfo{Vote: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reply, err := candid.Marshal([]any{[]any{tt.sent}})
			if err != nil {
				t.Fatal(err)
			}
			var got []nns.BallotInfo
			if drops, err := Decode(reply, &got, nil); err != nil || drops != nil {
				t.Fatalf("Decode: %v, %v", drops, err)
			}
			if len(got) != 1 || !reflect.DeepEqual(got[0], tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
			compareDecoders(t, reply, reflect.TypeFor[[]nns.BallotInfo]())
		})
	}
}

// TestDecodeFastLeavesToIdl checks the shapes the fast path hands to
// agent-go: whole replies it declines (the agent then runs
// candid.Unmarshal) and targets it passes to idl.UnmarshalGo; where it does
// not decline, its answer is the old one.
func TestDecodeFastLeavesToIdl(t *testing.T) {
	type hidden struct {
		Vote int32 `ic:"vote"`
		//lint:ignore U1000 the unexported field is what this case hands to agent-go
		note string
	}
	ballot, err := candid.Marshal([]any{nns.BallotInfo{Vote: 1}})
	if err != nil {
		t.Fatal(err)
	}
	trailing := append(append([]byte{}, ballot...), 0)
	tests := []struct {
		name     string
		reply    []byte
		out      func() any
		declined bool
	}{
		{"unexported field", ballot, func() any { return new(hidden) }, false},
		{"map target", ballot, func() any { return new(map[string]any) }, false},
		{"raw message", ballot, func() any { return new(idl.RawMessage) }, true},
		{"trailing bytes", trailing, func() any { return new(nns.BallotInfo) }, true},
		{"not candid", []byte("DIDX"), func() any { return new(nns.BallotInfo) }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var declined *DeclinedError
			got := tt.out()
			_, errNew := Decode(tt.reply, got, nil)
			if errors.As(errNew, &declined) != tt.declined {
				t.Fatalf("Decode error %v, want declined %v", errNew, tt.declined)
			}
			if tt.declined {
				return
			}
			want := tt.out()
			errOld := oldDecode(tt.reply, want)
			if (errNew == nil) != (errOld == nil) || !reflect.DeepEqual(got, want) {
				t.Errorf("decode = %v, %+v; candid.Unmarshal = %v, %+v", errNew, got, errOld, want)
			}
		})
	}
}

// withoutAddresses blanks the pointers (the decoded *idl.Variant values)
// that idl's error messages print.
func withoutAddresses(s string) string { return addressPattern.ReplaceAllString(s, "0x?") }

var addressPattern = regexp.MustCompile(`0x[0-9a-f]+`)

// firstDiff names the first place where a and b differ ("" if equal as
// reflect.DeepEqual sees them).
func firstDiff(a, b reflect.Value, path string) string {
	if reflect.DeepEqual(a.Interface(), b.Interface()) {
		return ""
	}
	switch a.Kind() {
	case reflect.Pointer:
		if !a.IsNil() && !b.IsNil() {
			return firstDiff(a.Elem(), b.Elem(), path)
		}
	case reflect.Struct:
		for i := range a.NumField() {
			if a.Type().Field(i).IsExported() {
				if d := firstDiff(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name); d != "" {
					return d
				}
			}
		}
	case reflect.Slice:
		if a.Len() == b.Len() && a.IsNil() == b.IsNil() {
			for i := range a.Len() {
				if d := firstDiff(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i)); d != "" {
					return d
				}
			}
		}
	}
	return fmt.Sprintf("%s: fast %#v, old %#v", path, a.Interface(), b.Interface())
}
