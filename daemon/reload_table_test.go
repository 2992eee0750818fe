package daemon_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/rs/zerolog"

	"github.com/votebot/votebot/agent/identity"
	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/config"
	"github.com/votebot/votebot/daemon"
	"github.com/votebot/votebot/devnet/governance"
	"github.com/votebot/votebot/nns"
)

// reloadFile is what the reload table varies in the daemon's file.
type reloadFile struct {
	url, key, listen string
	console          bool
	tokenFile        string
	allowed          int64
	webhook          string // "": no webhook channel
	passwordFile     string // "": no email channel
	storePath        string
}

func (f reloadFile) yaml(rootKey string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "network: {urls: [%s], root_key: %s}\nidentity: {pem_file: %s}\nstore: {path: %s}\nlisten: %s\npoll_interval: 1s\n",
		f.url, rootKey, f.key, f.storePath, f.listen)
	b.WriteString("neurons: [{id: 1001, alias: main}]\n")
	b.WriteString("policies: {default: {fallback: none, default: follow, rules: [{name: ask-gov, match: {topics: [Governance]}, vote: manual}]}}\n")
	if f.console {
		fmt.Fprintf(&b, "console: {listen: \"127.0.0.1:0\", token_file: %s}\n", f.tokenFile)
	}
	fmt.Fprintf(&b, "alerts:\n  channels:\n    chat: {type: telegram, token: %q, chat_id: \"-100\", decisions: {allowed_user_ids: [%d]}}\n",
		telegramToken, f.allowed)
	if f.webhook != "" {
		fmt.Fprintf(&b, "    ops: {type: webhook, url: %s}\n", f.webhook)
	}
	if f.passwordFile != "" {
		fmt.Fprintf(&b, "    mail: {type: email, smtp: {host: 127.0.0.1, from: votebot@example.org, to: [ops@example.org], password_file: %s}}\n", f.passwordFile)
	}
	return []byte(b.String())
}

// syncBuffer is a log sink the daemon's goroutines and the test share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) Len() int { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Len() }

// reloadMessages are the reload's own log lines written after offset.
func (s *syncBuffer) reloadMessages(offset int) []string {
	s.mu.Lock()
	tail := s.b.String()[offset:]
	s.mu.Unlock()
	var out []string
	for _, line := range strings.Split(tail, "\n") {
		var m struct{ Message string }
		if json.Unmarshal([]byte(line), &m) == nil && (strings.Contains(m.Message, "restart") ||
			strings.Contains(m.Message, "configuration reloaded") || strings.Contains(m.Message, "new connections")) {
			out = append(out, m.Message)
		}
	}
	return out
}

// countingProxy forwards to the devnet and counts the requests it saw.
type countingProxy struct {
	n   atomic.Int64
	srv *httptest.Server
}

func newCountingProxy(t *testing.T, target string) *countingProxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &countingProxy{}
	rp := httputil.NewSingleHostReverseProxy(u)
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.n.Add(1)
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(p.srv.Close)
	return p
}

// consoleBrowser is a browser on the daemon's console: its own cookies.
type consoleBrowser struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newConsoleBrowser(t *testing.T, base string) *consoleBrowser {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	return &consoleBrowser{t: t, base: base, c: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *consoleBrowser) do(method, path string, form url.Values) (int, string) {
	b.t.Helper()
	var res *http.Response
	var err error
	if form == nil {
		res, err = b.c.Get(b.base + path)
	} else {
		res, err = b.c.PostForm(b.base+path, form)
	}
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	var body bytes.Buffer
	body.ReadFrom(res.Body)
	return res.StatusCode, body.String()
}

func (b *consoleBrowser) csrf(path string) string {
	b.t.Helper()
	_, body := b.do("GET", path, nil)
	_, rest, ok := strings.Cut(body, `name="csrf" value="`)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, `"`)
	return v
}

// login posts token and returns the status (303: logged in).
func (b *consoleBrowser) login(token string) int {
	b.t.Helper()
	status, _ := b.do("POST", "/login", url.Values{"csrf": {b.csrf("/login")}, "token": {token}})
	return status
}

// TestReloadTable is the reload table: each row changes the running
// daemon's file and sends SIGHUP (App.Reload, as Serve does); the change is
// applied whole or refused whole, and the message says which. The rows run
// in order against one daemon (console, Telegram decisions, the devnet).
func TestReloadTable(t *testing.T) { // a few seconds: it runs with -short, in CI's -race set
	e := newE2E(t, shortNNS(10*time.Minute, time.Hour))
	newKeyPath := filepath.Join(e.dir, "rotated.pem")
	newKey, err := identity.WriteNew(newKeyPath, identity.Ed25519)
	if err != nil {
		t.Fatal(err)
	}
	e.addNeurons([]governance.NeuronSpec{{ID: 40, Controller: e.ctl, StakeE8s: 1000e8, DissolveDelay: 365 * 24 * time.Hour},
		{ID: 1001, Controller: e.ctl, HotKeys: []principalT{e.bot, newKey.Identity.Sender()}, StakeE8s: 10e8, DissolveDelay: 365 * 24 * time.Hour}})
	pid, err := e.net.Governance.SubmitProposal(governance.ProposalSpec{Proposer: 40, Topic: nns.TopicGovernance,
		Title: "Motion to fund the community dashboard", Action: nns.Action{Motion: &nns.Motion{MotionText: "fund it"}}})
	if err != nil {
		t.Fatal(err)
	}
	writeSecret := func(name, content string, mode os.FileMode) string {
		t.Helper()
		p := filepath.Join(e.dir, name)
		if err := os.WriteFile(p, []byte(content+"\n"), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	const tokenA, tokenB = "token-A-0123456789abcdef", "token-B-fedcba9876543210"
	fileA, fileB := writeSecret("console-a", tokenA, 0o600), writeSecret("console-b", tokenB, 0o600)
	proxy := newCountingProxy(t, e.net.URL)
	hook := newWebhookRec(t, "ops")
	api := &botAPI{}
	tg := httptest.NewServer(api)
	t.Cleanup(tg.Close)

	path := filepath.Join(e.dir, "votebot.yaml")
	start := reloadFile{url: e.net.URL, key: filepath.Join(e.dir, "hotkey.pem"), listen: "127.0.0.1:9464", console: true,
		tokenFile: fileA, allowed: 111, storePath: e.storePath()}
	write := func(f reloadFile) {
		t.Helper()
		if err := os.WriteFile(path, f.yaml(e.net.RootKeyHex()), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(start)
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	app, err := daemon.Assemble(context.Background(), daemon.AppOptions{Config: cfg, Logger: zerolog.New(logs),
		TelegramBaseURL: tg.URL, Tune: func(o *bot.Options) { o.PollInterval = 300 * time.Millisecond }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { app.Close() })
	consoleH, err := app.ConsoleHandler()
	if err != nil {
		t.Fatal(err)
	}
	consoleSrv := httptest.NewServer(consoleH)
	t.Cleanup(consoleSrv.Close)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(runUntilStop(t, func(ctx context.Context) error { return app.Serve(ctx, ln, path) }))
	// a pass is the loop's next poll: wait for it, then look at the network.
	pass := func() {
		t.Helper()
		before := app.Bot.LastPoll()
		for deadline := time.Now().Add(15 * time.Second); !app.Bot.LastPoll().After(before); time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("no pass in 15 s")
			}
		}
	}
	pass()
	browserA := newConsoleBrowser(t, consoleSrv.URL)
	if got := browserA.login(tokenA); got != http.StatusSeeOther {
		t.Fatalf("login with token A before any reload: %d", got)
	}

	brokenPassword := filepath.Join(e.dir, "smtp-password-missing")
	cur := start
	rows := []struct {
		change  string
		edit    func(f *reloadFile) // nil: the file is written by raw
		raw     string
		applied bool
		message string // in the error (refused) or the reload's log (applied)
		check   func(t *testing.T)
	}{
		{change: "new network URL + new key + email password_file missing",
			edit:    func(f *reloadFile) { f.url, f.key, f.passwordFile = proxy.srv.URL, newKeyPath, brokenPassword },
			message: "alerts.channels.mail.smtp.password_file: open " + brokenPassword + ": no such file or directory",
			check: func(t *testing.T) {
				n := proxy.n.Load()
				pass()
				if got := proxy.n.Load(); got != n {
					t.Errorf("the refused URL got %d requests", got-n)
				}
				if got := app.Governance().Sender(); got.String() != e.bot.String() {
					t.Errorf("signing as %s after a refused reload, want the old key %s", got, e.bot)
				}
				if app.Config().Network.URLs[0] != e.net.URL {
					t.Errorf("config in force names %v", app.Config().Network.URLs)
				}
				if got := testutil.ToFloat64(app.Metrics.ConfigReloadOK); got != 0 {
					t.Errorf("votebot_config_last_reload_successful = %v, want 0", got)
				}
			}},
		{change: "the original file again", edit: func(f *reloadFile) { *f = start }, applied: true, message: "configuration reloaded",
			check: func(t *testing.T) {
				if got := app.Governance().Sender(); got.String() != e.bot.String() {
					t.Errorf("signing as %s, want %s", got, e.bot)
				}
				if got := testutil.ToFloat64(app.Metrics.ConfigReloadOK); got != 1 {
					t.Errorf("votebot_config_last_reload_successful = %v, want 1", got)
				}
			}},
		{change: "console token A → B", edit: func(f *reloadFile) { f.tokenFile = fileB }, applied: true, message: "configuration reloaded",
			check: func(t *testing.T) {
				status, body := browserA.do("POST", fmt.Sprintf("/proposal/%d/decide", pid),
					url.Values{"csrf": {"any"}, "neuron": {"1001"}, "vote": {"no"}})
				if status != http.StatusUnauthorized || !strings.Contains(body, "Log in to decide") {
					t.Errorf("the session made with token A: %d, want 401 (ended)", status)
				}
				if got := newConsoleBrowser(t, consoleSrv.URL).login(tokenA); got != http.StatusUnauthorized {
					t.Errorf("login with token A: %d, want 401", got)
				}
				if got := newConsoleBrowser(t, consoleSrv.URL).login(tokenB); got != http.StatusSeeOther {
					t.Errorf("login with token B: %d, want 303", got)
				}
			}},
		{change: "decisions.allowed_user_ids 111 → 222", edit: func(f *reloadFile) { f.allowed = 222 }, applied: true,
			message: "configuration reloaded",
			check: func(t *testing.T) {
				api.press(111, fmt.Sprintf("vb1:%d:1001:n", pid))
				api.waitCall(t, "answerCallbackQuery", func(b map[string]any) bool {
					return strings.Contains(fmt.Sprint(b["text"]), "not allowed")
				})
				if os, err := app.Store.Overrides(context.Background()); err != nil || len(os) != 0 {
					t.Fatalf("the removed user's press was recorded: %v, %v", os, err)
				}
				api.press(222, fmt.Sprintf("vb1:%d:1001:y", pid))
				waitBallot(t, e, pid, 1001, nns.VoteYes, 15*time.Second)
			}},
		{change: "a new webhook channel", edit: func(f *reloadFile) { f.webhook = hook.srv.URL }, applied: true,
			message: "configuration reloaded",
			check: func(t *testing.T) {
				// Both the new webhook and Telegram, still at the base URL the daemon was given, carry it.
				if _, err := app.Alerts.Fire(context.Background(), alert.Alert{Kind: alert.KindPollStale,
					Text: "reload-table probe"}); err != nil {
					t.Fatal(err)
				}
				if hook.count("reload-table probe") != 1 {
					t.Errorf("the new webhook got %d probe alerts, want 1", hook.count("reload-table probe"))
				}
				api.waitCall(t, "sendMessage", func(b map[string]any) bool {
					return strings.Contains(fmt.Sprint(b["text"]), "reload-table probe")
				})
			}},
		{change: "broken YAML", raw: "neurons: [{id: not-a-number}]\n", message: "neurons[0].id",
			check: func(t *testing.T) {
				if hook.count("config_invalid") != 1 {
					t.Errorf("the new webhook got %d config_invalid alerts, want 1", hook.count("config_invalid"))
				}
			}},
		{change: "console token file readable by the group", edit: func(f *reloadFile) {
			f.tokenFile = writeSecret("console-c", "token-C-0123456789abcdef", 0o640)
		}, message: "console.token_file: console token: " + filepath.Join(e.dir, "console-c") + " has mode 0640",
			check: func(t *testing.T) {
				if got := newConsoleBrowser(t, consoleSrv.URL).login(tokenB); got != http.StatusSeeOther {
					t.Errorf("login with token B after the refused reload: %d, want 303", got)
				}
			}},
		{change: "email channel whose password_file others may read", edit: func(f *reloadFile) {
			f.passwordFile = writeSecret("smtp-open", "pw", 0o644)
		}, message: "alerts.channels.mail.smtp.password_file: " + filepath.Join(e.dir, "smtp-open") + " has mode 0644"},
		{change: "new network URL + new key", edit: func(f *reloadFile) { f.url, f.key = proxy.srv.URL, newKeyPath }, applied: true,
			message: "network or identity changed: new connections in use",
			check: func(t *testing.T) {
				// A pass that began before the reload still holds the old
				// client, and its end may be the first pass seen: allow a
				// few passes for the new one to be in use.
				n := proxy.n.Load()
				for i := 0; i < 5 && proxy.n.Load() == n; i++ {
					pass()
				}
				if proxy.n.Load() == n {
					t.Error("no request through the new URL in 5 passes")
				}
				if got := app.Governance().Sender(); got.String() != newKey.Identity.Sender().String() {
					t.Errorf("signing as %s, want the new key", got)
				}
			}},
		{change: "listen (metrics) address", edit: func(f *reloadFile) { f.listen = "127.0.0.1:9999" }, applied: true,
			message: "listen changed: it takes effect at the next restart (systemctl restart votebot)"},
		{change: "console section removed", edit: func(f *reloadFile) { f.console = false }, applied: true,
			message: "console removed (read-only until then): it takes effect at the next restart",
			check: func(t *testing.T) {
				if _, body := newConsoleBrowser(t, consoleSrv.URL).do("GET", "/login", nil); !strings.Contains(body, "read-only") {
					t.Error("the console still takes logins after its section was removed")
				}
			}},
		{change: "console section added back (it never stopped)", edit: func(f *reloadFile) { f.console = true }, applied: true,
			message: "listen changed",
			check: func(t *testing.T) {
				if got := newConsoleBrowser(t, consoleSrv.URL).login(tokenB); got != http.StatusSeeOther {
					t.Errorf("login with token B once the section is back: %d, want 303", got)
				}
			}},
	}
	for _, row := range rows {
		before := cur
		if row.edit != nil {
			row.edit(&cur)
			write(cur)
		} else if err := os.WriteFile(path, []byte(row.raw), 0o600); err != nil {
			t.Fatal(err)
		}
		offset := logs.Len()
		err := app.Reload(context.Background(), path)
		msg := strings.Join(logs.reloadMessages(offset), "; ")
		if err != nil {
			msg = err.Error()
		}
		verdict := "applied"
		if err != nil {
			verdict = "refused, nothing changed"
			cur = before
		}
		t.Logf("| %s | %s | %s |", row.change, verdict, strings.ReplaceAll(msg, "\n", " / "))
		if (err == nil) != row.applied || !strings.Contains(msg, row.message) {
			t.Errorf("%s: applied %v with %q; want applied %v with %q", row.change, err == nil, msg, row.applied, row.message)
		}
		if row.check != nil {
			t.Run(row.change, row.check)
		}
	}
}

// TestReloadNeedsRestart: what only a restart applies is named in the
// reload's warning, key by key, and keeps being named on later reloads
// until the restart (it is compared with the file the daemon started
// with); the rest of the file is applied.
func TestReloadNeedsRestart(t *testing.T) {
	e := newE2E(t, shortNNS(10*time.Minute, time.Hour))
	e.addNeurons([]governance.NeuronSpec{{ID: 1001, Controller: e.ctl, HotKeys: []principalT{e.bot}, StakeE8s: 10e8, DissolveDelay: 365 * 24 * time.Hour}})
	token := filepath.Join(e.dir, "console-token")
	if err := os.WriteFile(token, []byte("token-A-0123456789abcdef\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(e.dir, "votebot.yaml")
	e.loadConfig(e.configf("neurons: [{id: 1001, alias: first}]\n"))
	logs := &syncBuffer{}
	app, err := daemon.Assemble(context.Background(), daemon.AppOptions{Config: e.cfg, Logger: zerolog.New(logs)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { app.Close() })
	rows := []struct {
		change, body string
		want         []string
	}{
		{"alias only", "neurons: [{id: 1001, alias: second}]\n", []string{"configuration reloaded"}},
		{"console added", fmt.Sprintf("neurons: [{id: 1001, alias: third}]\nconsole: {token_file: %s}\n", token),
			[]string{"console added: it takes effect at the next restart (systemctl restart votebot)",
				"configuration reloaded, except what needs a restart (systemctl restart votebot): console"}},
		{"metrics listen, instance, a Telegram channel with decisions",
			fmt.Sprintf("neurons: [{id: 1001, alias: fourth}]\nlisten: 127.0.0.1:9999\ninstance: other\nconsole: {token_file: %s}\n"+
				"alerts: {channels: {chat: {type: telegram, token: %q, chat_id: \"-100\", decisions: {allowed_user_ids: [7]}}}}\n", token, telegramToken),
			[]string{"listen changed", "instance changed", "console added",
				"alerts.channels.chat.decisions added or its bot token changed (presses are read from then): it takes effect at the next restart",
				"needs a restart (systemctl restart votebot): listen, instance, console, alerts.channels.chat.decisions"}},
	}
	for _, row := range rows {
		if err := os.WriteFile(path, e.configf("%s", row.body), 0o600); err != nil {
			t.Fatal(err)
		}
		offset := logs.Len()
		if err := app.Reload(context.Background(), path); err != nil {
			t.Fatalf("%s: %v", row.change, err)
		}
		msg := strings.Join(logs.reloadMessages(offset), "; ")
		t.Logf("| %s | applied | %s |", row.change, msg)
		for _, w := range row.want {
			if !strings.Contains(msg, w) {
				t.Errorf("%s: the reload said %q, want %q", row.change, msg, w)
			}
		}
		if got := app.Config().Neurons[0].Alias; !strings.Contains(row.body, "alias: "+got) {
			t.Errorf("%s: alias in force %q: the rest of the file was not applied", row.change, got)
		}
	}
}
