package snsgov

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aviate-labs/agent-go/identity"
	"github.com/aviate-labs/agent-go/principal"
	"github.com/votebot/votebot/devnet/internal/yamlnode"
	"github.com/votebot/votebot/sns"
)

// Scenario is one SNS of a scenario file's snses: list: its parameters, neurons and proposals
// (with direct votes) scheduled relative to the devnet's start.
type Scenario struct {
	Config    Config // Now and Genesis are set when the SNS is started
	Neurons   []ScenarioNeuron
	Proposals []ScenarioProposal
}

// ScenarioNeuron is a neuron of a scenario SNS; Ref is how the scenario names it (its seed, or
// the hex id when the file gives one).
type ScenarioNeuron struct {
	Ref  string
	Spec NeuronSpec
	// Followees are neuron Refs by topic, resolved once every neuron exists.
	Followees map[sns.TopicID][]string
}

// ScenarioProposal is a proposal made At after the start, then voted on.
type ScenarioProposal struct {
	At       time.Duration
	Proposer string // a neuron Ref
	Spec     ProposalSpec
	Votes    []ScenarioVote
}

// ScenarioVote is a direct vote At after the proposal was made.
type ScenarioVote struct {
	Neuron string
	Vote   int32
	At     time.Duration
}

var (
	snsKeys      = []string{"name", "symbol", "voting_period", "critical_voting_period", "critical_wait_for_quiet", "wait_for_quiet_increase", "minimum_dissolve_delay_to_vote", "round", "reward_rate_basis_points", "total_supply_e8s", "critical_topics", "functions", "neurons", "proposals"}
	neuronKeys   = []string{"seed", "id", "permissions", "stake_e8s", "maturity_e8s", "dissolve_delay", "dissolving_for", "age", "followees"}
	permKeys     = []string{"principal", "key", "types"}
	proposalKeys = []string{"at", "proposer", "function", "title", "summary", "url", "votes"}
	voteKeys     = []string{"neuron", "vote", "at"}
	functionKeys = []string{"id", "name", "topic"}
)

// ParseScenario parses the snses: list of a scenario; key files are relative to baseDir. Every
// error names the key path and line.
func ParseScenario(y yamlnode.Node, baseDir string) ([]Scenario, error) {
	if y.N == nil {
		return nil, nil
	}
	items, err := y.Items()
	if err != nil {
		return nil, err
	}
	var out []Scenario
	names := map[string]bool{}
	for _, it := range items {
		s, err := parseSNS(it, baseDir)
		if err != nil {
			return nil, err
		}
		if names[s.Config.Name] {
			return nil, it.Errorf("an SNS named %q is defined twice", s.Config.Name)
		}
		names[s.Config.Name] = true
		out = append(out, s)
	}
	return out, nil
}

func parseSNS(y yamlnode.Node, baseDir string) (Scenario, error) {
	var s Scenario
	_, f, err := y.Fields(snsKeys...)
	if err != nil {
		return s, err
	}
	v, ok := f["name"]
	if !ok {
		return s, y.Errorf("name is required")
	}
	if s.Config.Name, err = v.Str(); err != nil {
		return s, err
	}
	if v, ok := f["symbol"]; ok {
		if s.Config.Symbol, err = v.Str(); err != nil {
			return s, err
		}
	}
	for key, dst := range map[string]*time.Duration{"voting_period": &s.Config.InitialVotingPeriod,
		"critical_voting_period": &s.Config.CriticalVotingPeriod, "critical_wait_for_quiet": &s.Config.CriticalWaitForQuiet,
		"wait_for_quiet_increase": &s.Config.WaitForQuietIncrease, "minimum_dissolve_delay_to_vote": &s.Config.MinimumDissolveDelayToVote,
		"round": &s.Config.RoundDuration} {
		if v, ok := f[key]; ok {
			if *dst, err = v.Duration(); err != nil {
				return s, err
			}
		}
	}
	for key, dst := range map[string]*uint64{"reward_rate_basis_points": &s.Config.RewardRateBasisPoints, "total_supply_e8s": &s.Config.TotalSupplyE8s} {
		if v, ok := f[key]; ok {
			if *dst, err = v.Uint64(); err != nil {
				return s, err
			}
		}
	}
	if v, ok := f["critical_topics"]; ok {
		if s.Config.Critical, err = topics(v); err != nil {
			return s, err
		}
		if s.Config.Critical == nil {
			s.Config.Critical = []sns.TopicID{} // none, not the default
		}
	}
	if v, ok := f["functions"]; ok {
		if s.Config.Functions, err = parseFunctions(v); err != nil {
			return s, err
		}
	}
	refs := map[string]bool{}
	if v, ok := f["neurons"]; ok {
		items, err := v.Items()
		if err != nil {
			return s, err
		}
		for _, it := range items {
			n, err := parseNeuron(it, baseDir)
			if err != nil {
				return s, err
			}
			if refs[n.Ref] {
				return s, it.Errorf("neuron %s is defined twice", n.Ref)
			}
			refs[n.Ref] = true
			s.Neurons = append(s.Neurons, n)
		}
	}
	for i, n := range s.Neurons {
		for t, fs := range n.Followees {
			for _, ref := range fs {
				if !refs[ref] {
					return s, y.Errorf("neurons[%d].followees.%s: neuron %s is not defined", i, t, ref)
				}
			}
		}
	}
	if v, ok := f["proposals"]; ok {
		items, err := v.Items()
		if err != nil {
			return s, err
		}
		for _, it := range items {
			p, err := parseProposal(it, refs, s.Config.Functions)
			if err != nil {
				return s, err
			}
			s.Proposals = append(s.Proposals, p)
		}
	}
	return s, s.Config.validate()
}

func topics(v yamlnode.Node) ([]sns.TopicID, error) {
	names, err := v.Strings()
	if err != nil {
		return nil, err
	}
	var out []sns.TopicID
	for _, name := range names {
		t, ok := sns.ParseTopic(name)
		if !ok {
			return nil, v.Errorf("unknown SNS topic %q (known: %s)", name, topicList())
		}
		out = append(out, t)
	}
	return out, nil
}

func topicList() string {
	var names []string
	for _, t := range sns.Topics() {
		names = append(names, t.String())
	}
	return strings.Join(names, ", ")
}

func parseFunctions(v yamlnode.Node) ([]Function, error) {
	items, err := v.Items()
	if err != nil {
		return nil, err
	}
	var out []Function
	for _, it := range items {
		_, f, err := it.Fields(functionKeys...)
		if err != nil {
			return nil, err
		}
		var fn Function
		for _, k := range functionKeys {
			if _, ok := f[k]; !ok {
				return nil, it.Errorf("%s is required", k)
			}
		}
		if fn.ID, err = f["id"].Uint64(); err != nil {
			return nil, err
		}
		if fn.ID < sns.FirstCustomFunction {
			return nil, f["id"].Errorf("custom function ids start at %d (lower ids are native)", sns.FirstCustomFunction)
		}
		if fn.Name, err = f["name"].Str(); err != nil {
			return nil, err
		}
		name, err := f["topic"].Str()
		if err != nil {
			return nil, err
		}
		var ok bool
		if fn.Topic, ok = sns.ParseTopic(name); !ok {
			return nil, f["topic"].Errorf("unknown SNS topic %q (known: %s)", name, topicList())
		}
		out = append(out, fn)
	}
	return out, nil
}

// refOf names a neuron in the scenario: its seed, or its hex id.
func refOf(y yamlnode.Node) (string, error) {
	s, err := y.Str()
	if err != nil {
		return "", err
	}
	if _, err := strconv.ParseUint(s, 10, 64); err == nil {
		return s, nil
	}
	if _, err := sns.ParseNeuronID(s); err != nil {
		return "", y.Errorf("want a neuron's seed (a number) or its id (64 hex digits): %v", err)
	}
	return strings.ToLower(s), nil
}

func parseNeuron(y yamlnode.Node, baseDir string) (ScenarioNeuron, error) {
	var n ScenarioNeuron
	_, f, err := y.Fields(neuronKeys...)
	if err != nil {
		return n, err
	}
	seed, hasSeed := f["seed"]
	id, hasID := f["id"]
	switch {
	case hasSeed == hasID:
		return n, y.Errorf("a neuron has a seed (its id is derived) or an id (64 hex digits), exactly one")
	case hasSeed:
		if n.Spec.Seed, err = seed.Uint64(); err != nil {
			return n, err
		}
		n.Ref = strconv.FormatUint(n.Spec.Seed, 10)
	default:
		text, err := id.Str()
		if err != nil {
			return n, err
		}
		if n.Spec.ID, err = sns.ParseNeuronID(text); err != nil {
			return n, id.Errorf("%v", err)
		}
		n.Ref = sns.NeuronIDHex(n.Spec.ID)
	}
	if v, ok := f["permissions"]; ok {
		if n.Spec.Permissions, err = parsePermissions(v, baseDir); err != nil {
			return n, err
		}
	}
	for key, dst := range map[string]*uint64{"stake_e8s": &n.Spec.StakeE8s, "maturity_e8s": &n.Spec.MaturityE8s} {
		if v, ok := f[key]; ok {
			if *dst, err = v.Uint64(); err != nil {
				return n, err
			}
		}
	}
	if _, ok := f["stake_e8s"]; !ok {
		n.Spec.StakeE8s = 100 * 1e8
	}
	if n.Spec.DissolveDelay, n.Spec.DissolvingFor, n.Spec.Age, err = yamlnode.Dissolve(f, 365*24*time.Hour); err != nil {
		return n, err
	}
	if v, ok := f["followees"]; ok {
		if n.Followees, err = parseFollowees(v); err != nil {
			return n, err
		}
	}
	return n, nil
}

// parseFollowees reads topic → neuron refs.
func parseFollowees(v yamlnode.Node) (map[sns.TopicID][]string, error) {
	order, f, err := v.Fields()
	if err != nil {
		return nil, err
	}
	out := map[sns.TopicID][]string{}
	for _, name := range order {
		t, ok := sns.ParseTopic(name)
		if !ok {
			return nil, f[name].Errorf("unknown SNS topic %q (known: %s)", name, topicList())
		}
		items, err := f[name].Items()
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			ref, err := refOf(it)
			if err != nil {
				return nil, err
			}
			out[t] = append(out[t], ref)
		}
	}
	return out, nil
}

func parsePermissions(v yamlnode.Node, baseDir string) ([]sns.NeuronPermission, error) {
	items, err := v.Items()
	if err != nil {
		return nil, err
	}
	var out []sns.NeuronPermission
	for _, it := range items {
		_, f, err := it.Fields(permKeys...)
		if err != nil {
			return nil, err
		}
		p, err := permissionHolder(it, f, baseDir)
		if err != nil {
			return nil, err
		}
		tv, ok := f["types"]
		if !ok {
			return nil, it.Errorf("types is required (e.g. [Vote, SubmitProposal])")
		}
		names, err := tv.Strings()
		if err != nil {
			return nil, err
		}
		var types []int32
		for _, name := range names {
			perm, ok := parsePermission(name)
			if !ok {
				return nil, tv.Errorf("unknown permission %q", name)
			}
			types = append(types, int32(perm))
		}
		slices.Sort(types)
		out = append(out, sns.NeuronPermission{Principal: &p, PermissionType: slices.Compact(types)})
	}
	return out, nil
}

func permissionHolder(it yamlnode.Node, f map[string]yamlnode.Node, baseDir string) (principal.Principal, error) {
	text, hasText := f["principal"]
	key, hasKey := f["key"]
	switch {
	case hasText == hasKey:
		return principal.Principal{}, it.Errorf("a permission names its holder by principal or key (a PEM file), exactly one")
	case hasText:
		s, err := text.Str()
		if err != nil {
			return principal.Principal{}, err
		}
		p, err := principal.Decode(s)
		if err != nil {
			return principal.Principal{}, text.Errorf("principal %q: %v", s, err)
		}
		return p, nil
	}
	path, err := key.Str()
	if err != nil {
		return principal.Principal{}, err
	}
	if !filepath.IsAbs(path) {
		path = filepath.Join(baseDir, path)
	}
	pem, err := os.ReadFile(path)
	if err != nil {
		return principal.Principal{}, key.Errorf("%v", err)
	}
	id, err := identity.NewEd25519IdentityFromPEM(pem)
	if err != nil {
		return principal.Principal{}, key.Errorf("not an Ed25519 PEM key: %v", err)
	}
	return id.Sender(), nil
}

func parsePermission(name string) (sns.Permission, bool) {
	for p := sns.PermissionConfigureDissolveState; p <= sns.PermissionManageVotingPermission; p++ {
		if strings.EqualFold(p.String(), name) {
			return p, true
		}
	}
	return 0, false
}

func parseProposal(y yamlnode.Node, refs map[string]bool, custom []Function) (ScenarioProposal, error) {
	var p ScenarioProposal
	_, f, err := y.Fields(proposalKeys...)
	if err != nil {
		return p, err
	}
	if v, ok := f["at"]; ok {
		if p.At, err = v.Duration(); err != nil {
			return p, err
		}
	}
	v, ok := f["proposer"]
	if !ok {
		return p, y.Errorf("proposer is required")
	}
	if p.Proposer, err = refOf(v); err != nil {
		return p, err
	}
	if !refs[p.Proposer] {
		return p, v.Errorf("neuron %s is not defined", p.Proposer)
	}
	p.Spec.Function = sns.FunctionMotion
	if v, ok := f["function"]; ok {
		if p.Spec.Function, err = parseFunction(v, custom); err != nil {
			return p, err
		}
	}
	for key, dst := range map[string]*string{"title": &p.Spec.Title, "summary": &p.Spec.Summary, "url": &p.Spec.URL} {
		if v, ok := f[key]; ok {
			if *dst, err = v.Str(); err != nil {
				return p, err
			}
		}
	}
	if v, ok := f["votes"]; ok {
		items, err := v.Items()
		if err != nil {
			return p, err
		}
		for _, it := range items {
			vote, err := parseVote(it, refs)
			if err != nil {
				return p, err
			}
			p.Votes = append(p.Votes, vote)
		}
	}
	return p, nil
}

// parseFunction reads a native function's name or a function id the SNS knows.
func parseFunction(v yamlnode.Node, custom []Function) (uint64, error) {
	s, err := v.Str()
	if err != nil {
		return 0, err
	}
	if id, err := strconv.ParseUint(s, 10, 64); err == nil {
		if _, ok := sns.NativeFunctionByID(id); ok || slices.ContainsFunc(custom, func(f Function) bool { return f.ID == id }) {
			return id, nil
		}
		return 0, v.Errorf("function %d is neither native nor one of this SNS's functions", id)
	}
	for _, f := range sns.NativeFunctions() {
		if strings.EqualFold(f.Name, s) {
			return f.ID, nil
		}
	}
	for _, f := range custom {
		if f.Name == s {
			return f.ID, nil
		}
	}
	return 0, v.Errorf("unknown function %q: a native proposal type (Motion, TransferSnsTreasuryFunds, …) or a functions: id or name", s)
}

func parseVote(y yamlnode.Node, refs map[string]bool) (ScenarioVote, error) {
	var v ScenarioVote
	_, f, err := y.Fields(voteKeys...)
	if err != nil {
		return v, err
	}
	n, ok := f["neuron"]
	if !ok {
		return v, y.Errorf("neuron is required")
	}
	if v.Neuron, err = refOf(n); err != nil {
		return v, err
	}
	if !refs[v.Neuron] {
		return v, n.Errorf("neuron %s is not defined", v.Neuron)
	}
	vote, ok := f["vote"]
	if !ok {
		return v, y.Errorf("vote is required (yes or no)")
	}
	s, err := vote.Str()
	if err != nil {
		return v, err
	}
	switch strings.ToLower(s) {
	case "yes":
		v.Vote = sns.VoteYes
	case "no":
		v.Vote = sns.VoteNo
	default:
		return v, vote.Errorf("want yes or no, got %q", s)
	}
	if at, ok := f["at"]; ok {
		if v.At, err = at.Duration(); err != nil {
			return v, err
		}
	}
	return v, nil
}
