package daemon_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/daemon"
	"github.com/votebot/votebot/devnet"
	"github.com/votebot/votebot/nns"
)

// A devnet that rate-limits like a boundary node (429 with Retry-After):
// every ballot is still filled, and the daemon's metrics show the 429s and
// the adaptive limit of the signed client that voted.
func TestRateLimitedVotesCounted(t *testing.T) {
	pace := devnet.Pace{Update: devnet.Latency{Base: 50 * time.Millisecond}, Rate: 40, Burst: 4}
	const period = 4 * 24 * time.Hour
	pn := newPacedNet(t, pace, period)
	const n = 60
	pn.neurons(n, false, "1h")
	app := pn.assemble(func(o *bot.Options) { o.PollInterval = time.Second })
	defer app.Close()
	ctx := context.Background()
	if _, err := app.Bot.Once(ctx); err != nil {
		t.Fatal(err)
	}
	var ids []uint64
	for k := 0; k < 2; k++ {
		ids = append(ids, pn.propose(t, nns.TopicSubnetManagement, fmt.Sprintf("p%d", k), time.Now().Add(period), period))
	}
	for i := 0; !filledAll(pn.e2e, ids, n); i++ {
		if i == 10 {
			t.Fatal("ballots not filled after 10 passes")
		}
		if _, err := app.Bot.Once(ctx); err != nil {
			t.Fatal(err)
		}
	}
	signed := func(l map[string]string) bool { return l["client"] == "signed" }
	if got := counterSum(t, app, "votebot_api_rate_limited_total", signed); got == 0 {
		t.Error("votebot_api_rate_limited_total{client=signed} is 0 after a burst over the devnet's rate")
	}
	limit := gaugeValue(t, app, "votebot_api_concurrency_limit", map[string]string{"client": "signed", "kind": "update"})
	if limit < 1 {
		t.Errorf("votebot_api_concurrency_limit{client=signed,kind=update} = %v, want ≥ 1", limit)
	}
	if got := gaugeValue(t, app, "votebot_api_in_flight", map[string]string{"client": "signed", "kind": "update"}); got != 0 {
		t.Errorf("votebot_api_in_flight after the pass = %v, want 0", got)
	}
}

// gaugeValue is the gauge series of the family whose labels include
// want (-1 when there is none).
func gaugeValue(t *testing.T, app *daemon.App, name string, want map[string]string) float64 {
	t.Helper()
	fams, err := app.Metrics.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		if f.GetName() != name {
			continue
		}
	series:
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			for k, v := range want {
				if labels[k] != v {
					continue series
				}
			}
			return m.GetGauge().GetValue()
		}
	}
	return -1
}
