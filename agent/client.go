package agent

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	agentgo "github.com/aviate-labs/agent-go"
	"github.com/aviate-labs/agent-go/principal"

	"github.com/votebot/votebot/nns"
)

// Governance is a client of the NNS governance canister. It is safe for
// concurrent use.
type Governance struct {
	cfg       Config
	canister  principal.Principal
	endpoints []*endpoint
	rootKey   []byte
	voteArgs  voteArgs // RegisterVote arguments by template
}

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
	g := &Governance{cfg: cfg, canister: principal.MustDecode(nns.GovernanceCanisterID), rootKey: rootKey}
	for _, u := range urls {
		tr, err := newTransport(cfg.Transport, rootKey, ingressExpiry)
		if err != nil {
			return nil, err
		}
		a, err := agentgo.New(agentgo.Config{
			Identity:      cfg.Identity,
			IngressExpiry: ingressExpiry,
			ClientConfig: []agentgo.ClientOption{
				agentgo.WithHostURL(u),
				agentgo.WithHttpClient(&http.Client{Transport: tr, Timeout: cfg.CallTimeout}),
			},
			// Served by our transport from the pinned key: agent-go has no
			// option to set a root key other than mainnet's.
			FetchRootKey: true,
			PollDelay:    100 * time.Millisecond,
			PollTimeout:  cfg.CallTimeout,
		})
		if err != nil {
			return nil, fmt.Errorf("agent: endpoint %s: %w", u.Host, err)
		}
		g.endpoints = append(g.endpoints, &endpoint{name: u.Host, agent: a, limiters: g.newLimiters(u.Host)})
	}
	return g, nil
}

// Sender is the principal requests are signed as.
func (g *Governance) Sender() principal.Principal {
	return g.endpoints[0].agent.Sender()
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
)

// invoke runs method with the Candid-encoded arg and returns the raw Candid
// reply. It tries endpoints in order, skipping those backing off; a
// transport failure marks the endpoint down and moves on; a SYS_TRANSIENT
// reject moves on; anything else is final. Rounds are separated by jittered
// exponential back-off and bounded by cfg.MaxRounds and ctx.
func (g *Governance) invoke(ctx context.Context, kind callKind, method, label string, arg []byte) ([]byte, error) {
	var lastErr error
	limitedRounds, skipBackoff := 0, false
	for round := 0; round < g.cfg.MaxRounds; round++ {
		if round > 0 && !skipBackoff {
			if err := sleep(ctx, backoff(round-1, g.cfg.RetryBase, g.cfg.RetryMax)); err != nil {
				return nil, finalErr(lastErr, err)
			}
		}
		var epErrs []error
		allEndpoint, onlyLimited := true, true
		for _, ep := range order(g.endpoints, g.cfg.Now()) {
			reply, err, class := g.attempt(ctx, ep, kind, method, label, arg)
			onlyLimited = onlyLimited && isRateLimited(err)
			switch class {
			case classFinal:
				return reply, err
			case classCancelled:
				return nil, finalErr(lastErr, err)
			case classRetry:
				allEndpoint = false
				lastErr = err
			case classEndpoint:
				epErrs = append(epErrs, err)
				lastErr = err
			}
		}
		if allEndpoint {
			lastErr = &AllEndpointsDownError{Method: label, Errs: epErrs}
		}
		g.cfg.Logger.Debug().Str("method", label).Int("round", round).Err(lastErr).Msg("call failed on every endpoint; retrying")
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
func (g *Governance) attempt(ctx context.Context, ep *endpoint, kind callKind, method, label string, arg []byte) ([]byte, error, errorClass) {
	ticket, err := ep.limiters[kind].acquire(ctx)
	if err != nil {
		return nil, err, classCancelled
	}
	started := g.cfg.Now()
	start := time.Now()
	reply, err := g.rawRequest(ctx, ep, kind, method, arg)
	d := time.Since(start)
	g.released(ctx, ep, kind, ticket, started, d, err)
	if err == nil {
		g.cfg.Observer.ObserveCall(ep.name, label, "ok", d)
		g.up(ep)
		return reply, nil, classFinal
	}
	err, class, outcome := classify(ctx, ep.name, label, err)
	g.cfg.Observer.ObserveCall(ep.name, label, outcome, d)
	switch class {
	case classEndpoint:
		g.down(ep, err)
	case classFinal, classRetry:
		// The endpoint answered: it is healthy even if the call failed.
		g.up(ep)
	}
	return nil, err, class
}

// rawRequest is one agent-go request with a per-attempt timeout. agent-go
// panics on some malformed responses; that becomes an error here.
func (g *Governance) rawRequest(ctx context.Context, ep *endpoint, kind callKind, method string, arg []byte) (reply []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			reply, err = nil, fmt.Errorf("malformed response (agent panicked: %v)", r)
		}
	}()
	actx, cancel := context.WithTimeout(ctx, g.cfg.CallTimeout)
	defer cancel()
	typ := agentgo.RequestTypeQuery
	if kind == kindUpdate {
		typ = agentgo.RequestTypeCall
	}
	req, err := ep.agent.CreateRawAPIRequest(typ, g.canister, method, arg)
	if err != nil {
		return nil, fmt.Errorf("sign request: %w", err)
	}
	if kind == kindUpdate {
		err = req.CallAndWaitWithContext(actx, &reply)
	} else {
		err = req.QueryWithContext(actx, &reply, false)
	}
	return reply, err
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
		g.cfg.Logger.Warn().Str("endpoint", ep.name).Err(err).Dur("retry_in", back).Msg("IC API endpoint failed; skipping it")
		g.cfg.Observer.ObserveEndpoint(ep.name, false)
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
