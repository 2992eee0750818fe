package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/coreos/go-systemd/v22/daemon"
	"github.com/mattn/go-isatty"
	"github.com/rs/zerolog"
	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"

	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/config"
)

func newRunCmd(s Streams) *cobra.Command {
	var configPath string
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "run --config FILE",
		Short: "Run the voting daemon (systemd Type=notify)",
		Long: `Poll open NNS proposals, vote for the configured neurons by their policies,
keep following and voting power in order, alert before a vote is missed, and
serve /metrics, /healthz and /readyz. SIGHUP reloads the configuration; SIGTERM
finishes the votes in flight and exits.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDaemon(cmd.Context(), s, configPath, dryRun)
		},
	}
	cmd.Flags().StringVar(&configPath, "config", "/etc/votebot/votebot.yaml", "configuration file")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, `decide and record "would vote" without sending anything`)
	return cmd
}

// newLogger writes JSON, or a readable console format on a terminal.
func newLogger(w io.Writer) zerolog.Logger {
	if f, ok := w.(*os.File); ok && isatty.IsTerminal(f.Fd()) {
		return zerolog.New(zerolog.ConsoleWriter{Out: w, TimeFormat: time.TimeOnly}).With().Timestamp().Logger()
	}
	return zerolog.New(w).With().Timestamp().Logger()
}

func sdNotify(log zerolog.Logger) func(string) {
	return func(state string) {
		if _, err := daemon.SdNotify(false, state); err != nil {
			log.Debug().Err(err).Msg("sd_notify")
		}
	}
}

// daemonGCPercent is the daemon's GOGC unless the environment sets one.
// Its live heap is small (5 MiB idle at 1,000 neurons) but a pass that
// reads every ballot makes tens of MB of short-lived garbage; the objects
// that outlive the pass end up spread over as many heap spans as the heap
// has grown to, and those spans stay resident. Measured with 1,000 neurons
// × 50 proposals, /metrics scraped every 30 s: GOGC=100 → idle RSS 38 MiB
// (unscraped), peak 126 MiB; 50 → 40.0 and 92; 25 → 37.6 and 82.
const daemonGCPercent = 25

func tuneGC() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(daemonGCPercent)
	}
}

func runDaemon(ctx context.Context, s Streams, path string, dryRun bool) error {
	tuneGC()
	log := newLogger(s.Err)
	cfg, err := config.Load(path)
	if err != nil {
		return err
	}
	app, err := bot.Assemble(ctx, bot.AppOptions{Config: cfg, Logger: log, DryRun: dryRun,
		Notify: sdNotify(log), Version: buildVersion()})
	if err != nil {
		return err
	}
	defer app.Close()
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("metrics listener: %w", err)
	}
	log.Info().Str("listen", ln.Addr().String()).Int("neurons", len(cfg.Neurons)).Bool("dry_run", dryRun || cfg.DryRun).
		Msg("votebot running")
	return serveApp(ctx, app, ln, path, log)
}

// serveApp runs the loop, the metrics listener and the SIGHUP reloader
// until ctx ends (SIGTERM/SIGINT); in-flight votes finish first.
func serveApp(ctx context.Context, app *bot.App, ln net.Listener, path string, log zerolog.Logger) error {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return app.Bot.Run(gctx) })
	g.Go(func() error { return bot.Serve(gctx, ln, bot.Handler(app.Metrics, app.Bot.Ready)) })
	g.Go(func() error {
		for {
			select {
			case <-gctx.Done():
				return nil
			case <-hup:
				if err := app.Reload(gctx, path); err != nil {
					log.Error().Err(err).Msg("configuration reload failed")
				} else {
					log.Info().Str("config", path).Msg("configuration reloaded")
				}
			}
		}
	})
	err := g.Wait()
	if errors.Is(err, context.Canceled) {
		err = nil
	}
	log.Info().Msg("votebot stopped")
	return err
}
