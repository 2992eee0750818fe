package governance

import (
	"context"
	"testing"
	"time"

	"github.com/aviate-labs/agent-go/candid"
	"github.com/aviate-labs/agent-go/principal"
	"github.com/votebot/votebot/devnet"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/rewards"
)

// fakeClock is the injected governance clock: tests move it, never sleep.
type fakeClock struct{ t time.Time }

func (f *fakeClock) Now() time.Time          { return f.t }
func (f *fakeClock) Advance(d time.Duration) { f.t = f.t.Add(d) }

var testStart = time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)

const (
	day   = 24 * time.Hour
	month = time.Duration(rewards.MonthSeconds) * time.Second
	year  = time.Duration(rewards.YearSeconds) * time.Second
	icp   = uint64(100_000_000)
)

// newCanister builds a canister on a fake clock whose genesis is the start
// time; mod adjusts the configuration.
func newCanister(t *testing.T, regime rewards.Regime, mod func(*Config)) (*Canister, *fakeClock) {
	t.Helper()
	clk := &fakeClock{t: testStart}
	e := rewards.DefaultEconomics(regime)
	e.GenesisSeconds = testStart.Unix()
	cfg := Config{Economics: e, Now: clk.Now}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c, clk
}

// user is a deterministic test principal.
func user(i int) principal.Principal {
	return principal.Principal{Raw: []byte{0xAB, byte(i >> 8), byte(i), 0x01}}
}

// addNeuron creates a voting-eligible neuron controlled by user(id).
func addNeuron(t *testing.T, c *Canister, id uint64, stakeE8s uint64, mod func(*NeuronSpec)) {
	t.Helper()
	spec := NeuronSpec{ID: id, Controller: user(int(id)), StakeE8s: stakeE8s, DissolveDelay: c.cfg.MinDissolveDelayToPropose}
	if mod != nil {
		mod(&spec)
	}
	if _, err := c.AddNeuron(spec); err != nil {
		t.Fatalf("AddNeuron %d: %v", id, err)
	}
}

func motion(proposer uint64) ProposalSpec {
	return ProposalSpec{Proposer: proposer, Title: "motion", Action: nns.Action{Motion: &nns.Motion{MotionText: "do it"}}}
}

func onTopic(proposer uint64, topic nns.Topic) ProposalSpec {
	p := motion(proposer)
	p.Topic = topic
	return p
}

func submit(t *testing.T, c *Canister, spec ProposalSpec) uint64 {
	t.Helper()
	id, err := c.SubmitProposal(spec)
	if err != nil {
		t.Fatalf("SubmitProposal: %v", err)
	}
	return id
}

func vote(t *testing.T, c *Canister, neuron, proposal uint64, v nns.Vote) {
	t.Helper()
	if err := c.CastVote(neuron, proposal, v); err != nil {
		t.Fatalf("neuron %d votes %s on %d: %v", neuron, v, proposal, err)
	}
}

func info(t *testing.T, c *Canister, id uint64) nns.ProposalInfo {
	t.Helper()
	pi, ok := c.ProposalInfo(id)
	if !ok {
		t.Fatalf("proposal %d not found", id)
	}
	return pi
}

// ballotOf returns the neuron's vote on the proposal (admin view).
func ballotOf(t *testing.T, c *Canister, proposal, neuron uint64) nns.Vote {
	t.Helper()
	for _, b := range info(t, c, proposal).Ballots {
		if b.NeuronId == neuron {
			return nns.Vote(b.Ballot.Vote)
		}
	}
	t.Fatalf("neuron %d has no ballot on proposal %d", neuron, proposal)
	return 0
}

// call invokes a Candid method as caller and decodes the reply into out.
func call(t *testing.T, c *Canister, method string, caller principal.Principal, arg any, out any) {
	t.Helper()
	raw, err := callRaw(c, method, caller, arg)
	if err != nil {
		t.Fatalf("%s: %v", method, err)
	}
	if err := candid.Unmarshal(raw, []any{out}); err != nil {
		t.Fatalf("%s: decode reply: %v", method, err)
	}
}

func callRaw(c *Canister, method string, caller principal.Principal, arg any) ([]byte, error) {
	var in []byte
	switch a := arg.(type) {
	case []byte:
		in = a
	case nil:
		in, _ = candid.Marshal([]any{})
	default:
		var err error
		if in, err = candid.Marshal([]any{arg}); err != nil {
			return nil, err
		}
	}
	m, ok := c.Methods()[method]
	if !ok {
		return nil, &devnet.Reject{Message: "no method " + method}
	}
	return m.Handle(context.Background(), devnet.Call{Caller: caller, Arg: in, Replicated: m.Kind == devnet.Update})
}

// manage calls manage_neuron and returns the command result.
func manage(t *testing.T, c *Canister, caller principal.Principal, neuron uint64, cmd nns.ManageNeuronCommandRequest) *nns.Command1 {
	t.Helper()
	var resp nns.ManageNeuronResponse
	call(t, c, "manage_neuron", caller, nns.ManageNeuronRequest{
		NeuronIdOrSubaccount: &nns.NeuronIdOrSubaccount{NeuronId: &nns.NeuronId{Id: neuron}},
		Command:              &cmd,
	}, &resp)
	if resp.Command == nil {
		t.Fatalf("manage_neuron: empty command in reply")
	}
	return resp.Command
}

func wantGovError(t *testing.T, got *nns.Command1, typ nns.ErrorType, msg string) {
	t.Helper()
	if got.Error == nil {
		t.Fatalf("want error %s %q, got success %+v", typ, msg, got)
	}
	if nns.ErrorType(got.Error.ErrorType) != typ || (msg != "" && got.Error.ErrorMessage != msg) {
		t.Fatalf("error = %s %q, want %s %q", nns.ErrorType(got.Error.ErrorType), got.Error.ErrorMessage, typ, msg)
	}
}
