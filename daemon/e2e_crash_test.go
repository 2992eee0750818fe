package daemon_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/config"
	"github.com/votebot/votebot/daemon"
	"github.com/votebot/votebot/devnet/governance"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/rewards"
	"github.com/votebot/votebot/store"
)

// childEnv names the configuration a re-executed test binary runs the bot
// with (the crash test's child process).
const childEnv = "VOTEBOT_CRASH_CHILD_CONFIG"

func TestMain(m *testing.M) {
	if path := os.Getenv(childEnv); path != "" {
		os.Exit(runChild(path))
	}
	os.Exit(m.Run())
}

// runChild is the bot process: it runs until SIGKILL, or SIGTERM (exit 0).
func runChild(path string) int {
	startHeapProfiler()
	cfg, err := config.Load(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ctx, stop := signalContext()
	defer stop()
	tune := func(o *bot.Options) { o.PollInterval = 200 * time.Millisecond; o.RetryBackoff = 200 * time.Millisecond }
	if os.Getenv("VOTEBOT_CHILD_POLL") != "" {
		tune = nil // the configuration's own poll interval (idle benchmark)
	}
	app, err := daemon.Assemble(ctx, daemon.AppOptions{Config: cfg, Logger: zerolog.New(os.Stderr).Level(zerolog.WarnLevel),
		Tune: tune})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer app.Close()
	if err := app.Bot.Run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

const crashConfig = `
instance: crash-test
poll_interval: 1s
neurons: [{id: 1001}, {id: 1002}, {id: 1003}, {id: 1004}]
alerts:
  channels:
    hook: {type: webhook, url: "%s"}
policies:
  default:
    deadline_margin: 4s
    fallback: with_majority
    default: follow
    rules:
      - {name: ask-gov, match: {topics: [Governance]}, vote: manual}
      - {name: vote-infra, match: {topics: [SubnetManagement, NodeAdmin]}, vote: yes}
      - {name: vote-no-xr, match: {topics: [ExchangeRate]}, vote: no}
`

// hookRec counts the first message of each alert key at a webhook.
type hookRec struct {
	mu    sync.Mutex
	first map[string]int
}

func (h *hookRec) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var p struct {
		Key      string `json:"key"`
		DedupKey string `json:"dedup_key"`
		Resolved bool   `json:"resolved"`
		Reminder int    `json:"reminder"`
	}
	_ = json.NewDecoder(r.Body).Decode(&p)
	key := p.Key + p.DedupKey
	if !p.Resolved && p.Reminder == 0 {
		h.mu.Lock()
		h.first[key]++
		h.mu.Unlock()
	}
}

// TestCrashRestart kills the bot with SIGKILL at random moments while
// proposals arrive, restarts it each time, and checks at the end: every
// ballot filled, no ballot sent twice, no alert delivered twice as new,
// the database intact, and SIGTERM ends the last run with status 0.
// VOTEBOT_SOAK=1 kills it 100 times instead of 20.
func TestCrashRestart(t *testing.T) {
	skipLong(t)
	t.Parallel()
	kills := 20
	if os.Getenv("VOTEBOT_SOAK") == "1" {
		kills = 100
	}
	period := 20 * time.Second
	if kills > 20 {
		period = 80 * time.Second
	}
	e := newE2E(t, governance.Config{Economics: rewards.DefaultEconomics(rewards.RegimeCurrent),
		VotingPeriod: period, ShortVotingPeriod: period, WaitForQuietIncrease: time.Second, RewardPeriod: time.Hour})
	const icp = 100_000_000
	year := 365 * 24 * time.Hour
	specs := []governance.NeuronSpec{{ID: 27, Controller: e.ctl, StakeE8s: 1000 * icp, DissolveDelay: year}}
	for id := uint64(1001); id <= 1004; id++ {
		specs = append(specs, governance.NeuronSpec{ID: id, Controller: e.ctl, HotKeys: []principalT{e.bot},
			StakeE8s: 10 * icp, DissolveDelay: year})
	}
	e.addNeurons(specs)
	hook := &hookRec{first: map[string]int{}}
	hs := httptest.NewServer(hook)
	defer hs.Close()
	cfgPath := e.dir + "/votebot.yaml"
	raw := string(e.configf(crashConfig, hs.URL))
	if err := os.WriteFile(cfgPath, []byte(raw), 0o600); err != nil {
		t.Fatal(err)
	}

	// Proposals arrive during the first half of the kills.
	topics := []nns.Topic{nns.TopicSubnetManagement, nns.TopicNodeAdmin, nns.TopicExchangeRate, nns.TopicGovernance}
	var ids []uint64
	var idsMu sync.Mutex
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		for i := 0; i < 16 && ctx.Err() == nil; i++ {
			id, err := e.net.Governance.SubmitProposal(governance.ProposalSpec{Proposer: 27, Topic: topics[i%len(topics)],
				Title: fmt.Sprintf("p%d", i), Action: nns.Action{Motion: &nns.Motion{MotionText: "m"}}})
			if err != nil {
				t.Errorf("submit: %v", err)
				return
			}
			idsMu.Lock()
			ids = append(ids, id)
			idsMu.Unlock()
			time.Sleep(period / 40)
		}
	}()

	start := func() *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), childEnv+"="+cfgPath)
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	for i := 0; i < kills; i++ {
		cmd := start()
		time.Sleep(time.Duration(150+rand.IntN(900)) * time.Millisecond)
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()
	}
	// The last run lives until every deadline and the fallbacks are past.
	cmd := start()
	idsMu.Lock()
	last := ids[len(ids)-1]
	idsMu.Unlock()
	pi, _ := e.net.Governance.ProposalInfo(last)
	sleepUntil(time.Unix(int64(*pi.DeadlineTimestampSeconds), 0).Add(2 * time.Second))
	_ = cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Errorf("after SIGTERM the bot exited with %v, want status 0", err)
	}

	for _, id := range ids {
		pi, _ := e.net.Governance.ProposalInfo(id)
		for n := uint64(1001); n <= 1004; n++ {
			if ballotOf(pi, n) == nns.VoteUnspecified {
				t.Errorf("ballot %d/%d empty: missed", n, id)
			}
		}
	}
	c := e.net.Governance.Counters()
	if c.Calls["manage_neuron"] != c.DirectVotes {
		t.Errorf("%d manage_neuron calls for %d accepted votes: a vote was sent twice", c.Calls["manage_neuron"], c.DirectVotes)
	}
	st, err := store.Open(context.Background(), e.storePath())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.IntegrityCheck(context.Background()); err != nil {
		t.Errorf("integrity check: %v", err)
	}
	for _, id := range ids {
		for n := uint64(1001); n <= 1004; n++ {
			atts, _ := st.VoteAttempts(context.Background(), id, n)
			done := 0
			for _, a := range atts {
				if a.Outcome == bot.VoteSucceeded || a.Outcome == bot.VoteAlreadyVoted {
					done++
				}
				if a.Outcome == bot.VoteAlreadyVoted {
					t.Errorf("ballot %d/%d: a send found it already voted (sent twice?)", n, id)
				}
			}
			if done != 1 {
				t.Errorf("ballot %d/%d: %d completed attempts, want 1: %+v", n, id, done, atts)
			}
		}
	}
	hook.mu.Lock()
	for key, n := range hook.first {
		if n > 1 {
			t.Errorf("alert %s delivered %d times as new", key, n)
		}
	}
	hook.mu.Unlock()
	// Each neuron was asked about each Governance proposal (then the
	// fallback voted): the alerts went out, and only once each.
	if len(hook.first) < 4*4 {
		t.Errorf("%d alert keys delivered, want at least the 16 manual-decision alerts", len(hook.first))
	}
	t.Logf("%d kills, %d proposals × 4 neurons, %d votes accepted, %d alert keys", kills, len(ids), c.DirectVotes, len(hook.first))
}
