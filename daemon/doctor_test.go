package daemon_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/votebot/votebot/daemon"
	"github.com/votebot/votebot/devnet/governance"
	"github.com/votebot/votebot/devnet/nnslocal"
	"github.com/votebot/votebot/nns"
)

const doctorConfig = `
neurons:
  - {id: 1001, alias: good}
  - {id: 1002, alias: ghost}
  - {id: 1003, alias: nokey}
  - {id: 1004, alias: gone}
  - {id: 1005, alias: short}
  - {id: 1006, alias: drifted}
policies:
  default:
    default: follow
    fallback: with_majority
    following:
      Governance: [27]
alerts:
  channels:
    hook: {type: webhook, url: "%s"}
`

// TestDoctorFindsEachProblem runs doctor against a devnet where each
// configured neuron fails one check — it does not exist, lacks the hotkey,
// is dissolved, is below the minimum dissolve delay, follows another
// neuron than its policy wants — and one passes them all; each failure
// names its cause and its fix. The webhook channel is only validated, and
// with SendTest receives one test notification.
func TestDoctorFindsEachProblem(t *testing.T) {
	skipLong(t)
	t.Parallel()
	e := newKeys(t)
	e.start(nnslocal.Options{Logger: zerolog.Nop()})
	const icp = 100_000_000
	year, gov := 365*24*time.Hour, map[nns.Topic][]uint64{nns.TopicGovernance: {27}}
	hot := []principalT{e.bot}
	e.addNeurons([]governance.NeuronSpec{
		{ID: 27, Controller: e.ctl, StakeE8s: 1000 * icp, DissolveDelay: year, KnownName: "DFINITY"},
		{ID: 40, Controller: e.ctl, StakeE8s: 10 * icp, DissolveDelay: year},
		{ID: 1001, Controller: e.ctl, HotKeys: hot, StakeE8s: 10 * icp, DissolveDelay: year, Followees: gov},
		{ID: 1003, Controller: e.ctl, StakeE8s: 10 * icp, DissolveDelay: year, Followees: gov},
		{ID: 1004, Controller: e.ctl, HotKeys: hot, StakeE8s: 10 * icp, Followees: gov},
		{ID: 1005, Controller: e.ctl, HotKeys: hot, StakeE8s: 10 * icp, DissolveDelay: 7 * 24 * time.Hour, Followees: gov},
		{ID: 1006, Controller: e.ctl, HotKeys: hot, StakeE8s: 10 * icp, DissolveDelay: year,
			Followees: map[nns.Topic][]uint64{nns.TopicGovernance: {40}}},
	})
	hook := &hookBodies{}
	srv := httptest.NewServer(hook)
	defer srv.Close()
	e.loadConfig(e.configf(doctorConfig, srv.URL))

	findings, err := daemon.Doctor(context.Background(), e.cfg, daemon.DoctorOptions{Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range findings {
		t.Logf("%-4s %s: %s | fix: %s", f.Status, f.Subject, f.Detail, f.Fix)
	}
	tests := []struct {
		subject, status, detail, fix string
	}{
		{"neuron good (1001)", daemon.DoctorOK, "hotkey listed; can vote", ""},
		{"neuron good (1001)", daemon.DoctorOK, "follows what its policy wants", ""},
		{"neuron ghost (1002)", daemon.DoctorFail, "Neuron ghost (1002) does not exist", "check the id in the config"},
		{"neuron nokey (1003)", daemon.DoctorFail, "neither the controller nor a hotkey", "add " + e.bot.String() + " as a hotkey"},
		{"neuron gone (1004)", daemon.DoctorFail, "is dissolved", "increase the dissolve delay to at least 14 days"},
		{"neuron short (1005)", daemon.DoctorFail, "Dissolve delay 7 days is below the minimum 14 days", "increase the dissolve delay"},
		{"neuron drifted (1006)", daemon.DoctorFail, "Governance: policy wants [27], neuron follows [40]", "votebot run sets it"},
		{"channel hook", daemon.DoctorOK, "valid (not contacted", ""},
	}
	for _, tt := range tests {
		if !hasFinding(findings, tt.subject, tt.status, tt.detail, tt.fix) {
			t.Errorf("no finding %s %q: %q (fix %q)", tt.status, tt.subject, tt.detail, tt.fix)
		}
	}
	for _, f := range findings {
		if f.Status == daemon.DoctorFail && f.Fix == "" {
			t.Errorf("failure without a fix: %+v", f)
		}
	}
	if n := hook.count(); n != 0 {
		t.Errorf("the webhook was contacted %d times without --send-test", n)
	}

	findings, err = daemon.Doctor(context.Background(), e.cfg, daemon.DoctorOptions{SendTest: true, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	if !hasFinding(findings, "channel hook", daemon.DoctorOK, "test notification accepted", "") || hook.count() != 1 ||
		!strings.Contains(hook.last(), "test") {
		t.Errorf("--send-test: %d requests (%q), findings %+v", hook.count(), hook.last(), findings)
	}
}

func hasFinding(fs []daemon.Finding, subject, status, detail, fix string) bool {
	for _, f := range fs {
		if f.Subject == subject && f.Status == status && strings.Contains(f.Detail, detail) && strings.Contains(f.Fix, fix) {
			return true
		}
	}
	return false
}

// hookBodies records the bodies a webhook receives.
type hookBodies struct {
	mu     sync.Mutex
	bodies []string
}

func (h *hookBodies) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	h.bodies = append(h.bodies, string(b))
	h.mu.Unlock()
}

func (h *hookBodies) count() int { h.mu.Lock(); defer h.mu.Unlock(); return len(h.bodies) }

func (h *hookBodies) last() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.bodies) == 0 {
		return ""
	}
	return h.bodies[len(h.bodies)-1]
}
