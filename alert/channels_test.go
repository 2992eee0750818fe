package alert

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

const hostileTitle = "<!channel> @everyone *bold* <script>alert(1)</script>\r\nBcc: victim@example.com"

func hostileAlert() Alert {
	at := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	return Alert{
		Key: KeyFor(KindProposalAtRisk, 42, 1234), Kind: KindProposalAtRisk, Severity: SeverityCritical,
		Neuron: 42, NeuronAlias: "main", ProposalID: 1234, Topic: "Governance", Title: hostileTitle,
		Summary:  "@here <!here> " + strings.Repeat("long summary ", 800), // > 10,000 characters
		Deadline: at.Add(3*time.Hour + 12*time.Minute), Text: "Neuron main has not voted.",
		Instance: "vb-1", At: at,
	}
}

// receiver is a local HTTP endpoint that records what it was sent.
type receiver struct {
	mu     sync.Mutex
	paths  []string
	bodies [][]byte
	header []http.Header
	status int
	answer string
}

func newReceiver(t *testing.T) (*receiver, *httptest.Server) {
	t.Helper()
	r := &receiver{status: http.StatusOK, answer: "ok"}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.paths = append(r.paths, req.URL.Path)
		r.bodies = append(r.bodies, body)
		r.header = append(r.header, req.Header.Clone())
		status, answer := r.status, r.answer
		r.mu.Unlock()
		if req.Method != http.MethodPost || req.Header.Get("Content-Type") != "application/json" {
			http.Error(w, "want POST application/json", http.StatusBadRequest)
			return
		}
		w.WriteHeader(status)
		io.WriteString(w, answer)
	}))
	t.Cleanup(srv.Close)
	return r, srv
}

func (r *receiver) last(t *testing.T) map[string]any {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.bodies) == 0 {
		t.Fatal("receiver got nothing")
	}
	var m map[string]any
	if err := json.Unmarshal(r.bodies[len(r.bodies)-1], &m); err != nil {
		t.Fatalf("payload is not a JSON object: %v", err)
	}
	return m
}

// strings walks a decoded JSON value and returns every string in it.
func allStrings(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, e := range v {
			out = append(out, allStrings(e)...)
		}
		return out
	case map[string]any:
		var out []string
		for _, e := range v {
			out = append(out, allStrings(e)...)
		}
		return out
	}
	return nil
}

func assertNone(t *testing.T, payload any, forbidden ...string) {
	t.Helper()
	for _, s := range allStrings(payload) {
		for _, f := range forbidden {
			if strings.Contains(s, f) {
				t.Errorf("payload string contains %q: %.120q", f, s)
			}
		}
	}
}

func str(t *testing.T, m map[string]any, path ...string) string {
	t.Helper()
	var v any = m
	for _, p := range path {
		obj, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("%v: not an object at %q", path, p)
		}
		v = obj[p]
	}
	s, ok := v.(string)
	if !ok {
		t.Fatalf("%v = %v, want a string", path, v)
	}
	return s
}

var mentions = []string{"<!channel>", "<!here>", "@everyone", "@here", "@channel"}

func TestWebhookPayload(t *testing.T) {
	rec, srv := newReceiver(t)
	w, err := NewWebhook(WebhookConfig{URL: srv.URL + "/hook", Header: http.Header{"Authorization": {"Bearer s3cret"}}})
	must(t, err)
	must(t, w.Send(context.Background(), hostileAlert()))
	m := rec.last(t)
	if rec.header[0].Get("Authorization") != "Bearer s3cret" {
		t.Error("configured header not sent")
	}
	for field, want := range map[string]string{"key": "votebot/proposal_at_risk/42/1234", "kind": "proposal_at_risk",
		"severity": "critical", "neuron": "42", "instance": "vb-1", "deadline": "2026-11-21T15:12:00Z"} {
		if got := str(t, m, field); got != want {
			t.Errorf("%s = %q, want %q", field, got, want)
		}
	}
	if m["proposal_id"].(float64) != 1234 {
		t.Errorf("proposal_id = %v", m["proposal_id"])
	}
	if title := str(t, m, "title"); strings.ContainsAny(title, "\r\n") || !strings.HasPrefix(title, "<!channel>") {
		t.Errorf("title = %q: want one line, otherwise as written", title)
	}
	if n := utf8.RuneCountInString(str(t, m, "summary")); n > maxSummaryRunes {
		t.Errorf("summary has %d runes, want ≤ %d", n, maxSummaryRunes)
	}
}

func TestSlackPayload(t *testing.T) {
	rec, srv := newReceiver(t)
	s, err := NewSlack(SlackConfig{WebhookURL: srv.URL + "/services/T/B/X"})
	must(t, err)
	must(t, s.Send(context.Background(), hostileAlert()))
	m := rec.last(t)
	assertNone(t, m, append(mentions, "<script>", "\r")...)
	if m["mrkdwn"] != false {
		t.Error("top-level mrkdwn must be false")
	}
	if text := str(t, m, "text"); !strings.Contains(text, "proposal 1234") || !strings.Contains(text, "deadline 2026-11-21 15:12 UTC") {
		t.Errorf("fallback text = %q: want proposal and deadline", text)
	}
	blocks := m["blocks"].([]any)
	if len(blocks) < 2 {
		t.Fatalf("blocks = %v", blocks)
	}
	for i, b := range blocks {
		block := b.(map[string]any)
		text := block["text"].(map[string]any)
		if text["type"] != "plain_text" {
			t.Errorf("block %d text type = %v, want plain_text: untrusted text never in mrkdwn", i, text["type"])
		}
		limit := slackSectionMax
		if block["type"] == "header" {
			limit = slackHeaderMax
		}
		if n := utf8.RuneCountInString(text["text"].(string)); n > limit {
			t.Errorf("block %d has %d characters, limit %d", i, n, limit)
		}
	}
	section := str(t, blocks[1].(map[string]any), "text", "text")
	if !strings.Contains(section, "Deadline: 2026-11-21 15:12:00 UTC (in 3h12m)") || !strings.Contains(section, "Instance: vb-1") {
		t.Errorf("section = %q: want deadline and instance", section)
	}
	summary := str(t, blocks[2].(map[string]any), "text", "text")
	if !strings.HasSuffix(summary, "…") {
		t.Errorf("10k summary not truncated with …")
	}
}

func TestDiscordPayload(t *testing.T) {
	rec, srv := newReceiver(t)
	d, err := NewDiscord(DiscordConfig{WebhookURL: srv.URL + "/api/webhooks/1/x"})
	must(t, err)
	must(t, d.Send(context.Background(), hostileAlert()))
	m := rec.last(t)
	assertNone(t, m, append(mentions, "*bold*", "\r")...)
	am, ok := m["allowed_mentions"].(map[string]any)
	if !ok {
		t.Fatal("allowed_mentions missing")
	}
	if parse, ok := am["parse"].([]any); !ok || len(parse) != 0 {
		t.Errorf("allowed_mentions.parse = %v, want []", am["parse"])
	}
	content := str(t, m, "content")
	if len(content) > discordContentMax {
		t.Errorf("content is %d bytes, limit %d", len(content), discordContentMax)
	}
	if !strings.Contains(content, `\*bold\*`) || !strings.HasPrefix(content, `**\[CRITICAL\] Unvoted proposal soon`) {
		t.Errorf("content = %.200q", content)
	}
	if !strings.HasSuffix(content, "…") {
		t.Error("long summary not truncated with …")
	}
}

func TestTelegramPayload(t *testing.T) {
	rec, srv := newReceiver(t)
	rec.answer = `{"ok":true,"result":{}}`
	tg, err := NewTelegram(TelegramConfig{Token: "123:ABC", ChatID: "-100200", BaseURL: srv.URL})
	must(t, err)
	must(t, tg.Send(context.Background(), hostileAlert()))
	if rec.paths[0] != "/bot123:ABC/sendMessage" {
		t.Errorf("path = %q", rec.paths[0])
	}
	m := rec.last(t)
	if str(t, m, "parse_mode") != "HTML" || str(t, m, "chat_id") != "-100200" {
		t.Errorf("parse_mode/chat_id = %v/%v", m["parse_mode"], m["chat_id"])
	}
	text := str(t, m, "text")
	if !strings.Contains(text, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("title not HTML-escaped: %.300q", text)
	}
	// The only tags are ours.
	stripped := strings.NewReplacer("<b>", "", "</b>", "").Replace(text)
	if strings.ContainsAny(stripped, "<>") {
		t.Errorf("unescaped < or > in Telegram HTML: %.300q", text)
	}
	assertNone(t, m, "@everyone", "@here")
	if n := utf8.RuneCountInString(html2text(text)); n > 4096 {
		t.Errorf("text is %d characters after entities, limit 4096", n)
	}

	rec.answer = `{"ok":false,"description":"Bad Request: chat not found"}`
	err = tg.Send(context.Background(), hostileAlert())
	if err == nil || !strings.Contains(err.Error(), "chat not found") {
		t.Errorf("ok:false answer: err = %v", err)
	}
	rec.status = http.StatusUnauthorized
	if err := tg.Send(context.Background(), hostileAlert()); err == nil || strings.Contains(err.Error(), "ABC") {
		t.Errorf("HTTP 401: err = %v (must be an error without the token)", err)
	}
}

func html2text(s string) string {
	return strings.NewReplacer("<b>", "", "</b>", "", "&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(s)
}

func TestPagerDutyTriggerAndResolve(t *testing.T) {
	rec, srv := newReceiver(t)
	rec.status = http.StatusAccepted
	pd, err := NewPagerDuty(PagerDutyConfig{RoutingKey: "R0UTING", URL: srv.URL + "/v2/enqueue"})
	must(t, err)
	a := hostileAlert()
	must(t, pd.Send(context.Background(), a))
	m := rec.last(t)
	for path, want := range map[string][]string{
		"routing_key": {"routing_key"}, "event_action": {"event_action"}, "dedup_key": {"dedup_key"},
		"source": {"payload", "source"}, "severity": {"payload", "severity"}, "class": {"payload", "class"},
		"timestamp": {"payload", "timestamp"},
	} {
		got := str(t, m, want...)
		expect := map[string]string{"routing_key": "R0UTING", "event_action": "trigger", "dedup_key": a.Key,
			"source": "vb-1", "severity": "critical", "class": "proposal_at_risk", "timestamp": "2026-11-21T12:00:00Z"}[path]
		if got != expect {
			t.Errorf("%s = %q, want %q", path, got, expect)
		}
	}
	summary := str(t, m, "payload", "summary")
	if n := utf8.RuneCountInString(summary); n > pdSummaryMax || strings.ContainsAny(summary, "\r\n") {
		t.Errorf("summary (%d runes) = %q", n, summary)
	}

	a.Resolved = true
	must(t, pd.Send(context.Background(), a))
	m = rec.last(t)
	if str(t, m, "event_action") != "resolve" || str(t, m, "dedup_key") != a.Key {
		t.Errorf("resolve event = %v", m)
	}
	if _, ok := m["payload"]; ok {
		t.Error("resolve event carries a payload")
	}
}

func TestHTTPErrorsHideSecrets(t *testing.T) {
	rec, srv := newReceiver(t)
	rec.status, rec.answer = http.StatusInternalServerError, "boom"
	secret := "/services/T000/B000/SECRETSECRET"
	s, err := NewSlack(SlackConfig{WebhookURL: srv.URL + secret})
	must(t, err)
	err = s.Send(context.Background(), hostileAlert())
	if err == nil || !strings.Contains(err.Error(), "500") || strings.Contains(err.Error(), "SECRET") {
		t.Errorf("HTTP 500: err = %v", err)
	}
	srv.Close() // connection refused
	err = s.Send(context.Background(), hostileAlert())
	if err == nil || strings.Contains(err.Error(), "SECRET") {
		t.Errorf("connection refused: err = %v", err)
	}
}

func TestChannelConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		err  error
	}{
		{"webhook no url", errOf(NewWebhook(WebhookConfig{}))},
		{"webhook ftp", errOf(NewWebhook(WebhookConfig{URL: "ftp://x"}))},
		{"slack bad url", errOf(NewSlack(SlackConfig{WebhookURL: "hooks.slack.com"}))},
		{"discord no url", errOf(NewDiscord(DiscordConfig{}))},
		{"telegram no token", errOf(NewTelegram(TelegramConfig{ChatID: "1"}))},
		{"telegram no chat", errOf(NewTelegram(TelegramConfig{Token: "1:a"}))},
		{"pagerduty no key", errOf(NewPagerDuty(PagerDutyConfig{}))},
		{"email no host", errOf(NewEmail(EmailConfig{From: "a@b.c", To: []string{"d@e.f"}}))},
		{"email bad from", errOf(NewEmail(EmailConfig{Host: "h", From: "nope", To: []string{"d@e.f"}}))},
		{"email no to", errOf(NewEmail(EmailConfig{Host: "h", From: "a@b.c"}))},
		{"email bad security", errOf(NewEmail(EmailConfig{Host: "h", From: "a@b.c", To: []string{"d@e.f"}, Security: "ssl3"}))},
	}
	for _, tt := range tests {
		if tt.err == nil {
			t.Errorf("%s: accepted", tt.name)
		}
	}
}

func errOf[T any](_ T, err error) error { return err }

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
