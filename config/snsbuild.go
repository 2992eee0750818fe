package config

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/aviate-labs/agent-go/principal"

	"github.com/votebot/votebot/policy"
	"github.com/votebot/votebot/sns"
)

// snsSpec is the sns: section as written.
type snsSpec struct {
	Discover bool      `yaml:"discover"`
	Policy   string    `yaml:"policy"`
	DAOs     []daoSpec `yaml:"daos"`
}

type daoSpec struct {
	Root    string          `yaml:"root"`
	Name    string          `yaml:"name"`
	Policy  string          `yaml:"policy"`
	Neurons []snsNeuronSpec `yaml:"neurons"`
	// Following maps an SNS topic name, or "all" for the catch-all, to
	// followee neuron ids in hex.
	Following map[string][]string `yaml:"following"`
}

type snsNeuronSpec struct {
	ID    string `yaml:"id"`
	Alias string `yaml:"alias"`
}

// opaqueIDClass ends every canister id (an opaque principal); users, the anonymous principal
// and the management canister have another class or none.
const opaqueIDClass = 0x01

// catchAllKey is how the file and config show write the SNS catch-all following.
const catchAllKey = "all"

// configured reports whether the section asks for any SNS.
func (s SNS) configured() bool { return s.Discover || len(s.DAOs) > 0 }

// checkSNS validates the sns: section; aliases are the NNS neurons' (an alias names one
// neuron across governances).
func (d *decoder) checkSNS(spec *snsSpec, policies map[string]*policy.Policy, nnsAliases map[string]string) SNS {
	if spec == nil {
		return SNS{}
	}
	out := SNS{Discover: spec.Discover, Policy: strings.TrimSpace(spec.Policy)}
	if out.Policy == "" {
		out.Policy = DefaultPolicyName
	}
	d.knownPolicy("sns.policy", out.Policy, policies)
	roots := map[string]int{}
	names := map[string]int{} // lower case: alerts and metrics name a DAO by it
	aliases := map[string]string{}
	for k, v := range nnsAliases {
		aliases[k] = v
	}
	for i, ds := range spec.DAOs {
		at := "sns.daos[" + strconv.Itoa(i) + "]"
		dao := DAO{Root: strings.TrimSpace(ds.Root), Name: strings.TrimSpace(ds.Name), Policy: strings.TrimSpace(ds.Policy)}
		switch p, err := principal.Decode(dao.Root); {
		case dao.Root == "" && !d.hasProblem(at+".root"):
			d.addf(at+".root", "required: the DAO's root canister id (e.g. 3e3x2-xyaaa-aaaaq-aaalq-cai)")
		case dao.Root == "":
		case err != nil:
			d.addf(at+".root", "not a canister id: %v", err)
		case len(p.Raw) == 0 || p.Raw[len(p.Raw)-1] != opaqueIDClass:
			d.addf(at+".root", "%s is a principal but not a canister id (e.g. 3e3x2-xyaaa-aaaaq-aaalq-cai)", quote(dao.Root))
		default:
			dao.Root = p.String() // canonical text, so duplicates compare equal
			if j, dup := roots[dao.Root]; dup {
				d.addf(at+".root", "duplicate DAO %s (also sns.daos[%d])", dao.Root, j)
			} else {
				roots[dao.Root] = i
			}
		}
		d.daoName(at+".name", dao.Name, i, names)
		if dao.Policy == "" {
			dao.Policy = out.Policy
		} else {
			d.knownPolicy(at+".policy", dao.Policy, policies)
		}
		dao.Neurons = d.snsNeurons(at, ds.Neurons, aliases)
		if len(ds.Neurons) == 0 && !spec.Discover && !d.hasProblem(at+".neurons") {
			d.addf(at+".neurons", "at least one neuron is required (or set sns.discover: true to vote every neuron the hotkey may)")
		}
		dao.Following = d.snsFollowing(at+".following", ds.Following)
		out.DAOs = append(out.DAOs, dao)
	}
	return out
}

// daoName refuses a DAO name that is the NNS's or another DAO's: alert
// keys, Alertmanager labels and the metrics' governance label carry it.
func (d *decoder) daoName(at, name string, i int, names map[string]int) {
	key := strings.ToLower(name)
	switch j, dup := names[key]; {
	case name == "":
	case key == "nns":
		d.addf(at, "%s is the NNS's name in alerts and metrics: give the DAO another", quote(name))
	case dup:
		d.addf(at, "duplicate DAO name %s (also sns.daos[%d]): alerts and metrics name a DAO by it", quote(name), j)
	default:
		names[key] = i
	}
}

func (d *decoder) knownPolicy(at, name string, policies map[string]*policy.Policy) {
	if _, ok := policies[name]; !ok {
		d.addf(at, "unknown policy %q (defined: %s)", name, strings.Join(sortedKeys(policies), ", "))
	}
}

// snsNeurons checks a DAO's neurons: hex ids of 32 bytes, each once, no two sharing a short
// id (the loop knows a neuron by it), aliases unique across every governance.
func (d *decoder) snsNeurons(at string, list []snsNeuronSpec, aliases map[string]string) []SNSNeuron {
	out := make([]SNSNeuron, 0, len(list))
	seen := map[string]int{}
	short := map[uint64][]byte{}
	for j, ns := range list {
		p := at + ".neurons[" + strconv.Itoa(j) + "]"
		n := SNSNeuron{Alias: strings.TrimSpace(ns.Alias)}
		if n.Alias != "" {
			if prev, dup := aliases[n.Alias]; dup {
				d.addf(p+".alias", "duplicate alias %q (also %s)", n.Alias, prev)
			} else {
				aliases[n.Alias] = p
			}
		}
		switch id, err := sns.ParseNeuronID(ns.ID); {
		case strings.TrimSpace(ns.ID) == "":
			if !d.hasProblem(p + ".id") {
				d.addf(p+".id", "required: the neuron id (64 hex digits)")
			}
		case err != nil:
			d.addf(p+".id", "%v", err)
		default:
			n.ID = id
			hexID := sns.NeuronIDHex(id)
			if k, dup := seen[hexID]; dup {
				d.addf(p+".id", "duplicate neuron (also neurons[%d])", k)
				break
			}
			seen[hexID] = j
			if prev, ok := short[sns.ShortID(id)]; ok {
				if err := sns.CheckShortIDs([][]byte{prev, id}); err != nil {
					d.addf(p+".id", "%v", err)
				}
			}
			short[sns.ShortID(id)] = id
		}
		out = append(out, n)
	}
	return out
}

// snsFollowing reads topic names ("all": the catch-all) to followee hex ids.
func (d *decoder) snsFollowing(at string, spec map[string][]string) map[sns.TopicID][][]byte {
	if spec == nil {
		return nil
	}
	out := map[sns.TopicID][][]byte{}
	keyOf := map[sns.TopicID]string{}
	for _, key := range sortedKeys(spec) {
		p := at + "." + key
		topic, ok := parseSNSFollowTopic(key)
		if !ok {
			d.addf(p, "unknown SNS topic %q (known: %s, or %s for the catch-all)", key, snsTopicList(), catchAllKey)
			continue
		}
		if prev, dup := keyOf[topic]; dup {
			d.addf(p, "same topic as %q", prev)
			continue
		}
		keyOf[topic] = key
		ids := make([][]byte, 0, len(spec[key]))
		for k, s := range spec[key] {
			id, err := sns.ParseNeuronID(s)
			if err != nil {
				d.addf(p+"["+strconv.Itoa(k)+"]", "%v", err)
				continue
			}
			if !containsID(ids, id) {
				ids = append(ids, id)
			}
		}
		if len(ids) > policy.MaxFollowees {
			d.addf(p, "has %d followees, at most %d allowed", len(ids), policy.MaxFollowees)
		}
		out[topic] = ids
	}
	return out
}

// snsTopicKey is how the file writes a following topic.
func snsTopicKey(t sns.TopicID) string {
	if t == sns.TopicUnspecified {
		return catchAllKey
	}
	return t.String()
}

func parseSNSFollowTopic(key string) (sns.TopicID, bool) {
	switch strings.ToLower(strings.NewReplacer("-", "_", " ", "_").Replace(strings.TrimSpace(key))) {
	case catchAllKey, "catch_all", "catchall", "unspecified":
		return sns.TopicUnspecified, true
	}
	return sns.ParseTopic(key)
}

func snsTopicList() string {
	names := make([]string, 0, 7)
	for _, t := range sns.Topics() {
		names = append(names, t.String())
	}
	return strings.Join(names, ", ")
}

func containsID(ids [][]byte, id []byte) bool {
	for _, x := range ids {
		if bytes.Equal(x, id) {
			return true
		}
	}
	return false
}

// snsMatch reads a rule's SNS conditions into m.
func (d *decoder) snsMatch(at string, ms matchSpec, m *policy.Match) {
	for j, s := range ms.SNSTopics {
		t, ok := sns.ParseTopic(strings.TrimSpace(s))
		if !ok {
			d.addf(at+".sns_topics["+strconv.Itoa(j)+"]", "unknown SNS topic %q (known: %s)", s, snsTopicList())
			continue
		}
		m.SNSTopics = append(m.SNSTopics, t)
	}
	m.Functions = ms.Functions
	for j, s := range ms.SNSActions {
		k, err := policy.ParseSNSActionKind(s)
		if err != nil {
			d.addf(at+".sns_actions["+strconv.Itoa(j)+"]", "%v", err)
			continue
		}
		m.SNSActions = append(m.SNSActions, k)
	}
	for j, s := range ms.SNSProposers {
		id, err := sns.ParseNeuronID(s)
		if err != nil {
			d.addf(at+".sns_proposers["+strconv.Itoa(j)+"]", "%v", err)
			continue
		}
		m.SNSProposers = append(m.SNSProposers, sns.NeuronIDHex(id))
	}
}

// snsDocument is the sns: section as config show writes it: loadable again, ids in hex,
// every DAO's policy resolved.
func (s SNS) document() *snsSpec {
	if !s.configured() && s.Policy == "" {
		return nil
	}
	out := &snsSpec{Discover: s.Discover, Policy: s.Policy}
	for _, dao := range s.DAOs {
		ds := daoSpec{Root: dao.Root, Name: dao.Name, Policy: dao.Policy}
		for _, n := range dao.Neurons {
			ds.Neurons = append(ds.Neurons, snsNeuronSpec{ID: sns.NeuronIDHex(n.ID), Alias: n.Alias})
		}
		if dao.Following != nil {
			ds.Following = map[string][]string{}
			for t, ids := range dao.Following {
				key := snsTopicKey(t)
				hexIDs := make([]string, len(ids))
				for i, id := range ids {
					hexIDs[i] = sns.NeuronIDHex(id)
				}
				ds.Following[key] = hexIDs
			}
		}
		out.DAOs = append(out.DAOs, ds)
	}
	return out
}
