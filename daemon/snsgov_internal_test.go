package daemon

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/votebot/votebot/agent"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/sns"
)

func u64(v uint64) *uint64 { return &v }

// TestSNSProposalView: an SNS proposal as the lane sees it: its deadline,
// status and reward status from the SNS's timestamps, its SNS facts, and
// only the lane's ballots, by short id.
func TestSNSProposalView(t *testing.T) {
	mine, other := bytes.Repeat([]byte{0x11}, 32), bytes.Repeat([]byte{0x22}, 32)
	created := uint64(1_700_000_000)
	base := func() sns.ProposalData {
		return sns.ProposalData{Id: &sns.ProposalId{Id: 7}, Action: sns.FunctionMotion,
			ProposalCreationTimestampSeconds: created, InitialVotingPeriodSeconds: 100,
			Topic:    sns.TopicOf(sns.TopicGovernance),
			Proposal: &sns.Proposal{Title: "T <b>", Action: &sns.Action{Motion: &sns.Motion{MotionText: "m"}}},
			Proposer: &sns.NeuronId{Id: other},
			Ballots: []sns.BallotEntry{{NeuronId: sns.NeuronIDHex(mine), Ballot: sns.Ballot{Vote: sns.VoteNo, VotingPower: 5}},
				{NeuronId: sns.NeuronIDHex(other), Ballot: sns.Ballot{Vote: sns.VoteYes, VotingPower: 9}},
				{NeuronId: "not hex", Ballot: sns.Ballot{Vote: sns.VoteYes}}}}
	}
	tests := []struct {
		name     string
		edit     func(*sns.ProposalData)
		now      uint64
		deadline uint64
		status   nns.ProposalStatus
		reward   nns.RewardStatus
		critical bool
		action   string // "" = Motion
	}{
		{name: "open, initial period", now: created + 10, deadline: created + 100,
			status: nns.ProposalStatusOpen, reward: nns.RewardStatusAcceptVotes},
		{name: "wait for quiet moved the deadline", now: created + 150, deadline: created + 200,
			edit: func(p *sns.ProposalData) {
				p.WaitForQuietState = &sns.WaitForQuietState{CurrentDeadlineTimestampSeconds: created + 200}
			}, status: nns.ProposalStatusOpen, reward: nns.RewardStatusAcceptVotes},
		{name: "past the deadline, not rewarded", now: created + 101, deadline: created + 100,
			edit: func(p *sns.ProposalData) {
				p.DecidedTimestampSeconds, p.LatestTally = created+100, &sns.Tally{Yes: 1, No: 2}
			}, status: nns.ProposalStatusRejected, reward: nns.RewardStatusReadyToSettle},
		{name: "executed and rewarded", now: created + 500, deadline: created + 100,
			edit: func(p *sns.ProposalData) {
				p.DecidedTimestampSeconds, p.ExecutedTimestampSeconds, p.RewardEventRound = created+50, created+51, 3
			}, status: nns.ProposalStatusExecuted, reward: nns.RewardStatusSettled},
		{name: "a custom function is named by list_topics", now: created, deadline: created + 100, action: "Mint badges",
			edit: func(p *sns.ProposalData) {
				p.Action = 1001
				p.Proposal.Action = &sns.Action{ExecuteGenericNervousSystemFunction: &sns.ExecuteGenericNervousSystemFunction{FunctionId: 1001}}
			}, status: nns.ProposalStatusOpen, reward: nns.RewardStatusAcceptVotes},
		{name: "a critical topic by default", now: created, deadline: created + 100,
			edit:   func(p *sns.ProposalData) { p.Topic = sns.TopicOf(sns.TopicTreasuryAssetManagement) },
			status: nns.ProposalStatusOpen, reward: nns.RewardStatusAcceptVotes, critical: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pd := base()
			if tt.edit != nil {
				tt.edit(&pd)
			}
			g := &SNSGov{Root: "root-id", DAO: "Alpha", Now: func() time.Time { return time.Unix(int64(tt.now), 0) }}
			g.SetNeurons([][]byte{mine})
			g.functions = map[uint64]string{1001: "Mint badges"}
			p := g.proposal(pd)
			if tt.action == "" {
				tt.action = "Motion"
			}
			if !p.Deadline.Equal(time.Unix(int64(tt.deadline), 0)) {
				t.Errorf("deadline %s, want %s", p.Deadline, time.Unix(int64(tt.deadline), 0))
			}
			if p.Status != tt.status || p.RewardStatus != tt.reward {
				t.Errorf("status %s/%s, want %s/%s", p.Status, p.RewardStatus, tt.status, tt.reward)
			}
			if p.SNS == nil || p.SNS.DAO != "Alpha" || p.SNS.Root != "root-id" || p.SNS.ActionName != tt.action ||
				p.SNS.Proposer != sns.NeuronIDHex(other) || p.SNS.Critical != tt.critical {
				t.Errorf("SNS facts %+v", p.SNS)
			}
			if p.Ballots.Len() != 1 {
				t.Errorf("%d ballots, want only the lane's neuron's", p.Ballots.Len())
			}
			if b, ok := p.Ballots.Get(sns.ShortID(mine)); !ok || b.Vote != nns.VoteNo || b.VotingPower != 5 {
				t.Errorf("lane ballot %+v %v, want No with 5", b, ok)
			}
		})
	}
}

// TestSNSNeuronView: dissolve state, maturity and topic following of an
// SNS neuron, as the loop reads them.
func TestSNSNeuronView(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	leader := bytes.Repeat([]byte{0x44}, 32)
	tests := []struct {
		name    string
		ds      *sns.DissolveState
		state   nns.NeuronState
		delay   time.Duration
		unknown bool
	}{
		{name: "locked", ds: &sns.DissolveState{DissolveDelaySeconds: u64(86400)}, state: nns.NeuronStateNotDissolving, delay: 24 * time.Hour},
		{name: "dissolving", ds: &sns.DissolveState{WhenDissolvedTimestampSeconds: u64(uint64(now.Unix()) + 3600)},
			state: nns.NeuronStateDissolving, delay: time.Hour},
		{name: "dissolved", ds: &sns.DissolveState{WhenDissolvedTimestampSeconds: u64(uint64(now.Unix()) - 1)},
			state: nns.NeuronStateDissolved},
		{name: "no dissolve state", unknown: true, state: nns.NeuronStateNotDissolving},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sn := sns.Neuron{DissolveState: tt.ds, MaturityE8sEquivalent: 3, StakedMaturityE8sEquivalent: u64(4),
				TopicFollowees: &sns.TopicFollowees{TopicIdToFollowees: []sns.TopicFolloweesEntry{{TopicId: int32(sns.TopicGovernance),
					Followees: sns.FolloweesForTopic{Followees: []sns.Followee{{NeuronId: &sns.NeuronId{Id: leader}}}}}}}}
			n := snsNeuron(sn, 9, true, now)
			if n.State != tt.state || n.DissolveDelay != tt.delay || n.DissolveUnknown != tt.unknown {
				t.Errorf("state %s delay %s unknown %v; want %s %s %v", n.State, n.DissolveDelay, n.DissolveUnknown, tt.state, tt.delay, tt.unknown)
			}
			if n.ID != 9 || !n.Authorized || n.Maturity.MaturityE8s != 3 || n.Maturity.StakedMaturityE8s != 4 {
				t.Errorf("neuron %+v", n)
			}
			if f := n.SNSFollowees[sns.TopicGovernance]; len(f) != 1 || f[0] != sns.ShortID(leader) {
				t.Errorf("followees %v", n.SNSFollowees)
			}
		})
	}
}

// TestSNSErrorClass: a repeated vote is already-voted, another SNS
// governance error a refusal, anything else neither (retried).
func TestSNSErrorClass(t *testing.T) {
	g := &SNSGov{}
	tests := []struct {
		name             string
		err              error
		already, refused bool
	}{
		{"already voted", fmt.Errorf("neuron x: %w", &agent.SNSGovernanceError{Type: 9, Message: "Neuron already voted on proposal."}), true, false},
		{"not permitted", &agent.SNSGovernanceError{Type: 9, Message: "Caller is not authorized to vote for neuron."}, false, true},
		{"transport", errors.New("connection reset"), false, false},
		{"endpoints down", fmt.Errorf("x: %w", agent.ErrAllEndpointsDown), false, false},
	}
	for _, tt := range tests {
		if got := g.AlreadyVoted(tt.err); got != tt.already {
			t.Errorf("%s: AlreadyVoted %v", tt.name, got)
		}
		if got := g.Refused(tt.err); got != tt.refused {
			t.Errorf("%s: Refused %v", tt.name, got)
		}
	}
}
