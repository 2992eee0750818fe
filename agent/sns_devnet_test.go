package agent

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aviate-labs/agent-go/principal"
	"github.com/rs/zerolog"

	"github.com/votebot/votebot/devnet"
	"github.com/votebot/votebot/devnet/governance"
	"github.com/votebot/votebot/devnet/ledger"
	"github.com/votebot/votebot/devnet/snsgov"
	"github.com/votebot/votebot/sns"
)

// These tests run the SNS client against the devnet's simulated SNS
// governance canisters (devnet/snsgov), SNS-W, roots and ledgers, served
// beside the NNS by one devnet with real certificates and signatures.

type snsNet struct {
	url, rootKey string
	snses        []*snsgov.Canister
	ids          []snsgov.Deployed
}

// startSNSNet serves the NNS governance and one SNS per config, each with
// its root and ledger, all listed by SNS-W.
func startSNSNet(t testing.TB, cfgs ...snsgov.Config) *snsNet {
	t.Helper()
	return startPacedSNSNet(t, devnet.Pace{}, cfgs...)
}

// startPacedSNSNet is startSNSNet with the devnet at pace p.
func startPacedSNSNet(t testing.TB, p devnet.Pace, cfgs ...snsgov.Config) *snsNet {
	t.Helper()
	return startSNSNetConfig(t, devnet.Config{Logger: zerolog.Nop(), Pace: p}, cfgs...)
}

// startSNSNetConfig is startSNSNet with the devnet configured by dc.
func startSNSNetConfig(t testing.TB, dc devnet.Config, cfgs ...snsgov.Config) *snsNet {
	t.Helper()
	nnsGov, err := governance.New(governance.Config{})
	if err != nil {
		t.Fatal(err)
	}
	canisters := []devnet.Canister{nnsGov}
	n := &snsNet{}
	wasm := &snsgov.Wasm{}
	for k, cfg := range cfgs {
		ids := snsgov.IDs(k)
		c, err := snsgov.New(ids.Governance, cfg)
		if err != nil {
			t.Fatal(err)
		}
		wasm.Register(ids)
		canisters = append(canisters, c, &snsgov.Root{Deployed: ids}, ledger.NewToken(ids.Ledger, c.Symbol(), c.TotalSupplyE8s))
		n.snses, n.ids = append(n.snses, c), append(n.ids, ids)
	}
	srv := serveCanisters(t, dc, append(canisters, wasm)...)
	n.url, n.rootKey = srv.url, hex.EncodeToString(srv.srv.RootKey())
	return n
}

func grant(p principal.Principal, perms ...sns.Permission) []sns.NeuronPermission {
	types := make([]int32, len(perms))
	for i, x := range perms {
		types[i] = int32(x)
	}
	return []sns.NeuronPermission{{Principal: &p, PermissionType: types}}
}

func addSNSNeuron(t testing.TB, c *snsgov.Canister, seed uint64, perms []sns.NeuronPermission, follow map[sns.TopicID][][]byte) []byte {
	t.Helper()
	id, err := c.AddNeuron(snsgov.NeuronSpec{Seed: seed, Permissions: perms, StakeE8s: 100 * 100_000_000,
		DissolveDelay: 365 * 24 * time.Hour, TopicFollowees: follow})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func snsMotion(t testing.TB, c *snsgov.Canister, proposer []byte, title string) uint64 {
	t.Helper()
	id, err := c.MakeProposal(snsgov.ProposalSpec{Proposer: proposer, Function: sns.FunctionMotion, Title: title, Summary: "s", URL: "https://example.org"})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func snsBallot(p sns.ProposalData, neuron []byte) (sns.Ballot, bool) {
	for _, b := range p.Ballots {
		if b.NeuronId == sns.NeuronIDHex(neuron) {
			return b.Ballot, true
		}
	}
	return sns.Ballot{}, false
}

// TestDevnetSNSListReadVote: one client lists an SNS's proposals with the
// caller's ballots, reads one, votes, is told already-voted (also for a
// ballot following filled), is refused without the Vote permission, sets
// following, and reads the SNS's parameters, topics, functions, metadata,
// reward event and token symbol.
func TestDevnetSNSListReadVote(t *testing.T) {
	id := newIdentity(t)
	bot := id.Sender()
	n := startSNSNet(t, snsgov.Config{Name: "Alpha", Symbol: "ALP", RewardRateBasisPoints: 1000})
	alpha := n.snses[0]
	proposer := addSNSNeuron(t, alpha, 1, nil, nil)
	mine := addSNSNeuron(t, alpha, 2, grant(bot, sns.PermissionVote, sns.PermissionSubmitProposal), nil)
	follower := addSNSNeuron(t, alpha, 3, grant(bot, sns.PermissionVote), map[sns.TopicID][][]byte{sns.TopicGovernance: {proposer}})
	submitOnly := addSNSNeuron(t, alpha, 4, grant(bot, sns.PermissionSubmitProposal), nil)
	p1 := snsMotion(t, alpha, proposer, "First <b>motion</b>")

	g := newClient(t, testConfig([]string{n.url}, n.rootKey, id))
	s := g.SNS(n.ids[0].Governance)
	ctx := context.Background()

	props, err := s.ListProposals(ctx, sns.ListProposals{IncludeRewardStatus: []int32{sns.RewardStatusAcceptVotes}})
	if err != nil || len(props) != 1 || props[0].Id.Id != p1 || props[0].Proposal.Title != "First <b>motion</b>" {
		t.Fatalf("ListProposals: %+v, %v", props, err)
	}
	if len(props[0].Ballots) != 3 {
		t.Errorf("ballots %+v, want the bot's 3 neurons only", props[0].Ballots)
	}
	if b, _ := snsBallot(props[0], follower); b.Vote != sns.VoteYes {
		t.Errorf("follower ballot %d, want Yes through following", b.Vote)
	}
	if props[0].Topic == nil || props[0].Topic.ID() != sns.TopicGovernance || props[0].Proposal.Action == nil || props[0].Proposal.Action.Motion == nil {
		t.Errorf("topic/action not decoded: %+v", props[0])
	}

	if err := s.RegisterVote(ctx, mine, p1, sns.VoteNo); err != nil {
		t.Fatalf("RegisterVote: %v", err)
	}
	p, err := s.GetProposal(ctx, p1)
	if b, _ := snsBallot(p, mine); err != nil || b.Vote != sns.VoteNo {
		t.Errorf("GetProposal after the vote: ballot %+v, %v", b, err)
	}
	for name, neuron := range map[string][]byte{"repeat": mine, "following": follower} {
		err := s.RegisterVote(ctx, neuron, p1, sns.VoteYes)
		if !IsAlreadyVoted(err) || !IsRefused(err) {
			t.Errorf("%s vote: err = %v, want already voted (and refused)", name, err)
		}
	}
	err = s.RegisterVote(ctx, submitOnly, p1, sns.VoteYes)
	var se *SNSGovernanceError
	if !errors.As(err, &se) || !IsRefused(err) || IsAlreadyVoted(err) || !se.Governance.Equal(n.ids[0].Governance) {
		t.Errorf("vote without the Vote permission: err = %v, want a refusal naming the SNS", err)
	}
	if _, err := s.GetProposal(ctx, 9999); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown proposal: %v", err)
	}

	// Following: a new proposal's ballot of mine follows the proposer.
	if err := s.SetFollowing(ctx, mine, map[sns.TopicID][][]byte{sns.TopicGovernance: {proposer}}); err != nil {
		t.Fatalf("SetFollowing: %v", err)
	}
	if err := s.SetFollowing(ctx, submitOnly, map[sns.TopicID][][]byte{sns.TopicGovernance: {proposer}}); !IsRefused(err) {
		t.Errorf("SetFollowing without Vote: err = %v, want refused", err)
	}
	p2 := snsMotion(t, alpha, proposer, "Second")
	p, err = s.GetProposal(ctx, p2)
	if b, _ := snsBallot(p, mine); err != nil || b.Vote != sns.VoteYes {
		t.Errorf("ballot after SetFollowing: %+v, %v; want Yes through following", b, err)
	}
	neurons, err := s.ListNeurons(ctx, &bot)
	if err != nil || len(neurons) != 3 {
		t.Fatalf("ListNeurons: %d, %v", len(neurons), err)
	}
	for _, nr := range neurons {
		if bytes.Equal(nr.Id.Id, mine) && (nr.TopicFollowees == nil || len(nr.TopicFollowees.TopicIdToFollowees) != 1) {
			t.Errorf("mine's topic followees: %+v", nr.TopicFollowees)
		}
	}

	params, err := s.GetNervousSystemParameters(ctx)
	if err != nil || params.NeuronMinimumDissolveDelayToVoteSeconds == nil || *params.NeuronMinimumDissolveDelayToVoteSeconds != uint64(snsgov.DefaultMinDissolveToVote/time.Second) {
		t.Errorf("GetNervousSystemParameters: %+v, %v", params, err)
	}
	topics, err := s.ListTopics(ctx)
	if err != nil || topics.Topics == nil || len(*topics.Topics) != len(sns.Topics()) {
		t.Errorf("ListTopics: %+v, %v", topics, err)
	}
	fns, err := s.ListNervousSystemFunctions(ctx)
	if err != nil || len(fns.Functions) != len(sns.NativeFunctions()) {
		t.Errorf("ListNervousSystemFunctions: %d, %v", len(fns.Functions), err)
	}
	meta, err := s.GetMetadata(ctx)
	if err != nil || meta.Name == nil || *meta.Name != "Alpha" {
		t.Errorf("GetMetadata: %+v, %v", meta, err)
	}
	if _, err := s.GetLatestRewardEvent(ctx); err != nil {
		t.Errorf("GetLatestRewardEvent: %v", err)
	}
	if sym, err := g.TokenSymbol(ctx, n.ids[0].Ledger); err != nil || sym != "ALP" {
		t.Errorf("TokenSymbol: %q, %v", sym, err)
	}
}

// TestDevnetSNSPaging: list_proposals pages by before_proposal and
// list_neurons by start_page_at (exclusive) beyond the canister's 100.
func TestDevnetSNSPaging(t *testing.T) {
	id := newIdentity(t)
	bot := id.Sender()
	n := startSNSNet(t, snsgov.Config{Name: "Beta"})
	c := n.snses[0]
	const neurons, proposals = 230, 205
	var first []byte
	for i := range neurons {
		nid := addSNSNeuron(t, c, uint64(i+1), grant(bot, sns.PermissionVote), nil)
		if i == 0 {
			first = nid
		}
	}
	addSNSNeuron(t, c, 10_000, nil, nil) // not the bot's
	for i := range proposals {
		snsMotion(t, c, first, fmt.Sprint("m", i))
	}
	g := newClient(t, testConfig([]string{n.url}, n.rootKey, id))
	s := g.SNS(n.ids[0].Governance)
	ctx := context.Background()
	ns, err := s.ListNeurons(ctx, &bot)
	if err != nil || len(ns) != neurons {
		t.Fatalf("ListNeurons: %d, %v; want %d", len(ns), err, neurons)
	}
	seen := map[string]bool{}
	for _, nr := range ns {
		seen[sns.NeuronIDHex(nr.Id.Id)] = true
	}
	if len(seen) != neurons {
		t.Errorf("%d distinct neurons of %d listed: pages overlap", len(seen), len(ns))
	}
	if all, err := s.ListNeurons(ctx, nil); err != nil || len(all) != neurons+1 {
		t.Errorf("ListNeurons(all): %d, %v", len(all), err)
	}
	ps, err := s.ListProposals(ctx, sns.ListProposals{})
	if err != nil || len(ps) != proposals {
		t.Fatalf("ListProposals: %d, %v; want %d", len(ps), err, proposals)
	}
	for i := 1; i < len(ps); i++ {
		if ps[i].Id.Id >= ps[i-1].Id.Id {
			t.Fatalf("not newest first at %d: %d after %d", i, ps[i].Id.Id, ps[i-1].Id.Id)
		}
	}
}

// TestDevnetSNSDiscovery: SNS-W lists three SNSes; the hotkey holds Vote in
// two of them (in one only on one neuron of two), SubmitProposal only in the
// third: discovery finds the two, with their governance, ledger and the
// neurons it may vote with.
func TestDevnetSNSDiscovery(t *testing.T) {
	id := newIdentity(t)
	bot := id.Sender()
	n := startSNSNet(t, snsgov.Config{Name: "A", Symbol: "AAA"}, snsgov.Config{Name: "B", Symbol: "BBB"}, snsgov.Config{Name: "C"})
	addSNSNeuron(t, n.snses[0], 1, grant(bot, sns.PermissionVote), nil)
	addSNSNeuron(t, n.snses[0], 2, grant(bot, sns.PermissionVote, sns.PermissionDisburse), nil)
	addSNSNeuron(t, n.snses[1], 1, grant(bot, sns.PermissionSubmitProposal), nil)
	voteB := addSNSNeuron(t, n.snses[1], 2, grant(bot, sns.PermissionVote), nil)
	addSNSNeuron(t, n.snses[2], 1, grant(bot, sns.PermissionSubmitProposal), nil)
	addSNSNeuron(t, n.snses[2], 2, nil, nil)

	g := newClient(t, testConfig([]string{n.url}, n.rootKey, id))
	ctx := context.Background()
	found, err := g.DiscoverSNSes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 2 {
		t.Fatalf("found %d SNSes, want 2", len(found))
	}
	for i, want := range []struct {
		ids     snsgov.Deployed
		neurons int
		symbol  string
	}{{n.ids[0], 2, "AAA"}, {n.ids[1], 1, "BBB"}} {
		f := found[i]
		if !f.Root.Equal(want.ids.Root) || !f.Governance.Equal(want.ids.Governance) || !f.Ledger.Equal(want.ids.Ledger) || len(f.Neurons) != want.neurons {
			t.Errorf("SNS %d: %+v, want %d neurons of %+v", i, f, want.neurons, want.ids)
		}
		if sym, err := g.TokenSymbol(ctx, f.Ledger); err != nil || sym != want.symbol {
			t.Errorf("SNS %d symbol %q, %v", i, sym, err)
		}
	}
	if !bytes.Equal(found[1].Neurons[0].Id.Id, voteB) {
		t.Errorf("B: the neuron with Vote is %x, want %x", found[1].Neurons[0].Id.Id, voteB)
	}
	if perms := found[0].Neurons[1].PermissionsOf(bot); len(perms) != 2 || !perms[1].BeyondVoting() {
		t.Errorf("A's second neuron: permissions %v, want Vote and Disburse", perms)
	}
}

// TestDevnetSNSListProposalsHalvesOverReplyLimit: pages of 100 proposals
// with 30 ballots each are over a lowered query reply limit; the client
// halves the page until it fits and still lists every proposal once.
func TestDevnetSNSListProposalsHalvesOverReplyLimit(t *testing.T) {
	id := newIdentity(t)
	bot := id.Sender()
	n := startSNSNetConfig(t, devnet.Config{Logger: zerolog.Nop(), ReplyLimits: devnet.ReplyLimits{NonReplicated: 64 << 10}}, snsgov.Config{Name: "Big"})
	c := n.snses[0]
	var first []byte
	for i := range 30 {
		nid := addSNSNeuron(t, c, uint64(i+1), grant(bot, sns.PermissionVote), nil)
		if i == 0 {
			first = nid
		}
	}
	const proposals = 150
	for i := range proposals {
		snsMotion(t, c, first, fmt.Sprint("m", i))
	}
	g := newClient(t, testConfig([]string{n.url}, n.rootKey, id))
	ps, err := g.SNS(n.ids[0].Governance).ListProposals(context.Background(), sns.ListProposals{})
	if err != nil || len(ps) != proposals {
		t.Fatalf("ListProposals: %d, %v; want %d", len(ps), err, proposals)
	}
	seen := map[uint64]bool{}
	for _, p := range ps {
		seen[p.Id.Id] = true
		if len(p.Ballots) != 30 {
			t.Fatalf("proposal %d: %d ballots", p.Id.Id, len(p.Ballots))
		}
	}
	if len(seen) != proposals {
		t.Errorf("%d distinct of %d", len(seen), len(ps))
	}
}
