package console

import (
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/nns"
)

// maxSummaryRunes bounds a summary on the page. The governance canister caps summaries at
// 30,000 bytes; anything longer did not come from it and is cut with a note.
const maxSummaryRunes = 30000

var funcs = template.FuncMap{
	"icp":       icp,
	"pct":       pct,
	"countdown": countdown,
	"when":      when,
	"date":      func(t time.Time) string { return dateText(t) },
	"stamp":     func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"clean":     alert.CleanText,
	"line":      func(s string, max int) string { return alert.Truncate(alert.OneLine(s), max) },
	"summary":   func(s string) string { return alert.Truncate(strings.TrimSpace(alert.CleanText(s)), maxSummaryRunes) },
	"cut":       func(s string) bool { return utf8.RuneCountInString(s) > maxSummaryRunes },
	"vote":      voteText,
	"kind":      func(k alert.Kind) string { return k.Label() },
	"tallyBar":  tallyBar,
	"ballotsOf": ballotsOf,
	"needsAny":  Proposal.NeedsHuman,
	"why":       why,
	"times":     alert.ReadableTimes,
	"dappURL":   dappURL,
	"dashURL":   dashURL,
	"vp":        votingPower,
	"tallyOf":   func(e8s uint64) Tally { return Tally{Total: e8s, SNS: true} },
}

// dappURL is the proposal's page on the NNS dapp, which shows an SNS's proposals under its
// root canister.
func dappURL(p Proposal) string {
	if p.Root == "" {
		return alert.NNSDappURL(p.ID)
	}
	return alert.SNSDappURL(p.Root, p.ID)
}

// dashURL is the proposal's page on the IC dashboard.
func dashURL(p Proposal) string {
	if p.Root == "" {
		return alert.DashboardURL(p.ID)
	}
	return alert.SNSDashboardURL(p.Root, p.ID)
}

// votingPower is a tally's total: in ICP for the NNS, in voting power for an SNS (its unit is
// the DAO's token with the DAO's bonuses, not ICP).
func votingPower(t Tally) string {
	if !t.SNS {
		return icp(t.Total)
	}
	whole, frac := t.Total/1e8, (t.Total%1e8)/1e6
	return fmt.Sprintf("%s.%02d voting power", nns.GroupThousands(whole), frac)
}

// why is a ballot's reason as the page shows it: the deciding rule named once (the policy's
// reason names it already; the console adds it only when it does not) and times in the
// page's format.
func why(b Ballot) string {
	r := alert.ReadableTimes(b.Reason)
	if b.Rule != "" && !strings.Contains(b.Reason, b.Rule) {
		r = "rule " + strconv.Quote(b.Rule) + ": " + r
	}
	return r
}

// ballotsView is what the "ballots" template gets: the proposal's plans and, when the operator
// is logged in, what the decision forms need.
type ballotsView struct {
	ID      uint64
	Path    string // the proposal's page, under which the forms post
	Ballots []Ballot
	Now     time.Time
	Forms   bool
	CSRF    string
}

func ballotsOf(p Proposal, now time.Time, forms bool, csrf string) ballotsView {
	return ballotsView{ID: p.ID, Path: p.Path(), Ballots: p.Ballots, Now: now, Forms: forms, CSRF: csrf}
}

// icp renders e8s as ICP with two decimals and thousands separators: "12,345.67 ICP".
func icp(e8s uint64) string {
	whole, frac := e8s/1e8, (e8s%1e8)/1e6
	return fmt.Sprintf("%s.%02d ICP", nns.GroupThousands(whole), frac)
}

func pct(p Participation) string {
	if p.Eligible == 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f%% (%d/%d)", 100*float64(p.Voted)/float64(p.Eligible), p.Voted, p.Eligible)
}

// countdown is the time left to t: "3d 4h", "2h 05m", "12m", or "closed".
func countdown(t, now time.Time) string {
	if t.IsZero() {
		return "–"
	}
	left := t.Sub(now)
	if left <= 0 {
		return "closed"
	}
	return shortDuration(left)
}

func shortDuration(d time.Duration) string {
	d = d.Round(time.Minute)
	days, h, m := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case days > 0:
		return fmt.Sprintf("%dd %dh", days, h)
	case h > 0:
		return fmt.Sprintf("%dh %02dm", h, m)
	}
	return fmt.Sprintf("%dm", m)
}

// when says when a planned action happens relative to now: "now", "in 2h 05m".
func when(t, now time.Time) string {
	if t.IsZero() || !t.After(now) {
		return "now"
	}
	return "in " + shortDuration(t.Sub(now))
}

func dateText(t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	return t.UTC().Format(alert.TimeLayout)
}

func voteText(v nns.Vote) string {
	switch v {
	case nns.VoteYes:
		return "Yes"
	case nns.VoteNo:
		return "No"
	}
	return ""
}

// bar is a tally's geometry in a 100-wide SVG: Yes from the left, No from the right.
type bar struct {
	Yes, No         float64 // widths
	NoX             float64
	YesText, NoText string
}

func tallyBar(t Tally) bar {
	if t.Total == 0 {
		return bar{NoX: 100, YesText: "–", NoText: "–"}
	}
	y, n := 100*float64(t.Yes)/float64(t.Total), 100*float64(t.No)/float64(t.Total)
	return bar{Yes: y, No: n, NoX: 100 - n, YesText: fmt.Sprintf("%.1f%%", y), NoText: fmt.Sprintf("%.1f%%", n)}
}
