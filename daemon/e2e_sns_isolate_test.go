package daemon_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/daemon"
	"github.com/votebot/votebot/devnet"
	"github.com/votebot/votebot/devnet/governance"
	"github.com/votebot/votebot/devnet/nnslocal"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/sns"
)

const snsIsolateConfig = `
instance: sns-isolate-test
poll_interval: 1s
neurons: [{id: 1001}]
policies:
  default:
    fallback: none
    default: follow
    rules:
      - {name: upgrades, match: {title: "(?i)upgrade"}, vote: yes}
sns:
  discover: true
  daos:
    - root: %s
      name: Alpha
      neurons: [{id: %s}]
    - root: %s
      name: Gamma
      following: {Governance: [%s]}
    - root: %s
`

// TestSNSLaneIsolated: one DAO that does not answer at start (its root
// canister stopped) stops neither the NNS lane nor another DAO's: votebot
// starts, both vote, and discovery's failure and the silent DAO each raise
// one alert — the DAO's naming it. Once the DAO answers, its lane finds
// the neurons the hotkey may vote with, sets their following, votes, and
// its alert resolves; a reload retries discovery and resolves that alert
// too.
func TestSNSLaneIsolated(t *testing.T) {
	skipLong(t)
	t.Parallel()
	e := newKeys(t)
	me := e.bot.String()
	e.startSNSes(`
snses:
  - name: Alpha
    voting_period: 1h
    neurons:
      - {id: `+hexID(1)+`, stake_e8s: 100000000, dissolve_delay: 365d}
      - {id: `+hexID(2)+`, dissolve_delay: 365d, permissions: [{principal: `+me+`, types: [Vote]}]}
  - name: Gamma
    voting_period: 1h
    neurons:
      - {id: `+hexID(5)+`, stake_e8s: 100000000, dissolve_delay: 365d}
      - {id: `+hexID(6)+`, dissolve_delay: 365d, permissions: [{principal: `+me+`, types: [Vote]}]}
  - name: Delta
    neurons:
      - {id: `+hexID(7)+`, dissolve_delay: 365d, permissions: [{principal: `+me+`, types: [Vote]}]}
`, time.Hour, devnet.Pace{})
	alpha, gamma, delta := e.net.SNSes[0], e.net.SNSes[1], e.net.SNSes[2]
	id := func(b byte) []byte {
		t.Helper()
		x, ok := alpha.Runner.NeuronID(hexID(b))
		if !ok {
			x, ok = gamma.Runner.NeuronID(hexID(b))
		}
		if !ok {
			t.Fatalf("no neuron %s", hexID(b))
		}
		return x
	}
	// Gamma's root rejects every call, as while it is upgraded: neither
	// its canisters nor (SNS-W lists it) discovery can be read.
	// Delta, silent too, has no name in the config: its root names it.
	e.net.Server.SetStopped(gamma.IDs.Root, true)
	e.net.Server.SetStopped(delta.IDs.Root, true)
	raw := e.configf(snsIsolateConfig, alpha.IDs.Root, sns.NeuronIDHex(id(2)), gamma.IDs.Root, sns.NeuronIDHex(id(5)), delta.IDs.Root)
	e.loadConfig(raw)
	var events eventLog
	app, err := assembleWith(e, &events)
	if err != nil {
		t.Fatalf("assemble with one DAO silent: %v", err)
	}
	defer app.Close()
	lanes := app.Lanes()
	if len(lanes) != 3 || lanes[0].Governance != "Alpha" || lanes[1].Governance != "Gamma" || lanes[2].Governance != delta.IDs.Root.String() {
		t.Fatalf("lanes %v, want Alpha, Gamma (silent, named by the config) and Delta (silent, named by its root %s)",
			laneNames(lanes), delta.IDs.Root)
	}

	ctx := context.Background()
	nnsUp, err := e.net.Governance.SubmitProposal(governance.ProposalSpec{Proposer: 40, Topic: nns.TopicGovernance,
		Title: "Upgrade the NNS", Action: nns.Action{Motion: &nns.Motion{MotionText: "x"}}})
	if err != nil {
		t.Fatal(err)
	}
	alphaUp, err := alpha.Runner.Canister().MakeProposal(snsProposal(id(1), "Upgrade Alpha"))
	if err != nil {
		t.Fatal(err)
	}
	gammaUp, err := gamma.Runner.Canister().MakeProposal(snsProposal(id(5), "Upgrade Gamma"))
	if err != nil {
		t.Fatal(err)
	}
	ag := app.Governance().SNS(alpha.IDs.Governance)
	gg := app.Governance().SNS(gamma.IDs.Governance)
	snsVote := func(g interface {
		GetProposal(context.Context, uint64) (sns.ProposalData, error)
	}, p uint64, neuron []byte) int32 {
		t.Helper()
		pd, err := g.GetProposal(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		return snsVoteOf(pd, neuron)
	}
	nnsVote := func() nns.Vote {
		pi, _ := e.net.Governance.ProposalInfo(nnsUp)
		return ballotOf(pi, 1001)
	}
	stale := alert.Key{Kind: alert.KindPollStale, Governance: "Gamma"}.String()
	discovery := alert.KeyFor(alert.KindSNSDiscoveryFailed, 0, 0)
	// waitFor polls cond for up to 15 s.
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		for end := time.Now().Add(15 * time.Second); !cond(); time.Sleep(200 * time.Millisecond) {
			if time.Now().After(end) {
				t.Fatalf("timed out waiting for %s", what)
			}
		}
	}

	stop := runUntilStop(t, app.RunLoop)
	defer stop()
	waitFor("the NNS and Alpha votes and Gamma's alert", func() bool {
		first, _, _ := e.alerts.count(stale)
		return nnsVote() == nns.VoteYes && snsVote(ag, alphaUp, id(2)) == sns.VoteYes && first > 0
	})
	time.Sleep(time.Second) // more failed passes: still one alert
	if v := snsVote(gg, gammaUp, id(6)); v != sns.VoteUnspecified {
		t.Errorf("Gamma's neuron voted %d while its root was stopped", v)
	}
	named := 0
	for _, a := range e.alerts.snapshot() {
		if a.Governance == "Gamma" && !a.Resolved && a.Reminder == 0 {
			named++
			if a.Key != stale || strings.Contains(a.Text, "Gamma") {
				t.Errorf("Gamma's alert %s: %q; want %s, the DAO named once (by its governance, not again in the text)", a.Key, a.Text, stale)
			}
		}
	}
	if named != 1 {
		t.Errorf("%d alerts naming Gamma while it is silent, want 1", named)
	}
	if first, _, _ := e.alerts.count(discovery); first != 1 {
		t.Errorf("%s: %d first messages, want 1", discovery, first)
	}

	e.net.Server.SetStopped(gamma.IDs.Root, false)
	e.net.Server.SetStopped(delta.IDs.Root, false)
	waitFor("Gamma's vote", func() bool { return snsVote(gg, gammaUp, id(6)) == sns.VoteYes })
	waitFor("Gamma's alert resolved", func() bool { _, _, r := e.alerts.count(stale); return r == 1 })
	if ns := lanes[1].Bot.Neurons(); len(ns) != 1 || ns[0].SNSID != sns.NeuronIDHex(id(6)) {
		t.Errorf("Gamma's neurons %+v, want the one the hotkey may vote with", ns)
	}
	// What report and the console show of it is recorded once it answers.
	if f, ok, err := lanes[1].Store.SNSFacts(ctx); err != nil || !ok || f.Name != "Gamma" || f.Symbol == "" {
		t.Errorf("Gamma's recorded facts %+v (recorded %v, %v); want its name and token symbol", f, ok, err)
	}
	// The following it could not set at start is set once Gamma answers.
	mine, err := gg.ListNeurons(ctx, &e.bot)
	if err != nil {
		t.Fatal(err)
	}
	if len(mine) != 1 || !followsSNS(mine[0], sns.TopicGovernance, id(5)) {
		t.Errorf("Gamma's neuron does not follow %s on Governance once Gamma answers", sns.NeuronIDHex(id(5))[:16])
	}

	// SIGHUP: discovery is retried; both DAOs are configured, nothing to add.
	path := filepath.Join(e.dir, "votebot.yaml")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := app.Reload(ctx, path); err != nil {
		t.Fatal(err)
	}
	if _, _, r := e.alerts.count(discovery); r != 1 {
		t.Errorf("%s: %d resolutions after the reload, want 1", discovery, r)
	}
	if first, _, _ := e.alerts.count(stale); first != 1 {
		t.Errorf("%s: %d first messages in all, want 1", stale, first)
	}
	for _, a := range e.alerts.snapshot() {
		t.Logf("%s %s resolved=%v %s: %s", a.At.Format("15:04:05.000"), a.Key, a.Resolved, a.Headline, a.Text)
	}
}

const snsDiscoverReloadConfig = `
instance: sns-discover-reload-test
poll_interval: 1s
neurons: [{id: 1001}]
sns:
  discover: true
  daos:
    - root: %s
      name: Alpha
      neurons: [{id: %s}]
`

// TestSNSDiscoveryFailsAtReload: a reload whose discovery fails (an SNS
// it lists is silent) still applies, keeps the DAO discovery had found at
// start as it was (not "removed": nothing to restart for), and alerts
// once; the next reload whose discovery succeeds resolves the alert.
func TestSNSDiscoveryFailsAtReload(t *testing.T) {
	skipLong(t)
	t.Parallel()
	e := newKeys(t)
	me := e.bot.String()
	scenario, err := governance.ParseScenario([]byte(`
snses:
  - name: Alpha
    neurons:
      - {id: `+hexID(2)+`, dissolve_delay: 365d, permissions: [{principal: `+me+`, types: [Vote]}]}
  - name: Beta
    neurons:
      - {id: `+hexID(5)+`, dissolve_delay: 365d, permissions: [{principal: `+me+`, types: [Vote]}]}
`), "")
	if err != nil {
		t.Fatal(err)
	}
	e.start(nnslocal.Options{Scenario: scenario})
	e.addProposerAndBotNeurons(botNeuron{1001, 10})
	alpha, beta := e.net.SNSes[0], e.net.SNSes[1]
	two, ok := alpha.Runner.NeuronID(hexID(2))
	if !ok {
		t.Fatal("no neuron 2")
	}
	raw := e.configf(snsDiscoverReloadConfig, alpha.IDs.Root, sns.NeuronIDHex(two))
	e.loadConfig(raw)
	logs := &syncBuffer{}
	app, err := daemon.Assemble(context.Background(), daemon.AppOptions{Config: e.cfg, Logger: zerolog.New(logs),
		Routes: []alert.Route{{Name: "rec", Notifier: e.alerts}}})
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	lanes := app.Lanes()
	if len(lanes) != 2 || lanes[1].Governance != "Beta" {
		t.Fatalf("lanes %v, want Alpha and Beta (discovered)", laneNames(lanes))
	}
	discovery := alert.KeyFor(alert.KindSNSDiscoveryFailed, 0, 0)
	path := filepath.Join(e.dir, "votebot.yaml")
	reload := func() []string {
		t.Helper()
		offset := logs.Len()
		if err := os.WriteFile(path, raw, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := app.Reload(context.Background(), path); err != nil {
			t.Fatalf("reload: %v", err)
		}
		return logs.reloadMessages(offset)
	}

	e.net.Server.SetStopped(beta.IDs.Root, true)
	msgs := reload()
	if len(msgs) == 0 || msgs[len(msgs)-1] != "configuration reloaded" || strings.Contains(strings.Join(msgs, "\n"), "Beta") {
		t.Errorf("reload with discovery failing said %q, want only that it reloaded (Beta unchanged, nothing to restart)", msgs)
	}
	if ns := lanes[1].Bot.Neurons(); len(ns) != 1 || ns[0].ID != sns.ShortID(mustNeuron(t, beta, hexID(5))) {
		t.Errorf("Beta's neurons after the reload %+v, want its neuron as before", ns)
	}
	if first, _, _ := e.alerts.count(discovery); first != 1 {
		t.Errorf("%s: %d first messages, want 1", discovery, first)
	}
	if !strings.Contains(logs.String(), "retried, at the next reload (SIGHUP) or restart") {
		t.Error("the log does not say when discovery is retried")
	}

	e.net.Server.SetStopped(beta.IDs.Root, false)
	reload()
	if first, _, r := e.alerts.count(discovery); first != 1 || r != 1 {
		t.Errorf("%s: %d first messages and %d resolutions after discovery succeeded, want 1 and 1", discovery, first, r)
	}
}

func mustNeuron(t *testing.T, s nnslocal.SNS, ref string) []byte {
	t.Helper()
	id, ok := s.Runner.NeuronID(ref)
	if !ok {
		t.Fatalf("no neuron %s", ref)
	}
	return id
}

// snapshot is every alert delivered so far.
func (r *alertRec) snapshot() []alert.Alert {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]alert.Alert(nil), r.got...)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
