package policy

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/votebot/votebot/nns"
)

var (
	created  = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	deadline = created.Add(VotingPeriod)
	margin   = deadline.Add(-DefaultDeadlineMargin)
)

func proposal() Proposal {
	return Proposal{ID: 100, Topic: nns.TopicGovernance, Action: ActionMotion, Proposer: 7,
		ProposerName: "Alice", Title: "Motion to do X", Summary: "Long text", Created: created, Deadline: deadline}
}

func neuron() Neuron { return Neuron{ID: 1, HasBallot: true} }

func policyWith(rules ...Rule) *Policy {
	return &Policy{Name: "p", Rules: rules, Default: OutcomeFollow, Timing: DefaultTiming()}
}

func TestDecide(t *testing.T) {
	withTiming := func(p *Policy, tm Timing) *Policy { p.Timing = tm; return p }
	voteYes := Rule{Name: "yes-all", Outcome: OutcomeVote, Vote: nns.VoteYes}
	tests := []struct {
		name       string
		in         Input
		action     Action
		vote       nns.Vote
		at         time.Time
		needsHuman bool
		skip       bool
		fallback   bool
		override   bool
		reason     string // substring
	}{
		{name: "no ballot", in: Input{Proposal: proposal(), Neuron: Neuron{ID: 1}, Policy: policyWith(voteYes), Now: created},
			action: ActionNothing, reason: "no ballot"},
		{name: "already voted", in: Input{Proposal: proposal(), Neuron: Neuron{ID: 1, HasBallot: true, Ballot: nns.VoteNo}, Policy: policyWith(voteYes), Now: created},
			action: ActionNothing, vote: nns.VoteNo, reason: "already voted No"},
		{name: "exactly at deadline", in: Input{Proposal: proposal(), Neuron: neuron(), Policy: policyWith(voteYes), Now: deadline},
			action: ActionNothing, reason: "deadline passed"},
		{name: "past deadline", in: Input{Proposal: proposal(), Neuron: neuron(), Policy: policyWith(voteYes), Now: deadline.Add(time.Hour)},
			action: ActionNothing, reason: "deadline passed"},
		{name: "vote yes now", in: Input{Proposal: proposal(), Neuron: neuron(), Policy: policyWith(voteYes), Now: created},
			action: ActionVoteNow, vote: nns.VoteYes, reason: `rule "yes-all" (matches every proposal): vote Yes`},
		{name: "vote no after delay", in: Input{Proposal: proposal(), Neuron: neuron(),
			Policy: withTiming(policyWith(Rule{Name: "n", Outcome: OutcomeVote, Vote: nns.VoteNo}), Timing{VoteDelay: time.Hour, DeadlineMargin: time.Hour}), Now: created.Add(time.Minute)},
			action: ActionVoteAt, vote: nns.VoteNo, at: created.Add(time.Hour), reason: "vote delay"},
		{name: "vote delay over", in: Input{Proposal: proposal(), Neuron: neuron(),
			Policy: withTiming(policyWith(voteYes), Timing{VoteDelay: time.Hour, DeadlineMargin: time.Hour}), Now: created.Add(time.Hour)},
			action: ActionVoteNow, vote: nns.VoteYes},
		{name: "vote delay capped at margin", in: Input{Proposal: proposal(), Neuron: neuron(),
			Policy: withTiming(policyWith(voteYes), Timing{VoteDelay: 4*24*time.Hour - time.Minute, DeadlineMargin: time.Hour}), Now: created},
			action: ActionVoteAt, vote: nns.VoteYes, at: deadline.Add(-time.Hour)},
		{name: "skip", in: Input{Proposal: proposal(), Neuron: neuron(), Policy: policyWith(Rule{Name: "s", Outcome: OutcomeSkip}), Now: margin},
			action: ActionNothing, skip: true, reason: `rule "s"`},
		{name: "follow waits until margin", in: Input{Proposal: proposal(), Neuron: neuron(), Policy: policyWith(Rule{Name: "f", Outcome: OutcomeFollow}), Now: created},
			action: ActionWait, at: margin, reason: "follow; the neuron has no followees for Governance (the catch-all does not apply); fallback with_followees at"},
		{name: "follow one second before margin", in: Input{Proposal: proposal(), Neuron: neuron(), Policy: policyWith(Rule{Name: "f", Outcome: OutcomeFollow}), Now: margin.Add(-time.Second)},
			action: ActionWait, at: margin},
		{name: "follow exactly at margin falls back", in: Input{Proposal: proposal(), Neuron: neuron(), Policy: policyWith(Rule{Name: "f", Outcome: OutcomeFollow}), Now: margin},
			action: ActionVoteNow, vote: nns.VoteNo, fallback: true, reason: "with_majority: tally yes 0 ICP ≤ no 0 ICP → No"},
		{name: "wait shows fixed fallback vote", in: Input{Proposal: proposal(), Neuron: neuron(),
			Policy: withTiming(policyWith(Rule{Name: "f"}), Timing{DeadlineMargin: time.Hour, Fallback: FallbackYes}), Now: created},
			action: ActionWait, vote: nns.VoteYes, at: deadline.Add(-time.Hour)},
		{name: "manual needs human", in: Input{Proposal: proposal(), Neuron: neuron(), Policy: policyWith(Rule{Name: "ask", Outcome: OutcomeManual}), Now: created},
			action: ActionWait, at: margin, needsHuman: true, reason: `rule "ask" (matches every proposal): manual`},
		{name: "manual falls back at margin", in: Input{Proposal: proposal(), Neuron: neuron(),
			Policy: withTiming(policyWith(Rule{Name: "ask", Outcome: OutcomeManual}), Timing{DeadlineMargin: time.Hour, Fallback: FallbackNo}), Now: deadline.Add(-time.Hour)},
			action: ActionVoteNow, vote: nns.VoteNo, fallback: true},
		{name: "manual with fallback none keeps asking", in: Input{Proposal: proposal(), Neuron: neuron(),
			Policy: withTiming(policyWith(Rule{Name: "ask", Outcome: OutcomeManual}), Timing{DeadlineMargin: time.Hour, Fallback: FallbackNone}), Now: deadline.Add(-time.Minute)},
			action: ActionNothing, needsHuman: true, reason: "none: ballot left empty"},
		{name: "rule timing overrides policy timing", in: Input{Proposal: proposal(), Neuron: neuron(),
			Policy: policyWith(Rule{Name: "f", Timing: &Timing{DeadlineMargin: 24 * time.Hour, Fallback: FallbackYes}}), Now: deadline.Add(-24 * time.Hour)},
			action: ActionVoteNow, vote: nns.VoteYes, fallback: true},
		{name: "override beats skip", in: Input{Proposal: proposal(), Neuron: neuron(), Policy: policyWith(Rule{Name: "s", Outcome: OutcomeSkip}),
			Overrides: []Override{{ProposalID: 100, Vote: nns.VoteYes, Note: "by ops"}}, Now: created},
			action: ActionVoteNow, vote: nns.VoteYes, override: true, reason: "manual override: vote Yes (by ops)"},
		{name: "neuron override beats all-neuron override", in: Input{Proposal: proposal(), Neuron: neuron(), Policy: policyWith(voteYes),
			Overrides: []Override{{ProposalID: 100, Vote: nns.VoteYes}, {ProposalID: 100, NeuronID: 1, Vote: nns.VoteNo}}, Now: created},
			action: ActionVoteNow, vote: nns.VoteNo, override: true},
		{name: "override for another neuron or proposal is ignored", in: Input{Proposal: proposal(), Neuron: neuron(), Policy: policyWith(Rule{Name: "s", Outcome: OutcomeSkip}),
			Overrides: []Override{{ProposalID: 100, NeuronID: 2, Vote: nns.VoteNo}, {ProposalID: 101, Vote: nns.VoteNo}}, Now: created},
			action: ActionNothing, skip: true},
		{name: "override does not re-vote a filled ballot", in: Input{Proposal: proposal(), Neuron: Neuron{ID: 1, HasBallot: true, Ballot: nns.VoteYes}, Policy: policyWith(voteYes),
			Overrides: []Override{{ProposalID: 100, Vote: nns.VoteNo}}, Now: created},
			action: ActionNothing, vote: nns.VoteYes},
		{name: "no rule matches: policy default", in: Input{Proposal: proposal(), Neuron: neuron(),
			Policy: &Policy{Rules: []Rule{{Name: "x", Match: Match{ProposalIDs: []uint64{5}}, Outcome: OutcomeSkip}}, Default: OutcomeVote, DefaultVote: nns.VoteNo, Timing: DefaultTiming()}, Now: created},
			action: ActionVoteNow, vote: nns.VoteNo, reason: "default (no rule matched: policy default): vote No"},
		{name: "zero timing is the default timing", in: Input{Proposal: proposal(), Neuron: neuron(), Policy: &Policy{}, Now: created},
			action: ActionWait, at: margin},
		{name: "vote rule without a vote follows", in: Input{Proposal: proposal(), Neuron: neuron(), Policy: policyWith(Rule{Name: "v", Outcome: OutcomeVote}), Now: created},
			action: ActionWait, at: margin},
		{name: "nil policy follows with default timing", in: Input{Proposal: proposal(), Neuron: neuron(), Now: created},
			action: ActionWait, at: margin},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Decide(tt.in)
			if d.Action != tt.action || d.Vote != tt.vote || !d.At.Equal(tt.at) {
				t.Errorf("got %s %s at %v, want %s %s at %v (reason %q)", d.Action, d.Vote, d.At, tt.action, tt.vote, tt.at, d.Reason)
			}
			if d.NeedsHuman != tt.needsHuman || d.Skip != tt.skip || d.Fallback != tt.fallback || d.Override != tt.override {
				t.Errorf("flags human=%v skip=%v fallback=%v override=%v, want %v %v %v %v",
					d.NeedsHuman, d.Skip, d.Fallback, d.Override, tt.needsHuman, tt.skip, tt.fallback, tt.override)
			}
			if !strings.Contains(d.Reason, tt.reason) {
				t.Errorf("reason %q does not contain %q", d.Reason, tt.reason)
			}
		})
	}
}

func TestFallbackVotes(t *testing.T) {
	following := map[nns.Topic][]uint64{nns.TopicUnspecified: {10, 11, 12}, nns.TopicGovernance: {20, 21}}
	tests := []struct {
		name     string
		fallback Fallback
		topic    nns.Topic
		votes    map[uint64]nns.Vote
		tally    Tally
		want     nns.Vote
	}{
		{"yes", FallbackYes, nns.TopicGovernance, nil, Tally{No: 5}, nns.VoteYes},
		{"no", FallbackNo, nns.TopicGovernance, nil, Tally{Yes: 5}, nns.VoteNo},
		{"none", FallbackNone, nns.TopicGovernance, nil, Tally{}, nns.VoteUnspecified},
		{"majority yes", FallbackWithMajority, nns.TopicGovernance, nil, Tally{Yes: 6, No: 5, Total: 20}, nns.VoteYes},
		{"majority tie is no", FallbackWithMajority, nns.TopicGovernance, nil, Tally{Yes: 5, No: 5, Total: 20}, nns.VoteNo},
		{"followees lean yes", FallbackWithFollowees, nns.TopicGovernance, map[uint64]nns.Vote{20: nns.VoteYes}, Tally{No: 9}, nns.VoteYes},
		{"followees lean no", FallbackWithFollowees, nns.TopicGovernance, map[uint64]nns.Vote{20: nns.VoteNo, 21: nns.VoteNo}, Tally{Yes: 9}, nns.VoteNo},
		{"followees tie goes to majority", FallbackWithFollowees, nns.TopicGovernance, map[uint64]nns.Vote{20: nns.VoteNo, 21: nns.VoteYes}, Tally{Yes: 9}, nns.VoteYes},
		{"silent followees go to majority", FallbackWithFollowees, nns.TopicGovernance, nil, Tally{Yes: 9, No: 1}, nns.VoteYes},
		{"catch-all used for ExchangeRate", FallbackWithFollowees, nns.TopicExchangeRate, map[uint64]nns.Vote{10: nns.VoteNo}, Tally{Yes: 9}, nns.VoteNo},
		{"catch-all ignored for SnsAndCommunityFund", FallbackWithFollowees, nns.TopicSnsAndCommunityFund, map[uint64]nns.Vote{10: nns.VoteNo}, Tally{Yes: 9}, nns.VoteYes},
		{"votes of non-followees ignored", FallbackWithFollowees, nns.TopicGovernance, map[uint64]nns.Vote{10: nns.VoteNo, 99: nns.VoteNo}, Tally{Yes: 9}, nns.VoteYes},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := proposal()
			p.Topic, p.Tally = tt.topic, tt.tally
			n := Neuron{ID: 1, HasBallot: true, Followees: following, FolloweeVotes: tt.votes}
			pol := &Policy{Timing: Timing{DeadlineMargin: time.Hour, Fallback: tt.fallback}}
			d := Decide(Input{Proposal: p, Neuron: n, Policy: pol, Now: deadline.Add(-time.Hour)})
			if d.Vote != tt.want {
				t.Fatalf("vote %s, want %s (%s)", d.Vote, tt.want, d.Reason)
			}
			wantAction := ActionVoteNow
			if tt.want == nns.VoteUnspecified {
				wantAction = ActionNothing
			}
			if d.Action != wantAction {
				t.Fatalf("action %s, want %s", d.Action, wantAction)
			}
		})
	}
}

// TestWaitForQuietMovesFallback evaluates twice: the first decision waits
// until the margin of the original deadline; when the bot wakes at that
// moment, wait-for-quiet has moved the deadline, so it must wait again
// rather than cast the fallback early.
func TestWaitForQuietMovesFallback(t *testing.T) {
	pol := policyWith(Rule{Name: "f", Outcome: OutcomeFollow})
	p := proposal()
	first := Decide(Input{Proposal: p, Neuron: neuron(), Policy: pol, Now: created.Add(time.Hour)})
	if first.Action != ActionWait || !first.At.Equal(margin) {
		t.Fatalf("first: %s at %v, want wait at %v", first.Action, first.At, margin)
	}
	p.Deadline = deadline.Add(36 * time.Hour) // the leading side flipped
	second := Decide(Input{Proposal: p, Neuron: neuron(), Policy: pol, Now: first.At})
	wantAt := p.Deadline.Add(-DefaultDeadlineMargin)
	if second.Action != ActionWait || !second.At.Equal(wantAt) {
		t.Fatalf("second: %s %s at %v, want wait at %v", second.Action, second.Vote, second.At, wantAt)
	}
	third := Decide(Input{Proposal: p, Neuron: neuron(), Policy: pol, Now: wantAt})
	if third.Action != ActionVoteNow || !third.Fallback {
		t.Fatalf("third: %s, want fallback vote", third.Action)
	}
	// A deadline moved later also moves a delayed rule vote's cap.
	pv := proposal()
	polVote := &Policy{Rules: []Rule{{Name: "y", Outcome: OutcomeVote, Vote: nns.VoteYes}},
		Timing: Timing{VoteDelay: VotingPeriod - time.Minute, DeadlineMargin: time.Hour}}
	d1 := Decide(Input{Proposal: pv, Neuron: neuron(), Policy: polVote, Now: created})
	pv.Deadline = pv.Deadline.Add(48 * time.Hour)
	d2 := Decide(Input{Proposal: pv, Neuron: neuron(), Policy: polVote, Now: d1.At})
	if d1.Action != ActionVoteAt || !d1.At.Equal(deadline.Add(-time.Hour)) || d2.Action != ActionVoteAt ||
		!d2.At.Equal(created.Add(VotingPeriod-time.Minute)) {
		t.Fatalf("delayed vote: %s at %v then %s at %v", d1.Action, d1.At, d2.Action, d2.At)
	}
}

func TestFirstMatchWins(t *testing.T) {
	gov := Rule{Name: "gov-no", Match: Match{Topics: []nns.Topic{nns.TopicGovernance}}, Outcome: OutcomeVote, Vote: nns.VoteNo}
	alice := Rule{Name: "alice-yes", Match: Match{ProposerNames: []string{"alice"}}, Outcome: OutcomeVote, Vote: nns.VoteYes}
	for _, tt := range []struct {
		rules []Rule
		want  string
		vote  nns.Vote
	}{
		{[]Rule{gov, alice}, "gov-no", nns.VoteNo},
		{[]Rule{alice, gov}, "alice-yes", nns.VoteYes},
	} {
		d := Decide(Input{Proposal: proposal(), Neuron: neuron(), Policy: policyWith(tt.rules...), Now: created})
		if d.Rule != tt.want || d.Vote != tt.vote {
			t.Errorf("rule %q vote %s, want %q %s", d.Rule, d.Vote, tt.want, tt.vote)
		}
	}
}

func TestMatchers(t *testing.T) {
	p := proposal()
	p.Action, p.NNSFunction = ActionExecuteNnsFunction, 4
	p.Topic = nns.TopicIcOsVersionElection
	p.Title, p.Summary = "Elect new IC/OS release 2026-11", "Release notes: fixes"
	tests := []struct {
		name string
		m    Match
		want bool
		what string
	}{
		{"zero matches all", Match{}, true, "matches every proposal"},
		{"topic", Match{Topics: []nns.Topic{nns.TopicGovernance, nns.TopicIcOsVersionElection}}, true, "topic IcOsVersionElection"},
		{"topic miss", Match{Topics: []nns.Topic{nns.TopicGovernance}}, false, ""},
		{"action", Match{Actions: []ActionKind{ActionExecuteNnsFunction}}, true, "action ExecuteNnsFunction"},
		{"action miss", Match{Actions: []ActionKind{ActionMotion}}, false, ""},
		{"nns function", Match{NnsFunctions: []int32{3, 4}}, true, "nns_function 4"},
		{"nns function miss", Match{NnsFunctions: []int32{3}}, false, ""},
		{"proposer id", Match{Proposers: []uint64{7}}, true, "proposer 7"},
		{"proposer id miss", Match{Proposers: []uint64{8}}, false, ""},
		{"proposer name case-insensitive", Match{ProposerNames: []string{"ALICE"}}, true, "proposer Alice"},
		{"proposer name miss", Match{ProposerNames: []string{"Bob"}}, false, ""},
		{"title", Match{Title: regexp.MustCompile(`(?i)ic/os release`)}, true, "title ~ /(?i)ic/os release/"},
		{"title miss", Match{Title: regexp.MustCompile(`^Motion`)}, false, ""},
		{"summary", Match{Summary: regexp.MustCompile(`fixes$`)}, true, "summary ~ /fixes$/"},
		{"summary miss", Match{Summary: regexp.MustCompile(`breaking`)}, false, ""},
		{"proposal id", Match{ProposalIDs: []uint64{100}}, true, "proposal 100"},
		{"proposal id miss", Match{ProposalIDs: []uint64{101}}, false, ""},
		{"all fields AND", Match{Topics: []nns.Topic{nns.TopicIcOsVersionElection}, Proposers: []uint64{7}}, true, "topic IcOsVersionElection, proposer 7"},
		{"one field fails the AND", Match{Topics: []nns.Topic{nns.TopicIcOsVersionElection}, Proposers: []uint64{8}}, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, what := tt.m.Explain(p)
			if ok != tt.want || what != tt.what || tt.m.Matches(p) != tt.want {
				t.Errorf("Explain = %v %q, want %v %q", ok, what, tt.want, tt.what)
			}
		})
	}
	motion := proposal()
	if (Match{NnsFunctions: []int32{0}}).Matches(motion) {
		t.Error("nns_functions matched a Motion (NnsFunction 0)")
	}
	anon := proposal()
	anon.ProposerName = ""
	if (Match{ProposerNames: []string{""}}).Matches(anon) {
		t.Error("empty proposer name matched a proposer without a name")
	}
}

func TestParse(t *testing.T) {
	if k, err := ParseActionKind("execute_nns_function"); err != nil || k != ActionExecuteNnsFunction {
		t.Errorf("ParseActionKind = %q, %v", k, err)
	}
	if _, err := ParseActionKind("Motions"); err == nil {
		t.Error("ParseActionKind accepted Motions")
	}
	if f, err := ParseFallback("With-Majority"); err != nil || f != FallbackWithMajority {
		t.Errorf("ParseFallback = %v, %v", f, err)
	}
	if _, err := ParseFallback("maybe"); err == nil || !strings.Contains(err.Error(), "with_followees, with_majority, yes, no, none") {
		t.Errorf("ParseFallback error %v", err)
	}
	for s, want := range map[string]Outcome{"yes": OutcomeVote, "NO": OutcomeVote, "follow": OutcomeFollow, "manual": OutcomeManual, "skip": OutcomeSkip} {
		if o, _, err := ParseOutcome(s); err != nil || o != want {
			t.Errorf("ParseOutcome(%q) = %v, %v", s, o, err)
		}
	}
	if _, _, err := ParseOutcome("abstain"); err == nil {
		t.Error("ParseOutcome accepted abstain")
	}
}

// TestNoEmptyBallotWithDefaults is the promise of the defaults: for every
// topic, every outcome but skip and every fallback but none, a ballot that
// is still empty at the deadline margin is voted then (or earlier).
func TestNoEmptyBallotWithDefaults(t *testing.T) {
	outcomes := []Rule{{Name: "follow", Outcome: OutcomeFollow}, {Name: "manual", Outcome: OutcomeManual},
		{Name: "yes", Outcome: OutcomeVote, Vote: nns.VoteYes}, {Name: "no", Outcome: OutcomeVote, Vote: nns.VoteNo}}
	tallies := []Tally{{}, {Yes: 3, No: 1, Total: 10}, {Yes: 1, No: 3, Total: 10}}
	for _, topic := range nns.Topics() {
		for _, r := range outcomes {
			for _, fb := range []Fallback{FallbackWithFollowees, FallbackWithMajority, FallbackYes, FallbackNo} {
				for _, tally := range tallies {
					p := proposal()
					p.Topic, p.Tally = topic, tally
					pol := &Policy{Rules: []Rule{r}, Timing: Timing{VoteDelay: DefaultVoteDelay, DeadlineMargin: DefaultDeadlineMargin, Fallback: fb}}
					n := Neuron{ID: 1, HasBallot: true, Followees: map[nns.Topic][]uint64{nns.TopicUnspecified: {5}}}
					d := Decide(Input{Proposal: p, Neuron: n, Policy: pol, Now: margin})
					if d.Action != ActionVoteNow || (d.Vote != nns.VoteYes && d.Vote != nns.VoteNo) {
						t.Errorf("%s/%s/%s/%v: %s %s (%s)", topic, r.Name, fb, tally, d.Action, d.Vote, d.Reason)
					}
				}
			}
		}
	}
	// And with no policy at all.
	d := Decide(Input{Proposal: proposal(), Neuron: neuron(), Now: margin})
	if d.Action != ActionVoteNow {
		t.Errorf("nil policy at the margin: %s (%s)", d.Action, d.Reason)
	}
}

func TestICPString(t *testing.T) {
	for _, tt := range []struct {
		e8s  uint64
		want string
	}{{0, "0 ICP"}, {5_000, "0.0001 ICP"}, {1e8, "1 ICP"}, {11257443750449178, "112,574,437 ICP"}} {
		if got := icpString(tt.e8s); got != tt.want {
			t.Errorf("icpString(%d) = %q, want %q", tt.e8s, got, tt.want)
		}
	}
}
