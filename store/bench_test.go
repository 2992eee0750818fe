package store

import (
	"context"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/votebot/votebot/nns"
)

// BenchmarkVote measures one ballot's log: BeginVote then FinishVote, from parallel goroutines
// as the bot's bounded vote workers do.
func BenchmarkVote(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	var next atomic.Uint64
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			p := next.Add(1)
			a, err := s.BeginVote(ctx, p, 1, nns.VoteYes, "rule", "bench")
			if err != nil {
				b.Error(err)
				return
			}
			if err := s.FinishVote(ctx, a.ID, VoteSucceeded, ""); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
