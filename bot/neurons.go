package bot

import (
	"context"
	"fmt"
	"maps"
	"sort"
	"strings"
	"time"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
)

// readNeurons reads every controlled neuron; a neuron the identity may not
// read is absent from the result (its ballots are then unknown, never
// missed). ok is false when the read failed: nothing is known then, and no
// neuron check may conclude anything.
func (b *Bot) readNeurons(ctx context.Context, opts Options, force, idle bool) (state map[uint64]Neuron, ok bool) {
	now := b.now()
	ttl := opts.NeuronsTTL
	if idle {
		ttl = max(ttl, opts.NeuronsIdleTTL)
	}
	if !force && b.neurons != nil && now.Sub(b.neuronsAt) < ttl {
		return b.neurons, true
	}
	ids := make([]uint64, len(opts.Neurons))
	for i, n := range opts.Neurons {
		ids[i] = n.ID
	}
	state, err := b.gov.Neurons(ctx, ids)
	if err != nil {
		b.log.Error().Err(err).Msg("read neurons")
		if state == nil {
			state = map[uint64]Neuron{}
		}
		return state, false
	}
	for _, nc := range opts.Neurons {
		if n, ok := state[nc.ID]; ok && n.Authorized {
			b.metrics.NeuronPower(nc.ID, n.DecidingVotingPower, n.PotentialVotingPower)
		}
	}
	b.neurons, b.neuronsAt = state, now
	b.neuronReads++
	b.recordReads(ctx, opts, state, now)
	return state, true
}

// absentFromNew lists the configured neurons that a proposal new to the
// loop gave no ballot (in the ballots this identity may see).
func (b *Bot) absentFromNew(open []policy.Proposal, opts Options) []uint64 {
	var ids []uint64
	seen := map[uint64]bool{}
	for _, p := range open {
		if _, tracked := b.tracked[p.ID]; tracked {
			continue
		}
		for _, nc := range opts.Neurons {
			if _, ok := p.Ballots.Get(nc.ID); !ok && !seen[nc.ID] {
				seen[nc.ID] = true
				ids = append(ids, nc.ID)
			}
		}
	}
	return ids
}

// rereadAbsent re-reads, at once, the neurons a new proposal gave no
// ballot: the identity may have lost its hotkey, or the neuron its right
// to vote (dissolved, a dissolve delay below the minimum), and the checks
// of this pass tell which (hotkey_missing, neuron_cannot_vote) instead of
// the deadline's. A neuron no longer readable leaves state. A failed
// re-read keeps state as it was.
func (b *Bot) rereadAbsent(ctx context.Context, state map[uint64]Neuron, ids []uint64) map[uint64]Neuron {
	fresh, err := b.gov.Neurons(ctx, ids)
	if err != nil {
		b.log.Warn().Err(err).Uints64("neurons", ids).Msg("re-read of neurons without a ballot on a new proposal failed")
		return state
	}
	out := maps.Clone(state) // state is the cache, shared with the console's view
	for _, id := range ids {
		n, ok := fresh[id]
		if !ok || !n.Authorized {
			b.log.Warn().Uint64("neuron", id).Bool("not_found", n.NotFound).Msg("no ballot on a new proposal: the bot identity cannot act for the neuron")
		} else {
			b.log.Info().Uint64("neuron", id).Dur("dissolve_delay", n.DissolveDelay).Str("state", n.State.String()).
				Msg("no ballot on a new proposal: the neuron was not eligible when it was made")
		}
		if !ok {
			delete(out, id)
			continue
		}
		out[id] = n
		if n.Authorized {
			b.metrics.NeuronPower(id, n.DecidingVotingPower, n.PotentialVotingPower)
		}
	}
	b.neurons = out // later passes see it too; the others' read time stays
	return out
}

// neuronFinding is one result of checking a neuron: an alert to raise or
// a kind to resolve.
type neuronFinding struct {
	fire    []alert.Alert
	resolve []alert.Kind
	warn    []string
}

// checkNeuronHealth is pure: is the identity a hotkey, does the neuron
// exist, can it vote, is it dissolving. props are the open proposals, for
// the ones a neuron that cannot vote misses.
func checkNeuronHealth(nc NeuronConfig, n Neuron, readable bool, econ *Economics, principal string, props []policy.Proposal, now time.Time) neuronFinding {
	var f neuronFinding
	blocker := BlockerOf(nc, n, readable, econ, principal, props)
	if blocker != nil {
		f.fire = append(f.fire, blocker.alert())
	}
	for _, k := range blockerKinds {
		// Whether a neuron votebot may not read (or whose dissolve state it
		// cannot decode) can vote is not known: its neuron_cannot_vote stays.
		if (blocker == nil || k != blocker.Kind) && (k != alert.KindNeuronCannotVote || (n.Authorized && !n.DissolveUnknown)) {
			f.resolve = append(f.resolve, k)
		}
	}
	if blocker != nil && blocker.AllBallots {
		return f
	}
	if n.Controller != "" && n.Controller == principal {
		f.warn = append(f.warn, "the bot identity is the neuron's controller: a controller key on a server is a risk; use a hotkey")
	}
	if n.DissolveUnknown {
		f.warn = append(f.warn, "the neuron's dissolve state is of a kind votebot does not know: upgrade votebot; "+
			"its dissolve delay is not checked until then")
		return f
	}
	label := nc.Label()
	if at, ok := dropsBelowMinimum(n, econ, now); ok {
		f.fire = append(f.fire, alert.Alert{Kind: alert.KindNeuronDissolving, Severity: alert.SeverityWarning, Neuron: nc.ID,
			Headline: "Neuron " + label + " is dissolving",
			Text: fmt.Sprintf("Neuron %s is dissolving: its dissolve delay drops below the %s minimum to vote on %s "+
				"(in %s); after that new proposals give it no ballot. Stop dissolving (or increase the delay) to keep voting.",
				label, econ.MinimumDissolveDelayToVote, at.UTC().Format(time.RFC3339), at.Sub(now).Round(time.Hour))})
	} else {
		// Not dissolving, or already below the minimum (neuron_cannot_vote).
		f.resolve = append(f.resolve, alert.KindNeuronDissolving)
	}
	return f
}

// dropsBelowMinimum says when a dissolving neuron's dissolve delay will fall
// below the minimum to vote: the dissolve moment less the minimum (from the
// remaining delay when the moment is unknown). ok is false when the neuron
// is not dissolving or is below the minimum already.
func dropsBelowMinimum(n Neuron, econ *Economics, now time.Time) (at time.Time, ok bool) {
	if n.State != nns.NeuronStateDissolving || econ == nil || econ.MinimumDissolveDelayToVote <= 0 {
		return time.Time{}, false
	}
	dissolved := n.DissolvesAt
	if dissolved.IsZero() {
		dissolved = now.Add(n.DissolveDelay)
	}
	at = dissolved.Add(-econ.MinimumDissolveDelayToVote)
	return at, at.After(now)
}

func describeFollowing(diff, have map[nns.Topic][]uint64) string {
	topics := make([]nns.Topic, 0, len(diff))
	for t := range diff {
		topics = append(topics, t)
	}
	sort.Slice(topics, func(i, j int) bool { return topics[i] < topics[j] })
	parts := make([]string, len(topics))
	for i, t := range topics {
		parts[i] = fmt.Sprintf("%s: want %v, have %v", t, diff[t], have[t])
	}
	return strings.Join(parts, "; ")
}

// refreshDue reports whether voting power must be refreshed now: decay
// starts StartReducingVotingPowerAfter the last refresh, and the bot acts
// when at most whenLeft remains.
func refreshDue(n Neuron, econ *Economics, whenLeft time.Duration, now time.Time) (due bool, decayStarts time.Time) {
	if econ == nil || econ.StartReducingVotingPowerAfter <= 0 || n.VotingPowerRefreshed.IsZero() {
		return false, time.Time{}
	}
	decayStarts = n.VotingPowerRefreshed.Add(econ.StartReducingVotingPowerAfter)
	return decayStarts.Sub(now) <= whenLeft, decayStarts
}

// checkNeurons runs the per-neuron checks, reconciles following when asked
// (start, reload) and refreshes voting power when due.
func (b *Bot) checkNeurons(ctx context.Context, d Decider, p *pass) {
	opts, state, now, reconcile := p.opts, p.state, p.now, p.reconcile
	b.economics(ctx)
	principal := b.gov.Principal()
	known := b.knownNeurons(ctx, opts, now, reconcile) // once per pass, not per neuron
	for _, nc := range opts.Neurons {
		n, readable := state[nc.ID]
		f := checkNeuronHealth(nc, n, readable, b.econ, principal, p.props, now)
		for _, a := range f.fire {
			b.fire(ctx, a)
		}
		for _, k := range f.resolve {
			b.resolve(ctx, k, nc.ID, 0)
		}
		for _, w := range f.warn {
			if !b.warnedCtl[nc.ID] {
				b.log.Warn().Uint64("neuron", nc.ID).Msg(w)
				b.warnedCtl[nc.ID] = true
			}
		}
		if !readable || !n.Authorized || b.governance != "" {
			// An SNS lane's following is by SNS topic, set by its lane
			// (daemon/), and an SNS has no voting-power refresh or decay.
			continue
		}
		b.checkFollowing(ctx, d, nc, n, known, reconcile, opts)
		b.checkRefresh(ctx, nc, n, opts, now)
	}
}

func (b *Bot) knownNeurons(ctx context.Context, opts Options, now time.Time, force bool) map[string]uint64 {
	if b.known != nil && !force && now.Sub(b.knownAt) < opts.KnownNeuronsTTL {
		return b.known
	}
	k, err := b.gov.KnownNeurons(ctx)
	if err != nil {
		b.log.Error().Err(err).Msg("list known neurons")
		return b.known
	}
	b.known, b.knownAt = k, now
	return k
}

func (b *Bot) checkFollowing(ctx context.Context, d Decider, nc NeuronConfig, n Neuron, known map[string]uint64, reconcile bool, opts Options) {
	diff, warnings := d.FollowingChanges(nc.ID, n.Followees, known)
	if reconcile {
		for _, w := range warnings {
			b.log.Warn().Uint64("neuron", nc.ID).Msg("following: " + w)
		}
	}
	if len(diff) == 0 {
		b.resolve(ctx, alert.KindFollowingDrift, nc.ID, 0)
		return
	}
	text := describeFollowing(diff, n.Followees)
	if reconcile && !opts.DryRun {
		err := b.gov.SetFollowing(ctx, nc.ID, diff)
		if err == nil {
			b.neurons = nil // re-read next pass
			b.log.Info().Uint64("neuron", nc.ID).Str("changes", text).Msg("following reconciled")
			b.emit("following", nc.ID, 0, "%s following set: %s", nc.Label(), text)
			b.resolve(ctx, alert.KindFollowingDrift, nc.ID, 0)
			return
		}
		b.log.Error().Err(err).Uint64("neuron", nc.ID).Msg("set following")
		text += fmt.Sprintf(" (SetFollowing failed: %v)", err)
	}
	b.fire(ctx, alert.Alert{Kind: alert.KindFollowingDrift, Severity: alert.SeverityWarning, Neuron: nc.ID,
		Headline: "Following of neuron " + nc.Label() + " differs from the policy",
		Text:     text + ". Reload the config (SIGHUP) to reconcile."})
}

func (b *Bot) checkRefresh(ctx context.Context, nc NeuronConfig, n Neuron, opts Options, now time.Time) {
	if !n.VotingPowerRefreshed.IsZero() {
		b.metrics.NeuronRefreshed(nc.ID, n.VotingPowerRefreshed)
	}
	due, decay := refreshDue(n, b.econ, opts.RefreshWhenLeft, now)
	if !due {
		b.resolve(ctx, alert.KindRefreshDue, nc.ID, 0)
		b.resolve(ctx, alert.KindRefreshFailed, nc.ID, 0)
		return
	}
	if opts.DryRun {
		b.fire(ctx, alert.Alert{Kind: alert.KindRefreshDue, Severity: alert.SeverityWarning, Neuron: nc.ID,
			Headline: "Voting power refresh due for neuron " + nc.Label(),
			Text:     fmt.Sprintf("Voting power starts to decay at %s (dry run: not refreshing).", fmtTime(decay))})
		return
	}
	err := b.gov.RefreshVotingPower(ctx, nc.ID)
	if err == nil {
		err = b.confirmRefresh(ctx, nc.ID, n.VotingPowerRefreshed)
	}
	if err != nil {
		b.log.Error().Err(err).Uint64("neuron", nc.ID).Msg("refresh voting power")
		b.fire(ctx, alert.Alert{Kind: alert.KindRefreshFailed, Severity: alert.SeverityCritical, Neuron: nc.ID,
			Headline: "Voting power refresh failed for neuron " + nc.Label(),
			Text:     fmt.Sprintf("Refresh failed: %v. Voting power starts to decay at %s.", err, fmtTime(decay))})
		return
	}
	b.log.Info().Uint64("neuron", nc.ID).Time("decay_was_due", decay).Msg("voting power refreshed")
	b.emit("refresh", nc.ID, 0, "%s voting power refreshed (decay was due %s)", nc.Label(), decay.Format("15:04:05"))
	b.resolve(ctx, alert.KindRefreshDue, nc.ID, 0)
	b.resolve(ctx, alert.KindRefreshFailed, nc.ID, 0)
}

// confirmRefresh re-reads the neuron and checks the refresh took effect.
func (b *Bot) confirmRefresh(ctx context.Context, id uint64, before time.Time) error {
	state, err := b.gov.Neurons(ctx, []uint64{id})
	if err != nil {
		return fmt.Errorf("confirm refresh: %w", err)
	}
	n, ok := state[id]
	if !ok || !n.VotingPowerRefreshed.After(before) {
		return fmt.Errorf("confirm refresh: refreshed timestamp did not advance (still %s)", fmtTime(n.VotingPowerRefreshed))
	}
	b.metrics.NeuronRefreshed(id, n.VotingPowerRefreshed)
	b.neurons = nil // the cached read predates the refresh
	return nil
}
