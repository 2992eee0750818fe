package daemon_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/daemon"
	"github.com/votebot/votebot/devnet/governance"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/rewards"
)

// leaderID is the neuron the others follow in the cascade tests; followers
// are leaderID+1 … leaderID+n-1.
const leaderID = 10_000

// followLeader is following on every topic of the leader: the catch-all,
// plus Governance and SnsAndCommunityFund, which ignore it.
func followLeader() map[nns.Topic][]uint64 {
	return map[nns.Topic][]uint64{nns.TopicUnspecified: {leaderID}, nns.TopicGovernance: {leaderID},
		nns.TopicSnsAndCommunityFund: {leaderID}}
}

// cascadeNet is a devnet with n neurons of the bot (hotkey), all but the
// first following the first when follow is set, a proposer (27), and an
// app voting yes on everything.
func cascadeNet(t *testing.T, e *e2e, n int, follow bool, tune func(*bot.Options)) (*daemon.App, []string) {
	t.Helper()
	const icp = 100_000_000
	year := 365 * 24 * time.Hour
	specs := []governance.NeuronSpec{{ID: 27, Controller: e.ctl, StakeE8s: 1000 * icp, DissolveDelay: year}}
	var list []string
	for i := 0; i < n; i++ {
		s := governance.NeuronSpec{ID: uint64(leaderID + i), Controller: e.ctl, HotKeys: []principalT{e.bot},
			StakeE8s: 10 * icp, DissolveDelay: year}
		if follow && i > 0 {
			s.Followees = followLeader()
		}
		specs = append(specs, s)
		list = append(list, fmt.Sprintf("{id: %d}", s.ID))
	}
	e.addNeurons(specs)
	e.loadConfig(e.configf(benchConfig, strings.Join(list, ", ")))
	return e.assemble(tune), list
}

// 200 neurons following one of them on every topic: the bot votes the
// leader, following fills the other 199 ballots in the same message, and
// the bot sends nothing for them — one register_vote per proposal, not per
// ballot. Governance and SnsAndCommunityFund are among the topics: their
// followees are listed explicitly, since they ignore the catch-all.
func TestCascadeOneVotePerProposal(t *testing.T) {
	e := newE2E(t, governance.Config{Economics: rewards.DefaultEconomics(rewards.RegimeCurrent),
		VotingPeriod: time.Hour, RewardPeriod: 24 * time.Hour})
	const n = 200
	app, _ := cascadeNet(t, e, n, true, func(o *bot.Options) { o.VoteConcurrency = 16 })
	defer app.Close()
	ctx := context.Background()
	if _, err := app.Bot.Once(ctx); err != nil {
		t.Fatal(err)
	}
	topics := []nns.Topic{nns.TopicGovernance, nns.TopicSnsAndCommunityFund, nns.TopicSubnetManagement,
		nns.TopicNetworkEconomics, nns.TopicIcOsVersionDeployment}
	var ids []uint64
	for i, tp := range topics {
		id, err := e.net.Governance.SubmitProposal(governance.ProposalSpec{Proposer: 27, Topic: tp,
			Title: fmt.Sprintf("p%d", i), Action: nns.Action{Motion: &nns.Motion{MotionText: "m"}}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	before := e.net.Governance.Counters()
	sum, err := app.Bot.Once(ctx)
	if err != nil {
		t.Fatal(err)
	}
	after := e.net.Governance.Counters()
	if !filledAll(e, ids, n) {
		t.Fatal("not every ballot was filled")
	}
	sent := after.Calls["manage_neuron"] - before.Calls["manage_neuron"]
	if sent != uint64(len(ids)) {
		t.Errorf("%d manage_neuron calls for %d proposals × %d neurons, want %d (one per proposal)", sent, len(ids), n, len(ids))
	}
	if got := after.FollowingVotes - before.FollowingVotes; got != uint64(len(ids)*(n-1)) {
		t.Errorf("%d ballots filled by following, want %d", got, len(ids)*(n-1))
	}
	if sum.VotesCast != len(ids) || sum.Followed != len(ids)*(n-1) {
		t.Errorf("summary: %d cast, %d followed; want %d and %d", sum.VotesCast, sum.Followed, len(ids), len(ids)*(n-1))
	}
	for _, id := range ids {
		pi, _ := e.net.Governance.ProposalInfo(id)
		for _, nid := range []uint64{leaderID, leaderID + 1, leaderID + n - 1} {
			if v := ballotOf(pi, nid); v != nns.VoteYes {
				t.Errorf("proposal %d: neuron %d ballot %s, want Yes", id, nid, v)
			}
		}
	}
}
