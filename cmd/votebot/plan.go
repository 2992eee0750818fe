package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/rs/zerolog"
	"github.com/spf13/cobra"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/config"
	"github.com/votebot/votebot/daemon"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
	"github.com/votebot/votebot/sns"
	"github.com/votebot/votebot/store"
)

// planView is how `votebot plan` shows the plans.
type planView struct {
	all  bool // also filled ballots and neurons without one
	wide bool // titles and reasons uncut
}

func newPlanCmd(s Streams) *cobra.Command {
	var configPath, output string
	var neurons []string
	var view planView
	cmd := &cobra.Command{
		Use:   "plan [--config FILE] [--all] [--wide] [--neuron N] [-o table|json]",
		Short: "Show what the bot would do for each open proposal and neuron, and why (votes nothing)",
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
			picked, err := pickNeurons(neurons, cfg.Neurons)
			if err != nil {
				return err
			}
			log, err := cmdLogger(cmd, s.Err, zerolog.WarnLevel)
			if err != nil {
				return err
			}
			plans, blocked, err := planFromConfig(cmd.Context(), cfg, log)
			if err != nil {
				return err
			}
			plans, blocked = plansOf(plans, picked), blockedOf(blocked, picked)
			if format == "json" {
				return writePlanJSON(s.Out, plans, view.all)
			}
			if err := writeBlocked(s.Out, blocked); err != nil {
				return err
			}
			if err := writePlanTable(s.Out, plans, time.Now(), view); err != nil {
				return err
			}
			printHistoryNotes(s.Err, historyNotes(cmd.Context(), cfg))
			return nil
		},
	}
	addConfigFlag(cmd.Flags(), &configPath)
	addOutputFlag(cmd, &output, "table", "json")
	addJSONShorthand(cmd)
	cmd.Flags().BoolVar(&view.all, "all", false, "also list ballots already filled (by following or an earlier vote) and neurons without a ballot")
	cmd.Flags().BoolVar(&view.wide, "wide", false, "do not cut titles and reasons to fit a terminal")
	cmd.Flags().StringSliceVar(&neurons, "neuron", nil, "only this neuron (id or alias; repeat or comma-separate for more)")
	return cmd
}

// plansOf keeps the plans of the picked neurons (nil: all).
func plansOf(plans []bot.BallotPlan, picked map[uint64]bool) []bot.BallotPlan {
	if picked == nil {
		return plans
	}
	var out []bot.BallotPlan
	for _, bp := range plans {
		if picked[bp.Neuron.ID] {
			out = append(out, bp)
		}
	}
	return out
}

// blockedOf keeps the blockers of the picked neurons (nil: all).
func blockedOf(blocked []*bot.Blocker, picked map[uint64]bool) []*bot.Blocker {
	if picked == nil {
		return blocked
	}
	var out []*bot.Blocker
	for _, b := range blocked {
		if picked[b.Neuron.ID] {
			out = append(out, b)
		}
	}
	return out
}

func planFromConfig(ctx context.Context, cfg *config.Config, log zerolog.Logger) ([]bot.BallotPlan, []*bot.Blocker, error) {
	gov, err := daemon.Connect(ctx, cfg, log, nil)
	if err != nil {
		return nil, nil, err
	}
	overrides, err := storedOverrides(ctx, cfg.Store.Path)
	if err != nil {
		return nil, nil, err
	}
	now := time.Now()
	plans, blocked, err := bot.PlanOnce(ctx, daemon.AgentGov{C: gov}, daemon.DeciderFor(cfg), daemon.OptionsFor(cfg).Neurons, overrides, now)
	if err != nil {
		return nil, nil, err
	}
	if err := markCast(ctx, cfg.Store.Path, plans); err != nil {
		return nil, nil, err
	}
	lanes, err := connectPlanLanes(ctx, cfg, gov, log)
	if err != nil {
		return nil, nil, err
	}
	snsPlans, snsBlocked, errs := planLanes(ctx, lanes, now)
	for _, err := range errs {
		log.Warn().Err(err).Msg("an SNS DAO is left out of the plan")
	}
	return append(plans, snsPlans...), append(blocked, snsBlocked...), nil
}

// markCast marks the filled ballots votebot itself cast (by rule, fallback
// or override, per its state database) as its own: the network only says a
// ballot is filled, and "by following or an earlier vote" misleads the
// operator who just decided it.
func markCast(ctx context.Context, path string, plans []bot.BallotPlan) error {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	st, err := store.Open(ctx, path)
	if err != nil {
		return fmt.Errorf("read the votes votebot cast: %w (check store.path and that this user may read it, e.g. run with sudo)", err)
	}
	defer st.Close()
	cast := map[uint64]map[uint64]bool{} // proposal → neurons votebot voted
	for i := range plans {
		bp := &plans[i]
		if bp.Outcome != bot.BallotFollowing {
			continue
		}
		id := bp.Proposal.ID
		if cast[id] == nil {
			votes, err := st.CastVotes(ctx, id)
			if err != nil {
				return err
			}
			cast[id] = map[uint64]bool{}
			for _, v := range votes {
				cast[id][v.Neuron] = true
			}
		}
		if cast[id][bp.Neuron.ID] {
			bp.Outcome = bot.BallotDirect
		}
	}
	return nil
}

// storedOverrides reads `votebot vote` overrides when the state database
// exists.
func storedOverrides(ctx context.Context, path string) ([]policy.Override, error) {
	st, err := openOverridesStore(ctx, path)
	if st == nil || err != nil {
		return nil, err
	}
	defer st.Close()
	return st.Overrides(ctx)
}

// openOverridesStore opens the state database to read the stored decisions;
// nil when there is none: plan and overrides never create one.
func openOverridesStore(ctx context.Context, path string) (*store.Store, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	st, err := store.Open(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("read the overrides of votebot vote: %w (check store.path and that this user may read it, e.g. run with sudo)", err)
	}
	return st, nil
}

// planRow is one line of `votebot plan --json`.
type planRow struct {
	// Governance is the DAO's name for an SNS proposal ("" for the NNS):
	// proposal ids are each governance's own.
	Governance string    `json:"governance,omitempty"`
	Proposal   uint64    `json:"proposal"`
	Topic      string    `json:"topic"`
	Title      string    `json:"title"`
	Deadline   time.Time `json:"deadline"`
	// Tally is the proposal's latest tally, in e8s of voting power.
	Tally  planTally `json:"tally"`
	Neuron uint64    `json:"neuron"`
	// SNSNeuron is an SNS neuron's short id in hex (Neuron in decimal).
	SNSNeuron string `json:"sns_neuron,omitempty"`
	Alias     string `json:"alias,omitempty"`
	Ballot    string `json:"ballot"`
	Action    string `json:"action"`
	Vote      string `json:"vote,omitempty"`
	// At is when the vote is sent (action vote), or when the fallback
	// acts (wait, ask): FallbackAt says which.
	At         time.Time `json:"at,omitzero"`
	FallbackAt time.Time `json:"fallback_at,omitzero"`
	// NoFallback: nothing votes if the wait ends unanswered.
	NoFallback bool   `json:"no_fallback,omitempty"`
	Source     string `json:"source,omitempty"`
	Rule       string `json:"rule,omitempty"`
	Reason     string `json:"reason"`
	// Blocked is the kind of the neuron's one alert when it cannot vote
	// (hotkey_missing, neuron_not_found, neuron_cannot_vote), Fix what
	// to do about it.
	Blocked string `json:"blocked,omitempty"`
	Fix     string `json:"fix,omitempty"`
	// blockedAll: no ballot of the neuron can be voted; plan lists the
	// neuron once at the top instead of each of its ballots.
	blockedAll bool
}

type planTally struct {
	YesE8s   uint64 `json:"yes_e8s"`
	NoE8s    uint64 `json:"no_e8s"`
	TotalE8s uint64 `json:"total_e8s"`
}

// open is true for a ballot the bot may still have to fill, or cannot
// tell (a neuron it cannot read: its hotkey removed).
func (r planRow) open() bool {
	return r.Ballot == string(bot.BallotEmpty) || r.Ballot == string(bot.BallotUnknown)
}

// listed is true for a row the table shows without --all: open, and not
// of a neuron listed at the top as unable to vote.
func (r planRow) listed() bool { return r.open() && !r.blockedAll }

func planRows(plans []bot.BallotPlan) []planRow {
	rows := make([]planRow, 0, len(plans))
	for _, bp := range plans {
		t := bp.Proposal.Tally
		r := planRow{Governance: bp.Proposal.Governance(), Proposal: bp.Proposal.ID, Topic: bp.Proposal.TopicName(), Title: bp.Proposal.Title,
			Deadline: bp.Proposal.Deadline.UTC(), Tally: planTally{YesE8s: t.Yes, NoE8s: t.No, TotalE8s: t.Total},
			Neuron: bp.Neuron.ID, Alias: bp.Neuron.Alias, Ballot: string(bp.Outcome)}
		if bp.Neuron.SNSID != "" {
			r.SNSNeuron = sns.FormatShortID(bp.Neuron.ID)
		}
		if action, reason, ok := bp.Outcome.Describe(); ok {
			r.Action, r.Reason = action, reason
			if bp.Outcome != bot.BallotNone {
				r.Vote = bp.Vote.String()
			}
		} else {
			d := bp.Decision
			r.Action, r.Reason, r.Source, r.Rule = d.Verb(), d.Reason, d.Source(), d.Rule
			if d.Vote != nns.VoteUnspecified && !d.Skip {
				r.Vote = d.Vote.String()
			}
			switch {
			case d.Votes() && !d.At.IsZero():
				r.At = d.At.UTC()
			case !d.Votes() && !d.Skip && !d.At.IsZero():
				r.FallbackAt = d.At.UTC() // wait and ask: At is when the fallback acts
			}
			r.NoFallback = d.NoFallback
		}
		if b := bp.Blocker; b != nil {
			r.Blocked, r.Fix, r.blockedAll = string(b.Kind), b.Fix, b.AllBallots
			if b.AllBallots && r.open() {
				r.Source, r.Rule = "", "" // no rule decided: the neuron cannot vote
			}
			if bp.Outcome == bot.BallotNone {
				r.Reason = "no ballot: " + b.Cause
			}
		}
		rows = append(rows, r)
	}
	return rows
}

func writePlanJSON(w io.Writer, plans []bot.BallotPlan, all bool) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	rows := planRows(plans)
	if !all {
		rows = openRows(rows)
	}
	return enc.Encode(rows)
}

func openRows(rows []planRow) []planRow {
	open := rows[:0:0]
	for _, r := range rows {
		if r.open() {
			open = append(open, r)
		}
	}
	return open
}

// writePlanTable prints one line per ballot: the open ones, or every one
// with all. VOTE is what will be cast (or ask/wait/skip), WHEN when it is
// sent, FALLBACK AT when the fallback acts on a ballot that waits for
// followees or a person.
func writePlanTable(w io.Writer, plans []bot.BallotPlan, now time.Time, view planView) error {
	if len(plans) == 0 {
		_, err := fmt.Fprintln(w, "No open proposals.")
		return err
	}
	rows := planRows(plans)
	shown := rows
	if !view.all {
		shown = listedRows(rows)
	}
	titleWidth, reasonWidth := 32, 90
	if view.wide {
		titleWidth, reasonWidth = maxCell, maxCell
	}
	blockedRows := 0
	for _, r := range rows {
		if r.open() && r.blockedAll {
			blockedRows++
		}
	}
	if len(shown) == 0 && blockedRows > 0 {
		_, err := fmt.Fprintf(w, "Nothing else to do: the other %d %s filled or not eligible (--all lists them).\n",
			len(rows)-blockedRows, plural(len(rows)-blockedRows, "ballot is", "ballots are"))
		return err
	}
	if len(shown) == 0 {
		_, err := fmt.Fprintf(w, "Nothing to do: all %d %s filled or not eligible (--all lists them).\n",
			len(rows), plural(len(rows), "ballot is", "ballots are"))
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	// The DAO column appears when an SNS is planned: an NNS-only plan reads
	// as it always has.
	withDAO := anySNS(shown)
	dao := func(r planRow) string { return "" }
	tallyHead := "YES / NO (ICP)"
	if withDAO {
		fmt.Fprint(tw, "DAO\t")
		dao = func(r planRow) string { return oneLine(governanceName(r.Governance), 24) + "\t" }
		tallyHead = "YES / NO (VP)"
	}
	fmt.Fprintln(tw, "PROPOSAL\tTOPIC\tTITLE\tDEADLINE\t"+tallyHead+"\tNEURON\tVOTE\tWHEN\tFALLBACK AT\tWHY")
	for _, r := range shown {
		neuron := fmt.Sprint(r.Neuron)
		if r.SNSNeuron != "" {
			neuron = r.SNSNeuron
		}
		if r.Alias != "" {
			neuron = r.Alias
		}
		fmt.Fprintf(tw, "%s%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", dao(r), r.Proposal, r.Topic, oneLine(r.Title, titleWidth),
			relTime(r.Deadline, now), tallyICP(r.Tally), oneLine(neuron, 40), planVote(r), planWhen(r, now), planFallbackAt(r, now),
			oneLine(alert.ReadableTimes(r.Reason), reasonWidth))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if hidden := len(rows) - len(shown) - blockedRows; hidden > 0 && !view.all {
		_, err := fmt.Fprintf(w, "(%d filled or ineligible %s not shown: --all lists them)\n", hidden, plural(hidden, "ballot", "ballots"))
		return err
	}
	return nil
}

func listedRows(rows []planRow) []planRow {
	listed := rows[:0:0]
	for _, r := range rows {
		if r.listed() {
			listed = append(listed, r)
		}
	}
	return listed
}

// writeBlocked lists, before the ballots, the neurons that cannot vote:
// why, the open proposals it costs, and the fix (the words of their one
// alert). Their unvoted ballots are then left out of the table.
func writeBlocked(w io.Writer, blocked []*bot.Blocker) error {
	if len(blocked) == 0 {
		return nil
	}
	// Uncut, also without --wide: the fix holds the principal to paste.
	width := maxCell
	fmt.Fprintf(w, "%d %s cannot vote:\n", len(blocked), plural(len(blocked), "neuron", "neurons"))
	for _, b := range blocked {
		name := b.Neuron.Label() // an SNS neuron by its 16 hex digits
		what := "unvoted"
		if !b.AllBallots {
			what = "without a ballot"
		}
		fmt.Fprintf(w, "  %s  %s: %s\n", name, b.Kind.Label(), oneLine(b.Cause, width))
		fmt.Fprintf(w, "    %d open %s %s%s\n", len(b.Proposals), plural(len(b.Proposals), "proposal", "proposals"), what, idList(b.Proposals))
		fmt.Fprintf(w, "    fix: %s\n", oneLine(b.Fix, width))
	}
	_, err := fmt.Fprintln(w)
	return err
}

// idList writes ": 1, 2, 3" (at most ten ids, then how many more).
func idList(ids []uint64) string {
	if len(ids) == 0 {
		return ""
	}
	parts := make([]string, 0, 10)
	for _, id := range ids[:min(len(ids), 10)] {
		parts = append(parts, fmt.Sprint(id))
	}
	s := ": " + strings.Join(parts, ", ")
	if len(ids) > 10 {
		s += fmt.Sprintf(" and %d more", len(ids)-10)
	}
	return s
}

func planVote(r planRow) string {
	if r.Ballot == string(bot.BallotUnknown) {
		return "unknown"
	}
	switch r.Action {
	case "vote", "voted":
		return r.Vote
	case "wait":
		return "follow"
	}
	return r.Action // ask, skip, nothing
}

func planWhen(r planRow, now time.Time) string {
	switch {
	case r.Action == "voted":
		return "done"
	case r.Action == "vote" && r.At.IsZero():
		return "now"
	case r.Action == "vote":
		return relTime(r.At, now)
	case r.Action == "ask":
		return "when decided"
	case r.Action == "wait":
		return "if followees vote"
	}
	return "-"
}

func planFallbackAt(r planRow, now time.Time) string {
	switch {
	case r.Action != "wait" && r.Action != "ask":
		return "-"
	case r.NoFallback || r.FallbackAt.IsZero():
		return "none"
	}
	at := relTime(r.FallbackAt, now)
	if r.Vote != "" {
		at += " (" + r.Vote + ")"
	}
	return at
}

// tallyICP writes a tally's yes and no voting power in whole ICP with
// thousands separators (mainnet tallies are tens of millions of ICP).
func tallyICP(t planTally) string {
	if t.TotalE8s == 0 && t.YesE8s == 0 && t.NoE8s == 0 {
		return "-"
	}
	return nns.GroupThousands(t.YesE8s/1e8) + " / " + nns.GroupThousands(t.NoE8s/1e8)
}

func relTime(t, now time.Time) string {
	d := t.Sub(now).Round(time.Second)
	switch {
	case d <= 0:
		return "now"
	case d < 48*time.Hour:
		return "in " + shortDuration(d)
	}
	return t.UTC().Format("2006-01-02 15:04")
}

// shortDuration writes 46h, 1h30m, 25m or 40s: the units a person reads,
// without the zero parts time.Duration.String keeps ("46h0m0s").
func shortDuration(d time.Duration) string {
	if d < time.Minute {
		return d.Round(time.Second).String()
	}
	d = d.Round(time.Minute)
	h, m := d/time.Hour, (d%time.Hour)/time.Minute
	switch {
	case h == 0:
		return fmt.Sprintf("%dm", m)
	case m == 0:
		return fmt.Sprintf("%dh", h)
	}
	return fmt.Sprintf("%dh%dm", h, m)
}

// maxCell bounds a cell of --wide output: a proposal title is at most 256 bytes, a summary is
// never shown, so only a broken or hostile reply reaches it.
const maxCell = 2000

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
