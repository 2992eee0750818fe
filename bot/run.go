package bot

import (
	"context"
	"runtime/debug"
	"time"
)

// Run polls until ctx is cancelled, waking at the poll interval or earlier
// when a scheduled vote or fallback is due. It returns nil on cancellation.
func (b *Bot) Run(ctx context.Context) error {
	defer func() {
		if b.notify != nil {
			b.notify("STOPPING=1")
		}
	}()
	for {
		wait, heavy := b.step(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if heavy {
			// A full read decodes every open ballot, a neuron read every
			// full neuron (MBs of garbage with 1,000 neurons); hand the
			// memory back before sleeping rather than keep it as RSS for
			// the whole interval.
			debug.FreeOSMemory()
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-b.wake:
			t.Stop()
		case <-t.C:
		}
	}
}

// step runs one pass and says how long to wait before the next one, and
// whether the pass read much (worth handing memory back to the OS before
// the wait).
func (b *Bot) step(ctx context.Context) (wait time.Duration, heavy bool) {
	_, opts := b.settings()
	reads, neuronReads := b.open.reads, b.neuronReads
	sum, err := b.Once(ctx)
	// Drop the plans (50,000 with 1,000 neurons × 50 proposals) before
	// freeing: kept live, they would also set the next GC goal, and idle
	// passes allocate too little to ever reach it.
	sum.Plans = nil
	heavy = (b.open.reads != reads || b.neuronReads != neuronReads) && opts.PollInterval >= 10*time.Second
	wait = opts.PollInterval
	if err != nil {
		// Back off: the endpoints are already retried inside the client.
		wait = min(opts.PollInterval, max(opts.RetryBackoff, time.Second))
	} else if !sum.NextWake.IsZero() {
		if d := sum.NextWake.Sub(b.now()); d < wait {
			wait = max(d, 100*time.Millisecond)
		}
	}
	return wait, heavy
}

// Ready reports whether a poll succeeded within 3 poll intervals, the
// store can keep writes and the stored overrides could be read.
func (b *Bot) Ready() bool {
	_, opts := b.settings()
	last := b.LastPoll()
	return !last.IsZero() && b.now().Sub(last) <= 3*opts.PollInterval && !b.storeBroken.Load() &&
		b.OverridesUnreadable() == nil
}

// LastPoll is when the last poll succeeded (zero if never).
func (b *Bot) LastPoll() time.Time {
	v := b.lastPollNano.Load()
	if v == 0 {
		return time.Time{}
	}
	return time.Unix(0, v)
}
