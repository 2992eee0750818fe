package policy

import (
	"testing"

	"github.com/votebot/votebot/nns"
)

func TestRuleVote(t *testing.T) {
	gov := Match{Topics: []nns.Topic{nns.TopicGovernance}}
	tests := []struct {
		name string
		pol  *Policy
		vote nns.Vote
		rule string
		ok   bool
	}{
		{"vote rule", policyWith(Rule{Name: "yes-gov", Match: gov, Outcome: OutcomeVote, Vote: nns.VoteYes}), nns.VoteYes, "yes-gov", true},
		{"first matching rule wins", policyWith(Rule{Name: "no", Outcome: OutcomeVote, Vote: nns.VoteNo},
			Rule{Name: "yes", Outcome: OutcomeVote, Vote: nns.VoteYes}), nns.VoteNo, "no", true},
		{"follow: not the rules'", policyWith(Rule{Name: "f", Match: gov, Outcome: OutcomeFollow}), nns.VoteUnspecified, "", false},
		{"manual: a person's", policyWith(Rule{Name: "ask", Outcome: OutcomeManual}), nns.VoteUnspecified, "", false},
		{"skip", policyWith(Rule{Name: "s", Outcome: OutcomeSkip}), nns.VoteUnspecified, "", false},
		{"vote default", &Policy{Default: OutcomeVote, DefaultVote: nns.VoteNo}, nns.VoteNo, "", true},
		{"no policy", nil, nns.VoteUnspecified, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, rule, ok := RuleVote(tt.pol, proposal())
			if v != tt.vote || rule != tt.rule || ok != tt.ok {
				t.Errorf("RuleVote = %s %q %v, want %s %q %v", v, rule, ok, tt.vote, tt.rule, tt.ok)
			}
		})
	}
}
