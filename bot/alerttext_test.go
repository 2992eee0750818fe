package bot

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
	"github.com/votebot/votebot/rewards"
	"github.com/votebot/votebot/sns"
)

var update = flag.Bool("update", false, "rewrite bot/testdata/*.golden from the current output")

// TestAlertTextsGolden pins the words of every alert kind as a person reads them: the loop's
// log line (Headline) and, through a real channel, the headline and text every channel
// renders (Slack, Telegram, Discord, email and PagerDuty escape the same content). Each alert
// is raised by the loop's own code, so a rename that leaks into a message ("policy.Decision
// needed") shows here as a diff. `go test ./bot -run TestAlertTextsGolden -update` rewrites it.
func TestAlertTextsGolden(t *testing.T) {
	got := map[alert.Kind]alert.Alert{}
	for kind, raise := range alertRaisers() {
		h := newHarness(t, 9001)
		h.opts.Neurons[0].Alias = "treasury"
		h.bot = h.newBot()
		raise(t, h)
		a, ok := firedKind(h.al, kind)
		if !ok {
			t.Fatalf("%s: the loop raised no alert of this kind", kind)
		}
		got[kind] = a
	}
	var b strings.Builder
	for _, kind := range alert.Kinds() {
		a, ok := got[kind]
		if !ok {
			t.Errorf("alert kind %s has no case here: add one to alertRaisers", kind)
			continue
		}
		p := deliverWebhook(t, a)
		b.WriteString("== " + string(kind) + "\nlog:      " + a.Headline + "\nheadline: " + p.Headline +
			"\ntext:     " + p.Text + "\n\n")
	}
	checkGolden(t, "alert_texts.golden", b.String())
}

// snsKinds are the kinds an SNS lane raises about its proposals and neurons, in
// TestAlertTextsGoldenSNS: no voting power refresh, no NNS following or maturity.
var snsKinds = []alert.Kind{alert.KindProposalAtRisk, alert.KindManualDecisionNeeded, alert.KindVoteMissed,
	alert.KindVoteUnconfirmed, alert.KindVoteRefused, alert.KindHotkeyMissing, alert.KindNeuronNotFound,
	alert.KindNeuronCannotVote, alert.KindNeuronDissolving, alert.KindAllEndpointsDown, alert.KindPollStale,
	alert.KindStandbyTookOver, alert.KindPolicyMismatch, alert.KindUnknownProposalType}

const snsGoldenRoot = "3e3x2-xyaaa-aaaaq-aaalq-cai"

// TestAlertTextsGoldenSNS pins the words of an SNS lane's alerts: the DAO
// named exactly once in what a person reads first (headline and text), the
// neuron by its short id in hex, the proposal's topic its SNS topic.
func TestAlertTextsGoldenSNS(t *testing.T) {
	const dao = "OpenChat"
	var b strings.Builder
	for _, kind := range snsKinds {
		h := newHarness(t, 9001)
		h.opts.Neurons[0].Alias = "treasury"
		h.opts.Neurons[0].SNSID = sns.FormatShortID(9001) + "ffee"
		bot, err := New(Deps{Gov: h.gov, Errors: fakeErrs{}, Store: h.store, Alerter: h.al, Decider: h.dec,
			Metrics: h.m, Logger: zerolog.New(io.Discard), Now: h.clk.Now, Governance: dao}, h.opts)
		if err != nil {
			t.Fatal(err)
		}
		h.bot = bot
		raise := alertRaisers()[kind]
		if kind == alert.KindUnknownProposalType { // an SNS topic newer than votebot
			raise = func(t *testing.T, h *harness) {
				p := h.gov.addProposal(42, nns.TopicUnspecified, 4*24*time.Hour)
				p.SNS = &policy.SNSProposal{Root: snsGoldenRoot, DAO: dao, Topic: 8}
				h.bot.titles[p.ID] = *p
				h.bot.noteUnknownKinds(context.Background(), *p)
			}
		}
		raise(t, h)
		a, ok := firedKind(h.al, kind)
		if !ok {
			t.Fatalf("%s: the SNS lane raised no alert of this kind", kind)
		}
		if a.Governance != dao {
			t.Errorf("%s: alert of governance %q, want %q", kind, a.Governance, dao)
		}
		if a.ProposalID != 0 && a.Topic != sns.TopicTreasuryAssetManagement.String() && kind != alert.KindUnknownProposalType {
			t.Errorf("%s: topic %q, want the SNS topic", kind, a.Topic)
		}
		p := deliverWebhook(t, a)
		if n := strings.Count(p.Headline+"\n"+p.Text, dao); n != 1 {
			t.Errorf("%s: headline and text name %s %d times, want once:\n%s\n%s", kind, dao, n, p.Headline, p.Text)
		}
		if p.Governance != dao {
			t.Errorf("%s: webhook governance %q", kind, p.Governance)
		}
		b.WriteString("== " + string(kind) + "\nlog:      " + a.Headline + "\nheadline: " + p.Headline +
			"\ntext:     " + p.Text + "\ntopic:    " + p.Topic + "\n\n")
	}
	checkGolden(t, "alert_texts_sns.golden", b.String())
}

// alertRaisers makes the loop raise each kind, with a proposal, a neuron and a moment that
// are the same on every run.
func alertRaisers() map[alert.Kind]func(*testing.T, *harness) {
	ctx := context.Background()
	proposal := func(h *harness) policy.Proposal {
		p := h.gov.addProposal(42, nns.TopicGovernance, 4*24*time.Hour)
		p.Title = "Raise the <b>minimum</b> stake"
		if h.bot.governance != "" { // an SNS lane's (see TestAlertTextsGoldenSNS)
			p.Topic = nns.TopicUnspecified
			p.SNS = &policy.SNSProposal{Root: snsGoldenRoot, DAO: h.bot.governance, Topic: sns.TopicTreasuryAssetManagement,
				Critical: true, FunctionID: 9, ActionName: "TransferSnsTreasuryFunds"}
		}
		h.bot.titles[p.ID] = *p
		return *p
	}
	plan := func(h *harness) BallotPlan {
		p := proposal(h)
		return BallotPlan{Proposal: &p, Neuron: h.opts.Neurons[0],
			Decision: policy.Decision{Reason: `rule "governance" says manual`}}
	}
	health := func(kind alert.Kind, mutate func(*Neuron), econ *Economics) func(*testing.T, *harness) {
		return func(t *testing.T, h *harness) {
			n := *h.gov.neurons[9001]
			mutate(&n)
			open := []policy.Proposal{proposal(h)}
			for _, a := range checkNeuronHealth(h.opts.Neurons[0], n, true, econ, "bot-principal", open, h.clk.Now()).fire {
				h.bot.fire(ctx, a)
			}
		}
	}
	econ := &Economics{MinimumDissolveDelayToVote: 14 * 24 * time.Hour}
	return map[alert.Kind]func(*testing.T, *harness){
		alert.KindProposalAtRisk: func(t *testing.T, h *harness) {
			h.bot.fire(ctx, atRiskAlert(plan(h), h.clk.Now().Add(3*24*time.Hour+23*time.Hour)))
		},
		alert.KindManualDecisionNeeded: func(t *testing.T, h *harness) { h.bot.fire(ctx, manualAlert(plan(h))) },
		alert.KindVoteMissed: func(t *testing.T, h *harness) {
			h.bot.missed(ctx, proposal(h), h.opts.Neurons[0], missProof(proposal(h), h.opts.Neurons[0]), h.clk.Now())
		},
		alert.KindVoteUnconfirmed: func(t *testing.T, h *harness) {
			h.bot.upAt = h.clk.Now().Add(5 * 24 * time.Hour)
			h.bot.unconfirmed(ctx, proposal(h), h.opts.Neurons[0], chainSilence(proposal(h), Neuron{Authorized: true}, true, true), h.clk.Now())
		},
		alert.KindVoteRefused: func(t *testing.T, h *harness) {
			h.gov.refuse = true
			bp := plan(h)
			bp.Decision = policy.Decision{Action: policy.ActionVoteNow, Vote: nns.VoteYes, Reason: `rule "governance" says yes`}
			h.bot.castOne(ctx, bp, h.opts)
		},
		alert.KindFollowingDrift: func(t *testing.T, h *harness) {
			h.bot.checkFollowing(ctx, h.dec, h.opts.Neurons[0], *h.gov.neurons[9001], map[string]uint64{"DFINITY": 27}, false, h.opts)
		},
		alert.KindRefreshDue: func(t *testing.T, h *harness) {
			h.opts.DryRun, h.opts.RefreshWhenLeft = true, 30*24*time.Hour
			h.bot.econ = &h.gov.econ
			h.bot.checkRefresh(ctx, h.opts.Neurons[0], *h.gov.neurons[9001], h.opts, h.clk.Now().Add(160*24*time.Hour))
		},
		alert.KindRefreshFailed: func(t *testing.T, h *harness) {
			h.opts.RefreshWhenLeft = 30 * 24 * time.Hour
			h.bot.econ = &h.gov.econ
			h.gov.down = true // the refresh is sent, its confirmation cannot be read
			h.bot.checkRefresh(ctx, h.opts.Neurons[0], *h.gov.neurons[9001], h.opts, h.clk.Now().Add(160*24*time.Hour))
		},
		alert.KindHotkeyMissing:  health(alert.KindHotkeyMissing, func(n *Neuron) { n.Authorized = false }, econ),
		alert.KindNeuronNotFound: health(alert.KindNeuronNotFound, func(n *Neuron) { *n = Neuron{ID: n.ID, NotFound: true} }, econ),
		alert.KindNeuronCannotVote: health(alert.KindNeuronCannotVote, func(n *Neuron) {
			n.DissolveDelay = 7 * 24 * time.Hour
		}, econ),
		alert.KindNeuronDissolving: health(alert.KindNeuronDissolving, func(n *Neuron) {
			n.DissolveDelay, n.State = 20*24*time.Hour, nns.NeuronStateDissolving
		}, econ),
		alert.KindAllEndpointsDown: func(t *testing.T, h *harness) {
			h.bot.lastPoll = h.clk.Now().Add(-10 * time.Minute)
			h.opts.StaleIntervals = 100
			h.bot.pollFailed(ctx, errDown, h.opts)
		},
		alert.KindPollStale: func(t *testing.T, h *harness) {
			h.bot.lastPoll = h.clk.Now().Add(-3 * time.Hour)
			h.opts.StaleIntervals = 2
			h.bot.pollFailed(ctx, errTransient, h.opts)
		},
		alert.KindConfigInvalid: func(t *testing.T, h *harness) {
			h.bot.FireConfigInvalid(ctx, errors.New(`votebot.yaml:12: policy.default: unknown vote "maybe"`))
		},
		alert.KindStartFailed: func(t *testing.T, h *harness) {
			h.bot.startFailed(ctx, errors.New("open store: permission denied"), h.opts)
		},
		alert.KindUnknownProposalType: func(t *testing.T, h *harness) {
			p := proposal(h)
			p.Action, p.ActionTag = policy.ActionUnknown, "FulfillSubnetRentalRequest"
			h.bot.noteUnknownKinds(ctx, p)
		},
		alert.KindClockSkew: func(t *testing.T, h *harness) {
			h.gov.skew = -95 * time.Second
			h.opts.ClockSkewAlert, h.opts.ClockSkewCritical = 30*time.Second, 4*time.Minute
			h.bot.checkClock(ctx, h.opts)
		},
		alert.KindSNSDiscoveryFailed: func(t *testing.T, h *harness) { // fired by the daemon at start and reload
			h.bot.fire(ctx, alert.SNSDiscoveryFailed(errors.New("discover snses: snsw.list_deployed_snses: all endpoints down")))
		},
		alert.KindTest: func(t *testing.T, h *harness) { // sent by votebot doctor --send-test
			h.bot.fire(ctx, alert.TestNotification("votebot", alert.SeverityInfo, h.clk.Now()))
		},
		alert.KindStandbyTookOver: func(t *testing.T, h *harness) {
			bp := plan(h)
			bp.Decision = policy.Decision{Action: policy.ActionVoteNow, Vote: nns.VoteYes, Rule: "governance",
				Reason: `rule "governance" says yes`}
			h.bot.fire(ctx, tookOverAlert(bp))
		},
		alert.KindPolicyMismatch: func(t *testing.T, h *harness) {
			bp := plan(h)
			bp.Outcome, bp.Vote = BallotFollowing, nns.VoteNo
			h.bot.fire(ctx, mismatchAlert(bp, nns.VoteYes, "governance"))
		},
		alert.KindOverridesUnreadable: func(t *testing.T, h *harness) {
			h.bot.fire(ctx, overridesAlert(errors.New("no such table: overrides"), time.Time{}))
		},
		alert.KindStoreUnwritable: func(t *testing.T, h *harness) {
			h.store.failWrites = errors.New("database or disk is full")
			h.bot.checkStore(ctx)
		},
		alert.KindRewardsLow: func(t *testing.T, h *harness) {
			ratio := 0.75
			h.bot.fire(ctx, rewardsLowAlert(rewards.MaturityAudit{Neuron: 9001, ReceivedE8s: 90_000_000,
				ExpectedE8s: 120_000_000, Ratio: &ratio,
				Event: rewards.RewardEventRef{DayAfterGenesis: 2000, At: h.clk.Now()}}))
		},
		alert.KindFolloweeUnreliable: func(t *testing.T, h *harness) {
			rec := FolloweeRecord{Followee: 28, Topic: nns.TopicSubnetManagement, TopicName: nns.TopicSubnetManagement.String(),
				Followers: []uint64{9001}, Proposals: 6, Voted: 2, Fallbacks: 4, Weak: true,
				Better: []Candidate{{Neuron: 27, Voted: 6, Of: 6, Share: 1}}}
			h.bot.fire(ctx, followeeAlert(rec, map[uint64]string{27: "DFINITY", 28: "CodeGov"}, h.clk.Now()))
		},
	}
}

func firedKind(al *recAlerter, kind alert.Kind) (alert.Alert, bool) {
	al.mu.Lock()
	defer al.mu.Unlock()
	for k, a := range al.active {
		if k.Kind == kind {
			return a, true
		}
	}
	return alert.Alert{}, false
}

// deliverWebhook sends a through a real webhook channel and returns what arrived.
func deliverWebhook(t *testing.T, a alert.Alert) alert.WebhookPayload {
	t.Helper()
	var p alert.WebhookPayload
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(body, &p); err != nil {
			t.Errorf("webhook body: %v", err)
		}
	}))
	defer srv.Close()
	ch, err := alert.NewWebhook(alert.WebhookConfig{URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if err := ch.Send(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	return p
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("alert texts differ from %s (run with -update if the change is meant):\n%s", path, lineDiff(string(want), got))
	}
}

// lineDiff lists the lines that differ, want first.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			b.WriteString("- " + wl + "\n+ " + gl + "\n")
		}
	}
	return b.String()
}
