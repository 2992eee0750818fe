package daemon

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"os"
	"slices"

	"github.com/votebot/votebot/agent/identity"
	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/config"
	"github.com/votebot/votebot/console"
	"github.com/votebot/votebot/nns"
)

// ConsoleHandler is the operator console for the configuration in force,
// built once per App: Serve and whoever else asks get the one handler a
// reload gives a new token to. Without a token (no console.token_file and
// no console-token credential) the console is read-only and says so.
func (a *App) ConsoleHandler() (http.Handler, error) {
	a.reloadMu.Lock()
	defer a.reloadMu.Unlock()
	if a.console != nil {
		return a.console, nil
	}
	c := a.Config().Console
	if c == nil {
		return nil, errors.New("console: no console section in the configuration")
	}
	token, err := a.consoleToken(c, os.Getenv(identity.CredentialsDirEnv))
	if err != nil {
		return nil, err
	}
	log := a.opts.Logger
	h, err := console.New(console.Options{Source: a.ConsoleSource(), Token: token, BehindTLSProxy: c.BehindTLSProxy,
		AllowedHosts: c.AllowedHosts, Now: a.opts.Now,
		Logf: func(format string, args ...any) { log.Error().Msgf(format, args...) }})
	if err != nil {
		return nil, err
	}
	a.console = h
	return h, nil
}

// ListenConsole opens the console's listener (nil, nil without a console
// section).
func (a *App) ListenConsole() (net.Listener, error) {
	c := a.Config().Console
	if c == nil {
		return nil, nil
	}
	ln, err := net.Listen("tcp", c.Listen)
	if err != nil {
		return nil, fmt.Errorf("listen on %s (check console.listen: another process may hold the port): %w", c.Listen, err)
	}
	return ln, nil
}

// telegramDecisions builds a decisions loop per Telegram channel with
// decisions configured; a reload gives them their allowed users.
func (a *App) telegramDecisions() ([]*alert.TelegramDecisions, error) {
	var out []*alert.TelegramDecisions
	byName := map[string]*alert.TelegramDecisions{}
	cfg := a.Config()
	for _, name := range sortedChannels(cfg.Alerts.Channels) {
		ch := cfg.Alerts.Channels[name]
		if ch.Type != config.ChannelTelegram || ch.Decisions == nil {
			continue
		}
		log := a.opts.Logger.With().Str("channel", name).Logger()
		td, err := alert.NewTelegramDecisions(alert.TelegramDecisionsConfig{Token: ch.Token.Reveal(),
			BaseURL: a.opts.TelegramBaseURL, AllowedUsers: ch.Decisions.AllowedUserIDs,
			Decide: func(ctx context.Context, governance string, proposal, neuron uint64, v nns.Vote) error {
				err := a.DecideIn(ctx, governance, proposal, neuron, v, "telegram")
				if err == nil {
					log.Info().Str("governance", governance).Uint64("proposal", proposal).Uint64("neuron", neuron).
						Stringer("vote", v).Msg("decision recorded from Telegram")
				}
				return err
			},
			OnError: func(err error) { log.Warn().Err(err).Msg("telegram decisions") },
			Presses: a.Store})
		if err != nil {
			return nil, fmt.Errorf("alerts.channels.%s.decisions: %w", name, err)
		}
		out = append(out, td)
		byName[name] = td
	}
	a.reloadMu.Lock()
	a.decisions = byName
	a.reloadMu.Unlock()
	return out, nil
}

func sortedChannels(m map[string]config.Channel) []string { return slices.Sorted(maps.Keys(m)) }
