package policy

import "github.com/votebot/votebot/nns"

// RuleVote is the vote pol's rules cast on p by themselves, whoever runs them: a vote rule's
// (or a vote default's) yes or no. ok is false when the vote would come from somewhere two
// instances do not share — following, a fallback, a person, a stored override — or when
// nothing is voted. rule names the rule ("" for the policy default).
//
// A standby compares it with what the chain shows: the same policies cast the same rule vote,
// so a ballot filled directly with the other vote means the primary decides otherwise.
func RuleVote(pol *Policy, p Proposal) (vote nns.Vote, rule string, ok bool) {
	if pol == nil {
		return nns.VoteUnspecified, "", false
	}
	r, _ := selectRule(pol, p)
	if r.Outcome != OutcomeVote || (r.Vote != nns.VoteYes && r.Vote != nns.VoteNo) {
		return nns.VoteUnspecified, "", false
	}
	return r.Vote, r.Name, true
}
