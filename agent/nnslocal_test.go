package agent

import (
	"context"
	"encoding/hex"
	"testing"
	"time"

	"github.com/aviate-labs/agent-go/principal"
	"github.com/rs/zerolog"

	"github.com/votebot/votebot/devnet/governance"
	"github.com/votebot/votebot/devnet/nnslocal"
	"github.com/votebot/votebot/nns"
)

// TestNNSLocalWeekScenario runs the client against the one-call local NNS
// with the shipped week scenario: mainnet-like proposals of many action
// types, known neurons and following chains must all decode.
func TestNNSLocalWeekScenario(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	clock := &fakeClock{}
	clock.ns.Store(time.Now().UnixNano())
	n, err := nnslocal.Start(ctx, nnslocal.Options{ScenarioFile: "../configs/scenarios/week.yaml", Logger: zerolog.Nop(),
		Now: clock.Now, TickInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = n.Close() })
	id := newIdentity(t)
	mine, err := n.Governance.AddNeuron(governance.NeuronSpec{Controller: principal.Principal{Raw: []byte{1, 2, 3}},
		HotKeys: []principal.Principal{id.Sender()}, StakeE8s: 5 * 100_000_000, DissolveDelay: 365 * 24 * time.Hour,
		Followees: map[nns.Topic][]uint64{nns.TopicUnspecified: {27}}})
	if err != nil {
		t.Fatal(err)
	}
	// Play the scenario's week on the governance clock.
	for range 7 * 24 {
		clock.Advance(time.Hour)
		if errs := n.Step(clock.Now()); len(errs) > 0 {
			t.Fatalf("scenario: %v", errs)
		}
	}
	g := newClient(t, testConfig([]string{n.URL}, hex.EncodeToString(n.RootKey), id))
	known, err := g.ListKnownNeurons(ctx)
	if err != nil || len(known) < 2 {
		t.Fatalf("ListKnownNeurons: %d, %v", len(known), err)
	}
	all, err := g.ListProposals(ctx, nns.ListProposalInfoRequest{})
	if err != nil {
		t.Fatalf("ListProposals: %v", err)
	}
	t.Logf("%d proposals, %d known neurons", len(all), len(known))
	if len(all) < 20 {
		t.Errorf("only %d proposals after a week", len(all))
	}
	for _, p := range all {
		if p.Id == nil || p.Proposal == nil {
			t.Errorf("proposal without id or body: %+v", p)
		}
	}
	full, err := g.GetFullNeuron(ctx, mine)
	if err != nil || len(full.Followees) != 1 {
		t.Errorf("GetFullNeuron: %+v, %v", full.Followees, err)
	}
	if _, err := g.GetNetworkEconomicsParameters(ctx); err != nil {
		t.Error(err)
	}
}
