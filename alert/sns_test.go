package alert

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// Each lane has its own Manager over its own store, and all share the channels: two DAOs'
// (and the NNS's) alerts about the same-numbered neuron and proposal must stay three conditions
// at PagerDuty (dedup key) and Alertmanager (labels), else one DAO's alert resolves or hides
// another's.
func TestSameNumbersInTwoDAOsDoNotCollide(t *testing.T) {
	shared := &recorder{}
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	var sent []Alert
	for _, gov := range []string{"", "OpenChat", "Dragginz"} {
		m, err := NewManager(ManagerConfig{Instance: "vb", State: NewMemoryState(), Now: func() time.Time { return now },
			Routes: []Route{{Name: "pager", Notifier: shared, MinSeverity: SeverityInfo}}})
		must(t, err)
		if !fire(t, m, Alert{Kind: KindVoteMissed, Governance: gov, Neuron: 7, ProposalID: 12}) {
			t.Fatalf("%q: not sent", gov)
		}
	}
	sent = shared.sent()
	if len(sent) != 3 {
		t.Fatalf("%d alerts sent, want 3", len(sent))
	}
	keys, labels := map[string]string{}, map[string]string{}
	for _, a := range sent {
		key := pagerDutyEvent(a, "rk").DedupKey
		if prev, dup := keys[key]; dup {
			t.Errorf("PagerDuty dedup key %q of %q is also %q's", key, a.Governance, prev)
		}
		keys[key] = a.Governance
		l := fmt.Sprint(amLabels(a))
		if prev, dup := labels[l]; dup {
			t.Errorf("Alertmanager labels %s of %q are also %q's", l, a.Governance, prev)
		}
		labels[l] = a.Governance
	}
	if _, ok := keys["votebot/OpenChat/vote_missed/7/12"]; !ok {
		t.Errorf("dedup keys %v: want OpenChat's to name it", keys)
	}
}

// An SNS alert names its DAO once, shows its neuron as the metrics and the log do (the short id
// in hex), and links the SNS proposal's pages, never the NNS proposal with the same number.
func TestSNSAlertRendering(t *testing.T) {
	const root = "3e3x2-xyaaa-aaaaq-aaalq-cai"
	base := Alert{Kind: KindVoteMissed, Governance: "OpenChat", SNSRoot: root, Neuron: 0x0102030405060708,
		NeuronAlias: "oc", ProposalID: 12, Topic: "TreasuryAssetManagement", Text: "Neuron oc did not vote."}
	for _, c := range []struct {
		name      string
		mutate    func(*Alert)
		headline  string
		dapp, dsh string
	}{
		{"proposal", func(*Alert) {}, "[CRITICAL] Vote missed: neuron oc (0102030405060708), OpenChat proposal 12",
			"https://nns.ic0.app/proposal/?u=" + root + "&proposal=12",
			"https://dashboard.internetcomputer.org/sns/" + root + "/proposal/12"},
		{"neuron only", func(a *Alert) { a.Kind, a.ProposalID = KindHotkeyMissing, 0 },
			"[CRITICAL] Hotkey missing: OpenChat neuron oc (0102030405060708)", "", ""},
		{"lane only", func(a *Alert) { a.Kind, a.ProposalID, a.Neuron = KindPollStale, 0, 0 },
			"[CRITICAL] Poll stale (OpenChat)", "", ""},
		{"root unknown: no links", func(a *Alert) { a.SNSRoot = "" }, "[CRITICAL] Vote missed: neuron oc (0102030405060708), OpenChat proposal 12", "", ""},
		{"root not a canister id: no links", func(a *Alert) { a.SNSRoot = "x&proposal=1#" }, "[CRITICAL] Vote missed: neuron oc (0102030405060708), OpenChat proposal 12", "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := base
			c.mutate(&a)
			a.Severity = a.Kind.DefaultSeverity()
			got := render(a)
			if got.Headline != c.headline {
				t.Errorf("headline %q, want %q", got.Headline, c.headline)
			}
			text := got.plainText(func(s string) string { return s })
			if n := strings.Count(got.Headline+"\n"+a.Text, "OpenChat"); n != 1 {
				t.Errorf("headline and text name the DAO %d times, want once: %q", n, got.Headline)
			}
			if strings.Contains(text, "qoctq-giaaa") || strings.Contains(text, "internetcomputer.org/proposal/") {
				t.Errorf("an SNS alert links the NNS's proposal:\n%s", text)
			}
			fields := map[string]string{}
			for _, f := range got.Fields {
				fields[f.Label] = f.Value
			}
			if fields["NNS dapp"] != c.dapp || fields["Dashboard"] != c.dsh {
				t.Errorf("links %q, %q; want %q, %q", fields["NNS dapp"], fields["Dashboard"], c.dapp, c.dsh)
			}
		})
	}
	// The webhook and Alertmanager say the governance and the neuron as the metrics do.
	p := webhookPayload(base)
	if p.Governance != "OpenChat" || p.Neuron != "0102030405060708" {
		t.Errorf("webhook governance %q neuron %q", p.Governance, p.Neuron)
	}
	if l := amLabels(base); l["governance"] != "OpenChat" || l["neuron"] != "0102030405060708" {
		t.Errorf("alertmanager labels %v", l)
	}
	if p := webhookPayload(Alert{Kind: KindVoteMissed, Neuron: 42, ProposalID: 12}); p.Governance != "nns" || p.Neuron != "42" {
		t.Errorf("NNS webhook governance %q neuron %q", p.Governance, p.Neuron)
	}
}

// A Telegram decision button names its governance: an SNS manual decision's names the DAO (by
// its root), so a tap cannot decide the NNS proposal with the same number.
func TestTelegramButtonsNameTheGovernance(t *testing.T) {
	a := Alert{Kind: KindManualDecisionNeeded, Neuron: 7, ProposalID: 12}
	for _, tt := range []struct{ governance, root, want string }{
		{"", "", ""},
		{"OpenChat", "3e3x2-xyaaa-aaaaq-aaalq-cai", "3e3x2-xyaaa-aaaaq-aaalq-cai"},
		{"OpenChat", "", GovernanceTag("OpenChat")}, // no root known: the name's tag
	} {
		a.Governance, a.SNSRoot = tt.governance, tt.root
		m := telegramPayload(a, "1", true).ReplyMarkup
		if m == nil {
			t.Fatalf("%q: a manual decision has no buttons", tt.governance)
		}
		c, err := parseDecisionCallback(m.InlineKeyboard[0][0].CallbackData)
		if err != nil || c.Governance != tt.want || c.Proposal != 12 || c.Neuron != 7 {
			t.Errorf("%q: button decodes to %+v, %v; want governance %q", tt.governance, c, err, tt.want)
		}
	}
}
