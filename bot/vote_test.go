package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
	"github.com/votebot/votebot/rewards"
)

func TestVoteOutcomes(t *testing.T) {
	tests := []struct {
		name        string
		setup       func(h *harness)
		wantCalls   int // RegisterVote calls over the passes
		wantVote    nns.Vote
		wantAlerted string // an alert key delivered (first message)
		wantAttempt VoteOutcome
	}{
		{name: "voted", wantCalls: 1, wantVote: nns.VoteYes, wantAttempt: VoteSucceeded},
		{name: "already voted by following", setup: func(h *harness) {
			// Followees fill the ballot between the poll and the vote.
			h.gov.failVotes = 0
			h.gov.beforeVote = func() { h.gov.props[5].Ballots.Set(1, policy.Ballot{Vote: nns.VoteNo, VotingPower: 100}) }
		}, wantCalls: 1, wantVote: nns.VoteNo, wantAttempt: VoteAlreadyVoted},
		{name: "transient failures retried", setup: func(h *harness) { h.gov.failVotes = 2 },
			wantCalls: 3, wantVote: nns.VoteYes, wantAttempt: VoteSucceeded},
		{name: "refused: alerted once, not retried", setup: func(h *harness) { h.gov.refuse = true },
			wantCalls: 1, wantVote: nns.VoteUnspecified, wantAlerted: "fire vote_refused/1/5", wantAttempt: VoteRefused},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, 1)
			h.step(0)
			h.gov.addProposal(5, nns.TopicIcOsVersionDeployment, 48*time.Hour) // rule yes
			if tt.setup != nil {
				tt.setup(h)
			}
			for i := 0; i < 4; i++ {
				h.step(2 * time.Minute)
			}
			if h.gov.calls != tt.wantCalls {
				t.Errorf("RegisterVote calls = %d, want %d", h.gov.calls, tt.wantCalls)
			}
			if got, _ := h.gov.props[5].Ballots.Get(1); got.Vote != tt.wantVote {
				t.Errorf("ballot = %s, want %s", got.Vote, tt.wantVote)
			}
			if tt.wantAlerted != "" && h.al.count(tt.wantAlerted) != 1 {
				t.Errorf("alerts %v, want %s once", h.al.delivered, tt.wantAlerted)
			}
			last := h.store.attempts[len(h.store.attempts)-1]
			if last.outcome != tt.wantAttempt {
				t.Errorf("last attempt outcome %q, want %q", last.outcome, tt.wantAttempt)
			}
		})
	}
}

// A crash between sending and recording leaves a pending attempt. The next
// process re-reads the ballot: filled means done (never sent again), empty
// means the vote did not land and is sent once more.
func TestInFlightVoteAfterCrash(t *testing.T) {
	for _, landed := range []bool{true, false} {
		h := newHarness(t, 1)
		h.gov.addProposal(5, nns.TopicIcOsVersionDeployment, 48*time.Hour)
		id, _ := h.store.BeginVote(context.Background(), VoteIntent{Neuron: 1, Proposal: 5, Vote: nns.VoteYes, Source: "rule"})
		if landed {
			h.gov.props[5].Ballots.Set(1, policy.Ballot{Vote: nns.VoteYes, VotingPower: 100})
		}
		h.step(time.Minute) // the restarted process
		want := 1
		if landed {
			want = 0
		}
		if h.gov.calls != want {
			t.Errorf("landed=%v: %d RegisterVote calls after restart, want %d", landed, h.gov.calls, want)
		}
		if got := h.store.attempts[id-1].outcome; got == "" {
			t.Errorf("landed=%v: the interrupted attempt is still pending", landed)
		}
		if got, _ := h.gov.props[5].Ballots.Get(1); got.Vote != nns.VoteYes {
			t.Errorf("landed=%v: ballot not filled", landed)
		}
	}
}

func TestDryRunSendsNothing(t *testing.T) {
	h := newHarness(t, 1)
	h.opts.DryRun = true
	h.bot = h.newBot()
	h.step(0)
	h.gov.addProposal(5, nns.TopicIcOsVersionDeployment, 48*time.Hour)
	h.step(time.Minute)
	h.step(time.Minute)
	if h.gov.calls != 0 || len(h.gov.following) != 0 {
		t.Errorf("dry run sent %d votes, %d SetFollowing", h.gov.calls, len(h.gov.following))
	}
	if len(h.store.dryRuns) != 1 || h.store.dryRuns[0].Vote != nns.VoteYes {
		t.Errorf("dry-run records %+v, want one 'would vote Yes'", h.store.dryRuns)
	}
}

func TestRefreshVotingPowerWhenDue(t *testing.T) {
	h := newHarness(t, 1, 2)
	// Neuron 1 was refreshed 160 days ago: decay starts in 20 days (< 30).
	h.gov.neurons[1].VotingPowerRefreshed = h.clk.Now().Add(-160 * 24 * time.Hour)
	h.gov.neurons[2].VotingPowerRefreshed = h.clk.Now().Add(-100 * 24 * time.Hour)
	h.step(0)
	if len(h.gov.refreshed) != 1 || h.gov.refreshed[0] != 1 {
		t.Fatalf("refreshed %v, want only neuron 1", h.gov.refreshed)
	}
	h.step(time.Hour)
	if len(h.gov.refreshed) != 1 {
		t.Errorf("refreshed again: %v", h.gov.refreshed)
	}
}

func TestNeuronChecks(t *testing.T) {
	h := newHarness(t, 1, 2, 3)
	h.gov.neurons[2].DissolveDelay = 7 * 24 * time.Hour // below 14 days
	h.gov.neurons[3].Authorized = false                 // hotkey removed
	h.step(0)
	for _, k := range []string{"fire neuron_cannot_vote/2/0", "fire hotkey_missing/3/0"} {
		if h.al.count(k) != 1 {
			t.Errorf("want %q once; delivered %v", k, h.al.delivered)
		}
	}
	h.gov.neurons[3].Authorized = true
	h.step(time.Minute)
	if h.al.count("resolve hotkey_missing/3/0") != 1 {
		t.Errorf("hotkey alert not resolved: %v", h.al.delivered)
	}
}

// "Already voted" is not a vote votebot cast: a person (or following)
// filled the ballot the other way between the poll and the vote. The pass
// counts it filled by someone else, with the vote read back from the chain,
// the metrics count no vote cast, and the vote log says what the ballot
// holds.
func TestAlreadyVotedRecordsTheChainsVote(t *testing.T) {
	for _, tc := range []struct {
		name     string
		setup    func(h *harness)
		wantVote nns.Vote
		wantText string
	}{
		{name: "read back from the proposal", wantVote: nns.VoteNo, wantText: "No (read back from the proposal's ballot)"},
		{name: "the proposal unreadable: from recent ballots", setup: func(h *harness) { h.gov.failProposal = true },
			wantVote: nns.VoteNo, wantText: "No (read back from the neuron's recent ballots)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, 1)
			h.step(0)
			h.gov.addProposal(5, nns.TopicIcOsVersionDeployment, 48*time.Hour) // the rule votes Yes
			h.gov.beforeVote = func() {
				h.gov.props[5].Ballots.Set(1, policy.Ballot{Vote: nns.VoteNo, VotingPower: 100})
				h.gov.neurons[1].RecentBallots[5] = nns.VoteNo
				if tc.setup != nil {
					tc.setup(h)
				}
			}
			sum := h.step(time.Minute)
			if sum.VotesCast != 0 || sum.Followed != 1 {
				t.Errorf("summary: %d voted now, %d by following; want 0 and 1", sum.VotesCast, sum.Followed)
			}
			if len(h.m.cast) != 0 {
				t.Errorf("votes counted as cast: %v", h.m.cast)
			}
			var plan *BallotPlan
			for i := range sum.Plans {
				if sum.Plans[i].Proposal.ID == 5 {
					plan = &sum.Plans[i]
				}
			}
			if plan == nil || plan.Outcome != BallotFollowing || plan.Vote != tc.wantVote {
				t.Errorf("plan %+v: want filled by someone else with %s", plan, tc.wantVote)
			}
			a := h.store.attempts[len(h.store.attempts)-1]
			if a.outcome != VoteAlreadyVoted || !strings.Contains(a.text, tc.wantText) {
				t.Errorf("vote log: %q %q, want already_voted saying %q", a.outcome, a.text, tc.wantText)
			}
			h.gov.failProposal = false
			h.step(time.Minute)
			seen := 0
			for _, o := range h.store.obs {
				if o.ProposalID == 5 {
					seen++
					if o.Ballot != rewards.BallotVotedFollowing || o.Vote != tc.wantVote {
						t.Errorf("observation %s %s, want following %s", o.Ballot, o.Vote, tc.wantVote)
					}
				}
			}
			if seen == 0 {
				t.Error("the filled ballot was never observed")
			}
		})
	}
}
