package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/aviate-labs/agent-go/principal"
	"github.com/rs/zerolog"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/config"
	"github.com/votebot/votebot/daemon"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
	"github.com/votebot/votebot/sns"
	"github.com/votebot/votebot/store"
)

// voteSNS is `votebot vote --dao`: the decision goes to the DAO's own state
// database, keyed by the DAO's proposal number and the neuron's short id,
// where the DAO's lane reads its overrides.
func voteSNS(ctx context.Context, s Streams, cfg *config.Config, dao string, id uint64, neuronFlag string, clear bool, args []string) error {
	lanes, err := findSNSLanes(ctx, cfg.Store.Path, cfg.SNS.DAOs)
	if err != nil {
		return fmt.Errorf("vote: %w", err)
	}
	l, err := pickLane(lanes, dao)
	if err != nil {
		return fmt.Errorf("vote: %w", err)
	}
	var neuron uint64
	if neuronFlag != "" {
		if neuron, err = l.neuronID(neuronFlag); err != nil {
			return fmt.Errorf("vote: %w", err)
		}
	}
	who := l.whom(neuron)
	if clear {
		if len(args) != 1 {
			return fmt.Errorf("vote: --clear takes the proposal only, not %q", args[1])
		}
		return clearLaneOverride(ctx, s.Out, l, id, neuron, who)
	}
	if len(args) != 2 {
		return fmt.Errorf("vote: say yes or no (or --clear)")
	}
	v, err := parseVote(args[1])
	if err != nil {
		return err
	}
	if err := checkSNSOpen(ctx, s.Err, cfg, l, id, neuron); err != nil {
		return err
	}
	st, err := store.Open(ctx, l.Path)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.SetOverride(ctx, id, neuron, v, "votebot vote"); err != nil {
		return err
	}
	_, err = fmt.Fprintf(s.Out, "Stored: %s on %s proposal %d for %s.\n%s\n", v, l.Name, id, who, daemonStatus(ctx, cfg))
	return err
}

func clearLaneOverride(ctx context.Context, w io.Writer, l snsLane, id, neuron uint64, who string) error {
	if _, err := os.Stat(l.Path); err != nil {
		_, err = fmt.Fprintf(w, "No decision stored for %s proposal %d (no state database for the DAO yet).\n", l.Name, id)
		return err
	}
	st, err := store.Open(ctx, l.Path)
	if err != nil {
		return err
	}
	defer st.Close()
	deleted, err := st.DeleteOverride(ctx, id, neuron)
	if err != nil {
		return err
	}
	if !deleted {
		_, err = fmt.Fprintf(w, "No decision stored for %s proposal %d for %s; nothing to clear (votebot overrides lists them).\n", l.Name, id, who)
		return err
	}
	_, err = fmt.Fprintf(w, "Cleared the decision on %s proposal %d for %s: the rules decide it again at the next pass.\n", l.Name, id, who)
	return err
}

// neuronID reads --neuron in a DAO: an alias, a 16-hex short id or a whole
// hex id. A DAO whose neurons are configured accepts only those; one found
// by discovery accepts any.
func (l snsLane) neuronID(s string) (uint64, error) {
	for _, n := range l.Neurons {
		if n.Alias != "" && n.Alias == s {
			return n.ID, nil
		}
	}
	var short uint64
	switch raw, err := sns.ParseNeuronID(s); {
	case len(s) == 16:
		var err error
		if short, err = strconv.ParseUint(s, 16, 64); err != nil {
			return 0, fmt.Errorf("--neuron %q: not a neuron of %s (an alias, a 16-hex short id or a hex id)", s, l.Name)
		}
	case err == nil:
		short = sns.ShortID(raw)
	default:
		return 0, fmt.Errorf("--neuron %q: not a neuron of %s (an alias, a 16-hex short id or a hex id)", s, l.Name)
	}
	if len(l.Neurons) > 0 {
		for _, n := range l.Neurons {
			if n.ID == short {
				return short, nil
			}
		}
		return 0, fmt.Errorf("neuron %s is not configured in %s: votebot votes only for its neurons", sns.FormatShortID(short), l.Name)
	}
	return short, nil
}

// whom names who a decision is for in the DAO.
func (l snsLane) whom(neuron uint64) string {
	if neuron == 0 {
		return "every neuron"
	}
	return "neuron " + l.neuron(neuron).Label()
}

// neuronIDs are the lane's configured neurons' short ids.
func (l snsLane) neuronIDs() []uint64 {
	ids := make([]uint64, len(l.Neurons))
	for i, n := range l.Neurons {
		ids[i] = n.ID
	}
	return ids
}

// allOverrideRows are the NNS's decisions, then each SNS lane's; with dao
// only that DAO's.
func allOverrideRows(ctx context.Context, cfg *config.Config, dao string, now time.Time) ([]overrideRow, error) {
	lanes, err := findSNSLanes(ctx, cfg.Store.Path, cfg.SNS.DAOs)
	if err != nil {
		return nil, err
	}
	var rows []overrideRow
	if dao == "" {
		if rows, err = overrideRows(ctx, cfg, now); err != nil {
			return nil, err
		}
	} else {
		l, err := pickLane(lanes, dao)
		if err != nil {
			return nil, err
		}
		lanes = []snsLane{l}
	}
	for _, l := range lanes {
		lr, err := storeOverrideRows(ctx, l.Path, l.neuronIDs(), func(r *overrideRow) {
			r.Governance = l.Name
			if r.Neuron != 0 {
				r.SNSNeuron, r.Alias = sns.FormatShortID(r.Neuron), l.neuron(r.Neuron).Alias
			}
		}, now)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", l.Name, err)
		}
		rows = append(rows, lr...)
	}
	return rows, nil
}

// checkSNSOpen refuses an SNS proposal that does not exist, no longer takes
// votes, or whose ballots (of neuron, 0: every configured one) are all
// filled, as checkOpen does for the NNS. When the DAO cannot be asked (no
// key, no network) it warns on w and lets the decision be stored.
func checkSNSOpen(ctx context.Context, w io.Writer, cfg *config.Config, l snsLane, id, neuron uint64) error {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	p, err := readSNSProposal(ctx, cfg, l, id)
	switch {
	case err != nil:
		fmt.Fprintf(w, "warning: could not check that %s proposal %d is open (%v); storing the decision anyway\n", l.Name, id, err)
		return nil
	case p == nil:
		return fmt.Errorf("vote: %s proposal %d does not exist", l.Name, id)
	case p.VotingEnded(time.Now()):
		return fmt.Errorf("vote: %s proposal %d is not open: voting ended %s", l.Name, id, p.Deadline.UTC().Format(alert.TimeLayout))
	}
	filled := len(l.Neurons) > 0
	for _, n := range l.Neurons {
		if neuron != 0 && n.ID != neuron {
			continue
		}
		if b, ok := p.Ballots.Get(n.ID); !ok || b.Vote == nns.VoteUnspecified {
			filled = false
		}
	}
	if filled {
		return fmt.Errorf("vote: the ballot of %s on %s proposal %d is already cast: a decision changes nothing", l.whom(neuron), l.Name, id)
	}
	return nil
}

// readSNSProposal reads the proposal from the DAO's governance canister
// with the hotkey, as the lane does.
func readSNSProposal(ctx context.Context, cfg *config.Config, l snsLane, id uint64) (*policy.Proposal, error) {
	gov, err := daemon.Connect(ctx, cfg, zerolog.Nop(), nil)
	if err != nil {
		return nil, err
	}
	root, err := principal.Decode(l.Root)
	if err != nil {
		return nil, fmt.Errorf("root %s: %w", l.Root, err)
	}
	cs, err := gov.SNSCanistersOf(ctx, root)
	if err != nil {
		return nil, err
	}
	g := &daemon.SNSGov{G: gov, C: gov.SNS(cs.Governance), Root: l.Root, DAO: l.Name}
	var ids [][]byte
	for _, n := range l.Neurons {
		if raw, err := sns.ParseNeuronID(n.SNSID); err == nil {
			ids = append(ids, raw)
		}
	}
	g.SetNeurons(ids)
	return g.Proposal(ctx, id)
}
