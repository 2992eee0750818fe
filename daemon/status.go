package daemon

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/bot"
)

// Status is what the running daemon says of itself: GET /status on the
// metrics listener, what `votebot status` shows. It makes no canister
// call: it reports the last pass's view.
type Status struct {
	Instance string    `json:"instance"`
	Version  string    `json:"version"`
	Now      time.Time `json:"now"`
	DryRun   bool      `json:"dry_run"`
	// NotReady says why /readyz fails ("" when ready).
	NotReady string    `json:"not_ready,omitempty"`
	LastPoll time.Time `json:"last_poll"`
	// PollInterval is the configured interval between passes.
	PollInterval time.Duration    `json:"poll_interval_ns"`
	Endpoints    []StatusEndpoint `json:"endpoints"`
	// ClockSkew is the IC's certified time minus the local clock (nil:
	// not measured yet).
	ClockSkew *time.Duration   `json:"clock_skew_ns"`
	Neurons   int              `json:"neurons"`
	Alerts    []StatusAlert    `json:"alerts"`
	Next      []bot.NextAction `json:"next"`
	// SNS is every SNS lane's own status, after the NNS one above.
	SNS []LaneStatus `json:"sns,omitempty"`
}

// LaneStatus is one SNS lane in /status: its neuron and proposal numbers
// are the DAO's own, so they are shown under its name.
type LaneStatus struct {
	Governance string           `json:"governance"`
	Root       string           `json:"root"`
	LastPoll   time.Time        `json:"last_poll"`
	Neurons    int              `json:"neurons"`
	Alerts     []StatusAlert    `json:"alerts"`
	Next       []bot.NextAction `json:"next"`
}

// LaneStatusOf gathers one SNS lane's status from its loop and its alert
// manager.
func LaneStatusOf(ctx context.Context, governance, root string, b *bot.Bot, alerts *alert.Manager, neurons int) (LaneStatus, error) {
	ls := LaneStatus{Governance: governance, Root: root, LastPoll: b.LastPoll().UTC(), Neurons: neurons,
		Alerts: []StatusAlert{}, Next: []bot.NextAction{}}
	active, err := alerts.Active(ctx)
	if err != nil {
		return ls, fmt.Errorf("%s alerts: %w", governance, err)
	}
	for _, s := range active {
		ls.Alerts = append(ls.Alerts, StatusAlertOf(s))
	}
	next, _, err := b.NextActions(ctx)
	if err != nil {
		return ls, fmt.Errorf("%s next actions: %w", governance, err)
	}
	ls.Next = append(ls.Next, next[:min(len(next), maxStatusActions)]...)
	return ls, nil
}

// StatusEndpoint is one API endpoint's health.
type StatusEndpoint struct {
	Endpoint string    `json:"endpoint"`
	Up       bool      `json:"up"`
	Failures int       `json:"failures,omitempty"`
	RetryAt  time.Time `json:"retry_at,omitzero"`
	LastErr  string    `json:"last_error,omitempty"`
}

// StatusAlert is an alert condition that holds now.
type StatusAlert struct {
	Kind     alert.Kind     `json:"kind"`
	Severity alert.Severity `json:"severity"`
	Neuron   uint64         `json:"neuron,omitempty"`
	Proposal uint64         `json:"proposal,omitempty"`
	Since    time.Time      `json:"since"`
	Sent     int            `json:"times_sent"`
}

// StatusAlertOf is an active alert state as status shows it. A state
// whose messages all failed to deliver has no severity sent yet: it shows
// its kind's.
func StatusAlertOf(s alert.State) StatusAlert {
	sev := s.Severity
	if sev == 0 {
		sev = s.Kind.DefaultSeverity()
	}
	return StatusAlert{Kind: s.Kind, Severity: sev, Neuron: s.Neuron, Proposal: s.ProposalID,
		Since: s.FirstFired.UTC(), Sent: s.TimesSent}
}

// maxStatusActions bounds the next actions /status lists (1,000 neurons ×
// 50 proposals would list 50,000 votes).
const maxStatusActions = 50

// Status gathers the daemon's state.
func (a *App) Status(ctx context.Context) (Status, error) {
	cfg := a.Config()
	opts := a.loopOptions(cfg)
	st := Status{Instance: cfg.Instance, Version: a.opts.Version, Now: a.opts.Now().UTC(), DryRun: opts.DryRun,
		LastPoll: a.Bot.LastPoll().UTC(), PollInterval: opts.PollInterval, Neurons: len(cfg.Neurons),
		Alerts: []StatusAlert{}, Next: []bot.NextAction{}}
	if err := a.Ready(); err != nil {
		st.NotReady = err.Error()
	}
	gov := a.Governance()
	for _, e := range gov.Endpoints() {
		se := StatusEndpoint{Endpoint: e.Endpoint, Up: e.Up, Failures: e.Failures, RetryAt: e.RetryAt}
		if e.LastErr != nil {
			se.LastErr = e.LastErr.Error()
		}
		st.Endpoints = append(st.Endpoints, se)
	}
	if skew, _, ok := gov.ClockSkew(); ok {
		st.ClockSkew = &skew
	}
	active, err := a.Alerts.Active(ctx)
	if err != nil {
		return st, err
	}
	for _, s := range active {
		st.Alerts = append(st.Alerts, StatusAlertOf(s))
	}
	next, _, err := a.Bot.NextActions(ctx)
	if err != nil {
		return st, err
	}
	if len(next) > maxStatusActions {
		next = next[:maxStatusActions]
	}
	st.Next = append(st.Next, next...)
	for _, l := range a.Lanes() {
		ls, err := LaneStatusOf(ctx, l.Governance, l.Root, l.Bot, l.alerts, len(l.DAO().Neurons))
		if err != nil {
			return st, err
		}
		st.SNS = append(st.SNS, ls)
	}
	return st, nil
}

// serveStatus is GET /status. It answers only on the loopback interface:
// a listen address opened to a Prometheus on another host would otherwise
// tell it the neurons, alerts and next votes too.
func (a *App) serveStatus(w http.ResponseWriter, r *http.Request) {
	if !fromLoopback(r) {
		http.Error(w, "/status answers only local requests (votebot status on this host)", http.StatusForbidden)
		return
	}
	st, err := a.Status(r.Context())
	if err != nil {
		http.Error(w, "status: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(st)
}

func fromLoopback(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// HTTPHandler is the metrics listener's handler: /metrics, /healthz,
// /readyz and /status.
func (a *App) HTTPHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/", Handler(a.Metrics, a.Ready))
	mux.HandleFunc("GET /status", a.serveStatus)
	return mux
}
