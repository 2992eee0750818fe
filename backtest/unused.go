package backtest

import (
	"fmt"
	"sort"

	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
)

// Unused says which rules of policies never matched a stored proposal and
// which followees of the configured neurons never voted on a proposal they
// were followed on, in h. Nothing is said of an empty history.
func Unused(h History, policies map[string]*policy.Policy) []string {
	if len(h.Proposals) == 0 {
		return nil
	}
	names := map[uint64]string{} // proposer names, which the proposals table does not keep
	for _, d := range h.Decisions {
		if d.Input != nil && d.Input.Proposal.ProposerName != "" {
			names[d.Proposal] = d.Input.Proposal.ProposerName
		}
	}
	var out []string
	pnames := make([]string, 0, len(policies))
	for name := range policies {
		pnames = append(pnames, name)
	}
	sort.Strings(pnames)
	for _, name := range pnames {
		for _, r := range policies[name].Rules {
			if !matchesAny(r.Match, h.Proposals, names) {
				out = append(out, fmt.Sprintf("rule %q of policy %s never matched any of the %d stored proposals",
					r.Name, name, len(h.Proposals)))
			}
		}
	}
	return append(out, silentFollowees(h)...)
}

func matchesAny(m policy.Match, props []policy.Proposal, names map[uint64]string) bool {
	for _, p := range props {
		p.ProposerName = names[p.ID]
		if ok, _ := m.Explain(p); ok {
			return true
		}
	}
	return false
}

// silentFollowees lists, per neuron and topic, the followees never seen
// voting on a proposal of the topic.
func silentFollowees(h History) []string {
	type on struct {
		followee uint64
		topic    nns.Topic
	}
	voted := map[on]bool{}
	for _, v := range h.Votes {
		if v.Vote != nns.VoteUnspecified {
			voted[on{v.Followee, v.Topic}] = true
		}
	}
	type key struct {
		neuron, followee uint64
		topic            nns.Topic
	}
	count := map[key]int{}
	var order []key
	for _, b := range ballots(h.Decisions) {
		in := b[len(b)-1].Input
		for f, v := range in.Neuron.FolloweeVotes {
			if v != nns.VoteUnspecified {
				voted[on{f, in.Proposal.Topic}] = true
			}
		}
		for _, f := range policy.EffectiveFollowees(in.Neuron.Followees, in.Proposal.Topic) {
			k := key{in.Neuron.ID, f, in.Proposal.Topic}
			if count[k] == 0 {
				order = append(order, k)
			}
			count[k]++
		}
	}
	var out []string
	for _, k := range order {
		if !voted[on{k.followee, k.topic}] {
			out = append(out, fmt.Sprintf("followee %d of neuron %d never voted on the %d %s proposals it was followed on",
				k.followee, k.neuron, count[k], k.topic))
		}
	}
	return out
}
