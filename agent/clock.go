package agent

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
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
	ClockSkewNotReady = 4 * time.Minute
	// ClockAheadLimit: a local clock ahead of the IC by more than this
	// cannot work with agent-go v0.9.2, which both sets ingress_expiry and
	// checks certificate freshness with one duration on the local clock:
	// the IC refuses an expiry more than 5 min (+30 s drift) ahead of its
	// time, and agent-go refuses certificates older, on the local clock,
	// than the same duration. Behind the IC, any skew works.
	ClockAheadLimit = ingressExpiry / 2
)

// ClockReady reports whether requests work and deadlines can be trusted
// with the measured skew: the /readyz condition.
func ClockReady(skew time.Duration) bool {
	return skew > -ClockAheadLimit && skew < ClockSkewNotReady
}

// icClock is the measured offset of the IC's certified time from the local
// clock (time.Now: agent-go computes ingress_expiry from it).
type icClock struct {
	mu       sync.Mutex
	skew     time.Duration
	at       time.Time
	measured bool
	// onChange is called (outside mu) with each new skew.
	onChange func(time.Duration)
}

// observe records a verified certificate's time, read at local time now.
func (c *icClock) observe(ic, now time.Time) {
	c.mu.Lock()
	c.skew, c.at, c.measured = ic.Sub(now), now, true
	skew, f := c.skew, c.onChange
	c.mu.Unlock()
	if f != nil {
		f(skew)
	}
}

func (c *icClock) get() (time.Duration, time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.skew, c.at, c.measured
}

// ClockSkew is IC time − local time, from the newest verified certificate
// (every call reply and read_state carries the IC's time), and when it was
// measured; ok is false until the first measurement.
func (g *Governance) ClockSkew() (skew time.Duration, at time.Time, ok bool) {
	return g.clock.get()
}

// Now is the IC's time as best known: the local clock plus the measured
// skew. Use it for deadline arithmetic (a proposal's deadline is IC time).
func (g *Governance) Now() time.Time {
	skew, _, _ := g.clock.get()
	return time.Now().Add(skew)
}

// expiryFor is the ingress expiry duration (added by agent-go to the
// local clock) that puts ingress_expiry ingressExpiry ahead of IC time.
func expiryFor(skew time.Duration) time.Duration {
	return max(ingressExpiry+skew, 30*time.Second)
}

// agentSet is an endpoint's agents, built for one ingress expiry.
type agentSet struct {
	signed, anon *agentgo.Agent
	expiry       time.Duration
}

func (g *Governance) buildAgents(u *url.URL, client *http.Client, expiry time.Duration) (*agentSet, error) {
	build := func(signed bool) (*agentgo.Agent, error) {
		cfg := agentgo.Config{
			IngressExpiry: expiry,
			ClientConfig:  []agentgo.ClientOption{agentgo.WithHostURL(u), agentgo.WithHttpClient(client)},
			// Served by our transport from the pinned key: agent-go has no
			// option to set a root key other than mainnet's.
			FetchRootKey: true,
			PollDelay:    100 * time.Millisecond,
			PollTimeout:  g.cfg.CallTimeout,
		}
		if signed {
			cfg.Identity = g.cfg.Identity
		}
		return agentgo.New(cfg)
	}
	signed, err := build(true)
	if err != nil {
		return nil, fmt.Errorf("agent: endpoint %s: %w", u.Host, err)
	}
	anon, err := build(false)
	if err != nil {
		return nil, fmt.Errorf("agent: endpoint %s: %w", u.Host, err)
	}
	return &agentSet{signed: signed, anon: anon, expiry: expiry}, nil
}

// expiryTolerance: agents are rebuilt only when the expiry they need moves
// by more than this (skew measurements jitter by the network latency).
const expiryTolerance = 10 * time.Second

// adjustExpiry rebuilds the agents whose ingress expiry no longer fits
// the measured skew.
func (g *Governance) adjustExpiry(skew time.Duration) {
	want := expiryFor(skew)
	for _, ep := range g.endpoints {
		cur := ep.agents.Load()
		if cur == nil || (cur.expiry-want).Abs() <= expiryTolerance {
			continue
		}
		set, err := g.buildAgents(ep.url, ep.client, want)
		if err != nil {
			g.cfg.Logger.Warn().Err(err).Msg("rebuild agent for clock skew")
			continue
		}
		ep.agents.CompareAndSwap(cur, set)
		g.cfg.Logger.Info().Str("endpoint", ep.name).Str("skew", skew.Round(time.Millisecond).String()).Str("ingress_expiry", want.String()).
			Msg("ingress expiry follows the IC's clock")
	}
}

// probeExpiries are the ingress expiries SyncClock tries in turn: each is
// accepted for a skew within [e − 5m30s, e], together about ±13 minutes.
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
		Paths: [][]hashtree.Label{timePath}, IngressExpiry: uint64(time.Now().Add(expiry).UnixNano()),
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
	g.clock.observe(ic, time.Now())
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
