package alert

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// DiscordConfig configures a Discord webhook.
type DiscordConfig struct {
	WebhookURL string // a secret: never logged
	Username   string // optional display name
	Timeout    time.Duration
	Client     *http.Client
}

// Discord posts to a Discord webhook with markdown escaped, mentions defused and
// allowed_mentions empty, so no title can ping anyone.
type Discord struct {
	url      string
	username string
	client   *http.Client
}

// NewDiscord checks cfg and returns the channel.
func NewDiscord(cfg DiscordConfig) (*Discord, error) {
	if err := checkURL("discord webhook_url", cfg.WebhookURL); err != nil {
		return nil, err
	}
	return &Discord{url: cfg.WebhookURL, username: cfg.Username, client: httpClient(cfg.Client, cfg.Timeout)}, nil
}

const (
	discordContentMax  = 2000
	discordSuppressEmb = 1 << 2 // message flag SUPPRESS_EMBEDS: no link previews of stranger URLs
)

type discordAllowedMentions struct {
	Parse []string `json:"parse"`
}

type discordMessage struct {
	Content         string                 `json:"content"`
	Username        string                 `json:"username,omitempty"`
	AllowedMentions discordAllowedMentions `json:"allowed_mentions"`
	Flags           int                    `json:"flags"`
}

func discordPayload(a Alert, username string) discordMessage {
	c := render(a)
	var b strings.Builder
	b.WriteString("**" + discordEscape(c.Headline) + "**")
	body := content{Fields: c.Fields}.plainText(discordEscape)
	b.WriteString(body)
	head := fitEscaped(b.String(), discordContentMax, func(s string) string { return s })
	if c.Summary != "" {
		if room := discordContentMax - len(head) - 2; room > 10 {
			head += "\n\n" + fitEscaped(c.Summary, room, discordEscape)
		}
	}
	return discordMessage{Content: head, Username: username,
		AllowedMentions: discordAllowedMentions{Parse: []string{}}, Flags: discordSuppressEmb}
}

// Send implements Notifier.
func (d *Discord) Send(ctx context.Context, a Alert) error {
	if _, err := postJSON(ctx, d.client, d.url, discordPayload(a, d.username), nil); err != nil {
		return fmt.Errorf("discord: %w", err)
	}
	return nil
}
