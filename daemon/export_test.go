package daemon

import (
	"context"

	"github.com/votebot/votebot/config"
)

// ReloadConfig is Reload (SIGHUP) of a configuration built in the test:
// the same checks and swaps, without the file.
func (a *App) ReloadConfig(ctx context.Context, cfg *config.Config) error {
	return a.reloadWith(ctx, "(test)", cfg, nil)
}
