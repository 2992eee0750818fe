package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/config"
	"github.com/votebot/votebot/daemon"
	"github.com/votebot/votebot/sns"
	"github.com/votebot/votebot/store"
)

// TestStatusSNSLanes: status shows each SNS lane under the DAO's name, its
// neurons by alias and short id, from the daemon and, when it does not
// answer, from the lane's own state database.
func TestStatusSNSLanes(t *testing.T) {
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	st := daemon.Status{Now: now, LastPoll: now.Add(-time.Minute), SNS: []daemon.LaneStatus{{
		Governance: "OpenChat", Root: testRoot, LastPoll: now.Add(-2 * time.Minute), Neurons: 2,
		Alerts: []daemon.StatusAlert{{Kind: alert.KindVoteMissed, Severity: alert.SeverityCritical, Neuron: snsFirst, Proposal: 12, Since: now.Add(-time.Hour), Sent: 1}},
		Next: []bot.NextAction{{At: now.Add(time.Hour), Kind: bot.NextDecide, Proposal: 12,
			Neuron: bot.NeuronConfig{ID: snsFirst, Alias: "main", SNSID: sns.FormatShortID(snsFirst) + "00"}, Text: "decide"}},
	}}}
	var buf bytes.Buffer
	if err := writeStatus(&buf, "http://127.0.0.1:9090", st); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	section := out[strings.Index(out, "SNS OpenChat"):]
	for _, want := range []string{"SNS OpenChat (root " + testRoot + "), 2 neurons", "1 firing", "main (0102030405060708)", "vote_missed  0102030405060708  12"} {
		if !strings.Contains(section, want) {
			t.Errorf("status lacks %q in the DAO's section:\n%s", want, out)
		}
	}

	ctx := context.Background()
	dir := t.TempDir()
	cfg := &config.Config{}
	cfg.Store.Path = filepath.Join(dir, "votebot.db")
	cfg.SNS.DAOs = []config.DAO{{Root: testRoot, Name: "OpenChat"}, {Root: "ryjl3-tyaaa-aaaaa-aaaba-cai", Name: "Dragginz"}}
	lane, err := store.Open(ctx, daemon.LaneStorePath(cfg.Store.Path, testRoot))
	if err != nil {
		t.Fatal(err)
	}
	if err := lane.Heartbeat(ctx, now.Add(-3*time.Minute)); err != nil {
		t.Fatal(err)
	}
	lane.Close()
	buf.Reset()
	if err := storeLaneStatus(ctx, &buf, cfg, now); err != nil {
		t.Fatal(err)
	}
	out = buf.String()
	for _, want := range []string{"SNS OpenChat (root " + testRoot + ")\nlast poll   2026-12-04 11:57:00 UTC, 3m0s ago",
		"SNS Dragginz (root ryjl3-tyaaa-aaaaa-aaaba-cai)\nlast poll   never"} {
		if !strings.Contains(out, want) {
			t.Errorf("store status lacks %q:\n%s", want, out)
		}
	}
}
