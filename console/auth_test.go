package console

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestLoginAndCookies(t *testing.T) {
	tests := []struct {
		name       string
		tls, proxy bool
		secure     bool
	}{
		{"plain http", false, false, false},
		{"tls", true, false, true},
		{"behind a TLS proxy", false, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, tt.tls, func(o *Options) { o.BehindTLSProxy = tt.proxy })
			page := e.get("/login")
			r := e.do(e.c, "POST", "/login", url.Values{"csrf": {csrfOf(t, page.body)}, "token": {testToken}})
			if r.status != http.StatusSeeOther {
				t.Fatalf("login: %d", r.status)
			}
			var cookie string
			for _, c := range r.header.Values("Set-Cookie") {
				if strings.HasPrefix(c, sessionCookie+"=") {
					cookie = c
				}
			}
			for _, want := range []string{"HttpOnly", "SameSite=Strict", "Path=/"} {
				if !strings.Contains(cookie, want) {
					t.Errorf("session cookie %q lacks %s", cookie, want)
				}
			}
			if got := strings.Contains(cookie, "Secure"); got != tt.secure {
				t.Errorf("session cookie %q: Secure = %v, want %v", cookie, got, tt.secure)
			}
			if body := e.get("/proposal/4").body; !strings.Contains(body, "/decide") || !strings.Contains(body, "Log out") {
				t.Error("logged in, the proposal page shows no decision forms")
			}
		})
	}
}

func TestLoginRefusals(t *testing.T) {
	e := newEnv(t, false, nil)
	csrf := csrfOf(t, e.get("/login").body)
	if r := e.do(e.c, "POST", "/login", url.Values{"token": {testToken}}); r.status != http.StatusForbidden {
		t.Errorf("login without the form's CSRF token: %d, want 403", r.status)
	}
	stranger := e.newClient() // has no login CSRF cookie: a cross-site form post
	if r := e.do(stranger, "POST", "/login", url.Values{"csrf": {csrf}, "token": {testToken}}); r.status != http.StatusForbidden {
		t.Errorf("login with a token but not the cookie: %d, want 403", r.status)
	}
	ro := newEnv(t, false, func(o *Options) { o.Token = "" })
	page := ro.get("/login")
	if !strings.Contains(page.body, "read-only") {
		t.Error("without a token the login page must say the console is read-only")
	}
}

// tryLogin posts token with a fresh login form and returns the answer.
func (e *env) tryLogin(c *http.Client, token string) resp {
	e.t.Helper()
	page := e.do(c, "GET", "/login", nil)
	return e.do(c, "POST", "/login", url.Values{"csrf": {csrfOf(e.t, page.body)}, "token": {token}})
}

// TestLoginSlowsWrongTokens: wrong tokens from one address (everyone behind an SSH tunnel is
// 127.0.0.1) are answered ever more slowly, and the right token is never refused or delayed.
func TestLoginSlowsWrongTokens(t *testing.T) {
	e := newEnv(t, false, nil)
	for i := 1; i <= 9; i++ {
		if r := e.tryLogin(e.c, "wrong"+testToken); r.status != http.StatusUnauthorized {
			t.Fatalf("wrong token %d: %d, want 401", i, r.status)
		}
	}
	want := "[0s 0s 0s 0s 0s 1s 2s 4s 8s]"
	if got := fmt.Sprint(e.clock.sleeps()); got != want {
		t.Errorf("waits before the answers to 9 wrong tokens: %s, want %s", got, want)
	}
	if r := e.tryLogin(e.c, testToken); r.status != http.StatusSeeOther {
		t.Fatalf("the right token after 9 wrong ones: %d, want 303 (logged in)\n%.300s", r.status, r.body)
	}
	if n := len(e.clock.sleeps()); n != 9 {
		t.Errorf("the right token waited: %v", e.clock.sleeps())
	}
	// The success resets the count: the next wrong token is answered at once.
	e.tryLogin(e.newClient(), "wrong"+testToken)
	if got := e.clock.sleeps(); got[len(got)-1] != 0 {
		t.Errorf("after a login the next wrong token waits %s, want 0", got[len(got)-1])
	}
}

// TestLoginQueue: guesses sent in parallel queue behind each other; once two minutes of
// answers wait, more get 429 at once, and still the right token logs in.
func TestLoginQueue(t *testing.T) {
	e := newEnv(t, false, nil)
	e.clock.frozen = true // every guess arrives before any answer is sent
	var waits []time.Duration
	refused := 0
	for i := 0; i < 20; i++ {
		r := e.tryLogin(e.c, "wrong"+testToken)
		switch r.status {
		case http.StatusUnauthorized:
		case http.StatusTooManyRequests:
			refused++
			if ra := r.header.Get("Retry-After"); ra == "" || ra == "0" {
				t.Errorf("429 without a Retry-After: %q", ra)
			}
		default:
			t.Fatalf("guess %d: %d", i, r.status)
		}
	}
	waits = e.clock.sleeps()
	// 5 at once, then 1+2+4+8+16+30+30+30+30 s queued = 151 s: the 15th and later are refused.
	if last := waits[len(waits)-1]; last < 2*time.Minute || last > 3*time.Minute {
		t.Errorf("the last queued answer waits %s, want between 2m and 3m (queued behind the others): %v", last, waits)
	}
	if refused == 0 {
		t.Errorf("20 parallel guesses: none refused, waits %v", waits)
	}
	if r := e.tryLogin(e.c, testToken); r.status != http.StatusSeeOther {
		t.Errorf("the right token while wrong ones queue: %d, want 303", r.status)
	}
}
