package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/votebot/votebot/bot"
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

// writeHistory says how far back the report sees and lists the decision
// log of the proposal asked for: which rule decided, and by what source.
func writeHistory(w io.Writer, h *storeHistory, askedForProposal bool) error {
	if h == nil {
		if askedForProposal {
			return fmt.Errorf("--proposal needs the state database (--store-path or --config)")
		}
		return nil
	}
	if h.oldest.IsZero() {
		fmt.Fprintln(w, "\nHistory: the state database holds no observations yet.")
	} else {
		fmt.Fprintf(w, "\nHistory: observations from proposals made since %s (older ones are pruned by store.retention).\n",
			h.oldest.UTC().Format(time.DateOnly))
	}
	if h.proposal == 0 {
		return nil
	}
	if len(h.decisions) == 0 {
		_, err := fmt.Fprintf(w, "\nNo decisions recorded for proposal %d.\n", h.proposal)
		return err
	}
	fmt.Fprintf(w, "\nDecisions on proposal %d\n", h.proposal)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "AT\tNEURON\tDO\tVOTE\tRULE\tSOURCE\tREASON")
	for _, r := range h.decisions {
		d := r.Decision
		vote, rule := "-", d.Rule
		if d.Votes() {
			vote = d.Vote.String()
		}
		if rule == "" {
			rule = "-"
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\n", r.At.UTC().Format(time.RFC3339), r.Neuron, d.Verb(), vote,
			rule, d.Source(), oneLine(d.Reason, 200))
	}
	return tw.Flush()
}
