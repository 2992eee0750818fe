package agent

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aviate-labs/agent-go/candid/idl"
	"github.com/rs/zerolog"

	"github.com/votebot/votebot/devnet"
	"github.com/votebot/votebot/nns"
)

// dropRecorder is a recorder that also implements DecodeDropObserver.
type dropRecorder struct {
	recorder
	mu    sync.Mutex
	drops []string
}

func (r *dropRecorder) ObserveDecodeDropped(method, goType, tag string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.drops = append(r.drops, method+" "+goType+" "+tag)
}

// newerAction is nns.Action as a newer canister sends it: one more case.
type newerAction struct {
	Motion           *nns.Motion      `ic:"Motion,variant"`
	SomeFutureAction *nns.EmptyRecord `ic:"SomeFutureAction,variant"`
}

type newerProposal struct {
	Title  *string      `ic:"title,omitempty"`
	Action *newerAction `ic:"action,omitempty"`
}

// newerTally does not fit Tally (yes is text): under opt, so dropped too.
type newerTally struct {
	Yes string `ic:"yes"`
}

type newerProposalInfo struct {
	Id          *nns.ProposalId `ic:"id,omitempty"`
	Topic       int32           `ic:"topic"`
	Proposal    *newerProposal  `ic:"proposal,omitempty"`
	LatestTally *newerTally     `ic:"latest_tally,omitempty"`
}

// TestOptRuleThroughClient: a list_proposals reply with a new Action tag in
// one of three proposals, an unknown topic number and a tally of another
// shape decodes whole; the unknown action is visible as such, the others
// intact; every drop reaches the observer and each method/type/tag is
// logged once.
func TestOptRuleThroughClient(t *testing.T) {
	net := startNet(t)
	title := func(s string) *string { return &s }
	motion := &newerAction{Motion: &nns.Motion{MotionText: "m"}}
	props := []newerProposalInfo{
		{Id: &nns.ProposalId{Id: 3}, Topic: 4, Proposal: &newerProposal{Title: title("a"), Action: motion}},
		{Id: &nns.ProposalId{Id: 2}, Topic: 25, Proposal: &newerProposal{Title: title("b"), Action: &newerAction{SomeFutureAction: &nns.EmptyRecord{}}}},
		{Id: &nns.ProposalId{Id: 1}, Topic: 4, Proposal: &newerProposal{Title: title("c"), Action: motion}, LatestTally: &newerTally{Yes: "many"}},
	}
	net.gov.setOverride("list_proposals", func(devnet.Call) ([]byte, error) {
		return reply(struct {
			ProposalInfo []newerProposalInfo `ic:"proposal_info"`
		}{props})
	})
	var logs bytes.Buffer
	rec := &dropRecorder{}
	cfg := testConfig([]string{net.url}, net.rootKey, newIdentity(t))
	cfg.Observer, cfg.Logger = rec, zerolog.New(&logs)
	g := newClient(t, cfg)
	for range 2 {
		got, err := g.ListProposals(context.Background(), nns.ListProposalInfoRequest{})
		if err != nil {
			t.Fatalf("ListProposals: %v", err)
		}
		if len(got) != 3 || got[0].Proposal.Action.Kind() != "Motion" || *got[1].Proposal.Title != "b" || got[2].Proposal.Action.Kind() != "Motion" {
			t.Fatalf("proposals = %+v", got)
		}
		future := "#" + idl.HashString("SomeFutureAction")
		if tag, unknown := got[1].Proposal.Action.UnknownTag(); !unknown || tag != future || got[1].Proposal.Action.Kind() != nns.ActionUnknown {
			t.Errorf("proposal 2 action: tag %q, unknown %v, kind %q; want %q", tag, unknown, got[1].Proposal.Action.Kind(), future)
		}
		if topic := nns.Topic(got[1].Topic); topic.Known() || topic.String() != "Topic(25)" {
			t.Errorf("topic 25: Known %v, String %q", topic.Known(), topic)
		}
		if got[2].LatestTally != nil || got[0].LatestTally != nil {
			t.Errorf("latest_tally = %+v, %+v, want nil", got[0].LatestTally, got[2].LatestTally)
		}
	}
	future := "#" + idl.HashString("SomeFutureAction")
	want := []string{"list_proposals nns.Action " + future, "list_proposals nns.Tally ",
		"list_proposals nns.Action " + future, "list_proposals nns.Tally "}
	if !slices.Equal(rec.drops, want) {
		t.Errorf("drops = %q, want %q", rec.drops, want)
	}
	if n := strings.Count(logs.String(), `"level":"warn"`); n != 2 {
		t.Errorf("%d warnings, want 2 (one per method, type and tag):\n%s", n, logs.String())
	}
}

// newerCommand1 is Command_1 with a case votebot does not know.
type newerCommand1 struct {
	RegisterVote     *nns.EmptyRecord `ic:"RegisterVote,variant"`
	SomeFutureResult *nns.EmptyRecord `ic:"SomeFutureResult,variant"`
}

// TestOptRuleManageNeuron: a manage_neuron reply with a Command_1 case
// votebot does not know is not taken for a vote: a DecodeError naming the
// command, and one drop reported.
func TestOptRuleManageNeuron(t *testing.T) {
	net := startNet(t)
	net.gov.setOverride("manage_neuron", func(devnet.Call) ([]byte, error) {
		return reply(struct {
			Command *newerCommand1 `ic:"command,omitempty"`
		}{&newerCommand1{SomeFutureResult: &nns.EmptyRecord{}}})
	})
	rec := &dropRecorder{}
	cfg := testConfig([]string{net.url}, net.rootKey, newIdentity(t))
	cfg.Observer = rec
	g := newClient(t, cfg)
	err := g.RegisterVote(context.Background(), 1, 1, nns.VoteYes)
	var de *DecodeError
	if !errors.As(err, &de) || de.Field != "command" {
		t.Fatalf("RegisterVote = %v, want a DecodeError on command", err)
	}
	want := []string{"manage_neuron.RegisterVote nns.Command1 #" + idl.HashString("SomeFutureResult")}
	if !slices.Equal(rec.drops, want) {
		t.Errorf("drops = %q, want %q", rec.drops, want)
	}
}
