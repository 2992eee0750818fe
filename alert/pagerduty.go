package alert

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// PagerDutyConfig configures PagerDuty Events API v2.
type PagerDutyConfig struct {
	RoutingKey string // integration key: a secret, never logged
	URL        string // default https://events.pagerduty.com/v2/enqueue
	Timeout    time.Duration
	Client     *http.Client
}

// PagerDuty triggers and resolves incidents with dedup_key = Alert.Key, so a reminder updates the
// open incident instead of opening another and the resolved message closes it.
type PagerDuty struct {
	url, key string
	client   *http.Client
}

// NewPagerDuty checks cfg and returns the channel.
func NewPagerDuty(cfg PagerDutyConfig) (*PagerDuty, error) {
	if cfg.RoutingKey == "" {
		return nil, errors.New("pagerduty: missing routing_key")
	}
	u := cfg.URL
	if u == "" {
		u = "https://events.pagerduty.com/v2/enqueue"
	}
	if err := checkURL("pagerduty url", u); err != nil {
		return nil, err
	}
	return &PagerDuty{url: u, key: cfg.RoutingKey, client: httpClient(cfg.Client, cfg.Timeout)}, nil
}

const pdSummaryMax = 1024

type pdPayload struct {
	Summary       string            `json:"summary"`
	Source        string            `json:"source"`
	Severity      string            `json:"severity"`
	Timestamp     string            `json:"timestamp,omitempty"`
	Component     string            `json:"component,omitempty"`
	Group         string            `json:"group,omitempty"`
	Class         string            `json:"class"`
	CustomDetails map[string]string `json:"custom_details,omitempty"`
}

type pdEvent struct {
	RoutingKey  string     `json:"routing_key"`
	EventAction string     `json:"event_action"`
	DedupKey    string     `json:"dedup_key"`
	Client      string     `json:"client,omitempty"`
	Payload     *pdPayload `json:"payload,omitempty"`
}

func pagerDutyEvent(a Alert, routingKey string) pdEvent {
	ev := pdEvent{RoutingKey: routingKey, EventAction: "trigger", DedupKey: a.Key, Client: "votebot"}
	if a.Resolved {
		ev.EventAction = "resolve"
		return ev
	}
	c := render(a)
	source := OneLine(a.Instance)
	if source == "" {
		source = "votebot"
	}
	p := &pdPayload{Summary: Truncate(c.Headline+titleSuffix(a.Title), pdSummaryMax), Source: source,
		Severity: a.EffectiveSeverity().String(), Class: string(a.Kind), Group: Truncate(OneLine(a.Topic), 100),
		CustomDetails: map[string]string{}}
	if !a.At.IsZero() {
		p.Timestamp = a.At.UTC().Format(time.RFC3339)
	}
	if a.Neuron != 0 {
		p.Component = "neuron " + neuronName(a)
	}
	for _, f := range c.Fields {
		label := f.Label
		if label == "" {
			label = "Text"
		}
		p.CustomDetails[label] = f.Value
	}
	if c.Summary != "" {
		p.CustomDetails["Summary"] = c.Summary
	}
	ev.Payload = p
	return ev
}

// Send implements Notifier.
func (p *PagerDuty) Send(ctx context.Context, a Alert) error {
	if _, err := postJSON(ctx, p.client, p.url, pagerDutyEvent(a, p.key), nil); err != nil {
		return fmt.Errorf("pagerduty: %w", err)
	}
	return nil
}
