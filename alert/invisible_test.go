package alert

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"
)

// invisibles are characters that change how text reads or where it breaks without being seen:
// the line and paragraph separators, the bidi marks (LRM, RLM, ALM) and the embeddings,
// overrides and isolates.
var invisibles = []string{"\u2028", "\u2029", "\u200e", "\u200f", "\u061c",
	"\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"}

func TestCleanTextDropsInvisibles(t *testing.T) {
	tests := []struct{ in, clean, line string }{
		{"pay\u202eevil\u202c.exe", "payevil.exe", "payevil.exe"},
		{"a\u2028b\u2029c", "a\nb\nc", "a b c"},
		{"\u200fRLM \u200eLRM \u061cALM", "RLM LRM ALM", "RLM LRM ALM"},
		{"\u2067isolated\u2069 \u202aembedded\u202c", "isolated embedded", "isolated embedded"},
		{"keep \u200d zwj and \u00e9", "keep \u200d zwj and \u00e9", "keep \u200d zwj and \u00e9"},
	}
	for _, tt := range tests {
		if got := CleanText(tt.in); got != tt.clean {
			t.Errorf("CleanText(%q) = %q, want %q", tt.in, got, tt.clean)
		}
		if got := OneLine(tt.in); got != tt.line {
			t.Errorf("OneLine(%q) = %q, want %q", tt.in, got, tt.line)
		}
	}
}

// TestPayloadsDropInvisibles sends an alert whose title and summary hold every invisible to
// each JSON channel: none may reach the payload.
func TestPayloadsDropInvisibles(t *testing.T) {
	a := hostileAlert()
	a.Title = "Upgrade " + strings.Join(invisibles, "x") + " now"
	a.Summary = "Summary " + strings.Join(invisibles, "y")
	a.Text = "Text " + strings.Join(invisibles, "z")
	for _, ch := range []struct {
		name string
		make func(url string) (Notifier, error)
	}{
		{"webhook", func(u string) (Notifier, error) { return NewWebhook(WebhookConfig{URL: u + "/hook"}) }},
		{"slack", func(u string) (Notifier, error) { return NewSlack(SlackConfig{WebhookURL: u + "/services/T/B/X"}) }},
		{"discord", func(u string) (Notifier, error) {
			return NewDiscord(DiscordConfig{WebhookURL: u + "/api/webhooks/1/x"})
		}},
		{"telegram", func(u string) (Notifier, error) {
			return NewTelegram(TelegramConfig{Token: "123:ABC", ChatID: "-100200", BaseURL: u})
		}},
		{"pagerduty", func(u string) (Notifier, error) {
			return NewPagerDuty(PagerDutyConfig{RoutingKey: "R0UTING", URL: u + "/v2/enqueue"})
		}},
	} {
		t.Run(ch.name, func(t *testing.T) {
			rec, srv := newReceiver(t)
			rec.answer = `{"ok":true,"result":{}}` // Telegram's; the others ignore it
			n, err := ch.make(srv.URL)
			must(t, err)
			must(t, n.Send(context.Background(), a))
			assertNone(t, rec.last(t), invisibles...)
		})
	}
}

// TestBoundTextMatchesPayload: the helpers the loop logs with cut where the payloads cut.
func TestBoundTextMatchesPayload(t *testing.T) {
	a := hostileAlert()
	a.Title = strings.Repeat("T\u2028", 10_000) // 20,000 runes
	rec, srv := newReceiver(t)
	w, err := NewWebhook(WebhookConfig{URL: srv.URL + "/hook"})
	must(t, err)
	must(t, w.Send(context.Background(), a))
	m := rec.last(t)
	for _, tt := range []struct {
		field, got string
		max        int
	}{
		{"title", BoundTitle(a.Title), maxTitleRunes},
		{"summary", BoundSummary(a.Summary), maxSummaryRunes},
		{"text", BoundText(a.Text), maxTextRunes},
	} {
		if want := str(t, m, tt.field); tt.got != want {
			t.Errorf("Bound %s = %.60q…, payload has %.60q…", tt.field, tt.got, want)
		}
		if n := utf8.RuneCountInString(tt.got); n > tt.max {
			t.Errorf("Bound %s has %d runes, want ≤ %d", tt.field, n, tt.max)
		}
	}
}
