package governance

import (
	"fmt"
	"sort"
	"time"
)

// ScenarioRunner makes a scenario's proposals and votes when the
// governance clock reaches their times. Step is called from the devnet's
// loop (or a test) with the current governance time.
type ScenarioRunner struct {
	c       *Canister
	s       *Scenario
	events  []scenarioEvent
	next    int
	created map[int]uint64 // scenario proposal index → proposal id
}

type scenarioEvent struct {
	at       time.Time
	proposal int
	vote     int // -1: make the proposal
}

// Runner schedules the scenario's proposals from start.
func (s *Scenario) Runner(c *Canister, start time.Time) *ScenarioRunner {
	r := &ScenarioRunner{c: c, s: s, created: map[int]uint64{}}
	for i, p := range s.Proposals {
		at := start.Add(p.At)
		r.events = append(r.events, scenarioEvent{at: at, proposal: i, vote: -1})
		for j, v := range p.Votes {
			r.events = append(r.events, scenarioEvent{at: at.Add(v.At), proposal: i, vote: j})
		}
	}
	// Stable: a proposal comes before its votes at the same instant.
	sort.SliceStable(r.events, func(i, j int) bool { return r.events[i].at.Before(r.events[j].at) })
	return r
}

// Step runs every event due at now, in order. Failures (a vote refused
// because following already filled the ballot, say) are returned and do
// not stop the scenario.
func (r *ScenarioRunner) Step(now time.Time) []error {
	var errs []error
	for r.next < len(r.events) && !r.events[r.next].at.After(now) {
		if err := r.fire(r.events[r.next]); err != nil {
			errs = append(errs, err)
		}
		r.next++
	}
	return errs
}

// Done reports whether every event has run.
func (r *ScenarioRunner) Done() bool { return r.next >= len(r.events) }

// NextAt is when the next event is due (zero when done).
func (r *ScenarioRunner) NextAt() time.Time {
	if r.Done() {
		return time.Time{}
	}
	return r.events[r.next].at
}

// ProposalID is the id of the scenario's i-th proposal once made.
func (r *ScenarioRunner) ProposalID(i int) (uint64, bool) {
	id, ok := r.created[i]
	return id, ok
}

func (r *ScenarioRunner) fire(e scenarioEvent) error {
	p := r.s.Proposals[e.proposal]
	if e.vote < 0 {
		id, err := r.c.SubmitProposal(p.Spec)
		if err != nil {
			return fmt.Errorf("scenario: proposals[%d]: %w", e.proposal, err)
		}
		r.created[e.proposal] = id
		return nil
	}
	id, ok := r.created[e.proposal]
	if !ok {
		return fmt.Errorf("scenario: proposals[%d].votes[%d]: the proposal was not made", e.proposal, e.vote)
	}
	v := p.Votes[e.vote]
	if err := r.c.CastVote(v.Neuron, id, v.Vote); err != nil {
		return fmt.Errorf("scenario: proposals[%d].votes[%d]: neuron %d: %w", e.proposal, e.vote, v.Neuron, err)
	}
	r.c.cfg.Log.Info().Uint64("proposal", id).Uint64("neuron", v.Neuron).Stringer("vote", v.Vote).Msg("scenario vote")
	return nil
}
