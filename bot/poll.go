package bot

import (
	"context"
	"time"

	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
)

// NewestOpenLister is implemented by governance clients that can tell the
// id of the newest proposal still accepting votes without reading every
// open proposal's ballots (0 when none is open).
type NewestOpenLister interface {
	NewestOpenProposalID(ctx context.Context) (uint64, error)
}

// fullPollIntervals bounds how many passes in a row may reuse the last
// full read of the open proposals.
const fullPollIntervals = 60

// openCache is the last full read of the open proposals.
type openCache struct {
	valid  bool
	open   []policy.Proposal
	newest uint64 // highest id in open
	at     time.Time
	reads  int // full reads so far
}

func (c *openCache) remember(props []policy.Proposal, now time.Time) {
	c.valid, c.open, c.newest, c.at = true, props, 0, now
	c.reads++
	for _, p := range props {
		c.newest = max(c.newest, p.ID)
	}
}

// pollOpen returns the open proposals. Reading them all decodes every
// open proposal's ballots (50,000 with 1,000 neurons and 50 proposals), so
// when nothing about them can matter this pass it only asks for the
// newest open proposal's id and reuses the last full read if no proposal
// is newer. A full read is done when
//   - the client cannot tell the newest id, or this pass reconciles;
//   - the last full read is fullPollIntervals intervals old;
//   - a configured neuron had an empty ballot in it (deadlines that move
//     for unvoted ballots are re-read every pass, and votes and following
//     are seen at once);
//   - a tracked proposal's deadline has passed (settlement needs the
//     current ballots);
//   - a new proposal exists.
func (b *Bot) pollOpen(ctx context.Context, opts Options, reconcile bool) ([]policy.Proposal, error) {
	now := b.now()
	if lister, ok := b.gov.(NewestOpenLister); ok && !reconcile && b.openQuiet(opts, now) {
		newest, err := lister.NewestOpenProposalID(ctx)
		if err != nil {
			return nil, err
		}
		if newest <= b.open.newest {
			return append([]policy.Proposal(nil), b.open.open...), nil
		}
	}
	props, err := b.gov.OpenProposals(ctx)
	if err != nil {
		return nil, err
	}
	b.open.remember(append([]policy.Proposal(nil), props...), now)
	return props, nil
}

// openQuiet reports whether the last full read may be reused: recent,
// every configured neuron's ballot in it filled, no deadline passed.
func (b *Bot) openQuiet(opts Options, now time.Time) bool {
	if !b.open.valid || now.Sub(b.open.at) >= fullPollIntervals*opts.PollInterval {
		return false
	}
	for _, p := range b.tracked {
		if !now.Before(p.Deadline) {
			return false
		}
	}
	for _, p := range b.open.open {
		if !now.Before(p.Deadline) {
			return false
		}
		for _, n := range opts.Neurons {
			if bal, ok := p.Ballots.Get(n.ID); ok && bal.Vote == nns.VoteUnspecified {
				return false
			}
		}
	}
	return true
}
