package governance

import (
	"math/bits"
	"runtime"
	"sync"
	"time"

	"github.com/votebot/votebot/nns"
)

// ProposalSpec describes a proposal submitted through the admin API or a
// scenario, bypassing authorisation.
type ProposalSpec struct {
	Proposer uint64
	// Topic overrides the topic derived from the action (Unspecified: derive).
	Topic   nns.Topic
	Title   string
	Summary string
	URL     string
	Action  nns.Action
	// FutureAction, when set, is an Action tag votebot does not know
	// (e.g. "SomeFutureAction"): the proposal's action is that tag, as a
	// newer canister would send it, and Action is ignored. It needs an
	// explicit Topic.
	FutureAction string
}

// SubmitProposal makes a proposal on behalf of spec.Proposer without
// checking the caller, and returns its id.
func (c *Canister) SubmitProposal(spec ProposalSpec) (uint64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.nowS()
	c.tickLocked(now)
	n, gerr := c.lookupNeuron(spec.Proposer)
	if gerr != nil {
		return 0, gerr
	}
	var stand *nns.Motion
	if spec.FutureAction != "" {
		if err := checkFutureTag(spec.FutureAction); err != nil {
			return 0, nns.NewGovernanceError(nns.ErrorTypeInvalidProposal, "%v", err)
		}
		if spec.Topic == nns.TopicUnspecified {
			return 0, nns.NewGovernanceError(nns.ErrorTypeInvalidProposal, "future action %s needs a topic", spec.FutureAction)
		}
		stand = &nns.Motion{MotionText: "future action " + spec.FutureAction}
		spec.Action = nns.Action{Motion: stand}
	}
	body := nns.Proposal{Url: spec.URL, Summary: spec.Summary, Action: &spec.Action}
	if spec.Title != "" {
		body.Title = ptr(spec.Title)
	}
	topic, gerr := proposalTopic(body.Action)
	if gerr != nil {
		return 0, gerr
	}
	if spec.Topic != nns.TopicUnspecified {
		topic = spec.Topic
	}
	id, gerr := c.makeProposalLocked(n, body, topic, now)
	if gerr != nil {
		return 0, gerr
	}
	if stand != nil {
		// Published after the proposal exists, under c.mu: replies encoded
		// from now on carry the tag.
		c.futures.Store(c.futures.Load().withFuture(stand, spec.FutureAction))
	}
	return id, nil
}

// proposalTopic derives the topic from the action for the actions the
// devnet accepts: Motion and ExecuteNnsFunction.
func proposalTopic(a *nns.Action) (nns.Topic, *nns.GovernanceError) {
	switch {
	case a == nil:
		return 0, nns.NewGovernanceError(nns.ErrorTypeInvalidProposal, "Proposal lacks an action.")
	case a.Motion != nil:
		return nns.TopicGovernance, nil
	case a.ExecuteNnsFunction != nil:
		t, ok := nns.NnsFunctionTopic(a.ExecuteNnsFunction.NnsFunction)
		if !ok {
			return 0, nns.NewGovernanceError(nns.ErrorTypeInvalidProposal,
				"Invalid NnsFunction id: %d", a.ExecuteNnsFunction.NnsFunction)
		}
		return t, nil
	}
	return 0, nns.NewGovernanceError(nns.ErrorTypeInvalidProposal,
		"The devnet accepts only Motion and ExecuteNnsFunction proposals.")
}

// makeProposalLocked creates the proposal with its ballot snapshot, casts
// the proposer's Yes (cascading to followers) and decides it if it already
// can be.
func (c *Canister) makeProposalLocked(proposer *neuron, body nns.Proposal, topic nns.Topic, now uint64) (uint64, *nns.GovernanceError) {
	// A topic number outside the known list is a newer canister's topic:
	// accepted, as the canister that has it would.
	if topic == nns.TopicNeuronManagement || topic <= nns.TopicUnspecified {
		return 0, nns.NewGovernanceError(nns.ErrorTypeInvalidProposal, "The devnet does not accept proposals on topic %s.", topic)
	}
	if proposer.dissolveDelay(now) < seconds(c.cfg.MinDissolveDelayToPropose) {
		return 0, nns.NewGovernanceError(nns.ErrorTypeInsufficientFunds,
			"The proposer's dissolve delay is too short to make a proposal.")
	}
	period := seconds(c.cfg.VotingPeriod)
	if topic == nns.TopicExchangeRate {
		period = seconds(c.cfg.ShortVotingPeriod)
	}
	p := &proposal{
		id:            uint64(len(c.proposals)) + 1,
		topic:         topic,
		proposer:      proposer.id,
		body:          body,
		createdS:      now,
		deadlineS:     now + period,
		votingPeriodS: period,
		status:        nns.ProposalStatusOpen,
	}
	p.ballots, p.totalPotentialVP = c.snapshotBallots(now)
	for _, b := range p.ballots {
		p.total += b.votingPower
	}
	c.proposals = append(c.proposals, p)
	c.counters.Proposals++
	title := ""
	if p.body.Title != nil {
		title = *p.body.Title
	}
	c.cfg.Log.Info().Uint64("proposal", p.id).Stringer("topic", topic).Str("title", title).
		Uint64("proposer", proposer.id).Time("deadline", time.Unix(int64(p.deadlineS), 0).UTC()).Msg("proposal created")
	if p.ballot(proposer.idx) != nil {
		c.castAndCascade(p, proposer, nns.VoteYes, now)
	}
	proposer.refreshedS = now
	c.noteRefresh(proposer)
	p.tallyS = now
	c.decide(p, now)
	if p.status == nns.ProposalStatusOpen {
		c.openCount++
	}
	return p.id, nil
}

// snapshotBallots gives every neuron above the minimum dissolve delay an
// empty ballot weighted by its deciding voting power now, and sums their
// potential voting power. Large neuron sets are computed in parallel.
func (c *Canister) snapshotBallots(now uint64) ([]ballot, uint64) {
	out := make([]ballot, len(c.neurons))
	workers := runtime.GOMAXPROCS(0)
	if len(c.neurons) < 4096 || workers < 2 {
		return out, c.fillBallots(out, c.neurons, now)
	}
	chunk := (len(c.neurons) + workers - 1) / workers
	totals := make([]uint64, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*chunk, min((w+1)*chunk, len(c.neurons))
		if lo >= hi {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			totals[w] = c.fillBallots(out[lo:hi], c.neurons[lo:hi], now)
		}()
	}
	wg.Wait()
	var total uint64
	for _, t := range totals {
		total = satAdd(total, t)
	}
	return out, total
}

func (c *Canister) fillBallots(out []ballot, ns []*neuron, now uint64) uint64 {
	var total uint64
	for i, n := range ns {
		if !c.eligible(n, now) {
			continue
		}
		potential, deciding := c.votingPower(n, now)
		out[i] = ballot{votingPower: deciding, eligible: true}
		total = satAdd(total, potential)
	}
	return total
}

func (p *proposal) ballot(idx int32) *ballot {
	if int(idx) >= len(p.ballots) || !p.ballots[idx].eligible {
		return nil
	}
	return &p.ballots[idx]
}

// acceptsVotes: votes are accepted until the deadline, decided or not.
func (p *proposal) acceptsVotes(now uint64) bool { return now < p.deadlineS }

func (p *proposal) rewardStatus(now uint64) nns.RewardStatus {
	switch {
	case p.settled:
		return nns.RewardStatusSettled
	case p.topic.Known() && p.topic.RewardWeightCents() == 0:
		// Topics this build does not know are taken as rewarded, as the
		// real canister's new topics have been.
		return nns.RewardStatusIneligible
	case p.acceptsVotes(now):
		return nns.RewardStatusAcceptVotes
	}
	return nns.RewardStatusReadyToSettle
}

// decide applies the early-decision rule (absolute majority for yes, or at
// least half against) and, once the deadline has passed, the simple
// majority with at least 3% of the total voting power in favour.
func (c *Canister) decide(p *proposal, now uint64) {
	if p.status != nns.ProposalStatusOpen {
		return
	}
	var adopted bool
	switch {
	case p.yes > p.total-p.yes:
		adopted = true
	case p.no >= p.total-p.no:
		adopted = false
	case !p.acceptsVotes(now):
		adopted = p.yes > p.no && atLeastPercent(p.yes, p.total, 3)
	default:
		return
	}
	p.decidedS = now
	defer func() {
		c.cfg.Log.Info().Uint64("proposal", p.id).Stringer("status", p.status).Uint64("yes_e8s", p.yes).
			Uint64("no_e8s", p.no).Msg("proposal decided")
	}()
	if adopted {
		// The devnet has nothing to execute: adopted proposals succeed at once.
		p.status = nns.ProposalStatusExecuted
		p.executedS = now
		return
	}
	p.status = nns.ProposalStatusRejected
	if proposer := c.byID[p.proposer]; proposer != nil {
		proposer.feesE8s = satAdd(proposer.feesE8s, c.cfg.RejectCostE8s)
	}
}

// atLeastPercent reports x*100 >= total*pct without overflow.
func atLeastPercent(x, total, pct uint64) bool {
	xh, xl := bits.Mul64(x, 100)
	th, tl := bits.Mul64(total, pct)
	return xh > th || (xh == th && xl >= tl)
}

func satAdd(a, b uint64) uint64 {
	if s := a + b; s >= a {
		return s
	}
	return ^uint64(0)
}

// proposalInfo renders the proposal; ballots are those of callerIdx only.
func (c *Canister) proposalInfo(p *proposal, now uint64, callerIdx []int32, omitLarge bool) nns.ProposalInfo {
	body := p.body
	if omitLarge && body.Action != nil && body.Action.ExecuteNnsFunction != nil {
		a := *body.Action
		a.ExecuteNnsFunction = &nns.ExecuteNnsFunction{NnsFunction: a.ExecuteNnsFunction.NnsFunction}
		body.Action = &a
	}
	info := nns.ProposalInfo{
		Id:                        &nns.ProposalId{Id: p.id},
		Status:                    int32(p.status),
		Topic:                     int32(p.topic),
		Ballots:                   []nns.BallotEntry{},
		ProposalTimestampSeconds:  p.createdS,
		RewardEventRound:          p.rewardRound,
		DeadlineTimestampSeconds:  ptr(p.deadlineS),
		FailedTimestampSeconds:    p.failedS,
		RejectCostE8s:             c.cfg.RejectCostE8s,
		LatestTally:               &nns.Tally{Yes: p.yes, No: p.no, Total: p.total, TimestampSeconds: p.tallyS},
		RewardStatus:              int32(p.rewardStatus(now)),
		DecidedTimestampSeconds:   p.decidedS,
		Proposal:                  &body,
		Proposer:                  &nns.NeuronId{Id: p.proposer},
		ExecutedTimestampSeconds:  p.executedS,
		TotalPotentialVotingPower: ptr(p.totalPotentialVP),
	}
	for _, idx := range callerIdx {
		if b := p.ballot(idx); b != nil {
			info.Ballots = append(info.Ballots, nns.BallotEntry{
				NeuronId: c.neurons[idx].id,
				Ballot:   nns.Ballot{Vote: int32(b.vote), VotingPower: b.votingPower},
			})
		}
	}
	return info
}
