// Package backtest replays a configuration's policies over recorded history:
// per proposal and neuron, what the policy would have done against what the
// loop decided and what was cast, with the rule that decided. It is pure:
// the history comes from the store (or a dashboard export), the decisions
// from policy.Decide, the one implementation; nothing is sent.
package backtest

import (
	"encoding/json"
	"sort"
	"time"

	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
)

// History is what the store keeps for a replay.
type History struct {
	// Decisions are the recorded decisions with their Input, grouped by
	// proposal and neuron, oldest first within a ballot.
	Decisions []bot.DecisionRecord
	// Fills are the ballots the loop saw filled by following.
	Fills     []bot.FollowingFill
	Overrides []policy.Override
	// Votes are the followees' (and known neurons') votes the loop saw;
	// Proposals every stored proposal of the window (the followee report).
	Votes     []bot.FolloweeVote
	Proposals []policy.Proposal
	// Until is when the history ends (zero: no end): a replay does not act
	// after it, so a ballot still open stays as the loop last left it.
	Until time.Time
}

// Outcome is how a ballot ended, or would have.
type Outcome struct {
	// Action is "vote", "followed" (following filled it), "skip", "ask",
	// "wait" (still waiting when the history ends) or "nothing".
	Action string   `json:"action"`
	Vote   nns.Vote `json:"-"`
	Rule   string   `json:"rule,omitempty"`
	// Source is "rule", "fallback", "override" or "following".
	Source string    `json:"source"`
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}

// MarshalJSON writes the vote and topic by name.
func (o Outcome) MarshalJSON() ([]byte, error) {
	type plain Outcome
	return json.Marshal(struct {
		plain
		Vote string `json:"vote,omitempty"`
	}{plain(o), voteName(o.Vote)})
}

func voteName(v nns.Vote) string {
	if v == nns.VoteUnspecified {
		return ""
	}
	return v.String()
}

// MarshalJSON writes the topic by name.
func (r Row) MarshalJSON() ([]byte, error) {
	type plain Row
	return json.Marshal(struct {
		plain
		Topic string `json:"topic"`
	}{plain(r), r.Topic.String()})
}

// Same reports whether two outcomes are the same decision (what, which
// vote, which rule, from where); reasons and times may differ.
func (o Outcome) Same(p Outcome) bool {
	return o.Action == p.Action && o.Vote == p.Vote && o.Rule == p.Rule && o.Source == p.Source
}

// Filled reports whether the outcome fills the ballot.
func (o Outcome) Filled() bool { return o.Action == "vote" || o.Action == "followed" }

// Row is one ballot of the backtest.
type Row struct {
	Proposal uint64    `json:"proposal"`
	Topic    nns.Topic `json:"-"`
	Title    string    `json:"title"`
	Neuron   uint64    `json:"neuron"`
	// Recorded is what the loop decided last (or following filled);
	// New is what the replayed policy would have done.
	Recorded Outcome `json:"recorded"`
	New      Outcome `json:"new"`
	Differs  bool    `json:"differs"`
}

// Participation is, per neuron, the ballots replayed and how many each
// side filled.
type Participation struct {
	Neuron   uint64 `json:"neuron"`
	Ballots  int    `json:"ballots"`
	Recorded int    `json:"filled_recorded"`
	New      int    `json:"filled_new"`
}

// Result is a whole backtest.
type Result struct {
	Rows          []Row           `json:"ballots"`
	Participation []Participation `json:"participation"`
}

// Changed lists the rows that differ.
func (r Result) Changed() []Row {
	var out []Row
	for _, row := range r.Rows {
		if row.Differs {
			out = append(out, row)
		}
	}
	return out
}

// Replay runs policyOf's policy for each recorded ballot (a neuron whose
// policy is nil is replayed as policy.Decide treats a nil policy).
func Replay(h History, policyOf func(neuron uint64) *policy.Policy) Result {
	fills := map[[2]uint64]bot.FollowingFill{}
	for _, f := range h.Fills {
		fills[[2]uint64{f.Proposal, f.Neuron}] = f
	}
	var res Result
	for _, recs := range ballots(h.Decisions) {
		first := recs[0]
		var fill *bot.FollowingFill
		if f, ok := fills[[2]uint64{first.Proposal, first.Neuron}]; ok {
			fill = &f
		}
		row := Row{Proposal: first.Proposal, Neuron: first.Neuron, Topic: first.Input.Proposal.Topic,
			Title: first.Input.Proposal.Title}
		row.Recorded = recorded(recs, fill)
		row.New = simulate(recs, fill, policyOf(first.Neuron), h.Overrides, h.Until)
		row.Differs = !row.Recorded.Same(row.New)
		res.Rows = append(res.Rows, row)
	}
	res.Rows = append(res.Rows, filledFirst(h)...)
	sort.SliceStable(res.Rows, func(i, j int) bool {
		a, b := res.Rows[i], res.Rows[j]
		return a.Proposal < b.Proposal || a.Proposal == b.Proposal && a.Neuron < b.Neuron
	})
	res.Participation = participation(res.Rows)
	return res
}

// filledFirst are the ballots following filled before the loop decided
// anything on them: no policy could have acted before the fill either (the
// loop first saw them filled), so any policy leaves them followed.
func filledFirst(h History) []Row {
	decided := map[[2]uint64]bool{}
	for _, d := range h.Decisions {
		decided[[2]uint64{d.Proposal, d.Neuron}] = true
	}
	titles := map[uint64]string{}
	for _, p := range h.Proposals {
		titles[p.ID] = p.Title
	}
	var rows []Row
	for _, f := range h.Fills {
		if decided[[2]uint64{f.Proposal, f.Neuron}] {
			continue
		}
		o := followed(f)
		rows = append(rows, Row{Proposal: f.Proposal, Topic: f.Topic, Title: titles[f.Proposal], Neuron: f.Neuron,
			Recorded: o, New: o})
	}
	return rows
}

// ballots splits the records into one slice per ballot, keeping order.
func ballots(ds []bot.DecisionRecord) [][]bot.DecisionRecord {
	var out [][]bot.DecisionRecord
	for i := 0; i < len(ds); {
		j := i
		for j < len(ds) && ds[j].Proposal == ds[i].Proposal && ds[j].Neuron == ds[i].Neuron {
			j++
		}
		var recs []bot.DecisionRecord
		for _, r := range ds[i:j] {
			if r.Input != nil {
				recs = append(recs, r)
			}
		}
		if len(recs) > 0 {
			sort.SliceStable(recs, func(a, b int) bool { return recs[a].At.Before(recs[b].At) })
			out = append(out, recs)
		}
		i = j
	}
	return out
}

func recorded(recs []bot.DecisionRecord, fill *bot.FollowingFill) Outcome {
	if fill != nil {
		return followed(*fill)
	}
	last := recs[len(recs)-1]
	return outcome(last.Decision, last.At)
}

func followed(f bot.FollowingFill) Outcome {
	return Outcome{Action: "followed", Vote: f.Vote, Source: "following", At: f.At,
		Reason: "filled by following: " + f.Vote.String()}
}

func outcome(d policy.Decision, at time.Time) Outcome {
	return Outcome{Action: d.Verb(), Vote: d.Vote, Rule: d.Rule, Source: d.Source(), Reason: d.Reason, At: at}
}

// simulate decides the ballot with pol at the moments the loop looked
// (each record's time, with what it saw then), at the moments pol itself
// would have acted (its vote delay or deadline margin: with what the loop
// saw next, else last) and when following filled the ballot. It stops at
// the first vote, skip or fill, or at until.
func simulate(recs []bot.DecisionRecord, fill *bot.FollowingFill, pol *policy.Policy, overrides []policy.Override, until time.Time) Outcome {
	t := recs[0].At
	for {
		if fill != nil && !t.Before(fill.At) {
			return followed(*fill)
		}
		in := *inputAt(recs, t).Input
		in.Policy, in.Overrides, in.Now = pol, overrides, t
		d := policy.Decide(in)
		if d.Action == policy.ActionVoteNow || d.Action == policy.ActionNothing {
			return outcome(d, t)
		}
		next := time.Time{}
		consider := func(c time.Time) {
			if c.After(t) && (next.IsZero() || c.Before(next)) {
				next = c
			}
		}
		consider(d.At)
		for _, r := range recs {
			consider(r.At)
		}
		if fill != nil {
			consider(fill.At)
		}
		if next.IsZero() || (!until.IsZero() && next.After(until)) {
			return outcome(d, t)
		}
		t = next
	}
}

// inputAt is the record the loop decided on at t: the first at or after
// it (the pass that acted), else the last.
func inputAt(recs []bot.DecisionRecord, t time.Time) bot.DecisionRecord {
	for _, r := range recs {
		if !r.At.Before(t) {
			return r
		}
	}
	return recs[len(recs)-1]
}

func participation(rows []Row) []Participation {
	by := map[uint64]*Participation{}
	var order []uint64
	for _, r := range rows {
		p, ok := by[r.Neuron]
		if !ok {
			p = &Participation{Neuron: r.Neuron}
			by[r.Neuron] = p
			order = append(order, r.Neuron)
		}
		p.Ballots++
		if r.Recorded.Filled() {
			p.Recorded++
		}
		if r.New.Filled() {
			p.New++
		}
	}
	sort.Slice(order, func(i, j int) bool { return order[i] < order[j] })
	out := make([]Participation, 0, len(order))
	for _, n := range order {
		out = append(out, *by[n])
	}
	return out
}
