package agent

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"sort"
	"testing"

	agentid "github.com/aviate-labs/agent-go/identity"

	"github.com/votebot/votebot/nns"
)

func TestMethodsEachIdentityType(t *testing.T) {
	ed, _ := agentid.NewRandomEd25519Identity()
	k1, _ := agentid.NewRandomSecp256k1Identity()
	p256, _ := agentid.NewRandomPrime256v1Identity()
	for _, tc := range []struct {
		name string
		id   agentid.Identity
	}{{"ed25519", ed}, {"secp256k1", k1}, {"prime256v1", p256}} {
		t.Run(tc.name, func(t *testing.T) {
			net := startNet(t)
			net.gov.addNeurons(10, 2, tc.id.Sender())
			net.gov.addProposals(1, 3, nns.TopicGovernance)
			net.gov.known = []nns.KnownNeuron{{Id: &nns.NeuronId{Id: 27}, KnownNeuronData: &nns.KnownNeuronData{Name: "DFINITY"}}}
			g := newClient(t, testConfig([]string{net.url}, net.rootKey, tc.id))
			ctx := context.Background()
			if !g.Sender().Equal(tc.id.Sender()) {
				t.Fatalf("sender %s, want %s", g.Sender(), tc.id.Sender())
			}

			props, err := g.ListProposals(ctx, nns.ListProposalInfoRequest{IncludeRewardStatus: []int32{int32(nns.RewardStatusAcceptVotes)}})
			if err != nil {
				t.Fatalf("ListProposals: %v", err)
			}
			if len(props) != 3 || props[0].Id.Id != 3 {
				t.Fatalf("ListProposals: got %d proposals, first %v", len(props), props[0].Id)
			}
			// Ballots come back only because the query is signed by the
			// neurons' hotkey.
			if len(props[0].Ballots) != 2 {
				t.Errorf("ballots of the bot's neurons: got %d, want 2", len(props[0].Ballots))
			}

			if err := g.RegisterVote(ctx, 10, 2, nns.VoteYes); err != nil {
				t.Fatalf("RegisterVote: %v", err)
			}
			p, err := g.GetProposalInfo(ctx, 2)
			if err != nil {
				t.Fatalf("GetProposalInfo: %v", err)
			}
			if vote := ballotOf(p, 10); vote != int32(nns.VoteYes) {
				t.Errorf("ballot of neuron 10 after voting Yes: %d", vote)
			}
			if _, err := g.GetProposalInfo(ctx, 99); !errors.Is(err, ErrNotFound) {
				t.Errorf("GetProposalInfo(99): err = %v, want ErrNotFound", err)
			}

			pending, err := g.GetPendingProposals(ctx)
			if err != nil || len(pending) != 3 {
				t.Errorf("GetPendingProposals: %d, %v", len(pending), err)
			}
			info, err := g.GetNeuronInfo(ctx, 11)
			if err != nil || info.Id == nil || info.Id.Id != 11 || info.StakeE8s != 1_100_000_000 {
				t.Errorf("GetNeuronInfo: %+v, %v", info, err)
			}
			var ge *GovernanceError
			if _, err := g.GetNeuronInfo(ctx, 404); !errors.As(err, &ge) || ge.Type != nns.ErrorTypeNotFound {
				t.Errorf("GetNeuronInfo(404): err = %v, want NotFound governance error", err)
			}

			if err := g.Follow(ctx, 10, nns.TopicGovernance, []uint64{27, 28}); err != nil {
				t.Fatalf("Follow: %v", err)
			}
			if err := g.SetFollowing(ctx, 10, map[nns.Topic][]uint64{nns.TopicExchangeRate: {27}, nns.TopicUnspecified: {28}}); err != nil {
				t.Fatalf("SetFollowing: %v", err)
			}
			full, err := g.GetFullNeuron(ctx, 10)
			if err != nil {
				t.Fatalf("GetFullNeuron: %v", err)
			}
			got := map[int32][]uint64{}
			for _, f := range full.Followees {
				got[f.Topic] = idsOf(f.Followees.Followees)
			}
			want := map[int32][]uint64{0: {28}, 2: {27}, 4: {27, 28}}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("followees after Follow+SetFollowing: %v, want %v", got, want)
			}
			if err := g.RefreshVotingPower(ctx, 10); err != nil {
				t.Fatalf("RefreshVotingPower: %v", err)
			}
			if n := net.gov.neurons[10].refreshed; n != 1 {
				t.Errorf("refreshed %d times, want 1", n)
			}

			neurons, err := g.ListNeurons(ctx, nns.ListNeurons{IncludeNeuronsReadableByCaller: true})
			if err != nil || len(neurons.NeuronInfos) != 2 || len(neurons.FullNeurons) != 2 {
				t.Errorf("ListNeurons: %d infos %d full, %v", len(neurons.NeuronInfos), len(neurons.FullNeurons), err)
			}
			known, err := g.ListKnownNeurons(ctx)
			if err != nil || len(known) != 1 || known[0].KnownNeuronData.Name != "DFINITY" {
				t.Errorf("ListKnownNeurons: %+v, %v", known, err)
			}
			ev, err := g.GetLatestRewardEvent(ctx)
			if err != nil || ev.DayAfterGenesis != 2021 || len(ev.SettledProposals) != 1 {
				t.Errorf("GetLatestRewardEvent: %+v, %v", ev, err)
			}
			econ, err := g.GetNetworkEconomicsParameters(ctx)
			if err != nil || econ.VotingPowerEconomics == nil || *econ.VotingPowerEconomics.StartReducingVotingPowerAfterSeconds != 15_778_800 {
				t.Errorf("GetNetworkEconomicsParameters: %+v, %v", econ, err)
			}
		})
	}
}

func ballotOf(p nns.ProposalInfo, neuron uint64) int32 {
	for _, b := range p.Ballots {
		if b.NeuronId == neuron {
			return b.Ballot.Vote
		}
	}
	return -1
}

func TestAnonymousSeesNoBallots(t *testing.T) {
	net := startNet(t)
	net.gov.addNeurons(10, 1, newIdentity(t).Sender())
	net.gov.addProposals(1, 1, nns.TopicGovernance)
	g := newClient(t, testConfig([]string{net.url}, net.rootKey, nil))
	props, err := g.ListProposals(context.Background(), nns.ListProposalInfoRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if len(props) != 1 || len(props[0].Ballots) != 0 {
		t.Errorf("anonymous caller: %d proposals, %d ballots; want 1, 0", len(props), len(props[0].Ballots))
	}
}

func TestListProposalsPagesBeyond100(t *testing.T) {
	net := startNet(t)
	net.gov.addProposals(1, 250, nns.TopicNetworkEconomics)
	g := newClient(t, testConfig([]string{net.url}, net.rootKey, newIdentity(t)))
	for _, limit := range []uint32{0, 100, 40} {
		before := net.gov.count("list_proposals")
		props, err := g.ListProposals(context.Background(), nns.ListProposalInfoRequest{Limit: limit})
		if err != nil {
			t.Fatal(err)
		}
		ids := make([]uint64, len(props))
		for i, p := range props {
			ids[i] = p.Id.Id
		}
		if len(ids) != 250 || !sort.SliceIsSorted(ids, func(i, j int) bool { return ids[i] > ids[j] }) || ids[0] != 250 || ids[249] != 1 {
			t.Fatalf("limit %d: got %d ids, first %d last %d, want 250 newest first", limit, len(ids), ids[0], ids[len(ids)-1])
		}
		pageSize := int(limit)
		if limit == 0 {
			pageSize = 100
		}
		if calls, want := net.gov.count("list_proposals")-before, 250/pageSize+1; calls != want {
			t.Errorf("limit %d: %d list_proposals calls, want %d", limit, calls, want)
		}
	}
	// Starting point and filters pass through.
	props, err := g.ListProposals(context.Background(), nns.ListProposalInfoRequest{BeforeProposal: &nns.ProposalId{Id: 11}})
	if err != nil || len(props) != 10 || props[0].Id.Id != 10 {
		t.Errorf("before 11: %d proposals, %v", len(props), err)
	}
}

func TestListNeuronsPagesBeyond500(t *testing.T) {
	net := startNet(t)
	id := newIdentity(t)
	net.gov.addNeurons(1, 1203, id.Sender())
	g := newClient(t, testConfig([]string{net.url}, net.rootKey, id))
	huge := uint64(10_000)
	resp, err := g.ListNeurons(context.Background(), nns.ListNeurons{IncludeNeuronsReadableByCaller: true, PageSize: &huge})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[uint64]bool{}
	for _, n := range resp.NeuronInfos {
		seen[n.NeuronId] = true
	}
	if len(resp.NeuronInfos) != 1203 || len(seen) != 1203 || len(resp.FullNeurons) != 1203 {
		t.Fatalf("got %d infos (%d distinct), %d full; want 1203", len(resp.NeuronInfos), len(seen), len(resp.FullNeurons))
	}
	if calls := net.gov.count("list_neurons"); calls != 3 {
		t.Errorf("%d list_neurons calls, want 3 pages of 500", calls)
	}
}

func TestAlreadyVotedIsVisibleAndNotRetried(t *testing.T) {
	net := startNet(t)
	id := newIdentity(t)
	net.gov.addNeurons(10, 1, id.Sender())
	net.gov.addProposals(1, 1, nns.TopicGovernance)
	g := newClient(t, testConfig([]string{net.url}, net.rootKey, id))
	ctx := context.Background()
	if err := g.RegisterVote(ctx, 10, 1, nns.VoteNo); err != nil {
		t.Fatal(err)
	}
	err := g.RegisterVote(ctx, 10, 1, nns.VoteYes)
	if !errors.Is(err, ErrAlreadyVoted) || !IsAlreadyVoted(err) {
		t.Fatalf("second vote: err = %v, want ErrAlreadyVoted", err)
	}
	var ge *GovernanceError
	if !errors.As(err, &ge) || ge.Type != nns.ErrorTypeNeuronAlreadyVoted {
		t.Errorf("err %v is not a GovernanceError of type 19", err)
	}
	if n := net.gov.count("manage_neuron"); n != 2 {
		t.Errorf("%d manage_neuron calls, want 2 (governance errors are not retried)", n)
	}

	// Other governance errors are not success-equivalent and not retried.
	err = g.RegisterVote(ctx, 10, 77, nns.VoteYes)
	if !errors.As(err, &ge) || ge.Type != nns.ErrorTypeNotFound || IsAlreadyVoted(err) {
		t.Errorf("unknown proposal: err = %v", err)
	}
	if n := net.gov.count("manage_neuron"); n != 3 {
		t.Errorf("%d manage_neuron calls, want 3", n)
	}
}

func TestLocalValidation(t *testing.T) {
	net := startNet(t)
	g := newClient(t, testConfig([]string{net.url}, net.rootKey, newIdentity(t)))
	ctx := context.Background()
	cases := map[string]error{
		"vote unspecified":    g.RegisterVote(ctx, 1, 1, nns.VoteUnspecified),
		"neuron management":   g.Follow(ctx, 1, nns.TopicNeuronManagement, []uint64{2}),
		"too many followees":  g.Follow(ctx, 1, nns.TopicGovernance, make([]uint64, 16)),
		"unknown topic":       g.SetFollowing(ctx, 1, map[nns.Topic][]uint64{99: {1}}),
		"empty set following": g.SetFollowing(ctx, 1, nil),
	}
	for name, err := range cases {
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if n := net.gov.count("manage_neuron"); n != 0 {
		t.Errorf("invalid commands reached the canister %d times", n)
	}
}

// TestNoFundsMovingMethods pins the exported method sets of the NNS and SNS
// clients: neither may grow a way to disburse, split, spawn, configure a
// neuron or change its permissions.
func TestNoFundsMovingMethods(t *testing.T) {
	for _, tc := range []struct {
		typ     reflect.Type
		allowed []string
	}{
		{reflect.TypeFor[*Governance](), []string{"ClockSkew", "DiscoverSNSes", "Endpoints", "Follow", "GetFullNeuron", "GetLatestRewardEvent",
			"GetNetworkEconomicsParameters", "GetNeuronInfo", "GetPendingProposals", "GetProposalInfo",
			"HeldLimits",   // the client's own concurrency limits: no call at all
			"LedgerSupply", // anonymous ICRC-1 metadata queries of the ledger: reads, never a transfer
			"ListDeployedSNSes", "ListKnownNeurons",
			"ListNeurons", "ListProposals", "ListProposalsPage", "ListSNSCanisters", "Now", "RefreshVotingPower", "RegisterVote", "RootKey",
			"SNS", "SNSCanistersOf", "Sender", "SetFollowing",
			"StartFrom", // seeds the client's concurrency limits: no call at all
			"SyncClock", "TokenSymbol"}},
		{reflect.TypeFor[*SNSGovernance](), []string{"Canister", "GetLatestRewardEvent", "GetMetadata", "GetNervousSystemParameters",
			"GetProposal", "ListNervousSystemFunctions", "ListNeurons", "ListProposals", "ListTopics", "RegisterVote", "SetFollowing"}},
	} {
		var got []string
		for i := range tc.typ.NumMethod() {
			got = append(got, tc.typ.Method(i).Name)
		}
		if !slices.Equal(got, tc.allowed) {
			t.Errorf("%s: exported methods changed:\n got %v\nwant %v\n(review: a hotkey client must not move funds or change controller settings)", tc.typ, got, tc.allowed)
		}
	}
	for _, c := range []struct {
		typ    reflect.Type
		fields int
	}{{reflect.TypeFor[hotkeyCommand](), 4}, {reflect.TypeFor[snsHotkeyCommand](), 2}} {
		if n := c.typ.NumField(); n != c.fields {
			t.Errorf("%s has %d fields, want the %d hotkey commands", c.typ, n, c.fields)
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	net := startNet(t)
	id := newIdentity(t)
	net.gov.addNeurons(1, 8, id.Sender())
	net.gov.addProposals(1, 10, nns.TopicGovernance)
	g := newClient(t, testConfig([]string{closedURL(t), net.url}, net.rootKey, id))
	ctx := context.Background()
	errs := make(chan error, 16)
	for n := range uint64(8) {
		go func() {
			_, err := g.ListProposals(ctx, nns.ListProposalInfoRequest{})
			errs <- err
		}()
		go func() { errs <- g.RegisterVote(ctx, n+1, 5, nns.VoteYes) }()
	}
	for range 16 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	p, err := g.GetProposalInfo(ctx, 5)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range p.Ballots {
		if b.Ballot.Vote != int32(nns.VoteYes) {
			t.Errorf("neuron %d: vote %d", b.NeuronId, b.Ballot.Vote)
		}
	}
}
