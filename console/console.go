// Package console is votebot's operator console: a small web UI, server-rendered with
// html/template and embedded in the binary, that shows every neuron, the open proposals with
// what the bot will do for each, a proposal's decisions (with Yes / No buttons for the manual
// ones) and the history of votes and misses.
//
// Reading is open to whoever reaches the listener (the daemon binds localhost by default);
// deciding needs a login with the console token. Proposal text is written by strangers: it is
// only ever rendered as escaped text, and the Content-Security-Policy allows no inline script.
package console

import (
	"context"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/votebot/votebot/internal/sleep"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Options configures the console.
type Options struct {
	// Source is the daemon's state. Required.
	Source Source
	// Token is the login token (config.LoadConsoleToken); Handler.SetToken replaces it.
	// Empty: the console is read-only and says so.
	Token string
	// BehindTLSProxy marks the session cookie Secure even on plain HTTP: set it when a reverse
	// proxy terminates TLS in front of the console. A request that arrives over TLS always gets
	// a Secure cookie.
	BehindTLSProxy bool
	// Now is the clock (countdowns, sessions, the login rate limit); default time.Now.
	Now func() time.Time
	// SessionTTL is how long a login lasts; default 12h.
	SessionTTL time.Duration
	// LoginAttempts wrong tokens per remote address are answered at once (default 5); each
	// further one waits longer (1s, 2s, 4s… up to 30s). The right token is never refused or
	// delayed. The count is forgotten after LoginWindow without a wrong token (default 15m).
	LoginAttempts int
	LoginWindow   time.Duration
	// Sleep waits before a wrong token's answer; default sleep.For. Tests pass their clock's.
	Sleep func(ctx context.Context, d time.Duration) error
	// AllowedHosts are the host names (without port) a request may name in its Host header
	// besides localhost and IP addresses, e.g. the name a reverse proxy serves the console
	// under. Any other name is refused: a page on another site that rebinds its name to
	// 127.0.0.1 (DNS rebinding) cannot read the console through the operator's browser.
	AllowedHosts []string
	// Logf reports what only the operator's logs should see (a template failure); default
	// log.Printf. Nothing secret is passed to it.
	Logf func(format string, args ...any)
}

// server holds the console's state: templates, sessions, the login limiter.
type server struct {
	opts     Options
	pages    map[string]*template.Template
	sessions *sessions
	limiter  *limiter
}

// Handler is the console's http.Handler, whose login token a reload replaces.
type Handler struct {
	http.Handler
	s *server
}

// SetToken replaces the login token (a reload): the old token stops working at once and every
// session made with it ends. Empty makes the console read-only.
func (h *Handler) SetToken(token string) { h.s.sessions.setToken(token) }

// New returns the console's handler. Mount it at the root of its own listener.
func New(opts Options) (*Handler, error) {
	if opts.Source == nil {
		return nil, errors.New("console: no source")
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logf == nil {
		opts.Logf = log.Printf
	}
	if opts.SessionTTL <= 0 {
		opts.SessionTTL = 12 * time.Hour
	}
	if opts.LoginAttempts <= 0 {
		opts.LoginAttempts = 5
	}
	if opts.Sleep == nil {
		opts.Sleep = sleep.For
	}
	if opts.LoginWindow <= 0 {
		opts.LoginWindow = 15 * time.Minute
	}
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	s := &server{opts: opts, pages: pages, sessions: newSessions(opts.Now, opts.SessionTTL, opts.Token),
		limiter: newLimiter(opts.Now, opts.LoginAttempts, opts.LoginWindow)}
	s.opts.Token = "" // it lives in sessions, where SetToken replaces it
	static, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	mux.HandleFunc("GET /{$}", s.overview)
	mux.HandleFunc("GET /proposals", s.proposals)
	mux.HandleFunc("GET /proposal/{id}", s.proposal)
	mux.HandleFunc("POST /proposal/{id}/decide", s.requireSession(s.decide))
	mux.HandleFunc("POST /proposal/{id}/clear", s.requireSession(s.clear))
	mux.HandleFunc("GET /sns/{root}/proposal/{id}", s.proposal)
	mux.HandleFunc("POST /sns/{root}/proposal/{id}/decide", s.requireSession(s.decide))
	mux.HandleFunc("POST /sns/{root}/proposal/{id}/clear", s.requireSession(s.clear))
	mux.HandleFunc("GET /history", s.history)
	mux.HandleFunc("GET /login", s.loginPage)
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("POST /logout", s.requireSession(s.logout))
	return &Handler{Handler: securityHeaders(s.checkHost(limitBody(mux))), s: s}, nil
}

// maxFormBytes bounds a POST body: the console's forms are a few short fields.
const maxFormBytes = 16 << 10

func limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		next.ServeHTTP(w, r)
	})
}

// checkHost refuses a Host header that names neither localhost, an IP address nor an allowed
// host name.
func (s *server) checkHost(next http.Handler) http.Handler {
	allowed := map[string]bool{"localhost": true}
	for _, h := range s.opts.AllowedHosts {
		allowed[strings.ToLower(strings.TrimSuffix(h, "."))] = true
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		host = strings.ToLower(strings.TrimSuffix(strings.Trim(host, "[]"), "."))
		if net.ParseIP(host) == nil && !allowed[host] {
			http.Error(w, "votebot console: this host name is not allowed; add it to console.allowed_hosts", http.StatusMisdirectedRequest)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// contentSecurityPolicy allows the console's own stylesheet and script file and nothing else:
// no inline script, no inline style, no framing, forms only to itself.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}
