package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/rewards"
	"github.com/votebot/votebot/store"
)

// storeHistory is what the state database says of itself: how far back
// its observations reach (store.retention prunes older ones) and, for
// --proposal, the decision log.
type storeHistory struct {
	oldest    time.Time
	proposal  uint64
	decisions []bot.DecisionRecord
}

func readHistory(ctx context.Context, st *store.Store, proposal uint64) (*storeHistory, error) {
	oldest, err := st.OldestObservation(ctx)
	if err != nil {
		return nil, err
	}
	h := &storeHistory{oldest: oldest, proposal: proposal}
	if proposal != 0 {
		if h.decisions, err = st.Decisions(ctx, proposal, 0); err != nil {
			return nil, err
		}
	}
	return h, nil
}

// writeHistory says how far back the report sees.
func writeHistory(w io.Writer, h *storeHistory) error {
	if h == nil {
		return nil
	}
	if h.oldest.IsZero() {
		_, err := fmt.Fprintln(w, "\nHistory: the state database holds no observations yet.")
		return err
	}
	_, err := fmt.Fprintf(w, "\nHistory: observations from proposals made since %s (older ones are pruned by store.retention).\n",
		h.oldest.UTC().Format(time.DateOnly))
	return err
}

// writeDecisionLog lists the decision log of the proposal asked for: when each decision was
// made, for which neuron (by alias, as plan names it), which rule decided and by what source.
// Times read as everywhere a person reads them (alert.TimeLayout), in the reasons too.
func writeDecisionLog(w io.Writer, h *storeHistory, neurons []rewards.NeuronStatus) error {
	if h == nil {
		return fmt.Errorf("--proposal needs the state database (--store-path or --config)")
	}
	if len(h.decisions) == 0 {
		_, err := fmt.Fprintf(w, "No decisions recorded for proposal %d.\n", h.proposal)
		return err
	}
	names := map[uint64]string{}
	for _, n := range neurons {
		names[n.ID] = n.Name
	}
	fmt.Fprintf(w, "Decisions on proposal %d\n", h.proposal)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "AT\tNEURON\tDO\tVOTE\tRULE\tSOURCE\tREASON")
	for _, r := range h.decisions {
		d := r.Decision
		vote, rule, neuron := "-", d.Rule, names[r.Neuron]
		if d.Votes() {
			vote = d.Vote.String()
		}
		if rule == "" {
			rule = "-"
		}
		if neuron == "" {
			neuron = strconv.FormatUint(r.Neuron, 10)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.At.UTC().Format(alert.TimeLayout), neuron, d.Verb(), vote,
			rule, d.Source(), oneLine(alert.ReadableTimes(d.Reason), 200))
	}
	return tw.Flush()
}
