package alert

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// AlertmanagerConfig configures the Alertmanager channel.
type AlertmanagerConfig struct {
	// URLs are the members of an Alertmanager cluster, e.g. http://am1:9093: every alert is
	// posted to each, as Prometheus does, so one member down loses nothing.
	URLs []string
	// Resend is how often firing alerts are posted again (default 1m). Alertmanager resolves an
	// alert by itself at its endsAt, which is four resend intervals ahead, as Prometheus sets it:
	// a votebot that dies leaves no alert firing for ever, and one late re-post ends none.
	Resend  time.Duration
	Timeout time.Duration
	Client  *http.Client
	Now     func() time.Time // default time.Now
}

// DefaultAlertmanagerResend is the default re-post interval of firing alerts.
const DefaultAlertmanagerResend = time.Minute

// Alertmanager posts alerts to Alertmanager's API (POST /api/v2/alerts). Its labels name the
// condition and nothing about the sender, so the alerts of two votebot instances (a primary and
// its standby) about the same condition are one alert there and become one notification.
type Alertmanager struct {
	urls   []string
	client *http.Client
	now    func() time.Time
	resend time.Duration

	mu     sync.Mutex
	firing map[string]amAlert // by Alert.Key: what Repost posts again
}

// amAlert is one element of Alertmanager's postable alerts.
type amAlert struct {
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations,omitempty"`
	StartsAt    time.Time         `json:"startsAt"`
	EndsAt      time.Time         `json:"endsAt"`
}

// NewAlertmanager checks cfg and returns the channel.
func NewAlertmanager(cfg AlertmanagerConfig) (*Alertmanager, error) {
	if len(cfg.URLs) == 0 {
		return nil, errors.New("alertmanager: no urls")
	}
	urls := make([]string, len(cfg.URLs))
	for i, u := range cfg.URLs {
		if err := checkURL(fmt.Sprintf("alertmanager url %d", i+1), u); err != nil {
			return nil, err
		}
		urls[i] = strings.TrimRight(u, "/") + "/api/v2/alerts"
	}
	if cfg.Resend <= 0 {
		cfg.Resend = DefaultAlertmanagerResend
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Alertmanager{urls: urls, client: httpClient(cfg.Client, cfg.Timeout), now: cfg.Now,
		resend: cfg.Resend, firing: make(map[string]amAlert)}, nil
}

// Labels are what Alertmanager groups, routes and de-duplicates by: the condition (kind, neuron,
// proposal, governance) and its severity. The sending instance is an annotation, never a label.
func amLabels(a Alert) map[string]string {
	l := map[string]string{
		"alertname":  string(a.Kind),
		"severity":   a.EffectiveSeverity().String(),
		"governance": a.GovernanceName(),
	}
	if a.Neuron != 0 {
		l["neuron"] = neuronID(a) // as the metrics label it
	}
	if a.ProposalID != 0 {
		l["proposal"] = strconv.FormatUint(a.ProposalID, 10)
	}
	return l
}

func amAnnotations(a Alert) map[string]string {
	c := render(a)
	n := map[string]string{
		"summary":     amSummary(a),
		"description": c.plainText(func(s string) string { return s }),
		"instance":    Truncate(OneLine(a.Instance), 100),
	}
	if t := BoundTitle(a.Title); t != "" {
		n["title"] = t
	}
	if a.NeuronAlias != "" {
		n["neuron_alias"] = Truncate(OneLine(a.NeuronAlias), 60)
	}
	if !a.Deadline.IsZero() {
		n["deadline"] = a.Deadline.UTC().Format(time.RFC3339)
	}
	return n
}

// amSummary is the headline without the status prefix: Alertmanager's templates say firing or
// resolved themselves.
func amSummary(a Alert) string {
	a.Resolved, a.Reminder, a.Severity = false, 0, a.EffectiveSeverity()
	h := headline(a)
	if i := strings.Index(h, "] "); i >= 0 {
		h = h[i+2:]
	}
	return h
}

// Send implements Notifier: a firing alert is posted and kept for Repost; a resolved one is
// posted with endsAt now and forgotten; a one-off event (vote missed) is posted once and ends by
// itself.
func (m *Alertmanager) Send(ctx context.Context, a Alert) error {
	now := m.now()
	start := a.At
	if start.IsZero() || start.After(now) {
		start = now
	}
	am := amAlert{Labels: amLabels(a), Annotations: amAnnotations(a), StartsAt: start, EndsAt: now.Add(4 * m.resend)}
	m.mu.Lock()
	if prev, ok := m.firing[a.Key]; ok && prev.StartsAt.Before(am.StartsAt) {
		am.StartsAt = prev.StartsAt
	}
	switch {
	case a.Resolved:
		am.EndsAt = now
		delete(m.firing, a.Key)
	case a.Kind.IsEvent():
		delete(m.firing, a.Key)
	default:
		m.firing[a.Key] = am
	}
	m.mu.Unlock()
	return m.post(ctx, []amAlert{am})
}

// Repost posts every firing alert again with a fresh endsAt, as Alertmanager expects of a
// sender while a condition holds.
func (m *Alertmanager) Repost(ctx context.Context) error {
	now := m.now()
	m.mu.Lock()
	batch := make([]amAlert, 0, len(m.firing))
	for _, key := range slices.Sorted(maps.Keys(m.firing)) {
		am := m.firing[key]
		am.EndsAt = now.Add(4 * m.resend)
		m.firing[key] = am
		batch = append(batch, am)
	}
	m.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	return m.post(ctx, batch)
}

// Run calls Repost every resend interval until ctx ends. Errors go to report (nil: dropped); the
// next interval tries again.
func (m *Alertmanager) Run(ctx context.Context, report func(error)) {
	t := time.NewTicker(m.resend)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := m.Repost(ctx); err != nil && report != nil {
				report(err)
			}
		}
	}
}

// Adopt takes over the firing alerts of the channel it replaces (a reload), so that they keep
// being re-posted and do not end by themselves in Alertmanager.
func (m *Alertmanager) Adopt(old *Alertmanager) {
	if old == nil || old == m {
		return
	}
	old.mu.Lock()
	firing := maps.Clone(old.firing)
	old.mu.Unlock()
	m.mu.Lock()
	defer m.mu.Unlock()
	for k, v := range firing {
		if _, ok := m.firing[k]; !ok {
			m.firing[k] = v
		}
	}
}

// post sends batch to every member and reports every member that did not take it. Posting is
// idempotent (the same labels are the same alert), so the Manager sending it again because one
// member is down duplicates nothing, and a member down is never silent.
func (m *Alertmanager) post(ctx context.Context, batch []amAlert) error {
	var errs []error
	for i, u := range m.urls {
		if _, err := postJSON(ctx, m.client, u, batch, nil); err != nil {
			errs = append(errs, fmt.Errorf("member %d of %d: %w", i+1, len(m.urls), err))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("alertmanager: %w", errors.Join(errs...))
	}
	return nil
}
