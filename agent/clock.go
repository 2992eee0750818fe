package agent

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	agentgo "github.com/aviate-labs/agent-go"
	"github.com/aviate-labs/agent-go/certification"
	"github.com/aviate-labs/agent-go/certification/hashtree"
	"github.com/aviate-labs/agent-go/leb128"
	"github.com/aviate-labs/agent-go/principal"
	"github.com/fxamacker/cbor/v2"
)

// Clock-skew thresholds for the loop. Skew is IC time − local time.
const (
	// ClockSkewAlert: above it (either way) the operator should be told
	// (alert clock_skew); requests still work.
	ClockSkewAlert = 30 * time.Second
	// ClockSkewNotReady: above it (either way) the bot is not ready.
	// Requests are signed on the IC's time and deadlines measured on it at
	// any skew, but a clock this far off serves everything else on the
	// machine badly and a step back to the right time moves the IC's time
	// as the bot knows it until the next measurement.
	ClockSkewNotReady = 4 * time.Minute
)

// ClockReady reports whether the measured skew is small enough to call the
// bot ready: the /readyz condition.
func ClockReady(skew time.Duration) bool {
	return skew.Abs() < ClockSkewNotReady
}

// clockSource is where a skew measurement came from, least exact first.
type clockSource int

const (
	// fromRefusal: the window an expiry refusal states (the replica's
	// time when it refused).
	fromRefusal clockSource = iota + 1
	// fromDate: a response's HTTP Date header (1 s resolution).
	fromDate
	// fromCertificate: a verified certificate's time.
	fromCertificate
)

// A less exact measurement replaces a more exact one only when they differ
// by more than clockDisagreement (more than a Date header's resolution and
// the network latency: the local clock was stepped since) and the more
// exact one is older than clockFresh (a proxy's Date on the way does not
// flap the skew against the certificates every query brings).
const (
	clockDisagreement = 10 * time.Second
	clockFresh        = time.Minute
)

// icClock is the measured offset of the IC's time from the local clock.
// Requests are signed with ingress_expiry on the IC's time (see sign).
type icClock struct {
	mu     sync.Mutex
	skew   time.Duration
	at     time.Time
	source clockSource // 0: not measured
}

// observe records the IC's time ic, read at local time now, from source.
func (c *icClock) observe(source clockSource, ic, now time.Time) {
	skew := ic.Sub(now)
	c.mu.Lock()
	defer c.mu.Unlock()
	if source < c.source && ((skew-c.skew).Abs() <= clockDisagreement || now.Sub(c.at) < clockFresh) {
		return
	}
	c.skew, c.at, c.source = skew, now, source
}

// snapshot is get with the measurement's source.
func (c *icClock) snapshot() (time.Duration, time.Time, clockSource) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.skew, c.at, c.source
}

func (c *icClock) get() (time.Duration, time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.skew, c.at, c.source != 0
}

// ClockSkew is IC time − local time, from the newest verified certificate
// (every call reply and read_state carries the IC's time), else from a
// reply's Date header, else from an expiry refusal, and when it was
// measured; ok is false until the first measurement.
func (g *Governance) ClockSkew() (skew time.Duration, at time.Time, ok bool) {
	return g.clock.get()
}

// Now is the IC's time as best known: the local clock plus the measured
// skew. Requests expire on it; use it for deadline arithmetic too (a
// proposal's deadline is IC time).
func (g *Governance) Now() time.Time {
	skew, _, _ := g.clock.get()
	return time.Now().Add(skew)
}

// observeResponse measures the clock from any response, refusals
// included: its Date header, else, for an expiry refusal, the replica's
// time the refusal states.
func (c *icClock) observeResponse(resp *http.Response, now time.Time, refusal string) {
	if d, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
		// Date is truncated to the second: the middle of it is the best guess.
		c.observe(fromDate, d.Add(500*time.Millisecond), now)
		return
	}
	if ic, ok := refusalTime(refusal); ok {
		c.observe(fromRefusal, ic, now)
	}
}

// refusalTimeLabels name the replica's time in an expiry refusal: newer
// replicas state it; otherwise the window's start is the replica's time.
var refusalTimeLabels = []string{"Local replica time: ", "Minimum allowed expiry: "}

// refusalTime reads the replica's time from the body of an expiry refusal
// ("Invalid request expiry: Specified ingress_expiry not within expected
// range: Minimum allowed expiry: 2026-12-04 05:24:29.029874484 UTC, ...").
func refusalTime(body string) (time.Time, bool) {
	if !strings.Contains(body, "ingress_expiry") {
		return time.Time{}, false
	}
	for _, label := range refusalTimeLabels {
		i := strings.Index(body, label)
		if i < 0 {
			continue
		}
		rest := body[i+len(label):]
		if end := strings.Index(rest, " UTC"); end >= 0 {
			if t, err := time.Parse("2006-01-02 15:04:05.999999999", rest[:end]); err == nil {
				return t, true
			}
		}
	}
	return time.Time{}, false
}

// probeExpiries are the ingress expiries SyncClock tries in turn, after
// the IC's time as best known: each is accepted for a skew error within
// [e − 5m30s, e], together about ±13 minutes. Anonymous read_state is not
// expiry-checked on the IC; the ladder is for endpoints that do check.
var probeExpiries = []time.Duration{165 * time.Second, 495 * time.Second, -165 * time.Second,
	825 * time.Second, -495 * time.Second}

// SyncClock measures the skew now: it reads the IC's certified time with
// an anonymous read_state, trying ingress expiries until one falls within
// the IC's window, and verifies the certificate against the root key. The
// client calls it before its first request and when a request is refused
// for its expiry; the loop need not.
func (g *Governance) SyncClock(ctx context.Context) error {
	var errs []error
	for _, ep := range order(g.endpoints, g.cfg.Now()) {
		for _, e := range probeExpiries {
			err := g.probeTime(ctx, ep, e)
			if err == nil {
				return nil
			}
			errs = append(errs, fmt.Errorf("%s: %w", ep.name, err))
			if ctx.Err() != nil || !isExpiryRefusal(err) {
				break // another expiry will not help: next endpoint
			}
		}
	}
	return fmt.Errorf("sync clock: %w", errors.Join(errs...))
}

func (g *Governance) probeTime(ctx context.Context, ep *endpoint, expiry time.Duration) error {
	timePath := []hashtree.Label{hashtree.Label("time")}
	body, err := cbor.Marshal(agentgo.Envelope{Content: agentgo.Request{
		Type: agentgo.RequestTypeReadState, Sender: principal.AnonymousID,
		Paths: [][]hashtree.Label{timePath}, IngressExpiry: uint64(g.Now().Add(expiry).UnixNano()),
	}})
	if err != nil {
		return err
	}
	u := ep.url.JoinPath("api/v2/canister", g.canister.Encode(), "read_state")
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/cbor")
	resp, err := ep.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := readLimited(resp.Body)
	if err != nil {
		return err
	}
	var reply struct {
		Certificate []byte `cbor:"certificate"`
	}
	if err := cbor.Unmarshal(raw, &reply); err != nil {
		return fmt.Errorf("%w: read_state reply is not CBOR: %v", ErrVerification, err)
	}
	ic, err := certifiedTime(reply.Certificate, g.canister, g.rootKey, nil)
	if err != nil {
		return fmt.Errorf("%w: time certificate: %v", ErrVerification, err)
	}
	g.clock.observe(fromCertificate, ic, time.Now())
	return nil
}

// isExpiryRefusal matches the replica's 400 for an ingress_expiry outside
// its window ("Invalid request expiry: Specified ingress_expiry not within
// expected range").
func isExpiryRefusal(err error) bool {
	var he *HTTPStatusError
	return errors.As(err, &he) && he.StatusCode == http.StatusBadRequest &&
		strings.Contains(strings.ToLower(he.Body), "expiry")
}

// certifiedTime verifies raw against rootKey for canister (signature and
// delegation; a signature seen before in verified, which may be nil, is not
// checked again) and returns its time. Freshness is the caller's.
func certifiedTime(raw []byte, canister principal.Principal, rootKey []byte, verified *verifiedCerts) (t time.Time, err error) {
	defer func() {
		// The certificate decoder and hash tree code are third-party and
		// not documented as panic-free on hostile input.
		if r := recover(); r != nil {
			err = fmt.Errorf("malformed certificate: %v", r)
		}
	}()
	var cert certification.Certificate
	if err := cbor.Unmarshal(raw, &cert); err != nil {
		return time.Time{}, fmt.Errorf("decode: %w", err)
	}
	check := func() error { return certification.VerifyCertificate(cert, canister, rootKey) }
	if verified == nil || cert.Delegation != nil {
		err = check()
	} else {
		err = verified.verify(certKey(cert.Tree.Digest(), cert.Signature), check)
	}
	if err != nil {
		return time.Time{}, err
	}
	rawTime, err := cert.Tree.Lookup(hashtree.Label("time"))
	if err != nil {
		return time.Time{}, fmt.Errorf("no time: %w", err)
	}
	ns, err := leb128.DecodeUnsigned(bytes.NewReader(rawTime))
	if err != nil || !ns.IsInt64() {
		return time.Time{}, fmt.Errorf("bad time %x", rawTime)
	}
	return time.Unix(0, ns.Int64()), nil
}
