package governance

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aviate-labs/agent-go/identity"
	"github.com/aviate-labs/agent-go/principal"
	"github.com/votebot/votebot/devnet"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/rewards"
	"gopkg.in/yaml.v3"
)

// Scenario is a devnet scenario file: economics, neurons, and proposals
// (with direct votes) scheduled relative to the devnet's start.
type Scenario struct {
	Economics ScenarioEconomics
	Neurons   []NeuronSpec
	Proposals []ScenarioProposal
	// Pace is the devnet's mainnet pace (latency, rate limit); zero: off.
	Pace devnet.Pace
	// SNSes is the snses: section as written (N nil without one): devnet/snsgov parses it,
	// relative to BaseDir, with the same path-and-line errors.
	SNSes   ynode
	BaseDir string
}

// ScenarioEconomics overrides mainnet's parameters; zero values keep them.
type ScenarioEconomics struct {
	Regime                        rewards.Regime
	VotingPeriod                  time.Duration
	ShortVotingPeriod             time.Duration
	WaitForQuietIncrease          time.Duration
	RewardPeriod                  time.Duration
	StartReducingVotingPowerAfter time.Duration
	ClearFollowingAfter           time.Duration
	MinimumDissolveDelayToVote    time.Duration
	TotalSupplyE8s                uint64
	// Genesis is governance genesis; GenesisAtStart means the devnet start.
	Genesis        time.Time
	GenesisAtStart bool
}

// ScenarioProposal is a proposal made At after the start, then voted on.
type ScenarioProposal struct {
	At    time.Duration
	Spec  ProposalSpec
	Votes []ScenarioVote
}

// ScenarioVote is a direct vote At after the proposal's creation.
type ScenarioVote struct {
	Neuron uint64
	Vote   nns.Vote
	At     time.Duration
}

// LoadScenario reads and parses a scenario file; controller_key paths are
// relative to the file's directory.
func LoadScenario(path string) (*Scenario, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("scenario: %w", err)
	}
	s, err := ParseScenario(data, filepath.Dir(path))
	if err != nil {
		return nil, fmt.Errorf("scenario %s: %w", path, err)
	}
	return s, nil
}

// ParseScenario parses scenario YAML. Unknown keys, bad values and
// references to neurons the scenario does not define are errors that name
// the key path and line.
func ParseScenario(data []byte, baseDir string) (*Scenario, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	s := &Scenario{BaseDir: baseDir}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return s, nil // empty file: mainnet defaults, no neurons
	}
	root := ynode{N: doc.Content[0]}
	_, top, err := root.Fields("economics", "neurons", "proposals", "pace", "snses")
	if err != nil {
		return nil, err
	}
	s.SNSes = top["snses"]
	if y, ok := top["pace"]; ok {
		if s.Pace, err = parsePace(y); err != nil {
			return nil, err
		}
	}
	if e, ok := top["economics"]; ok {
		if s.Economics, err = parseEconomics(e); err != nil {
			return nil, err
		}
	}
	known := map[uint64]bool{}
	if ns, ok := top["neurons"]; ok {
		items, err := ns.Items()
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			spec, err := parseNeuron(it, baseDir)
			if err != nil {
				return nil, err
			}
			if spec.ID != 0 && known[spec.ID] {
				return nil, it.Errorf("neuron id %d is defined twice", spec.ID)
			}
			known[spec.ID] = true
			s.Neurons = append(s.Neurons, spec)
		}
	}
	if ps, ok := top["proposals"]; ok {
		items, err := ps.Items()
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			p, err := parseProposal(it, known, s.Economics)
			if err != nil {
				return nil, err
			}
			s.Proposals = append(s.Proposals, p)
		}
	}
	return s, nil
}

func parseEconomics(y ynode) (ScenarioEconomics, error) {
	var e ScenarioEconomics
	_, f, err := y.Fields("regime", "voting_period", "short_voting_period", "wait_for_quiet_increase",
		"reward_period", "start_reducing_voting_power_after", "clear_following_after",
		"minimum_dissolve_delay_to_vote", "total_supply_e8s", "genesis")
	if err != nil {
		return e, err
	}
	if v, ok := f["regime"]; ok {
		s, err := v.Str()
		if err != nil {
			return e, err
		}
		if e.Regime, err = rewards.ParseRegime(s); err != nil {
			return e, v.Errorf("%v", err)
		}
	}
	durations := map[string]*time.Duration{
		"voting_period": &e.VotingPeriod, "short_voting_period": &e.ShortVotingPeriod,
		"wait_for_quiet_increase": &e.WaitForQuietIncrease, "reward_period": &e.RewardPeriod,
		"start_reducing_voting_power_after": &e.StartReducingVotingPowerAfter,
		"clear_following_after":             &e.ClearFollowingAfter,
		"minimum_dissolve_delay_to_vote":    &e.MinimumDissolveDelayToVote,
	}
	for key, dst := range durations {
		if v, ok := f[key]; ok {
			if *dst, err = v.Duration(); err != nil {
				return e, err
			}
			// Zero means "mainnet's value" to the canister's
			// configuration: a written 0s would silently become days.
			if *dst == 0 {
				return e, v.Errorf("must be positive: 0s is not honoured (omit the key for mainnet's value)")
			}
			if *dst < time.Second {
				return e, v.Errorf("must be at least 1s: the canister counts whole seconds (%s would be 0s)", *dst)
			}
		}
	}
	if v, ok := f["total_supply_e8s"]; ok {
		if e.TotalSupplyE8s, err = v.Uint64(); err != nil {
			return e, err
		}
		if e.TotalSupplyE8s == 0 {
			return e, v.Errorf("must be positive: 0 is not honoured (omit the key for mainnet's supply)")
		}
	}
	if v, ok := f["genesis"]; ok {
		s, err := v.Str()
		if err != nil {
			return e, err
		}
		if s == "start" {
			e.GenesisAtStart = true
		} else if e.Genesis, err = time.Parse(time.RFC3339, s); err != nil {
			return e, v.Errorf("want an RFC 3339 time (2021-05-10T00:00:00Z) or \"start\", got %q", s)
		}
	}
	return e, nil
}

// Config turns the scenario's economics into a canister configuration;
// start is the devnet's start (for genesis: start).
func (s *Scenario) Config(start time.Time, now func() time.Time) Config {
	e := s.Economics
	econ := rewards.DefaultEconomics(rewards.RegimeCurrent)
	if e.Regime != "" {
		econ = rewards.DefaultEconomics(e.Regime)
	}
	if e.StartReducingVotingPowerAfter > 0 {
		econ.StartReducingVotingPowerAfterSeconds = seconds(e.StartReducingVotingPowerAfter)
	}
	if e.ClearFollowingAfter > 0 {
		econ.ClearFollowingAfterSeconds = seconds(e.ClearFollowingAfter)
	}
	if e.MinimumDissolveDelayToVote > 0 {
		econ.MinDissolveDelayToVoteSeconds = seconds(e.MinimumDissolveDelayToVote)
	}
	switch {
	case e.GenesisAtStart:
		econ.GenesisSeconds = start.Unix()
	case !e.Genesis.IsZero():
		econ.GenesisSeconds = e.Genesis.Unix()
	}
	return Config{
		Economics:            econ,
		VotingPeriod:         e.VotingPeriod,
		ShortVotingPeriod:    e.ShortVotingPeriod,
		WaitForQuietIncrease: e.WaitForQuietIncrease,
		RewardPeriod:         e.RewardPeriod,
		TotalSupplyE8s:       e.TotalSupplyE8s,
		Now:                  now,
	}
}

// Apply creates the scenario's neurons.
func (s *Scenario) Apply(c *Canister) error {
	for i, spec := range s.Neurons {
		if _, err := c.AddNeuron(spec); err != nil {
			return fmt.Errorf("scenario: neurons[%d]: %w", i, err)
		}
	}
	return nil
}

func parseVote(y ynode) (nns.Vote, error) {
	s, err := y.Str()
	if err != nil {
		return 0, err
	}
	switch strings.ToLower(s) {
	case "yes", "y", "1":
		return nns.VoteYes, nil
	case "no", "n", "2":
		return nns.VoteNo, nil
	}
	return 0, y.Errorf("want yes or no, got %q", s)
}

// principalFromKey derives the principal of a PEM identity file (Ed25519,
// secp256k1 or prime256v1).
func principalFromKey(path string) (principal.Principal, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return principal.Principal{}, err
	}
	if id, err := identity.NewEd25519IdentityFromPEM(data); err == nil {
		return id.Sender(), nil
	}
	if id, err := identity.NewSecp256k1IdentityFromPEM(data); err == nil {
		return id.Sender(), nil
	}
	if id, err := identity.NewPrime256v1IdentityFromPEM(data); err == nil {
		return id.Sender(), nil
	}
	return principal.Principal{}, fmt.Errorf("%s is not an Ed25519, secp256k1 or prime256v1 PEM identity", path)
}
