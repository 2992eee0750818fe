package alert

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// SlackConfig configures a Slack incoming webhook.
type SlackConfig struct {
	WebhookURL string // a secret: never logged
	Timeout    time.Duration
	Client     *http.Client
}

// Slack posts to a Slack incoming webhook. Untrusted text goes in plain_text blocks (no mrkdwn, no
// mention parsing); the notification fallback text is mrkdwn-escaped with mentions defused.
type Slack struct {
	url    string
	client *http.Client
}

// NewSlack checks cfg and returns the channel.
func NewSlack(cfg SlackConfig) (*Slack, error) {
	if err := checkURL("slack webhook_url", cfg.WebhookURL); err != nil {
		return nil, err
	}
	return &Slack{url: cfg.WebhookURL, client: httpClient(cfg.Client, cfg.Timeout)}, nil
}

// Slack limits, in characters.
const (
	slackHeaderMax  = 150
	slackSectionMax = 3000
)

// slackPlain makes text inert inside a plain_text object: no "<" can open a control sequence and
// no "@" can start a mention.
func slackPlain(s string) string { return defuseMentions(strings.ReplaceAll(s, "<", "<"+zwsp)) }

type slackText struct {
	Type  string `json:"type"`
	Text  string `json:"text"`
	Emoji bool   `json:"emoji"`
}

type slackBlock struct {
	Type     string      `json:"type"`
	Text     *slackText  `json:"text,omitempty"`
	Elements []slackText `json:"elements,omitempty"`
}

type slackMessage struct {
	Text   string       `json:"text"`
	Mrkdwn bool         `json:"mrkdwn"`
	Blocks []slackBlock `json:"blocks"`
}

func plainText(s string) *slackText { return &slackText{Type: "plain_text", Text: s} }

func slackPayload(a Alert) slackMessage {
	c := render(a)
	body := content{Fields: c.Fields}.plainText(func(s string) string { return s })
	msg := slackMessage{
		Text: fitEscaped(c.Headline, slackSectionMax, slackEscape),
		Blocks: []slackBlock{
			{Type: "header", Text: plainText(Truncate(slackPlain(c.Headline), slackHeaderMax))},
			{Type: "section", Text: plainText(Truncate(slackPlain(strings.TrimPrefix(body, "\n")), slackSectionMax))},
		},
	}
	if c.Summary != "" {
		msg.Blocks = append(msg.Blocks, slackBlock{Type: "section", Text: plainText(Truncate(slackPlain(c.Summary), slackSectionMax))})
	}
	return msg
}

// Send implements Notifier.
func (s *Slack) Send(ctx context.Context, a Alert) error {
	if _, err := postJSON(ctx, s.client, s.url, slackPayload(a), nil); err != nil {
		return fmt.Errorf("slack: %w", err)
	}
	return nil
}
