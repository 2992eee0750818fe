package snsgov_test

import (
	"bytes"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	agent "github.com/aviate-labs/agent-go"
	"github.com/aviate-labs/agent-go/identity"
	"github.com/aviate-labs/agent-go/principal"
	"github.com/votebot/votebot/devnet"
	"github.com/votebot/votebot/devnet/snsgov"
	"github.com/votebot/votebot/sns"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type net struct {
	clock   *clock
	gov     *snsgov.Canister
	wasm    *snsgov.Wasm
	ids     snsgov.Deployed
	bot     *agent.Agent
	botID   principal.Principal
	url     *url.URL
	rootKey []byte
}

const day = 24 * time.Hour

func newNet(t *testing.T, cfg snsgov.Config) *net {
	t.Helper()
	id, err := identity.NewRandomEd25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	return newNetWithIdentity(t, cfg, id)
}

func newNetWithIdentity(t *testing.T, cfg snsgov.Config, id identity.Identity) *net {
	t.Helper()
	clk := &clock{t: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
	cfg.Now = clk.Now
	ids := snsgov.IDs(0)
	gov, err := snsgov.New(ids.Governance, cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := devnet.New(devnet.Config{})
	if err != nil {
		t.Fatal(err)
	}
	wasm := &snsgov.Wasm{}
	wasm.Register(ids)
	for _, c := range []devnet.Canister{gov, wasm, &snsgov.Root{Deployed: ids}} {
		if err := srv.Install(c); err != nil {
			t.Fatal(err)
		}
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	u, _ := url.Parse(hs.URL)
	a, err := agent.New(agent.Config{Identity: id, FetchRootKey: true,
		ClientConfig: []agent.ClientOption{agent.WithHostURL(u)}, PollDelay: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return &net{clock: clk, gov: gov, wasm: wasm, ids: ids, bot: a, botID: id.Sender(), url: u, rootKey: srv.RootKey()}
}

func (n *net) neuron(t *testing.T, seed uint64, perms []sns.NeuronPermission, delay time.Duration, follows map[sns.TopicID][][]byte) []byte {
	t.Helper()
	id, err := n.gov.AddNeuron(snsgov.NeuronSpec{Seed: seed, Permissions: perms, StakeE8s: 100e8, DissolveDelay: delay, TopicFollowees: follows})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func votePerm(p principal.Principal, extra ...sns.Permission) []sns.NeuronPermission {
	types := []int32{int32(sns.PermissionVote)}
	for _, e := range extra {
		types = append(types, int32(e))
	}
	return []sns.NeuronPermission{{Principal: &p, PermissionType: types}}
}

func (n *net) openProposals(t *testing.T) []sns.ProposalData {
	t.Helper()
	var resp sns.ListProposalsResponse
	req := sns.ListProposals{IncludeRewardStatus: []int32{sns.RewardStatusAcceptVotes}, Limit: 100, ExcludeType: []uint64{}, IncludeStatus: []int32{}}
	if err := n.bot.Query(n.ids.Governance, "list_proposals", []any{req}, []any{&resp}); err != nil {
		t.Fatalf("list_proposals: %v", err)
	}
	return resp.Proposals
}

func (n *net) vote(t *testing.T, neuron []byte, proposal uint64, vote int32) *sns.GovernanceError {
	t.Helper()
	var resp sns.ManageNeuronResponse
	req := sns.ManageNeuron{Subaccount: neuron, Command: &sns.Command{RegisterVote: &sns.RegisterVote{Vote: vote, Proposal: &sns.ProposalId{Id: proposal}}}}
	if err := n.bot.Call(n.ids.Governance, "manage_neuron", []any{req}, []any{&resp}); err != nil {
		t.Fatalf("manage_neuron: %v", err)
	}
	if resp.Command == nil {
		t.Fatal("manage_neuron: no command in reply")
	}
	return resp.Command.Error
}

func ballot(p sns.ProposalData, neuron []byte) (sns.Ballot, bool) {
	for _, b := range p.Ballots {
		if b.NeuronId == sns.NeuronIDHex(neuron) {
			return b.Ballot, true
		}
	}
	return sns.Ballot{}, false
}

// TestVotingFollowingAndCriticalTopics: through the real HTTP interface, the bot sees ballots of
// the neurons it has permissions on only, votes with Vote permission, following cascades by
// topic and by the catch-all, and the catch-all never covers a critical proposal.
func TestVotingFollowingAndCriticalTopics(t *testing.T) {
	n := newNet(t, snsgov.Config{Name: "Alpha", RewardRateBasisPoints: 1000})
	proposer := n.neuron(t, 1, nil, 365*day, nil)
	mine := n.neuron(t, 2, votePerm(n.botID), 365*day, nil)
	byTopic := n.neuron(t, 3, votePerm(n.botID), 365*day, map[sns.TopicID][][]byte{sns.TopicGovernance: {mine}, sns.TopicTreasuryAssetManagement: {mine}})
	byCatchAll := n.neuron(t, 4, votePerm(n.botID), 365*day, nil)
	notEligible := n.neuron(t, 5, votePerm(n.botID), day, nil)
	other := n.neuron(t, 6, nil, 365*day, nil)
	_ = other

	// The catch-all through the legacy Follow command, sent by the bot.
	var fr sns.ManageNeuronResponse
	follow := sns.ManageNeuron{Subaccount: byCatchAll, Command: &sns.Command{Follow: &sns.Follow{FunctionId: 0, Followees: []sns.NeuronId{{Id: mine}}}}}
	if err := n.bot.Call(n.ids.Governance, "manage_neuron", []any{follow}, []any{&fr}); err != nil || fr.Command == nil || fr.Command.Follow == nil {
		t.Fatalf("Follow: %v %+v", err, fr)
	}

	motion, err := n.gov.MakeProposal(snsgov.ProposalSpec{Proposer: proposer, Function: sns.FunctionMotion, Title: "Motion"})
	if err != nil {
		t.Fatal(err)
	}
	treasury, err := n.gov.MakeProposal(snsgov.ProposalSpec{Proposer: proposer, Function: sns.FunctionTransferSnsTreasuryFunds, Title: "Pay"})
	if err != nil {
		t.Fatal(err)
	}
	open := n.openProposals(t)
	if len(open) != 2 {
		t.Fatalf("%d open proposals, want 2", len(open))
	}
	for _, p := range open {
		if _, ok := ballot(p, proposer); ok {
			t.Errorf("proposal %d shows the ballot of a neuron the bot has no permission on", p.Id.Id)
		}
		if _, ok := ballot(p, notEligible); ok {
			t.Errorf("proposal %d gave a ballot to a neuron below the minimum dissolve delay", p.Id.Id)
		}
		if len(p.Ballots) != 3 {
			t.Errorf("proposal %d: %d ballots shown, want the bot's 3 eligible neurons", p.Id.Id, len(p.Ballots))
		}
	}
	if open[0].Topic.ID() != sns.TopicTreasuryAssetManagement || open[1].Topic.ID() != sns.TopicGovernance {
		t.Errorf("topics %s, %s", open[0].Topic.ID(), open[1].Topic.ID())
	}
	for _, id := range []uint64{motion, treasury} {
		if e := n.vote(t, mine, id, sns.VoteNo); e != nil {
			t.Fatalf("vote on %d: %+v", id, e)
		}
	}
	open = n.openProposals(t)
	byID := map[uint64]sns.ProposalData{open[0].Id.Id: open[0], open[1].Id.Id: open[1]}
	want := map[uint64]map[string]int32{
		motion:   {"topic": sns.VoteNo, "catch-all": sns.VoteNo},
		treasury: {"topic": sns.VoteNo, "catch-all": sns.VoteUnspecified},
	}
	for id, w := range want {
		if b, _ := ballot(byID[id], byTopic); b.Vote != w["topic"] {
			t.Errorf("proposal %d: topic follower voted %d, want %d", id, b.Vote, w["topic"])
		}
		if b, _ := ballot(byID[id], byCatchAll); b.Vote != w["catch-all"] {
			t.Errorf("proposal %d: catch-all follower voted %d, want %d (critical proposals ignore the catch-all)", id, b.Vote, w["catch-all"])
		}
	}
	if e := n.vote(t, mine, motion, sns.VoteYes); e == nil || e.ErrorMessage != "Neuron already voted on proposal." {
		t.Errorf("second vote: %+v, want the canister's refusal", e)
	}
	if e := n.vote(t, proposer, motion, sns.VoteYes); e == nil || !strings.Contains(e.ErrorMessage, "is not authorized to perform action") {
		t.Errorf("vote without permission: %+v", e)
	}
}

// TestDeadlineSettlementAndRewards: voting ends at the deadline, the next reward round settles
// the proposal, pays the voters pro rata in maturity, purges the ballots; a DAO with rate 0
// pays nothing.
func TestDeadlineSettlementAndRewards(t *testing.T) {
	for _, tc := range []struct {
		name string
		rate uint64
	}{{"paying", 1000}, {"no rewards", 0}} {
		t.Run(tc.name, func(t *testing.T) {
			n := newNet(t, snsgov.Config{Name: tc.name, RewardRateBasisPoints: tc.rate, InitialVotingPeriod: day, RoundDuration: day})
			proposer := n.neuron(t, 1, nil, 365*day, nil)
			mine := n.neuron(t, 2, votePerm(n.botID), 365*day, nil)
			idle := n.neuron(t, 3, votePerm(n.botID), 365*day, nil)
			n.clock.Add(time.Hour)
			id, err := n.gov.MakeProposal(snsgov.ProposalSpec{Proposer: proposer, Title: "m"})
			if err != nil {
				t.Fatal(err)
			}
			if e := n.vote(t, mine, id, sns.VoteYes); e != nil {
				t.Fatal(e)
			}
			n.clock.Add(day) // past the deadline: too late to vote
			if e := n.vote(t, idle, id, sns.VoteYes); e == nil || e.ErrorMessage != "Proposal deadline has passed." {
				t.Errorf("late vote: %+v", e)
			}
			n.clock.Add(day) // the next round settles it
			var ev sns.RewardEvent
			if err := n.bot.Query(n.ids.Governance, "get_latest_reward_event", []any{}, []any{&ev}); err != nil {
				t.Fatal(err)
			}
			if len(ev.SettledProposals) != 1 || ev.SettledProposals[0].Id != id {
				t.Fatalf("reward event settled %+v", ev.SettledProposals)
			}
			var gp sns.GetProposalResponse
			if err := n.bot.Query(n.ids.Governance, "get_proposal", []any{sns.GetProposal{ProposalId: &sns.ProposalId{Id: id}}}, []any{&gp}); err != nil {
				t.Fatal(err)
			}
			p := gp.Result.Proposal
			if p == nil || p.RewardEventEndTimestampSeconds == nil || len(p.Ballots) != 0 || p.ExecutedTimestampSeconds == 0 {
				t.Fatalf("settled proposal %+v", p)
			}
			neurons := n.listNeurons(t)
			paid := map[string]uint64{}
			for _, nr := range neurons {
				paid[sns.NeuronIDHex(nr.Id.Id)] = nr.MaturityE8sEquivalent
			}
			if tc.rate == 0 {
				if ev.DistributedE8sEquivalent != 0 || paid[sns.NeuronIDHex(mine)] != 0 {
					t.Errorf("a DAO paying no rewards paid %d", ev.DistributedE8sEquivalent)
				}
				return
			}
			if paid[sns.NeuronIDHex(mine)] == 0 || paid[sns.NeuronIDHex(idle)] != 0 {
				t.Errorf("maturity: voter %d, idle %d", paid[sns.NeuronIDHex(mine)], paid[sns.NeuronIDHex(idle)])
			}
			if ev.DistributedE8sEquivalent == 0 || ev.DistributedE8sEquivalent >= *ev.TotalAvailableE8sEquivalent {
				t.Errorf("distributed %d of %d: the idle neuron's share must stay undistributed", ev.DistributedE8sEquivalent, *ev.TotalAvailableE8sEquivalent)
			}
		})
	}
}

func (n *net) listNeurons(t *testing.T) []sns.Neuron {
	t.Helper()
	var all []sns.Neuron
	var start *sns.NeuronId
	for {
		var resp sns.ListNeuronsResponse
		req := sns.ListNeurons{OfPrincipal: &n.botID, Limit: 1, StartPageAt: start}
		if err := n.bot.Query(n.ids.Governance, "list_neurons", []any{req}, []any{&resp}); err != nil {
			t.Fatalf("list_neurons: %v", err)
		}
		if len(resp.Neurons) == 0 {
			return all
		}
		all = append(all, resp.Neurons...)
		start = resp.Neurons[len(resp.Neurons)-1].Id
	}
}

func TestDiscoveryAndPaging(t *testing.T) {
	n := newNet(t, snsgov.Config{Name: "Alpha"})
	for seed := uint64(1); seed <= 3; seed++ {
		n.neuron(t, seed, votePerm(n.botID, sns.PermissionDisburse), 365*day, nil)
	}
	n.neuron(t, 9, nil, 365*day, nil)
	if got := n.listNeurons(t); len(got) != 3 {
		t.Errorf("paged list_neurons of the bot: %d neurons, want 3", len(got))
	} else if !bytes.Equal(got[0].Permissions[0].Principal.Raw, n.botID.Raw) {
		t.Errorf("permissions %+v", got[0].Permissions)
	}
	var deployed sns.ListDeployedSnsesResponse
	if err := n.bot.Query(principal.MustDecode(sns.WasmCanisterID), "list_deployed_snses", []any{sns.Empty{}}, []any{&deployed}); err != nil {
		t.Fatal(err)
	}
	if len(deployed.Instances) != 1 || !deployed.Instances[0].RootCanisterId.Equal(n.ids.Root) {
		t.Fatalf("list_deployed_snses %+v", deployed)
	}
	var canisters sns.ListSnsCanistersResponse
	if err := n.bot.Query(n.ids.Root, "list_sns_canisters", []any{sns.Empty{}}, []any{&canisters}); err != nil {
		t.Fatal(err)
	}
	if canisters.Governance == nil || !canisters.Governance.Equal(n.ids.Governance) {
		t.Errorf("list_sns_canisters %+v", canisters)
	}
	var topics sns.ListTopicsResponse
	if err := n.bot.Query(n.ids.Governance, "list_topics", []any{sns.Empty{}}, []any{&topics}); err != nil {
		t.Fatal(err)
	}
	critical := 0
	for _, ti := range *topics.Topics {
		if *ti.IsCritical {
			critical++
		}
	}
	if len(*topics.Topics) != 7 || critical != 3 {
		t.Errorf("list_topics: %d topics, %d critical; want 7 and 3", len(*topics.Topics), critical)
	}
	var md sns.GetMetadataResponse
	if err := n.bot.Query(n.ids.Governance, "get_metadata", []any{sns.Empty{}}, []any{&md}); err != nil || md.Name == nil || *md.Name != "Alpha" {
		t.Errorf("get_metadata: %v %+v", err, md)
	}
}
