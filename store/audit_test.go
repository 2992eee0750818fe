package store

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/rewards"
)

func TestAuditsRoundTrip(t *testing.T) {
	ctx := context.Background()
	s, _, _ := openTemp(t)
	at := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	ev := rewards.RewardEventRef{DayAfterGenesis: 2000, At: at}
	rows := []rewards.MaturityAudit{
		rewards.AuditMaturity(1, ev, 1000, rewards.Maturity{MaturityE8s: 5}, rewards.Maturity{MaturityE8s: 1005}),
		rewards.AuditMaturity(2, ev, 1000, rewards.Maturity{}, rewards.Maturity{MaturityE8s: 900}),
	}
	if err := s.RecordAudits(ctx, rows); err != nil {
		t.Fatal(err)
	}
	// The same event again replaces, not duplicates.
	if err := s.RecordAudits(ctx, rows[1:]); err != nil {
		t.Fatal(err)
	}
	got, err := s.Audits(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("%d rows, want 2", len(got))
	}
	if got[0].Status != rewards.AuditOK || got[0].ReceivedE8s != 1000 || !got[0].Event.At.Equal(at) {
		t.Errorf("row 1: %+v", got[0])
	}
	if !got[1].Low() || got[1].Ratio == nil || *got[1].Ratio != 0.9 {
		t.Errorf("row 2: %+v", got[1])
	}
}

// The reward audit's snapshot survives a restart as it was saved, the
// pending "before" included; none saved reads as the zero snapshot.
func TestAuditSnapshotAcrossRestart(t *testing.T) {
	ctx := context.Background()
	s, path, _ := openTemp(t)
	if snap, err := s.AuditSnapshot(ctx); err != nil || snap.Maturity != nil || snap.Day != 0 {
		t.Fatalf("fresh store: %+v, %v; want the zero snapshot", snap, err)
	}
	want := bot.AuditSnapshot{Day: 11, Maturity: map[uint64]rewards.Maturity{1 << 63: {MaturityE8s: 5, StakedMaturityE8s: 1 << 62}},
		PendingDay: 11, PendingBefore: map[uint64]rewards.Maturity{1 << 63: {MaturityE8s: 3}}}
	must(t, s.SaveAuditSnapshot(ctx, bot.AuditSnapshot{Day: 10}))
	must(t, s.SaveAuditSnapshot(ctx, want))
	must(t, s.Close())
	s2, err := Open(ctx, path)
	must(t, err)
	defer s2.Close()
	got, err := s2.AuditSnapshot(ctx)
	must(t, err)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("after restart %+v, want %+v", got, want)
	}
}
