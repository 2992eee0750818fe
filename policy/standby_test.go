package policy

import (
	"strings"
	"testing"
	"time"

	"github.com/votebot/votebot/nns"
)

// TestStandbyHoldsUntilTakeover: a standby decides as the primary does, but votes a ballot only
// once it is still empty takeover_after past the primary's deadline margin.
func TestStandbyHoldsUntilTakeover(t *testing.T) {
	const gap = 30 * time.Minute
	takeover := margin.Add(gap)
	voteYes := Rule{Name: "yes-all", Outcome: OutcomeVote, Vote: nns.VoteYes}
	follow := Rule{Name: "f", Outcome: OutcomeFollow}
	ask := Rule{Name: "ask", Outcome: OutcomeManual}
	tight := Rule{Name: "tight", Outcome: OutcomeVote, Vote: nns.VoteNo, Timing: &Timing{DeadlineMargin: time.Hour}}
	tests := []struct {
		name     string
		in       Input
		action   Action
		vote     nns.Vote
		at       time.Time
		human    bool
		fallback bool
	}{
		{name: "rule vote held until takeover", in: Input{Policy: policyWith(voteYes), Now: created},
			action: ActionWait, vote: nns.VoteYes, at: takeover},
		{name: "rule vote one second before takeover still held", in: Input{Policy: policyWith(voteYes), Now: takeover.Add(-time.Second)},
			action: ActionWait, vote: nns.VoteYes, at: takeover},
		{name: "rule vote at takeover", in: Input{Policy: policyWith(voteYes), Now: takeover},
			action: ActionVoteNow, vote: nns.VoteYes},
		{name: "the rule's own margin sets the takeover", in: Input{Policy: policyWith(tight), Now: created},
			action: ActionWait, vote: nns.VoteNo, at: deadline.Add(-time.Hour).Add(gap)},
		{name: "follow: held past the primary's fallback, which it names", in: Input{Policy: policyWith(follow), Now: margin},
			action: ActionWait, vote: nns.VoteNo, at: takeover, fallback: true},
		{name: "follow: fallback at takeover", in: Input{Policy: policyWith(follow), Now: takeover},
			action: ActionVoteNow, vote: nns.VoteNo, fallback: true},
		{name: "manual asks nobody on the standby", in: Input{Policy: policyWith(ask), Now: created},
			action: ActionWait, at: takeover},
		{name: "override held too", in: Input{Policy: policyWith(follow), Now: created,
			Overrides: []Override{{ProposalID: 100, Vote: nns.VoteNo}}},
			action: ActionWait, vote: nns.VoteNo, at: takeover},
		{name: "filled ballot: nothing", in: Input{Policy: policyWith(voteYes), Now: takeover,
			Neuron: Neuron{ID: 1, HasBallot: true, Ballot: nns.VoteNo}},
			action: ActionNothing, vote: nns.VoteNo},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			in.Proposal, in.Takeover = proposal(), gap
			if in.Neuron.ID == 0 {
				in.Neuron = neuron()
			}
			d := Decide(in)
			if d.Action != tt.action || d.Vote != tt.vote || !d.At.Equal(tt.at) {
				t.Errorf("got %s %s at %v, want %s %s at %v (reason %q)", d.Action, d.Vote, d.At, tt.action, tt.vote, tt.at, d.Reason)
			}
			if d.NeedsHuman != tt.human || d.Fallback != tt.fallback {
				t.Errorf("human=%v fallback=%v, want %v %v", d.NeedsHuman, d.Fallback, tt.human, tt.fallback)
			}
			if d.Action == ActionWait && !strings.Contains(d.Reason, "standby: votes only if the ballot is still empty") {
				t.Errorf("reason %q does not say why the standby waits", d.Reason)
			}
		})
	}
}

// TestPrimaryUnchangedWithoutTakeover: Takeover zero is the primary, deciding as before.
func TestPrimaryUnchangedWithoutTakeover(t *testing.T) {
	in := Input{Proposal: proposal(), Neuron: neuron(), Policy: policyWith(Rule{Name: "y", Outcome: OutcomeVote, Vote: nns.VoteYes}), Now: created}
	if d := Decide(in); d.Action != ActionVoteNow {
		t.Errorf("primary: %s, want vote-now", d.Action)
	}
}
