package governance

import (
	"crypto/sha256"
	"encoding/binary"
	"math"
	"sync"
	"time"

	"github.com/aviate-labs/agent-go/principal"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/rewards"
)

// Canister is the simulated governance canister. It is safe for concurrent
// use: queries share a read lock, updates and time-driven transitions
// (decisions at deadlines, reward events, clearing of following) take the
// write lock.
type Canister struct {
	cfg Config
	id  principal.Principal
	methodTable

	mu           sync.RWMutex
	neurons      []*neuron // by dense index, the position in ballots
	byID         map[uint64]*neuron
	byPrincipal  map[string][]int32 // controller or hotkey → neuron indices
	bySubaccount map[string]*neuron
	// followers indexes following: (topic, followee) → follower indices,
	// so a vote finds the neurons it may cascade to without a scan.
	followers map[followKey][]int32
	proposals []*proposal // proposal id i is proposals[i-1]
	openCount int

	latestReward  nns.RewardEvent
	rolledOverE8s uint64 // pool carried to the next event (no proposal settled)
	roundsCarried uint64 // rounds carried with it
	nextNeuronID  uint64
	nextClearS    uint64 // earliest time some neuron's following must be cleared
	counters      Counters
	// rewardFactor scales what reward events pay a neuron (underpay.go).
	rewardFactor map[uint64]float64
}

// Counters are what the canister has done since it started, for the admin
// API and tests.
type Counters struct {
	Calls          map[string]uint64 `json:"calls"` // filled by Counters()
	DirectVotes    uint64            `json:"direct_votes"`
	FollowingVotes uint64            `json:"following_votes"`
	Proposals      uint64            `json:"proposals"`
	RewardEvents   uint64            `json:"reward_events"`
	MaturityE8s    uint64            `json:"maturity_distributed_e8s"`
	ClearedFollows uint64            `json:"following_cleared"`
}

type followKey struct {
	topic    nns.Topic
	followee uint64
}

type neuron struct {
	idx        int32
	id         uint64
	controller principal.Principal
	hotkeys    []principal.Principal
	account    []byte

	cachedStakeE8s    uint64
	stakedMaturityE8s uint64
	maturityE8s       uint64
	feesE8s           uint64
	gangBonusBaseE8s  uint64

	createdS       uint64
	agingSinceS    uint64 // math.MaxUint64 while dissolving
	dissolveDelayS uint64 // while not dissolving
	whenDissolvedS uint64 // while dissolving
	dissolving     bool

	followees  map[nns.Topic][]uint64
	refreshedS uint64
	known      *nns.KnownNeuronData
	// ballots is recent_ballots oldest first; trimmed lazily to the newest
	// recentBallotsMax so that appending in a 10,000-neuron cascade is cheap.
	ballots []nns.BallotInfo
}

const (
	recentBallotsMax = nns.MaxRecentBallots
	maxFollowees     = 15
	maxHotKeys       = 10
	maxListLimit     = 100
	maxPageSize      = 500
)

type ballot struct {
	votingPower uint64
	vote        nns.Vote
	eligible    bool
}

type proposal struct {
	id       uint64
	topic    nns.Topic
	proposer uint64
	body     nns.Proposal

	createdS      uint64
	deadlineS     uint64 // the wait-for-quiet deadline
	votingPeriodS uint64

	ballots          []ballot // by neuron index; nil once settled
	totalPotentialVP uint64
	yes, no, total   uint64
	tallyS           uint64

	status                       nns.ProposalStatus
	decidedS, executedS, failedS uint64
	settled                      bool
	rewardRound                  uint64
}

// New creates an empty governance canister.
func New(cfg Config) (*Canister, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	id, err := principal.Decode(nns.GovernanceCanisterID)
	if err != nil {
		return nil, err
	}
	c := &Canister{
		cfg:          cfg,
		id:           id,
		byID:         map[uint64]*neuron{},
		byPrincipal:  map[string][]int32{},
		bySubaccount: map[string]*neuron{},
		followers:    map[followKey][]int32{},
		nextNeuronID: 1000,
		nextClearS:   math.MaxUint64,
		methodTable:  methodTable{calls: map[string]uint64{}, manageArgs: argHeader{zero: nns.ManageNeuronRequest{}}},
		counters:     Counters{},
	}
	now := c.nowS()
	// As on a fresh canister, the first reward event is a placeholder for
	// the current reward day that distributed nothing.
	c.latestReward = nns.RewardEvent{
		DayAfterGenesis:                   c.rewardDay(now),
		ActualTimestampSeconds:            now,
		RoundsSinceLastDistribution:       ptr(uint64(0)),
		LatestRoundAvailableE8sEquivalent: ptr(uint64(0)),
		SettledProposals:                  []nns.ProposalId{},
	}
	return c, nil
}

// Config returns the canister's effective configuration.
func (c *Canister) Config() Config { return c.cfg }

func (c *Canister) nowS() uint64 {
	t := c.cfg.Now().Unix()
	if t < 0 {
		return 0
	}
	return uint64(t)
}

// rewardDay is the index of the reward period containing now, counted from
// genesis (0 before genesis).
func (c *Canister) rewardDay(now uint64) uint64 {
	g := c.cfg.Economics.GenesisSeconds
	if g < 0 || now <= uint64(g) {
		return 0
	}
	return (now - uint64(g)) / seconds(c.cfg.RewardPeriod)
}

func (n *neuron) dissolveDelay(now uint64) uint64 {
	if n.dissolving {
		if n.whenDissolvedS > now {
			return n.whenDissolvedS - now
		}
		return 0
	}
	return n.dissolveDelayS
}

func (n *neuron) age(now uint64) uint64 {
	if n.dissolving || n.agingSinceS > now {
		return 0
	}
	return now - n.agingSinceS
}

func (n *neuron) state(now uint64) nns.NeuronState {
	switch {
	case !n.dissolving:
		return nns.NeuronStateNotDissolving
	case n.whenDissolvedS > now:
		return nns.NeuronStateDissolving
	}
	return nns.NeuronStateDissolved
}

func (n *neuron) isController(p principal.Principal) bool { return n.controller.Equal(p) }

func (n *neuron) isAuthorized(p principal.Principal) bool {
	if n.isController(p) {
		return true
	}
	for _, h := range n.hotkeys {
		if h.Equal(p) {
			return true
		}
	}
	return false
}

// stake is what rewards needs to compute the neuron's voting power.
func (n *neuron) stake(now uint64) rewards.Stake {
	return rewards.Stake{
		CachedStakeE8s:            n.cachedStakeE8s,
		FeesE8s:                   n.feesE8s,
		StakedMaturityE8s:         n.stakedMaturityE8s,
		EightYearGangBonusBaseE8s: n.gangBonusBaseE8s,
		DissolveDelaySeconds:      n.dissolveDelay(now),
		AgeSeconds:                n.age(now),
	}
}

// eligible reports whether the neuron gets a ballot on a new proposal.
func (c *Canister) eligible(n *neuron, now uint64) bool {
	return rewards.EligibleToVote(c.cfg.Economics, n.dissolveDelay(now))
}

// votingPower returns the neuron's potential and deciding voting power; both
// are 0 below the minimum dissolve delay to vote, as the canister reports.
func (c *Canister) votingPower(n *neuron, now uint64) (potential, deciding uint64) {
	if !c.eligible(n, now) {
		return 0, 0
	}
	potential = rewards.PotentialVotingPower(c.cfg.Economics, n.stake(now))
	deciding = rewards.DecidingVotingPower(c.cfg.Economics, potential, unix(n.refreshedS), unix(now))
	return potential, deciding
}

// followingClearedAt is when the neuron's following lapses without a refresh.
func (c *Canister) followingClearedAt(n *neuron) uint64 {
	e := c.cfg.Economics
	return n.refreshedS + e.StartReducingVotingPowerAfterSeconds + e.ClearFollowingAfterSeconds
}

func unix(s uint64) time.Time {
	if s > math.MaxInt64 {
		s = math.MaxInt64
	}
	return time.Unix(int64(s), 0)
}

// neuronAccount derives a stable 32-byte staking subaccount for a neuron.
func neuronAccount(controller principal.Principal, id uint64) []byte {
	h := sha256.New()
	h.Write([]byte{0x0c})
	h.Write([]byte("neuron-stake"))
	h.Write(controller.Raw)
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], id)
	h.Write(b[:])
	return h.Sum(nil)
}

func ptr[T any](v T) *T { return &v }
