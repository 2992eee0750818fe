package devnet

import (
	"github.com/votebot/votebot/internal/sleep"

	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/votebot/votebot/internal/duration"
)

// Pace makes the devnet answer at mainnet's pace instead of at once. The
// zero Pace is off. Every duration is real (wall-clock) time of the HTTP
// interface, whatever the governance clock does: a compressed scenario
// still waits 2 s for a certified reply, as a client on mainnet would.
type Pace struct {
	// Update is how long an update call takes to be certified: a
	// synchronous call (/api/v3|v4 .../call) answers only after it, and
	// after an asynchronous one (/api/v2) read_state does not show the
	// reply before it. Calls wait concurrently (consensus pipelines them);
	// execution itself stays one message at a time.
	Update Latency
	// Query delays every query answer.
	Query Latency
	// Exec is how long executing one update message takes while holding
	// the subnet: messages execute one at a time (governance is a single
	// canister on one subnet), so Exec bounds update throughput to 1/Exec.
	Exec time.Duration
	// Rate caps update calls per second per client, as a boundary node
	// does: over it the call is refused with 429 Too Many Requests and a
	// Retry-After header. 0 means no limit.
	Rate float64
	// Burst is how many calls a client may make at once before Rate
	// applies (a token bucket of Burst tokens refilled at Rate/s).
	// 0 means one second's worth (ceil(Rate)).
	Burst int
	// RateKey says who a client is: RateKeyIP (the default) or
	// RateKeySender.
	RateKey string

	// Sleep waits d or until ctx ends (tests replace it). nil: a timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now is the wall clock of the rate limiter. nil: time.Now.
	Now func() time.Time
	// Jitter returns a value uniform in [-1, 1]. nil: math/rand.
	Jitter func() float64
}

// Rate-limit keys.
const (
	// RateKeyIP limits per remote IP address (port ignored), as mainnet's
	// boundary nodes do: they cannot trust a sender principal they have not
	// verified, and one host signing as many identities shares one limit.
	RateKeyIP = "ip"
	// RateKeySender limits per sender principal of the envelope, to
	// test several clients from one host.
	RateKeySender = "sender"
)

// Latency is a base delay with uniform jitter: Base±Jitter, never negative.
type Latency struct {
	Base, Jitter time.Duration
}

// ParseLatency parses "2s", "2s±500ms" or "2s+-500ms" ("" or "0" is none).
func ParseLatency(s string) (Latency, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "0" {
		return Latency{}, nil
	}
	base, jit, found := strings.Cut(s, "±")
	if !found {
		base, jit, found = strings.Cut(s, "+-")
	}
	var l Latency
	var err error
	if l.Base, err = duration.Parse(strings.TrimSpace(base)); err != nil {
		return Latency{}, fmt.Errorf("latency %q: %w", s, err)
	}
	if found {
		if l.Jitter, err = duration.Parse(strings.TrimSpace(jit)); err != nil {
			return Latency{}, fmt.Errorf("latency %q: jitter: %w", s, err)
		}
	}
	if l.Base < 0 || l.Jitter < 0 {
		return Latency{}, fmt.Errorf("latency %q: must not be negative", s)
	}
	return l, nil
}

// Set parses s into l, so that a *Latency is a flag.Value (and a
// pflag.Value): f.Var(&opts.Pace.Update, "update-latency", "...").
func (l *Latency) Set(s string) error {
	v, err := ParseLatency(s)
	if err != nil {
		return err
	}
	*l = v
	return nil
}

// Type names the flag's value type for pflag's help text.
func (*Latency) Type() string { return "latency" }

func (l Latency) String() string {
	if l.Jitter == 0 {
		return l.Base.String()
	}
	return l.Base.String() + "±" + l.Jitter.String()
}

// On reports whether p slows anything down.
func (p Pace) On() bool {
	return p.Update != (Latency{}) || p.Query != (Latency{}) || p.Exec > 0 || p.Rate > 0
}

// Validate checks the options.
func (p Pace) Validate() error {
	switch {
	case p.Update.Base < 0 || p.Update.Jitter < 0 || p.Query.Base < 0 || p.Query.Jitter < 0:
		return fmt.Errorf("pace: latencies must not be negative")
	case p.Exec < 0:
		return fmt.Errorf("pace: exec time must not be negative")
	case p.Rate < 0 || math.IsNaN(p.Rate) || math.IsInf(p.Rate, 0):
		return fmt.Errorf("pace: rate must be a non-negative number of calls per second")
	case p.Burst < 0:
		return fmt.Errorf("pace: burst must not be negative")
	case p.RateKey != "" && p.RateKey != RateKeyIP && p.RateKey != RateKeySender:
		return fmt.Errorf("pace: rate key %q: want %q or %q", p.RateKey, RateKeyIP, RateKeySender)
	}
	return nil
}

// pacer applies a Pace.
type pacer struct {
	p      Pace
	mu     sync.Mutex
	bucket map[string]*tokens
}

type tokens struct {
	n    float64
	last time.Time
}

func newPacer(p Pace) (*pacer, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if p.Sleep == nil {
		p.Sleep = sleep.For
	}
	if p.Now == nil {
		p.Now = time.Now
	}
	if p.Jitter == nil {
		p.Jitter = func() float64 { return rand.Float64()*2 - 1 }
	}
	if p.Burst == 0 && p.Rate > 0 {
		p.Burst = int(math.Ceil(p.Rate))
	}
	if p.RateKey == "" {
		p.RateKey = RateKeyIP
	}
	return &pacer{p: p, bucket: map[string]*tokens{}}, nil
}

// delay draws one latency.
func (pc *pacer) delay(l Latency) time.Duration {
	d := l.Base
	if l.Jitter > 0 {
		d += time.Duration(pc.p.Jitter() * float64(l.Jitter))
	}
	return max(d, 0)
}

// admit takes a token for the client; when there is none it returns how
// long until one is available.
func (pc *pacer) admit(client string) (bool, time.Duration) {
	if pc.p.Rate <= 0 {
		return true, 0
	}
	now := pc.p.Now()
	pc.mu.Lock()
	defer pc.mu.Unlock()
	b, ok := pc.bucket[client]
	if !ok {
		b = &tokens{n: float64(pc.p.Burst), last: now}
		pc.bucket[client] = b
	}
	if el := now.Sub(b.last); el > 0 {
		b.n = min(float64(pc.p.Burst), b.n+el.Seconds()*pc.p.Rate)
		b.last = now
	}
	if b.n >= 1 {
		b.n--
		return true, 0
	}
	return false, time.Duration((1 - b.n) / pc.p.Rate * float64(time.Second))
}

// clientKey is who a call counts against.
func (pc *pacer) clientKey(r *http.Request, env *envelope) string {
	if pc.p.RateKey == RateKeySender {
		return "sender:" + env.Content.Sender.String()
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return "ip:" + host
}

// limitCall answers 429 and returns false when the client is over its rate.
// Retry-After is in whole seconds (RFC 9110), rounded up, at least 1.
func (pc *pacer) limitCall(w http.ResponseWriter, r *http.Request, env *envelope) bool {
	ok, wait := pc.admit(pc.clientKey(r, env))
	if ok {
		return true
	}
	secs := max(1, int(math.Ceil(wait.Seconds())))
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	writeHTTPError(w, &httpError{http.StatusTooManyRequests, "Too many requests: rate limit exceeded, retry later."})
	return false
}

// wait sleeps one draw of l (nothing when l is zero).
func (pc *pacer) wait(ctx context.Context, l Latency) error {
	if l == (Latency{}) {
		return nil
	}
	return pc.p.Sleep(ctx, pc.delay(l))
}

// execute holds the subnet for one message's execution time.
func (pc *pacer) execute(ctx context.Context) {
	if pc.p.Exec > 0 {
		_ = pc.p.Sleep(ctx, pc.p.Exec)
	}
}
