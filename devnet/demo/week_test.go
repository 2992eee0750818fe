package demo_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aviate-labs/agent-go/principal"

	"github.com/votebot/votebot/config"
	"github.com/votebot/votebot/devnet/demo"
	"github.com/votebot/votebot/nns"
)

// TestWeekScenario checks that the built-in scenario has what the demo
// promises: several topics, a Governance proposal, a followee who falls
// silent, a voting-power refresh coming due, and the bot on its neurons.
func TestWeekScenario(t *testing.T) {
	bot := principal.MustDecode("2vxsx-fae")
	w, err := demo.NewWeek(2*time.Minute, bot)
	if err != nil {
		t.Fatal(err)
	}
	if got := w.Scale(3 * time.Hour); got != 3*time.Second {
		t.Errorf("3 scenario hours in a 2-minute demo = %s, want 3s", got)
	}
	if got := w.Day(); got != 24*time.Second {
		t.Errorf("a day lasts %s, want 24s", got)
	}
	topics := map[nns.Topic]int{}
	lastCodeGovVote := time.Duration(0)
	for _, p := range w.Scenario.Proposals {
		topics[p.Spec.Topic]++
		for _, v := range p.Votes {
			if v.Neuron == demo.CodeGov {
				lastCodeGovVote = max(lastCodeGovVote, p.At+v.At)
			}
		}
	}
	if len(w.Scenario.Proposals) != 15 || len(topics) < 6 || topics[nns.TopicGovernance] == 0 {
		t.Errorf("%d proposals on topics %v, want 15 on several topics with Governance", len(w.Scenario.Proposals), topics)
	}
	if last := w.Scenario.Proposals[len(w.Scenario.Proposals)-1].At; lastCodeGovVote == 0 || lastCodeGovVote > last/2 {
		t.Errorf("CodeGov's last vote at %s, want it to stop in the first half (last proposal %s)", lastCodeGovVote, last)
	}
	mine := 0
	for _, n := range w.Scenario.Neurons {
		for _, h := range n.HotKeys {
			if h.Equal(bot) {
				mine++
			}
		}
		if n.ID == demo.Savings && n.VotingPowerRefreshedAgo == 0 {
			t.Error("savings has no voting_power_refreshed_ago: no refresh comes due")
		}
	}
	if mine != len(demo.BotNeurons) {
		t.Errorf("the bot's hotkey is on %d neurons, want %d", mine, len(demo.BotNeurons))
	}
}

// TestWeekConfig: the rendered configuration loads, with its durations
// compressed like the scenario.
func TestWeekConfig(t *testing.T) {
	w, err := demo.NewWeek(40*time.Second, principal.MustDecode("2vxsx-fae"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	raw, err := w.Config("http://127.0.0.1:1", strings.Repeat("ab", 66), filepath.Join(dir, "hotkey.pem"), filepath.Join(dir, "db"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "votebot.yaml")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatalf("load: %v\n%s", err, raw)
	}
	w.Compress(cfg)
	active := cfg.Policies["active"].Timing
	if cfg.PollInterval != time.Second || active.VoteDelay != time.Second || active.DeadlineMargin != 3*time.Second {
		t.Errorf("poll %s, vote delay %s, margin %s; want 1s, 1s, 3s", cfg.PollInterval, active.VoteDelay, active.DeadlineMargin)
	}
	if cfg.Refresh.WhenLeft != 10*time.Second || cfg.Alerts.Thresholds.AtRiskBefore != 4*time.Second {
		t.Errorf("refresh when_left %s, at risk %s; want 10s, 4s", cfg.Refresh.WhenLeft, cfg.Alerts.Thresholds.AtRiskBefore)
	}
}
