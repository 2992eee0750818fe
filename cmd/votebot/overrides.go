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
	// Governance is the SNS DAO's name ("" for the NNS); proposal and
	// neuron numbers are then the DAO's.
	Governance string `json:"governance,omitempty"`
	Proposal   uint64 `json:"proposal"`
	Title      string `json:"title,omitempty"`
	// Neuron is 0 for a decision for every neuron.
	Neuron uint64 `json:"neuron"`
	// SNSNeuron is an SNS neuron's short id in hex.
	SNSNeuron string    `json:"sns_neuron,omitempty"`
	Alias     string    `json:"alias,omitempty"`
	Vote      string    `json:"vote"`
	SetAt     time.Time `json:"set_at,omitzero"`
	SetBy     string    `json:"set_by"`
	// Status: "pending" (not voted yet), "voted" (votebot cast it), "closed" (voting ended
	// unvoted: the decision changed nothing) or "unseen" (the daemon has not seen the
	// proposal yet).
	Status   string    `json:"status"`
	Deadline time.Time `json:"deadline,omitzero"`
	// Closed: voting on the proposal ended; the decision changes nothing any more.
	Closed bool `json:"closed"`
}

func newOverridesCmd(s Streams) *cobra.Command {
	var configPath, output, dao string
	var all bool
	cmd := &cobra.Command{
		Use:   "overrides --config FILE [--all] [--dao NAME|ROOT] [-o table|json]",
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
			rows, err := allOverrideRows(cmd.Context(), cfg, dao, time.Now())
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
	cmd.Flags().StringVar(&dao, "dao", "", "only this SNS DAO's decisions (its name or root canister id)")
	return cmd
}

// overrideRows reads the NNS's stored decisions.
func overrideRows(ctx context.Context, cfg *config.Config, now time.Time) ([]overrideRow, error) {
	ids := make([]uint64, len(cfg.Neurons))
	for i, n := range cfg.Neurons {
		ids[i] = n.ID
	}
	return storeOverrideRows(ctx, cfg.Store.Path, ids, func(r *overrideRow) { r.Alias = aliasOf(cfg, r.Neuron) }, now)
}

// storeOverrideRows reads the decisions stored in one governance's state database with what
// it knows of their proposals (title, deadline) and ballots (votes cast); neurons are the
// governance's configured ones and name fills in a row's neuron names.
func storeOverrideRows(ctx context.Context, path string, neurons []uint64, name func(*overrideRow), now time.Time) ([]overrideRow, error) {
	st, err := openOverridesStore(ctx, path)
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
		r := overrideRow{Proposal: o.ProposalID, Neuron: o.NeuronID, Vote: o.Vote.String(),
			SetAt: o.SetAt.UTC(), SetBy: o.Note, Status: "unseen"}
		name(&r)
		if p, ok := seen[o.ProposalID]; ok {
			r.Title, r.Deadline = p.Title, p.Deadline.UTC()
			r.Closed = p.VotingEnded(now)
			voted, err := castAll(ctx, st, neurons, o.ProposalID, o.NeuronID)
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
func castAll(ctx context.Context, st *store.Store, neurons []uint64, proposal, neuron uint64) (bool, error) {
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
	for _, id := range neurons {
		if !done[id] {
			return false, nil
		}
	}
	return len(neurons) > 0, nil
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
	// The DAO column appears when an SNS's decision is listed: proposal
	// numbers repeat across governances.
	withDAO := false
	for _, r := range rows {
		withDAO = withDAO || r.Governance != ""
	}
	if withDAO {
		fmt.Fprint(tw, "DAO\t")
	}
	fmt.Fprintln(tw, "PROPOSAL\tTITLE\tNEURON\tVOTE\tSTATUS\tDEADLINE\tSET AT\tSET BY")
	for _, r := range rows {
		neuron := "every neuron"
		switch {
		case r.Alias != "":
			neuron = r.Alias
		case r.SNSNeuron != "":
			neuron = r.SNSNeuron
		case r.Neuron != 0:
			neuron = fmt.Sprint(r.Neuron)
		}
		if withDAO {
			fmt.Fprintf(tw, "%s\t", oneLine(governanceName(r.Governance), 24))
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
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Proposal, oneLine(r.Title, 32), oneLine(neuron, 40), r.Vote, r.Status,
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
