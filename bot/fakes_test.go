package bot

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"sync"
	"time"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
	"github.com/votebot/votebot/rewards"
)

var (
	errAlreadyVoted = errors.New("governance error 19: neuron already voted")
	errRefused      = errors.New("governance error 11: proposal deadline has passed")
	errDown         = errors.New("all endpoints down")
	errTransient    = errors.New("timeout")
)

type fakeErrs struct{}

func (fakeErrs) AlreadyVoted(err error) bool     { return errors.Is(err, errAlreadyVoted) }
func (fakeErrs) Refused(err error) bool          { return errors.Is(err, errRefused) }
func (fakeErrs) AllEndpointsDown(err error) bool { return errors.Is(err, errDown) }

// fakeGov is an in-memory governance canister: votes fill ballots.
type fakeGov struct {
	mu        sync.Mutex
	now       func() time.Time
	props     map[uint64]*policy.Proposal
	neurons   map[uint64]*Neuron
	econ      Economics
	principal string
	down      bool
	// failVotes makes the next n RegisterVote calls fail transiently.
	failVotes int
	refuse    bool
	// beforeVote runs inside RegisterVote, before the ballot is checked.
	beforeVote func()
	sent       map[ballotKey]int // RegisterVote calls that filled a ballot
	calls      int
	reads      int // successful Neurons calls
	following  []uint64
	refreshed  []uint64
	skew       time.Duration // IC time − local time, 0: not measured
	// order lists RegisterVote calls as they arrive.
	order []ballotKey
	// noCascade turns following off: a vote fills only its own ballot.
	noCascade bool
	// failProposal makes Proposal (the re-read of one proposal) fail.
	failProposal  bool
	proposalReads int
}

func newFakeGov(now func() time.Time) *fakeGov {
	return &fakeGov{now: now, props: map[uint64]*policy.Proposal{}, neurons: map[uint64]*Neuron{},
		principal: "bot-principal", sent: map[ballotKey]int{},
		econ: Economics{StartReducingVotingPowerAfter: 180 * 24 * time.Hour, ClearFollowingAfter: 30 * 24 * time.Hour,
			MinimumDissolveDelayToVote: 14 * 24 * time.Hour}}
}

func (g *fakeGov) addNeuron(id uint64) *Neuron {
	n := &Neuron{ID: id, Authorized: true, HotKeys: []string{g.principal}, DissolveDelay: 365 * 24 * time.Hour,
		State: nns.NeuronStateNotDissolving, Followees: map[nns.Topic][]uint64{}, RecentBallots: map[uint64]nns.Vote{},
		VotingPowerRefreshed: g.now(), DecidingVotingPower: 100, PotentialVotingPower: 100}
	g.neurons[id] = n
	return n
}

func (g *fakeGov) addProposal(id uint64, topic nns.Topic, life time.Duration) *policy.Proposal {
	p := &policy.Proposal{ID: id, Topic: topic, Status: nns.ProposalStatusOpen, RewardStatus: nns.RewardStatusAcceptVotes,
		Title: fmt.Sprintf("proposal %d", id), Created: g.now(), Deadline: g.now().Add(life)}
	for nid, n := range g.neurons {
		if n.DissolveDelay >= g.econ.MinimumDissolveDelayToVote {
			p.Ballots.Set(nid, policy.Ballot{VotingPower: 100})
		}
	}
	g.props[id] = p
	return p
}

// fill sets a ballot as following would.
func (g *fakeGov) fill(neuron, proposal uint64, v nns.Vote) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.props[proposal].Ballots.Set(neuron, policy.Ballot{Vote: v, VotingPower: 100})
	g.neurons[neuron].RecentBallots[proposal] = v
}

// tick ends voting for proposals past their deadline.
func (g *fakeGov) tick() {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, p := range g.props {
		if !g.now().Before(p.Deadline) && p.RewardStatus == nns.RewardStatusAcceptVotes {
			p.RewardStatus = nns.RewardStatusReadyToSettle
		}
	}
}

func (g *fakeGov) visible(p *policy.Proposal) policy.Proposal {
	c := *p
	c.Ballots = policy.Ballots{}
	for id, b := range p.Ballots.All() {
		if n := g.neurons[id]; n != nil && n.Authorized {
			c.Ballots.Set(id, b)
		}
	}
	return c
}

func (g *fakeGov) OpenProposals(context.Context) ([]policy.Proposal, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.down {
		return nil, errDown
	}
	var out []policy.Proposal
	for _, p := range g.props {
		if p.RewardStatus == nns.RewardStatusAcceptVotes && g.now().Before(p.Deadline) {
			out = append(out, g.visible(p))
		}
	}
	return out, nil
}

func (g *fakeGov) Proposal(_ context.Context, id uint64) (*policy.Proposal, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.down || g.failProposal {
		return nil, errDown
	}
	g.proposalReads++
	p, ok := g.props[id]
	if !ok {
		return nil, nil
	}
	c := g.visible(p)
	return &c, nil
}

func (g *fakeGov) Neurons(_ context.Context, ids []uint64) (map[uint64]Neuron, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.down {
		return nil, errDown
	}
	g.reads++
	out := map[uint64]Neuron{}
	for _, id := range ids {
		n, ok := g.neurons[id]
		if !ok { // as AgentGov: the canister answered NotFound
			out[id] = Neuron{ID: id, NotFound: true}
		}
		if ok && n.Authorized {
			c := *n
			c.RecentBallots = map[uint64]nns.Vote{}
			for k, v := range n.RecentBallots {
				c.RecentBallots[k] = v
			}
			out[id] = c
		}
	}
	return out, nil
}

func (g *fakeGov) Economics(context.Context) (Economics, error) { return g.econ, nil }
func (g *fakeGov) KnownNeurons(context.Context) (map[string]uint64, error) {
	return map[string]uint64{"DFINITY": 27}, nil
}

func (g *fakeGov) RegisterVote(_ context.Context, neuron, proposal uint64, v nns.Vote) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.calls++
	g.order = append(g.order, ballotKey{neuron, proposal})
	if g.down {
		return errDown
	}
	if g.failVotes > 0 {
		g.failVotes--
		return errTransient
	}
	if g.refuse {
		return errRefused
	}
	if g.beforeVote != nil {
		g.beforeVote()
	}
	p := g.props[proposal]
	b, ok := p.Ballots.Get(neuron)
	if !ok {
		return errRefused
	}
	if b.Vote != nns.VoteUnspecified {
		return errAlreadyVoted
	}
	p.Ballots.Set(neuron, policy.Ballot{Vote: v, VotingPower: b.VotingPower})
	g.neurons[neuron].RecentBallots[proposal] = v
	g.neurons[neuron].VotingPowerRefreshed = g.now()
	g.sent[ballotKey{neuron, proposal}]++
	if !g.noCascade {
		g.cascade(p)
	}
	return nil
}

// cascade fills, as the NNS does after a vote, every empty ballot whose
// followees on the topic (else the catch-all, except where the topic
// ignores it) decide it: Yes when more than half voted Yes, No when at
// least half voted No; until nothing changes.
func (g *fakeGov) cascade(p *policy.Proposal) {
	for changed := true; changed; {
		changed = false
		for id, b := range p.Ballots.All() {
			if b.Vote != nns.VoteUnspecified || p.Topic == nns.TopicNeuronManagement {
				continue
			}
			fs := policy.EffectiveFollowees(g.neurons[id].Followees, p.Topic)
			if len(fs) == 0 {
				continue
			}
			yes, no := 0, 0
			for _, f := range fs {
				switch fb, _ := p.Ballots.Get(f); fb.Vote {
				case nns.VoteYes:
					yes++
				case nns.VoteNo:
					no++
				}
			}
			v := nns.VoteUnspecified
			switch {
			case 2*yes > len(fs):
				v = nns.VoteYes
			case 2*no >= len(fs):
				v = nns.VoteNo
			}
			if v != nns.VoteUnspecified {
				p.Ballots.Set(id, policy.Ballot{Vote: v, VotingPower: b.VotingPower})
				g.neurons[id].RecentBallots[p.ID] = v
				changed = true
			}
		}
	}
}

func (g *fakeGov) SetFollowing(_ context.Context, neuron uint64, f map[nns.Topic][]uint64) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	for t, ids := range f {
		g.neurons[neuron].Followees[t] = ids
	}
	g.neurons[neuron].VotingPowerRefreshed = g.now()
	g.following = append(g.following, neuron)
	return nil
}

func (g *fakeGov) RefreshVotingPower(_ context.Context, neuron uint64) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.neurons[neuron].VotingPowerRefreshed = g.now()
	g.refreshed = append(g.refreshed, neuron)
	return nil
}

func (g *fakeGov) Principal() string { return g.principal }

func (g *fakeGov) ClockSkew() (time.Duration, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.skew, g.skew != 0
}

func (g *fakeGov) RecentBallots(_ context.Context, neuron uint64) (map[uint64]nns.Vote, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := map[uint64]nns.Vote{}
	if n, ok := g.neurons[neuron]; ok {
		for k, v := range n.RecentBallots {
			out[k] = v
		}
	}
	return out, nil
}

// memStore is an in-memory Store with the real store's vote-log rules.
type memStore struct {
	mu        sync.Mutex
	attempts  []*attempt
	dryRuns   []VoteIntent
	decisions []DecisionRecord
	obs       []rewards.Observation
	props     map[uint64]policy.Proposal
	settled   map[uint64]bool
	overrides []policy.Override
	prunes    []time.Time // Prune's cutoffs
	beat      time.Time   // the last heartbeat
	// failWrites makes every write fail (a full disk); Writable says so.
	failWrites error
	// failReads makes InFlightVotes fail (a store that cannot be read).
	failReads error
	// failOverrides makes Overrides fail (the table renamed or corrupt).
	failOverrides error
}

type attempt struct {
	VoteIntent
	outcome VoteOutcome // "" while pending
	text    string      // FinishVote's text
}

func newMemStore() *memStore {
	return &memStore{props: map[uint64]policy.Proposal{}, settled: map[uint64]bool{}}
}

func (s *memStore) Heartbeat(_ context.Context, at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.beat = at
	return nil
}

func (s *memStore) LastHeartbeat(context.Context) (time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.beat, nil
}

func (s *memStore) Writable() (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.failWrites == nil, s.failWrites
}

func (s *memStore) Probe(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.failWrites
}

func (s *memStore) BeginVote(_ context.Context, v VoteIntent) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failWrites != nil {
		return 0, s.failWrites
	}
	for _, a := range s.attempts {
		if a.Neuron != v.Neuron || a.Proposal != v.Proposal {
			continue
		}
		switch a.outcome {
		case "":
			return 0, ErrVoteInFlight
		case VoteSucceeded, VoteAlreadyVoted:
			return 0, ErrBallotDone
		}
	}
	v.Attempt = int64(len(s.attempts) + 1)
	s.attempts = append(s.attempts, &attempt{VoteIntent: v})
	return v.Attempt, nil
}

func (s *memStore) FinishVote(_ context.Context, id int64, outcome VoteOutcome, text string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.attempts[id-1]
	if a.outcome != "" {
		return fmt.Errorf("attempt %d not pending", id)
	}
	a.outcome, a.text = outcome, text
	return nil
}

func (s *memStore) InFlightVotes(context.Context) ([]VoteIntent, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failReads != nil {
		return nil, s.failReads
	}
	var out []VoteIntent
	for _, a := range s.attempts {
		if a.outcome == "" {
			out = append(out, a.VoteIntent)
		}
	}
	return out, nil
}

func (s *memStore) RecordDryRun(_ context.Context, v VoteIntent) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dryRuns = append(s.dryRuns, v)
	return nil
}

func (s *memStore) RecordDecisions(_ context.Context, ds []DecisionRecord) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failWrites != nil {
		return s.failWrites
	}
	s.decisions = append(s.decisions, ds...)
	return nil
}

func (s *memStore) RecordObservations(_ context.Context, obs []rewards.Observation) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failWrites != nil {
		return s.failWrites
	}
	s.obs = append(s.obs, obs...)
	return nil
}

// SaveProposal keeps what the real store keeps of the ballots: who had one,
// with what voting power (not the votes).
func (s *memStore) SaveProposal(_ context.Context, p policy.Proposal) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var bs []policy.NeuronBallot
	for n, b := range p.Ballots.All() {
		bs = append(bs, policy.NeuronBallot{Neuron: n, Ballot: policy.Ballot{VotingPower: b.VotingPower}})
	}
	p.Ballots = policy.NewBallots(bs)
	s.props[p.ID] = p
	return nil
}

func (s *memStore) UnsettledProposals(context.Context) ([]policy.Proposal, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []policy.Proposal
	for id, p := range s.props {
		if !s.settled[id] {
			out = append(out, p)
		}
	}
	return out, nil
}

func (s *memStore) MarkSettled(_ context.Context, p policy.Proposal) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settled[p.ID] = true
	return nil
}

func (s *memStore) Overrides(context.Context) ([]policy.Override, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failOverrides != nil {
		return nil, s.failOverrides
	}
	return append([]policy.Override(nil), s.overrides...), nil
}

func (s *memStore) putOverride(o policy.Override) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.overrides = append(s.overrides, o)
}

// MissedVotes counts empty ballots observed after voting closed, as the
// real store does.
func (s *memStore) MissedVotes(context.Context) ([]rewards.MissedCount, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	counts := map[[2]uint64]int64{}
	for _, o := range s.obs {
		if o.Ballot == rewards.BallotEmpty && o.RewardStatus != nns.RewardStatusAcceptVotes {
			counts[[2]uint64{o.Neuron, uint64(o.Topic)}]++
		}
	}
	var out []rewards.MissedCount
	for k, n := range counts {
		out = append(out, rewards.MissedCount{Neuron: k[0], Topic: nns.Topic(k[1]), Count: n})
	}
	return out, nil
}

func (s *memStore) Prune(_ context.Context, before time.Time) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.prunes = append(s.prunes, before)
	return 0, nil
}

// recAlerter delivers an alert once per key while it fires, like the real
// manager (reminders are the manager's job).
type recAlerter struct {
	mu        sync.Mutex
	active    map[alert.Key]alert.Alert
	delivered []string // "fire kind/neuron/proposal" / "resolve kind/neuron/proposal"
	// before are the states Active reports, as after a restart.
	before       []alert.State
	resolvedText map[alert.Key]string // the text each resolution was sent with
}

func newRecAlerter() *recAlerter { return &recAlerter{active: map[alert.Key]alert.Alert{}} }

func keyText(k alert.Key) string { return fmt.Sprintf("%s/%d/%d", k.Kind, k.Neuron, k.ProposalID) }

func (a *recAlerter) Fire(_ context.Context, al alert.Alert) (bool, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, ok := a.active[al.ID()]; ok {
		return false, nil
	}
	a.active[al.ID()] = al
	a.delivered = append(a.delivered, "fire "+keyText(al.ID()))
	return true, nil
}

func (a *recAlerter) Resolve(_ context.Context, al alert.Alert) (bool, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, ok := a.active[al.ID()]; !ok {
		return false, nil
	}
	delete(a.active, al.ID())
	a.delivered = append(a.delivered, "resolve "+keyText(al.ID()))
	if a.resolvedText == nil {
		a.resolvedText = map[alert.Key]string{}
	}
	a.resolvedText[al.ID()] = al.Text
	return true, nil
}

func (a *recAlerter) Active(context.Context) ([]alert.State, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]alert.State(nil), a.before...), nil
}

func (a *recAlerter) count(prefix string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	n := 0
	for _, d := range a.delivered {
		if len(d) >= len(prefix) && d[:len(prefix)] == prefix {
			n++
		}
	}
	return n
}

// topicDecider: a small rule table by topic, like the example policy.
type topicDecider struct {
	rules  map[nns.Topic]string // "yes", "no", "follow", "manual", "skip"
	margin time.Duration
	follow map[nns.Topic][]uint64
}

func (d topicDecider) Decide(p policy.Proposal, n Neuron, os []policy.Override, now time.Time) policy.Decision {
	for _, o := range os {
		if o.ProposalID == p.ID && (o.NeuronID == n.ID || o.NeuronID == 0) {
			return policy.Decision{Action: policy.ActionVoteNow, Vote: o.Vote, Override: true, Reason: "manual override"}
		}
	}
	fallbackAt := p.Deadline.Add(-d.margin)
	voteAt := func(v nns.Vote, at time.Time) policy.Decision {
		return policy.Decision{Action: policy.ActionVoteAt, Vote: v, At: at, Margin: fallbackAt}
	}
	switch d.rules[p.Topic] {
	case "yes":
		v := voteAt(nns.VoteYes, p.Created)
		v.Rule, v.Reason = "yes", "rule yes"
		return v
	case "no":
		v := voteAt(nns.VoteNo, p.Created)
		v.Rule, v.Reason = "no", "rule no"
		return v
	case "skip":
		return policy.Decision{Action: policy.ActionNothing, Skip: true, Reason: "skip"}
	case "manual":
		if now.Before(fallbackAt) {
			return policy.Decision{Action: policy.ActionWait, At: fallbackAt, NeedsHuman: true, Reason: "manual; fallback no at margin"}
		}
		v := voteAt(nns.VoteNo, fallbackAt)
		v.Fallback, v.Reason = true, "manual: fallback no"
		return v
	case "manual-nofallback":
		return policy.Decision{Action: policy.ActionNothing, NeedsHuman: true, Reason: "manual; no fallback"}
	default: // follow
		if now.Before(fallbackAt) {
			return policy.Decision{Action: policy.ActionWait, At: fallbackAt, Reason: "follow; fallback yes at margin"}
		}
		v := voteAt(nns.VoteYes, fallbackAt)
		v.Fallback, v.Reason = true, "follow: fallback yes"
		return v
	}
}

func (d topicDecider) RuleVote(p policy.Proposal, _ uint64) (nns.Vote, string, bool) {
	switch d.rules[p.Topic] {
	case "yes":
		return nns.VoteYes, "yes", true
	case "no":
		return nns.VoteNo, "no", true
	}
	return nns.VoteUnspecified, "", false
}

func (d topicDecider) FollowingChanges(_ uint64, actual map[nns.Topic][]uint64, _ map[string]uint64) (map[nns.Topic][]uint64, []string) {
	diff := map[nns.Topic][]uint64{}
	for t, w := range d.follow {
		if fmt.Sprint(w) != fmt.Sprint(actual[t]) {
			diff[t] = w
		}
	}
	return diff, nil
}

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// recMetrics records what the loop publishes, as metrics.Metrics would
// serve it.
type recMetrics struct {
	mu        sync.Mutex
	voted     map[ballotKey]float64 // present: a series; absent: omitted
	deadlines map[uint64]time.Time
	firing    map[alert.Kind]int
	missed    map[string]int64 // "neuron/topic"
	cast      map[string]int   // "neuron/topic/vote/source"
	lastPoll  time.Time
	skew      *time.Duration // the last ClockSkewMeasured, nil: none
}

func (m *recMetrics) ClockSkewMeasured(skew time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.skew = &skew
}

func newRecMetrics() *recMetrics {
	return &recMetrics{voted: map[ballotKey]float64{}, deadlines: map[uint64]time.Time{},
		firing: map[alert.Kind]int{}, missed: map[string]int64{}, cast: map[string]int{}}
}

func (m *recMetrics) SetNeurons([]NeuronConfig)             {}
func (m *recMetrics) NeuronPower(uint64, uint64, uint64)    {}
func (m *recMetrics) NeuronRefreshed(uint64, time.Time)     {}
func (m *recMetrics) Participation(uint64, string, float64) {}
func (m *recMetrics) VoteCast(neuron uint64, topic string, vote nns.Vote, source string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.cast[fmt.Sprintf("%d/%s/%s/%s", neuron, topic, strings.ToLower(vote.String()), source)]++
}
func (m *recMetrics) RebuildMissed(ms []rewards.MissedCount) {
	m.mu.Lock()
	defer m.mu.Unlock()
	clear(m.missed)
	for _, c := range ms {
		m.missed[fmt.Sprintf("%d/%s", c.Neuron, c.TopicName())] = c.Count
	}
}
func (m *recMetrics) VoteMissed(neuron uint64, topic string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.missed[fmt.Sprintf("%d/%s", neuron, topic)]++
}
func (m *recMetrics) AlertsFiring(counts map[alert.Kind]int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.firing = maps.Clone(counts)
}
func (m *recMetrics) PollSucceeded(at time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.lastPoll = at
}
func (m *recMetrics) OpenBallot(p *policy.Proposal, neuron uint64, voted, omit bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.deadlines[p.ID] = p.Deadline
	k := ballotKey{neuron, p.ID}
	switch {
	case omit:
		delete(m.voted, k)
	case voted:
		m.voted[k] = 1
	default:
		m.voted[k] = 0
	}
}
func (m *recMetrics) ProposalSettled(proposal uint64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.deadlines, proposal)
	for k := range m.voted {
		if k.proposal == proposal {
			delete(m.voted, k)
		}
	}
}

// outcomeOf is the loop's outcome an observation records (a miss is an
// empty ballot after voting closed).
func outcomeOf(o rewards.Observation) BallotOutcome {
	if o.Ballot == rewards.BallotEmpty && o.RewardStatus != nns.RewardStatusAcceptVotes {
		return BallotMissed
	}
	return BallotOutcome(o.Ballot)
}

func (m *recMetrics) missedOf(neuron uint64, topic nns.Topic) int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.missed[fmt.Sprintf("%d/%s", neuron, topic)]
}
