package console

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

const (
	sessionCookie = "votebot-session"
	// loginCSRFCookie carries the login form's CSRF token (double submit): before a login
	// there is no session to keep it in.
	loginCSRFCookie = "votebot-login-csrf"
	maxSessions     = 1000
)

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand panics rather than returning short)
	return base64.RawURLEncoding.EncodeToString(b)
}

// equal compares secrets in constant time, whatever their lengths.
func equal(a, b string) bool {
	ha, hb := sha256.Sum256([]byte(a)), sha256.Sum256([]byte(b))
	return subtle.ConstantTimeCompare(ha[:], hb[:]) == 1
}

type session struct {
	csrf    string
	expires time.Time
}

// sessions are kept in memory: a restart logs everyone out, which is the safe direction. They
// live with the token they were made with: a new token ends them all.
type sessions struct {
	now   func() time.Time
	ttl   time.Duration
	mu    sync.Mutex
	token string // the login token; "" read-only
	m     map[string]session
}

func newSessions(now func() time.Time, ttl time.Duration, token string) *sessions {
	return &sessions{now: now, ttl: ttl, token: token, m: map[string]session{}}
}

// readOnly reports whether no token is configured.
func (s *sessions) readOnly() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.token == ""
}

// setToken replaces the login token; when it changed, every session made with the old one
// ends (a reload that revokes a leaked token must log its holder out).
func (s *sessions) setToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if token != s.token {
		s.token = token
		clear(s.m)
	}
}

// login makes a session when given is the token. The check and the new session are one step
// under the lock, so a login racing setToken cannot outlive the token it matched.
func (s *sessions) login(given string) (id string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.token == "" || !equal(given, s.token) {
		return "", false
	}
	now := s.now()
	if len(s.m) >= maxSessions {
		for k, v := range s.m {
			if !now.Before(v.expires) {
				delete(s.m, k)
			}
		}
		if len(s.m) >= maxSessions {
			clear(s.m) // too many live logins: start afresh rather than grow
		}
	}
	id = randomToken()
	s.m[id] = session{csrf: randomToken(), expires: now.Add(s.ttl)}
	return id, true
}

func (s *sessions) get(id string) (session, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.m[id]
	if ok && !s.now().Before(sess.expires) {
		delete(s.m, id)
		return session{}, false
	}
	return sess, ok
}

func (s *sessions) drop(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, id)
}

// limiter slows down wrong tokens, per remote address, and never refuses the right one: the
// token is 64 hex characters (or at least minTokenLen), far beyond guessing, while everyone
// behind an SSH tunnel or a reverse proxy shares one address, 127.0.0.1. The first free wrong
// tokens are answered at once; each further one waits twice as long as the one before, up to
// maxDelay, and the waits of one address queue behind each other, so parallel guesses gain
// nothing. An address whose queue is longer than maxQueue gets 429 at once (no goroutine
// waits for minutes). A count is forgotten after forget without a wrong token.
type limiter struct {
	now      func() time.Time
	free     int
	base     time.Duration
	maxDelay time.Duration
	maxQueue time.Duration
	forget   time.Duration
	mu       sync.Mutex
	m        map[string]attempts
}

type attempts struct {
	last      time.Time // the latest wrong token
	failures  int
	busyUntil time.Time // when the latest queued wrong answer is sent
}

func newLimiter(now func() time.Time, free int, forget time.Duration) *limiter {
	return &limiter{now: now, free: free, base: time.Second, maxDelay: 30 * time.Second,
		maxQueue: 2 * time.Minute, forget: forget, m: map[string]attempts{}}
}

// fail counts a wrong token from addr and returns how long to wait before answering it, or
// ok false (and how long until the queue has room) when too many answers wait already.
func (l *limiter) fail(addr string) (wait time.Duration, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if len(l.m) > 10000 {
		for k, v := range l.m {
			if now.Sub(v.last) >= l.forget && !v.busyUntil.After(now) {
				delete(l.m, k)
			}
		}
	}
	a := l.m[addr]
	if now.Sub(a.last) >= l.forget && !a.busyUntil.After(now) {
		a = attempts{}
	}
	a.last = now
	a.failures++
	start := now
	if a.busyUntil.After(now) {
		start = a.busyUntil
	}
	if start.Sub(now) >= l.maxQueue {
		l.m[addr] = a
		return start.Sub(now), false
	}
	a.busyUntil = start.Add(l.delay(a.failures))
	l.m[addr] = a
	return a.busyUntil.Sub(now), true
}

// delay is the wait before answering the n-th wrong token in a row: none for the first free,
// then base, 2×base, 4×base… up to maxDelay.
func (l *limiter) delay(n int) time.Duration {
	if n <= l.free {
		return 0
	}
	d := l.base
	for i := l.free + 1; i < n && d < l.maxDelay; i++ {
		d *= 2
	}
	return min(d, l.maxDelay)
}

func (l *limiter) succeed(addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.m, addr)
}

// remoteHost is the address a login is counted against. Behind a reverse proxy every request
// comes from the proxy, so the limit applies to all logins together: stricter, never looser.
func remoteHost(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (s *server) secure(r *http.Request) bool { return r.TLS != nil || s.opts.BehindTLSProxy }

func (s *server) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteStrictMode})
}

// currentSession returns the request's live session, if any.
func (s *server) currentSession(r *http.Request) (string, session, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return "", session{}, false
	}
	sess, ok := s.sessions.get(c.Value)
	return c.Value, sess, ok
}

// requireSession lets a POST through only with a live session and that session's CSRF token.
func (s *server) requireSession(next func(http.ResponseWriter, *http.Request, string)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, sess, ok := s.currentSession(r)
		if !ok {
			s.renderError(w, r, http.StatusUnauthorized, "Log in to decide: your session is missing or has expired.")
			return
		}
		if !equal(r.PostFormValue("csrf"), sess.csrf) {
			s.renderError(w, r, http.StatusForbidden, "The form's security token does not match your session; reload the page and try again.")
			return
		}
		next(w, r, id)
	}
}

func (s *server) loginPage(w http.ResponseWriter, r *http.Request) {
	if _, _, ok := s.currentSession(r); ok {
		http.Redirect(w, r, "/proposals", http.StatusSeeOther)
		return
	}
	s.renderLogin(w, r, http.StatusOK, "")
}

func (s *server) renderLogin(w http.ResponseWriter, r *http.Request, status int, msg string) {
	csrf := randomToken()
	s.setCookie(w, r, loginCSRFCookie, csrf, 3600)
	s.render(w, r, status, "login", page{Title: "Log in", Error: msg, CSRF: csrf,
		Data: !s.sessions.readOnly()})
}

func (s *server) login(w http.ResponseWriter, r *http.Request) {
	c, err := r.Cookie(loginCSRFCookie)
	if err != nil || c.Value == "" || !equal(r.PostFormValue("csrf"), c.Value) {
		s.renderLogin(w, r, http.StatusForbidden, "The form's security token is missing or stale; try again.")
		return
	}
	if s.sessions.readOnly() {
		s.renderLogin(w, r, http.StatusForbidden, "No console token is configured: this console is read-only.")
		return
	}
	addr := remoteHost(r)
	id, ok := s.sessions.login(r.PostFormValue("token"))
	if !ok {
		s.wrongToken(w, r, addr)
		return
	}
	s.limiter.succeed(addr)
	s.setCookie(w, r, loginCSRFCookie, "", -1)
	s.setCookie(w, r, sessionCookie, id, int(s.opts.SessionTTL.Seconds()))
	http.Redirect(w, r, "/proposals", http.StatusSeeOther)
}

// wrongToken answers a wrong token after the limiter's delay, or at once with 429 when the
// address has too many answers waiting.
func (s *server) wrongToken(w http.ResponseWriter, r *http.Request, addr string) {
	wait, ok := s.limiter.fail(addr)
	if !ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		s.renderLogin(w, r, http.StatusTooManyRequests, "Too many wrong tokens from your address; wrong ones are answered slowly for a while (the right token is always accepted).")
		return
	}
	if err := s.opts.Sleep(r.Context(), wait); err != nil {
		return // the client went away
	}
	s.renderLogin(w, r, http.StatusUnauthorized, "Wrong token.")
}

func (s *server) logout(w http.ResponseWriter, r *http.Request, id string) {
	s.sessions.drop(id)
	s.setCookie(w, r, sessionCookie, "", -1)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}
