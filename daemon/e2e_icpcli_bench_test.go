package daemon_test

import (
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/nns"
)

// TestBenchICPCLI is benchmark (d): the script holders run today — one
// `icp canister call … manage_neuron` process per vote, one after the
// other — side by side with the bot on the same paced devnet (pace from
// the VOTEBOT_BENCH_* variables of benchPace; VOTEBOT_BENCH_UPDATE_LATENCY=0
// VOTEBOT_BENCH_QUERY_LATENCY=0 VOTEBOT_BENCH_RATE=0 for none). It reports
// wall time per ballot of each and their ratio. Opt-in: VOTEBOT_BENCH=1 and
// VOTEBOT_ICP_CLI (the binary of npm's @icp-sdk/icp-cli-linux-x64).
// VOTEBOT_BENCH_CLI_VOTES (10) votes go through the CLI; the bot fills
// VOTEBOT_BENCH_NEURONS (1000) × VOTEBOT_BENCH_PROPOSALS (10).
func TestBenchICPCLI(t *testing.T) {
	icp := os.Getenv("VOTEBOT_ICP_CLI")
	if os.Getenv("VOTEBOT_BENCH") != "1" || icp == "" {
		t.Skip("benchmark; set VOTEBOT_BENCH=1 and VOTEBOT_ICP_CLI to the icp binary")
	}
	n, nProps, cliVotes := envInt("VOTEBOT_BENCH_NEURONS", 1000), envInt("VOTEBOT_BENCH_PROPOSALS", 10),
		envInt("VOTEBOT_BENCH_CLI_VOTES", 10)
	if cliVotes > n {
		t.Fatalf("VOTEBOT_BENCH_CLI_VOTES %d exceeds the %d neurons", cliVotes, n)
	}
	pace := benchPace(t)
	const period = 4 * 24 * time.Hour
	pn := newPacedNet(t, pace, period)
	pn.neurons(n, false, "1h")
	home := t.TempDir()
	run := func(args ...string) (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, icp, args...)
		cmd.Env = append(os.Environ(), "HOME="+home, "DO_NOT_TRACK=1")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := run("identity", "import", "bot", "--from-pem", pn.dir+"/hotkey.pem", "--storage", "plaintext"); err != nil {
		t.Fatalf("icp identity import: %v\n%s", err, out)
	}
	start := time.Now()
	cliProp := pn.propose(t, nns.TopicSubnetManagement, "cli", start.Add(period), period)
	net := []string{"--network", pn.net.URL, "--root-key", hex.EncodeToString(pn.net.RootKey), "--identity", "bot"}
	t0 := time.Now()
	for i := 0; i < cliVotes; i++ {
		arg := fmt.Sprintf("(record { id = opt record { id = %d : nat64 }; command = opt variant { RegisterVote = "+
			"record { vote = 1 : int32; proposal = opt record { id = %d : nat64 } } }; neuron_id_or_subaccount = null })",
			leaderID+i, cliProp)
		out, err := run(append([]string{"canister", "call", nns.GovernanceCanisterID, "manage_neuron", arg}, net...)...)
		if err != nil || !strings.Contains(out, "RegisterVote") {
			t.Fatalf("icp vote %d: %v\n%s", i, err, out)
		}
	}
	cli := time.Since(t0) / time.Duration(cliVotes)
	pi, _ := pn.net.Governance.ProposalInfo(cliProp)
	for i := 0; i < cliVotes; i++ {
		if v := ballotOf(pi, uint64(leaderID+i)); v != nns.VoteYes {
			t.Fatalf("the CLI's vote for neuron %d did not land: %s", leaderID+i, v)
		}
	}

	app := pn.assemble(func(o *bot.Options) { o.PollInterval = time.Second })
	defer app.Close()
	ctx := context.Background()
	ids := []uint64{cliProp}
	for k := 0; k < nProps; k++ {
		ids = append(ids, pn.propose(t, nns.TopicSubnetManagement, fmt.Sprintf("p%d", k), start.Add(period), period))
	}
	before := pn.net.Governance.Counters()
	t1 := time.Now()
	for !filledAll(pn.e2e, ids, n) {
		if _, err := app.Bot.Once(ctx); err != nil {
			t.Fatal(err)
		}
		if time.Since(t1) > 30*time.Minute {
			t.Fatal("ballots not filled after 30 minutes")
		}
	}
	took := time.Since(t1)
	votes := pn.net.Governance.Counters().DirectVotes - before.DirectVotes
	per := took / time.Duration(votes)
	t.Logf("ICP CLI vs BOT (update %v±%v, query %v±%v, %g calls/s): icp CLI %d votes one process each, in turn: %s per ballot; "+
		"votebot %d votes (start-up pass included) in %s: %s per ballot; ratio %.0f×",
		pace.Update.Base, pace.Update.Jitter, pace.Query.Base, pace.Query.Jitter, pace.Rate, cliVotes,
		cli.Round(10*time.Microsecond), votes, took.Round(time.Millisecond), per.Round(time.Microsecond),
		float64(cli)/float64(per))
}
