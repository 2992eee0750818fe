package snsgov

import (
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/aviate-labs/agent-go/principal"
	"github.com/votebot/votebot/rewards"
	"github.com/votebot/votebot/sns"
)

// Canister is one simulated SNS governance canister. Queries share a read lock; updates and
// time-driven transitions (decisions at deadlines, reward rounds) take the write lock.
type Canister struct {
	id  principal.Principal
	cfg Config

	mu        sync.RWMutex
	neurons   map[string]*neuron // by hex id
	order     []string           // hex ids, sorted: list_neurons pages in this order
	proposals []*proposal        // proposal id i is proposals[i-1]
	functions map[uint64]Function

	latestReward  sns.RewardEvent
	nextRoundEndS uint64
	rolledOverE8s float64
	roundsCarried uint64 // rounds whose pool rolled over into the next
	counters      Counters
}

// Counters are what the canister has done, for tests and the admin API.
type Counters struct {
	DirectVotes    uint64 `json:"direct_votes"`
	FollowingVotes uint64 `json:"following_votes"`
	Proposals      uint64 `json:"proposals"`
	RewardRounds   uint64 `json:"reward_rounds"`
	MaturityE8s    uint64 `json:"maturity_distributed_e8s"`
}

type neuron struct {
	id    []byte
	hexID string
	// perms in the order granted: principal text → permissions.
	perms       []sns.NeuronPermission
	stakeE8s    uint64
	maturityE8s uint64
	createdS    uint64
	agingSinceS uint64
	// dissolveDelayS while not dissolving; whenDissolvedS while dissolving.
	dissolveDelayS uint64
	whenDissolvedS uint64
	dissolving     bool
	// topicFollowees: topic → followee hex ids (SetFollowing); legacy: function id → followee
	// hex ids (Follow; 0 is the catch-all).
	topicFollowees map[sns.TopicID][]string
	legacy         map[uint64][]string
}

type proposal struct {
	id         uint64
	function   uint64
	topic      sns.TopicID
	critical   bool
	action     *sns.Action
	title      string
	summary    string
	url        string
	proposer   string
	createdS   uint64
	periodS    uint64 // initial voting period
	wfqS       uint64 // wait-for-quiet increase
	deadlineS  uint64
	ballots    map[string]*sns.Ballot
	yes, no    uint64
	total      uint64
	decidedS   uint64
	executedS  uint64
	failedS    uint64
	adopted    bool
	settledS   uint64 // reward_event_end_timestamp_seconds once settled
	round      uint64
	rewardable bool
}

// New creates the canister with id and cfg.
func New(id principal.Principal, cfg Config) (*Canister, error) {
	cfg.setDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	c := &Canister{id: id, cfg: cfg, neurons: map[string]*neuron{}, functions: map[uint64]Function{}}
	for _, f := range cfg.Functions {
		c.functions[f.ID] = f
	}
	if c.cfg.Genesis.IsZero() {
		c.cfg.Genesis = c.now()
	}
	c.nextRoundEndS = unix(c.cfg.Genesis) + seconds(c.cfg.RoundDuration)
	return c, nil
}

// Config is the canister's configuration (with defaults filled in).
func (c *Canister) Config() Config { return c.cfg }

func (c *Canister) now() time.Time { return c.cfg.Now() }
func (c *Canister) nowS() uint64   { return unix(c.now()) }

func unix(t time.Time) uint64 {
	if t.Unix() < 0 {
		return 0
	}
	return uint64(t.Unix())
}

func seconds(d time.Duration) uint64 {
	if d < 0 {
		return 0
	}
	return uint64(d / time.Second)
}

// NeuronSpec describes a neuron to add (scenario files and the admin API).
type NeuronSpec struct {
	ID             []byte                   // 32 bytes; nil: derived from Seed
	Seed           uint64                   // for a generated id
	Permissions    []sns.NeuronPermission   // who holds what
	StakeE8s       uint64                   //
	MaturityE8s    uint64                   //
	DissolveDelay  time.Duration            // when not dissolving
	DissolvingFor  time.Duration            // > 0: dissolving, dissolved after this
	Age            time.Duration            //
	TopicFollowees map[sns.TopicID][][]byte //
}

// AddNeuron adds a neuron and returns its id.
func (c *Canister) AddNeuron(spec NeuronSpec) ([]byte, error) {
	id := spec.ID
	if id == nil {
		id = seededID(c.id, spec.Seed)
	}
	if len(id) != sns.NeuronIDLen {
		return nil, fmt.Errorf("neuron id: %d bytes, want %d", len(id), sns.NeuronIDLen)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	h := sns.NeuronIDHex(id)
	if _, ok := c.neurons[h]; ok {
		return nil, fmt.Errorf("neuron %s exists", h)
	}
	now := c.nowS()
	n := &neuron{id: slices.Clone(id), hexID: h, perms: slices.Clone(spec.Permissions), stakeE8s: spec.StakeE8s,
		maturityE8s: spec.MaturityE8s, createdS: now, agingSinceS: now - min(now, seconds(spec.Age)),
		dissolveDelayS: seconds(spec.DissolveDelay), topicFollowees: map[sns.TopicID][]string{}, legacy: map[uint64][]string{}}
	if spec.DissolvingFor > 0 {
		n.dissolving, n.whenDissolvedS, n.dissolveDelayS = true, now+seconds(spec.DissolvingFor), 0
	}
	for t, ids := range spec.TopicFollowees {
		for _, f := range ids {
			n.topicFollowees[t] = append(n.topicFollowees[t], sns.NeuronIDHex(f))
		}
	}
	c.neurons[h] = n
	i, _ := slices.BinarySearch(c.order, h)
	c.order = slices.Insert(c.order, i, h)
	return n.id, nil
}

// seededID derives a stable 32-byte id from the canister and a seed, so scenario neurons keep
// their ids across runs.
func seededID(canister principal.Principal, seed uint64) []byte {
	id := make([]byte, sns.NeuronIDLen)
	copy(id, canister.Raw)
	for i := range 8 {
		id[sns.NeuronIDLen-1-i] = byte(seed >> (8 * i))
	}
	return id
}

// SeededID is the id AddNeuron gives a neuron with this seed and no ID.
func (c *Canister) SeededID(seed uint64) []byte { return seededID(c.id, seed) }

// dissolveDelayS is the neuron's dissolve delay at nowS.
func (n *neuron) dissolveDelayAt(nowS uint64) uint64 {
	if n.dissolving {
		if n.whenDissolvedS > nowS {
			return n.whenDissolvedS - nowS
		}
		return 0
	}
	return n.dissolveDelayS
}

func (n *neuron) ageAt(nowS uint64) uint64 {
	if n.dissolving || n.agingSinceS > nowS {
		return 0
	}
	return nowS - n.agingSinceS
}

func (c *Canister) votingPower(n *neuron, nowS uint64) uint64 {
	return rewards.SNSVotingPower(rewards.SNSVotingPowerParams{
		MaxDissolveDelaySeconds: seconds(c.cfg.MaxDissolveDelay), MaxDissolveDelayBonusPct: c.cfg.MaxDissolveDelayBonusPct,
		MaxAgeSeconds: seconds(c.cfg.MaxAge), MaxAgeBonusPct: c.cfg.MaxAgeBonusPct,
	}, rewards.SNSStake{CachedStakeE8s: n.stakeE8s, DissolveDelaySeconds: n.dissolveDelayAt(nowS),
		AgeSeconds: n.ageAt(nowS), MultiplierPct: 100})
}

// eligible: a neuron votes only with at least the minimum dissolve delay.
func (c *Canister) eligible(n *neuron, nowS uint64) bool {
	return n.dissolveDelayAt(nowS) >= seconds(c.cfg.MinimumDissolveDelayToVote)
}

// has reports whether p holds perm on n.
func (n *neuron) has(p principal.Principal, perm sns.Permission) bool {
	for _, np := range n.perms {
		if np.Principal != nil && np.Principal.Equal(p) && slices.Contains(np.PermissionType, int32(perm)) {
			return true
		}
	}
	return false
}

func (n *neuron) hasAny(p principal.Principal) bool {
	for _, np := range n.perms {
		if np.Principal != nil && np.Principal.Equal(p) && len(np.PermissionType) > 0 {
			return true
		}
	}
	return false
}

// topicOf is the topic of a function id, or the canister's refusal of an id the SNS does not
// know.
func (c *Canister) topicOf(function uint64) (sns.TopicID, error) {
	if f, ok := sns.NativeFunctionByID(function); ok {
		return f.Topic, nil
	}
	if f, ok := c.functions[function]; ok {
		return f.Topic, nil
	}
	return 0, govErr(errInvalidProposal, "Invalid action with ID %d.", function) // the canister's text
}

func (c *Canister) isCritical(t sns.TopicID) bool { return slices.Contains(c.cfg.Critical, t) }

func (c *Canister) proposal(id uint64) *proposal {
	if id == 0 || id > uint64(len(c.proposals)) {
		return nil
	}
	return c.proposals[id-1]
}
