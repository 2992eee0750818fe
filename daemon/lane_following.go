package daemon

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/policy"
	"github.com/votebot/votebot/sns"
)

// RunLoop drives every lane, the NNS one and one per SNS DAO, until ctx
// ends: the SNS lanes' following is set first, then one loop passes them
// all (bot.Group).
func (a *App) RunLoop(ctx context.Context) error {
	cfg := a.Config()
	dry := a.loopOptions(cfg).DryRun
	bots := []*bot.Bot{a.Bot}
	var refreshers sync.WaitGroup
	defer refreshers.Wait() // before the caller closes the lane stores
	for _, l := range a.lanes {
		l.applyFollowing(ctx, dry)
		bots = append(bots, l.Bot)
		refreshers.Go(func() { l.refreshFacts(ctx, factsEvery(cfg.PollInterval), a.opts.Now) })
	}
	return bot.NewGroup(bots...).Run(ctx)
}

// factsEvery is how often a lane re-reads its DAO's facts: ten polls (10
// minutes by default). A reward round ends daily; the facts read at start
// may predate the first one (a new DAO) and the round pool changes with
// the supply. Two queries per DAO each time: 12 an hour.
func factsEvery(poll time.Duration) time.Duration {
	if poll <= 0 {
		poll = time.Minute
	}
	return 10 * poll
}

// refreshFacts re-records the lane's DAO facts every interval until ctx
// ends.
func (l *Lane) refreshFacts(ctx context.Context, every time.Duration, now func() time.Time) {
	if now == nil {
		now = time.Now
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			l.recordFacts(ctx, now())
		}
	}
}

// applyFollowing makes the on-chain following of the lane's neurons what
// the DAO's following: says (at start and on reload). Each change is
// logged and reported as an event; a failure is a following_drift alert
// naming the DAO, resolved once a later attempt succeeds.
func (l *Lane) applyFollowing(ctx context.Context, dryRun bool) {
	dao, gov := l.DAO(), l.governance()
	if len(dao.Following) == 0 {
		return
	}
	if _, err := gov.client(ctx); err != nil {
		// The DAO has not answered since start: its poll alerts say so
		// (one alert, not two); the following is set when it answers.
		l.mu.Lock()
		pending := !l.resolved
		l.followingPending = l.followingPending || pending
		l.mu.Unlock()
		if pending {
			l.log.Warn().Err(err).Msg("sns following: set when the DAO answers")
			return
		}
	}
	mine, err := gov.listMine(ctx)
	if err != nil {
		l.log.Error().Err(err).Msg("sns following: read the neurons")
		l.fireFollowing(ctx, bot.NeuronConfig{}, "its neurons could not be read: "+err.Error())
		return
	}
	l.resolveFollowing(ctx, 0)
	onChain := map[uint64]sns.Neuron{}
	for _, sn := range mine {
		if sn.Id != nil {
			onChain[sns.ShortID(sn.Id.Id)] = sn
		}
	}
	for _, n := range dao.Neurons {
		nc := bot.NeuronConfig{ID: sns.ShortID(n.ID), Alias: n.Alias, SNSID: sns.NeuronIDHex(n.ID)}
		sn, ok := onChain[nc.ID]
		if !ok || !slices.Contains(sn.PermissionsOf(gov.G.Sender()), sns.PermissionVote) {
			continue // the loop alerts on a neuron the hotkey cannot vote with
		}
		have := snsFollowing(sn)
		diff, warnings := policy.SNSFollowingDiff(dao.Following, have)
		for _, w := range warnings {
			l.log.Warn().Str("neuron", nc.Label()).Msg("sns following: " + w)
		}
		if len(diff) == 0 {
			l.resolveFollowing(ctx, nc.ID)
			continue
		}
		text := describeSNSFollowing(diff, have)
		if dryRun {
			l.log.Info().Str("neuron", nc.Label()).Str("changes", text).Msg("sns following: would set (dry run)")
			continue
		}
		if err := gov.SetSNSFollowing(ctx, n.ID, diff); err != nil {
			l.log.Error().Err(err).Str("neuron", nc.Label()).Msg("sns following: set following")
			l.fireFollowing(ctx, nc, fmt.Sprintf("%s (SetFollowing failed: %v)", text, err))
			continue
		}
		l.log.Info().Str("neuron", nc.Label()).Str("changes", text).Msg("sns following set")
		if l.events != nil {
			l.events(bot.Event{Time: gov.now(), Kind: "following", Governance: l.Governance, Neuron: nc.ID,
				Text: fmt.Sprintf("%s following set: %s", nc.Label(), text)})
		}
		l.resolveFollowing(ctx, nc.ID)
	}
}

// fireFollowing alerts that the following of nc (zero: of every neuron)
// could not be set; the headline names the DAO.
func (l *Lane) fireFollowing(ctx context.Context, nc bot.NeuronConfig, why string) {
	whose := "the neurons"
	if nc.ID != 0 {
		whose = "neuron " + nc.Label()
	}
	a := alert.Alert{Kind: alert.KindFollowingDrift, Severity: alert.SeverityWarning, Governance: l.Governance,
		Neuron: nc.ID, NeuronAlias: nc.Alias,
		Headline: fmt.Sprintf("The following of %s in %s could not be set", whose, l.Governance),
		Text:     why + ". Reload the config (SIGHUP) to try again."}
	if _, err := l.alerts.Fire(ctx, a); err != nil {
		l.log.Error().Err(err).Msg("alert delivery failed")
	}
}

func (l *Lane) resolveFollowing(ctx context.Context, neuron uint64) {
	a := alert.Alert{Kind: alert.KindFollowingDrift, Governance: l.Governance, Neuron: neuron,
		Text: "The following is as the configuration says."}
	if _, err := l.alerts.Resolve(ctx, a); err != nil {
		l.log.Error().Err(err).Msg("alert resolution failed")
	}
}

// describeSNSFollowing says what changes, topic by topic, by short ids.
func describeSNSFollowing(diff, have map[sns.TopicID][][]byte) string {
	topics := make([]sns.TopicID, 0, len(diff))
	for t := range diff {
		topics = append(topics, t)
	}
	slices.Sort(topics)
	short := func(ids [][]byte) string {
		s := make([]string, len(ids))
		for i, id := range ids {
			s[i] = sns.FormatShortID(sns.ShortID(id))
		}
		return "[" + strings.Join(s, " ") + "]"
	}
	parts := make([]string, len(topics))
	for i, t := range topics {
		parts[i] = fmt.Sprintf("%s: want %s, have %s", t, short(diff[t]), short(have[t]))
	}
	return strings.Join(parts, "; ")
}
