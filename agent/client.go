package agent

import (
	"github.com/votebot/votebot/internal/sleep"

	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/aviate-labs/agent-go/principal"

	"github.com/votebot/votebot/nns"
)

// Governance is a client of the NNS governance canister and, through the
// same endpoints, limiters and verification, of any other canister the bot
// reads (SNS governance, SNS-W, SNS roots and ledgers: sns.go). It is safe
// for concurrent use.
type Governance struct {
	cfg Config
	// canister is the NNS governance canister, the target of the NNS
	// methods and of clock probes.
	canister  principal.Principal
	endpoints []*endpoint
	rootKey   []byte
	voteArgs  voteArgs // RegisterVote arguments by template
	drops     *dropReporter
	// pageLimit is the list_proposals page size that fits the replica's
	// reply limit.
	pageLimit pageLimit
	// clock is the measured skew of the IC's time from the local clock.
	clock      icClock
	clockSync  sync.Mutex // one SyncClock at a time from invoke
	clockTried time.Time  // last SyncClock from invoke; guarded by clockSync
}

// clockRetry is how soon a failed clock measurement is tried again.
const clockRetry = time.Minute

// New builds a client. It contacts the network only to fetch the root key
// when cfg.RootKey is RootKeyFetch.
func New(ctx context.Context, cfg Config) (*Governance, error) {
	cfg.setDefaults()
	if err := cfg.checkConcurrency(); err != nil {
		return nil, err
	}
	urls, mainnet, err := parseEndpoints(cfg.Endpoints)
	if err != nil {
		return nil, err
	}
	rootKey, err := resolveRootKey(ctx, cfg, urls, mainnet)
	if err != nil {
		return nil, err
	}
	g := &Governance{cfg: cfg, canister: principal.MustDecode(nns.GovernanceCanisterID), rootKey: rootKey,
		drops: &dropReporter{obs: cfg.Observer, logger: cfg.Logger}}
	for _, u := range urls {
		tr := newTransport(cfg.Transport, rootKey, &g.clock)
		ep := &endpoint{name: u.Host, url: u, client: &http.Client{Transport: tr, Timeout: cfg.CallTimeout}, verified: tr.verified}
		ep.limiters = g.newLimiters(u.Host)
		g.endpoints = append(g.endpoints, ep)
	}
	return g, nil
}

// Sender is the principal requests are signed as.
func (g *Governance) Sender() principal.Principal {
	return g.cfg.Identity.Sender()
}

// RootKey is the pinned root key (DER).
func (g *Governance) RootKey() []byte { return append([]byte(nil), g.rootKey...) }

// Endpoints reports the health of each endpoint, in configuration order.
func (g *Governance) Endpoints() []EndpointStatus {
	out := make([]EndpointStatus, len(g.endpoints))
	for i, e := range g.endpoints {
		out[i] = e.status()
	}
	return out
}

type callKind int

const (
	kindQuery callKind = iota
	kindUpdate
	// kindAnonQuery is a query signed by the anonymous identity: the
	// canister leaves out the caller's ballots.
	kindAnonQuery
)

// call is one method call: the canister it goes to, how it is sent, and
// its Candid argument. label names it in logs, metrics and errors.
type call struct {
	canister      principal.Principal
	kind          callKind
	method, label string
	arg           []byte
}

// nnsCall is a call to the NNS governance canister.
func (g *Governance) nnsCall(kind callKind, method, label string, arg []byte) call {
	return call{canister: g.canister, kind: kind, method: method, label: label, arg: arg}
}

// limiter is the index of the endpoint limiter a call of kind k waits on:
// an anonymous query is a query.
func (k callKind) limiter() callKind {
	if k == kindUpdate {
		return kindUpdate
	}
	return kindQuery
}

// invoke runs method with the Candid-encoded arg and returns the raw Candid
// reply. It tries endpoints in order, skipping those backing off; a
// transport failure marks the endpoint down and moves on; a SYS_TRANSIENT
// reject moves on; anything else is final. Rounds are separated by jittered
// exponential back-off and bounded by cfg.MaxRounds and ctx.
func (g *Governance) invoke(ctx context.Context, c call) ([]byte, error) {
	g.syncClock(ctx, false)
	reply, err := g.invokeRounds(ctx, c)
	if isExpiryRefusal(err) && g.syncClock(ctx, true) {
		// The local clock moved against the IC's since the last
		// measurement: the request is signed again with the new expiry.
		reply, err = g.invokeRounds(ctx, c)
	}
	return reply, err
}

// syncClock runs SyncClock when the skew was never measured, or when force
// is set; it reports whether the skew is measured afterwards. A failure is
// logged: requests then go out on the local clock.
func (g *Governance) syncClock(ctx context.Context, force bool) bool {
	if _, _, ok := g.clock.get(); ok && !force {
		return true
	}
	g.clockSync.Lock()
	defer g.clockSync.Unlock()
	if _, _, ok := g.clock.get(); ok && !force {
		return true // measured while this call waited
	}
	if !force && time.Since(g.clockTried) < clockRetry {
		return false // failed a moment ago: do not probe on every call
	}
	g.clockTried = time.Now()
	if err := g.SyncClock(ctx); err != nil {
		g.cfg.Logger.Warn().Err(err).Msg("cannot read the IC's time; ingress expiry follows the local clock")
		return false
	}
	skew, _, _ := g.clock.get()
	if skew.Abs() > ClockSkewAlert {
		g.cfg.Logger.Warn().Str("skew", skew.Round(time.Millisecond).String()).Msg("the local clock is off the IC's time; using the IC's time")
	}
	return true
}

func (g *Governance) invokeRounds(ctx context.Context, c call) ([]byte, error) {
	var lastErr error
	limitedRounds, skipBackoff := 0, false
	for round := 0; round < g.cfg.MaxRounds; round++ {
		if round > 0 && !skipBackoff {
			if err := sleep.For(ctx, backoff(round-1, g.cfg.RetryBase, g.cfg.RetryMax)); err != nil {
				return nil, finalErr(lastErr, err)
			}
		}
		var epErrs []error
		var roundErr error // this round's; lastErr stays the last whole round's until it ends
		allEndpoint, onlyLimited := true, true
		for _, ep := range order(g.endpoints, g.cfg.Now()) {
			reply, class, err := g.attempt(ctx, ep, c)
			onlyLimited = onlyLimited && isRateLimited(err)
			switch class {
			case classFinal:
				return reply, err
			case classCancelled:
				// Cut short mid-round: the last whole round says more (every
				// endpoint down) than the one endpoint tried in this one.
				if lastErr == nil {
					lastErr = roundErr
				}
				return nil, finalErr(lastErr, err)
			case classRetry:
				allEndpoint = false
				roundErr = err
			case classEndpoint:
				epErrs = append(epErrs, err)
				roundErr = err
			}
		}
		lastErr = roundErr
		if allEndpoint {
			lastErr = &AllEndpointsDownError{Method: c.label, Errs: epErrs}
		}
		g.cfg.Logger.Debug().Str("method", c.label).Int("round", round).Err(lastErr).Msg("call failed on every endpoint; retrying")
		// Every endpoint answered 429: its limiter holds the next attempt
		// until Retry-After, so this round is neither a failure nor a
		// reason to back off further.
		skipBackoff = onlyLimited && limitedRounds < maxRateLimitedRounds
		if skipBackoff {
			limitedRounds++
			round--
		}
	}
	return nil, lastErr
}

// finalErr reports why the caller's context ended, keeping the last call
// error (e.g. ErrAllEndpointsDown) visible to errors.Is.
func finalErr(last, ctxErr error) error {
	if last == nil {
		return ctxErr
	}
	return errors.Join(last, ctxErr)
}

// attempt runs one request on one endpoint and records its outcome.
func (g *Governance) attempt(ctx context.Context, ep *endpoint, c call) ([]byte, errorClass, error) {
	ticket, err := ep.limiters[c.kind.limiter()].acquire(ctx)
	if err != nil {
		return nil, classCancelled, err
	}
	started := g.cfg.Now()
	start := time.Now()
	reply, err := g.rawRequest(ctx, ep, c)
	d := time.Since(start)
	g.released(ctx, ep, c.kind, ticket, started, d, err)
	if err == nil {
		g.cfg.Observer.ObserveCall(ep.name, c.label, "ok", d)
		g.up(ep)
		return reply, classFinal, nil
	}
	class, outcome, err := classify(ctx, ep.name, c.label, err)
	g.cfg.Observer.ObserveCall(ep.name, c.label, outcome, d)
	switch class {
	case classEndpoint:
		g.down(ep, err)
	case classFinal, classRetry:
		// The endpoint answered: it is healthy even if the call failed.
		g.up(ep)
	}
	return nil, class, err
}

// rawRequest is one request with a per-attempt timeout. The certificate
// and hash-tree decoders are agent-go's and may panic on malformed
// responses; that becomes an error here.
func (g *Governance) rawRequest(ctx context.Context, ep *endpoint, c call) (reply []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			reply, err = nil, fmt.Errorf("malformed response (panic: %v)", r)
		}
	}()
	actx, cancel := context.WithTimeout(ctx, g.cfg.CallTimeout)
	defer cancel()
	switch c.kind {
	case kindUpdate:
		return g.sendCall(actx, ep, g.cfg.Identity, c)
	case kindAnonQuery:
		return g.sendQuery(actx, ep, anonymous, c)
	default:
		return g.sendQuery(actx, ep, g.cfg.Identity, c)
	}
}

func (g *Governance) up(ep *endpoint) {
	if ep.markUp() {
		g.cfg.Logger.Info().Str("endpoint", ep.name).Msg("IC API endpoint is back")
		g.cfg.Observer.ObserveEndpoint(ep.name, true)
	}
}

func (g *Governance) down(ep *endpoint, err error) {
	was, back := ep.markDown(g.cfg.Now(), err, g.cfg.EndpointBackoff, g.cfg.EndpointMaxBackoff)
	if was {
		g.cfg.Logger.Warn().Str("endpoint", ep.name).Err(err).Str("retry_in", back.Round(time.Millisecond).String()).Msg("IC API endpoint failed; skipping it")
		g.cfg.Observer.ObserveEndpoint(ep.name, false)
	}
}
