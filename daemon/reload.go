package daemon

import (
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"

	"github.com/votebot/votebot/agent"
	"github.com/votebot/votebot/agent/identity"
	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/config"
)

// Reload applies the configuration file at path (SIGHUP) in one step or
// not at all. Everything is checked and built first — the file, the key
// and every secret file, the alert channels, the console's token, and the
// clients of a new network or identity (connected, not yet used) — and
// only then swapped in: policies, neurons, thresholds, channels, network,
// identity, Telegram's allowed users and the console's token. When
// anything fails nothing changes: the error says so, the gauge goes to 0
// and config_invalid is alerted until a reload succeeds. What only a
// restart applies (listen, store.path, instance, adding a console, its
// listen address, a Telegram channel's decisions) is named in a warning.
func (a *App) Reload(ctx context.Context, path string) error {
	a.reloadMu.Lock()
	defer a.reloadMu.Unlock()
	next, err := a.prepareReload(ctx, path)
	if err == nil {
		err = a.applyReload(next)
	}
	if err != nil {
		a.Metrics.ConfigReloaded(false, a.opts.Now())
		a.Bot.FireConfigInvalid(ctx, err)
		return fmt.Errorf("reload %s: nothing changed, the configuration in force stays: %w", path, err)
	}
	a.Metrics.ConfigReloaded(true, a.opts.Now())
	a.Bot.ResolveConfigInvalid(ctx)
	if next.cfg.SNS.Discover {
		a.noteDiscovery(ctx, next.discoverErr)
	}
	dry := a.loopOptions(next.cfg).DryRun
	for _, l := range a.lanes {
		l.applyFollowing(ctx, dry)
	}
	log := a.opts.Logger
	for _, r := range next.restart {
		log.Warn().Str("key", r.key).Msg(r.String())
	}
	if len(next.restart) > 0 {
		log.Warn().Str("config", path).Strs("needs_restart", restartNames(next.restart)).
			Msg("configuration reloaded, except what needs a restart (systemctl restart votebot): " + strings.Join(restartNames(next.restart), ", "))
		return nil
	}
	log.Info().Str("config", path).Msg("configuration reloaded")
	return nil
}

// reload is a checked configuration and what was built from it, ready to
// be swapped in.
type reload struct {
	cfg *config.Config
	// gov and anon are the new clients; nil when network and identity are
	// unchanged.
	gov, anon *agent.Governance
	routes    []alert.Route
	// allowed are the Telegram user ids per running decisions loop (by
	// channel name); none for a loop whose channel lost its decisions or
	// changed its bot token: nobody decides through it any more.
	allowed map[string][]int64
	// consoleToken replaces the running console's token ("": read-only).
	consoleToken string
	restart      []restartKey
	// lanes are the SNS lanes' new neurons and policies.
	lanes []laneReload
	// discoverErr: sns.discover failed (the configured DAOs are still
	// voted).
	discoverErr error
}

// prepareReload checks and builds everything a reload changes, and
// changes nothing.
func (a *App) prepareReload(ctx context.Context, path string) (*reload, error) {
	cfg, err := config.Load(path)
	if err != nil {
		return nil, err
	}
	credDir := os.Getenv(identity.CredentialsDirEnv)
	if err := cfg.CheckFiles(credDir); err != nil {
		return nil, err
	}
	r := &reload{cfg: cfg, routes: a.opts.Routes, restart: restartKeys(a.started, cfg)}
	if r.routes == nil {
		if r.routes, err = routesWith(cfg.Alerts, a.opts.TelegramBaseURL); err != nil {
			return nil, fmt.Errorf("alert channels: %w", err)
		}
	}
	r.allowed = a.allowedUsers(cfg)
	if a.console != nil {
		if r.consoleToken, err = a.consoleToken(cfg.Console, credDir); err != nil {
			return nil, err
		}
	}
	changed, err := a.clientChanged(cfg, credDir)
	if err != nil {
		return nil, err
	}
	if changed {
		if r.gov, r.anon, err = connect(ctx, cfg, a); err != nil {
			return nil, err
		}
	}
	gov := r.gov
	if gov == nil {
		gov = a.Governance()
	}
	var restart []restartKey
	if r.lanes, restart, r.discoverErr, err = a.prepareLanes(ctx, cfg, gov); err != nil {
		return nil, err
	}
	r.restart = append(r.restart, restart...)
	return r, nil
}

// applyReload swaps in what prepareReload built.
func (a *App) applyReload(r *reload) error {
	// The one step that can refuse comes first, before anything changed.
	// The new Alertmanager channels take over the old ones' firing alerts
	// before they are in use, to keep re-posting them.
	a.amLoops.adopt(r.routes)
	if err := a.Alerts.Reconfigure(r.routes, r.cfg.Alerts.Thresholds.ReminderInterval); err != nil {
		return fmt.Errorf("alert channels: %w", err)
	}
	for _, l := range a.lanes {
		// The same channels the NNS lane's manager just accepted.
		if err := l.alerts.Reconfigure(r.routes, r.cfg.Alerts.Thresholds.ReminderInterval); err != nil {
			return fmt.Errorf("alert channels of %s: %w", l.Governance, err)
		}
	}
	a.amLoops.replace(r.routes)
	if r.gov != nil {
		a.clients.gov.Store(r.gov)
		a.clients.anon.Store(r.anon)
		a.Bot.ReplaceGovernance(AgentGov{C: r.gov, Anon: r.anon, Now: a.opts.Now})
		a.opts.Logger.Info().Msg("network or identity changed: new connections in use")
	}
	for name, td := range a.decisions {
		td.SetAllowedUsers(r.allowed[name])
	}
	if a.console != nil {
		a.console.SetToken(r.consoleToken)
	}
	a.cfg.Store(r.cfg)
	a.Metrics.SetPolicyFingerprint(r.cfg.HA.Fingerprint, r.cfg.HA.Role)
	a.Bot.Reload(DeciderFor(r.cfg), a.loopOptions(r.cfg))
	a.applyLanes(r.lanes, r.gov)
	return nil
}

// clientChanged reports whether the network or the hotkey differ from the
// clients in use: another endpoint, or a key whose principal changed (a
// hotkey rotated in place, under the same file name, counts).
func (a *App) clientChanged(cfg *config.Config, credDir string) (bool, error) {
	if !reflect.DeepEqual(a.Config().Network, cfg.Network) {
		return true, nil
	}
	id, err := identity.Load(identity.Source{PEMFile: cfg.Identity.PEMFile, Credential: cfg.Identity.Credential,
		CredentialsDir: credDir, AllowInsecureKeyFile: cfg.Identity.AllowInsecureKeyFile})
	if err != nil {
		return false, err
	}
	return id.Identity.Sender().String() != a.Governance().Sender().String(), nil
}

// connect builds the signed and the anonymous client of cfg. They start
// from the limits that held in the clients they replace, for the endpoints
// they share: a new hotkey does not make an endpoint slower, and the first
// burst after a reload would otherwise ramp from 4 again.
func connect(ctx context.Context, cfg *config.Config, a *App) (gov, anon *agent.Governance, err error) {
	if gov, err = Connect(ctx, cfg, a.opts.Logger, a.Metrics); err != nil {
		return nil, nil, err
	}
	if anon, err = connectAnonymous(ctx, cfg, gov.RootKey(), a.opts.Logger, a.Metrics); err != nil {
		return nil, nil, err
	}
	gov.StartFrom(a.clients.gov.Load().HeldLimits())
	anon.StartFrom(a.clients.anon.Load().HeldLimits())
	return gov, anon, nil
}

// allowedUsers are the Telegram users each running decisions loop accepts
// under cfg: its channel's allowed_user_ids while the channel keeps its
// decisions and its bot token, else none.
func (a *App) allowedUsers(cfg *config.Config) map[string][]int64 {
	out := map[string][]int64{}
	for name := range a.decisions {
		ch, ok := cfg.Alerts.Channels[name]
		was := a.started.Alerts.Channels[name]
		if ok && ch.Type == config.ChannelTelegram && ch.Decisions != nil && ch.Token.Reveal() == was.Token.Reveal() {
			out[name] = ch.Decisions.AllowedUserIDs
		}
	}
	return out
}

// consoleToken is the running console's token under c: "" (read-only)
// when c is nil (the section was removed) or names no token.
func (a *App) consoleToken(c *config.Console, credDir string) (string, error) {
	if c == nil {
		return "", nil
	}
	token, err := config.LoadConsoleToken(c.TokenFile, credDir)
	if errors.Is(err, config.ErrNoConsoleToken) {
		a.opts.Logger.Warn().Msg("console: no token (console.token_file or credential " + config.ConsoleCredentialName +
			"): the console is read-only")
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return token.Reveal(), nil
}

// restartKey is a changed key that only a restart applies.
type restartKey struct{ key, what string }

func (k restartKey) String() string {
	return k.key + " " + k.what + ": it takes effect at the next restart (systemctl restart votebot)"
}

func restartNames(ks []restartKey) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = k.key
	}
	return out
}

// restartKeys are the keys of cfg that differ from the configuration the
// daemon started with (started) and only a restart applies: what a reload
// cannot apply stays different until then, however many reloads pass.
func restartKeys(started, cfg *config.Config) []restartKey {
	var keys []restartKey
	changed := func(key string, differ bool) {
		if differ {
			keys = append(keys, restartKey{key, "changed"})
		}
	}
	changed("listen", started.Listen != cfg.Listen)
	changed("store.path", started.Store.Path != cfg.Store.Path)
	changed("instance", started.Instance != cfg.Instance)
	switch old, c := started.Console, cfg.Console; {
	case old == nil && c != nil:
		keys = append(keys, restartKey{"console", "added"})
	case old != nil && c == nil:
		keys = append(keys, restartKey{"console", "removed (read-only until then)"})
	case old != nil:
		changed("console.listen", old.Listen != c.Listen)
		changed("console.behind_tls_proxy", old.BehindTLSProxy != c.BehindTLSProxy)
		changed("console.allowed_hosts", !slices.Equal(old.AllowedHosts, c.AllowedHosts))
	}
	for _, name := range sortedChannels(cfg.Alerts.Channels) {
		ch, was := cfg.Alerts.Channels[name], started.Alerts.Channels[name]
		if ch.Type == config.ChannelTelegram && ch.Decisions != nil && (was.Decisions == nil || was.Token.Reveal() != ch.Token.Reveal()) {
			keys = append(keys, restartKey{"alerts.channels." + name + ".decisions", "added or its bot token changed (presses are read from then)"})
		}
	}
	return keys
}
