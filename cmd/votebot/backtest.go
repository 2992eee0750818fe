package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/votebot/votebot/backtest"
	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/config"
	"github.com/votebot/votebot/daemon"
	"github.com/votebot/votebot/internal/duration"
	"github.com/votebot/votebot/policy"
	"github.com/votebot/votebot/store"
)

func newBacktestCmd(s Streams) *cobra.Command {
	var configPath, since, storePath, proposals string
	var asJSON, all bool
	cmd := &cobra.Command{
		Use:   "backtest -c NEW.yaml [--since 90d] [--proposals FILE] [--store-path FILE] [--all] [--json]",
		Short: "Replay a configuration's policies over the stored history: what it would have voted (votes nothing)",
		Long: `Replay the policies of NEW.yaml (policy.Decide, as the daemon runs it) over the
proposals the state database holds: per proposal and neuron, what NEW would have
done against what the daemon decided and what was cast, the rule that decided,
where they differ, and the participation NEW would have had. No network call,
no vote. Decisions recorded before votebot kept their input are not replayed.
Ballots following filled before the daemon decided anything on them are listed as
followed under any policy: the daemon first saw them filled, so no policy could
have acted before.

--proposals FILE adds the proposals of an export in the public dashboard's JSON
shape (ic-api.internetcomputer.org/api/v3/proposals: proposal_id, topic, action,
proposer, title, summary, proposal_timestamp_seconds, deadline_timestamp_seconds,
latest_tally, known_neurons_ballots) that the database does not hold: each
configured neuron is decided with its policy, its followees being the policy's
following (names resolved with the export's known neurons) and their votes the
known neurons' ballots. The export has no vote times: followees whose votes
decide are taken to have voted before the margin; the tally is the final one.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(s, configPath)
			if err != nil {
				return err
			}
			h, err := loadHistory(cmd.Context(), cfg, storePath, since)
			if err != nil {
				return err
			}
			res := backtest.Replay(h, policyOf(cfg))
			if proposals != "" {
				if res, err = withExport(res, h, cfg, proposals); err != nil {
					return err
				}
			}
			if asJSON {
				return writeJSON(s.Out, res)
			}
			return writeBacktest(s.Out, res, all)
		},
	}
	addConfigFlag(cmd.Flags(), &configPath)
	cmd.Flags().StringVar(&since, "since", "90d", "replay proposals made in this window (<n>d or a duration)")
	cmd.Flags().StringVar(&storePath, "store-path", "", "the state database (default: the config's store.path)")
	cmd.Flags().StringVar(&proposals, "proposals", "", "also replay the proposals of this dashboard JSON export")
	cmd.Flags().BoolVar(&all, "all", false, "list every ballot, not only those that change")
	cmd.Flags().BoolVar(&asJSON, "json", false, "write JSON instead of a table")
	return cmd
}

func newFolloweesCmd(s Streams) *cobra.Command {
	var configPath, since, storePath string
	var threshold int
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "followees [-c FILE] [--since 30d] [--threshold N] [--json]",
		Short: "How reliable each followee of the configured neurons has been, per topic",
		Long: `Per followee and topic, from the state database: the share of proposals it voted on
before the follower's ballot was settled, how long before the follower's deadline
margin its vote was seen (median, worst; a vote is seen when the loop looks, so
this is a bound), and how many of the follower's ballots the fallback had to fill
while it had not voted. A followee whose fallbacks exceed --threshold is weak; beside
it, the neurons seen voting (known neurons, other followees) with the best share on
the topic over the same window.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(s, configPath)
			if err != nil {
				return err
			}
			h, err := loadHistory(cmd.Context(), cfg, storePath, since)
			if err != nil {
				return err
			}
			if !cmd.Flags().Changed("threshold") {
				threshold = cfg.Alerts.Thresholds.FolloweeFallbacks
			}
			recs := backtest.Followees(h, threshold, nil)
			if asJSON {
				return writeJSON(s.Out, recs)
			}
			return writeFollowees(s.Out, recs)
		},
	}
	addConfigFlag(cmd.Flags(), &configPath)
	cmd.Flags().StringVar(&since, "since", "30d", "window: proposals made in it (<n>d or a duration)")
	cmd.Flags().StringVar(&storePath, "store-path", "", "the state database (default: the config's store.path)")
	cmd.Flags().IntVar(&threshold, "threshold", 0, "a followee is weak when the fallback filled more ballots than this because of it (default: alerts.thresholds.followee_fallbacks)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "write JSON instead of a table")
	return cmd
}

// loadHistory opens the state database read for a replay; a missing one is an error, not created.
func loadHistory(ctx context.Context, cfg *config.Config, path, since string) (backtest.History, error) {
	window, err := duration.Parse(since)
	if err != nil {
		return backtest.History{}, fmt.Errorf("--since: %w", err)
	}
	if path == "" {
		path = cfg.Store.Path
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return backtest.History{}, fmt.Errorf("no state database at %s (--store-path, or store.path in the config)", path)
	}
	st, err := store.Open(ctx, path)
	if err != nil {
		return backtest.History{}, fmt.Errorf("open the state database: %w", err)
	}
	defer st.Close()
	return backtest.Load(ctx, st, time.Now().Add(-window), time.Now())
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func writeBacktest(w io.Writer, res backtest.Result, all bool) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PROPOSAL\tNEURON\tTOPIC\tRECORDED\tNEW\tNEW RULE\t")
	rows, changed, exported := 0, 0, 0
	for _, r := range res.Rows {
		fromExport := r.Recorded.Action == "unknown"
		switch {
		case fromExport:
			exported++
		case r.Differs:
			rows++
			changed++
		default:
			rows++
		}
		if !all && !r.Differs && !fromExport {
			continue
		}
		mark := ""
		if r.Differs {
			mark = "≠ "
		}
		fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s%s\t%s\t\n", r.Proposal, r.Neuron, r.Topic, describe(r.Recorded), mark,
			describe(r.New), orDash(r.New.Rule))
	}
	fmt.Fprintf(tw, "\n%d ballots replayed, %d change.\n", rows, changed)
	if exported > 0 {
		fmt.Fprintf(tw, "%d ballots of exported proposals the state database does not hold, decided (not counted below).\n", exported)
	}
	fmt.Fprintf(tw, "\nNEURON\tBALLOTS\tFILLED (RECORDED)\tFILLED (NEW)\t\n")
	for _, p := range res.Participation {
		fmt.Fprintf(tw, "%d\t%d\t%d (%.0f%%)\t%d (%.0f%%)\t\n", p.Neuron, p.Ballots, p.Recorded, pct(p.Recorded, p.Ballots),
			p.New, pct(p.New, p.Ballots))
	}
	return tw.Flush()
}

func writeFollowees(w io.Writer, recs []bot.FolloweeRecord) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FOLLOWEE\tTOPIC\tFOLLOWERS\tVOTED\tLEAD (MEDIAN)\tLEAD (WORST)\tFALLBACKS\tBETTER ON THE TOPIC\t")
	for _, r := range recs {
		better := ""
		for i, c := range r.Better {
			if i > 0 {
				better += ", "
			}
			better += fmt.Sprintf("%d %d/%d", c.Neuron, c.Voted, c.Of)
		}
		weak := ""
		if r.Weak {
			weak = " WEAK"
		}
		fmt.Fprintf(tw, "%d\t%s\t%d\t%d/%d (%.0f%%)\t%s\t%s\t%d%s\t%s\t\n", r.Followee, r.TopicName, len(r.Followers),
			r.Voted, r.Proposals, 100*r.Share, lead(r.MedianLead, r.Timed), lead(r.WorstLead, r.Timed), r.Fallbacks, weak, orDash(better))
	}
	return tw.Flush()
}

func describe(o backtest.Outcome) string {
	switch o.Action {
	case "vote":
		return fmt.Sprintf("vote %s (%s)", o.Vote, o.Source)
	case "followed":
		return "followed " + o.Vote.String()
	}
	return o.Action
}

func lead(d time.Duration, timed int) string {
	if timed == 0 {
		return "-"
	}
	return d.Round(time.Second).String()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

// policyOf is each configured neuron's policy, as the daemon decides with.
func policyOf(cfg *config.Config) func(uint64) *policy.Policy {
	d := daemon.DeciderFor(cfg)
	return func(n uint64) *policy.Policy { return d.ByNeuron[n] }
}

// historyNotes says which rules never matched and which followees never voted in the stored
// history (`plan`, `config validate`); nothing when there is no state database yet. A database
// that cannot be read is a note too: neither command needs it.
func historyNotes(ctx context.Context, cfg *config.Config) []string {
	if _, err := os.Stat(cfg.Store.Path); err != nil {
		return nil
	}
	st, err := store.Open(ctx, cfg.Store.Path)
	if err != nil {
		return []string{fmt.Sprintf("the stored history was not read: %v", err)}
	}
	defer st.Close()
	h, err := backtest.Load(ctx, st, time.Time{}, time.Now())
	if err != nil {
		return []string{fmt.Sprintf("the stored history was not read: %v", err)}
	}
	// A rule of a DAO's policy matches that DAO's proposals, kept in its
	// lane's store: they count as matches too. Their ids repeat the NNS's,
	// but Unused only asks whether a rule matched any proposal.
	var notes []string
	lanes, err := findSNSLanes(ctx, cfg.Store.Path, cfg.SNS.DAOs)
	if err != nil {
		notes = append(notes, fmt.Sprintf("the SNS DAOs' stored history was not read: %v", err))
	}
	for _, l := range lanes {
		ps, err := laneProposals(ctx, l)
		if err != nil {
			notes = append(notes, fmt.Sprintf("%s's stored history was not read: %v", l.Name, err))
			continue
		}
		h.Proposals = append(h.Proposals, ps...)
	}
	return append(notes, backtest.Unused(h, cfg.Policies)...)
}

// laneProposals are the proposals an SNS lane's store holds.
func laneProposals(ctx context.Context, l snsLane) ([]policy.Proposal, error) {
	st, err := l.open(ctx)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	h, err := backtest.Load(ctx, st, time.Time{}, time.Now())
	if err != nil {
		return nil, err
	}
	return h.Proposals, nil
}

func printHistoryNotes(w io.Writer, notes []string) {
	for _, n := range notes {
		fmt.Fprintln(w, "history: "+n)
	}
}

// withExport adds the export's proposals the store does not hold to res.
func withExport(res backtest.Result, h backtest.History, cfg *config.Config, path string) (backtest.Result, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return res, fmt.Errorf("--proposals: %w", err)
	}
	xs, err := backtest.ParseExport(data)
	if err != nil {
		return res, fmt.Errorf("--proposals %s: %w", path, err)
	}
	held := map[uint64]bool{}
	for _, p := range h.Proposals {
		held[p.ID] = true
	}
	var neurons []uint64
	for _, n := range cfg.Neurons {
		neurons = append(neurons, n.ID)
	}
	res.Rows = append(res.Rows, backtest.ReplayExport(xs, neurons, policyOf(cfg), held)...)
	return res, nil
}
