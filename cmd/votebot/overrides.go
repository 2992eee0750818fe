package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/config"
	"github.com/votebot/votebot/store"
)

// overrideRow is one stored decision as `votebot overrides` shows it.
type overrideRow struct {
	Proposal uint64 `json:"proposal"`
	Title    string `json:"title,omitempty"`
	// Neuron is 0 for a decision for every neuron.
	Neuron uint64    `json:"neuron"`
	Alias  string    `json:"alias,omitempty"`
	Vote   string    `json:"vote"`
	SetAt  time.Time `json:"set_at,omitzero"`
	SetBy  string    `json:"set_by"`
	// Status: "pending" (not voted yet), "voted" (votebot cast it), "closed" (voting ended
	// unvoted: the decision changed nothing) or "unseen" (the daemon has not seen the
	// proposal yet).
	Status   string    `json:"status"`
	Deadline time.Time `json:"deadline,omitzero"`
	// Closed: voting on the proposal ended; the decision changes nothing any more.
	Closed bool `json:"closed"`
}

func newOverridesCmd(s Streams) *cobra.Command {
	var configPath, output string
	var all bool
	cmd := &cobra.Command{
		Use:   "overrides --config FILE [--all] [-o table|json]",
		Short: "List the decisions stored with votebot vote, the console or Telegram, and what became of them",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, err := outputFormat(cmd)
			if err != nil {
				return err
			}
			cfg, err := loadConfigFile(s.Err, configPath)
			if err != nil {
				return err
			}
			rows, err := overrideRows(cmd.Context(), cfg, time.Now())
			if err != nil {
				return err
			}
			shown := rows
			if !all {
				shown = openOverrides(rows)
			}
			if format == "json" {
				enc := json.NewEncoder(s.Out)
				enc.SetIndent("", "  ")
				return enc.Encode(shown)
			}
			return writeOverrides(s.Out, shown, len(rows)-len(shown), time.Now())
		},
	}
	addConfigFlag(cmd.Flags(), &configPath)
	addOutputFlag(cmd, &output, "table", "json")
	cmd.Flags().BoolVar(&all, "all", false, "also list decisions on proposals whose voting ended")
	return cmd
}

// overrideRows reads the stored decisions with what the state database knows of their
// proposals (title, deadline) and ballots (votes cast).
func overrideRows(ctx context.Context, cfg *config.Config, now time.Time) ([]overrideRow, error) {
	st, err := openOverridesStore(ctx, cfg.Store.Path)
	if st == nil || err != nil {
		return nil, err
	}
	defer st.Close()
	stored, err := st.Overrides(ctx)
	if err != nil {
		return nil, err
	}
	ids := make([]uint64, len(stored))
	for i, o := range stored {
		ids[i] = o.ProposalID
	}
	seen, err := st.SeenProposals(ctx, ids)
	if err != nil {
		return nil, err
	}
	rows := make([]overrideRow, 0, len(stored))
	for _, o := range stored {
		r := overrideRow{Proposal: o.ProposalID, Neuron: o.NeuronID, Alias: aliasOf(cfg, o.NeuronID), Vote: o.Vote.String(),
			SetAt: o.SetAt.UTC(), SetBy: o.Note, Status: "unseen"}
		if p, ok := seen[o.ProposalID]; ok {
			r.Title, r.Deadline = p.Title, p.Deadline.UTC()
			r.Closed = p.VotingEnded(now)
			voted, err := castAll(ctx, st, cfg, o.ProposalID, o.NeuronID)
			if err != nil {
				return nil, err
			}
			switch {
			case voted:
				r.Status = "voted"
			case r.Closed:
				r.Status = "closed"
			default:
				r.Status = "pending"
			}
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// castAll reports whether votebot cast every ballot the decision is for (neuron 0: every
// configured neuron's).
func castAll(ctx context.Context, st *store.Store, cfg *config.Config, proposal, neuron uint64) (bool, error) {
	cast, err := st.CastVotes(ctx, proposal)
	if err != nil {
		return false, err
	}
	done := map[uint64]bool{}
	for _, a := range cast {
		done[a.Neuron] = true
	}
	if neuron != 0 {
		return done[neuron], nil
	}
	for _, n := range cfg.Neurons {
		if !done[n.ID] {
			return false, nil
		}
	}
	return len(cfg.Neurons) > 0, nil
}

func aliasOf(cfg *config.Config, id uint64) string {
	n, _ := configuredNeuron(cfg, id)
	return n.Alias
}

// openOverrides drops the decisions whose voting ended: they change nothing any more.
func openOverrides(rows []overrideRow) []overrideRow {
	var out []overrideRow
	for _, r := range rows {
		if !r.Closed {
			out = append(out, r)
		}
	}
	return out
}

func writeOverrides(w io.Writer, rows []overrideRow, hidden int, now time.Time) error {
	if len(rows) == 0 {
		msg := "No decisions stored."
		if hidden > 0 {
			msg = fmt.Sprintf("No decisions on open proposals (%d on closed ones: --all lists them).", hidden)
		}
		_, err := fmt.Fprintln(w, msg)
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PROPOSAL\tTITLE\tNEURON\tVOTE\tSTATUS\tDEADLINE\tSET AT\tSET BY")
	for _, r := range rows {
		neuron := "every neuron"
		switch {
		case r.Alias != "":
			neuron = r.Alias
		case r.Neuron != 0:
			neuron = fmt.Sprint(r.Neuron)
		}
		deadline, setAt := "-", "-"
		switch {
		case r.Deadline.IsZero():
		case r.Deadline.After(now):
			deadline = relTime(r.Deadline, now)
		default:
			deadline = "ended " + r.Deadline.Format(alert.TimeLayout)
		}
		if !r.SetAt.IsZero() {
			setAt = r.SetAt.Format(alert.TimeLayout)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Proposal, oneLine(r.Title, 32), neuron, r.Vote, r.Status,
			deadline, setAt, oneLine(r.SetBy, 60))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if hidden > 0 {
		_, err := fmt.Fprintf(w, "(%d %s on closed proposals not shown: --all lists them)\n", hidden, plural(hidden, "decision", "decisions"))
		return err
	}
	return nil
}
