package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
	"github.com/votebot/votebot/sns"
	"github.com/votebot/votebot/store"
)

// laneGov is one DAO's governance as plan reads it: open proposals with
// the lane's ballots, and its neurons readable.
type laneGov struct {
	bot.Governance // unused methods
	props          []policy.Proposal
}

func (g laneGov) OpenProposals(context.Context) ([]policy.Proposal, error) { return g.props, nil }
func (g laneGov) Neurons(_ context.Context, ids []uint64) (map[uint64]bot.Neuron, error) {
	out := map[uint64]bot.Neuron{}
	for _, id := range ids {
		out[id] = bot.Neuron{ID: id, Authorized: true, DissolveDelay: 365 * 24 * time.Hour}
	}
	return out, nil
}
func (g laneGov) Economics(context.Context) (bot.Economics, error) { return bot.Economics{}, nil }
func (g laneGov) KnownNeurons(context.Context) (map[string]uint64, error) {
	return nil, nil
}
func (g laneGov) Principal() string { return "aaaaa-aa" }

// askDecider asks a person about everything unless an override decides.
type askDecider struct{ bot.Decider }

func (askDecider) Decide(p policy.Proposal, n bot.Neuron, overrides []policy.Override, now time.Time) policy.Decision {
	for _, o := range overrides {
		if o.ProposalID == p.ID && (o.NeuronID == 0 || o.NeuronID == n.ID) {
			return policy.Decision{Action: policy.ActionVoteNow, Vote: o.Vote, Override: true, Reason: "manual override"}
		}
	}
	return policy.Decision{Action: policy.ActionWait, NeedsHuman: true, At: p.Deadline, Reason: "manual rule: a person decides"}
}

// TestPlanSNSLane: an SNS lane's open proposals show in plan with the DAO
// named, the SNS topic, the neuron by alias or short id, and the override
// stored in that DAO's own store deciding its ballot.
func TestPlanSNSLane(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	lanePath := filepath.Join(t.TempDir(), "sns-"+testRoot+".db")
	st, err := store.Open(ctx, lanePath)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetOverride(ctx, 12, snsFirst, nns.VoteNo, "by hand"); err != nil {
		t.Fatal(err)
	}
	st.Close()
	facts := &policy.SNSProposal{Root: testRoot, DAO: "OpenChat", Topic: sns.TopicTreasuryAssetManagement, Critical: true}
	p := policy.Proposal{ID: 12, Title: "Pay the \x1b[31mauditors", Created: now.Add(-time.Hour), Deadline: now.Add(3 * time.Hour),
		RewardStatus: nns.RewardStatusAcceptVotes, SNS: facts}
	p.Ballots.Set(snsFirst, policy.Ballot{VotingPower: 500})
	p.Ballots.Set(snsSecond, policy.Ballot{VotingPower: 700})
	lane := planLane{Name: "OpenChat", Gov: laneGov{props: []policy.Proposal{p}}, Decider: askDecider{}, StorePath: lanePath,
		Neurons: []bot.NeuronConfig{{ID: snsFirst, Alias: "main", SNSID: sns.FormatShortID(snsFirst) + "00"},
			{ID: snsSecond, SNSID: sns.FormatShortID(snsSecond) + "00"}}}
	plans, _, errs := planLanes(ctx, []planLane{lane}, now)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	nnsP := &policy.Proposal{ID: 12, Topic: nns.TopicGovernance, Title: "An NNS one", Deadline: now.Add(time.Hour)}
	plans = append(plans, bot.BallotPlan{Proposal: nnsP, Neuron: bot.NeuronConfig{ID: 1001, Alias: "nnsmain"}, Outcome: bot.BallotEmpty,
		Decision: policy.Decision{Action: policy.ActionVoteNow, Vote: nns.VoteYes, Reason: "rule yes"}})

	var buf bytes.Buffer
	if err := writePlanTable(&buf, plans, now, planView{}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	lines := strings.Split(out, "\n")
	if !strings.HasPrefix(lines[0], "DAO ") {
		t.Fatalf("no DAO column:\n%s", out)
	}
	wantLine := map[string][]string{
		"main":             {"OpenChat", "TreasuryAssetManagement", "no", "now"},
		"a1a2a3a4a5a6a7a8": {"OpenChat", "TreasuryAssetManagement", "ask"},
		"nnsmain":          {"NNS", "Governance", "yes"},
	}
	for who, wants := range wantLine {
		found := false
		for _, l := range lines {
			if strings.Contains(l, " "+who+" ") {
				found = true
				for _, w := range wants {
					if !strings.Contains(l, w) {
						t.Errorf("row of %s lacks %q: %s", who, w, l)
					}
				}
			}
		}
		if !found {
			t.Errorf("no row for %s:\n%s", who, out)
		}
	}
	if strings.Contains(out, "\x1b") {
		t.Errorf("a stranger's escape sequence reaches the terminal:\n%q", out)
	}

	buf.Reset()
	if err := writePlanJSON(&buf, plans, false); err != nil {
		t.Fatal(err)
	}
	var rows []planRow
	if err := json.Unmarshal(buf.Bytes(), &rows); err != nil {
		t.Fatal(err)
	}
	if rows[0].Governance != "OpenChat" || rows[0].SNSNeuron != "0102030405060708" || rows[0].Topic != "TreasuryAssetManagement" ||
		rows[2].Governance != "" {
		t.Errorf("plan --json rows %+v", rows)
	}
}
