package policy

import (
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/sns"
)

const (
	alice = "1a2b3c4d5e6f70811a2b3c4d5e6f70811a2b3c4d5e6f70811a2b3c4d5e6f7081"
	bob   = "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"
)

// snsProposal is a TransferSnsTreasuryFunds proposal of OpenChat by alice.
func snsProposal() Proposal {
	return Proposal{ID: 100, Title: "Pay the auditors", Summary: "Long text", Created: created, Deadline: deadline,
		SNS: &SNSProposal{Root: "3e3x2-xyaaa-aaaaq-aaalq-cai", DAO: "OpenChat", Topic: sns.TopicTreasuryAssetManagement,
			Critical: true, FunctionID: sns.FunctionTransferSnsTreasuryFunds, ActionName: "TransferSnsTreasuryFunds", Proposer: alice}}
}

// customProposal is a proposal of OpenChat's own function 1001.
func customProposal() Proposal {
	p := snsProposal()
	p.SNS.Topic, p.SNS.Critical, p.SNS.FunctionID, p.SNS.ActionName = sns.TopicApplicationBusinessLogic, false, 1001, "upgrade_user_index"
	return p
}

// A rule matches what SNS says of an SNS proposal, a condition of the other governance never
// matches, title/summary/proposal conditions apply to both, and Explain says what matched.
func TestMatchSNS(t *testing.T) {
	tests := []struct {
		name string
		m    Match
		p    Proposal
		want string // "" : no match
	}{
		{"sns topic", Match{SNSTopics: []sns.TopicID{sns.TopicTreasuryAssetManagement}}, snsProposal(), "sns topic TreasuryAssetManagement"},
		{"sns topic and function", Match{SNSTopics: []sns.TopicID{sns.TopicApplicationBusinessLogic}, Functions: []uint64{1001}}, customProposal(),
			"sns topic ApplicationBusinessLogic, function 1001"},
		{"other function", Match{Functions: []uint64{1002}}, customProposal(), ""},
		{"other sns topic", Match{SNSTopics: []sns.TopicID{sns.TopicGovernance}}, snsProposal(), ""},
		{"sns action", Match{SNSActions: []ActionKind{"TransferSnsTreasuryFunds"}}, snsProposal(), "sns action TransferSnsTreasuryFunds"},
		{"sns action of another kind", Match{SNSActions: []ActionKind{"Motion"}}, snsProposal(), ""},
		{"sns proposer, any case", Match{SNSProposers: []string{bob, strings.ToUpper(alice)}}, snsProposal(), "sns proposer 1a2b3c4d5e6f7081"},
		{"other sns proposer", Match{SNSProposers: []string{bob}}, snsProposal(), ""},
		{"title on sns", Match{Title: regexp.MustCompile(`auditor`)}, snsProposal(), "title ~ /auditor/"},
		{"proposal id on sns", Match{ProposalIDs: []uint64{100}}, snsProposal(), "proposal 100"},
		{"sns topic and title", Match{SNSTopics: []sns.TopicID{sns.TopicTreasuryAssetManagement}, Title: regexp.MustCompile(`^Pay`)}, snsProposal(),
			"sns topic TreasuryAssetManagement, title ~ /^Pay/"},
		{"everything on sns", Match{}, snsProposal(), "matches every proposal"},
		// A condition of the other governance never matches.
		{"nns topic on sns", Match{Topics: []nns.Topic{nns.TopicUnspecified, nns.TopicGovernance}}, snsProposal(), ""},
		{"nns action on sns motion", Match{Actions: []ActionKind{ActionMotion}}, func() Proposal {
			p := snsProposal()
			p.SNS.ActionName, p.SNS.FunctionID = "Motion", sns.FunctionMotion
			return p
		}(), ""},
		{"nns proposer 0 on sns", Match{Proposers: []uint64{0}}, snsProposal(), ""},
		{"sns topic on nns", Match{SNSTopics: []sns.TopicID{sns.TopicGovernance, sns.TopicUnspecified}}, proposal(), ""},
		{"function on nns", Match{Functions: []uint64{0, 1}}, proposal(), ""},
		{"sns action on nns motion", Match{SNSActions: []ActionKind{"Motion"}}, proposal(), ""},
		{"sns proposer on nns", Match{SNSProposers: []string{alice}}, proposal(), ""},
		{"title on nns", Match{Title: regexp.MustCompile(`Motion`)}, proposal(), "title ~ /Motion/"},
		{"nns topic on nns", Match{Topics: []nns.Topic{nns.TopicGovernance}}, proposal(), "topic Governance"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, what := tt.m.Explain(tt.p)
			if ok != (tt.want != "") || what != tt.want {
				t.Errorf("Explain = %v, %q; want %q", ok, what, tt.want)
			}
		})
	}
}

func TestCheckSNS(t *testing.T) {
	tests := []struct {
		name string
		m    Match
		want []string
	}{
		{"clean", Match{SNSTopics: []sns.TopicID{sns.TopicTreasuryAssetManagement}, Functions: []uint64{9, 1001},
			SNSActions: []ActionKind{"TransferSnsTreasuryFunds"}, SNSProposers: []string{alice}}, nil},
		{"nns and sns conditions", Match{Topics: []nns.Topic{nns.TopicGovernance}, SNSTopics: []sns.TopicID{sns.TopicGovernance}},
			[]string{"rules[0].match.sns_topics: can never match: topics is an NNS condition and sns_topics an SNS one: no proposal is both"}},
		{"nns proposer and function", Match{Proposers: []uint64{7}, Functions: []uint64{1001}},
			[]string{"rules[0].match.functions: can never match: proposers is an NNS condition and functions an SNS one: no proposal is both"}},
		{"function 0 and generic", Match{Functions: []uint64{0, 6}}, []string{
			"rules[0].match.functions[0]: can never match: SNS function ids start at 1",
			"rules[0].match.functions[1]: can never match: a proposal of a DAO's own function carries that function's id (1000 or more), not 6"}},
		{"native function off the topics", Match{SNSTopics: []sns.TopicID{sns.TopicGovernance}, Functions: []uint64{1, 9}},
			[]string{"rules[0].match.functions[1]: can never match: function 9 (TransferSnsTreasuryFunds) is on topic TreasuryAssetManagement, not in sns_topics"}},
		{"action off the functions", Match{Functions: []uint64{1}, SNSActions: []ActionKind{"Motion", "MintSnsTokens"}},
			[]string{"rules[0].match.sns_actions[1]: can never match: MintSnsTokens is function 12, not in functions"}},
		{"action off the topics", Match{SNSTopics: []sns.TopicID{sns.TopicGovernance}, SNSActions: []ActionKind{"MintSnsTokens"}},
			[]string{"rules[0].match.sns_actions[0]: can never match: MintSnsTokens is on topic TreasuryAssetManagement, not in sns_topics"}},
		{"unknown action", Match{SNSActions: []ActionKind{"Dance"}}, []string{`rules[0].match.sns_actions[0]: can never match: no native SNS action "Dance"`}},
		{"bad proposer", Match{SNSProposers: []string{"abc"}}, []string{"rules[0].match.sns_proposers[0]: can never match: not an SNS neuron id (64 hex digits)"}},
		{"topic out of range", Match{SNSTopics: []sns.TopicID{9}}, []string{"rules[0].match.sns_topics[0]: can never match: no SNS topic Topic(9)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pol := Policy{Rules: []Rule{{Name: "r", Match: tt.m}}, Timing: DefaultTiming()}
			var got []string
			for _, p := range pol.Check() {
				got = append(got, p.Error())
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Check() =\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

func TestFolloweesFor(t *testing.T) {
	nnsF := map[nns.Topic][]uint64{nns.TopicUnspecified: {1}, nns.TopicGovernance: {2}}
	snsF := map[sns.TopicID][]uint64{sns.TopicUnspecified: {10}, sns.TopicDappCanisterManagement: {11, 12}}
	withTopic := func(topic sns.TopicID, critical bool) Proposal {
		p := snsProposal()
		p.SNS.Topic, p.SNS.Critical = topic, critical
		return p
	}
	nnsP := func(topic nns.Topic) Proposal { p := proposal(); p.Topic = topic; return p }
	tests := []struct {
		name string
		p    Proposal
		want []uint64
	}{
		{"sns topic's own", withTopic(sns.TopicDappCanisterManagement, false), []uint64{11, 12}},
		{"sns catch-all", withTopic(sns.TopicGovernance, false), []uint64{10}},
		{"sns critical: no catch-all", withTopic(sns.TopicTreasuryAssetManagement, true), nil},
		{"sns critical with its own", withTopic(sns.TopicDappCanisterManagement, true), []uint64{11, 12}},
		{"sns unknown topic, critical", withTopic(sns.TopicUnspecified, true), nil},
		{"nns topic's own", nnsP(nns.TopicGovernance), []uint64{2}},
		{"nns catch-all", nnsP(nns.TopicExchangeRate), []uint64{1}},
		{"nns ignores catch-all", nnsP(nns.TopicSnsAndCommunityFund), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FolloweesFor(tt.p, nnsF, snsF); !slices.Equal(got, tt.want) {
				t.Errorf("FolloweesFor = %v, want %v", got, tt.want)
			}
		})
	}
}

// The follow outcome waits for the SNS followees until the deadline margin, then the fallback
// votes with them (or the tally), as for the NNS.
func TestDecideSNSFollow(t *testing.T) {
	follow := policyWith(Rule{Name: "treasury", Match: Match{SNSTopics: []sns.TopicID{sns.TopicTreasuryAssetManagement}}, Outcome: OutcomeFollow},
		Rule{Name: "rest", Outcome: OutcomeVote, Vote: nns.VoteYes})
	snsNeuron := func(following map[sns.TopicID][]uint64, votes map[uint64]nns.Vote) Neuron {
		return Neuron{ID: 1, HasBallot: true, SNSFollowees: following, FolloweeVotes: votes,
			Followees: map[nns.Topic][]uint64{nns.TopicUnspecified: {10}}} // NNS following: not consulted
	}
	tests := []struct {
		name     string
		p        Proposal
		n        Neuron
		now      time.Time
		action   Action
		vote     nns.Vote
		fallback bool
		reason   string
	}{
		{"waits until the margin", snsProposal(), snsNeuron(map[sns.TopicID][]uint64{sns.TopicTreasuryAssetManagement: {10}}, nil), created,
			ActionWait, nns.VoteUnspecified, false, `rule "treasury" (sns topic TreasuryAssetManagement): follow; fallback with_followees at`},
		{"no followees on a critical topic", snsProposal(), snsNeuron(map[sns.TopicID][]uint64{sns.TopicUnspecified: {10}}, nil), created,
			ActionWait, nns.VoteUnspecified, false, "no followees for TreasuryAssetManagement (the catch-all does not apply)"},
		{"fallback with the topic's followees", snsProposal(),
			snsNeuron(map[sns.TopicID][]uint64{sns.TopicTreasuryAssetManagement: {10, 11}}, map[uint64]nns.Vote{10: nns.VoteNo, 11: nns.VoteNo}), margin,
			ActionVoteNow, nns.VoteNo, true, "with_followees: 0 yes, 2 no → No"},
		{"critical: the catch-all's votes do not count", snsProposal(),
			snsNeuron(map[sns.TopicID][]uint64{sns.TopicUnspecified: {10}}, map[uint64]nns.Vote{10: nns.VoteYes}), margin,
			ActionVoteNow, nns.VoteNo, true, "with_followees: 0 yes, 0 no, undecided"},
		{"another topic: the next rule", customProposal(), snsNeuron(nil, nil), created,
			ActionVoteNow, nns.VoteYes, false, `rule "rest" (matches every proposal): vote Yes`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Decide(Input{Proposal: tt.p, Neuron: tt.n, Policy: follow, Now: tt.now})
			if d.Action != tt.action || d.Vote != tt.vote || d.Fallback != tt.fallback || !strings.Contains(d.Reason, tt.reason) {
				t.Errorf("Decide = %v %v fallback=%v %q; want %v %v fallback=%v, reason containing %q",
					d.Action, d.Vote, d.Fallback, d.Reason, tt.action, tt.vote, tt.fallback, tt.reason)
			}
			if tt.action == ActionWait && !d.At.Equal(margin) {
				t.Errorf("waits until %v, want the margin %v", d.At, margin)
			}
		})
	}
}
