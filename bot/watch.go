package bot

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
)

// startFailed tells a person that nothing will be voted until start-up
// succeeds: in the log (once a minute), to systemd (STATUS=) and as an
// alert where a channel can still deliver one.
func (b *Bot) startFailed(ctx context.Context, err error, opts Options) {
	b.startFailures++
	now := b.now()
	hint := "check that the state database (store.path) is readable and writable and that the IC endpoints (network.urls) answer"
	if b.startFailures == 1 || now.Sub(b.loggedErr) >= time.Minute {
		b.log.Error().Err(err).Int("attempts", b.startFailures).Str("retry_in", opts.RetryBackoff.String()).
			Msg("votebot could not start and votes nothing until it can: " + hint)
		b.loggedErr = now
	}
	if b.notify != nil {
		b.notify("STATUS=start failed (attempt " + strconv.Itoa(b.startFailures) + "): " + err.Error())
	}
	b.fire(ctx, alert.Alert{Kind: alert.KindStartFailed, Severity: alert.SeverityCritical,
		Headline: "votebot could not start",
		Text:     fmt.Sprintf("votebot could not start and votes nothing until it can: %v. It retries every %s; %s.", err, opts.RetryBackoff, hint)})
}

func (b *Bot) startSucceeded(ctx context.Context) {
	if b.startFailures > 0 {
		b.log.Info().Int("attempts", b.startFailures+1).Msg("votebot started after failed attempts")
		b.startFailures = 0
	}
	if b.notify != nil {
		b.notify("STATUS=running")
	}
	b.resolve(ctx, alert.KindStartFailed, 0, 0)
}

// pruneEvery is how often the store's history is pruned.
const pruneEvery = 24 * time.Hour

// prune drops history older than the retention, once a day, so a
// year-long daemon neither grows its database nor re-reads every
// observation it ever made.
func (b *Bot) prune(ctx context.Context, opts Options) {
	now := b.now()
	if !b.prunedAt.IsZero() && now.Sub(b.prunedAt) < pruneEvery {
		return
	}
	b.prunedAt = now
	n, err := b.store.Prune(ctx, now.Add(-opts.Retention))
	if err != nil {
		b.log.Error().Err(err).Msg("prune history (retried tomorrow)")
		return
	}
	if n > 0 {
		b.log.Info().Int64("rows", n).Str("retention", opts.Retention.String()).Msg("pruned history older than the retention")
	}
}

// noteUnknownKinds tells the operator, once per tag and per topic, of a
// proposal votebot's types do not know. It is still voted by the policy
// (rules on proposer, title, topic, `actions: [Unknown]`, else the default
// and its fallback); only an upgrade makes votebot understand it.
func (b *Bot) noteUnknownKinds(ctx context.Context, p policy.Proposal) {
	var what, key string
	switch {
	case p.SNS != nil:
		if p.SNS.Topic.Known() {
			return
		}
		// A topic newer than votebot (or none: the proposal's function is
		// in no topic yet) is still voted by the DAO's policy.
		key = "sns topic " + p.SNS.Topic.String()
		// The DAO is named by the alert's headline (and the log's field).
		what = fmt.Sprintf("Proposal %d has %s, which votebot does not know as an SNS topic: upgrade votebot; "+
			"it is still voted by your policy", p.ID, p.SNS.Topic)
	case p.Action == policy.ActionUnknown:
		tag := p.ActionTag
		if tag == "" {
			tag = "unreadable"
		}
		key = "action " + tag
		what = fmt.Sprintf("proposal %d has an action votebot does not know (tag %s): upgrade votebot; "+
			"it is still voted by your policy (rules can match actions: [Unknown])", p.ID, tag)
	case !p.Topic.Known():
		key = "topic " + p.Topic.String()
		what = fmt.Sprintf("proposal %d has topic %d, which votebot does not know: upgrade votebot; it is still voted "+
			"by your policy (rules can match topics: [%d]) and counts at reward weight %g in participation",
			p.ID, int32(p.Topic), int32(p.Topic), nns.UnknownTopicWeight)
	default:
		return
	}
	if b.unknownKinds[key] {
		return
	}
	b.unknownKinds[key] = true
	b.log.Warn().Str("governance", p.Governance()).Uint64("proposal", p.ID).Str("unknown", key).Msg(what)
	b.fire(ctx, alert.Alert{Kind: alert.KindUnknownProposalType, Severity: alert.SeverityWarning, ProposalID: p.ID,
		Headline: "Proposal " + strconv.FormatUint(p.ID, 10) + " is of a type votebot does not know", Text: what})
}

// checkClock publishes the IC's clock against ours and tells the operator
// when they drift apart. It runs after every poll, failed ones included:
// the client measures the skew from any reply, and a clock far off is why
// requests would be refused.
func (b *Bot) checkClock(ctx context.Context, opts Options) {
	skew, ok := b.gov.ClockSkew()
	if !ok {
		return
	}
	b.metrics.ClockSkewMeasured(skew)
	if skew.Abs() <= opts.ClockSkewAlert {
		b.resolve(ctx, alert.KindClockSkew, 0, 0)
		return
	}
	dir := "behind"
	if skew < 0 {
		dir = "ahead of"
	}
	sev := alert.SeverityWarning
	if skew.Abs() > opts.ClockSkewCritical {
		sev = alert.SeverityCritical
	}
	b.fire(ctx, alert.Alert{Kind: alert.KindClockSkew, Severity: sev,
		Headline: "The local clock is off the IC's",
		Text: fmt.Sprintf("The server's clock is %s %s the IC's time (alert above %s, critical above %s). votebot signs "+
			"its requests and measures deadlines on the IC's time as it measured it, so the skew alone does not stop "+
			"it voting, but a clock this far off may be stepped back at any moment: fix NTP (timedatectl, chrony).",
			skew.Abs().Round(time.Second), dir, opts.ClockSkewAlert, opts.ClockSkewCritical)})
}

// storeHealth is implemented by a store that can tell it cannot keep
// writes (*store.Store: disk full, I/O error, the file deleted).
type storeHealth interface {
	Writable() (bool, error)
	// Probe writes something small, so recovery shows without waiting for
	// the next real write.
	Probe(ctx context.Context) error
}

// checkStore tells a person when the store cannot keep writes: votes go on
// (see castOne) and the alerter keeps its dedup in memory, but a restart
// would forget what was sent and done. It also hands the alerter's unsaved
// states back to the store once it can take them.
func (b *Bot) checkStore(ctx context.Context) {
	if f, ok := b.alerter.(interface{ Flush(context.Context) }); ok {
		f.Flush(ctx)
	}
	hs, ok := b.store.(storeHealth)
	if !ok {
		return
	}
	good, err := hs.Writable()
	if !good {
		_ = hs.Probe(ctx) // recovered since the last failed write?
		good, err = hs.Writable()
	}
	b.storeBroken.Store(!good)
	if good {
		b.resolve(ctx, alert.KindStoreUnwritable, 0, 0)
		return
	}
	b.fire(ctx, alert.Alert{Kind: alert.KindStoreUnwritable, Severity: alert.SeverityCritical,
		Headline: "The state database cannot be written",
		Text: fmt.Sprintf("%v. votebot keeps voting and alerting, but forgets on restart what it sent: free disk space "+
			"or fix the file at store.path, then it recovers by itself (a deleted or replaced file needs a restart).", err)})
}
