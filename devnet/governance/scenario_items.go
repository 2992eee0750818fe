package governance

import (
	"github.com/votebot/votebot/devnet/internal/yamlnode"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/aviate-labs/agent-go/principal"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/rewards"
	"gopkg.in/yaml.v3"
)

var neuronKeys = []string{"id", "controller", "controller_key", "hotkeys", "stake_e8s", "staked_maturity_e8s",
	"maturity_e8s", "dissolve_delay", "dissolving_for", "age", "known_name", "known_description", "followees",
	"voting_power_refreshed_ago"}

func parseNeuron(y ynode, baseDir string) (NeuronSpec, error) {
	var s NeuronSpec
	_, f, err := y.Fields(neuronKeys...)
	if err != nil {
		return s, err
	}
	if v, ok := f["id"]; ok {
		if s.ID, err = v.Uint64(); err != nil {
			return s, err
		}
		if s.ID == 0 {
			return s, v.Errorf("neuron ids start at 1")
		}
	}
	if s.Controller, err = parseController(y, f, baseDir); err != nil {
		return s, err
	}
	if v, ok := f["hotkeys"]; ok {
		texts, err := v.Strings()
		if err != nil {
			return s, err
		}
		if len(texts) > maxHotKeys {
			return s, v.Errorf("%d hotkeys, at most %d allowed", len(texts), maxHotKeys)
		}
		for _, t := range texts {
			p, err := principal.Decode(t)
			if err != nil {
				return s, v.Errorf("hotkey %q: %v", t, err)
			}
			s.HotKeys = append(s.HotKeys, p)
		}
	}
	for key, dst := range map[string]*uint64{"stake_e8s": &s.StakeE8s, "staked_maturity_e8s": &s.StakedMaturityE8s, "maturity_e8s": &s.MaturityE8s} {
		if v, ok := f[key]; ok {
			if *dst, err = v.Uint64(); err != nil {
				return s, err
			}
		}
	}
	if s.DissolveDelay, s.DissolvingFor, s.Age, err = yamlnode.Dissolve(f, defaultScenarioDissolveDelay); err != nil {
		return s, err
	}
	if v, ok := f["known_description"]; ok {
		if _, named := f["known_name"]; !named {
			return s, v.Errorf("known_description without known_name is not honoured: a known neuron needs a name")
		}
	}
	if v, ok := f["voting_power_refreshed_ago"]; ok {
		if s.VotingPowerRefreshedAgo, err = v.Duration(); err != nil {
			return s, err
		}
	}
	for key, dst := range map[string]*string{"known_name": &s.KnownName, "known_description": &s.KnownDesc} {
		if v, ok := f[key]; ok {
			if *dst, err = v.Str(); err != nil {
				return s, err
			}
		}
	}
	if v, ok := f["followees"]; ok {
		if s.Followees, err = parseFollowees(v); err != nil {
			return s, err
		}
	}
	return s, nil
}

// defaultScenarioDissolveDelay lets a scenario neuron vote and propose in
// both regimes when the file gives no delay: 6 months.
const defaultScenarioDissolveDelay = time.Duration(6 * rewards.MonthSeconds * 1e9)

func parseController(y ynode, f map[string]ynode, baseDir string) (principal.Principal, error) {
	text, hasText := f["controller"]
	key, hasKey := f["controller_key"]
	switch {
	case hasText && hasKey:
		return principal.Principal{}, key.Errorf("a neuron has either controller or controller_key, not both")
	case hasText:
		s, err := text.Str()
		if err != nil {
			return principal.Principal{}, err
		}
		p, err := principal.Decode(s)
		if err != nil {
			return principal.Principal{}, text.Errorf("controller %q: %v", s, err)
		}
		return p, nil
	case hasKey:
		s, err := key.Str()
		if err != nil {
			return principal.Principal{}, err
		}
		if !filepath.IsAbs(s) {
			s = filepath.Join(baseDir, s)
		}
		p, err := principalFromKey(s)
		if err != nil {
			return principal.Principal{}, key.Errorf("%v", err)
		}
		return p, nil
	}
	return principal.Principal{}, y.Errorf("a neuron needs a controller (principal text) or controller_key (PEM file)")
}

func parseFollowees(y ynode) (map[nns.Topic][]uint64, error) {
	order, f, err := y.Fields()
	if err != nil {
		return nil, err
	}
	out := map[nns.Topic][]uint64{}
	for _, key := range order {
		v := f[key]
		topic, err := nns.ParseTopic(key)
		if err != nil {
			return nil, v.Errorf("%v", err)
		}
		if !topic.Known() || topic == nns.TopicUnspecified && key != "Unspecified" && key != "0" {
			return nil, v.Errorf("unknown topic %q: the devnet cannot follow on it", key)
		}
		if _, dup := out[topic]; dup {
			return nil, v.Errorf("topic %s is listed twice", topic)
		}
		ids, err := v.Uint64s()
		if err != nil {
			return nil, err
		}
		if len(ids) > maxFollowees {
			return nil, v.Errorf("%d followees, at most %d allowed", len(ids), maxFollowees)
		}
		out[topic] = ids
	}
	return out, nil
}

func parseProposal(y ynode, known map[uint64]bool, econ ScenarioEconomics) (ScenarioProposal, error) {
	var p ScenarioProposal
	_, f, err := y.Fields("at", "proposer", "topic", "action", "nns_function", "title", "summary", "url", "votes")
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
		return p, y.Errorf("a proposal needs a proposer (neuron id)")
	}
	if p.Spec.Proposer, err = v.Uint64(); err != nil {
		return p, err
	}
	if !known[p.Spec.Proposer] {
		return p, v.Errorf("neuron %d is not defined in this scenario", p.Spec.Proposer)
	}
	if v, ok := f["topic"]; ok {
		if p.Spec.Topic, err = parseProposalTopic(v); err != nil {
			return p, err
		}
	}
	if p.Spec.Action, p.Spec.FutureAction, err = parseAction(y, f); err != nil {
		return p, err
	}
	if p.Spec.FutureAction != "" && p.Spec.Topic == nns.TopicUnspecified {
		return p, f["action"].Errorf("a future action needs a topic (e.g. topic: 25): the devnet cannot derive it")
	}
	for key, dst := range map[string]*string{"title": &p.Spec.Title, "summary": &p.Spec.Summary, "url": &p.Spec.URL} {
		if v, ok := f[key]; ok {
			if *dst, err = v.Str(); err != nil {
				return p, err
			}
		}
	}
	if v, ok := f["votes"]; ok {
		if p.Votes, err = parseVotes(v, known); err != nil {
			return p, err
		}
		if err := checkVoteTimes(v, p, econ); err != nil {
			return p, err
		}
	}
	return p, nil
}

// checkVoteTimes refuses a vote that comes after the latest deadline the
// proposal can have (voting period plus twice the wait-for-quiet increase):
// the canister would refuse it, and the scenario would not play as written.
func checkVoteTimes(y ynode, p ScenarioProposal, econ ScenarioEconomics) error {
	cfg := Config{VotingPeriod: econ.VotingPeriod, ShortVotingPeriod: econ.ShortVotingPeriod,
		WaitForQuietIncrease: econ.WaitForQuietIncrease}.withDefaults()
	period := cfg.VotingPeriod
	topic := p.Spec.Topic
	if topic == nns.TopicUnspecified && p.Spec.Action.ExecuteNnsFunction != nil {
		topic, _ = nns.NnsFunctionTopic(p.Spec.Action.ExecuteNnsFunction.NnsFunction)
	}
	if topic == nns.TopicExchangeRate {
		period = cfg.ShortVotingPeriod
	}
	latest := period + 2*cfg.WaitForQuietIncrease
	items, _ := y.Items()
	for i, v := range p.Votes {
		if v.At >= latest {
			return items[i].Errorf("a vote %s after the proposal is after its latest possible deadline (%s): it would be refused", v.At, latest)
		}
	}
	return nil
}

// parseProposalTopic is a topic name or number; a number outside the
// known list is a newer canister's topic and is kept as it is.
func parseProposalTopic(v ynode) (nns.Topic, error) {
	s, err := v.Str()
	if err != nil {
		return 0, err
	}
	t, err := nns.ParseTopic(s)
	if err != nil {
		n, nerr := strconv.ParseInt(strings.TrimSpace(s), 10, 32)
		if nerr != nil {
			return 0, v.Errorf("%v", err)
		}
		t = nns.Topic(n)
	}
	switch {
	case t == nns.TopicUnspecified:
		return 0, v.Errorf("topic Unspecified (0) is not a proposal topic; omit topic to derive it from the action")
	case t < 0:
		return 0, v.Errorf("topic %d: topics are not negative", t)
	case t == nns.TopicNeuronManagement:
		return 0, v.Errorf("the devnet does not make NeuronManagement proposals")
	}
	return t, nil
}

// parseAction reads action: Motion, ExecuteNnsFunction (with
// nns_function), or {future: Tag} for an action votebot does not know.
func parseAction(y ynode, f map[string]ynode) (nns.Action, string, error) {
	action := "motion"
	if v, ok := f["action"]; ok {
		if v.N.Kind == yaml.MappingNode {
			tag, err := parseFutureAction(v)
			if err == nil {
				if fn, hasFn := f["nns_function"]; hasFn {
					return nns.Action{}, "", fn.Errorf("nns_function is for action ExecuteNnsFunction")
				}
			}
			return nns.Action{}, tag, err
		}
		s, err := v.Str()
		if err != nil {
			return nns.Action{}, "", err
		}
		action = strings.ToLower(s)
	}
	fn, hasFn := f["nns_function"]
	switch action {
	case "motion":
		if hasFn {
			return nns.Action{}, "", fn.Errorf("nns_function is for action ExecuteNnsFunction")
		}
		return nns.Action{Motion: &nns.Motion{MotionText: "devnet scenario motion"}}, "", nil
	case "executennsfunction":
		if !hasFn {
			return nns.Action{}, "", y.Errorf("action ExecuteNnsFunction needs nns_function")
		}
		s, err := fn.Str()
		if err != nil {
			return nns.Action{}, "", err
		}
		n, err := strconv.ParseInt(s, 10, 32)
		if err != nil {
			return nns.Action{}, "", fn.Errorf("want an integer, got %q", s)
		}
		if _, ok := nns.NnsFunctionTopic(int32(n)); !ok {
			return nns.Action{}, "", fn.Errorf("unknown nns_function %d", n)
		}
		return nns.Action{ExecuteNnsFunction: &nns.ExecuteNnsFunction{NnsFunction: int32(n), Payload: []byte{}}}, "", nil
	}
	return nns.Action{}, "", f["action"].Errorf("want Motion, ExecuteNnsFunction or {future: Tag}, got %q", action)
}

func parseFutureAction(v ynode) (string, error) {
	_, f, err := v.Fields("future")
	if err != nil {
		return "", err
	}
	tv, ok := f["future"]
	if !ok {
		return "", v.Errorf("want {future: Tag}")
	}
	tag, err := tv.Str()
	if err != nil {
		return "", err
	}
	if err := checkFutureTag(tag); err != nil {
		return "", tv.Errorf("%v", err)
	}
	return tag, nil
}

func parseVotes(y ynode, known map[uint64]bool) ([]ScenarioVote, error) {
	items, err := y.Items()
	if err != nil {
		return nil, err
	}
	out := make([]ScenarioVote, 0, len(items))
	for _, it := range items {
		_, f, err := it.Fields("neuron", "vote", "at")
		if err != nil {
			return nil, err
		}
		var v ScenarioVote
		n, ok := f["neuron"]
		if !ok {
			return nil, it.Errorf("a vote needs a neuron")
		}
		if v.Neuron, err = n.Uint64(); err != nil {
			return nil, err
		}
		if !known[v.Neuron] {
			return nil, n.Errorf("neuron %d is not defined in this scenario", v.Neuron)
		}
		vv, ok := f["vote"]
		if !ok {
			return nil, it.Errorf("a vote needs vote: yes or no")
		}
		if v.Vote, err = parseVote(vv); err != nil {
			return nil, err
		}
		if at, ok := f["at"]; ok {
			if v.At, err = at.Duration(); err != nil {
				return nil, err
			}
		}
		out = append(out, v)
	}
	return out, nil
}
