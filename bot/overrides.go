package bot

import (
	"context"
	"fmt"
	"time"

	"github.com/votebot/votebot/alert"
)

// readOverrides reads the stored manual decisions. A failed read never
// means "none": the pass plans with the ones last read, or, when this
// process never read them, holds every vote one could change until the
// ballot's deadline margin (holdForOverrides); a critical alert and
// /readyz say so until a read succeeds.
func (b *Bot) readOverrides(ctx context.Context, p *pass) {
	list, err := b.store.Overrides(ctx)
	if err == nil {
		b.overrides, b.overridesAt = list, p.now
		if b.overridesErr.Swap(nil) != nil {
			b.log.Info().Int("overrides", len(list)).Msg("the stored overrides can be read again")
		}
		b.resolve(ctx, alert.KindOverridesUnreadable, 0, 0)
		p.overrides = list
		return
	}
	b.overridesErr.Store(&err)
	p.overrides, p.overridesUnknown = b.overrides, b.overridesAt.IsZero()
	b.log.Error().Err(err).Time("last_read", b.overridesAt).Bool("never_read", p.overridesUnknown).
		Msg("cannot read the stored overrides")
	b.fire(ctx, overridesAlert(err, b.overridesAt))
}

// overridesAlert tells a person that the stored decisions cannot be read,
// and what the loop does meanwhile.
func overridesAlert(err error, lastRead time.Time) alert.Alert {
	what := "votebot votes with the overrides it read at " + fmtTime(lastRead) +
		"; one stored since then is not seen."
	if lastRead.IsZero() {
		what = "votebot has not read them since it started: it holds every vote an override could change " +
			"until the ballot's deadline margin. At the margin the rules and fallbacks vote (a missed vote " +
			"cannot be undone either), even where a stored override says otherwise."
	}
	return alert.Alert{Kind: alert.KindOverridesUnreadable, Severity: alert.SeverityCritical,
		Headline: "The stored overrides (votebot vote) cannot be read",
		Text: fmt.Sprintf("Reading the overrides from the state database failed: %v. %s Check the database at "+
			"store.path (sqlite3 FILE 'PRAGMA quick_check'; restore it from a backup); votebot reads it again every pass.",
			err, what)}
}

// OverridesUnreadable is why the stored overrides could not be read by
// the last pass (nil when they could), for /readyz.
func (b *Bot) OverridesUnreadable() error {
	if p := b.overridesErr.Load(); p != nil {
		return *p
	}
	return nil
}
