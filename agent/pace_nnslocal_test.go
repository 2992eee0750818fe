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

// TestNNSLocalScenarioPace: a scenario's pace section reaches the local
// NNS; over its rate the client waits out Retry-After and the votes land.
func TestNNSLocalScenarioPace(t *testing.T) {
	scenario, err := governance.ParseScenario([]byte("pace: {rate: 1, burst: 1, update_latency: 20ms±5ms}\n"), "")
	if err != nil {
		t.Fatal(err)
	}
	n, err := nnslocal.Start(context.Background(), nnslocal.Options{Scenario: scenario, Logger: zerolog.Nop(), TickInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = n.Close() })
	id := newIdentity(t)
	var neurons []uint64
	for range 2 {
		nid, err := n.Governance.AddNeuron(governance.NeuronSpec{Controller: principal.Principal{Raw: []byte{1, 2, 3}},
			HotKeys: []principal.Principal{id.Sender()}, StakeE8s: 5 * 100_000_000, DissolveDelay: 365 * 24 * time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		neurons = append(neurons, nid)
	}
	pid, err := n.Governance.SubmitProposal(governance.ProposalSpec{Proposer: neurons[0], Title: "t", Summary: "s",
		URL: "https://example.org", Action: nns.Action{Motion: &nns.Motion{MotionText: "m"}}})
	if err != nil {
		t.Fatal(err)
	}
	counter := &paceCounter{}
	cfg := testConfig([]string{n.URL}, hex.EncodeToString(n.RootKey), id)
	cfg.Observer = counter
	g := newClient(t, cfg)
	// The proposer's ballot is filled by proposing; the other neuron votes,
	// then a second, refused call (already voted) must wait for a token.
	if err := g.RegisterVote(context.Background(), neurons[1], pid, nns.VoteYes); err != nil {
		t.Fatal(err)
	}
	err = g.RegisterVote(context.Background(), neurons[1], pid, nns.VoteNo)
	if !IsAlreadyVoted(err) {
		t.Fatalf("second vote: %v, want already voted", err)
	}
	if got := counter.limited.Load(); got != 1 {
		t.Fatalf("%d answers 429, want 1 (rate 1/s, burst 1)", got)
	}
}
