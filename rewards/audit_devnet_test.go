package rewards_test

import (
	"testing"
	"time"

	"github.com/aviate-labs/agent-go/principal"
	"github.com/votebot/votebot/devnet/governance"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/rewards"
)

// TestAuditAgainstDevnet reads, as the bot does, each proposal's ballots of
// its neurons and total potential voting power while voting is open, the
// neurons' maturity before and after a reward event, and the event itself;
// the expectation agrees with the maturity the devnet pays to the e8, and a
// neuron paid less is flagged.
func TestAuditAgainstDevnet(t *testing.T) {
	start := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	now := start
	e := rewards.DefaultEconomics(rewards.RegimeCurrent)
	e.GenesisSeconds = start.Unix()
	c, err := governance.New(governance.Config{Economics: e, Now: func() time.Time { return now },
		VotingPeriod: time.Minute, ShortVotingPeriod: time.Minute, WaitForQuietIncrease: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	stakes := []uint64{31_875_000_000, 2_656_250_000, 1_000_000_000_000, 77_700_000_000}
	for i, s := range stakes {
		id := uint64(i + 1)
		spec := governance.NeuronSpec{ID: id, Controller: principal.Principal{Raw: []byte{0xAB, byte(i), 1}},
			StakeE8s: s, DissolveDelay: 8 * 365 * 24 * time.Hour, Age: time.Duration(i) * 300 * 24 * time.Hour}
		if _, err := c.AddNeuron(spec); err != nil {
			t.Fatal(err)
		}
	}
	topics := []nns.Topic{nns.TopicGovernance, nns.TopicExchangeRate, nns.TopicSubnetManagement, nns.TopicNetworkEconomics}
	// votes[p][n]: neuron n+1's vote on proposal p (0: abstains).
	votes := [][]nns.Vote{{1, 0, 1, 2}, {0, 1, 1, 0}, {2, 2, 0, 1}, {1, 1, 1, 1}}
	var ids []uint64
	for p, topic := range topics {
		id, err := c.SubmitProposal(governance.ProposalSpec{Proposer: 3, Topic: topic, Title: "t",
			Action: nns.Action{Motion: &nns.Motion{MotionText: "m"}}})
		if err != nil {
			t.Fatal(err)
		}
		for n, v := range votes[p] {
			if v != 0 && n+1 != 3 { // the proposer voted yes already
				if err := c.CastVote(uint64(n+1), id, v); err != nil {
					t.Fatal(err)
				}
			}
		}
		ids = append(ids, id)
	}
	ours := []uint64{1, 2, 4}
	// What the bot records while voting is open: per proposal, the total
	// potential voting power and its own neurons' ballots.
	var settled []rewards.SettledProposal
	for _, id := range ids {
		pi, ok := c.ProposalInfo(id)
		if !ok {
			t.Fatalf("proposal %d missing", id)
		}
		sp := rewards.SettledProposal{ID: id, Topic: nns.Topic(pi.Topic), TotalPotentialVotingPower: *pi.TotalPotentialVotingPower}
		for _, b := range pi.Ballots {
			for _, n := range ours {
				if b.NeuronId == n {
					sp.Ballots = append(sp.Ballots, rewards.Ballot{Neuron: n, Vote: nns.Vote(b.Ballot.Vote), VotingPower: b.Ballot.VotingPower})
				}
			}
		}
		settled = append(settled, sp)
	}
	maturity := func(id uint64) rewards.Maturity {
		n, ok := c.Neuron(id)
		if !ok {
			t.Fatalf("neuron %d missing", id)
		}
		m := rewards.Maturity{MaturityE8s: n.MaturityE8sEquivalent}
		if n.StakedMaturityE8sEquivalent != nil {
			m.StakedMaturityE8s = *n.StakedMaturityE8sEquivalent
		}
		return m
	}
	before := map[uint64]rewards.Maturity{}
	for _, n := range ours {
		before[n] = maturity(n)
	}
	now = now.Add(24*time.Hour + time.Second)
	c.Tick()
	ev := c.LatestRewardEvent()
	if len(ev.SettledProposals) != len(ids) {
		t.Fatalf("event settled %d proposals, want %d", len(ev.SettledProposals), len(ids))
	}
	ref := rewards.RewardEventRef{DayAfterGenesis: ev.DayAfterGenesis, At: time.Unix(int64(ev.ActualTimestampSeconds), 0).UTC()}
	for _, n := range ours {
		want, ok := rewards.ExpectedMaturityE8s(float64(ev.TotalAvailableE8sEquivalent), settled, n)
		if !ok {
			t.Fatal("a proposal lacks its total potential voting power")
		}
		a := rewards.AuditMaturity(n, ref, want, before[n], maturity(n))
		t.Logf("neuron %d: expected %d e8s, received %d e8s (pool %d e8s)", n, want, a.ReceivedE8s, ev.TotalAvailableE8sEquivalent)
		if a.ReceivedE8s != int64(want) || (want > 0 && a.Status != rewards.AuditOK) {
			t.Errorf("neuron %d: %s (status %s), want received == expected", n, a, a.Status)
		}
		if n == 1 && want == 0 {
			t.Fatal("neuron 1 voted but expects nothing: the test proves nothing")
		}
		// Paid 2% less: flagged.
		less := maturity(n)
		less.MaturityE8s -= want / 50
		if want > 100 {
			if low := rewards.AuditMaturity(n, ref, want, before[n], less); !low.Low() {
				t.Errorf("neuron %d paid 2%% less: status %s", n, low.Status)
			}
		}
	}
}
