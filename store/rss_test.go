package store

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"modernc.org/libc"

	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
	"github.com/votebot/votebot/rewards"
)

// The fill benchmark's size: 1,000 neurons × 50 proposals.
const (
	rssNeurons   = 1000
	rssProposals = 50
	rssWorkers   = 32 // the bot's default VoteConcurrency
)

// TestStoreRSS reports what the store costs in resident memory at the fill benchmark's size:
// anonymous RSS of the process after Open, right after logging 50,000 ballots (decision, vote
// attempt, observation each) and once idle. It measures, it asserts nothing; run it alone so no
// other test's memory is counted:
//
//	VOTEBOT_STORE_RSS=1 go test -run '^TestStoreRSS$' -v ./store
//
// With -tags memory.counters it also reports the bytes SQLite holds in modernc's C heap.
func TestStoreRSS(t *testing.T) {
	if os.Getenv("VOTEBOT_STORE_RSS") != "1" {
		t.Skip("set VOTEBOT_STORE_RSS=1 to measure")
	}
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "rss.db"))
	must(t, err)
	defer s.Close()
	report(t, s, "open")

	start, cpu := time.Now(), cpuTime(t)
	fillLikeTheBot(t, s)
	t.Logf("filled %d ballots in %v (CPU %v)", rssNeurons*rssProposals, time.Since(start).Round(time.Millisecond),
		(cpuTime(t) - cpu).Round(time.Millisecond))
	report(t, s, "filled")

	idlePass(t, s)
	runtime.GC()
	debug.FreeOSMemory() // as the bot does after a heavy pass
	report(t, s, "idle")
}

// fillLikeTheBot writes what one pass of the fill benchmark writes: each proposal, then per ballot
// a decision, a vote through the intent log from parallel workers, and an observation.
func fillLikeTheBot(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	for p := uint64(1); p <= rssProposals; p++ {
		must(t, s.SaveProposal(ctx, policy.Proposal{ID: p, Topic: nns.TopicGovernance, Title: "proposal"}))
	}
	for p := uint64(1); p <= rssProposals; p++ {
		for n := uint64(1); n <= rssNeurons; n++ {
			must(t, s.RecordDecisions(ctx, []bot.DecisionRecord{{Proposal: p, Neuron: n, Decision: policy.Decision{
				Action: policy.ActionVoteNow, Vote: nns.VoteYes, Reason: "default (topic Governance): vote Yes"}}}))
		}
	}
	ballots := make(chan [2]uint64)
	var wg sync.WaitGroup
	for range rssWorkers {
		wg.Go(func() {
			for b := range ballots {
				a, err := s.BeginVote(ctx, intent(b[0], b[1], nns.VoteYes, "rule", "default (topic Governance): vote Yes"))
				if err == nil {
					err = s.FinishVote(ctx, a, bot.VoteSucceeded, "")
				}
				if err != nil {
					t.Error(err)
				}
			}
		})
	}
	for p := uint64(1); p <= rssProposals; p++ {
		for n := uint64(1); n <= rssNeurons; n++ {
			ballots <- [2]uint64{p, n}
		}
	}
	close(ballots)
	wg.Wait()
	for p := uint64(1); p <= rssProposals; p++ {
		for n := uint64(1); n <= rssNeurons; n++ {
			must(t, s.RecordObservations(ctx, []rewards.Observation{{ProposalID: p, Neuron: n, Topic: nns.TopicGovernance,
				RewardStatus: nns.RewardStatusAcceptVotes, Ballot: rewards.BallotVotedDirect, BallotVP: 1e8, Vote: nns.VoteYes}}))
		}
	}
}

// idlePass runs the reads of a pass that finds nothing to do.
func idlePass(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	_, err := s.Overrides(ctx)
	must(t, err)
	_, err = s.UnsettledProposals(ctx)
	must(t, err)
	_, err = s.MissedVotes(ctx)
	must(t, err)
}

func report(t *testing.T, s *Store, when string) {
	t.Helper()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	st := s.db.Stats()
	c := ""
	if b := libc.MemStat().Bytes; b != 0 {
		c = fmt.Sprintf(", C heap %.1f MiB", mib(int64(b)))
	}
	t.Logf("%-8s RssAnon %.1f MiB (Go heap in use %.1f MiB%s), connections open %d idle %d",
		when, mib(rssAnon(t)), mib(int64(ms.HeapInuse)), c, st.OpenConnections, st.Idle)
}

// cpuTime is the user and system CPU time the process has used.
func cpuTime(t *testing.T) time.Duration {
	t.Helper()
	var ru syscall.Rusage
	must(t, syscall.Getrusage(syscall.RUSAGE_SELF, &ru))
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

// rssAnon reads the process's anonymous resident memory from /proc/self/status.
func rssAnon(t *testing.T) int64 {
	t.Helper()
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		f := bytes.Fields(sc.Bytes())
		if len(f) == 3 && string(f[0]) == "RssAnon:" {
			kb, err := strconv.ParseInt(string(f[1]), 10, 64)
			must(t, err)
			return kb << 10
		}
	}
	t.Skip("no RssAnon in /proc/self/status")
	return 0
}
