package rewards

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// WriteJSON writes the report as indented JSON.
func WriteJSON(w io.Writer, r Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("encode report: %w", err)
	}
	return nil
}

// WriteText writes the report for people: a summary table, then per neuron
// what was missed and when voting power starts to decay.
func WriteText(w io.Writer, r Report) error {
	var b strings.Builder
	fmt.Fprintf(&b, "votebot report  regime %s  window %s (%s → %s)  at %s\n",
		r.Regime, r.Window.Name, fmtDate(r.Window.From, "beginning"), fmtDate(r.Window.To, ""), r.GeneratedAt.UTC().Format(time.RFC3339))
	if r.SupplyE8s > 0 {
		fmt.Fprintf(&b, "total supply %s ICP\n", icpString(float64(r.SupplyE8s)))
	}
	b.WriteString("\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	header := []string{"NEURON", "NAME", "POTENTIAL VP", "DECIDING VP"}
	if len(r.Neurons) > 0 {
		for _, p := range r.Neurons[0].Participation {
			header = append(header, strings.ToUpper(p.Window.Name))
		}
	}
	header = append(header, "EARNED ("+r.Window.Name+")", "LOST ("+r.Window.Name+")", "DECAY IN")
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, n := range r.Neurons {
		row := []string{strconv.FormatUint(n.Neuron, 10), orDash(n.Name), vpString(n.PotentialVP), vpString(n.DecidingVP)}
		for _, p := range n.Participation {
			row = append(row, p.String())
		}
		row = append(row, e8sString(n.EarnedE8s), e8sString(n.LostE8s), decayString(n))
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("render report: %w", err)
	}
	for _, n := range r.Neurons {
		writeNeuronDetail(&b, r, n)
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

func writeNeuronDetail(b *strings.Builder, r Report, n NeuronReport) {
	fmt.Fprintf(b, "\nneuron %d", n.Neuron)
	if n.Name != "" {
		fmt.Fprintf(b, " (%s)", n.Name)
	}
	fmt.Fprintf(b, ": %s of its reward weight in %s", n.Selected.String(), r.Window.Name)
	if n.Selected.Counted > 0 {
		fmt.Fprintf(b, " — %d direct, %d by following", n.Selected.VotedDirect, n.Selected.VotedFollowing)
	}
	b.WriteString("\n")
	if n.DecayStarts != nil {
		decay := fmt.Sprintf("decay starts %s (%d days left)", n.DecayStarts.UTC().Format(time.DateOnly), *n.DaysUntilDecay)
		if *n.DaysUntilDecay == 0 {
			decay = fmt.Sprintf("DECAYING since %s: refresh it (any direct vote or RefreshVotingPower)", n.DecayStarts.UTC().Format(time.DateOnly))
		}
		fmt.Fprintf(b, "  voting power refreshed %s; %s; following cleared %s\n",
			n.RefreshedAt.UTC().Format(time.DateOnly), decay, n.FollowingClearedAt.UTC().Format(time.DateOnly))
	}
	if n.ExpectedDailyE8s != nil {
		fmt.Fprintf(b, "  expected at this participation: %s ICP/day, %s ICP/year\n",
			icpString(*n.ExpectedDailyE8s), icpString(*n.ExpectedYearlyE8s))
	}
	for _, m := range n.Missed {
		fmt.Fprintf(b, "  MISSED proposal %d  %s (weight %s)  vp %s  deadline %s  cost %s\n",
			m.ProposalID, m.Topic, strconv.FormatFloat(m.Weight, 'f', -1, 64), icpString(float64(m.BallotVP)),
			m.Deadline.UTC().Format("2006-01-02 15:04"), e8sString(m.CostE8s))
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

func decayString(n NeuronReport) string {
	if n.DaysUntilDecay == nil {
		return "-"
	}
	if *n.DaysUntilDecay == 0 {
		return "DECAYING"
	}
	return strconv.Itoa(*n.DaysUntilDecay) + "d"
}

func vpString(v *uint64) string {
	if v == nil {
		return "-"
	}
	return icpString(float64(*v))
}

func e8sString(v *float64) string {
	if v == nil {
		return "-"
	}
	return icpString(*v) + " ICP"
}

// icpString renders e8s as ICP with up to 8 decimals, trailing zeros cut.
func icpString(e8s float64) string {
	s := strconv.FormatFloat(e8s/1e8, 'f', 8, 64)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
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
