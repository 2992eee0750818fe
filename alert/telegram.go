package alert

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// TelegramConfig configures a Telegram bot.
type TelegramConfig struct {
	Token   string // the bot token: a secret, never logged
	ChatID  string // numeric chat id or @channelname
	BaseURL string // default https://api.telegram.org; tests point it at httptest
	Timeout time.Duration
	Client  *http.Client
	// DecisionButtons puts Yes / No buttons under manual-decision alerts. Set it only when a
	// TelegramDecisions loop answers them (with the same bot token).
	DecisionButtons bool
}

// Telegram sends with the Bot API's sendMessage in HTML parse mode, every untrusted part
// HTML-escaped. Info alerts are sent silently.
type Telegram struct {
	endpoint string
	chatID   string
	client   *http.Client
	buttons  bool
}

// NewTelegram checks cfg and returns the channel.
func NewTelegram(cfg TelegramConfig) (*Telegram, error) {
	if cfg.Token == "" || strings.ContainsAny(cfg.Token, "/?#") {
		return nil, errors.New("telegram: missing or malformed bot token")
	}
	if cfg.ChatID == "" {
		return nil, errors.New("telegram: missing chat_id")
	}
	base := cfg.BaseURL
	if base == "" {
		base = "https://api.telegram.org"
	}
	if err := checkURL("telegram base_url", base); err != nil {
		return nil, err
	}
	return &Telegram{endpoint: strings.TrimSuffix(base, "/") + "/bot" + cfg.Token + "/sendMessage",
		chatID: cfg.ChatID, client: httpClient(cfg.Client, cfg.Timeout), buttons: cfg.DecisionButtons}, nil
}

type telegramLinkPreview struct {
	IsDisabled bool `json:"is_disabled"`
}

type telegramMessage struct {
	ChatID              string              `json:"chat_id"`
	Text                string              `json:"text"`
	ParseMode           string              `json:"parse_mode"`
	LinkPreviewOptions  telegramLinkPreview `json:"link_preview_options"`
	DisableNotification bool                `json:"disable_notification"`
	ReplyMarkup         *telegramMarkup     `json:"reply_markup,omitempty"`
}

// telegramPayload stays under the 4096-character limit (counted after entity parsing) because
// every part is bounded before escaping.
func telegramPayload(a Alert, chatID string, buttons bool) telegramMessage {
	c := render(a)
	text := "<b>" + telegramEscape(c.Headline) + "</b>" + content{Fields: c.Fields}.plainText(telegramEscape)
	if c.Summary != "" {
		text += "\n\n" + telegramEscape(c.Summary)
	}
	m := telegramMessage{ChatID: chatID, Text: text, ParseMode: "HTML",
		LinkPreviewOptions:  telegramLinkPreview{IsDisabled: true},
		DisableNotification: a.EffectiveSeverity() < SeverityWarning && !a.Resolved}
	if buttons && a.Kind == KindManualDecisionNeeded && !a.Resolved && a.ProposalID != 0 {
		m.ReplyMarkup = decisionKeyboard(a.Governance, a.SNSRoot, a.ProposalID, a.Neuron)
	}
	return m
}

// Send implements Notifier.
func (t *Telegram) Send(ctx context.Context, a Alert) error {
	answer, err := postJSON(ctx, t.client, t.endpoint, telegramPayload(a, t.chatID, t.buttons), nil)
	if err != nil {
		return fmt.Errorf("telegram: %w", err)
	}
	var res struct {
		OK          bool   `json:"ok"`
		Description string `json:"description"`
	}
	if err := json.Unmarshal(answer, &res); err != nil || !res.OK {
		return fmt.Errorf("telegram: sendMessage not ok: %s", Truncate(res.Description, 200))
	}
	return nil
}
