package config

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/votebot/votebot/policy"

	"github.com/votebot/votebot/sns"
)

// DAOFacts is what the network says of one configured DAO (`votebot config validate` asks
// it with the hotkey's identity), for SNSNetworkProblems.
type DAOFacts struct {
	// Err: the DAO could not be read (its root did not answer list_sns_canisters, or its
	// governance did not answer list_neurons); nothing else is known then.
	Err error
	// Held are the hotkey's permissions on every neuron it holds any on, by hex id.
	Held map[string][]sns.Permission
	// Functions are the ids list_nervous_system_functions lists (native ones included).
	Functions []uint64
	// FunctionsErr: list_nervous_system_functions failed.
	FunctionsErr error
	// Topics are the topics list_topics lists; TopicsErr that it failed (an SNS too old
	// to follow by topic). Asked only when the DAO's following is configured.
	Topics    []sns.TopicID
	TopicsErr error
	// VotingPeriod is the DAO's initial voting period (0: unknown).
	VotingPeriod time.Duration
}

// SNSNetworkProblems compares the sns: section with facts (one per cfg.SNS.DAOs, in order):
// errors for what stops votebot from voting a DAO as configured (a root that does not
// answer, a neuron the hotkey may not vote, a function or following topic the DAO does not
// have) and warnings for what is valid but risky (a hotkey that may do more than vote).
func SNSNetworkProblems(cfg *Config, hotkey string, facts []DAOFacts) (errs, warns []Problem) {
	users := map[string]int{} // policy → DAOs using it
	for _, dao := range cfg.SNS.DAOs {
		users[dao.Policy]++
	}
	if cfg.SNS.Discover {
		users[cfg.SNS.Policy]++
	}
	for i, dao := range cfg.SNS.DAOs {
		if i >= len(facts) {
			break
		}
		f, at, name := facts[i], "sns.daos["+strconv.Itoa(i)+"]", daoName(dao)
		if f.Err != nil {
			short := dao.Name
			if short == "" {
				short = "SNS" // the error names the root
			}
			errs = append(errs, cfg.src.at(at+".root", "%s: %v", short, f.Err))
			continue
		}
		for j, n := range dao.Neurons {
			e, w := neuronPermissions(cfg, at+".neurons["+strconv.Itoa(j)+"].id", name, hotkey, f.Held[sns.NeuronIDHex(n.ID)])
			errs, warns = append(errs, e...), append(warns, w...)
		}
		fe, fw := functionProblems(cfg, dao, name, f, users[dao.Policy] > 1)
		errs, warns = append(errs, fe...), append(warns, fw...)
		errs = append(errs, followingProblems(cfg, at, dao, name, f)...)
		warns = append(warns, marginProblems(cfg, dao, name, f.VotingPeriod)...)
	}
	return Errors(errs).sorted(), Errors(warns).sorted()
}

func daoName(d DAO) string {
	if d.Name != "" {
		return d.Name + " (" + d.Root + ")"
	}
	return "SNS " + d.Root
}

// neuronPermissions checks the hotkey's permissions on one neuron: Vote is needed, more than
// Vote and SubmitProposal is a risk.
func neuronPermissions(cfg *Config, at, dao, hotkey string, held []sns.Permission) (errs, warns []Problem) {
	if len(held) == 0 {
		return []Problem{cfg.src.at(at, "the hotkey %s holds no permission on this neuron in %s, or there is no such neuron: "+
			"grant the hotkey Vote (NNS dapp or dfx), or check the id", hotkey, dao)}, nil
	}
	if !slices.Contains(held, sns.PermissionVote) {
		errs = append(errs, cfg.src.at(at, "the hotkey %s holds %s on this neuron in %s but not Vote: votebot cannot vote with it",
			hotkey, permissionList(held), dao))
	}
	var beyond []sns.Permission
	for _, p := range held {
		if p.BeyondVoting() {
			beyond = append(beyond, p)
		}
	}
	if len(beyond) > 0 {
		warns = append(warns, cfg.src.at(at, "the hotkey %s also holds %s on this neuron in %s: a leaked key could move funds "+
			"or take the neuron over; a voting bot needs only Vote (and SubmitProposal)", hotkey, permissionList(beyond), dao))
	}
	return errs, warns
}

func permissionList(ps []sns.Permission) string {
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.String()
	}
	return strings.Join(names, ", ")
}

// functionProblems checks that every function id the DAO's policy matches is one of the DAO's.
// A policy other DAOs use too may name another DAO's own function: a warning then, since the
// rule only never matches here.
func functionProblems(cfg *Config, dao DAO, name string, f DAOFacts, shared bool) (errs, warns []Problem) {
	pol := cfg.Policies[dao.Policy]
	if pol == nil {
		return nil, nil
	}
	at := "policies." + dao.Policy
	if f.FunctionsErr != nil {
		for _, r := range pol.Rules {
			if len(r.Match.Functions) > 0 {
				return nil, []Problem{cfg.src.at(at, "function ids not checked against %s: list_nervous_system_functions: %v", name, f.FunctionsErr)}
			}
		}
		return nil, nil
	}
	for k, r := range pol.Rules {
		for m, id := range r.Match.Functions {
			if slices.Contains(f.Functions, id) {
				continue
			}
			p := at + ".rules[" + strconv.Itoa(k) + "].match.functions[" + strconv.Itoa(m) + "]"
			if shared {
				warns = append(warns, cfg.src.at(p, "%s has no function %d (list_nervous_system_functions): the rule never matches its proposals", name, id))
			} else {
				errs = append(errs, cfg.src.at(p, "%s has no function %d (list_nervous_system_functions): the rule can never match", name, id))
			}
		}
	}
	return errs, warns
}

// followingProblems checks that the DAO knows every topic its following names.
func followingProblems(cfg *Config, at string, dao DAO, name string, f DAOFacts) []Problem {
	if len(dao.Following) == 0 {
		return nil
	}
	if f.TopicsErr != nil {
		return []Problem{cfg.src.at(at+".following", "%s cannot be followed by topic (list_topics: %v)", name, f.TopicsErr)}
	}
	var out []Problem
	topics := make([]sns.TopicID, 0, len(dao.Following))
	for t := range dao.Following {
		topics = append(topics, t)
	}
	slices.Sort(topics)
	for _, t := range topics {
		if t == sns.TopicUnspecified || slices.Contains(f.Topics, t) {
			continue
		}
		out = append(out, cfg.src.at(at+".following."+t.String(), "%s has no topic %s (list_topics)", name, t))
	}
	return out
}

// marginProblems warns when a follow or manual rule of the DAO's policy that can match an SNS
// proposal (or the default) waits for a margin not shorter than the DAO's voting period: its
// fallback would act the moment a proposal appears.
func marginProblems(cfg *Config, dao DAO, name string, period time.Duration) []Problem {
	pol := cfg.Policies[dao.Policy]
	if pol == nil || period <= 0 {
		return nil
	}
	at := "policies." + dao.Policy
	var out []Problem
	check := func(path, what string, t policy.Timing) {
		if t.Fallback != policy.FallbackNone && t.DeadlineMargin >= period {
			out = append(out, cfg.src.at(path, "is %s, not shorter than the %s voting period of %s that %s covers: its fallback acts on them at once",
				fmtDuration(t.DeadlineMargin), fmtDuration(period), name, what))
		}
	}
	for i, r := range pol.Rules {
		if !decidesByMargin(r.Outcome) || r.Match.OnlyNNS() {
			continue
		}
		path := at + ".deadline_margin"
		t := pol.Timing
		if r.Timing != nil {
			t = *r.Timing
			if _, ok := cfg.src.lines[at+".rules["+strconv.Itoa(i)+"].deadline_margin"]; ok {
				path = at + ".rules[" + strconv.Itoa(i) + "].deadline_margin"
			}
		}
		check(path, "rule "+strconv.Itoa(i)+" ("+strconv.Quote(r.Name)+")", t)
	}
	if decidesByMargin(pol.Default) {
		check(at+".deadline_margin", "the default ("+pol.Default.String()+")", pol.Timing)
	}
	return out
}

// DiscoveredNeuron is a neuron sns.discover finds in a DAO the file does not list.
type DiscoveredNeuron struct {
	Root string
	ID   []byte
	Held []sns.Permission
}

// DiscoveryWarnings warns, at sns.discover, about discovered neurons on which the hotkey may
// do more than vote.
func DiscoveryWarnings(cfg *Config, hotkey string, found []DiscoveredNeuron) []Problem {
	var out []Problem
	for _, n := range found {
		var beyond []sns.Permission
		for _, p := range n.Held {
			if p.BeyondVoting() {
				beyond = append(beyond, p)
			}
		}
		if len(beyond) > 0 {
			out = append(out, cfg.src.at("sns.discover", "the hotkey %s also holds %s on neuron %s of SNS %s (discovered): a leaked key "+
				"could move funds or take the neuron over; a voting bot needs only Vote (and SubmitProposal)",
				hotkey, permissionList(beyond), sns.NeuronIDHex(n.ID), n.Root))
		}
	}
	return out
}
