package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/votebot/votebot/agent"
	"github.com/votebot/votebot/agent/identity"
	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/config"
	"github.com/votebot/votebot/daemon"
	"github.com/votebot/votebot/devnet/governance"
	"github.com/votebot/votebot/devnet/nnslocal"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/rewards"
	"github.com/votebot/votebot/sns"
	"github.com/votebot/votebot/store"
)

// The week of configs/scenarios/week-sns.yaml and the config that votes it.
const (
	snsWeekScenario = "../../configs/scenarios/week-sns.yaml"
	snsWeekConfig   = "../../configs/week-sns-votebot.yaml"
	// snsWeekScale plays the file's minute-long days in 6 s: every
	// proposal settles 6 file minutes in, 36 s into the test.
	snsWeekScale = 0.1
	// snsWeekPlaceholder is the principal the files give "your" neurons.
	snsWeekPlaceholder = "2vxsx-fae"
	nnsName            = "NNS"
)

// snsWant is how a policy says one ballot ends: the vote read back from the
// canister (nns.VoteUnspecified: no ballot, the neuron is not eligible)
// and what filled it: "following" (the canister, votebot sent nothing),
// else the source of votebot's one successful vote (rule, fallback).
type snsWant struct {
	dao, title, neuron string // neuron: NNS id in decimal, an SNS neuron's short id in hex
	vote               nns.Vote
	by                 string
}

var snsWeekWants = []snsWant{
	{nnsName, "Deploy GuestOS to subnet pzp6e", "9001", nns.VoteYes, "following"},
	{nnsName, "Motion: publish the node provider roadmap", "9001", nns.VoteYes, "rule"},                       // nns-governance-yes
	{nnsName, "Update node operator config", "9001", nns.VoteYes, "fallback"},                                 // DFINITY silent: the tally
	{"Aster", "Motion: open a community grants round", "a1b0a1b0a1b0a1b0", nns.VoteYes, "following"},          // the catch-all
	{"Aster", "Transfer 50,000 AST to the <b>marketing</b> team", "a1b0a1b0a1b0a1b0", nns.VoteNo, "fallback"}, // critical: asked, then no
	{"Aster", "Upgrade the index canister to v2", "a1b0a1b0a1b0a1b0", nns.VoteYes, "rule"},                    // Aster's function 1000
	{"Aster", "Motion: open a community grants round", "a1b1a1b1a1b1a1b1", nns.VoteUnspecified, ""},           // below the minimum dissolve delay
	{"Aster", "Transfer 50,000 AST to the <b>marketing</b> team", "a1b1a1b1a1b1a1b1", nns.VoteUnspecified, ""},
	{"Aster", "Upgrade the index canister to v2", "a1b1a1b1a1b1a1b1", nns.VoteUnspecified, ""},
	{"Birch", "Motion: adopt the new logo", "b2b0b2b0b2b0b2b0", nns.VoteYes, "following"},
	{"Birch", "Motion: rename the token", "b2b0b2b0b2b0b2b0", nns.VoteNo, "following"},
	{"Birch", "Motion: hold a weekly community call", "b2b0b2b0b2b0b2b0", nns.VoteYes, "fallback"}, // the lead silent: the tally
	{"Cedar", "Motion: FREE AIRDROP for early holders", "c3b0c3b0c3b0c3b0", nns.VoteNo, "rule"},    // no-airdrops
	{"Cedar", "Upgrade the game canister", "c3b0c3b0c3b0c3b0", nns.VoteYes, "following"},
}

// TestSNSWeekEndToEnd is issue 21's "done when": the compressed week of
// the NNS and three SNS DAOs (Aster with a critical proposal, Birch paying
// no rewards, Cedar where the hotkey holds Disburse), voted by the daemon
// with the repository's config. Every ballot read back from the canisters
// through the agent ends as the policies say; every alert delivered to a
// webhook names its DAO exactly once; the report's participation per DAO
// equals the ballots read back; config validate warns about Disburse.
func TestSNSWeekEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("plays a 36 s devnet week")
	}
	t.Parallel()
	w := startSNSWeek(t)
	hooks := newHookRec(t)
	app, err := daemon.Assemble(context.Background(), daemon.AppOptions{Config: w.cfg, Logger: zerolog.Nop(),
		Routes: []alert.Route{{Name: "hook", Notifier: hooks.notifier(t), MinSeverity: alert.SeverityInfo}},
		Tune:   func(o *bot.Options) { o.PollInterval, o.RetryBackoff = 250*time.Millisecond, 250*time.Millisecond }})
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	if n := len(app.Lanes()); n != 3 {
		t.Fatalf("%d SNS lanes, want 3", n)
	}
	watch := newBallotWatch(t, w)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- app.RunLoop(ctx) }()
	watchErr := watch.run(90 * time.Second) // the week takes 36 s
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if watchErr != nil {
		t.Fatal(watchErr)
	}

	// Every ballot as the policies say, and sent by votebot at most once.
	for _, want := range snsWeekWants {
		got, ok := watch.vote(want.dao, want.title, want.neuron)
		if want.vote == nns.VoteUnspecified {
			if ok {
				t.Errorf("%s %q, neuron %s: a ballot (%s), want none (not eligible)", want.dao, want.title, want.neuron, got)
			}
			continue
		}
		if got != want.vote {
			t.Errorf("%s %q, neuron %s: %s on the canister, want %s (%s)", want.dao, want.title, want.neuron, got, want.vote, want.by)
		}
		if by := sentBy(t, app, watch, want); by != want.by {
			t.Errorf("%s %q, neuron %s: filled by %s, want %s", want.dao, want.title, want.neuron, by, want.by)
		}
	}

	// The alerts: the treasury transfer asked a person once; nothing was
	// at risk, missed or refused; each alert names its DAO exactly once.
	treasury, _ := watch.id("Aster", "Transfer 50,000 AST to the <b>marketing</b> team")
	if n := hooks.count(alert.KindManualDecisionNeeded, "Aster", treasury, false); n != 1 {
		t.Errorf("manual decision alerts on Aster's treasury transfer: %d, want 1", n)
	}
	if n := hooks.countKind(alert.KindNeuronCannotVote); n != 1 || hooks.count(alert.KindNeuronCannotVote, "Aster", 0, false) != 1 {
		t.Errorf("%d neuron-cannot-vote alerts, want 1: Aster's neuron below the minimum dissolve delay", n)
	}
	for _, k := range []alert.Kind{alert.KindProposalAtRisk, alert.KindVoteMissed, alert.KindVoteRefused, alert.KindVoteUnconfirmed} {
		if n := hooks.countKind(k); n != 0 {
			t.Errorf("%d %s alerts, want none", n, k)
		}
	}
	for _, p := range hooks.all() {
		t.Logf("alert %s %s: %s", p.At.Format("15:04:05.000"), p.Key, p.Headline)
		text := p.Headline + "\n" + p.Text
		for _, dao := range []string{"Aster", "Birch", "Cedar"} {
			want := 0
			if p.Governance == dao {
				want = 1
			}
			if n := strings.Count(text, dao); n != want {
				t.Errorf("alert %s names %s %d times, want %d:\n%s", p.Key, dao, n, want, text)
			}
		}
	}
	if err := app.Close(); err != nil {
		t.Fatal(err)
	}

	// The report, per DAO, counts the ballots read back: every settled
	// proposal the neuron had a ballot on, voted.
	r := snsWeekReport(t, w.cfgPath)
	checkParticipation := func(dao, neuron string, p rewards.Participation) {
		t.Helper()
		wantCounted, wantVoted := watch.ballots(dao, neuron)
		if p.Counted != wantCounted || p.Voted != wantVoted {
			t.Errorf("report: %s neuron %s: %d of %d ballots voted; the canister's: %d of %d", dao, neuron, p.Voted, p.Counted, wantVoted, wantCounted)
		}
		if wantCounted > 0 && (p.Missed != 0 || p.Unknown != 0 || p.Pending != 0) {
			t.Errorf("report: %s neuron %s: %d missed, %d unknown, %d pending; want every ballot settled and voted", dao, neuron, p.Missed, p.Unknown, p.Pending)
		}
	}
	if len(r.Neurons) != 1 {
		t.Fatalf("report: %d NNS neurons, want 1", len(r.Neurons))
	}
	checkParticipation(nnsName, "9001", r.Neurons[0].Selected)
	if len(r.SNS) != 3 {
		t.Fatalf("report: %d SNS sections, want 3", len(r.SNS))
	}
	for _, s := range r.SNS {
		for _, n := range s.Neurons {
			checkParticipation(s.Governance, n.Neuron, n.Selected)
		}
	}

	// config validate, on the devnet: the hotkey may disburse Cedar's neuron.
	code, out, errs := runCmd(t, "config", "validate", "--config", w.cfgPath)
	if code != 0 || !strings.Contains(errs, "also holds Disburse on this neuron in Cedar") {
		t.Errorf("config validate: exit %d, want 0 and a warning about Disburse in Cedar:\n%s%s", code, out, errs)
	}
	if strings.Count(errs, "holds Disburse") != 1 {
		t.Errorf("config validate warns about Disburse %d times, want once (Cedar):\n%s", strings.Count(errs, "holds Disburse"), errs)
	}
	// Its history notes read the DAOs' stores too: the SNS rules matched
	// there this week, so none is called unused.
	for _, rule := range []string{"ask-treasury", "index-upgrades"} {
		if strings.Contains(out+errs, fmt.Sprintf("rule %q", rule)) {
			t.Errorf("config validate calls the SNS rule %q unused after a week it matched in:\n%s%s", rule, out, errs)
		}
	}

	// Rewards in each DAO's token: Birch pays nothing, Aster and Cedar pay.
	var unpriced []string
	for _, s := range r.SNS {
		want := map[string]string{"Aster": "AST", "Birch": "BIR", "Cedar": "CED"}[s.Governance]
		if s.Symbol != want {
			t.Errorf("report: %s's token %q, want %q (its ledger's icrc1_symbol)", s.Governance, s.Symbol, want)
		}
		for _, n := range s.Neurons {
			switch {
			case n.Selected.Counted == 0:
			case n.ExpectedE8s == nil:
				unpriced = append(unpriced, fmt.Sprintf("%s %s: %q", s.Governance, n.Neuron, s.Warnings))
			case s.Governance == "Birch" && *n.ExpectedE8s != 0:
				t.Errorf("report: Birch pays no rewards, but %s expects %d e8s", n.Neuron, *n.ExpectedE8s)
			case s.Governance != "Birch" && *n.ExpectedE8s == 0:
				t.Errorf("report: %s pays rewards, but %s expects none", s.Governance, n.Neuron)
			}
		}
	}
	if len(unpriced) > 0 {
		// The lane re-reads its DAO's facts every ten polls: a fresh DAO
		// has ended no reward round when its lane starts.
		t.Errorf("report: a paying DAO's rewards are not priced: %s", strings.Join(unpriced, "; "))
	}
}

// snsWeek is the running devnet of week-sns.yaml and the loaded config.
type snsWeek struct {
	net     *nnslocal.Network
	cfg     *config.Config
	cfgPath string
}

// startSNSWeek starts the scenario with the test's hotkey for "yours",
// compressed by snsWeekScale, and loads the repository's config beside the
// hotkey, pointed at the devnet, its durations compressed alike.
func startSNSWeek(t *testing.T) snsWeek {
	t.Helper()
	dir := t.TempDir()
	key, err := identity.WriteNew(filepath.Join(dir, "devnet-hotkey.pem"), identity.Ed25519)
	if err != nil {
		t.Fatal(err)
	}
	me := key.Identity.Sender().String()
	raw, err := os.ReadFile(snsWeekScenario)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(raw), "principal: "+snsWeekPlaceholder) + strings.Count(string(raw), "hotkeys: ["+snsWeekPlaceholder+"]"); n != 5 {
		t.Fatalf("%s: the placeholder principal is on %d neurons, want 5", snsWeekScenario, n)
	}
	scenario, err := governance.ParseScenario([]byte(strings.ReplaceAll(string(raw), snsWeekPlaceholder, me)), filepath.Dir(snsWeekScenario))
	if err != nil {
		t.Fatal(err)
	}
	net, err := nnslocal.Start(context.Background(), nnslocal.Options{Scenario: scenario, TimeScale: snsWeekScale, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = net.Close() })

	text, err := os.ReadFile(snsWeekConfig)
	if err != nil {
		t.Fatal(err)
	}
	cfgText := strings.NewReplacer(
		"http://127.0.0.1:4943", net.URL,
		"root_key: fetch", "root_key: "+net.RootKeyHex(),
		"127.0.0.1:9466", "127.0.0.1:0",
		// A file day is a minute; here it is 6 s.
		"deadline_margin: 1m", "deadline_margin: 6s",
		"poll_interval: 10s", "poll_interval: 1s",
	).Replace(string(text))
	cfgPath := filepath.Join(dir, "votebot.yaml")
	if err := os.WriteFile(cfgPath, []byte(cfgText), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	// Below what a real config may set: at risk half a day before the
	// deadline, after the fallback's margin of a day.
	cfg.Alerts.Thresholds.AtRiskBefore = 3 * time.Second
	cfg.Alerts.Thresholds.ReminderInterval = time.Hour
	cfg.Refresh.WhenLeft = 6 * time.Minute
	return snsWeek{net: net, cfg: cfg, cfgPath: cfgPath}
}

// ballotWatch reads every proposal of the NNS and each DAO through the
// agent, as the hotkey (so with its neurons' ballots), until all have
// settled, keeping the last ballots seen before settlement purged them.
type ballotWatch struct {
	t    *testing.T
	gov  *agent.Governance
	daos map[string]*agent.SNSGovernance
	want map[string]int // proposals per DAO in the scenario

	mu      sync.Mutex
	ids     map[[2]string]uint64
	votes   map[[3]string]nns.Vote // dao, title, neuron
	settled map[[2]string]bool
}

func newBallotWatch(t *testing.T, w snsWeek) *ballotWatch {
	t.Helper()
	gov, err := daemon.Connect(context.Background(), w.cfg, zerolog.Nop(), nil)
	if err != nil {
		t.Fatal(err)
	}
	b := &ballotWatch{t: t, gov: gov, daos: map[string]*agent.SNSGovernance{}, want: map[string]int{},
		ids: map[[2]string]uint64{}, votes: map[[3]string]nns.Vote{}, settled: map[[2]string]bool{}}
	for _, s := range w.net.SNSes {
		b.daos[s.Name] = gov.SNS(s.IDs.Governance)
	}
	for _, want := range snsWeekWants {
		b.want[want.dao]++ // counts ballots; titles are counted in done
	}
	return b
}

// run reads until every scenario proposal has settled or limit passes.
func (b *ballotWatch) run(limit time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		b.read(ctx)
		if b.done() {
			return nil
		}
		select {
		case <-ctx.Done():
			b.mu.Lock()
			defer b.mu.Unlock()
			return fmt.Errorf("the week did not settle in %s: %d of the %d proposals seen have settled", limit, len(b.settled), len(b.ids))
		case <-tick.C:
		}
	}
}

func (b *ballotWatch) read(ctx context.Context) {
	infos, err := b.gov.ListProposals(ctx, nns.ListProposalInfoRequest{})
	if err == nil {
		for _, pi := range infos {
			if pi.Id == nil || pi.Proposal == nil || pi.Proposal.Title == nil {
				continue
			}
			for _, e := range pi.Ballots {
				b.record(nnsName, *pi.Proposal.Title, strconv.FormatUint(e.NeuronId, 10), nns.Vote(e.Ballot.Vote))
			}
			b.see(nnsName, *pi.Proposal.Title, pi.Id.Id, nns.RewardStatus(pi.RewardStatus) == nns.RewardStatusSettled)
		}
	}
	for dao, g := range b.daos {
		pds, err := g.ListProposals(ctx, sns.ListProposals{})
		if err != nil {
			continue
		}
		for _, pd := range pds {
			if pd.Id == nil || pd.Proposal == nil {
				continue
			}
			for _, e := range pd.Ballots {
				if len(e.NeuronId) >= 16 {
					b.record(dao, pd.Proposal.Title, e.NeuronId[:16], nns.Vote(e.Ballot.Vote))
				}
			}
			b.see(dao, pd.Proposal.Title, pd.Id.Id, pd.RewardEventRound > 0 || pd.RewardEventEndTimestampSeconds != nil)
		}
	}
}

func (b *ballotWatch) record(dao, title, neuron string, v nns.Vote) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.votes[[3]string{dao, title, neuron}] = v
}

func (b *ballotWatch) see(dao, title string, id uint64, settled bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.ids[[2]string{dao, title}] = id
	if settled {
		b.settled[[2]string{dao, title}] = true
	}
}

// done: every proposal of snsWeekWants has been seen settled.
func (b *ballotWatch) done() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, w := range snsWeekWants {
		if !b.settled[[2]string{w.dao, w.title}] {
			return false
		}
	}
	return true
}

func (b *ballotWatch) vote(dao, title, neuron string) (nns.Vote, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	v, ok := b.votes[[3]string{dao, title, neuron}]
	return v, ok
}

func (b *ballotWatch) id(dao, title string) (uint64, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	id, ok := b.ids[[2]string{dao, title}]
	return id, ok
}

// ballots counts a neuron's ballots read back in a DAO, and those voted.
func (b *ballotWatch) ballots(dao, neuron string) (counted, voted int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for k, v := range b.votes {
		if k[0] == dao && k[2] == neuron {
			counted++
			if v != nns.VoteUnspecified {
				voted++
			}
		}
	}
	return counted, voted
}

// sentBy says what filled a ballot: the source of votebot's successful
// vote in the lane's store, "following" when votebot sent none; a second
// successful vote is reported as an error.
func sentBy(t *testing.T, app *daemon.App, watch *ballotWatch, w snsWant) string {
	t.Helper()
	id, ok := watch.id(w.dao, w.title)
	if !ok {
		return "(proposal never seen)"
	}
	st, neuron := app.Store, uint64(9001)
	if w.dao != nnsName {
		for _, l := range app.Lanes() {
			if l.Governance == w.dao {
				st = l.Store
			}
		}
		full, err := sns.ParseNeuronID(strings.Repeat(w.neuron, 4))
		if err != nil {
			t.Fatal(err)
		}
		neuron = sns.ShortID(full)
	}
	atts, err := st.VoteAttempts(context.Background(), id, neuron)
	if err != nil {
		t.Fatal(err)
	}
	var ok1 []store.VoteAttempt
	for _, a := range atts {
		if a.Outcome == "succeeded" {
			ok1 = append(ok1, a)
		}
	}
	switch len(ok1) {
	case 0:
		return "following"
	case 1:
		if ok1[0].Vote != w.vote {
			return ok1[0].Source + " (" + ok1[0].Vote.String() + ")"
		}
		return ok1[0].Source
	}
	return fmt.Sprintf("votebot, %d times", len(ok1))
}

// weekReport is what the test reads of `votebot report --json`: the NNS
// neurons, then a section per DAO.
type weekReport struct {
	Neurons []struct {
		Neuron   uint64                `json:"neuron"`
		Selected rewards.Participation `json:"selected"`
	} `json:"neurons"`
	SNS []struct {
		Governance string   `json:"governance"`
		Symbol     string   `json:"symbol"`
		Warnings   []string `json:"warnings"`
		Neurons    []struct {
			Neuron      string                `json:"neuron"` // the short id in hex
			Selected    rewards.Participation `json:"selected"`
			ExpectedE8s *uint64               `json:"expected_rewards_e8s"`
		} `json:"neurons"`
	} `json:"sns"`
}

// snsWeekReport is `votebot report --json` on the week's stores.
func snsWeekReport(t *testing.T, cfgPath string) weekReport {
	t.Helper()
	code, out, errs := runReportCmd(t, "--config", cfgPath, "--json")
	if code != 0 {
		t.Fatalf("report --json: exit %d: %s", code, errs)
	}
	var r weekReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("report --json: %v\n%s", err, out)
	}
	if _, text, _ := runReportCmd(t, "--config", cfgPath); text != "" {
		t.Logf("votebot report\n%s", text)
	}
	return r
}

// hookRec is a webhook receiver: the alerts as a channel delivers them.
type hookRec struct {
	srv *httptest.Server
	mu  sync.Mutex
	got []alert.WebhookPayload
}

func newHookRec(t *testing.T) *hookRec {
	t.Helper()
	h := &hookRec{}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p alert.WebhookPayload
		if err := json.NewDecoder(r.Body).Decode(&p); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		h.mu.Lock()
		h.got = append(h.got, p)
		h.mu.Unlock()
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hookRec) notifier(t *testing.T) alert.Notifier {
	t.Helper()
	n, err := alert.NewWebhook(alert.WebhookConfig{URL: h.srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func (h *hookRec) all() []alert.WebhookPayload {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.got)
}

// count counts first messages (resolved: resolutions) of kind about a
// DAO's proposal.
func (h *hookRec) count(kind alert.Kind, dao string, proposal uint64, resolved bool) int {
	n := 0
	for _, p := range h.all() {
		if p.Kind == kind && p.Governance == dao && p.ProposalID == proposal && p.Resolved == resolved && p.Reminder == 0 {
			n++
		}
	}
	return n
}

func (h *hookRec) countKind(kind alert.Kind) int {
	n := 0
	for _, p := range h.all() {
		if p.Kind == kind && !p.Resolved {
			n++
		}
	}
	return n
}
