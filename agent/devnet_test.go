package agent

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	agentid "github.com/aviate-labs/agent-go/identity"
	"github.com/aviate-labs/agent-go/principal"

	"github.com/votebot/votebot/agent/identity"
	"github.com/votebot/votebot/devnet/governance"
	"github.com/votebot/votebot/nns"
)

// These tests run the client against the devnet's simulated governance
// canister (devnet/governance), which follows the real canister's rules.

type govNet struct {
	url, rootKey string
	gov          *governance.Canister
}

func startGovNet(t testing.TB) *govNet {
	t.Helper()
	gov, err := governance.New(governance.Config{})
	if err != nil {
		t.Fatal(err)
	}
	srv, url := serveDevnet(t, gov)
	return &govNet{url: url, rootKey: hex.EncodeToString(srv.RootKey()), gov: gov}
}

var controller = principal.Principal{Raw: []byte{0xAB, 0xCD, 0x01}}

func (n *govNet) addNeuron(t testing.TB, hotkey principal.Principal, mod func(*governance.NeuronSpec)) uint64 {
	t.Helper()
	spec := governance.NeuronSpec{Controller: controller, HotKeys: []principal.Principal{hotkey},
		StakeE8s: 10 * 100_000_000, DissolveDelay: 365 * 24 * time.Hour}
	if mod != nil {
		mod(&spec)
	}
	id, err := n.gov.AddNeuron(spec)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func (n *govNet) motion(t testing.TB, proposer uint64, i int) uint64 {
	t.Helper()
	id, err := n.gov.SubmitProposal(governance.ProposalSpec{Proposer: proposer, Title: fmt.Sprintf("motion %d", i),
		Summary: "s", URL: "https://example.org", Action: nns.Action{Motion: &nns.Motion{MotionText: "m"}}})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func loadTestKey(t *testing.T, file string) agentid.Identity {
	t.Helper()
	data, err := os.ReadFile("identity/testdata/" + file)
	if err != nil {
		t.Fatal(err)
	}
	id, _, err := identity.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestDevnetGovernanceEveryMethod(t *testing.T) {
	for _, tc := range []struct{ name, file string }{
		{"ed25519 pkcs8", "icp_decrypted_pkcs8_ed25519.pem"},
		{"ed25519 old dfx", "dfx_e2e_ed25519.pem"},
		{"secp256k1 sec1", "icp_decrypted_sec1_k256.pem"},
		{"secp256k1 pkcs8", "icp_pkcs8_k256.pem"},
		{"prime256v1", "icp_pkcs8_p256.pem"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			net := startGovNet(t)
			id := loadTestKey(t, tc.file)
			bot := id.Sender()
			proposer := net.addNeuron(t, principal.AnonymousID, func(s *governance.NeuronSpec) {
				s.StakeE8s = 1000 * 100_000_000
				s.KnownName = "Proposer"
			})
			mine := net.addNeuron(t, bot, nil)
			follower := net.addNeuron(t, bot, func(s *governance.NeuronSpec) {
				s.Followees = map[nns.Topic][]uint64{nns.TopicGovernance: {proposer}}
			})
			p1 := net.motion(t, proposer, 1)
			g := newClient(t, testConfig([]string{net.url}, net.rootKey, id))
			ctx := context.Background()

			props, err := g.ListProposals(ctx, nns.ListProposalInfoRequest{IncludeRewardStatus: []int32{int32(nns.RewardStatusAcceptVotes)}})
			if err != nil || len(props) != 1 || props[0].Id.Id != p1 {
				t.Fatalf("ListProposals: %d, %v", len(props), err)
			}
			// Signed query: the ballots of the bot's neurons (only) come back.
			if len(props[0].Ballots) != 2 {
				t.Errorf("ballots: %+v, want the bot's 2 neurons", props[0].Ballots)
			}
			// The proposer voted Yes and the follower followed it.
			if v := ballotOf(props[0], follower); v != int32(nns.VoteYes) {
				t.Errorf("follower ballot %d, want Yes through following", v)
			}
			if err := g.RegisterVote(ctx, follower, p1, nns.VoteNo); !IsAlreadyVoted(err) {
				t.Errorf("vote on a ballot filled by following: err = %v, want ErrAlreadyVoted", err)
			}
			if err := g.RegisterVote(ctx, mine, p1, nns.VoteNo); err != nil {
				t.Fatalf("RegisterVote: %v", err)
			}
			p, err := g.GetProposalInfo(ctx, p1)
			if err != nil || ballotOf(p, mine) != int32(nns.VoteNo) {
				t.Errorf("GetProposalInfo: ballot %d, %v", ballotOf(p, mine), err)
			}
			if _, err := g.GetProposalInfo(ctx, 9999); !errors.Is(err, ErrNotFound) {
				t.Errorf("unknown proposal: %v", err)
			}
			if pend, err := g.GetPendingProposals(ctx); err != nil || len(pend) > 1 {
				t.Errorf("GetPendingProposals: %d, %v", len(pend), err)
			}
			if info, err := g.GetNeuronInfo(ctx, mine); err != nil || info.StakeE8s != 10*100_000_000 {
				t.Errorf("GetNeuronInfo: %+v, %v", info, err)
			}
			var ge *GovernanceError
			if _, err := g.GetFullNeuron(ctx, proposer); !errors.As(err, &ge) {
				t.Errorf("GetFullNeuron of a neuron the bot does not control: err = %v, want a governance error", err)
			}
			if err := g.Follow(ctx, mine, nns.TopicExchangeRate, []uint64{proposer}); err != nil {
				t.Fatalf("Follow: %v", err)
			}
			if err := g.SetFollowing(ctx, mine, map[nns.Topic][]uint64{nns.TopicGovernance: {proposer}, nns.TopicSnsAndCommunityFund: {proposer}}); err != nil {
				t.Fatalf("SetFollowing: %v", err)
			}
			full, err := g.GetFullNeuron(ctx, mine)
			if err != nil {
				t.Fatalf("GetFullNeuron: %v", err)
			}
			topics := map[int32]bool{}
			for _, f := range full.Followees {
				topics[f.Topic] = true
			}
			if !topics[int32(nns.TopicExchangeRate)] || !topics[int32(nns.TopicGovernance)] || !topics[int32(nns.TopicSnsAndCommunityFund)] {
				t.Errorf("followees after Follow/SetFollowing: %+v", full.Followees)
			}
			if err := g.RefreshVotingPower(ctx, mine); err != nil {
				t.Errorf("RefreshVotingPower: %v", err)
			}
			if err := g.RefreshVotingPower(ctx, proposer); !IsRefused(err) {
				t.Errorf("RefreshVotingPower of a neuron the bot does not control: err = %v, want refused", err)
			}
			neurons, err := g.ListNeurons(ctx, nns.ListNeurons{IncludeNeuronsReadableByCaller: true})
			if err != nil || len(neurons.FullNeurons) != 2 {
				t.Errorf("ListNeurons: %d full neurons, %v", len(neurons.FullNeurons), err)
			}
			known, err := g.ListKnownNeurons(ctx)
			if err != nil || len(known) != 1 || known[0].KnownNeuronData.Name != "Proposer" {
				t.Errorf("ListKnownNeurons: %+v, %v", known, err)
			}
			if _, err := g.GetLatestRewardEvent(ctx); err != nil {
				t.Errorf("GetLatestRewardEvent: %v", err)
			}
			econ, err := g.GetNetworkEconomicsParameters(ctx)
			if err != nil || econ.VotingPowerEconomics == nil {
				t.Errorf("GetNetworkEconomicsParameters: %+v, %v", econ, err)
			}
		})
	}
}

func TestDevnetGovernancePaging(t *testing.T) {
	net := startGovNet(t)
	id := newIdentity(t)
	proposer := net.addNeuron(t, principal.AnonymousID, nil)
	for range 520 {
		net.addNeuron(t, id.Sender(), nil)
	}
	for i := range 130 {
		net.motion(t, proposer, i)
	}
	g := newClient(t, testConfig([]string{net.url}, net.rootKey, id))
	ctx := context.Background()
	neurons, err := g.ListNeurons(ctx, nns.ListNeurons{IncludeNeuronsReadableByCaller: true})
	if err != nil || len(neurons.NeuronInfos) != 520 || len(neurons.FullNeurons) != 520 {
		t.Errorf("ListNeurons: %d infos, %d full, %v; want 520", len(neurons.NeuronInfos), len(neurons.FullNeurons), err)
	}
	props, err := g.ListProposals(ctx, nns.ListProposalInfoRequest{IncludeRewardStatus: []int32{int32(nns.RewardStatusAcceptVotes)}})
	if err != nil || len(props) != 130 {
		t.Fatalf("ListProposals: %d, %v; want 130", len(props), err)
	}
	seen := map[uint64]bool{}
	for _, p := range props {
		seen[p.Id.Id] = true
	}
	if len(seen) != 130 {
		t.Errorf("%d distinct proposals, want 130", len(seen))
	}
}
