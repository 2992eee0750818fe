package daemon

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
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

// ConsoleHandler builds the operator console for the configuration in
// force. Without a token (no console.token_file and no console-token
// credential) the console is read-only and says so.
func (a *App) ConsoleHandler() (http.Handler, error) {
	c := a.cfg.Console
	if c == nil {
		return nil, errors.New("console: no console section in the configuration")
	}
	token, err := console.LoadToken(c.TokenFile, os.Getenv(identity.CredentialsDirEnv))
	if err != nil {
		if c.TokenFile != "" || !errors.Is(err, fs.ErrNotExist) && os.Getenv(identity.CredentialsDirEnv) != "" {
			return nil, err
		}
		a.opts.Logger.Warn().Msg("console: no token (console.token_file or credential " + console.CredentialName +
			"): the console is read-only")
		token = ""
	}
	log := a.opts.Logger
	return console.New(console.Options{Source: a.ConsoleSource(), Token: token, BehindTLSProxy: c.BehindTLSProxy,
		AllowedHosts: c.AllowedHosts, Now: a.opts.Now,
		Logf: func(format string, args ...any) { log.Error().Msgf(format, args...) }})
}

// ListenConsole opens the console's listener (nil, nil without a console
// section).
func (a *App) ListenConsole() (net.Listener, error) {
	if a.cfg.Console == nil {
		return nil, nil
	}
	ln, err := net.Listen("tcp", a.cfg.Console.Listen)
	if err != nil {
		return nil, fmt.Errorf("listen on %s (check console.listen: another process may hold the port): %w", a.cfg.Console.Listen, err)
	}
	return ln, nil
}

// telegramDecisions builds a decisions loop per Telegram channel with
// decisions configured.
func (a *App) telegramDecisions() ([]*alert.TelegramDecisions, error) {
	var out []*alert.TelegramDecisions
	for _, name := range sortedChannels(a.cfg.Alerts.Channels) {
		ch := a.cfg.Alerts.Channels[name]
		if ch.Type != config.ChannelTelegram || ch.Decisions == nil {
			continue
		}
		log := a.opts.Logger.With().Str("channel", name).Logger()
		td, err := alert.NewTelegramDecisions(alert.TelegramDecisionsConfig{Token: ch.Token.Reveal(),
			BaseURL: a.opts.TelegramBaseURL, AllowedUsers: ch.Decisions.AllowedUserIDs,
			Decide: func(ctx context.Context, proposal, neuron uint64, v nns.Vote) error {
				err := a.Decide(ctx, proposal, neuron, v, "telegram")
				if err == nil {
					log.Info().Uint64("proposal", proposal).Uint64("neuron", neuron).Stringer("vote", v).
						Msg("decision recorded from Telegram")
				}
				return err
			},
			OnError: func(err error) { log.Warn().Err(err).Msg("telegram decisions") },
			Presses: a.Store})
		if err != nil {
			return nil, fmt.Errorf("alerts.channels.%s.decisions: %w", name, err)
		}
		out = append(out, td)
	}
	return out, nil
}

func sortedChannels(m map[string]config.Channel) []string { return slices.Sorted(maps.Keys(m)) }
