package console

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

const otherToken = "a-new-token-after-the-leak-9876543210"

// TestSetToken: a reload replaces the token A with B. B logs in, A is
// refused, and the session made with A ends at once: its next decision is
// refused and nothing is decided.
func TestSetToken(t *testing.T) {
	e := newEnv(t, false, nil)
	csrf := e.login(e.c) // with testToken (A)
	e.h.SetToken(otherToken)

	r := e.do(e.c, "POST", "/proposal/4/decide", url.Values{"csrf": {csrf}, "neuron": {"42"}, "vote": {"yes"}})
	if r.status != http.StatusUnauthorized || !strings.Contains(r.body, "Log in to decide") {
		t.Errorf("decision in the session made with the old token: %d, want 401\n%.300s", r.status, r.body)
	}
	if got := e.src.recorded(); len(got) != 0 {
		t.Errorf("decided with the old token's session: %v", got)
	}
	login := func(token string) int {
		c := e.newClient()
		page := e.do(c, "GET", "/login", nil)
		return e.do(c, "POST", "/login", url.Values{"csrf": {csrfOf(t, page.body)}, "token": {token}}).status
	}
	if got := login(testToken); got != http.StatusUnauthorized {
		t.Errorf("login with the old token: %d, want 401", got)
	}
	if got := login(otherToken); got != http.StatusSeeOther {
		t.Errorf("login with the new token: %d, want 303", got)
	}
	e.h.SetToken("")
	if body := e.do(e.newClient(), "GET", "/login", nil).body; !strings.Contains(body, "This console is read-only") {
		t.Errorf("the login page once the token is removed does not say read-only:\n%.300s", body)
	}
}
