package daemon

import (
	"context"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/rs/zerolog"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/config"
)

// RunOptions are what `votebot run` passes to Run.
type RunOptions struct {
	ConfigPath string
	Logger     zerolog.Logger
	// Notify receives sd_notify states; SystemdNotify in production.
	Notify  func(string)
	DryRun  bool
	Version string
}

// Run starts the daemon from its configuration file and serves until ctx
// ends. A failure to start is never silent: it is logged with what to
// check, reported to systemd (STATUS=) and, where the configuration names
// alert channels, sent to them.
func Run(ctx context.Context, o RunOptions) error {
	if o.Notify == nil {
		o.Notify = func(string) {}
	}
	cfg, err := config.Load(o.ConfigPath)
	if err != nil {
		return startFailed(ctx, o, nil, fmt.Errorf("configuration: %w", err))
	}
	for _, u := range cfg.UnknownEnv(os.Environ()) {
		o.Logger.Warn().Msg(u)
	}
	app, err := Assemble(ctx, AppOptions{Config: cfg, Logger: o.Logger, DryRun: o.DryRun,
		Notify: o.Notify, Version: o.Version})
	if err != nil {
		return startFailed(ctx, o, cfg, err)
	}
	defer app.Close()
	if cfg.Console != nil {
		// A console token that cannot be read stops the start with the
		// reason, like a bad key, rather than later inside Serve.
		if _, err := app.ConsoleHandler(); err != nil {
			return startFailed(ctx, o, cfg, err)
		}
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return startFailed(ctx, o, cfg, fmt.Errorf("listen on %s (check listen: another process may hold the port): %w", cfg.Listen, err))
	}
	o.Logger.Info().Str("listen", ln.Addr().String()).Int("neurons", len(cfg.Neurons)).Bool("dry_run", o.DryRun || cfg.DryRun).
		Msg("votebot running")
	return app.Serve(ctx, ln, o.ConfigPath)
}

// startFailed logs err, tells systemd and, when cfg has channels, sends a
// start_failed alert through them with an in-memory dedup state (the store
// may be what failed). It returns err.
func startFailed(ctx context.Context, o RunOptions, cfg *config.Config, err error) error {
	o.Logger.Error().Err(err).Msg("votebot could not start and votes nothing until it can")
	o.Notify("STATUS=start failed: " + err.Error())
	if cfg == nil || len(cfg.Alerts.Channels) == 0 {
		return err
	}
	routes, rerr := Routes(cfg.Alerts)
	if len(routes) == 0 {
		o.Logger.Error().Err(rerr).Msg("no alert channel to report the failed start to")
		return err
	}
	mgr, merr := alert.NewManager(alert.ManagerConfig{Instance: cfg.Instance, Routes: routes, State: alert.NewMemoryState()})
	if merr != nil {
		o.Logger.Error().Err(merr).Msg("alert manager")
		return err
	}
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if _, aerr := mgr.Fire(actx, alert.Alert{Kind: alert.KindStartFailed, Severity: alert.SeverityCritical,
		Text: "votebot could not start and votes nothing until it can: " + err.Error()}); aerr != nil {
		o.Logger.Error().Err(aerr).Msg("send the start_failed alert")
	}
	return err
}
