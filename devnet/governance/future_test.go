package governance

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aviate-labs/agent-go/candid"
	"github.com/aviate-labs/agent-go/candid/idl"
	"github.com/votebot/votebot/nns"
)

// A proposal with a future action goes out as a newer canister would send
// it: decoded without votebot's types, the reply's action is the future
// tag, the topic is the unknown number, and the proposals beside it keep
// their own tags. Every reply that can carry an action has the tag in its
// Action type from then on.
func TestFutureActionOnTheWire(t *testing.T) {
	c, _ := newCanister(t, "", nil)
	addNeuron(t, c, 1, 100*icp, nil)
	addNeuron(t, c, 2, 1000*icp, nil) // keeps the proposals open
	known := submit(t, c, motion(1))
	spec := motion(1)
	spec.FutureAction, spec.Topic = "SomeFutureAction", 25
	future := submit(t, c, spec)

	for _, m := range []struct {
		method string
		arg    any
	}{
		{"list_proposals", nns.ListProposalInfoRequest{}},
		{"get_pending_proposals", (*nns.GetPendingProposalsRequest)(nil)},
		{"get_proposal_info", future},
	} {
		t.Run(m.method, func(t *testing.T) {
			raw, err := callRaw(c, m.method, user(1), m.arg)
			if err != nil {
				t.Fatal(err)
			}
			got := wireActions(t, raw)
			if got[future] != "SomeFutureAction/25" {
				t.Errorf("proposal %d on the wire: %q, want action SomeFutureAction on topic 25", future, got[future])
			}
			if m.method != "get_proposal_info" && got[known] != "Motion/4" {
				t.Errorf("proposal %d on the wire: %q, want Motion on topic 4", known, got[known])
			}
		})
	}
	// A known proposal still decodes with votebot's types, the extended
	// Action type notwithstanding.
	var kp *nns.ProposalInfo
	call(t, c, "get_proposal_info", user(1), known, &kp)
	if kp == nil || kp.Proposal == nil || kp.Proposal.Action == nil || kp.Proposal.Action.Motion == nil {
		t.Errorf("known proposal decoded as %+v", kp)
	}
	// The future one is really unknown to votebot's types: it never
	// decodes as the devnet's stand-in Motion.
	raw, err := callRaw(c, "get_proposal_info", user(1), future)
	if err != nil {
		t.Fatal(err)
	}
	var pi *nns.ProposalInfo
	if err := candid.Unmarshal(raw, []any{&pi}); err == nil && pi != nil && pi.Proposal != nil && pi.Proposal.Action != nil &&
		pi.Proposal.Action.Motion != nil {
		t.Errorf("the future action decoded as a Motion: the stand-in leaked onto the wire")
	}
}

// wireActions decodes a reply with no Go types (Candid's own generic
// decoding) and returns, per proposal id, "action tag/topic".
func wireActions(t *testing.T, raw []byte) map[uint64]string {
	t.Helper()
	_, vals, err := candid.Decode(raw)
	if err != nil || len(vals) != 1 {
		t.Fatalf("decode: %d values, %v", len(vals), err)
	}
	var infos []any
	switch v := vals[0].(type) {
	case map[string]any: // ListProposalInfoResponse, or opt ProposalInfo
		if list, ok := v[hash("proposal_info")].([]any); ok {
			infos = list
		} else {
			infos = []any{v}
		}
	case []any: // vec ProposalInfo
		infos = v
	}
	tags := actionTagNames()
	out := map[uint64]string{}
	for _, it := range infos {
		info, ok := it.(map[string]any)
		if !ok {
			t.Fatalf("proposal info decoded as %T", it)
		}
		id := info[hash("id")].(map[string]any)[hash("id")].(uint64)
		topic := info[hash("topic")].(int32)
		body := info[hash("proposal")].(map[string]any)
		action, ok := body[hash("action")].(*idl.Variant)
		if !ok {
			t.Fatalf("proposal %d: action decoded as %T", id, body[hash("action")])
		}
		out[id] = fmt.Sprintf("%s/%d", tags[action.Name], topic)
	}
	return out
}

func hash(name string) string { return idl.Hash(name).String() }

// actionTagNames maps field hashes (as decoded) to the names a newer
// canister might use, the known ones and the test's future one.
func actionTagNames() map[string]string {
	out := map[string]string{hash("SomeFutureAction"): "SomeFutureAction"}
	for _, tag := range knownActionTags {
		out[hash(tag)] = tag
	}
	return out
}

// A future tag must look like a Candid tag and not be one votebot knows.
func TestFutureActionTagChecked(t *testing.T) {
	c, _ := newCanister(t, "", nil)
	addNeuron(t, c, 1, 100*icp, nil)
	for _, tc := range []struct {
		tag   string
		topic nns.Topic
		want  string
	}{
		{"Motion", 25, "known to votebot"},
		{"Not a tag", 25, "not a Candid identifier"},
		{"Batch2", 0, "needs a topic"},
	} {
		spec := motion(1)
		spec.FutureAction, spec.Topic = tc.tag, tc.topic
		if _, err := c.SubmitProposal(spec); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("future action %q: err = %v, want %q", tc.tag, err, tc.want)
		}
	}
}
