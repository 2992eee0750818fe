package bot

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
)

// Due votes go out least time to the margin first, whatever the proposal
// ids: with one call at a time, the order of the calls is the order.
func TestCastDueMostUrgentFirst(t *testing.T) {
	h := newHarness(t, 1, 2)
	h.opts.VoteConcurrency = 1
	h.bot = h.newBot()
	now := h.clk.Now()
	// Proposal 1 has 4 days left, 2 has 2 hours, 3 has 3 days but a rule
	// whose margin is 3 days (so it is due now, most urgent of all).
	h.gov.addProposal(1, nns.TopicIcOsVersionDeployment, 96*time.Hour)
	h.gov.addProposal(2, nns.TopicIcOsVersionDeployment, 2*time.Hour)
	h.gov.addProposal(3, nns.TopicIcOsVersionDeployment, 72*time.Hour)
	margins := map[uint64]time.Time{1: now.Add(72 * time.Hour), 2: time.Time{}, 3: now.Add(-time.Minute)}
	var plans []BallotPlan
	for _, pid := range []uint64{1, 2, 3} {
		p := h.gov.visible(h.gov.props[pid])
		for _, nid := range []uint64{2, 1} {
			plans = append(plans, BallotPlan{Proposal: &p, Neuron: NeuronConfig{ID: nid}, Outcome: BallotEmpty, Due: true,
				Decision: policy.Decision{Action: policy.ActionVoteNow, Vote: nns.VoteYes, Margin: margins[pid]}})
		}
	}
	state := map[uint64]Neuron{1: *h.gov.neurons[1], 2: *h.gov.neurons[2]}
	h.bot.castDue(context.Background(), plans, state, h.bot.opts)
	// 3 (margin passed), 2 (no margin: its deadline, 2 h), 1 (margin in 3 days).
	want := []ballotKey{{1, 3}, {2, 3}, {1, 2}, {2, 2}, {1, 1}, {2, 1}}
	if !slices.Equal(h.gov.order, want) {
		t.Errorf("calls in order %v, want %v", h.gov.order, want)
	}
}

// Neurons 2..5 of the bot follow neuron 1 (also the bot's): voting 1 first
// fills theirs, so one call fills five ballots — when the NNS's following
// rules say so, and only as their own policy would vote.
func TestCascadeVotesFolloweesFirst(t *testing.T) {
	followAll := func(topic nns.Topic, ids ...uint64) func(h *harness) {
		return func(h *harness) {
			for _, n := range []uint64{2, 3, 4, 5} {
				h.gov.neurons[n].Followees[topic] = ids
			}
		}
	}
	tests := []struct {
		name      string
		topic     nns.Topic
		setup     func(h *harness)
		wantCalls int
		wantVotes map[uint64]nns.Vote // default Yes for every neuron
		firstCall uint64              // neuron of the first call, 0: any
	}{
		{name: "catch-all followers filled by one vote", topic: nns.TopicIcOsVersionDeployment,
			setup: followAll(nns.TopicUnspecified, 1), wantCalls: 1, firstCall: 1},
		{name: "Governance ignores the catch-all", topic: nns.TopicGovernance,
			setup: followAll(nns.TopicUnspecified, 1), wantCalls: 5},
		{name: "Governance listed explicitly", topic: nns.TopicGovernance,
			setup: followAll(nns.TopicGovernance, 1), wantCalls: 1},
		{name: "SnsAndCommunityFund listed explicitly", topic: nns.TopicSnsAndCommunityFund,
			setup: followAll(nns.TopicSnsAndCommunityFund, 1), wantCalls: 1},
		{name: "topic followees take precedence over the catch-all", topic: nns.TopicIcOsVersionDeployment,
			setup: func(h *harness) {
				followAll(nns.TopicUnspecified, 1)(h)
				followAll(nns.TopicIcOsVersionDeployment, 27)(h) // outside the bot: not voting
			}, wantCalls: 5},
		{name: "a chain of followers", topic: nns.TopicIcOsVersionDeployment, setup: func(h *harness) {
			for n := uint64(2); n <= 5; n++ {
				h.gov.neurons[n].Followees[nns.TopicUnspecified] = []uint64{n - 1}
			}
		}, wantCalls: 1},
		{name: "a cycle: one of it votes", topic: nns.TopicIcOsVersionDeployment, setup: func(h *harness) {
			followAll(nns.TopicUnspecified, 1)(h)
			h.gov.neurons[1].Followees[nns.TopicUnspecified] = []uint64{2}
		}, wantCalls: 1},
		{name: "one of two followees is no majority for Yes", topic: nns.TopicIcOsVersionDeployment,
			setup: followAll(nns.TopicUnspecified, 1, 27), wantCalls: 5},
		{name: "a follower whose policy votes otherwise votes before its followee", topic: nns.TopicIcOsVersionDeployment,
			setup: func(h *harness) {
				followAll(nns.TopicUnspecified, 1)(h)
				h.store.putOverride(policy.Override{ProposalID: 5, NeuronID: 3, Vote: nns.VoteNo})
			}, wantCalls: 2, wantVotes: map[uint64]nns.Vote{3: nns.VoteNo}, firstCall: 3},
		{name: "following did not fill: the followers are voted", topic: nns.TopicIcOsVersionDeployment,
			setup: func(h *harness) { followAll(nns.TopicUnspecified, 1)(h); h.gov.noCascade = true }, wantCalls: 5},
		{name: "the re-read failed: the followers are voted, told already voted", topic: nns.TopicIcOsVersionDeployment,
			setup: func(h *harness) { followAll(nns.TopicUnspecified, 1)(h); h.gov.failProposal = true }, wantCalls: 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, 1, 2, 3, 4, 5)
			h.dec.rules[nns.TopicGovernance] = "yes"
			h.dec.rules[nns.TopicSnsAndCommunityFund] = "yes"
			h.dec.follow = nil // the test sets the following
			h.bot = h.newBot()
			tt.setup(h)
			h.step(0)
			h.gov.addProposal(5, tt.topic, 48*time.Hour)
			sum := h.step(time.Minute)
			if h.gov.calls != tt.wantCalls {
				t.Errorf("RegisterVote calls = %d (%v), want %d", h.gov.calls, h.gov.order, tt.wantCalls)
			}
			if tt.firstCall != 0 && (len(h.gov.order) == 0 || h.gov.order[0].neuron != tt.firstCall) {
				t.Errorf("calls in order %v, want neuron %d first", h.gov.order, tt.firstCall)
			}
			for n := uint64(1); n <= 5; n++ {
				want := nns.VoteYes
				if v, ok := tt.wantVotes[n]; ok {
					want = v
				}
				if b, _ := h.gov.props[5].Ballots.Get(n); b.Vote != want {
					t.Errorf("neuron %d ballot %s, want %s", n, b.Vote, want)
				}
				if h.gov.sent[ballotKey{n, 5}] > 1 {
					t.Errorf("neuron %d voted %d times", n, h.gov.sent[ballotKey{n, 5}])
				}
			}
			if !h.gov.failProposal && sum.VotesCast+sum.Followed != 5 {
				t.Errorf("summary: %d cast + %d followed, want 5 ballots filled", sum.VotesCast, sum.Followed)
			}
		})
	}
}

// cascadeGroups applies the NNS's majority rule: Yes needs more than half
// of the followees, No at least half (a tie is No).
func TestCascadeGroupsMajority(t *testing.T) {
	yes, no := nns.VoteYes, nns.VoteNo
	tests := []struct {
		name      string
		due       map[uint64]nns.Vote // neuron → planned vote
		filled    map[uint64]nns.Vote // ballots already filled
		followees []uint64            // neuron 9's
		want      string              // neuron 9's group: first, direct, deferred
	}{
		{"two of three due Yes", map[uint64]nns.Vote{1: yes, 2: yes, 9: yes}, nil, []uint64{1, 2, 3}, "deferred"},
		{"one of three due Yes", map[uint64]nns.Vote{1: yes, 9: yes}, nil, []uint64{1, 2, 3}, "direct"},
		{"one due, one filled", map[uint64]nns.Vote{1: yes, 9: yes}, map[uint64]nns.Vote{2: yes}, []uint64{1, 2, 3}, "deferred"},
		{"a tie is No", map[uint64]nns.Vote{1: yes, 2: no, 9: no}, nil, []uint64{1, 2}, "deferred"},
		{"a tie would overrule Yes", map[uint64]nns.Vote{1: yes, 2: no, 9: yes}, nil, []uint64{1, 2}, "first"},
		{"no followees", map[uint64]nns.Vote{1: yes, 9: yes}, nil, nil, "direct"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &policy.Proposal{ID: 5, Topic: nns.TopicSubnetManagement, Deadline: time.Unix(1e9, 0)}
			for n, v := range tt.filled {
				p.Ballots.Set(n, policy.Ballot{Vote: v})
			}
			state := map[uint64]Neuron{9: {ID: 9, Followees: map[nns.Topic][]uint64{nns.TopicUnspecified: tt.followees}}}
			var plans []BallotPlan
			for n, v := range tt.due {
				p.Ballots.Set(n, policy.Ballot{})
				plans = append(plans, BallotPlan{Proposal: p, Neuron: NeuronConfig{ID: n}, Due: true,
					Decision: policy.Decision{Action: policy.ActionVoteNow, Vote: v}})
			}
			g := cascadeGroups(plans, state)[0]
			got := ""
			for name, list := range map[string][]int{"first": g.First, "direct": g.Direct, "deferred": g.Deferred} {
				for _, i := range list {
					if plans[i].Neuron.ID == 9 {
						got = name
					}
				}
			}
			if got != tt.want {
				t.Errorf("neuron 9 is %q, want %q (groups %+v)", got, tt.want, g)
			}
		})
	}
}
