package rewards

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"
)

// WriteJSON writes the report as indented JSON (amounts in e8s).
func WriteJSON(w io.Writer, r Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("encode report: %w", err)
	}
	return nil
}

// TextOptions adjust the text report.
type TextOptions struct {
	// Exact writes amounts and voting power in e8s instead of ICP rounded
	// to 4 decimals.
	Exact bool
}

// WriteText writes the report for people, amounts in ICP with 4 decimals.
func WriteText(w io.Writer, r Report) error { return WriteTextWith(w, r, TextOptions{}) }

// WriteTextWith writes the report for people: a header saying what the
// windows and the data cover, a summary table that fits 100 columns, then
// per neuron the details, then the reward audit.
func WriteTextWith(w io.Writer, r Report, o TextOptions) error {
	var b strings.Builder
	writeHeader(&b, r, o)
	if err := writeTable(&b, r, o); err != nil {
		return err
	}
	for _, n := range r.Neurons {
		writeNeuronDetail(&b, r, n, o)
	}
	if err := writeAudit(&b, r, o); err != nil {
		return err
	}
	for _, warn := range r.Warnings {
		fmt.Fprintf(&b, "\nwarning: %s", warn)
	}
	if len(r.Warnings) > 0 {
		b.WriteString("\n")
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

func writeHeader(b *strings.Builder, r Report, o TextOptions) {
	fmt.Fprintf(b, "votebot report at %s UTC, regime %s", fmtDate(r.GeneratedAt, "-"), r.Regime)
	if r.SupplyE8s > 0 {
		fmt.Fprintf(b, ", total supply %s", o.withUnit(float64(r.SupplyE8s), 0))
	}
	fmt.Fprintf(b, "\nwindow %s: %s → %s UTC (windows end with the current reward period)\n",
		r.Window.Name, fmtDate(r.Window.From, "the beginning"), fmtDate(r.Window.To, "-"))
	if r.Data == nil {
		b.WriteString("data: no observations yet\n\n")
		return
	}
	fmt.Fprintf(b, "data: %s closing %s → %s UTC (%s)\n\n", plural(r.Data.Proposals, "proposal"),
		fmtDate(r.Data.From, "-"), fmtDate(r.Data.To, "-"), daysSpan(r.Data.To.Sub(r.Data.From)))
}

// tableNameWidth bounds the NEURON column so that the table fits 100
// columns with a 20-digit neuron id.
const tableNameWidth = 20

func writeTable(b *strings.Builder, r Report, o TextOptions) error {
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	header := []string{"NEURON", "VOTING POWER"}
	var partial []string
	if len(r.Neurons) > 0 {
		for _, p := range r.Neurons[0].Participation {
			h := windowLabel(p.Window.Name)
			if r.Data != nil && p.Window.Name != WindowAll && p.Window.Name != WindowRewardPeriod && !r.Data.Covers(p.Window) {
				h += "*"
				partial = append(partial, windowLabel(p.Window.Name))
			}
			header = append(header, h)
		}
	}
	wl := windowLabel(r.Window.Name)
	header = append(header, "EARNED "+wl, "LOST "+wl, "DECAY")
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, n := range r.Neurons {
		row := []string{truncate(orDash(n.Name), strconv.FormatUint(n.Neuron, 10)), o.votingPower(n)}
		for _, p := range n.Participation {
			row = append(row, percent(p))
		}
		row = append(row, o.amountPtr(n.EarnedE8s), o.amountPtr(n.LostE8s), decayString(n))
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("render report: %w", err)
	}
	unit := "ICP"
	if o.Exact {
		unit = "e8s"
	}
	fmt.Fprintf(b, "\nRP: the current reward period. Participation is weighted by reward weight and voting\n"+
		"power; amounts in %s; ~ marks voting power read from the latest ballot.\n", unit)
	if anyEarnedFromAudit(r) {
		b.WriteString("EARNED: maturity received per the reward audit below where it covers the window;\n" +
			"otherwise estimated from participation.\n")
	}
	if hasUnknown(r) {
		b.WriteString("?N: N ballots could not be confirmed voted or missed (votebot could not read them before\n" +
			"voting ended, e.g. it was not running); they are not in the percentage. See the details.\n")
	}
	if len(partial) > 0 && r.Data != nil {
		fmt.Fprintf(b, "* %s: starts before the data, which reaches back to %s UTC; counts only that part.\n",
			strings.Join(partial, ", "), fmtDate(r.Data.From, "-"))
	}
	return nil
}

func anyEarnedFromAudit(r Report) bool {
	for _, n := range r.Neurons {
		if n.EarnedFrom == EarnedFromAudit {
			return true
		}
	}
	return false
}

func hasUnknown(r Report) bool {
	for _, n := range r.Neurons {
		for _, p := range n.Participation {
			if p.Unknown > 0 {
				return true
			}
		}
	}
	return false
}

func writeNeuronDetail(b *strings.Builder, r Report, n NeuronReport, o TextOptions) {
	fmt.Fprintf(b, "\nneuron %d", n.Neuron)
	if n.Name != "" {
		fmt.Fprintf(b, " (%s)", n.Name)
	}
	b.WriteString("\n  participation:")
	for i, p := range n.Participation {
		sep := ","
		if i == 0 {
			sep = ""
		}
		fmt.Fprintf(b, "%s %s %s", sep, p.Window.Name, p.String())
	}
	b.WriteString("\n")
	if s := n.Selected; s.Counted > 0 {
		fmt.Fprintf(b, "  in %s: %d direct, %d by following, %d missed\n", r.Window.Name, s.VotedDirect, s.VotedFollowing, s.Missed)
	}
	if n.PotentialVP != nil || n.DecidingVP != nil {
		fmt.Fprintf(b, "  voting power: potential %s, deciding %s\n", o.vp(n.PotentialVP), o.vp(n.DecidingVP))
	}
	if n.DecayStarts != nil {
		fmt.Fprintf(b, "  voting power refreshed %s; following cleared %s unless refreshed again\n",
			n.RefreshedAt.UTC().Format(time.DateOnly), n.FollowingClearedAt.UTC().Format(time.DateOnly))
		if *n.DaysUntilDecay == 0 {
			fmt.Fprintf(b, "  DECAYING since %s: refresh it (any direct vote or RefreshVotingPower)\n", n.DecayStarts.UTC().Format(time.DateOnly))
		} else {
			fmt.Fprintf(b, "  decay starts %s (%s left)\n", n.DecayStarts.UTC().Format(time.DateOnly), plural(*n.DaysUntilDecay, "day"))
		}
	}
	if n.ExpectedDailyE8s != nil {
		fmt.Fprintf(b, "  expected at this participation: %s/day, %s/year\n",
			o.withUnit(*n.ExpectedDailyE8s, 4), o.withUnit(*n.ExpectedYearlyE8s, 4))
	}
	for _, m := range n.Missed {
		weight := strconv.FormatFloat(m.Weight, 'f', -1, 64)
		if strings.HasPrefix(m.Topic, "Topic(") { // nns.Topic.String of a number votebot does not know
			weight += ", a topic votebot does not know: weight assumed"
		}
		fmt.Fprintf(b, "  MISSED proposal %d  %s (weight %s)  closed %s  cost %s\n",
			m.ProposalID, m.Topic, weight,
			m.Deadline.UTC().Format("2006-01-02 15:04"), o.amountUnit(m.CostE8s))
	}
	if len(n.Unknown) > 0 {
		fmt.Fprintf(b, "  unknown (could not read the ballot, not counted as missed): %s\n", idList(n.Unknown))
	}
	if len(n.Pending) > 0 {
		fmt.Fprintf(b, "  open, not yet voted: %s\n", idList(n.Pending))
	}
	if n.Unpriced > 0 {
		fmt.Fprintf(b, "  %d proposal(s) could not be priced (total voting power unknown)\n", n.Unpriced)
	}
}

// windowLabel is a window's short column name: RP, 7D, 30D, ALL.
func windowLabel(name string) string {
	if name == WindowRewardPeriod {
		return "RP"
	}
	return strings.ToUpper(name)
}

// percent is the table's participation cell: "-" when nothing counted, and
// "?N" beside it for N ballots that could not be confirmed either way: a
// percentage without them would look like 100 % when it may not be.
func percent(p Participation) string {
	cell := "-"
	if p.Counted > 0 {
		cell = strconv.FormatFloat(100*p.Fraction, 'f', 1, 64) + "%"
	}
	if p.Unknown > 0 {
		cell += " ?" + strconv.Itoa(p.Unknown)
	}
	return cell
}

func decayString(n NeuronReport) string {
	if n.DaysUntilDecay == nil {
		return "-"
	}
	if *n.DaysUntilDecay == 0 {
		return "DECAYING"
	}
	return strconv.Itoa(*n.DaysUntilDecay) + "d"
}

// votingPower is the table's VP cell: deciding VP, else the latest
// ballot's, marked "~".
func (o TextOptions) votingPower(n NeuronReport) string {
	switch {
	case n.DecidingVP != nil:
		return o.vp(n.DecidingVP)
	case n.BallotVP != nil:
		return "~" + o.vp(n.BallotVP)
	}
	return "-"
}

func (o TextOptions) vp(v *uint64) string {
	if v == nil {
		return "-"
	}
	return o.amount(float64(*v), 4)
}

func (o TextOptions) amountPtr(v *float64) string {
	if v == nil {
		return "-"
	}
	return o.amount(*v, 4)
}

// amountUnit is an amount with its unit, "-" when unknown.
func (o TextOptions) amountUnit(v *float64) string {
	if v == nil {
		return "-"
	}
	return o.withUnit(*v, 4)
}

// amount renders e8s as ICP with the given decimals, or in exact mode as
// whole e8s (rounded: estimates are fractional).
func (o TextOptions) amount(e8s float64, decimals int) string {
	if o.Exact {
		return strconv.FormatFloat(e8s, 'f', 0, 64)
	}
	return strconv.FormatFloat(e8s/1e8, 'f', decimals, 64)
}

func (o TextOptions) withUnit(e8s float64, decimals int) string {
	if o.Exact {
		return o.amount(e8s, 0) + " e8s"
	}
	return o.amount(e8s, decimals) + " ICP"
}

// truncate keeps a name within the table's column; the id stands in for a
// missing name.
func truncate(name, id string) string {
	if name == "-" {
		name = id
	}
	if utf8.RuneCountInString(name) <= tableNameWidth {
		return name
	}
	return string([]rune(name)[:tableNameWidth-1]) + "…"
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "s"
}

func daysSpan(d time.Duration) string {
	if d < 24*time.Hour {
		return "less than a day"
	}
	return plural(int(d/(24*time.Hour)), "day")
}

func idList(ids []uint64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatUint(id, 10)
	}
	return strings.Join(parts, ", ")
}

func fmtDate(t time.Time, zero string) string {
	if t.IsZero() {
		return zero
	}
	return t.UTC().Format("2006-01-02 15:04")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// writeAudit renders the reward audit: per neuron and event, the maturity
// expected from the recorded participation against what arrived.
func writeAudit(b *strings.Builder, r Report, o TextOptions) error {
	if len(r.Audit) == 0 {
		return nil
	}
	names := map[uint64]string{}
	for _, n := range r.Neurons {
		names[n.Neuron] = n.Name
	}
	b.WriteString("\nreward audit: maturity received at each reward event against the participation's prediction\n")
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NEURON\tDAY\tEVENT (UTC)\tEXPECTED\tRECEIVED\tRATIO\tCHECK")
	low := 0
	for _, a := range r.Audit {
		ratio, flag := "-", "ok"
		if a.Ratio != nil {
			ratio = strconv.FormatFloat(100**a.Ratio, 'f', 1, 64) + "%"
		}
		switch a.Status {
		case AuditLow:
			flag, low = "LOW", low+1
		case AuditNothingExpected:
			flag = "nothing expected"
		case AuditMaturityLeft:
			flag = "not audited: maturity left the neuron"
		case AuditUnread:
			flag, ratio = "not audited: maturity not read around it", "-"
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\n", truncate(orDash(names[a.Neuron]), strconv.FormatUint(a.Neuron, 10)),
			a.Event.DayAfterGenesis, fmtDate(a.Event.At, "-"), o.amount(float64(a.ExpectedE8s), 4),
			o.amount(float64(a.ReceivedE8s), 4), ratio, flag)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("render audit: %w", err)
	}
	if low > 0 {
		fmt.Fprintf(b, "LOW (%d): %s: received less than %.0f%% of the expected maturity.\n"+
			"  Check the neuron's ballots and following for those days, and its voting power.\n",
			low, LowRewardMessage, 100*LowRewardRatio)
	}
	return nil
}
