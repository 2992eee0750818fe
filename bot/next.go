package bot

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
)

// NextAction is something the loop will do, or wants a person to do, and
// when: what `votebot status` lists under "next".
type NextAction struct {
	At       time.Time    `json:"at"`
	Kind     string       `json:"kind"` // one of the Next* kinds
	Neuron   NeuronConfig `json:"neuron"`
	Proposal uint64       `json:"proposal,omitempty"`
	Vote     nns.Vote     `json:"vote,omitempty"`
	Text     string       `json:"text"`
}

// Kinds of NextAction.
const (
	NextVote     = "vote"     // a rule or override votes at At (now if past)
	NextFallback = "fallback" // the fallback acts at At unless a followee or a person votes first
	NextDecide   = "decide"   // a manual rule waits for `votebot vote` before At (the deadline)
	NextRefresh  = "refresh"  // the voting power refresh is due at At
)

// NextActions are the loop's next actions, soonest first, from the last
// pass's view (Plans) and the neurons as last read. It makes no canister
// call. ok is false before the first pass.
func (b *Bot) NextActions(ctx context.Context) (actions []NextAction, ok bool, err error) {
	plans, _, _, ok, err := b.Plans(ctx)
	if !ok || err != nil {
		return nil, ok, err
	}
	now := b.now()
	for _, bp := range plans {
		if a, ok := nextForBallot(bp, now); ok {
			actions = append(actions, a)
		}
	}
	_, state, _, _ := b.View()
	_, opts := b.settings()
	econ := b.Economics()
	for _, nc := range opts.Neurons {
		n, ok := state[nc.ID]
		if !ok || !n.Authorized {
			continue
		}
		if _, decay := refreshDue(n, econ, opts.RefreshWhenLeft, now); !decay.IsZero() {
			at := decay.Add(-opts.RefreshWhenLeft)
			actions = append(actions, NextAction{At: at, Kind: NextRefresh, Neuron: nc,
				Text: fmt.Sprintf("refresh voting power (decay starts %s UTC)", decay.UTC().Format(time.DateTime))})
		}
	}
	sort.SliceStable(actions, func(i, j int) bool { return actions[i].At.Before(actions[j].At) })
	return actions, true, nil
}

// nextForBallot is what is planned for an empty ballot.
func nextForBallot(bp BallotPlan, now time.Time) (NextAction, bool) {
	if bp.Outcome != BallotEmpty {
		return NextAction{}, false
	}
	d := bp.Decision
	a := NextAction{Neuron: bp.Neuron, Proposal: bp.Proposal.ID, Vote: d.Vote, At: d.At}
	switch {
	case d.Votes():
		a.Kind, a.Text = NextVote, fmt.Sprintf("vote %s (%s)", d.Vote, d.Source())
		if a.At.Before(now) {
			a.At = now
		}
	case d.NeedsHuman:
		a.Kind, a.At = NextDecide, bp.Proposal.Deadline
		a.Text = "decide: " + voteCommand(*bp.Proposal, bp.Neuron)
	case d.Action == policy.ActionWait && !d.At.IsZero() && !d.NoFallback:
		a.Kind, a.Text = NextFallback, "fallback acts unless the ballot is filled first"
		if d.Vote != nns.VoteUnspecified {
			a.Text = fmt.Sprintf("fallback votes %s unless the ballot is filled first", d.Vote)
		}
	default:
		return NextAction{}, false
	}
	return a, true
}
