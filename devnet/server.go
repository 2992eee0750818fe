// Package devnet is a local Internet Computer endpoint: it hosts simulated
// canisters in-process and speaks the IC HTTP interface (status, query,
// call v2/v3/v4, read_state, certificates signed with a BLS12-381 root key)
// so that unmodified IC agents work against it.
package devnet

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/aviate-labs/agent-go/principal"
	"github.com/rs/zerolog"
)

const (
	// maxIngressBytes is the replica's ingress message size limit.
	maxIngressBytes = 2 << 20
	// maxReadBytes bounds what is read at all before answering 413.
	maxReadBytes = 5 << 20
)

// Config configures a devnet Server.
type Config struct {
	// KeyFile holds the root key; created (0600) when missing so that
	// clients can pin the key across restarts. "" means an ephemeral key.
	KeyFile string
	// Logger receives one line per request.
	Logger zerolog.Logger
	// Now drives request-status retention (statuses are kept 10 minutes of
	// Now time). nil means time.Now. HTTP-visible time (certificate time,
	// query signature timestamps, expiry checks) always stays on the wall
	// clock, because clients reject anything else.
	Now func() time.Time
	// ClockOffset shifts the replica's clock from the wall clock (e.g.
	// -10m): certificate time, query signature timestamps, ingress
	// expiry checks and the HTTP Date header follow wall clock + offset, as when the client's clock
	// is off by -offset. Zero means the wall clock.
	ClockOffset time.Duration
	// ReplyLimits bound canister replies (zero: the replica's limits).
	ReplyLimits ReplyLimits
	// Pace slows answers to mainnet's pace (latency, rate limit); the
	// zero Pace answers at once.
	Pace Pace
}

// Server is a devnet: a set of canisters behind the IC HTTP interface.
type Server struct {
	log      zerolog.Logger
	now      func() time.Time
	keys     *keys
	requests *requestLog
	mux      *http.ServeMux
	pace     *pacer
	// certifier batches certification: one signature per round.
	certifier certifier

	mu        sync.RWMutex // guards canisters and stopped
	canisters map[string]Canister
	// stopped are the canisters SetStopped stopped: every call rejects.
	stopped map[string]bool

	// updateMu serialises update calls, as one subnet executes messages in
	// order; it also makes the request-id deduplication atomic.
	updateMu sync.Mutex
	height   uint64 // certified height, bumped per executed update

	// clockOffset and replyLimits are fixed at New (see Config).
	clockOffset time.Duration
	replyLimits ReplyLimits
}

// New creates a devnet server, loading or creating its root key.
func New(cfg Config) (*Server, error) {
	k, err := loadOrCreateKeys(cfg.KeyFile)
	if err != nil {
		return nil, err
	}
	pace, err := newPacer(cfg.Pace)
	if err != nil {
		return nil, err
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	s := &Server{
		log:       cfg.Logger,
		now:       now,
		keys:      k,
		requests:  newRequestLog(),
		mux:       http.NewServeMux(),
		pace:      pace,
		canisters: map[string]Canister{},
	}
	s.clockOffset, s.replyLimits = cfg.ClockOffset, cfg.ReplyLimits.withDefaults()
	s.mux.HandleFunc("/api/", s.serveAPI)
	return s, nil
}

// Install hosts c. Its id must lie in the NNS subnet's canister range and
// must not be taken.
func (s *Server) Install(c Canister) error {
	id := c.ID()
	if !inRange(id) {
		return fmt.Errorf("install canister %s: outside the devnet's canister range", id)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.canisters[string(id.Raw)]; ok {
		return fmt.Errorf("install canister %s: already installed", id)
	}
	s.canisters[string(id.Raw)] = c
	return nil
}

// SetStopped stops or restarts the canister id: while stopped, every call
// to it is rejected as the replica rejects a stopped canister's (as while
// an SNS is upgraded). Tests use it for a canister that does not answer.
func (s *Server) SetStopped(id principal.Principal, stopped bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped == nil {
		s.stopped = map[string]bool{}
	}
	s.stopped[string(id.Raw)] = stopped
}

func (s *Server) canister(id principal.Principal) (c Canister, ok, stopped bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	c, ok = s.canisters[string(id.Raw)]
	return c, ok, s.stopped[string(id.Raw)]
}

// Handle registers an extra handler (e.g. an admin API under "/_/devnet/")
// on the server's mux. Patterns under /api/ are reserved.
func (s *Server) Handle(pattern string, h http.Handler) {
	s.mux.Handle(pattern, h)
}

// RootKey is the DER-encoded (133-byte) BLS12-381 root public key.
func (s *Server) RootKey() []byte { return append([]byte(nil), s.keys.rootDER...) }

// Handler is the HTTP handler: the IC interface, CORS, logging and panic
// recovery around the registered handlers.
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		h := rec.Header()
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
		h.Set("Access-Control-Allow-Headers", "Authorization, Accept, Content-Type")
		// The Date header is the replica's clock, as on the IC: a client
		// whose clock is off can tell by how much from any reply (net/http
		// would write the wall clock).
		h.Set("Date", s.icNow().UTC().Format(http.TimeFormat))
		defer func() {
			if p := recover(); p != nil {
				s.log.Error().Interface("panic", p).Str("path", r.URL.Path).Msg("handler panic")
				if !rec.wrote {
					writeHTTPError(rec, &httpError{http.StatusInternalServerError, "Unexpected error: internal error"})
				}
			}
			// At debug: a polling bot makes ~140 requests a minute, which drowned the
			// scenario's events at info (1,117 lines in 8 minutes).
			s.log.Debug().Str("method", r.Method).Str("path", r.URL.Path).Int("status", rec.status).
				Str("took", time.Since(start).Round(time.Microsecond).String()).Msg("request")
		}()
		if r.Method == http.MethodOptions {
			rec.WriteHeader(http.StatusNoContent)
			return
		}
		s.mux.ServeHTTP(rec, r)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (r *statusRecorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.ResponseWriter.Write(b)
}

// Serve serves on l until ctx is done, then shuts down cleanly.
func (s *Server) Serve(ctx context.Context, l net.Listener) error {
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       time.Minute,
		WriteTimeout:      time.Minute,
		IdleTimeout:       2 * time.Minute,
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	select {
	case err := <-errc:
		return fmt.Errorf("devnet serve: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		_ = srv.Close()
		<-errc
		return fmt.Errorf("devnet shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("devnet serve: %w", err)
	}
	return nil
}

// ReadyLine is the line `votebot devnet` prints once it accepts
// connections: `devnet ready url=<url> root_key=<266 hex digits>`.
func ReadyLine(url string, rootKey []byte) string {
	return fmt.Sprintf("devnet ready url=%s root_key=%x", url, rootKey)
}

// serveAPI routes /api/<version>/... requests.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/api/"), "/")
	if len(parts) == 2 && parts[0] == "v2" && parts[1] == "status" {
		if r.Method != http.MethodGet {
			writeHTTPError(w, &httpError{http.StatusMethodNotAllowed, "Method not allowed."})
			return
		}
		s.serveStatus(w)
		return
	}
	if len(parts) != 4 || (parts[1] != "canister" && parts[1] != "subnet") || !versionServed(parts[1], parts[0], parts[3]) {
		writeHTTPError(w, &httpError{http.StatusNotFound, "Not found."})
		return
	}
	if r.Method != http.MethodPost {
		writeHTTPError(w, &httpError{http.StatusMethodNotAllowed, "Method not allowed."})
		return
	}
	id, err := principal.Decode(parts[2])
	if err != nil {
		writeHTTPError(w, badRequest("Invalid effective canister id: %s", parts[2]))
		return
	}
	body, herr := readBody(w, r)
	if herr != nil {
		writeHTTPError(w, herr)
		return
	}
	env, derr := decodeEnvelope(body)
	if len(body) > maxIngressBytes {
		writeHTTPError(w, tooLarge(env, len(body)))
		return
	}
	if derr != nil {
		writeHTTPError(w, badRequest("%s", derr))
		return
	}
	switch parts[3] {
	case "query":
		if s.pace.wait(r.Context(), s.pace.p.Query) == nil {
			s.serveQuery(w, r, id, env)
		}
	case "call":
		if s.pace.limitCall(w, r, env) {
			s.serveCall(w, r, parts[0], id, env)
		}
	case "read_state":
		s.serveReadState(w, parts[1] == "subnet", id, env)
	}
}

// versionServed lists the endpoint versions the replica serves.
func versionServed(kind, version, endpoint string) bool {
	switch {
	case kind == "subnet":
		return endpoint == "read_state" && (version == "v2" || version == "v3")
	case endpoint == "query", endpoint == "read_state":
		return version == "v2" || version == "v3"
	case endpoint == "call":
		return version == "v2" || version == "v3" || version == "v4"
	}
	return false
}

// tooLarge is the replica's 413 for an oversized message.
func tooLarge(env *envelope, size int) *httpError {
	msg := fmt.Sprintf("Request is too large. Message byte size %d is larger than the max allowed %d.", size, maxIngressBytes)
	if env != nil {
		msg = fmt.Sprintf("Request %x is too large. Message byte size %d is larger than the max allowed %d.", env.RequestID, size, maxIngressBytes)
	}
	return &httpError{http.StatusRequestEntityTooLarge, msg}
}

// readBody checks the content type and reads at most maxReadBytes.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, *httpError) {
	if ct := r.Header.Get("Content-Type"); !strings.EqualFold(ct, "application/cbor") {
		return nil, badRequest("Unexpected content-type, expected application/cbor.")
	}
	if r.ContentLength > maxReadBytes {
		return nil, tooLarge(nil, int(r.ContentLength))
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxReadBytes))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return nil, tooLarge(nil, len(body))
	case err != nil:
		return nil, badRequest("Failed to read request body: %v", err)
	}
	return body, nil
}
