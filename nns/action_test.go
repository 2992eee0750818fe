package nns

import (
	"slices"
	"testing"

	"github.com/aviate-labs/agent-go/candid"
)

func TestActionKind(t *testing.T) {
	var unknown Action
	unknown.SetUnknownTag("Batch")
	tests := []struct {
		name string
		a    *Action
		kind string
		tag  string
		unk  bool
	}{
		{"nil", nil, "", "", false},
		{"none", &Action{}, "", "", false},
		{"motion", &Action{Motion: &Motion{}}, "Motion", "", false},
		{"batch", &Action{Batch: &Batch{}}, "Batch", "", false},
		{"unknown", &unknown, ActionUnknown, "Batch", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tag, unk := tt.a.UnknownTag()
			if k := tt.a.Kind(); k != tt.kind || tag != tt.tag || unk != tt.unk {
				t.Errorf("Kind %q, UnknownTag %q %v; want %q, %q %v", k, tag, unk, tt.kind, tt.tag, tt.unk)
			}
		})
	}
}

// TestUnknownActionIsNotEncoded: the marker is the decoder's; encoding an
// unknown action fails instead of sending something else.
func TestUnknownActionIsNotEncoded(t *testing.T) {
	var a Action
	a.SetUnknownTag("Batch")
	if _, err := candid.Marshal([]any{a}); err == nil {
		t.Error("an unknown action was encoded")
	}
}

func TestNewestParity(t *testing.T) {
	for fn := int32(53); fn <= NnsFunctionMax; fn++ {
		if _, ok := NnsFunctionTopic(fn); !ok {
			t.Errorf("nns_function %d unknown", fn)
		}
	}
	names := VariantTagNames()
	for _, n := range []string{"Batch", "Motion", "CatchAll", "WhenDissolvedTimestampSeconds", "SetFollowing"} {
		if !slices.Contains(names, n) {
			t.Errorf("VariantTagNames lacks %s", n)
		}
	}
	if Topic(25).Known() || Topic(25).String() != "Topic(25)" {
		t.Errorf("Topic(25): Known %v, String %q", Topic(25).Known(), Topic(25))
	}
}

func TestParseAnyTopic(t *testing.T) {
	tests := []struct {
		in    string
		want  Topic
		known bool
		err   bool
	}{
		{"25", 25, false, false},
		{" 4 ", TopicGovernance, true, false},
		{"Governance", TopicGovernance, true, false},
		{"-1", 0, false, true},
		{"99999999999", 0, false, true},
		{"Nonsense", 0, false, true},
	}
	for _, tt := range tests {
		got, err := ParseAnyTopic(tt.in)
		if (err != nil) != tt.err || (err == nil && (got != tt.want || got.Known() != tt.known)) {
			t.Errorf("ParseAnyTopic(%q) = %v (known %v), %v", tt.in, got, got.Known(), err)
		}
	}
	if _, err := ParseTopic("25"); err == nil {
		t.Error("ParseTopic accepted an unknown number")
	}
}
