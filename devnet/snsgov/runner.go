package snsgov

import (
	"fmt"
	"sort"
	"time"

	"github.com/aviate-labs/agent-go/principal"
	"github.com/votebot/votebot/sns"
)

// ScenarioRunner makes a scenario SNS's proposals and votes at their times.
type ScenarioRunner struct {
	c       *Canister
	s       Scenario
	ids     map[string][]byte // neuron Ref → id
	events  []event
	next    int
	created map[int]uint64 // scenario proposal index → proposal id
}

type event struct {
	at       time.Time
	proposal int
	vote     int // -1: make the proposal
}

// Start creates the SNS's governance canister at id, with genesis at start and the clock now,
// adds the scenario's neurons (then their following) and schedules its proposals.
func (s Scenario) Start(id principal.Principal, start time.Time, now func() time.Time) (*ScenarioRunner, error) {
	cfg := s.Config
	cfg.Now, cfg.Genesis = now, start
	c, err := New(id, cfg)
	if err != nil {
		return nil, err
	}
	r := &ScenarioRunner{c: c, s: s, ids: map[string][]byte{}, created: map[int]uint64{}}
	for _, n := range s.Neurons {
		nid, err := c.AddNeuron(n.Spec)
		if err != nil {
			return nil, fmt.Errorf("sns %q: neuron %s: %w", cfg.Name, n.Ref, err)
		}
		r.ids[n.Ref] = nid
	}
	for _, n := range s.Neurons {
		for t, refs := range n.Followees {
			var fs []sns.FolloweesForTopic
			var list []sns.Followee
			for _, ref := range refs {
				list = append(list, sns.Followee{NeuronId: &sns.NeuronId{Id: r.ids[ref]}})
			}
			fs = append(fs, sns.FolloweesForTopic{Topic: sns.TopicOf(t), Followees: list})
			c.mu.Lock()
			err := c.setFollowing(c.neurons[sns.NeuronIDHex(r.ids[n.Ref])], fs)
			c.mu.Unlock()
			if err != nil {
				return nil, fmt.Errorf("sns %q: neuron %s following: %w", cfg.Name, n.Ref, err)
			}
		}
	}
	for i, p := range s.Proposals {
		at := start.Add(p.At)
		r.events = append(r.events, event{at: at, proposal: i, vote: -1})
		for j, v := range p.Votes {
			r.events = append(r.events, event{at: at.Add(v.At), proposal: i, vote: j})
		}
	}
	sort.SliceStable(r.events, func(i, j int) bool { return r.events[i].at.Before(r.events[j].at) })
	return r, nil
}

// Canister is the SNS's governance canister.
func (r *ScenarioRunner) Canister() *Canister { return r.c }

// NeuronID is the id of the neuron the scenario names ref.
func (r *ScenarioRunner) NeuronID(ref string) ([]byte, bool) { id, ok := r.ids[ref]; return id, ok }

// ProposalID is the id of the scenario's i-th proposal once it was made.
func (r *ScenarioRunner) ProposalID(i int) (uint64, bool) { id, ok := r.created[i]; return id, ok }

// Step runs every event due at now, in order. Failures (a vote refused because following filled
// the ballot, say) are returned and do not stop the scenario.
func (r *ScenarioRunner) Step(now time.Time) []error {
	var errs []error
	for r.next < len(r.events) && !r.events[r.next].at.After(now) {
		if err := r.fire(r.events[r.next]); err != nil {
			errs = append(errs, fmt.Errorf("sns %q: %w", r.s.Config.Name, err))
		}
		r.next++
	}
	r.c.Tick()
	return errs
}

func (r *ScenarioRunner) fire(e event) error {
	p := r.s.Proposals[e.proposal]
	if e.vote < 0 {
		spec := p.Spec
		spec.Proposer = r.ids[p.Proposer]
		id, err := r.c.MakeProposal(spec)
		if err != nil {
			return fmt.Errorf("proposal %d (%q): %w", e.proposal, spec.Title, err)
		}
		r.created[e.proposal] = id
		return nil
	}
	id, ok := r.created[e.proposal]
	if !ok {
		return fmt.Errorf("vote on proposal %d: it was not made", e.proposal)
	}
	v := p.Votes[e.vote]
	if err := r.c.Vote(r.ids[v.Neuron], id, v.Vote); err != nil {
		return fmt.Errorf("vote of %s on proposal %d: %w", v.Neuron, id, err)
	}
	return nil
}
