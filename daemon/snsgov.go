package daemon

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/votebot/votebot/agent"
	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
	"github.com/votebot/votebot/rewards"
	"github.com/votebot/votebot/sns"
)

// SNSGov adapts one SNS's governance canister to the loop's Governance, and
// classifies its errors: the lane of that DAO. Inside the lane a neuron is
// known by its sns.ShortID; SNSGov maps it back to the whole id to vote.
type SNSGov struct {
	// G is the signed client (the bot identity, the clock skew); C its
	// client of this SNS's governance canister. When C is nil (the SNS did
	// not answer at start), Resolve finds it at each use until it answers;
	// until then every call fails with its error.
	G       *agent.Governance
	C       *agent.SNSGovernance
	Resolve func(context.Context) (*agent.SNSGovernance, error)
	// Root is the DAO's root canister id and DAO its display name, as the
	// SNS facts of every proposal carry them.
	Root, DAO string
	// Now measures a dissolving neuron's remaining delay and whether a
	// proposal still accepts votes (default time.Now).
	Now func() time.Time

	mu sync.Mutex // guards C once shared, and what follows
	// ids are the lane's neurons: short id → whole id. Ballots of other
	// neurons are dropped.
	ids map[uint64][]byte
	// critical and functions are list_topics' criticality and function
	// names, read once (topicsRead).
	critical   map[sns.TopicID]bool
	functions  map[uint64]string
	topicsRead bool
	// power is each neuron's voting power on the newest ballot seen: the
	// SNS's neuron record does not carry it.
	power map[uint64]uint64
}

var (
	_ bot.Governance      = (*SNSGov)(nil)
	_ bot.ErrorClassifier = (*SNSGov)(nil)
)

// errNoRecentBallots: an SNS neuron has no recent ballots to read; the
// loop takes a failed read as "unknown".
var errNoRecentBallots = fmt.Errorf("an SNS neuron has no recent ballots to read: %w", bot.ErrNoRecentBallots)

// SetNeurons sets the lane's neurons (at assembly and on reload).
func (a *SNSGov) SetNeurons(ids [][]byte) {
	m := make(map[uint64][]byte, len(ids))
	for _, id := range ids {
		m[sns.ShortID(id)] = slices.Clone(id)
	}
	a.mu.Lock()
	a.ids = m
	a.mu.Unlock()
}

// client is the SNS governance client: C, else what Resolve finds now.
func (a *SNSGov) client(ctx context.Context) (*agent.SNSGovernance, error) {
	a.mu.Lock()
	c := a.C
	a.mu.Unlock()
	if c != nil {
		return c, nil
	}
	if a.Resolve == nil {
		return nil, fmt.Errorf("sns %s: no governance client", a.DAO)
	}
	c, err := a.Resolve(ctx)
	if err != nil {
		return nil, err
	}
	a.setClient(c)
	return c, nil
}

func (a *SNSGov) setClient(c *agent.SNSGovernance) {
	a.mu.Lock()
	a.C = c
	a.mu.Unlock()
}

func (a *SNSGov) fullID(short uint64) ([]byte, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	id, ok := a.ids[short]
	return id, ok
}

func (a *SNSGov) now() time.Time {
	if a.Now == nil {
		return time.Now()
	}
	return a.Now()
}

// OpenProposals implements Governance: list_proposals with reward status
// AcceptVotes, every page, signed so the lane's ballots come back.
func (a *SNSGov) OpenProposals(ctx context.Context) ([]policy.Proposal, error) {
	c, err := a.client(ctx)
	if err != nil {
		return nil, err
	}
	pds, err := c.ListProposals(ctx, sns.ListProposals{IncludeRewardStatus: []int32{sns.RewardStatusAcceptVotes}})
	if err != nil {
		return nil, err
	}
	a.readTopics(ctx)
	out := make([]policy.Proposal, 0, len(pds))
	for _, pd := range pds {
		if pd.Id == nil {
			continue
		}
		p := a.proposal(pd)
		p.RewardStatus = nns.RewardStatusAcceptVotes // what was asked for
		out = append(out, p)
	}
	a.notePower(out)
	return out, nil
}

// Proposal implements Governance with get_proposal.
func (a *SNSGov) Proposal(ctx context.Context, id uint64) (*policy.Proposal, error) {
	c, err := a.client(ctx)
	if err != nil {
		return nil, err
	}
	pd, err := c.GetProposal(ctx, id)
	if errors.Is(err, agent.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	a.readTopics(ctx)
	p := a.proposal(pd)
	return &p, nil
}

// readTopics reads list_topics once: which topics the DAO marks critical
// and its functions' names. A failure is retried at the next read; until
// then a topic is critical as upstream's defaults say.
func (a *SNSGov) readTopics(ctx context.Context) {
	a.mu.Lock()
	done := a.topicsRead
	a.mu.Unlock()
	if done {
		return
	}
	c, err := a.client(ctx)
	if err != nil {
		return
	}
	resp, err := c.ListTopics(ctx)
	if err != nil || resp.Topics == nil {
		return
	}
	critical, functions := map[sns.TopicID]bool{}, map[uint64]string{}
	for _, ti := range *resp.Topics {
		t := ti.Topic.ID()
		if ti.IsCritical != nil && t != sns.TopicUnspecified {
			critical[t] = *ti.IsCritical
		}
		for _, fs := range []*[]sns.NervousSystemFunction{ti.NativeFunctions, ti.CustomFunctions} {
			if fs != nil {
				for _, f := range *fs {
					functions[f.Id] = f.Name
				}
			}
		}
	}
	a.mu.Lock()
	a.critical, a.functions, a.topicsRead = critical, functions, true
	a.mu.Unlock()
}

// proposal is the lane's view of pd: SNS facts set, ballots of the lane's
// neurons by short id.
func (a *SNSGov) proposal(pd sns.ProposalData) policy.Proposal {
	topic := pd.Topic.ID()
	a.mu.Lock()
	critical, known := a.critical[topic]
	fname := a.functions[pd.Action]
	ids := a.ids
	a.mu.Unlock()
	if !known {
		critical = topic.CriticalByDefault()
	}
	created := unixSeconds(pd.ProposalCreationTimestampSeconds)
	p := policy.Proposal{Created: created, Status: snsStatus(pd), RewardStatus: snsRewardStatus(pd, a.now())}
	if pd.Id != nil {
		p.ID = pd.Id.Id
	}
	p.Deadline = snsDeadline(pd)
	if t := pd.LatestTally; t != nil {
		p.Tally = policy.Tally{Yes: t.Yes, No: t.No, Total: t.Total}
		p.TotalPotentialVP = t.Total
	}
	facts := &policy.SNSProposal{Root: a.Root, DAO: a.DAO, Topic: topic, Critical: critical, FunctionID: pd.Action, ActionName: fname}
	if pr := pd.Proposal; pr != nil {
		p.Title, p.Summary, p.URL = pr.Title, pr.Summary, pr.Url
		// A native proposal is named by its Action variant; a custom one
		// (ExecuteGenericNervousSystemFunction) by its function's name.
		if name := pr.Action.Name(); name != "" && pd.Action < sns.FirstCustomFunction {
			facts.ActionName = name
		}
	}
	if pd.Proposer != nil {
		facts.Proposer = sns.NeuronIDHex(pd.Proposer.Id)
	}
	p.SNS = facts
	var list []policy.NeuronBallot
	for _, b := range pd.Ballots {
		id, err := hex.DecodeString(b.NeuronId)
		if err != nil || len(id) != sns.NeuronIDLen {
			continue // not a neuron id: nothing of ours
		}
		short := sns.ShortID(id)
		if _, mine := ids[short]; !mine {
			continue
		}
		list = append(list, policy.NeuronBallot{Neuron: short,
			Ballot: policy.Ballot{Vote: nnsVote(b.Ballot.Vote), VotingPower: b.Ballot.VotingPower}})
	}
	p.Ballots = policy.NewBallots(list)
	return p
}

// notePower keeps each neuron's voting power on the newest open proposal.
func (a *SNSGov) notePower(ps []policy.Proposal) {
	newest := map[uint64]uint64{} // neuron → proposal id the power is from
	power := map[uint64]uint64{}
	for _, p := range ps {
		for n, b := range p.Ballots.All() {
			if p.ID >= newest[n] {
				newest[n], power[n] = p.ID, b.VotingPower
			}
		}
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.power == nil {
		a.power = map[uint64]uint64{}
	}
	for n, vp := range power {
		a.power[n] = vp
	}
}

// snsDeadline is wait-for-quiet's current deadline, else the end of the
// initial voting period.
func snsDeadline(pd sns.ProposalData) time.Time {
	if w := pd.WaitForQuietState; w != nil && w.CurrentDeadlineTimestampSeconds > 0 {
		return unixSeconds(w.CurrentDeadlineTimestampSeconds)
	}
	return unixSeconds(pd.ProposalCreationTimestampSeconds + pd.InitialVotingPeriodSeconds)
}

// snsStatus derives the NNS-like status from the SNS's timestamps (an SNS
// proposal has no status field).
func snsStatus(pd sns.ProposalData) nns.ProposalStatus {
	switch {
	case pd.DecidedTimestampSeconds == 0:
		return nns.ProposalStatusOpen
	case pd.ExecutedTimestampSeconds > 0:
		return nns.ProposalStatusExecuted
	case pd.FailedTimestampSeconds > 0:
		return nns.ProposalStatusFailed
	case pd.LatestTally != nil && pd.LatestTally.Yes > pd.LatestTally.No:
		return nns.ProposalStatusAdopted
	}
	return nns.ProposalStatusRejected
}

// snsRewardStatus is upstream's reward_status: settled once rewarded,
// accepting votes until the deadline, then ready to settle.
func snsRewardStatus(pd sns.ProposalData, now time.Time) nns.RewardStatus {
	switch {
	case pd.RewardEventRound > 0 || pd.RewardEventEndTimestampSeconds != nil:
		return nns.RewardStatusSettled
	case now.Before(snsDeadline(pd)):
		return nns.RewardStatusAcceptVotes
	}
	return nns.RewardStatusReadyToSettle
}

func nnsVote(v int32) nns.Vote {
	switch v {
	case sns.VoteYes:
		return nns.VoteYes
	case sns.VoteNo:
		return nns.VoteNo
	}
	return nns.VoteUnspecified
}

func unixSeconds(s uint64) time.Time {
	if s == 0 {
		return time.Time{}
	}
	return time.Unix(int64(s), 0)
}

// Neurons implements Governance: list_neurons(of_principal = the hotkey).
// A lane neuron it does not return is one the hotkey holds no permission
// on any more: left out, as an NNS neuron the identity may not read.
func (a *SNSGov) Neurons(ctx context.Context, ids []uint64) (map[uint64]bot.Neuron, error) {
	list, err := a.listMine(ctx)
	if err != nil {
		return nil, err
	}
	want := make(map[uint64]bool, len(ids))
	for _, id := range ids {
		want[id] = true
	}
	me := a.G.Sender()
	now := a.now()
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make(map[uint64]bot.Neuron, len(ids))
	for _, sn := range list {
		if sn.Id == nil {
			continue
		}
		short := sns.ShortID(sn.Id.Id)
		if !want[short] {
			continue
		}
		n := snsNeuron(sn, short, slices.Contains(sn.PermissionsOf(me), sns.PermissionVote), now)
		n.DecidingVotingPower, n.PotentialVotingPower = a.power[short], a.power[short]
		out[short] = n
	}
	return out, nil
}

// listMine lists the neurons the hotkey holds a permission on.
func (a *SNSGov) listMine(ctx context.Context) ([]sns.Neuron, error) {
	c, err := a.client(ctx)
	if err != nil {
		return nil, err
	}
	me := a.G.Sender()
	list, err := c.ListNeurons(ctx, &me)
	if err != nil {
		return nil, fmt.Errorf("sns %s: list neurons: %w", a.DAO, err)
	}
	return list, nil
}

// snsNeuron is the loop's view of an SNS neuron.
func snsNeuron(sn sns.Neuron, short uint64, authorized bool, now time.Time) bot.Neuron {
	n := bot.Neuron{ID: short, Authorized: authorized, State: nns.NeuronStateNotDissolving,
		Maturity: rewards.Maturity{MaturityE8s: sn.MaturityE8sEquivalent}}
	if sn.StakedMaturityE8sEquivalent != nil {
		n.Maturity.StakedMaturityE8s = *sn.StakedMaturityE8sEquivalent
	}
	switch ds := sn.DissolveState; {
	case ds == nil:
		n.DissolveUnknown = true
	case ds.DissolveDelaySeconds != nil:
		n.DissolveDelay = time.Duration(*ds.DissolveDelaySeconds) * time.Second
	case ds.WhenDissolvedTimestampSeconds != nil:
		n.State, n.DissolvesAt = nns.NeuronStateDissolving, unixSeconds(*ds.WhenDissolvedTimestampSeconds)
		left := n.DissolvesAt.Sub(now)
		if left <= 0 {
			left, n.State = 0, nns.NeuronStateDissolved
		}
		n.DissolveDelay = left
	default:
		n.DissolveUnknown = true
	}
	if tf := sn.TopicFollowees; tf != nil {
		n.SNSFollowees = map[sns.TopicID][]uint64{}
		for _, e := range tf.TopicIdToFollowees {
			ids := []uint64{}
			for _, f := range e.Followees.Followees {
				if f.NeuronId != nil {
					ids = append(ids, sns.ShortID(f.NeuronId.Id))
				}
			}
			n.SNSFollowees[sns.TopicID(e.TopicId)] = ids
		}
	}
	return n
}

// snsFollowing is a neuron's topic following with whole followee ids.
func snsFollowing(sn sns.Neuron) map[sns.TopicID][][]byte {
	out := map[sns.TopicID][][]byte{}
	if sn.TopicFollowees == nil {
		return out
	}
	for _, e := range sn.TopicFollowees.TopicIdToFollowees {
		var ids [][]byte
		for _, f := range e.Followees.Followees {
			if f.NeuronId != nil {
				ids = append(ids, f.NeuronId.Id)
			}
		}
		out[sns.TopicID(e.TopicId)] = ids
	}
	return out
}

// Economics implements Governance: the minimum dissolve delay to vote. An
// SNS has no voting-power decay and no clearing of following.
func (a *SNSGov) Economics(ctx context.Context) (bot.Economics, error) {
	c, err := a.client(ctx)
	if err != nil {
		return bot.Economics{}, err
	}
	p, err := c.GetNervousSystemParameters(ctx)
	if err != nil {
		return bot.Economics{}, err
	}
	var e bot.Economics
	if s := p.NeuronMinimumDissolveDelayToVoteSeconds; s != nil {
		e.MinimumDissolveDelayToVote = time.Duration(*s) * time.Second
	}
	return e, nil
}

// KnownNeurons implements Governance: an SNS has no known neurons.
func (a *SNSGov) KnownNeurons(context.Context) (map[string]uint64, error) {
	return map[string]uint64{}, nil
}

// RegisterVote implements Governance: the short id's whole id votes Yes
// (1) or No (2).
func (a *SNSGov) RegisterVote(ctx context.Context, neuron, proposal uint64, v nns.Vote) error {
	id, ok := a.fullID(neuron)
	if !ok {
		return fmt.Errorf("sns %s: neuron %s is not one of the lane's", a.DAO, sns.FormatShortID(neuron))
	}
	var vote int32
	switch v {
	case nns.VoteYes:
		vote = sns.VoteYes
	case nns.VoteNo:
		vote = sns.VoteNo
	default:
		return fmt.Errorf("sns %s: cannot cast %s", a.DAO, v)
	}
	c, err := a.client(ctx)
	if err != nil {
		return err
	}
	return c.RegisterVote(ctx, id, proposal, vote)
}

// errNNSOnly is what the NNS-only commands answer in an SNS lane; the loop
// does not send them there (following is set per SNS topic by the lane).
var errNNSOnly = errors.New("not an SNS command: an SNS has NNS topics, voting-power refresh nor recent ballots")

// SetFollowing implements Governance: NNS topics mean nothing to an SNS.
func (a *SNSGov) SetFollowing(context.Context, uint64, map[nns.Topic][]uint64) error {
	return fmt.Errorf("sns %s: set following by NNS topic: %w", a.DAO, errNNSOnly)
}

// SetSNSFollowing sets the neuron's following on each topic given.
func (a *SNSGov) SetSNSFollowing(ctx context.Context, neuron []byte, f map[sns.TopicID][][]byte) error {
	c, err := a.client(ctx)
	if err != nil {
		return err
	}
	return c.SetFollowing(ctx, neuron, f)
}

// RefreshVotingPower implements Governance: an SNS has no refresh.
func (a *SNSGov) RefreshVotingPower(context.Context, uint64) error {
	return fmt.Errorf("sns %s: refresh voting power: %w", a.DAO, errNNSOnly)
}

// RecentBallots implements Governance: an SNS neuron has none; the error
// leaves a followee's vote unknown.
func (a *SNSGov) RecentBallots(context.Context, uint64) (map[uint64]nns.Vote, error) {
	return nil, fmt.Errorf("sns %s: %w", a.DAO, errNoRecentBallots)
}

// Principal implements Governance.
func (a *SNSGov) Principal() string { return a.G.Sender().String() }

// ClockSkew implements Governance.
func (a *SNSGov) ClockSkew() (time.Duration, bool) {
	skew, _, ok := a.G.ClockSkew()
	return skew, ok
}

// AlreadyVoted implements ErrorClassifier.
func (*SNSGov) AlreadyVoted(err error) bool { return agent.IsAlreadyVoted(err) }

// Refused implements ErrorClassifier: an SNS governance error other than
// already-voted, or a rejection that retrying will not change.
func (*SNSGov) Refused(err error) bool {
	var ge *agent.SNSGovernanceError
	if errors.As(err, &ge) {
		return !agent.IsAlreadyVoted(err)
	}
	var re *agent.RejectError
	return errors.As(err, &re) && !re.Transient()
}

// AllEndpointsDown implements ErrorClassifier.
func (*SNSGov) AllEndpointsDown(err error) bool { return errors.Is(err, agent.ErrAllEndpointsDown) }
