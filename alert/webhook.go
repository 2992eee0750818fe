package alert

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// WebhookConfig configures the generic JSON webhook.
type WebhookConfig struct {
	URL     string
	Header  http.Header   // extra headers, e.g. Authorization
	Timeout time.Duration // default DefaultTimeout
	Client  *http.Client  // overrides Timeout; tests use it
}

// Webhook posts each alert as a JSON object (see WebhookPayload) to a URL.
type Webhook struct {
	url    string
	header http.Header
	client *http.Client
}

// NewWebhook checks cfg and returns the channel.
func NewWebhook(cfg WebhookConfig) (*Webhook, error) {
	if err := checkURL("webhook url", cfg.URL); err != nil {
		return nil, err
	}
	return &Webhook{url: cfg.URL, header: cfg.Header.Clone(), client: httpClient(cfg.Client, cfg.Timeout)}, nil
}

// WebhookPayload is the JSON body of the generic webhook. Untrusted text (title, summary, topic)
// is bounded and stripped of control characters but otherwise as written: the receiver escapes
// it for wherever it shows it.
type WebhookPayload struct {
	Key         string     `json:"key"`
	Kind        Kind       `json:"kind"`
	Severity    string     `json:"severity"`
	Resolved    bool       `json:"resolved"`
	Reminder    int        `json:"reminder"`
	Headline    string     `json:"headline"`
	Text        string     `json:"text"`
	Neuron      string     `json:"neuron,omitempty"` // decimal: u64 does not fit a JSON number safely; an SNS neuron's short id in hex
	Governance  string     `json:"governance"`       // "nns", or the SNS DAO's name
	NeuronAlias string     `json:"neuron_alias,omitempty"`
	ProposalID  uint64     `json:"proposal_id,omitempty"`
	Topic       string     `json:"topic,omitempty"`
	Title       string     `json:"title,omitempty"`
	Summary     string     `json:"summary,omitempty"`
	Deadline    *time.Time `json:"deadline,omitempty"`
	Instance    string     `json:"instance"`
	At          time.Time  `json:"at"`
}

func webhookPayload(a Alert) WebhookPayload {
	p := WebhookPayload{
		Key: a.Key, Kind: a.Kind, Severity: a.EffectiveSeverity().String(), Resolved: a.Resolved,
		Reminder: a.Reminder, Headline: headline(a), Text: BoundText(a.Text),
		NeuronAlias: Truncate(OneLine(a.NeuronAlias), 60), ProposalID: a.ProposalID,
		Topic: Truncate(OneLine(a.Topic), 100), Title: BoundTitle(a.Title),
		Summary: BoundSummary(a.Summary), Instance: a.Instance, At: a.At, Governance: a.GovernanceName(),
	}
	if a.Neuron != 0 {
		p.Neuron = neuronID(a)
	}
	if !a.Deadline.IsZero() {
		d := a.Deadline.UTC()
		p.Deadline = &d
	}
	return p
}

// Send implements Notifier.
func (w *Webhook) Send(ctx context.Context, a Alert) error {
	if _, err := postJSON(ctx, w.client, w.url, webhookPayload(a), w.header); err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	return nil
}
