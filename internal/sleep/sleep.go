// Package sleep waits for a duration unless a context ends first.
package sleep

import (
	"context"
	"time"
)

// For waits d, or returns ctx's error as soon as ctx ends. A d of zero or
// less returns at once.
func For(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
