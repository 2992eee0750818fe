package store

import (
	"context"
	"testing"
	"time"

	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
	"github.com/votebot/votebot/rewards"
	"github.com/votebot/votebot/sns"
)

// TestSNSProposalAndBallotsSurviveRestart: an SNS lane's store keeps
// what makes a proposal an SNS one, so the next process settles it as one
// (its topic named, its DAO), and its ballots weigh 1 in participation
// although its NNS topic is unset (which weighs 0).
func TestSNSProposalAndBallotsSurviveRestart(t *testing.T) {
	s, _, clk := openTemp(t)
	ctx := context.Background()
	facts := &policy.SNSProposal{Root: "rrkah-fqaaa-aaaaa-aaaaq-cai", DAO: "OpenChat", Topic: sns.TopicTreasuryAssetManagement,
		Critical: true, FunctionID: 9, ActionName: "TransferSnsTreasuryFunds", Proposer: "0a0b"}
	p := policy.Proposal{ID: 12, Title: "Pay the auditors", Created: clk.Now(), Deadline: clk.Now().Add(5 * 24 * time.Hour),
		RewardStatus: nns.RewardStatusAcceptVotes, SNS: facts}
	p.Ballots.Set(0x0102030405060708, policy.Ballot{VotingPower: 500})
	must(t, s.SaveProposal(ctx, p))
	nnsP := policy.Proposal{ID: 13, Topic: nns.TopicGovernance, Title: "An NNS one", Created: clk.Now(), Deadline: clk.Now().Add(time.Hour)}
	must(t, s.SaveProposal(ctx, nnsP))

	got, err := s.UnsettledProposals(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].SNS == nil || *got[0].SNS != *facts || got[1].SNS != nil {
		t.Fatalf("unsettled proposals read back %+v; want the SNS facts on 12 only", got)
	}
	if got[0].TopicName() != "TreasuryAssetManagement" || got[0].Governance() != "OpenChat" {
		t.Fatalf("read back as topic %q of %q", got[0].TopicName(), got[0].Governance())
	}

	closed := clk.Now().Add(6 * 24 * time.Hour)
	must(t, s.RecordObservations(ctx, []rewards.Observation{
		{ProposalID: 12, Neuron: 0x0102030405060708, RewardStatus: nns.RewardStatusReadyToSettle, Ballot: rewards.BallotVotedDirect,
			BallotVP: 500, Vote: nns.VoteYes, ProposalTime: p.Created, Deadline: p.Deadline, ObservedAt: closed,
			SNS: true, SNSTopic: sns.TopicTreasuryAssetManagement},
		{ProposalID: 14, Neuron: 0x0102030405060708, RewardStatus: nns.RewardStatusReadyToSettle, Ballot: rewards.BallotEmpty,
			BallotVP: 500, ProposalTime: p.Created, Deadline: p.Deadline, ObservedAt: closed, SNS: true, SNSTopic: sns.TopicGovernance},
	}))
	obs, err := s.Observations(ctx, ObservationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(obs) != 2 || !obs[0].SNS || obs[0].SNSTopic != sns.TopicTreasuryAssetManagement || !obs[1].SNS {
		t.Fatalf("observations read back %+v", obs)
	}
	entries, errs := rewards.Merge(obs, closed)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	var voted, missed int
	for _, e := range entries {
		if e.Weight() != 1 {
			t.Errorf("SNS ballot on %d weighs %g, want 1", e.ProposalID, e.Weight())
		}
		switch e.Outcome {
		case rewards.OutcomeVoted:
			voted++
		case rewards.OutcomeMissed:
			missed++
		}
	}
	if voted != 1 || missed != 1 {
		t.Fatalf("entries %+v: want one voted, one missed (none ineligible)", entries)
	}
	// votebot_votes_missed_total is rebuilt at start from this: the miss
	// is on the SNS topic, not on the NNS's unset one.
	counts, err := s.MissedVotes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(counts) != 1 || counts[0].TopicName() != "Governance" || !counts[0].SNS || counts[0].Count != 1 {
		t.Fatalf("missed votes %+v; want one on the SNS topic Governance", counts)
	}
}

// TestSNSFactsRoundTrip: the DAO's name, symbol and reward parameters a
// lane records read back as written, and a store without them says so.
func TestSNSFactsRoundTrip(t *testing.T) {
	s, _, clk := openTemp(t)
	ctx := context.Background()
	if _, ok, err := s.SNSFacts(ctx); err != nil || ok {
		t.Fatalf("empty store: ok %v err %v, want none", ok, err)
	}
	want := SNSFacts{Root: "rrkah-fqaaa-aaaaa-aaaaq-cai", Name: "OpenChat", Symbol: "CHAT",
		Rewards:   &rewards.SNSRewardParams{InitialRateBasisPoints: 250, FinalRateBasisPoints: 125, RoundSeconds: 86400},
		GenesisAt: clk.Now().Add(-24 * time.Hour).UTC(), SupplyE8s: 1e16, ReadAt: clk.Now().UTC()}
	must(t, s.SetSNSFacts(ctx, want))
	got, ok, err := s.SNSFacts(ctx)
	if err != nil || !ok {
		t.Fatalf("read back: ok %v err %v", ok, err)
	}
	if got.Name != want.Name || got.Symbol != want.Symbol || *got.Rewards != *want.Rewards ||
		!got.GenesisAt.Equal(want.GenesisAt) || got.SupplyE8s != want.SupplyE8s {
		t.Fatalf("read back %+v, want %+v", got, want)
	}
}
