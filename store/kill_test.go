package store

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
	"github.com/votebot/votebot/rewards"
)

const killChildEnv = "VOTEBOT_STORE_KILL_CHILD_DB"

// TestKillChildWriter is the child process of TestKillDuringWrites: it writes in a loop and prints
// each proposal id after its writes committed, until it is killed.
func TestKillChildWriter(t *testing.T) {
	path := os.Getenv(killChildEnv)
	if path == "" {
		t.Skip("child process of TestKillDuringWrites")
	}
	ctx := context.Background()
	s, err := Open(ctx, path)
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(2)
	}
	var next uint64
	if err := s.db.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) FROM proposals").Scan(&next); err != nil {
		fmt.Println("newest:", err)
		os.Exit(2)
	}
	// A guard so a child that is never killed cannot outlive the test run.
	stop := time.Now().Add(30 * time.Second)
	for id := next + 1; time.Now().Before(stop); id++ {
		if err := writeRound(ctx, s, id); err != nil {
			fmt.Println("write:", err)
			os.Exit(2)
		}
		fmt.Println(id)
	}
	os.Exit(0)
}

// writeRound does what the bot does for one ballot: record, vote intent, outcome, alert, observation.
func writeRound(ctx context.Context, s *Store, id uint64) error {
	if err := s.SaveProposal(ctx, policy.Proposal{ID: id, Title: "p"}); err != nil {
		return err
	}
	a, err := s.BeginVote(ctx, intent(id, 1, nns.VoteYes, "rule", "kill test"))
	if err != nil {
		return err
	}
	if err := s.FinishVote(ctx, a, bot.VoteSucceeded, ""); err != nil {
		return err
	}
	st := alert.State{Key: alert.KeyFor(alert.KindProposalAtRisk, 1, id), Kind: alert.KindProposalAtRisk,
		Neuron: 1, ProposalID: id, FirstFired: time.Now(), LastSent: time.Now(), TimesSent: 1}
	if err := s.PutAlertState(ctx, st); err != nil {
		return err
	}
	return s.RecordObservations(ctx, []rewards.Observation{{ProposalID: id, Neuron: 1, Ballot: rewards.BallotVotedDirect, Vote: nns.VoteYes}})
}

// TestKillDuringWrites kills a writing process with SIGKILL at random points, then checks that
// the database is intact, every write the child reported as committed is there, and no ballot has
// two live vote attempts. VOTEBOT_SOAK=1 runs 25 rounds instead of 3.
func TestKillDuringWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	rounds := 3
	if os.Getenv("VOTEBOT_SOAK") == "1" {
		rounds = 25
	}
	path := filepath.Join(t.TempDir(), "kill.db")
	ctx := context.Background()
	for round := range rounds {
		acked := runAndKill(t, path, 1+rand.IntN(40))
		t.Logf("round %d: SIGKILL after proposal %d was reported committed", round, acked)
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatalf("round %d: reopen after SIGKILL: %v", round, err)
		}
		if err := s.IntegrityCheck(ctx); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		if len(doneVotes(t, s, acked, 1)) != 1 {
			t.Errorf("round %d: vote %d was reported committed but is lost", round, acked)
		}
		inflight, err := s.InFlightVotes(ctx)
		must(t, err)
		if len(inflight) > 1 {
			t.Errorf("round %d: %d attempts in flight, at most 1 possible", round, len(inflight))
		}
		for _, a := range inflight { // reconcile as the bot would: the ballot is re-read as filled
			must(t, s.FinishVote(ctx, a.Attempt, bot.VoteSucceeded, ""))
		}
		var live, ballots int
		must(t, s.db.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(DISTINCT proposal_id) FROM vote_attempts
			WHERE outcome IN ('succeeded', 'already_voted')`).Scan(&live, &ballots))
		if live != ballots {
			t.Errorf("round %d: %d successful votes for %d ballots", round, live, ballots)
		}
		must(t, s.Close())
	}
}

// runAndKill starts the child writer, waits until it reported n committed rounds, kills it with
// SIGKILL and returns the last id it reported.
func runAndKill(t *testing.T, path string, n int) uint64 {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestKillChildWriter$", "-test.count=1")
	cmd.Env = append(os.Environ(), killChildEnv+"="+path)
	out, err := cmd.StdoutPipe()
	must(t, err)
	must(t, cmd.Start())
	defer func() { _ = cmd.Wait() }()
	lines := bufio.NewScanner(out)
	var last uint64
	for i := 0; i < n && lines.Scan(); i++ {
		id, err := strconv.ParseUint(lines.Text(), 10, 64)
		if err != nil {
			_ = cmd.Process.Kill()
			t.Fatalf("child: %s", lines.Text())
		}
		last = id
	}
	must(t, cmd.Process.Signal(syscall.SIGKILL))
	if last == 0 {
		t.Fatal("child reported nothing before being killed")
	}
	return last
}
