package governance

import (
	"testing"
	"time"

	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/rewards"
)

func TestRegisterVoteErrors(t *testing.T) {
	c, clk := newCanister(t, rewards.RegimeCurrent, nil)
	addNeuron(t, c, 1, 10*icp, nil)
	addNeuron(t, c, 2, 10*icp, nil)
	addNeuron(t, c, 3, 10*icp, func(s *NeuronSpec) { s.Followees = map[nns.Topic][]uint64{nns.TopicGovernance: {2}} })
	addNeuron(t, c, 9, 100*icp, nil) // keeps proposals open
	p := submit(t, c, motion(1))
	addNeuron(t, c, 4, 10*icp, nil) // created after the proposal: no ballot
	vote(t, c, 2, p, nns.VoteYes)   // neuron 3 follows 2 on Governance

	rv := func(v int32, proposal uint64) nns.ManageNeuronCommandRequest {
		return nns.ManageNeuronCommandRequest{RegisterVote: &nns.RegisterVote{Vote: v, Proposal: &nns.ProposalId{Id: proposal}}}
	}
	tests := []struct {
		name   string
		caller int
		neuron uint64
		cmd    nns.ManageNeuronCommandRequest
		typ    nns.ErrorType
		msg    string
	}{
		{"caller neither controller nor hotkey", 2, 1, rv(1, p), nns.ErrorTypeNotAuthorized, "Caller is not authorized to vote for neuron."},
		{"unknown proposal", 9, 9, rv(1, 77), nns.ErrorTypeNotFound, "Can't find proposal."},
		{"no proposal id", 9, 9, nns.ManageNeuronCommandRequest{RegisterVote: &nns.RegisterVote{Vote: 1}}, nns.ErrorTypePreconditionFailed, "Vote must include a proposal id."},
		{"vote of 7", 9, 9, rv(7, p), nns.ErrorTypePreconditionFailed, "Invalid vote specified."},
		{"vote Unspecified", 9, 9, rv(0, p), nns.ErrorTypePreconditionFailed, "Invalid vote specified."},
		{"neuron without a ballot", 4, 4, rv(1, p), nns.ErrorTypeNotAuthorized, "Neuron not authorized to vote on proposal."},
		{"proposer already voted", 1, 1, rv(2, p), nns.ErrorTypeNeuronAlreadyVoted, "Neuron already voted on proposal."},
		{"already voted by following", 3, 3, rv(2, p), nns.ErrorTypeNeuronAlreadyVoted, "Neuron already voted on proposal."},
		{"unknown neuron", 9, 12345, rv(1, p), nns.ErrorTypeNotFound, "Neuron not found: NeuronId { id: 12345 }"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantGovError(t, manage(t, c, user(tc.caller), tc.neuron, tc.cmd), tc.typ, tc.msg)
		})
	}
	// A rejected vote is not a refresh.
	before, _ := c.Neuron(3)
	clk.Advance(time.Hour)
	manage(t, c, user(3), 3, rv(1, p))
	if after, _ := c.Neuron(3); *after.VotingPowerRefreshedTimestampSeconds != *before.VotingPowerRefreshedTimestampSeconds {
		t.Errorf("a vote rejected with 19 refreshed the neuron")
	}
	clk.Advance(c.cfg.VotingPeriod)
	wantGovError(t, manage(t, c, user(9), 9, rv(1, p)), nns.ErrorTypePreconditionFailed, "Proposal deadline has passed.")
}

func TestHotkeyMayVoteButNotConfigure(t *testing.T) {
	c, _ := newCanister(t, rewards.RegimeCurrent, nil)
	hot := user(500)
	addNeuron(t, c, 1, 10*icp, func(s *NeuronSpec) { s.HotKeys = append(s.HotKeys, hot) })
	addNeuron(t, c, 2, 100*icp, nil)
	p := submit(t, c, motion(2))
	got := manage(t, c, hot, 1, nns.ManageNeuronCommandRequest{RegisterVote: &nns.RegisterVote{Vote: 1, Proposal: &nns.ProposalId{Id: p}}})
	if got.RegisterVote == nil {
		t.Fatalf("hotkey vote: %+v", got.Error)
	}
	for _, op := range []nns.Operation{
		{StartDissolving: &nns.StartDissolving{}},
		{IncreaseDissolveDelay: &nns.IncreaseDissolveDelay{AdditionalDissolveDelaySeconds: 1}},
		{RemoveHotKey: &nns.RemoveHotKey{HotKeyToRemove: &hot}},
	} {
		got := manage(t, c, hot, 1, nns.ManageNeuronCommandRequest{Configure: &nns.Configure{Operation: &op}})
		wantGovError(t, got, nns.ErrorTypeNotAuthorized, "Caller '"+hot.String()+"' is not authorized to control neuron '1'.")
	}
	// The hotkey may follow on any topic but NeuronManagement.
	follow := func(topic nns.Topic) *nns.Command1 {
		return manage(t, c, hot, 1, nns.ManageNeuronCommandRequest{Follow: &nns.Follow{Topic: int32(topic), Followees: []nns.NeuronId{{Id: 2}}}})
	}
	if got := follow(nns.TopicGovernance); got.Follow == nil {
		t.Errorf("hotkey Follow on Governance: %+v", got.Error)
	}
	wantGovError(t, follow(nns.TopicNeuronManagement), nns.ErrorTypeNotAuthorized,
		"Caller is not authorized to manage following of neuron for the ManageNeuron topic.")
	// The controller may.
	got = manage(t, c, user(1), 1, nns.ManageNeuronCommandRequest{Configure: &nns.Configure{Operation: &nns.Operation{StartDissolving: &nns.StartDissolving{}}}})
	if got.Configure == nil {
		t.Fatalf("controller StartDissolving: %+v", got.Error)
	}
	if n, _ := c.NeuronInfo(1); n.State != int32(nns.NeuronStateDissolving) {
		t.Errorf("state after StartDissolving = %d", n.State)
	}
}

func TestDecisionRules(t *testing.T) {
	// Voting powers are proportional to stakes: same dissolve delay, age 0.
	setup := func(t *testing.T, stakes map[uint64]uint64) (*Canister, *fakeClock) {
		c, clk := newCanister(t, rewards.RegimeLegacy, func(cfg *Config) { cfg.VotingPeriod = time.Hour })
		for id, s := range stakes {
			addNeuron(t, c, id, s*icp, nil)
		}
		return c, clk
	}
	t.Run("absolute majority adopts at once", func(t *testing.T) {
		c, _ := setup(t, map[uint64]uint64{1: 51, 2: 49})
		p := submit(t, c, motion(1))
		if pi := info(t, c, p); pi.Status != int32(nns.ProposalStatusExecuted) || pi.DecidedTimestampSeconds == 0 {
			t.Fatalf("status %d, want Executed at once", pi.Status)
		}
	})
	t.Run("half against rejects at once", func(t *testing.T) {
		c, _ := setup(t, map[uint64]uint64{1: 25, 2: 25, 3: 50})
		p := submit(t, c, motion(1))
		vote(t, c, 3, p, nns.VoteNo)
		if pi := info(t, c, p); pi.Status != int32(nns.ProposalStatusRejected) {
			t.Fatalf("status %d, want Rejected (no >= total - no)", pi.Status)
		}
		// Votes are still accepted until the deadline and count in the tally.
		vote(t, c, 2, p, nns.VoteYes)
		pi := info(t, c, p)
		if pi.Status != int32(nns.ProposalStatusRejected) || pi.LatestTally.Yes == 0 ||
			pi.RewardStatus != int32(nns.RewardStatusAcceptVotes) {
			t.Fatalf("after a late vote: status %d tally %+v reward %d", pi.Status, pi.LatestTally, pi.RewardStatus)
		}
	})
	t.Run("deadline: simple majority with 3% adopts", func(t *testing.T) {
		c, clk := setup(t, map[uint64]uint64{1: 3, 2: 97})
		p := submit(t, c, motion(1))
		clk.Advance(c.cfg.VotingPeriod)
		if pi := info(t, c, p); pi.Status != int32(nns.ProposalStatusExecuted) || pi.RewardStatus != int32(nns.RewardStatusReadyToSettle) {
			t.Fatalf("status %d reward %d, want Executed, ReadyToSettle", pi.Status, pi.RewardStatus)
		}
	})
	t.Run("deadline: under 3% rejects", func(t *testing.T) {
		c, clk := setup(t, map[uint64]uint64{1: 2, 2: 98})
		p := submit(t, c, motion(1))
		clk.Advance(c.cfg.VotingPeriod - time.Second)
		if pi := info(t, c, p); pi.Status != int32(nns.ProposalStatusOpen) {
			t.Fatalf("status %d one second before the deadline, want Open", pi.Status)
		}
		clk.Advance(time.Second)
		if pi := info(t, c, p); pi.Status != int32(nns.ProposalStatusRejected) {
			t.Fatalf("status %d, want Rejected (2%% yes)", pi.Status)
		}
		// The rejected proposer pays the reject cost.
		if n, _ := c.Neuron(1); n.NeuronFeesE8s != c.cfg.RejectCostE8s {
			t.Errorf("proposer fees = %d, want %d", n.NeuronFeesE8s, c.cfg.RejectCostE8s)
		}
	})
	t.Run("pending lists Open only", func(t *testing.T) {
		c, _ := setup(t, map[uint64]uint64{1: 60, 2: 10, 3: 30})
		decided := submit(t, c, motion(1)) // adopted at once, still accepting votes
		open := submit(t, c, motion(2))
		var pending []nns.ProposalInfo
		call(t, c, "get_pending_proposals", user(1), nil, &pending)
		if len(pending) != 1 || pending[0].Id.Id != open {
			t.Fatalf("pending = %d proposals, want only %d (not %d)", len(pending), open, decided)
		}
	})
}

// Wait-for-quiet with the spec's numbers: P = 4 days, W = 2 days.
func TestWaitForQuiet(t *testing.T) {
	c, clk := newCanister(t, rewards.RegimeLegacy, nil)
	addNeuron(t, c, 1, 10*icp, nil)
	addNeuron(t, c, 2, 20*icp, nil)
	addNeuron(t, c, 3, 15*icp, nil)
	addNeuron(t, c, 4, 100*icp, nil) // never votes: nothing is decided early
	t0 := uint64(clk.Now().Unix())
	p := submit(t, c, motion(1)) // yes leads
	if d := *info(t, c, p).DeadlineTimestampSeconds; d != t0+4*86400 {
		t.Fatalf("initial deadline %d, want creation + 4 days", d-t0)
	}
	clk.Advance(day)
	vote(t, c, 2, p, nns.VoteNo) // flips to no: 1d + 2d + 2d - 0.5d = 4.5 days
	if d := *info(t, c, p).DeadlineTimestampSeconds; d != t0+4*86400+43200 {
		t.Fatalf("deadline after a flip at day 1 = %v, want 4.5 days", time.Duration(d-t0)*time.Second)
	}
	clk.Advance(3*day + 12*time.Hour - time.Second) // one second before the deadline
	vote(t, c, 3, p, nns.VoteYes)                   // flips back: now + 4d - elapsed/2
	now := uint64(clk.Now().Unix())
	want := now + 4*86400 - (now-t0)/2
	if d := *info(t, c, p).DeadlineTimestampSeconds; d != want || d > t0+8*86400 {
		t.Fatalf("deadline %d, want %d (never past creation + 8 days)", d-t0, want-t0)
	}
	// A vote that does not flip the leading side moves nothing.
	addNeuron(t, c, 5, 1, nil)
	before := *info(t, c, p).DeadlineTimestampSeconds
	if pi := info(t, c, p); pi.Status != int32(nns.ProposalStatusOpen) {
		t.Fatalf("status %d, want Open", pi.Status)
	}
	clk.Advance(time.Duration(before-uint64(clk.Now().Unix())) * time.Second)
	if pi := info(t, c, p); pi.Status != int32(nns.ProposalStatusExecuted) {
		t.Fatalf("at the extended deadline: status %d, want Executed (yes 25 > no 20)", pi.Status)
	}
}
