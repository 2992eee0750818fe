package governance

import (
	"testing"
	"time"

	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/rewards"
)

// followSetup: leaders 1, 2, 3 (1 ICP each) and a large silent neuron 9 so
// that nothing is decided early; followers are added per test.
func followSetup(t *testing.T) *Canister {
	t.Helper()
	c, _ := newCanister(t, rewards.RegimeCurrent, nil)
	for _, id := range []uint64{1, 2, 3} {
		addNeuron(t, c, id, icp, nil)
	}
	addNeuron(t, c, 9, 1000*icp, nil)
	return c
}

func follower(t *testing.T, c *Canister, id uint64, followees map[nns.Topic][]uint64) {
	t.Helper()
	addNeuron(t, c, id, icp, func(s *NeuronSpec) { s.Followees = followees })
}

func TestFollowing(t *testing.T) {
	const (
		ne  = nns.TopicNetworkEconomics
		gov = nns.TopicGovernance
		all = nns.TopicUnspecified
	)
	tests := []struct {
		name      string
		followees map[nns.Topic][]uint64
		topic     nns.Topic
		votes     [][2]uint64 // neuron, vote (1 yes, 2 no), in order
		want      nns.Vote
	}{
		{"topic followee votes yes", map[nns.Topic][]uint64{ne: {2}}, ne, [][2]uint64{{2, 1}}, nns.VoteYes},
		{"topic followee votes no", map[nns.Topic][]uint64{ne: {2}}, ne, [][2]uint64{{2, 2}}, nns.VoteNo},
		{"catch-all applies to other topics", map[nns.Topic][]uint64{all: {2}}, ne, [][2]uint64{{2, 1}}, nns.VoteYes},
		{"Governance ignores the catch-all", map[nns.Topic][]uint64{all: {2}}, gov, [][2]uint64{{2, 1}}, nns.VoteUnspecified},
		{"SnsAndCommunityFund ignores the catch-all", map[nns.Topic][]uint64{all: {2}}, nns.TopicSnsAndCommunityFund, [][2]uint64{{2, 1}}, nns.VoteUnspecified},
		{"topic followees take precedence", map[nns.Topic][]uint64{all: {2}, ne: {3}}, ne, [][2]uint64{{2, 1}}, nns.VoteUnspecified},
		{"topic followees take precedence (then vote)", map[nns.Topic][]uint64{all: {2}, ne: {3}}, ne, [][2]uint64{{2, 1}, {3, 2}}, nns.VoteNo},
		{"one yes of three is not enough", map[nns.Topic][]uint64{ne: {1, 2, 3}}, ne, [][2]uint64{{2, 1}}, nns.VoteUnspecified},
		{"two yes of three: yes*2 > 3", map[nns.Topic][]uint64{ne: {1, 2, 3}}, ne, [][2]uint64{{2, 1}, {3, 1}}, nns.VoteYes},
		{"two no of three", map[nns.Topic][]uint64{ne: {1, 2, 3}}, ne, [][2]uint64{{2, 2}, {3, 2}}, nns.VoteNo},
		{"one no of two: no*2 >= 2", map[nns.Topic][]uint64{ne: {2, 3}}, ne, [][2]uint64{{2, 2}}, nns.VoteNo},
		{"tie goes to no", map[nns.Topic][]uint64{ne: {2, 3}}, ne, [][2]uint64{{2, 1}, {3, 2}}, nns.VoteNo},
		{"one yes of two is not enough", map[nns.Topic][]uint64{ne: {2, 3}}, ne, [][2]uint64{{2, 1}}, nns.VoteUnspecified},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := followSetup(t)
			follower(t, c, 10, tc.followees)
			p := submit(t, c, onTopic(9, tc.topic))
			// 9 proposed and voted yes; nobody follows 9.
			for _, v := range tc.votes {
				vote(t, c, v[0], p, nns.Vote(v[1]))
			}
			if got := ballotOf(t, c, p, 10); got != tc.want {
				t.Errorf("follower's ballot = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestFollowingCascadesAndNeverOverwrites(t *testing.T) {
	c := followSetup(t)
	ne := nns.TopicNetworkEconomics
	follower(t, c, 10, map[nns.Topic][]uint64{ne: {1}})
	follower(t, c, 11, map[nns.Topic][]uint64{ne: {10}})
	follower(t, c, 12, map[nns.Topic][]uint64{nns.TopicUnspecified: {11}})
	follower(t, c, 13, map[nns.Topic][]uint64{ne: {1}})
	p := submit(t, c, onTopic(9, ne))
	vote(t, c, 13, p, nns.VoteNo) // direct vote before its followee
	before, _ := c.Neuron(12)
	vote(t, c, 1, p, nns.VoteYes)
	for _, id := range []uint64{10, 11, 12} {
		if got := ballotOf(t, c, p, id); got != nns.VoteYes {
			t.Errorf("neuron %d = %s, want Yes through the chain 1 → 10 → 11 → 12", id, got)
		}
	}
	if got := ballotOf(t, c, p, 13); got != nns.VoteNo {
		t.Errorf("neuron 13 = %s: a filled ballot was overwritten", got)
	}
	// A vote by following is not a refresh; recent_ballots records it.
	after, _ := c.Neuron(12)
	if *after.VotingPowerRefreshedTimestampSeconds != *before.VotingPowerRefreshedTimestampSeconds {
		t.Errorf("a vote through following refreshed the neuron")
	}
	if len(after.RecentBallots) != 1 || after.RecentBallots[0].ProposalId.Id != p || after.RecentBallots[0].Vote != 1 {
		t.Errorf("recent_ballots = %+v", after.RecentBallots)
	}
	if got := c.Counters().FollowingVotes; got != 3 {
		t.Errorf("following votes = %d, want 3", got)
	}
}

func TestFollowCommandErrors(t *testing.T) {
	c := followSetup(t)
	many := make([]nns.NeuronId, 16)
	for i := range many {
		many[i] = nns.NeuronId{Id: uint64(100 + i)}
	}
	follow := func(topic int32, fs []nns.NeuronId) nns.ManageNeuronCommandRequest {
		return nns.ManageNeuronCommandRequest{Follow: &nns.Follow{Topic: topic, Followees: fs}}
	}
	wantGovError(t, manage(t, c, user(1), 1, follow(4, many)), nns.ErrorTypeInvalidCommand, "Too many followees.")
	wantGovError(t, manage(t, c, user(1), 1, follow(99, []nns.NeuronId{{Id: 2}})), nns.ErrorTypeInvalidCommand, "Not a known topic number.")
	wantGovError(t, manage(t, c, user(2), 1, follow(4, []nns.NeuronId{{Id: 2}})), nns.ErrorTypeNotAuthorized, "Caller is not authorized to manage following of neuron.")
	set := nns.ManageNeuronCommandRequest{SetFollowing: &nns.SetFollowing{TopicFollowing: &[]nns.FolloweesForTopic{
		{Topic: ptr(int32(4)), Followees: &[]nns.NeuronId{{Id: 2}}},
		{Topic: ptr(int32(7)), Followees: &many},
	}}}
	wantGovError(t, manage(t, c, user(1), 1, set), nns.ErrorTypeInvalidCommand, "Too many followees.")
	if n, _ := c.Neuron(1); len(n.Followees) != 0 {
		t.Errorf("a rejected SetFollowing changed following: %+v", n.Followees)
	}
	(*set.SetFollowing.TopicFollowing)[1].Followees = &[]nns.NeuronId{{Id: 3}}
	if got := manage(t, c, user(1), 1, set); got.SetFollowing == nil {
		t.Fatalf("SetFollowing: %+v", got.Error)
	}
	if n, _ := c.Neuron(1); len(n.Followees) != 2 {
		t.Errorf("followees after SetFollowing = %+v", n.Followees)
	}
}

// Periodic confirmation with the spec's numbers: full deciding power for 6
// months after a refresh, then linear decay over 1 month, then following
// cleared (except NeuronManagement).
func TestRefreshDecayAndClearing(t *testing.T) {
	c, clk := newCanister(t, rewards.RegimeCurrent, nil)
	halfMonth := month / 2
	addNeuron(t, c, 1, 100*icp, func(s *NeuronSpec) {
		s.VotingPowerRefreshedAgo = 6*month + halfMonth
		s.Followees = map[nns.Topic][]uint64{nns.TopicGovernance: {2}, nns.TopicNeuronManagement: {2}}
	})
	addNeuron(t, c, 2, 100*icp, nil)
	ni, _ := c.NeuronInfo(1)
	if *ni.DecidingVotingPower != *ni.PotentialVotingPower/2 {
		t.Fatalf("half-way through the decay: deciding %d, potential %d, want half", *ni.DecidingVotingPower, *ni.PotentialVotingPower)
	}
	p := submit(t, c, motion(2))
	for _, b := range info(t, c, p).Ballots {
		if b.NeuronId == 1 && b.Ballot.VotingPower != *ni.DecidingVotingPower {
			t.Errorf("ballot voting power %d, want the deciding voting power %d", b.Ballot.VotingPower, *ni.DecidingVotingPower)
		}
	}
	clk.Advance(halfMonth)
	if ni, _ := c.NeuronInfo(1); *ni.DecidingVotingPower != 0 {
		t.Errorf("after the decay: deciding %d, want 0", *ni.DecidingVotingPower)
	}
	n, _ := c.Neuron(1)
	if len(n.Followees) != 1 || n.Followees[0].Topic != int32(nns.TopicNeuronManagement) {
		t.Errorf("followees after clearing = %+v, want only NeuronManagement", n.Followees)
	}
	if got := manage(t, c, user(1), 1, nns.ManageNeuronCommandRequest{RefreshVotingPower: &nns.RefreshVotingPower{}}); got.RefreshVotingPower == nil {
		t.Fatalf("RefreshVotingPower: %+v", got.Error)
	}
	if ni, _ := c.NeuronInfo(1); *ni.DecidingVotingPower != *ni.PotentialVotingPower || *ni.VotingPowerRefreshedTimestampSeconds != uint64(clk.Now().Unix()) {
		t.Errorf("after refresh: deciding %d potential %d", *ni.DecidingVotingPower, *ni.PotentialVotingPower)
	}
}

func TestMinimumDissolveDelayForBallots(t *testing.T) {
	for _, tc := range []struct {
		regime rewards.Regime
		delay  time.Duration
		ballot bool
	}{
		{rewards.RegimeCurrent, 14 * day, true},
		{rewards.RegimeCurrent, 14*day - time.Second, false},
		{rewards.RegimeLegacy, 14 * day, false},
		{rewards.RegimeLegacy, 6 * month, true},
	} {
		c, _ := newCanister(t, tc.regime, nil)
		addNeuron(t, c, 1, 100*icp, nil)
		addNeuron(t, c, 2, icp, func(s *NeuronSpec) { s.DissolveDelay = tc.delay })
		p := submit(t, c, motion(1))
		got := false
		for _, b := range info(t, c, p).Ballots {
			got = got || b.NeuronId == 2
		}
		if got != tc.ballot {
			t.Errorf("%s, dissolve delay %v: ballot %v, want %v", tc.regime, tc.delay, got, tc.ballot)
		}
	}
}
