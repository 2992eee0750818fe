package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/rs/zerolog"
	"github.com/spf13/cobra"

	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/config"
	"github.com/votebot/votebot/daemon"
	"github.com/votebot/votebot/policy"
	"github.com/votebot/votebot/store"
)

func newPlanCmd(s Streams) *cobra.Command {
	var configPath string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "plan --config FILE [--json]",
		Short: "Show what the bot would do for each open proposal and neuron, and why (votes nothing)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := config.Load(configPath)
			if err != nil {
				return err
			}
			log, err := cmdLogger(cmd, s.Err, zerolog.WarnLevel)
			if err != nil {
				return err
			}
			plans, err := planFromConfig(cmd.Context(), cfg, log)
			if err != nil {
				return err
			}
			if asJSON {
				return writePlanJSON(s.Out, plans)
			}
			return writePlanTable(s.Out, plans, time.Now())
		},
	}
	addConfigFlag(cmd.Flags(), &configPath)
	cmd.Flags().BoolVar(&asJSON, "json", false, "write JSON instead of a table")
	return cmd
}

func planFromConfig(ctx context.Context, cfg *config.Config, log zerolog.Logger) ([]bot.BallotPlan, error) {
	gov, err := daemon.Connect(ctx, cfg, log, nil)
	if err != nil {
		return nil, err
	}
	overrides, err := storedOverrides(ctx, cfg.Store.Path)
	if err != nil {
		return nil, err
	}
	return bot.PlanOnce(ctx, daemon.AgentGov{C: gov}, daemon.DeciderFor(cfg), daemon.OptionsFor(cfg).Neurons, overrides, time.Now())
}

// storedOverrides reads `votebot vote` overrides when the state database
// exists (plan never creates one).
func storedOverrides(ctx context.Context, path string) ([]policy.Override, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, nil
	}
	st, err := store.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	return st.Overrides(ctx)
}

// planRow is one line of `votebot plan --json`.
type planRow struct {
	Proposal uint64    `json:"proposal"`
	Topic    string    `json:"topic"`
	Title    string    `json:"title"`
	Deadline time.Time `json:"deadline"`
	Neuron   uint64    `json:"neuron"`
	Alias    string    `json:"alias,omitempty"`
	Ballot   string    `json:"ballot"`
	Action   string    `json:"action"`
	Vote     string    `json:"vote,omitempty"`
	At       time.Time `json:"at,omitzero"`
	Source   string    `json:"source,omitempty"`
	Rule     string    `json:"rule,omitempty"`
	Reason   string    `json:"reason"`
}

func planRows(plans []bot.BallotPlan) []planRow {
	rows := make([]planRow, 0, len(plans))
	for _, bp := range plans {
		r := planRow{Proposal: bp.Proposal.ID, Topic: bp.Proposal.Topic.String(), Title: bp.Proposal.Title,
			Deadline: bp.Proposal.Deadline.UTC(), Neuron: bp.Neuron.ID, Alias: bp.Neuron.Alias, Ballot: string(bp.Outcome)}
		switch bp.Outcome {
		case bot.BallotFollowing:
			r.Action, r.Vote, r.Reason = "voted", bp.Vote.String(), "ballot already filled (by following or an earlier vote)"
		case bot.BallotNone:
			r.Action, r.Reason = "nothing", "no ballot (not eligible)"
		default:
			d := bp.Decision
			r.Action, r.Reason, r.Source, r.Rule = d.Verb(), d.Reason, d.Source(), d.Rule
			if d.Votes() {
				r.Vote = d.Vote.String()
			}
			if !d.At.IsZero() {
				r.At = d.At.UTC()
			}
		}
		rows = append(rows, r)
	}
	return rows
}

func writePlanJSON(w io.Writer, plans []bot.BallotPlan) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(planRows(plans))
}

func writePlanTable(w io.Writer, plans []bot.BallotPlan, now time.Time) error {
	if len(plans) == 0 {
		_, err := fmt.Fprintln(w, "No open proposals.")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PROPOSAL\tTOPIC\tTITLE\tDEADLINE\tNEURON\tDO\tWHEN\tWHY")
	for _, r := range planRows(plans) {
		do := r.Action
		if r.Vote != "" {
			do += " " + r.Vote
		}
		when := "-"
		if !r.At.IsZero() {
			when = relTime(r.At, now)
		}
		neuron := fmt.Sprint(r.Neuron)
		if r.Alias != "" {
			neuron = r.Alias
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Proposal, r.Topic, oneLine(r.Title, 40), relTime(r.Deadline, now), neuron, do, when,
			oneLine(r.Reason, 110))
	}
	return tw.Flush()
}

func relTime(t, now time.Time) string {
	d := t.Sub(now).Round(time.Second)
	switch {
	case d <= 0:
		return "now"
	case d < time.Hour:
		return "in " + d.String()
	case d < 48*time.Hour:
		return "in " + d.Round(time.Minute).String()
	}
	return t.UTC().Format("2006-01-02 15:04")
}

// oneLine fits text written by strangers (proposal titles) into one table
// cell: whitespace folded, control characters (terminal escapes, tabs that
// would break the columns) replaced, at most n runes.
func oneLine(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return ' '
		}
		if !unicode.IsPrint(r) {
			return '\uFFFD'
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
