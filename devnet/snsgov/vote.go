package snsgov

import (
	"fmt"
	"slices"

	"github.com/votebot/votebot/sns"
)

// Governance errors, with the numbers of upstream's GovernanceError.ErrorType.
const (
	errNotFound         int32 = 3
	errNotAuthorized    int32 = 5
	errPreconditionFail int32 = 9
	errInvalidCommand   int32 = 12
	errInvalidProposal  int32 = 15
	errNotEligible      int32 = 16 // a neuron without a ballot
)

// GovError is a governance refusal, answered as ManageNeuronResponse's Error.
type GovError struct {
	Type    int32
	Message string
}

func (e *GovError) Error() string { return fmt.Sprintf("governance error %d: %s", e.Type, e.Message) }

func govErr(t int32, format string, a ...any) *GovError {
	return &GovError{Type: t, Message: fmt.Sprintf(format, a...)}
}

// Decision thresholds in basis points: share of the total voting power that must vote Yes, and
// share of the exercised voting power, for normal and critical proposals (upstream).
const (
	normalYesOfTotal      = 300
	normalYesOfExercised  = 5000
	criticalYesOfTotal    = 2000
	criticalYesOfExercise = 6700
)

func (p *proposal) thresholds() (ofTotal, ofExercised uint64) {
	if p.critical {
		return criticalYesOfTotal, criticalYesOfExercise
	}
	return normalYesOfTotal, normalYesOfExercised
}

// ProposalSpec describes a proposal to make (scenario files and the admin API).
type ProposalSpec struct {
	Proposer []byte // a neuron id with a ballot
	Function uint64 // 1 Motion, another native id, or a custom function id
	Title    string
	Summary  string
	URL      string
}

// MakeProposal makes a proposal as Proposer, without a permission check (the admin path); the
// proposer votes Yes and following cascades, as in the canister.
func (c *Canister) MakeProposal(spec ProposalSpec) (uint64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tickLocked()
	return c.makeProposalLocked(spec)
}

func (c *Canister) makeProposalLocked(spec ProposalSpec) (uint64, error) {
	proposer, ok := c.neurons[sns.NeuronIDHex(spec.Proposer)]
	if !ok {
		return 0, govErr(errNotFound, "No neuron for given NeuronId.")
	}
	if spec.Function == 0 {
		spec.Function = sns.FunctionMotion
	}
	topic, err := c.topicOf(spec.Function)
	if err != nil {
		return 0, err
	}
	now := c.nowS()
	p := &proposal{id: uint64(len(c.proposals)) + 1, function: spec.Function, topic: topic, critical: c.isCritical(topic),
		title: spec.Title, summary: spec.Summary, url: spec.URL, proposer: proposer.hexID, createdS: now,
		periodS: seconds(c.cfg.InitialVotingPeriod), wfqS: seconds(c.cfg.WaitForQuietIncrease),
		ballots: map[string]*sns.Ballot{}, rewardable: c.cfg.RewardRateBasisPoints > 0}
	if p.critical {
		p.periodS, p.wfqS = max(p.periodS, seconds(c.cfg.CriticalVotingPeriod)), max(p.wfqS, seconds(c.cfg.CriticalWaitForQuiet))
	}
	p.action = actionFor(spec, c.functions)
	p.deadlineS = now + p.periodS
	for _, h := range c.order {
		n := c.neurons[h]
		if !c.eligible(n, now) {
			continue
		}
		if vp := c.votingPower(n, now); vp > 0 {
			p.ballots[h] = &sns.Ballot{VotingPower: vp}
			p.total += vp
		}
	}
	if _, ok := p.ballots[proposer.hexID]; !ok {
		return 0, govErr(errPreconditionFail, "Neuron %s is not eligible to make a proposal: its dissolve delay is below the minimum.", proposer.hexID)
	}
	c.proposals = append(c.proposals, p)
	c.counters.Proposals++
	// The proposer's Yes and what follows from it make the initial tally: wait-for-quiet
	// starts from there, as upstream evaluates it only on later votes.
	c.cascadeLocked(p, proposer.hexID, sns.VoteYes, now)
	c.decideEarly(p, now)
	c.counters.DirectVotes++
	return p.id, nil
}

func actionFor(spec ProposalSpec, custom map[uint64]Function) *sns.Action {
	switch {
	case spec.Function == sns.FunctionMotion:
		return &sns.Action{Motion: &sns.Motion{MotionText: spec.Summary}}
	case spec.Function >= sns.FirstCustomFunction:
		return &sns.Action{ExecuteGenericNervousSystemFunction: &sns.ExecuteGenericNervousSystemFunction{FunctionId: spec.Function}}
	}
	empty := &struct{}{}
	a := &sns.Action{}
	switch spec.Function {
	case sns.FunctionTransferSnsTreasuryFunds:
		a.TransferSnsTreasuryFunds = empty
	case sns.FunctionMintSnsTokens:
		a.MintSnsTokens = empty
	case sns.FunctionUpgradeSnsControlledCanister:
		a.UpgradeSnsControlledCanister = empty
	case sns.FunctionManageSnsMetadata:
		a.ManageSnsMetadata = empty
	case sns.FunctionUpgradeSnsToNextVersion:
		a.UpgradeSnsToNextVersion = empty
	case sns.FunctionRegisterDappCanisters:
		a.RegisterDappCanisters = empty
	case sns.FunctionDeregisterDappCanisters:
		a.DeregisterDappCanisters = empty
	case sns.FunctionManageLedgerParameters:
		a.ManageLedgerParameters = empty
	case sns.FunctionManageDappCanisterSettings:
		a.ManageDappCanisterSettings = empty
	case sns.FunctionAdvanceSnsTargetVersion:
		a.AdvanceSnsTargetVersion = empty
	default:
		a.Unspecified = empty
	}
	return a
}

// Vote registers neuron's vote on proposal without a permission check (the admin path).
func (c *Canister) Vote(neuronID []byte, proposalID uint64, vote int32) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tickLocked()
	return c.registerVoteLocked(sns.NeuronIDHex(neuronID), proposalID, vote)
}

// registerVoteLocked applies RegisterVote's rules and texts.
func (c *Canister) registerVoteLocked(neuronHex string, proposalID uint64, vote int32) error {
	if vote != sns.VoteYes && vote != sns.VoteNo {
		return govErr(errInvalidCommand, "Invalid vote specified.")
	}
	p := c.proposal(proposalID)
	if p == nil {
		return govErr(errNotFound, "Can't find proposal.")
	}
	now := c.nowS()
	if now >= p.deadlineS {
		return govErr(errPreconditionFail, "Proposal deadline has passed.")
	}
	b, ok := p.ballots[neuronHex]
	if !ok {
		return govErr(errNotEligible, "Neuron not authorized to vote on proposal.")
	}
	if b.Vote != sns.VoteUnspecified {
		return govErr(errPreconditionFail, "Neuron already voted on proposal.")
	}
	c.castLocked(p, neuronHex, vote, now)
	c.counters.DirectVotes++
	return nil
}

// castLocked fills one ballot and what following decides from it, then checks wait-for-quiet
// and an early decision.
func (c *Canister) castLocked(p *proposal, neuronHex string, vote int32, now uint64) {
	oldYes, oldNo := p.yes, p.no
	c.cascadeLocked(p, neuronHex, vote, now)
	c.waitForQuiet(p, oldYes, oldNo, now)
	c.decideEarly(p, now)
}

// cascadeLocked fills one ballot, then every ballot that following decides from it.
func (c *Canister) cascadeLocked(p *proposal, neuronHex string, vote int32, now uint64) {
	queue := []string{neuronHex}
	c.fill(p, neuronHex, vote, now)
	for len(queue) > 0 {
		voter := queue[0]
		queue = queue[1:]
		for _, h := range c.order { // deterministic order
			b, ok := p.ballots[h]
			if !ok || b.Vote != sns.VoteUnspecified {
				continue
			}
			followees := c.followeesFor(c.neurons[h], p)
			if !slices.Contains(followees, voter) {
				continue
			}
			if v := followedVote(p, followees); v != sns.VoteUnspecified {
				c.fill(p, h, v, now)
				c.counters.FollowingVotes++
				queue = append(queue, h)
			}
		}
	}
}

func (c *Canister) fill(p *proposal, h string, vote int32, now uint64) {
	b := p.ballots[h]
	b.Vote, b.CastTimestampSeconds = vote, now
	if vote == sns.VoteYes {
		p.yes += b.VotingPower
	} else {
		p.no += b.VotingPower
	}
}

// followeesFor is whom n follows on p: its topic's followees, else its followees for p's
// function, else the catch-all — which never covers a critical proposal.
func (c *Canister) followeesFor(n *neuron, p *proposal) []string {
	if f := n.topicFollowees[p.topic]; len(f) > 0 {
		return f
	}
	if f := n.legacy[p.function]; len(f) > 0 {
		return f
	}
	if p.critical {
		return nil
	}
	return n.legacy[0]
}

// followedVote is the followees' majority: more than half Yes → Yes, at least half No → No.
func followedVote(p *proposal, followees []string) int32 {
	var yes, no int
	for _, f := range followees {
		if b, ok := p.ballots[f]; ok {
			switch b.Vote {
			case sns.VoteYes:
				yes++
			case sns.VoteNo:
				no++
			}
		}
	}
	switch n := len(followees); {
	case n == 0:
		return sns.VoteUnspecified
	case 2*yes > n:
		return sns.VoteYes
	case 2*no >= n:
		return sns.VoteNo
	}
	return sns.VoteUnspecified
}

// waitForQuiet moves the deadline when a vote turned the outcome, as the NNS's rule does with
// this proposal's increase.
func (c *Canister) waitForQuiet(p *proposal, oldYes, oldNo, now uint64) {
	if p.decidedS != 0 || (oldYes > oldNo) == (p.yes > p.no) {
		return
	}
	elapsed := now - p.createdS
	margin := p.wfqS + p.periodS/2
	if elapsed/2 < margin {
		margin -= elapsed / 2
	} else {
		margin = 0
	}
	p.deadlineS = max(p.deadlineS, now+margin)
}

// decideEarly decides a proposal whose outcome no remaining vote can change.
func (c *Canister) decideEarly(p *proposal, now uint64) {
	if p.decidedS != 0 {
		return
	}
	ofTotal, ofExercised := p.thresholds()
	switch {
	case p.yes*10_000 > p.total*ofExercised && p.yes*10_000 >= p.total*ofTotal:
		c.decide(p, true, now)
	case p.no*10_000 >= p.total*(10_000-ofExercised):
		c.decide(p, false, now)
	}
}

// decideAtDeadline decides by the thresholds once voting has ended.
func (c *Canister) decideAtDeadline(p *proposal) {
	if p.decidedS != 0 {
		return
	}
	ofTotal, ofExercised := p.thresholds()
	accepted := p.yes*10_000 >= p.total*ofTotal && p.yes*10_000 > (p.yes+p.no)*ofExercised
	c.decide(p, accepted, p.deadlineS)
}

func (c *Canister) decide(p *proposal, adopted bool, at uint64) {
	p.decidedS, p.adopted = at, adopted
	if adopted {
		p.executedS = at
	}
}
