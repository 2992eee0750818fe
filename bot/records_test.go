package bot

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/rewards"
)

type supplyGov struct {
	*fakeGov
	reads int
	fail  bool
}

func (g *supplyGov) LedgerSupply(context.Context) (nns.LedgerSupply, error) {
	if g.fail {
		return nns.LedgerSupply{}, errors.New("ledger down")
	}
	g.reads++
	return nns.LedgerSupply{TotalSupplyE8s: 5e16, Symbol: "ICP", Decimals: 8}, nil
}

type statusMem struct {
	*memStore
	status   map[uint64]rewards.NeuronStatus
	supplies []time.Time
}

func (s *statusMem) RecordNeuronStatus(_ context.Context, ns []rewards.NeuronStatus) error {
	for _, n := range ns {
		s.status[n.ID] = n
	}
	return nil
}

func (s *statusMem) RecordSupply(_ context.Context, _ nns.LedgerSupply, at time.Time) error {
	s.supplies = append(s.supplies, at)
	return nil
}

// TestRecordsAtNeuronReads: every fresh read of the neurons records each
// readable neuron's voting power, dissolve delay and decay date (refresh +
// the network's start_reducing_voting_power_after); the ledger's supply is
// read at the first read and then once a day, a failed read again at the
// next neuron read.
func TestRecordsAtNeuronReads(t *testing.T) {
	clk := &clock{t: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)}
	gov := &supplyGov{fakeGov: newFakeGov(clk.Now)}
	main := gov.addNeuron(1)
	main.PotentialVotingPower, main.DecidingVotingPower = 500, 400
	main.VotingPowerRefreshed = clk.Now().Add(-200 * 24 * time.Hour)
	gov.addNeuron(2).Authorized = false // no hotkey: nothing to record
	st := &statusMem{memStore: newMemStore(), status: map[uint64]rewards.NeuronStatus{}}
	opts := Options{PollInterval: time.Hour, NeuronsTTL: time.Minute, Neurons: []NeuronConfig{{ID: 1}, {ID: 2}}}
	b, err := New(Deps{Gov: gov, Errors: fakeErrs{}, Store: st, Alerter: newRecAlerter(), Decider: topicDecider{},
		Logger: zerolog.New(io.Discard), Now: clk.Now}, opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, ok := b.readNeurons(ctx, b.opts, false, false); !ok {
		t.Fatal("read failed")
	}
	want := rewards.NeuronStatus{ID: 1, PotentialVP: 500, DecidingVP: 400, DissolveDelaySeconds: 365 * 24 * 3600,
		RefreshedAt: main.VotingPowerRefreshed, DecayStarts: main.VotingPowerRefreshed.Add(180 * 24 * time.Hour),
		FollowingClearedAt: main.VotingPowerRefreshed.Add(210 * 24 * time.Hour), ReadAt: clk.Now()}
	if got := st.status[1]; got != want {
		t.Errorf("neuron 1 recorded %+v,\nwant %+v", got, want)
	}
	if _, ok := st.status[2]; ok {
		t.Errorf("recorded a neuron the identity cannot read: %+v", st.status[2])
	}
	// A cached read records nothing; the next fresh one updates the row.
	b.readNeurons(ctx, b.opts, false, false)
	main.DecidingVotingPower = 450
	clk.Add(2 * time.Minute)
	b.readNeurons(ctx, b.opts, false, false)
	if got := st.status[1]; got.DecidingVP != 450 || !got.ReadAt.Equal(clk.Now()) {
		t.Errorf("after the second read: %+v", got)
	}
	if len(st.supplies) != 1 || gov.reads != 1 {
		t.Fatalf("supply read %d times, recorded %v; want once within a day", gov.reads, st.supplies)
	}
	clk.Add(SupplyInterval)
	gov.fail = true
	b.readNeurons(ctx, b.opts, false, false)
	gov.fail = false
	clk.Add(2 * time.Minute)
	b.readNeurons(ctx, b.opts, false, false)
	if len(st.supplies) != 2 || !st.supplies[1].Equal(clk.Now()) {
		t.Errorf("supply recorded at %v; want the day's read retried at the next neuron read", st.supplies)
	}
}
