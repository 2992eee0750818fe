package policy

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/votebot/votebot/nns"
)

func TestCheck(t *testing.T) {
	many := make([]Followee, 16)
	for i := range many {
		many[i] = Followee{ID: uint64(i + 1)}
	}
	tests := []struct {
		name string
		pol  Policy
		want []string
	}{
		{"clean", Policy{Rules: []Rule{{Name: "a", Match: Match{Topics: []nns.Topic{nns.TopicGovernance}}}, {Name: "rest"}}, Timing: DefaultTiming()}, nil},
		{"rule after catch-all", Policy{Rules: []Rule{{Name: "all"}, {Name: "never", Match: Match{ProposalIDs: []uint64{3}}}}, Timing: DefaultTiming()},
			[]string{`rules[1]: can never match: rule 0 ("all") matches every proposal before it`}},
		{"nns function without ExecuteNnsFunction", Policy{Rules: []Rule{{Match: Match{Actions: []ActionKind{ActionMotion}, NnsFunctions: []int32{4}}}}, Timing: DefaultTiming()},
			[]string{"rules[0].match.nns_functions: can never match: nns_functions needs action ExecuteNnsFunction"}},
		{"topic nobody uses", Policy{Rules: []Rule{{Match: Match{Topics: []nns.Topic{nns.TopicGovernance, nns.TopicUnspecified}}}}, Timing: DefaultTiming()},
			[]string{"rules[0].match.topics[1]: can never match: no proposal has topic Unspecified"}},
		{"proposal id 0", Policy{Rules: []Rule{{Match: Match{ProposalIDs: []uint64{0}}}}, Timing: DefaultTiming()},
			[]string{"rules[0].match.proposals[0]: can never match: proposal ids start at 1"}},
		{"margin too long", Policy{Timing: Timing{DeadlineMargin: 96 * time.Hour}},
			[]string{"deadline_margin: is 4d, not shorter than the 4-day voting period: the fallback would act at once"}},
		{"rule timing", Policy{Rules: []Rule{{Timing: &Timing{VoteDelay: -time.Second}}}, Timing: DefaultTiming()},
			[]string{"rules[0].vote_delay: must not be negative"}},
		{"ExchangeRate margin over its 12h period", Policy{Rules: []Rule{{Name: "xr", Match: Match{Topics: []nns.Topic{nns.TopicExchangeRate}}, Outcome: OutcomeFollow,
			Timing: &Timing{DeadlineMargin: 12 * time.Hour}}}, Timing: DefaultTiming()},
			[]string{"rules[0].deadline_margin: is 12h0m0s, not shorter than the 12-hour voting period of ExchangeRate proposals: the fallback would act at once"}},
		{"ExchangeRate with a vote rule is fine", Policy{Rules: []Rule{{Name: "xr", Match: Match{Topics: []nns.Topic{nns.TopicExchangeRate}}, Outcome: OutcomeVote, Vote: nns.VoteYes}},
			Timing: Timing{DeadlineMargin: 13 * time.Hour}}, nil},
		{"too many followees", Policy{Timing: DefaultTiming(), Following: map[nns.Topic][]Followee{nns.TopicGovernance: many}},
			[]string{"following.Governance: has 16 followees, at most 15 allowed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, p := range tt.pol.Check() {
				got = append(got, p.Error())
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Check() =\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

func TestFollowingDiff(t *testing.T) {
	known := map[string]uint64{"DFINITY Foundation": 27, "Synapse": 4713806069430754115}
	ids := func(xs ...uint64) []Followee {
		var out []Followee
		for _, x := range xs {
			out = append(out, Followee{ID: x})
		}
		return out
	}
	tooMany := ids(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16)
	tests := []struct {
		name     string
		wanted   map[nns.Topic][]Followee
		actual   map[nns.Topic][]uint64
		changes  []FollowingChange
		warnings []string
	}{
		{name: "in sync, order and duplicates ignored",
			wanted: map[nns.Topic][]Followee{nns.TopicGovernance: {{Name: "dfinity foundation"}, {ID: 5}, {ID: 5}}},
			actual: map[nns.Topic][]uint64{nns.TopicGovernance: {5, 27}}},
		{name: "set a topic by name",
			wanted:  map[nns.Topic][]Followee{nns.TopicSnsAndCommunityFund: {{Name: "Synapse"}}},
			changes: []FollowingChange{{nns.TopicSnsAndCommunityFund, []uint64{4713806069430754115}}}},
		{name: "empty list clears; unlisted topics untouched",
			wanted:  map[nns.Topic][]Followee{nns.TopicExchangeRate: {}},
			actual:  map[nns.Topic][]uint64{nns.TopicExchangeRate: {1}, nns.TopicKyc: {2}},
			changes: []FollowingChange{{nns.TopicExchangeRate, []uint64{}}}},
		{name: "catch-all alone warns",
			wanted:   map[nns.Topic][]Followee{nns.TopicUnspecified: {{Name: "DFINITY Foundation"}}},
			changes:  []FollowingChange{{nns.TopicUnspecified, []uint64{27}}},
			warnings: []string{"catch-all following does not cover Governance (reward weight 20) or SnsAndCommunityFund (reward weight 20): those proposals stay unvoted by following; add followees for them or rely on rules/fallback"}},
		{name: "catch-all with Governance on chain warns for SNS only",
			wanted:   map[nns.Topic][]Followee{nns.TopicUnspecified: ids(27)},
			actual:   map[nns.Topic][]uint64{nns.TopicUnspecified: {27}, nns.TopicGovernance: {27}},
			warnings: []string{"catch-all following does not cover SnsAndCommunityFund (reward weight 20): those proposals stay unvoted by following; add followees for them or rely on rules/fallback"}},
		{name: "catch-all with both covered is fine",
			wanted: map[nns.Topic][]Followee{nns.TopicUnspecified: ids(27), nns.TopicGovernance: ids(27), nns.TopicSnsAndCommunityFund: ids(27)},
			changes: []FollowingChange{{nns.TopicUnspecified, []uint64{27}}, {nns.TopicGovernance, []uint64{27}},
				{nns.TopicSnsAndCommunityFund, []uint64{27}}}},
		{name: "unknown name leaves topic alone",
			wanted:   map[nns.Topic][]Followee{nns.TopicGovernance: {{Name: "Nobody"}, {ID: 3}}},
			actual:   map[nns.Topic][]uint64{nns.TopicGovernance: {9}},
			warnings: []string{`following Governance: unknown known-neuron name "Nobody"; topic not changed`}},
		{name: "more than 15",
			wanted:   map[nns.Topic][]Followee{nns.TopicKyc: tooMany},
			warnings: []string{"following Kyc: 16 followees, at most 15 allowed; topic not changed"}},
		{name: "NeuronManagement needs the controller",
			wanted:   map[nns.Topic][]Followee{nns.TopicNeuronManagement: ids(1)},
			warnings: []string{"following NeuronManagement: only the controller can set it; not changed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			changes, warnings := FollowingDiff(tt.wanted, tt.actual, known)
			if !reflect.DeepEqual(changes, tt.changes) {
				t.Errorf("changes %v, want %v", changes, tt.changes)
			}
			if !reflect.DeepEqual(warnings, tt.warnings) {
				t.Errorf("warnings\n%q\nwant\n%q", warnings, tt.warnings)
			}
		})
	}
}

// FuzzMatch feeds arbitrary patterns and proposal texts to the matcher:
// invalid patterns are errors from regexp, never panics, and Matches always
// agrees with Explain.
func FuzzMatch(f *testing.F) {
	f.Add("(?i)upgrade", "", "Upgrade the registry", "summary", uint64(1), int32(4), int32(13), "Alice", "alice")
	f.Add("[", "(", "", "", uint64(0), int32(-1), int32(99), "", "")
	f.Fuzz(func(t *testing.T, title, summary, pTitle, pSummary string, id uint64, fn, topic int32, name, pName string) {
		m := Match{ProposerNames: []string{name}, NnsFunctions: []int32{fn}, Topics: []nns.Topic{nns.Topic(topic)}}
		if re, err := regexp.Compile(title); err == nil {
			m.Title = re
		}
		if re, err := regexp.Compile(summary); err == nil {
			m.Summary = re
		}
		p := Proposal{ID: id, Topic: nns.Topic(topic), Action: ActionExecuteNnsFunction, NNSFunction: fn,
			ProposerName: pName, Title: pTitle, Summary: pSummary}
		ok, what := m.Explain(p)
		if ok != m.Matches(p) {
			t.Fatal("Matches disagrees with Explain")
		}
		if ok && what == "" {
			t.Fatal("match without explanation")
		}
		if ok && !strings.EqualFold(strings.TrimSpace(name), strings.TrimSpace(pName)) {
			t.Fatalf("matched proposer %q against rule name %q", pName, name)
		}
		_ = Decide(Input{Proposal: p, Neuron: Neuron{HasBallot: true}, Policy: &Policy{Rules: []Rule{{Match: m}}}})
	})
}

func TestResolveFollowing(t *testing.T) {
	known := map[string]uint64{"DFINITY Foundation": 27}
	got, err := ResolveFollowing(map[nns.Topic][]Followee{
		nns.TopicUnspecified: {{Name: "dfinity foundation"}, {ID: 5}},
		nns.TopicGovernance:  {{ID: 9}, {ID: 9}},
	}, known)
	want := map[nns.Topic][]uint64{nns.TopicUnspecified: {5, 27}, nns.TopicGovernance: {9}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("ResolveFollowing = %v, %v; want %v", got, err, want)
	}
	_, err = ResolveFollowing(map[nns.Topic][]Followee{nns.TopicKyc: {{Name: "Nobody"}}}, known)
	if err == nil || !strings.Contains(err.Error(), `unknown known-neuron name "Nobody"`) {
		t.Fatalf("unknown name: %v", err)
	}
	if got, err := ResolveFollowing(nil, known); got != nil || err != nil {
		t.Fatalf("nil wanted: %v, %v", got, err)
	}
}
