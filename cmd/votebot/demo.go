package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"github.com/spf13/cobra"

	"github.com/votebot/votebot/agent/identity"
	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/config"
	"github.com/votebot/votebot/daemon"
	"github.com/votebot/votebot/devnet/demo"
	"github.com/votebot/votebot/devnet/nnslocal"
	"github.com/votebot/votebot/rewards"
)

func newDemoCmd(s Streams) *cobra.Command {
	var duration time.Duration
	var keep bool
	cmd := &cobra.Command{
		Use:   "demo [--duration 2m]",
		Short: "A local NNS and the bot: a compressed NNS week in about two minutes",
		Long: `Start an in-process devnet with a built-in scenario (devnet/demo/demo.yaml)
— a realistic NNS week squeezed into --duration: several topics, a Governance
proposal that needs the fallback, a followee who stops voting, a voting-power
refresh coming due — run the bot against it with an example policy
(devnet/demo), show what happens, and end with the participation report.
Ctrl-C ends it early, with the report.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if duration < 30*time.Second {
				return fmt.Errorf("demo: --duration %s is too short (at least 30s)", duration)
			}
			return runDemo(cmd.Context(), s, duration, keep)
		},
	}
	cmd.Flags().DurationVar(&duration, "duration", 2*time.Minute, "how long the compressed week lasts")
	cmd.Flags().BoolVar(&keep, "keep", false, "keep the demo's directory (config, key, state database)")
	return cmd
}

// demoPrinter prints progress lines with the time since the start.
type demoPrinter struct {
	mu    sync.Mutex
	w     io.Writer
	start time.Time
}

func (p *demoPrinter) printf(tag, format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, "[%5.1fs] %-9s %s\n", time.Since(p.start).Seconds(), tag, fmt.Sprintf(format, args...))
}

// Send implements alert.Notifier: the demo's alert channel is the terminal.
func (p *demoPrinter) Send(_ context.Context, a alert.Alert) error {
	tag := "ALERT"
	switch {
	case a.Resolved:
		tag = "RESOLVED"
	case a.Reminder > 0:
		tag = "REMINDER"
	}
	text := a.Kind.Label()
	if a.NeuronAlias != "" {
		text += " · " + a.NeuronAlias
	}
	if a.ProposalID != 0 {
		text += fmt.Sprintf(" · proposal %d", a.ProposalID)
	}
	if !a.Resolved && a.Text != "" {
		text += " — " + oneLine(a.Text, 600) // whole: it ends with the command to type
	}
	p.printf(tag, "%s", text)
	return nil
}

func (p *demoPrinter) event(e bot.Event) {
	switch e.Kind {
	case "alert", "resolved":
		return // the alert channel prints what is delivered
	case "proposal":
		p.printf("PROPOSAL", "%d %s", e.Proposal, e.Text)
	default:
		p.printf(strings.ToUpper(e.Kind), "%s", e.Text)
	}
}

func runDemo(ctx context.Context, s Streams, d time.Duration, keep bool) error {
	dir, err := os.MkdirTemp("", "votebot-demo-")
	if err != nil {
		return err
	}
	if !keep {
		defer os.RemoveAll(dir)
	}
	botKey, err := identity.WriteNew(filepath.Join(dir, "hotkey.pem"), identity.Ed25519)
	if err != nil {
		return err
	}
	week, err := demo.NewWeek(d, botKey.Identity.Sender())
	if err != nil {
		return err
	}
	logFile, err := os.Create(filepath.Join(dir, "votebot.log"))
	if err != nil {
		return err
	}
	defer logFile.Close()
	// The devnet logs only scenario failures and its own warnings, to the
	// demo's log file; the terminal shows what the bot does.
	devLog := zerolog.New(logFile).Level(zerolog.WarnLevel).With().Timestamp().Str("component", "devnet").Logger()
	// Not cancelled by Ctrl-C: the report still reads the neurons from it.
	net, err := nnslocal.Start(context.WithoutCancel(ctx), nnslocal.Options{Scenario: week.Scenario, TimeScale: week.TimeScale, Logger: devLog})
	if err != nil {
		return err
	}
	defer net.Close()
	cfgPath := filepath.Join(dir, "votebot.yaml")
	raw, err := week.Config(net.URL, net.RootKeyHex(), botKey.Path, filepath.Join(dir, "votebot.db"))
	if err != nil {
		return err
	}
	if err := os.WriteFile(cfgPath, raw, 0o600); err != nil {
		return err
	}
	cfg, err := config.Load(cfgPath)
	if err != nil {
		return fmt.Errorf("demo config: %w", err)
	}
	week.Compress(cfg)
	p := &demoPrinter{w: s.Out, start: time.Now()}
	app, err := daemon.Assemble(ctx, daemon.AppOptions{Config: cfg, Logger: zerolog.New(logFile).With().Timestamp().Logger(),
		Events: p.event, Routes: []alert.Route{{Name: "terminal", Notifier: p}}, Version: buildVersion()})
	if err != nil {
		return err
	}
	defer app.Close()
	fmt.Fprintf(s.Out, "votebot demo: a compressed NNS week in %s (one day ≈ %s). Devnet at %s.\n", d, week.Day().Round(100*time.Millisecond), net.URL)
	fmt.Fprintf(s.Out, "Bot hotkey %s on neurons main (1001), cold (1002), savings (1003); policies in devnet/demo.\n", botKey.Principal())
	if keep {
		fmt.Fprintf(s.Out, "Files in %s (config, key, state database, log).\n", dir)
	}
	fmt.Fprintln(s.Out)

	// The scenario runs on the devnet's clock from its start; the bot runs
	// until the week is over.
	runCtx, stop := context.WithTimeout(ctx, d)
	defer stop()
	_ = app.Bot.Run(runCtx)
	if ctx.Err() != nil {
		fmt.Fprintln(s.Out, "\nInterrupted.")
	}
	return demoReport(context.WithoutCancel(ctx), s.Out, app, time.Now())
}

// demoReport prints the report `votebot report --window all` prints on
// the demo's state database: what the daemon recorded of the ballots, the
// neurons, the ledger's supply and the reward audit, nothing passed in.
func demoReport(ctx context.Context, w io.Writer, app *daemon.App, now time.Time) error {
	data, err := storeReportData(ctx, app.Store, 0)
	if err != nil {
		return err
	}
	data.Neurons = withConfigNeurons(data.Neurons, app.Config().Neurons)
	data.history = nil // the demo's database holds only this week
	fmt.Fprintln(w, "\nParticipation report (votebot report --window all)")
	return writeReport(ctx, w, reportOptions{window: "all", regime: string(rewards.RegimeCurrent)}, data, now)
}
