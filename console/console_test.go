package console

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/votebot/votebot/nns"
)

const testToken = "correct-horse-battery-staple-0123456789"

var testNow = time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)

// clock is a settable clock for sessions and the login limiter.
type clock struct {
	mu     sync.Mutex
	t      time.Time
	slept  []time.Duration
	frozen bool // sleep does not move the clock: answers that wait in parallel
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

// sleep is a wait on this clock: it records d and moves the clock on by it, as a person who
// waits for each answer before trying again would see it.
func (c *clock) sleep(_ context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.slept = append(c.slept, d)
	if !c.frozen {
		c.t = c.t.Add(d)
	}
	return nil
}

func (c *clock) sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.slept...)
}

type env struct {
	t     *testing.T
	src   *fakeSource
	clock *clock
	srv   *httptest.Server
	c     *http.Client
	h     *Handler
}

func newEnv(t *testing.T, tls bool, mod func(*Options)) *env {
	t.Helper()
	e := &env{t: t, src: newFakeSource(testNow), clock: &clock{t: testNow}}
	opts := Options{Source: e.src, Token: testToken, Now: e.clock.Now, Sleep: e.clock.sleep}
	if mod != nil {
		mod(&opts)
	}
	h, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	e.h = h
	if tls {
		e.srv = httptest.NewTLSServer(h)
	} else {
		e.srv = httptest.NewServer(h)
	}
	t.Cleanup(e.srv.Close)
	e.c = e.newClient()
	return e
}

// newClient is a browser: its own cookies, no automatic redirects.
func (e *env) newClient() *http.Client {
	jar, _ := cookiejar.New(nil)
	c := e.srv.Client()
	cp := *c
	cp.Jar = jar
	cp.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &cp
}

type resp struct {
	status int
	header http.Header
	body   string
}

func (e *env) do(c *http.Client, method, path string, form url.Values) resp {
	e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, e.srv.URL+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{res.StatusCode, res.Header, string(b)}
}

func (e *env) get(path string) resp { e.t.Helper(); return e.do(e.c, "GET", path, nil) }

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func csrfOf(t *testing.T, body string) string {
	t.Helper()
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no CSRF field in the page:\n%.2000s", body)
	}
	return m[1]
}

// login logs c in and returns the session's CSRF token (read from a page, as a browser would).
func (e *env) login(c *http.Client) string {
	e.t.Helper()
	page := e.do(c, "GET", "/login", nil)
	r := e.do(c, "POST", "/login", url.Values{"csrf": {csrfOf(e.t, page.body)}, "token": {testToken}})
	if r.status != http.StatusSeeOther {
		e.t.Fatalf("login: %d\n%.1000s", r.status, r.body)
	}
	return csrfOf(e.t, e.do(c, "GET", "/proposal/4", nil).body)
}

func TestPagesRender(t *testing.T) {
	e := newEnv(t, false, nil)
	tests := []struct {
		path string
		want []string
	}{
		{"/", []string{"Overview", "main", "1,234,567.89 ICP", "100.0% (9/9)", "96.7% (58/60)", "voting power starts to decay in 20 days",
			"Manual decision needed", `href="/proposal/4"`, "https://icp-api.io", "connection refused", "2027-05-01 12:00 UTC"}},
		{"/proposals", []string{"Motion to fund the community dashboard", "needs your decision", "vote Yes</span> in 2h 00m",
			"rule replica-yes: topic IcOsVersionElection", "3d 4h", "Yes 60.0% · No 10.0%", "voted Yes", `name="needs" value="me"`,
			`<option value="Governance">Governance (3)</option>`, `All topics (6)`}},
		{"/proposal/4", []string{"Motion to fund the community dashboard", "See [the forum](https://forum.example/t/1) for details.",
			"Link (not followed): <code>https://forum.example/t/1</code>", `<a href="/login">Log in</a> to decide`, "governance-manual",
			`href="https://nns.ic0.app/proposal/?u=qoctq-giaaa-aaaaa-aaaea-cai&amp;proposal=4"`,
			`href="https://dashboard.internetcomputer.org/proposal/4"`, "fallback none at 2026-12-03 16:00 UTC"}},
		{"/history", []string{"<polyline", "Missed", "cost ≈ 1.23 ICP", "override (votebot vote)", "main 97.0%"}},
		{"/login", []string{`type="password"`, `name="csrf"`}},
	}
	for _, tt := range tests {
		r := e.get(tt.path)
		if r.status != http.StatusOK {
			t.Errorf("GET %s: %d\n%.500s", tt.path, r.status, r.body)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(r.body, w) {
				t.Errorf("GET %s: missing %q", tt.path, w)
			}
		}
		if strings.Contains(r.body, "/decide") && tt.path != "/login" {
			t.Errorf("GET %s: decision forms shown without a login", tt.path)
		}
	}
}

// A closed proposal keeps its page: title, the ballots' outcomes and who cast them, the
// links; no tally, summary or decision forms.
func TestClosedProposalPage(t *testing.T) {
	e := newEnv(t, false, nil)
	e.login(e.c)
	r := e.get("/proposal/3")
	if r.status != http.StatusOK {
		t.Fatalf("closed proposal: %d, want 200", r.status)
	}
	for _, w := range []string{"Elect IC/OS &#34;&gt;&lt;img", "voting ended 2026-12-02 11:00 UTC", "votebot voted Yes by rule",
		"missed", "voting ended with the ballot empty", "keeps no summary", "https://dashboard.internetcomputer.org/proposal/3"} {
		if !strings.Contains(r.body, w) {
			t.Errorf("closed proposal page lacks %q", w)
		}
	}
	for _, no := range []string{`class="tally"`, "/decide", `class="summary"`} {
		if strings.Contains(r.body, no) {
			t.Errorf("closed proposal page shows %q", no)
		}
	}
}

// The ballot's reason names the deciding rule once and carries no raw RFC 3339 time.
func TestBallotReason(t *testing.T) {
	body := newEnv(t, false, nil).get("/proposal/4").body
	if n := strings.Count(body, "governance-manual"); n != 2 { // two neurons, once each
		t.Errorf("the rule's name appears %d times on a page of two ballots, want 2", n)
	}
	text := regexp.MustCompile(`datetime="[^"]*"`).ReplaceAllString(body, "") // machine-readable, not shown
	if regexp.MustCompile(`\dT\d\d:\d\d:\d\dZ`).MatchString(text) {
		t.Error("a reason shows a raw RFC 3339 time")
	}
}

func TestWhy(t *testing.T) {
	tests := []struct {
		b    Ballot
		want string
	}{
		{Ballot{Rule: "r1", Reason: `rule "r1" (topic Governance): vote Yes; fallback yes at 2026-12-05T16:00:00Z`},
			`rule "r1" (topic Governance): vote Yes; fallback yes at 2026-12-05 16:00 UTC`},
		{Ballot{Rule: "r1", Reason: "wait for followees"}, `rule "r1": wait for followees`},
		{Ballot{Reason: "deadline passed at 2026-12-05T16:00:00.5+01:00"}, "deadline passed at 2026-12-05 15:00 UTC"},
		{Ballot{Reason: "no time 2026-12-05"}, "no time 2026-12-05"},
	}
	for _, tt := range tests {
		if got := why(tt.b); got != tt.want {
			t.Errorf("why(%q) = %q, want %q", tt.b.Reason, got, tt.want)
		}
	}
}

func TestFilters(t *testing.T) {
	e := newEnv(t, false, nil)
	ids := regexp.MustCompile(`<span class="pid">(\d+)</span>`)
	tests := []struct {
		query string
		want  string
	}{
		{"", "4 5 6 7 8 4"}, // the last 4 is the SNS's
		{"?dao=nns", "4 5 6 7 8"},
		{"?dao=" + snsRoot, "4"},
		{"?dao=" + snsRoot + "&needs=me", "4"},
		{"?topic=Governance", "4 6 7"},
		{"?needs=me", "4 6 4"},
		{"?topic=SnsAndCommunityFund&needs=me", ""},
		{"?topic=SnsAndCommunityFund", "8"},
		{"?topic=&needs=me&dao=", "4 6 4"}, // the filter form with "All topics" and every DAO
		{"?topic=Governance&needs=me", "4 6"},
	}
	for _, tt := range tests {
		r := e.get("/proposals" + tt.query)
		var got []string
		for _, m := range ids.FindAllStringSubmatch(r.body, -1) {
			got = append(got, m[1])
		}
		if strings.Join(got, " ") != tt.want {
			t.Errorf("/proposals%s lists %v, want %s", tt.query, got, tt.want)
		}
	}
	if r := e.get("/proposals?topic=<script>"); r.status != http.StatusBadRequest || strings.Contains(r.body, "<script>") {
		t.Errorf("bad topic: %d", r.status)
	}
	if r := e.get("/proposals?dao=<script>"); r.status != http.StatusBadRequest || strings.Contains(r.body, "<script>") {
		t.Errorf("bad DAO: %d", r.status)
	}
}

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t, false, nil)
	for _, path := range []string{"/", "/proposals", "/proposal/4", "/history", "/login", "/static/style.css", "/nope"} {
		h := e.get(path).header
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "default-src 'none'", "form-action 'self'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("%s: CSP allows inline script or style: %q", path, csp)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: no X-Content-Type-Options: nosniff", path)
		}
	}
	for _, path := range []string{"/", "/proposal/4", "/history", "/proposals"} {
		body := e.get(path).body
		if inlineCode.MatchString(body) {
			t.Errorf("%s has inline script, an event handler or an inline style", path)
		}
	}
	if js := e.get("/static/console.js"); js.status != 200 || !strings.HasPrefix(js.header.Get("Content-Type"), "text/javascript") {
		t.Errorf("console.js: %d %s", js.status, js.header.Get("Content-Type"))
	}
}

// inlineCode finds what would run or restyle a page from inside it: an inline script, an event
// handler attribute or an inline style in a tag. In text, "<" is escaped, so every "<" here
// starts a real tag.
var inlineCode = regexp.MustCompile(`(?i)<script>|<script[^>]*>[^<]|<[a-z][^>]*\son[a-z]+\s*=|<[a-z][^>]*\sstyle\s*=`)

func TestHostileText(t *testing.T) {
	e := newEnv(t, false, nil)
	e.login(e.c)
	forbidden := []string{"<script>window", "<img", "\u202E", `href="javascript`}
	for _, path := range []string{"/", "/proposals", "/proposal/6", "/proposal/7", "/proposal/8", "/history"} {
		r := e.get(path)
		if r.status != http.StatusOK {
			t.Fatalf("GET %s: %d", path, r.status)
		}
		for _, f := range forbidden {
			if strings.Contains(r.body, f) {
				i := strings.Index(r.body, f)
				t.Errorf("GET %s: %q in the page: …%s…", path, f, r.body[max(0, i-80):min(len(r.body), i+80)])
			}
		}
		if m := inlineCode.FindString(r.body); m != "" {
			t.Errorf("GET %s: inline code in the page: %.200q", path, m)
		}
	}
	p6 := e.get("/proposal/6").body
	for _, want := range []string{"&lt;script&gt;window.__xss=1;alert(1)&lt;/script&gt;", "&#34;&gt;&lt;img src=x onerror=", "<code>javascript:window.__xss=4</code>"} {
		if !strings.Contains(p6, want) {
			t.Errorf("/proposal/6: want the text shown escaped: %q", want)
		}
	}
	p7 := e.get("/proposal/7")
	if n := len(p7.body); n > 120000 {
		t.Errorf("/proposal/7 with a 100 KB summary is %d bytes: the summary is not bounded", n)
	}
	if !strings.Contains(p7.body, "the rest is not shown") {
		t.Error("/proposal/7: a cut summary must say so")
	}
	if !strings.Contains(e.get("/proposal/8").body, "<bdi>Increase rewards gnp.exe") {
		t.Error("/proposal/8: the RTL override must be dropped and the title isolated in <bdi>")
	}
	list := e.get("/proposals").body
	if strings.Contains(list, strings.Repeat("W", 250)) {
		t.Error("/proposals: a 500-character title is not shortened in the list")
	}
}

func TestDecide(t *testing.T) {
	e := newEnv(t, false, nil)
	csrf := e.login(e.c)
	other := e.newClient()
	otherCSRF := e.login(other)
	anon := e.newClient()

	tests := []struct {
		name   string
		c      *http.Client
		path   string
		form   url.Values
		status int
		want   []decideCall // calls after this step, all told
		body   string
	}{
		{"no session", anon, "/proposal/4/decide", url.Values{"csrf": {csrf}, "neuron": {"42"}, "vote": {"yes"}}, 401, nil, "Log in to decide"},
		{"no csrf", e.c, "/proposal/4/decide", url.Values{"neuron": {"42"}, "vote": {"yes"}}, 403, nil, "security token"},
		{"another session's csrf", e.c, "/proposal/4/decide", url.Values{"csrf": {otherCSRF}, "neuron": {"42"}, "vote": {"yes"}}, 403, nil, ""},
		{"no vote", e.c, "/proposal/4/decide", url.Values{"csrf": {csrf}, "neuron": {"42"}}, 400, nil, ""},
		{"yes for main", e.c, "/proposal/4/decide", url.Values{"csrf": {csrf}, "neuron": {"42"}, "vote": {"yes"}}, 303,
			[]decideCall{{"decide", "", 4, 42, nns.VoteYes}}, ""},
		{"no for all", e.c, "/proposal/6/decide", url.Values{"csrf": {csrf}, "neuron": {"all"}, "vote": {"no"}}, 303,
			[]decideCall{{"decide", "", 4, 42, nns.VoteYes}, {"decide", "", 6, 0, nns.VoteNo}}, ""},
		{"closed proposal", e.c, "/proposal/9/decide", url.Values{"csrf": {csrf}, "neuron": {"42"}, "vote": {"yes"}}, 409,
			[]decideCall{{"decide", "", 4, 42, nns.VoteYes}, {"decide", "", 6, 0, nns.VoteNo}}, "Not recorded: proposal 9: proposal is not open."},
		{"unknown neuron", e.c, "/proposal/4/decide", url.Values{"csrf": {csrf}, "neuron": {"5"}, "vote": {"yes"}}, 409,
			[]decideCall{{"decide", "", 4, 42, nns.VoteYes}, {"decide", "", 6, 0, nns.VoteNo}}, "Not recorded: neuron 5: neuron is not configured."},
		{"clear", e.c, "/proposal/4/clear", url.Values{"csrf": {csrf}, "neuron": {"42"}}, 303,
			[]decideCall{{"decide", "", 4, 42, nns.VoteYes}, {"decide", "", 6, 0, nns.VoteNo}, {"clear", "", 4, 42, 0}}, ""},
		{"clear without csrf", e.c, "/proposal/4/clear", url.Values{"neuron": {"42"}}, 403,
			[]decideCall{{"decide", "", 4, 42, nns.VoteYes}, {"decide", "", 6, 0, nns.VoteNo}, {"clear", "", 4, 42, 0}}, ""},
	}
	for _, tt := range tests {
		r := e.do(tt.c, "POST", tt.path, tt.form)
		if r.status != tt.status {
			t.Errorf("%s: %d, want %d\n%.600s", tt.name, r.status, tt.status, r.body)
		}
		if got := e.src.recorded(); len(got) != len(tt.want) || (len(got) > 0 && got[len(got)-1] != tt.want[len(tt.want)-1]) {
			t.Errorf("%s: Source calls %v, want %v", tt.name, got, tt.want)
		}
		if tt.body != "" && !strings.Contains(r.body, tt.body) {
			t.Errorf("%s: page lacks %q", tt.name, tt.body)
		}
	}
	page := e.get("/proposal/6?done=recorded")
	for _, want := range []string{"Decision recorded.", "your decision: No"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("after deciding, the proposal page lacks %q", want)
		}
	}
	if strings.Contains(e.get("/proposal/6?done=<b>x</b>").body, "<b>x") {
		t.Error("the notice must come from a fixed list, not the URL")
	}
	e.do(e.c, "POST", "/logout", url.Values{"csrf": {csrf}})
	if r := e.do(e.c, "POST", "/proposal/4/decide", url.Values{"csrf": {csrf}, "neuron": {"42"}, "vote": {"yes"}}); r.status != 401 {
		t.Errorf("after logout: %d, want 401", r.status)
	}
}

func TestSessionExpires(t *testing.T) {
	e := newEnv(t, false, func(o *Options) { o.SessionTTL = time.Hour })
	csrf := e.login(e.c)
	e.clock.Add(time.Hour)
	if r := e.do(e.c, "POST", "/proposal/4/decide", url.Values{"csrf": {csrf}, "neuron": {"42"}, "vote": {"yes"}}); r.status != 401 {
		t.Errorf("decide after the session expired: %d, want 401", r.status)
	}
}

func TestHostCheck(t *testing.T) {
	e := newEnv(t, false, func(o *Options) { o.AllowedHosts = []string{"votebot.example.org"} })
	tests := []struct {
		host   string
		status int
	}{
		{"127.0.0.1:9465", 200},
		{"localhost:9465", 200},
		{"[::1]:9465", 200},
		{"10.1.2.3", 200},
		{"votebot.example.org", 200},
		{"VOTEBOT.example.org.", 200},
		{"attacker.example:9465", http.StatusMisdirectedRequest},
		{"localhost.attacker.example", http.StatusMisdirectedRequest},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest("GET", e.srv.URL+"/", nil)
		req.Host = tt.host
		res, err := e.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != tt.status {
			t.Errorf("Host %s: %d, want %d", tt.host, res.StatusCode, tt.status)
		}
	}
}

func TestLargeFormRefused(t *testing.T) {
	e := newEnv(t, false, nil)
	csrf := e.login(e.c)
	r := e.do(e.c, "POST", "/proposal/4/decide", url.Values{"csrf": {csrf}, "neuron": {"42"}, "vote": {"yes"},
		"pad": {strings.Repeat("x", 64<<10)}})
	if r.status == http.StatusSeeOther || len(e.src.recorded()) != 0 {
		t.Errorf("a 64 KiB form was accepted: %d, calls %v", r.status, e.src.recorded())
	}
}
