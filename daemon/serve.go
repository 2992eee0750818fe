package daemon

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"github.com/coreos/go-systemd/v22/daemon"
	"github.com/rs/zerolog"
	"golang.org/x/sync/errgroup"
)

// SystemdNotify sends sd_notify states ("READY=1", "STATUS=…") to systemd;
// outside systemd it does nothing.
func SystemdNotify(log zerolog.Logger) func(string) {
	return func(state string) {
		if _, err := daemon.SdNotify(false, state); err != nil {
			log.Debug().Err(err).Msg("sd_notify")
		}
	}
}

// Serve runs the loop, the metrics listener, the console (on its own
// listener, when configured), the Telegram decisions and the SIGHUP
// reloader until ctx ends (SIGTERM/SIGINT); in-flight votes finish first.
func (app *App) Serve(ctx context.Context, ln net.Listener, path string) error {
	log := app.opts.Logger
	decisions, err := app.telegramDecisions()
	if err != nil {
		return err
	}
	var consoleLn net.Listener
	var consoleH http.Handler
	if app.Config().Console != nil {
		if consoleH, err = app.ConsoleHandler(); err != nil {
			return err
		}
		if consoleLn, err = app.ListenConsole(); err != nil {
			return err
		}
		log.Info().Str("console", consoleLn.Addr().String()).Msg("console listening")
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	g, gctx := errgroup.WithContext(ctx)
	app.amLoops.start(gctx)
	g.Go(func() error { return app.RunLoop(gctx) })
	g.Go(func() error { return Serve(gctx, ln, app.HTTPHandler()) })
	g.Go(func() error { app.limits.run(gctx, log); return nil })
	if consoleLn != nil {
		g.Go(func() error { return Serve(gctx, consoleLn, consoleH) })
	}
	for _, d := range decisions {
		g.Go(func() error { return d.Run(gctx) })
	}
	g.Go(func() error {
		for {
			select {
			case <-gctx.Done():
				return nil
			case <-hup:
				// Reload logs what it applied and what waits for a restart.
				if err := app.Reload(gctx, path); err != nil {
					log.Error().Err(err).Msg("configuration reload failed")
				}
			}
		}
	})
	err = g.Wait()
	if errors.Is(err, context.Canceled) {
		err = nil
	}
	log.Info().Msg("votebot stopped")
	return err
}
