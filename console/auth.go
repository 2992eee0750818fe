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

// limiter counts failed logins per remote address in fixed windows.
type limiter struct {
	now    func() time.Time
	max    int
	window time.Duration
	mu     sync.Mutex
	m      map[string]attempts
}

type attempts struct {
	start    time.Time
	failures int
}

func newLimiter(now func() time.Time, max int, window time.Duration) *limiter {
	return &limiter{now: now, max: max, window: window, m: map[string]attempts{}}
}

// allow reports whether addr may try to log in now, and if not, how long it must wait.
func (l *limiter) allow(addr string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	a, now := l.m[addr], l.now()
	if now.Sub(a.start) >= l.window {
		return true, 0
	}
	if a.failures >= l.max {
		return false, a.start.Add(l.window).Sub(now)
	}
	return true, 0
}

func (l *limiter) fail(addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if len(l.m) > 10000 {
		for k, v := range l.m {
			if now.Sub(v.start) >= l.window {
				delete(l.m, k)
			}
		}
	}
	a := l.m[addr]
	if now.Sub(a.start) >= l.window {
		a = attempts{start: now}
	}
	a.failures++
	l.m[addr] = a
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
	addr := remoteHost(r)
	if ok, wait := s.limiter.allow(addr); !ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		s.renderLogin(w, r, http.StatusTooManyRequests, "Too many failed logins from your address; try again in "+shortDuration(wait)+".")
		return
	}
	c, err := r.Cookie(loginCSRFCookie)
	if err != nil || c.Value == "" || !equal(r.PostFormValue("csrf"), c.Value) {
		s.renderLogin(w, r, http.StatusForbidden, "The form's security token is missing or stale; try again.")
		return
	}
	if s.sessions.readOnly() {
		s.renderLogin(w, r, http.StatusForbidden, "No console token is configured: this console is read-only.")
		return
	}
	id, ok := s.sessions.login(r.PostFormValue("token"))
	if !ok {
		s.limiter.fail(addr)
		s.renderLogin(w, r, http.StatusUnauthorized, "Wrong token.")
		return
	}
	s.limiter.succeed(addr)
	s.setCookie(w, r, loginCSRFCookie, "", -1)
	s.setCookie(w, r, sessionCookie, id, int(s.opts.SessionTTL.Seconds()))
	http.Redirect(w, r, "/proposals", http.StatusSeeOther)
}

func (s *server) logout(w http.ResponseWriter, r *http.Request, id string) {
	s.sessions.drop(id)
	s.setCookie(w, r, sessionCookie, "", -1)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}
