package policy

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/votebot/votebot/sns"
)

// SNSFollowingDiff compares an SNS neuron's wanted following (the DAO's
// following: in the config) with its on-chain topic following and returns
// the topics to set with SetFollowing, plus warnings.
//
// Only topics named in wanted are managed. sns.TopicUnspecified is the
// catch-all: it stands for every topic not named that is not critical,
// because an SNS never lets the catch-all cover a critical topic (upstream
// SNSes have no catch-all topic; votebot spells it out per topic). A
// catch-all that leaves a critical topic without followees is warned
// about. A topic with a malformed followee id or more than MaxFollowees
// followees is not changed and warned about.
func SNSFollowingDiff(wanted, actual map[sns.TopicID][][]byte) (map[sns.TopicID][][]byte, []string) {
	var warnings []string
	want := make(map[sns.TopicID][][]byte, len(sns.Topics()))
	catchAll, hasCatchAll := wanted[sns.TopicUnspecified]
	for _, t := range sns.Topics() {
		ids, named := wanted[t]
		if !named {
			if !hasCatchAll || t.CriticalByDefault() {
				continue
			}
			ids = catchAll
		}
		ids, warn := checkSNSFollowees(t, ids)
		if warn != "" {
			warnings = append(warnings, warn)
			continue
		}
		want[t] = ids
	}
	for t := range wanted {
		if t != sns.TopicUnspecified && !t.Known() {
			warnings = append(warnings, fmt.Sprintf("following %s: not an SNS topic votebot knows; not changed", t))
		}
	}
	changes := map[sns.TopicID][][]byte{}
	for t, ids := range want {
		if !sameIDSet(ids, actual[t]) {
			changes[t] = ids
		}
	}
	if hasCatchAll && len(catchAll) > 0 {
		var bare []string
		for _, t := range sns.Topics() {
			if !t.CriticalByDefault() {
				continue
			}
			if ids, ok := want[t]; ok && len(ids) > 0 {
				continue
			}
			if _, ok := want[t]; !ok && len(actual[t]) > 0 {
				continue
			}
			bare = append(bare, t.String())
		}
		if len(bare) > 0 {
			warnings = append(warnings, "the catch-all never covers critical topics: "+strings.Join(bare, ", ")+
				" stay without followees; name them to follow on them too")
		}
	}
	return changes, warnings
}

// checkSNSFollowees sorts and deduplicates a topic's followees, or says
// why the topic is left as it is.
func checkSNSFollowees(t sns.TopicID, ids [][]byte) ([][]byte, string) {
	out := make([][]byte, 0, len(ids))
	for _, id := range ids {
		if len(id) != sns.NeuronIDLen {
			return nil, fmt.Sprintf("following %s: a followee id of %d bytes, want %d; topic not changed", t, len(id), sns.NeuronIDLen)
		}
		out = append(out, id)
	}
	slices.SortFunc(out, bytes.Compare)
	out = slices.CompactFunc(out, bytes.Equal)
	if len(out) > MaxFollowees {
		return nil, fmt.Sprintf("following %s: %d followees, at most %d allowed; topic not changed", t, len(out), MaxFollowees)
	}
	return out, ""
}

func sameIDSet(a, b [][]byte) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.SortFunc(a, bytes.Compare)
	slices.SortFunc(b, bytes.Compare)
	a, b = slices.CompactFunc(a, bytes.Equal), slices.CompactFunc(b, bytes.Equal)
	return slices.EqualFunc(a, b, bytes.Equal)
}
