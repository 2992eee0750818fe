package rewards

import (
	"strings"
	"testing"
	"time"
)

// TestEarnedIsReceivedPerAudit: where the reward audit covers the window,
// a neuron's EARNED is the maturity the audit saw arrive at the window's
// events (an underpaid neuron earns less than its participation predicts);
// events outside the window and ones where maturity left the neuron do not
// count; without audit rows the estimate stays.
func TestEarnedIsReceivedPerAudit(t *testing.T) {
	h := loadHistory(t)
	e := DefaultEconomics(RegimeCurrent)
	w, err := ParseWindow("7d", e, tNow)
	if err != nil {
		t.Fatal(err)
	}
	ev := func(day uint64, at time.Time) RewardEventRef { return RewardEventRef{DayAfterGenesis: day, At: at} }
	in := ReportInput{Economics: e, Now: tNow, Window: w, Observations: h.Observations, Neurons: h.Neurons,
		SupplyE8s: h.SupplyE8s, NetworkVotingPowerE8s: h.NetworkVotingPowerE8s}
	estimate := BuildReport(in)
	in.Audit = []MaturityAudit{
		AuditMaturity(1001, ev(1, tNow.Add(-48*time.Hour)), 100, Maturity{}, Maturity{MaturityE8s: 100}),
		AuditMaturity(1001, ev(2, tNow.Add(-24*time.Hour)), 200, Maturity{MaturityE8s: 100}, Maturity{MaturityE8s: 290}),
		AuditMaturity(1001, ev(3, tNow.Add(-30*24*time.Hour)), 500, Maturity{}, Maturity{MaturityE8s: 500}), // before the window
		AuditMaturity(1001, ev(4, tNow.Add(-1*time.Hour)), 300, Maturity{MaturityE8s: 900}, Maturity{}),     // maturity left
	}
	r := BuildReport(in)
	for _, n := range r.Neurons {
		switch n.Neuron {
		case 1001:
			if n.EarnedE8s == nil || *n.EarnedE8s != 100+190 || n.EarnedFrom != EarnedFromAudit {
				t.Errorf("neuron 1001 earned %v (%s), want 290 e8s received per the audit", deref(n.EarnedE8s), n.EarnedFrom)
			}
		default:
			want := neuronByID(t, estimate, n.Neuron)
			if n.EarnedFrom != EarnedFromEstimate || deref(n.EarnedE8s) != deref(want.EarnedE8s) {
				t.Errorf("neuron %d earned %v (%s), want the estimate %v", n.Neuron, deref(n.EarnedE8s), n.EarnedFrom, deref(want.EarnedE8s))
			}
		}
	}
}

func deref(p *float64) float64 {
	if p == nil {
		return -1
	}
	return *p
}

// TestEarnedKeepsTheEstimateWhenAnEventWasNotRead: an event in the window whose maturity the
// audit could not read (votebot down across it) means the audit's sum would leave out what it
// paid: EARNED stays the estimate. An unread event before the window changes nothing.
func TestEarnedKeepsTheEstimateWhenAnEventWasNotRead(t *testing.T) {
	h := loadHistory(t)
	e := DefaultEconomics(RegimeCurrent)
	w, err := ParseWindow("7d", e, tNow)
	if err != nil {
		t.Fatal(err)
	}
	ev := func(day uint64, at time.Time) RewardEventRef { return RewardEventRef{DayAfterGenesis: day, At: at} }
	in := ReportInput{Economics: e, Now: tNow, Window: w, Observations: h.Observations, Neurons: h.Neurons,
		SupplyE8s: h.SupplyE8s, NetworkVotingPowerE8s: h.NetworkVotingPowerE8s}
	estimate := neuronByID(t, BuildReport(in), 1001)
	audited := AuditMaturity(1001, ev(2, tNow.Add(-24*time.Hour)), 200, Maturity{}, Maturity{MaturityE8s: 190})
	unread := func(day uint64, at time.Time) MaturityAudit {
		return MaturityAudit{Neuron: 1001, Event: ev(day, at), Status: AuditUnread}
	}
	for _, tc := range []struct {
		name  string
		audit []MaturityAudit
		from  string
		e8s   float64
	}{
		{"every event read", []MaturityAudit{audited}, EarnedFromAudit, 190},
		{"one event in the window not read", []MaturityAudit{audited, unread(1, tNow.Add(-48*time.Hour))}, EarnedFromEstimate, deref(estimate.EarnedE8s)},
		{"the unread event before the window", []MaturityAudit{audited, unread(1, tNow.Add(-30*24*time.Hour))}, EarnedFromAudit, 190},
	} {
		in.Audit = tc.audit
		n := neuronByID(t, BuildReport(in), 1001)
		if n.EarnedFrom != tc.from || deref(n.EarnedE8s) != tc.e8s {
			t.Errorf("%s: earned %v (%s), want %v (%s)", tc.name, deref(n.EarnedE8s), n.EarnedFrom, tc.e8s, tc.from)
		}
	}
	if s := unread(3, tNow).String(); !strings.Contains(s, "not audited") {
		t.Errorf("unread row reads %q", s)
	}
}
