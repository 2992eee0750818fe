package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/config"
	"github.com/votebot/votebot/daemon"
	"github.com/votebot/votebot/store"
)

// statusTimeout bounds each request to the daemon: it answers from memory.
const statusTimeout = 5 * time.Second

func newStatusCmd(s Streams) *cobra.Command {
	var configPath string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Is the daemon running, and what will it do next",
		Long: `Ask the running daemon (its /healthz and /status on the config's listen address)
whether it runs and is ready, when it last polled, its endpoints, the clock skew,
the alerts firing and its next actions (votes due, fallbacks, decisions, refreshes)
with their times. When the daemon does not answer, the state database says when it
last polled and which alerts were firing. Exit status 1 when the daemon is not running.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := config.Load(configPath)
			if err != nil {
				return err
			}
			return runStatus(cmd.Context(), s, cfg, asJSON)
		},
	}
	addConfigFlag(cmd.Flags(), &configPath)
	cmd.Flags().BoolVar(&asJSON, "json", false, "write the daemon's /status JSON")
	return cmd
}

// daemonURL is the base URL of the daemon's metrics listener: a wildcard
// host is asked on the loopback address.
func daemonURL(listen string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return "http://" + listen
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

func runStatus(ctx context.Context, s Streams, cfg *config.Config, asJSON bool) error {
	base := daemonURL(cfg.Listen)
	client := &http.Client{Timeout: statusTimeout}
	if err := getOK(ctx, client, base+"/healthz", nil); err != nil {
		fmt.Fprintf(s.Out, "daemon      NOT RUNNING: %v\n", err)
		fmt.Fprintf(s.Out, "            start it: systemctl start votebot (or votebot run --config FILE); logs: journalctl -u votebot\n")
		if err := storeStatus(ctx, s.Out, cfg); err != nil {
			fmt.Fprintf(s.Out, "store       %v\n", err)
		}
		return exitError{code: 1}
	}
	var raw json.RawMessage
	if err := getOK(ctx, client, base+"/status", &raw); err != nil {
		return fmt.Errorf("the daemon at %s answers /healthz but not /status (an older votebot?): %w", base, err)
	}
	if asJSON {
		_, err := fmt.Fprintf(s.Out, "%s\n", strings.TrimSpace(string(raw)))
		return err
	}
	var st daemon.Status
	if err := json.Unmarshal(raw, &st); err != nil {
		return fmt.Errorf("decode %s/status: %w", base, err)
	}
	return writeStatus(s.Out, base, st)
}

// getOK GETs url and, when out is not nil, decodes its JSON body.
func getOK(ctx context.Context, c *http.Client, url string, out *json.RawMessage) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return fmt.Errorf("GET %s: %w", url, err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s: %s", url, resp.Status, strings.TrimSpace(string(body)))
	}
	if out != nil {
		*out = body
	}
	return nil
}

func writeStatus(w io.Writer, base string, st daemon.Status) error {
	ready := "ready"
	if st.NotReady != "" {
		ready = "NOT READY: " + st.NotReady
	}
	mode := ""
	if st.DryRun {
		mode = ", dry run: votes nothing"
	}
	fmt.Fprintf(w, "daemon      running at %s (%s%s), instance %q, version %s, %d %s\n",
		strings.TrimPrefix(base, "http://"), ready, mode, st.Instance, st.Version, st.Neurons, plural(st.Neurons, "neuron", "neurons"))
	fmt.Fprintf(w, "last poll   %s (every %s)\n", whenAgo(st.LastPoll, st.Now), st.PollInterval)
	for i, e := range st.Endpoints {
		label := "endpoints "
		if i > 0 {
			label = "          "
		}
		state := "up"
		if !e.Up {
			state = fmt.Sprintf("DOWN (%d failures, retried %s): %s", e.Failures, whenIn(e.RetryAt, st.Now), e.LastErr)
		}
		fmt.Fprintf(w, "%s  %s %s\n", label, e.Endpoint, state)
	}
	skew := "not measured yet"
	if st.ClockSkew != nil {
		skew = fmt.Sprintf("%+.1fs (IC time − local clock)", st.ClockSkew.Seconds())
	}
	fmt.Fprintf(w, "clock skew  %s\n", skew)
	writeAlerts(w, st.Alerts, st.Now)
	if err := writeNext(w, st.Next, st.Now); err != nil {
		return err
	}
	return writeLaneStatus(w, st.SNS, st.Now)
}

func writeAlerts(w io.Writer, alerts []daemon.StatusAlert, now time.Time) {
	writeAlertsBy(w, alerts, now, idOrDash)
}

// writeAlertsBy writes the alerts with their neurons as neuron writes them
// (an SNS lane's in 16 hex digits).
func writeAlertsBy(w io.Writer, alerts []daemon.StatusAlert, now time.Time, neuron func(uint64) string) {
	if len(alerts) == 0 {
		fmt.Fprintln(w, "alerts      none firing")
		return
	}
	fmt.Fprintf(w, "alerts      %d firing\n", len(alerts))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  SEVERITY\tKIND\tNEURON\tPROPOSAL\tSINCE\tSENT")
	undelivered := 0
	for _, a := range alerts {
		if a.Sent == 0 {
			undelivered++
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%d\n", a.Severity, a.Kind, neuron(a.Neuron), idOrDash(a.Proposal),
			whenAgo(a.Since, now), a.Sent)
	}
	_ = tw.Flush()
	if undelivered > 0 {
		fmt.Fprintf(w, "  SENT 0: no channel took %d of them (none configured, or delivery failed: votebot doctor --send-test)\n", undelivered)
	}
}

func writeNext(w io.Writer, next []bot.NextAction, now time.Time) error {
	if len(next) == 0 {
		_, err := fmt.Fprintln(w, "next        nothing scheduled")
		return err
	}
	fmt.Fprintln(w, "next")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  AT (UTC)\tIN\tNEURON\tPROPOSAL\tACTION")
	for _, a := range next {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", a.At.UTC().Format(time.DateTime), whenIn(a.At, now), a.Neuron.Label(),
			idOrDash(a.Proposal), oneLine(a.Text, 100))
	}
	return tw.Flush()
}

// storeStatus is what the state database says when the daemon does not.
func storeStatus(ctx context.Context, w io.Writer, cfg *config.Config) error {
	if _, err := os.Stat(cfg.Store.Path); err != nil {
		return fmt.Errorf("no state database: %w", err)
	}
	st, err := store.Open(ctx, cfg.Store.Path)
	if err != nil {
		return err
	}
	defer st.Close()
	last, err := st.LastHeartbeat(ctx)
	if err != nil {
		return err
	}
	now := time.Now()
	fmt.Fprintf(w, "last poll   %s (from the state database)\n", whenAgo(last, now))
	active, err := st.ActiveAlertStates(ctx)
	if err != nil {
		return err
	}
	var alerts []daemon.StatusAlert
	for _, a := range active {
		alerts = append(alerts, daemon.StatusAlertOf(a))
	}
	writeAlerts(w, alerts, now)
	return storeLaneStatus(ctx, w, cfg, now)
}

func whenAgo(t, now time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return fmt.Sprintf("%s UTC, %s ago", t.UTC().Format(time.DateTime), roughly(now.Sub(t)))
}

// roughly is a duration as people read it: 3d4h, 5h12m, 42s.
func roughly(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%dd%dh", d/(24*time.Hour), d%(24*time.Hour)/time.Hour)
	case d >= time.Hour:
		return shortDuration(d) // Duration.String would write 5h12m0s
	}
	return d.Round(time.Second).String()
}

func whenIn(t, now time.Time) string {
	if t.IsZero() {
		return "-"
	}
	if d := t.Sub(now); d > 0 {
		return "in " + roughly(d)
	}
	return "now"
}

func idOrDash(id uint64) string {
	if id == 0 {
		return "-"
	}
	return fmt.Sprint(id)
}
