package store

import (
	"context"
	"testing"
	"time"

	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/rewards"
)

// TestNeuronStatusKeepsLatestRead: every read replaces the neuron's row;
// the report reads the latest figures back as they were written.
func TestNeuronStatusKeepsLatestRead(t *testing.T) {
	ctx := context.Background()
	s, _, clock := openTemp(t)
	refreshed := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	first := rewards.NeuronStatus{ID: 7, PotentialVP: 100, DecidingVP: 90, DissolveDelaySeconds: 3600,
		RefreshedAt: refreshed, DecayStarts: refreshed.Add(time.Hour), FollowingClearedAt: refreshed.Add(2 * time.Hour)}
	must(t, s.RecordNeuronStatus(ctx, []rewards.NeuronStatus{first, {ID: 8, PotentialVP: 5, DecidingVP: 5}}))
	clock.Add(time.Minute)
	second := first
	second.DecidingVP, second.RefreshedAt = 100, refreshed.Add(24*time.Hour)
	second.DecayStarts = second.RefreshedAt.Add(time.Hour)
	must(t, s.RecordNeuronStatus(ctx, []rewards.NeuronStatus{second}))
	got, err := s.NeuronStatus(ctx)
	must(t, err)
	if len(got) != 2 {
		t.Fatalf("%d rows, want one per neuron: %+v", len(got), got)
	}
	second.ReadAt = clock.Now()
	if g := got[0]; g != second {
		t.Errorf("neuron 7 = %+v,\nwant the latest read %+v", g, second)
	}
	if g := got[1]; g.ID != 8 || g.DecidingVP != 5 || !g.RefreshedAt.IsZero() || !g.DecayStarts.IsZero() {
		t.Errorf("neuron 8 = %+v", g)
	}
}

func TestLatestSupply(t *testing.T) {
	ctx := context.Background()
	s, _, _ := openTemp(t)
	if _, _, ok, err := s.LatestSupply(ctx); ok || err != nil {
		t.Fatalf("empty store: ok %v, err %v", ok, err)
	}
	day := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	must(t, s.RecordSupply(ctx, nns.LedgerSupply{TotalSupplyE8s: 1, Symbol: "ICP", Decimals: 8}, day))
	must(t, s.RecordSupply(ctx, nns.LedgerSupply{TotalSupplyE8s: 2, Symbol: "ICP", Decimals: 8}, day.Add(24*time.Hour)))
	got, at, ok, err := s.LatestSupply(ctx)
	must(t, err)
	if !ok || got.TotalSupplyE8s != 2 || got.Symbol != "ICP" || !at.Equal(day.Add(24*time.Hour)) {
		t.Errorf("LatestSupply = %+v at %s (ok %v), want 2 e8s the second day", got, at, ok)
	}
}
