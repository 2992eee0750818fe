package governance

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"time"

	"github.com/aviate-labs/agent-go/principal"
	"github.com/votebot/votebot/nns"
)

// NeuronSpec describes a neuron to create (scenario files, the admin API,
// tests).
type NeuronSpec struct {
	// ID 0 picks the next free id.
	ID                        uint64
	Controller                principal.Principal
	HotKeys                   []principal.Principal
	StakeE8s                  uint64
	StakedMaturityE8s         uint64
	MaturityE8s               uint64
	EightYearGangBonusBaseE8s uint64
	// DissolveDelay is the delay of a non-dissolving neuron; DissolvingFor,
	// when positive, makes the neuron dissolving with that much time left.
	DissolveDelay time.Duration
	DissolvingFor time.Duration
	Age           time.Duration
	KnownName     string
	KnownDesc     string
	Followees     map[nns.Topic][]uint64
	// VotingPowerRefreshedAgo backdates the last refresh.
	VotingPowerRefreshedAgo time.Duration
}

// AddNeuron creates a neuron and returns its id.
func (c *Canister) AddNeuron(spec NeuronSpec) (uint64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.addNeuronLocked(spec, c.nowS())
}

func (c *Canister) addNeuronLocked(spec NeuronSpec, now uint64) (uint64, error) {
	id := spec.ID
	if id == 0 {
		for c.byID[c.nextNeuronID] != nil {
			c.nextNeuronID++
		}
		id = c.nextNeuronID
	}
	if c.byID[id] != nil {
		return 0, fmt.Errorf("neuron %d already exists", id)
	}
	if len(spec.HotKeys) > maxHotKeys {
		return 0, fmt.Errorf("neuron %d: %d hotkeys, at most %d allowed", id, len(spec.HotKeys), maxHotKeys)
	}
	if spec.DissolveDelay < 0 || spec.DissolvingFor < 0 || spec.Age < 0 || spec.VotingPowerRefreshedAgo < 0 {
		return 0, fmt.Errorf("neuron %d: negative duration", id)
	}
	for topic, fs := range spec.Followees {
		if len(fs) > maxFollowees {
			return 0, fmt.Errorf("neuron %d: %d followees on topic %s, at most %d allowed", id, len(fs), topic, maxFollowees)
		}
		if !topic.Known() {
			return 0, fmt.Errorf("neuron %d: unknown topic %d", id, topic)
		}
	}
	n := &neuron{
		idx:               int32(len(c.neurons)),
		id:                id,
		controller:        spec.Controller,
		hotkeys:           slices.Clone(spec.HotKeys),
		account:           neuronAccount(spec.Controller, id),
		cachedStakeE8s:    spec.StakeE8s,
		stakedMaturityE8s: spec.StakedMaturityE8s,
		maturityE8s:       spec.MaturityE8s,
		gangBonusBaseE8s:  spec.EightYearGangBonusBaseE8s,
		createdS:          now,
		followees:         map[nns.Topic][]uint64{},
		refreshedS:        subSeconds(now, spec.VotingPowerRefreshedAgo),
	}
	if spec.DissolvingFor > 0 {
		n.dissolving = true
		n.whenDissolvedS = now + seconds(spec.DissolvingFor)
		n.agingSinceS = math.MaxUint64
	} else {
		n.dissolveDelayS = seconds(spec.DissolveDelay)
		n.agingSinceS = subSeconds(now, spec.Age)
	}
	if spec.KnownName != "" {
		n.known = &nns.KnownNeuronData{Name: spec.KnownName}
		if spec.KnownDesc != "" {
			n.known.Description = ptr(spec.KnownDesc)
		}
	}
	c.neurons = append(c.neurons, n)
	c.byID[id] = n
	c.bySubaccount[string(n.account)] = n
	c.indexPrincipal(n, n.controller)
	for _, h := range n.hotkeys {
		c.indexPrincipal(n, h)
	}
	for topic, fs := range spec.Followees {
		c.setFollowees(n, topic, fs)
	}
	if len(n.followees) > 0 {
		c.nextClearS = min(c.nextClearS, c.followingClearedAt(n))
	}
	return id, nil
}

func subSeconds(now uint64, d time.Duration) uint64 {
	s := seconds(d)
	if s > now {
		return 0
	}
	return now - s
}

func (c *Canister) indexPrincipal(n *neuron, p principal.Principal) {
	key := string(p.Raw)
	if !slices.Contains(c.byPrincipal[key], n.idx) {
		c.byPrincipal[key] = append(c.byPrincipal[key], n.idx)
	}
}

func (c *Canister) unindexPrincipal(n *neuron, p principal.Principal) {
	if n.isAuthorized(p) { // still controller or another hotkey entry
		return
	}
	key := string(p.Raw)
	idx := c.byPrincipal[key]
	if i := slices.Index(idx, n.idx); i >= 0 {
		idx = slices.Delete(idx, i, i+1)
	}
	if len(idx) == 0 {
		delete(c.byPrincipal, key)
	} else {
		c.byPrincipal[key] = idx
	}
}

// setFollowees replaces the neuron's followees on a topic and keeps the
// follower index in step. An empty list removes the topic.
func (c *Canister) setFollowees(n *neuron, topic nns.Topic, followees []uint64) {
	for _, old := range n.followees[topic] {
		key := followKey{topic, old}
		list := c.followers[key]
		if i := slices.Index(list, n.idx); i >= 0 {
			list[i] = list[len(list)-1]
			list = list[:len(list)-1]
		}
		if len(list) == 0 {
			delete(c.followers, key)
		} else {
			c.followers[key] = list
		}
	}
	if len(followees) == 0 {
		delete(n.followees, topic)
		return
	}
	uniq := slices.Clone(followees)
	n.followees[topic] = uniq
	seen := map[uint64]bool{}
	for _, f := range uniq {
		if seen[f] {
			continue
		}
		seen[f] = true
		key := followKey{topic, f}
		c.followers[key] = append(c.followers[key], n.idx)
	}
}

// lookupNeuron finds a neuron by id, or returns the canister's NotFound error.
func (c *Canister) lookupNeuron(id uint64) (*neuron, *nns.GovernanceError) {
	if n := c.byID[id]; n != nil {
		return n, nil
	}
	return nil, nns.NewGovernanceError(nns.ErrorTypeNotFound, "Neuron not found: NeuronId { id: %d }", id)
}

func (c *Canister) recentBallots(n *neuron) []nns.BallotInfo {
	k := min(len(n.ballots), recentBallotsMax)
	out := make([]nns.BallotInfo, 0, k)
	for i := len(n.ballots) - 1; i >= len(n.ballots)-k; i-- {
		out = append(out, n.ballots[i])
	}
	return out
}

func (n *neuron) recordBallot(proposalID uint64, v nns.Vote) {
	n.ballots = append(n.ballots, nns.BallotInfo{Vote: int32(v), ProposalId: &nns.ProposalId{Id: proposalID}})
	if len(n.ballots) >= 2*recentBallotsMax {
		n.ballots = append(n.ballots[:0:0], n.ballots[len(n.ballots)-recentBallotsMax:]...)
	}
}

func (c *Canister) neuronInfo(n *neuron, now uint64) nns.NeuronInfo {
	potential, deciding := c.votingPower(n, now)
	info := nns.NeuronInfo{
		Id:                                   &nns.NeuronId{Id: n.id},
		DissolveDelaySeconds:                 n.dissolveDelay(now),
		RecentBallots:                        c.recentBallots(n),
		CreatedTimestampSeconds:              n.createdS,
		State:                                int32(n.state(now)),
		StakeE8s:                             n.stake(now).VotingStakeE8s(),
		RetrievedAtTimestampSeconds:          now,
		Visibility:                           ptr(int32(1)),
		KnownNeuronData:                      n.known,
		AgeSeconds:                           n.age(now),
		VotingPower:                          deciding,
		VotingPowerRefreshedTimestampSeconds: ptr(n.refreshedS),
		DecidingVotingPower:                  ptr(deciding),
		PotentialVotingPower:                 ptr(potential),
		EightYearGangBonusBaseE8s:            ptr(n.gangBonusBaseE8s),
		StakedMaturityE8sEquivalent:          ptr(n.stakedMaturityE8s),
	}
	if n.known != nil {
		info.Visibility = ptr(int32(2)) // known neurons are public
	}
	return info
}

func (c *Canister) fullNeuron(n *neuron, now uint64) nns.Neuron {
	potential, deciding := c.votingPower(n, now)
	full := nns.Neuron{
		Id:                                   &nns.NeuronId{Id: n.id},
		StakedMaturityE8sEquivalent:          ptr(n.stakedMaturityE8s),
		Controller:                           ptr(n.controller),
		RecentBallots:                        c.recentBallots(n),
		MaturityE8sEquivalent:                n.maturityE8s,
		CachedNeuronStakeE8s:                 n.cachedStakeE8s,
		CreatedTimestampSeconds:              n.createdS,
		AutoStakeMaturity:                    ptr(false),
		AgingSinceTimestampSeconds:           n.agingSinceS,
		HotKeys:                              slices.Clone(n.hotkeys),
		Account:                              slices.Clone(n.account),
		NeuronFeesE8s:                        n.feesE8s,
		Visibility:                           ptr(int32(1)),
		KnownNeuronData:                      n.known,
		VotingPowerRefreshedTimestampSeconds: ptr(n.refreshedS),
		DecidingVotingPower:                  ptr(deciding),
		PotentialVotingPower:                 ptr(potential),
		EightYearGangBonusBaseE8s:            ptr(n.gangBonusBaseE8s),
	}
	if n.known != nil {
		full.Visibility = ptr(int32(2))
	}
	if n.dissolving {
		full.DissolveState = &nns.DissolveState{WhenDissolvedTimestampSeconds: ptr(n.whenDissolvedS)}
	} else {
		full.DissolveState = &nns.DissolveState{DissolveDelaySeconds: ptr(n.dissolveDelayS)}
	}
	topics := make([]int, 0, len(n.followees))
	for t := range n.followees {
		topics = append(topics, int(t))
	}
	sort.Ints(topics)
	for _, t := range topics {
		ids := n.followees[nns.Topic(t)]
		fs := make([]nns.NeuronId, len(ids))
		for i, id := range ids {
			fs[i] = nns.NeuronId{Id: id}
		}
		full.Followees = append(full.Followees, nns.FolloweesEntry{Topic: int32(t), Followees: nns.Followees{Followees: fs}})
	}
	return full
}
