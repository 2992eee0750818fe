package candidfast

import (
	"reflect"
	"slices"
	"testing"

	"github.com/aviate-labs/agent-go/candid"
	"github.com/aviate-labs/agent-go/candid/idl"
)

// The opt rule, on small local types: "old" is what votebot's Go types
// know, "new" what a newer canister sends.

type oldKind struct {
	A *idl.Null `ic:"A,variant"`
	B *uint64   `ic:"B,variant"`
}

type newKind struct {
	A *idl.Null `ic:"A,variant"`
	B *uint64   `ic:"B,variant"`
	C *string   `ic:"C,variant"`
}

// markedKind keeps a dropped value visible, as nns.Action does.
type markedKind struct {
	A       *idl.Null `ic:"A,variant"`
	unknown string
}

func (k *markedKind) SetUnknownTag(tag string) { k.unknown = "unknown " + tag }

type oldItem struct {
	Name  string     `ic:"name"`
	Kind  *oldKind   `ic:"kind,omitempty"`
	Kinds []*oldKind `ic:"kinds"`
	Plain oldKind    `ic:"plain"`
}

type newItem struct {
	Name  string     `ic:"name"`
	Kind  *newKind   `ic:"kind,omitempty"`
	Kinds []*newKind `ic:"kinds"`
	Plain newKind    `ic:"plain"`
}

// nestedOld has an opt record holding an opt variant: when the record is
// dropped, so is what was dropped inside it. ("kind" sorts before "count"
// on the wire, so the inner drop happens before the record fails.)
type nestedOld struct {
	Inner *struct {
		Kind *oldKind `ic:"kind,omitempty"`
		N    uint64   `ic:"count"`
	} `ic:"inner,omitempty"`
}

type nestedNew struct {
	Inner *struct {
		Kind *newKind `ic:"kind,omitempty"`
		N    string   `ic:"count"`
	} `ic:"inner,omitempty"`
}

func encode(t *testing.T, v any) []byte {
	t.Helper()
	b, err := candid.Marshal([]any{v})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestOptRule(t *testing.T) {
	c, one := "new", uint64(1)
	null := &idl.Null{}
	names := &Options{TagNames: TagNameTable("C")}
	tests := []struct {
		name    string
		reply   []byte
		into    any
		opts    *Options
		want    any
		drops   []Drop
		wantErr bool
	}{
		{"known tags decode", encode(t, newItem{Name: "x", Kind: &newKind{B: &one}, Kinds: []*newKind{{A: null}}, Plain: newKind{A: null}}),
			&oldItem{}, nil, &oldItem{Name: "x", Kind: &oldKind{B: &one}, Kinds: []*oldKind{{A: null}}, Plain: oldKind{A: null}}, nil, false},
		{"new tag under opt is null", encode(t, newItem{Name: "x", Kind: &newKind{C: &c}, Kinds: []*newKind{}, Plain: newKind{A: null}}),
			&oldItem{}, nil, &oldItem{Name: "x", Kinds: []*oldKind{}, Plain: oldKind{A: null}}, []Drop{{"candidfast.oldKind", "#" + idl.HashString("C")}}, false},
		{"tag named from the table", encode(t, newItem{Kind: &newKind{C: &c}, Plain: newKind{A: null}}),
			&oldItem{}, names, &oldItem{Kinds: []*oldKind{}, Plain: oldKind{A: null}}, []Drop{{"candidfast.oldKind", "C"}}, false},
		{"new tag in vec opt drops the element only", encode(t, newItem{Kinds: []*newKind{{A: null}, {C: &c}, {B: &one}}, Plain: newKind{A: null}}),
			&oldItem{}, names, &oldItem{Kinds: []*oldKind{{A: null}, nil, {B: &one}}, Plain: oldKind{A: null}}, []Drop{{"candidfast.oldKind", "C"}}, false},
		{"new tag not under opt fails", encode(t, newItem{Plain: newKind{C: &c}}), &oldItem{}, nil, nil, nil, true},
		{"marker kept for an UnknownTagSetter", encode(t, struct {
			K *newKind `ic:"k,omitempty"`
		}{&newKind{C: &c}}), &struct {
			K *markedKind `ic:"k,omitempty"`
		}{}, names, &struct {
			K *markedKind `ic:"k,omitempty"`
		}{&markedKind{unknown: "unknown C"}}, []Drop{{"candidfast.markedKind", "C"}}, false},
		{"outer drop replaces inner ones", encode(t, nestedNew{Inner: &struct {
			Kind *newKind `ic:"kind,omitempty"`
			N    string   `ic:"count"`
		}{Kind: &newKind{C: &c}, N: "text"}}), &nestedOld{}, names, &nestedOld{},
			[]Drop{{"struct { Kind *candidfast.oldKind \"ic:\\\"kind,omitempty\\\"\"; N uint64 \"ic:\\\"count\\\"\" }", ""}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			drops, err := Decode(tt.reply, tt.into, tt.opts)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Decode: %v, want error %v", err, tt.wantErr)
			}
			if tt.wantErr {
				return
			}
			if !slices.Equal(drops, tt.drops) {
				t.Errorf("drops %q, want %q", drops, tt.drops)
			}
			if !reflect.DeepEqual(tt.into, tt.want) {
				t.Errorf("got %+v, want %+v", tt.into, tt.want)
			}
			if Fits(mustType(t, tt.reply), mustValue(t, tt.reply), reflect.TypeOf(tt.into).Elem()) != true {
				t.Error("Fits = false for a reply Decode accepts")
			}
		})
	}
}

func mustType(t *testing.T, reply []byte) idl.Type {
	ts, _, err := candid.Decode(reply)
	if err != nil {
		t.Fatal(err)
	}
	return ts[0]
}

func mustValue(t *testing.T, reply []byte) any {
	_, vs, err := candid.Decode(reply)
	if err != nil {
		t.Fatal(err)
	}
	return vs[0]
}
