package bot

import (
	"testing"
	"time"
)

// History is pruned once a day, at the retention before now, so a
// year-long daemon does not keep (and re-read) everything it ever saw.
func TestPrunesOnceADayAtTheRetention(t *testing.T) {
	h := newHarness(t, 1)
	h.opts.Retention = 40 * 24 * time.Hour
	h.bot = h.newBot()
	start := h.clk.Now()
	for range 72 { // three days of hourly passes
		h.step(time.Hour)
	}
	if len(h.store.prunes) != 3 {
		t.Fatalf("pruned %d times in 72 hours, want 3: %v", len(h.store.prunes), h.store.prunes)
	}
	if want := start.Add(time.Hour).Add(-40 * 24 * time.Hour); !h.store.prunes[0].Equal(want) {
		t.Errorf("first cutoff %s, want %s (now − retention)", h.store.prunes[0], want)
	}
}
