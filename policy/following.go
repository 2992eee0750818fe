package policy

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/votebot/votebot/nns"
)

// FollowingChange is one SetFollowing entry: set topic's followees to
// exactly Followees (empty clears the topic).
type FollowingChange struct {
	Topic     nns.Topic
	Followees []uint64
}

// FollowingDiff compares the wanted following (names resolved through
// known, a known-neuron name → id map, case-insensitive) with the neuron's
// on-chain following and returns the changes to make plus warnings.
//
// Only topics present in wanted are managed; an empty list there clears the
// topic. A topic whose followees cannot all be resolved, that exceeds 15
// followees, or that is NeuronManagement (controller only) is not changed
// and produces a warning. A catch-all that would leave Governance or
// SnsAndCommunityFund without followees is warned about: those topics
// ignore the catch-all and carry the highest reward weight.
func FollowingDiff(wanted map[nns.Topic][]Followee, actual map[nns.Topic][]uint64, known map[string]uint64) ([]FollowingChange, []string) {
	var changes []FollowingChange
	var warnings []string
	result := make(map[nns.Topic][]uint64, len(actual))
	for t, ids := range actual {
		result[t] = ids
	}
	for _, topic := range sortedTopics(wanted) {
		ids, warn := resolveFollowees(topic, wanted[topic], known)
		warnings = append(warnings, warn...)
		if len(warn) > 0 {
			continue
		}
		result[topic] = ids
		if !sameSet(ids, actual[topic]) {
			changes = append(changes, FollowingChange{Topic: topic, Followees: ids})
		}
	}
	return changes, append(warnings, catchAllWarnings(result)...)
}

func resolveFollowees(topic nns.Topic, fs []Followee, known map[string]uint64) ([]uint64, []string) {
	var warnings []string
	if topic == nns.TopicNeuronManagement {
		return nil, []string{"following NeuronManagement: only the controller can set it; not changed"}
	}
	ids := make([]uint64, 0, len(fs))
	for _, f := range fs {
		if f.Name == "" {
			ids = append(ids, f.ID)
			continue
		}
		id, ok := lookupKnown(known, f.Name)
		if !ok {
			warnings = append(warnings, fmt.Sprintf("following %s: unknown known-neuron name %q; topic not changed", topic, f.Name))
			continue
		}
		ids = append(ids, id)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if len(ids) > MaxFollowees {
		warnings = append(warnings, fmt.Sprintf("following %s: %d followees, at most %d allowed; topic not changed", topic, len(ids), MaxFollowees))
	}
	return ids, warnings
}

// LookupKnown resolves a known-neuron name as the following does: exactly,
// else case-insensitively.
func LookupKnown(known map[string]uint64, name string) (uint64, bool) {
	return lookupKnown(known, name)
}

func lookupKnown(known map[string]uint64, name string) (uint64, bool) {
	if id, ok := known[name]; ok {
		return id, true
	}
	for k, id := range known {
		if strings.EqualFold(strings.TrimSpace(k), strings.TrimSpace(name)) {
			return id, true
		}
	}
	return 0, false
}

// catchAllWarnings flags a catch-all that leaves the catch-all-ignoring,
// heavily rewarded topics without followees.
func catchAllWarnings(result map[nns.Topic][]uint64) []string {
	if len(result[nns.TopicUnspecified]) == 0 {
		return nil
	}
	var missing []string
	for _, t := range []nns.Topic{nns.TopicGovernance, nns.TopicSnsAndCommunityFund} {
		if len(result[t]) == 0 {
			missing = append(missing, t.String()+" (reward weight "+strconv.FormatFloat(t.RewardWeight(), 'f', -1, 64)+")")
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return []string{"catch-all following does not cover " + strings.Join(missing, " or ") +
		": those proposals stay unvoted by following; add followees for them or rely on rules/fallback"}
}

func sortedTopics(m map[nns.Topic][]Followee) []nns.Topic {
	out := make([]nns.Topic, 0, len(m))
	for t := range m {
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}

func sameSet(a, b []uint64) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(slices.Compact(x), slices.Compact(y))
}

// ResolveFollowing turns wanted following into neuron ids, resolving
// known-neuron names through known (case-insensitive). It fails, naming
// every problem, on an unknown name or more than 15 followees per topic.
func ResolveFollowing(wanted map[nns.Topic][]Followee, known map[string]uint64) (map[nns.Topic][]uint64, error) {
	if wanted == nil {
		return nil, nil
	}
	out := make(map[nns.Topic][]uint64, len(wanted))
	var problems []string
	for _, topic := range sortedTopics(wanted) {
		ids, warn := resolveFollowees(topic, wanted[topic], known)
		problems = append(problems, warn...)
		out[topic] = ids
	}
	if len(problems) > 0 {
		return out, fmt.Errorf("resolve following: %s", strings.Join(problems, "; "))
	}
	return out, nil
}

// FollowingVote is the vote followees decide by the NNS rule: Yes when more
// than half of them vote Yes, No when at least half vote No; Unspecified
// while they do not decide (or there are none). vote gives each one's vote.
func FollowingVote(followees []uint64, vote func(uint64) nns.Vote) nns.Vote {
	if len(followees) == 0 {
		return nns.VoteUnspecified
	}
	yes, no := 0, 0
	for _, f := range followees {
		switch vote(f) {
		case nns.VoteYes:
			yes++
		case nns.VoteNo:
			no++
		}
	}
	switch {
	case 2*yes > len(followees):
		return nns.VoteYes
	case 2*no >= len(followees):
		return nns.VoteNo
	}
	return nns.VoteUnspecified
}
