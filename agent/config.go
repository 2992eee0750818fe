// Package agent is votebot's client of the NNS governance canister.
//
// It signs and sends its requests with agent-go's wire types and crypto,
// expiring them on the IC's time (request.go), verifies everything it reads (query signatures, call
// certificates) against a pinned root key, fails over between endpoints,
// retries what is safe to retry, and exposes only the governance methods a
// hotkey needs: it cannot express a command that moves funds or changes a
// neuron's controller-only settings.
package agent

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aviate-labs/agent-go/certification"
	"github.com/fxamacker/cbor/v2"
	"github.com/rs/zerolog"

	"github.com/votebot/votebot/agent/identity"
)

// MainnetEndpoints are the IC API boundary nodes, in order of preference.
var MainnetEndpoints = []string{"https://icp-api.io", "https://icp0.io", "https://ic0.app"}

// mainnetHosts are hosts that serve mainnet: their root key is always the
// pinned one, never fetched.
var mainnetHosts = []string{"icp-api.io", "icp0.io", "ic0.app"}

// RootKeyFetch asks New to fetch the root key from the first endpoint that
// answers, warn, and pin it for the client's lifetime. Never for mainnet.
const RootKeyFetch = "fetch"

// Defaults for Config.
const (
	DefaultCallTimeout     = 30 * time.Second
	DefaultMaxRounds       = 4
	DefaultRetryBase       = 250 * time.Millisecond
	DefaultRetryMax        = 10 * time.Second
	DefaultEndpointBackoff = 10 * time.Second
	DefaultEndpointMaxBack = 5 * time.Minute
	ingressExpiry          = 5 * time.Minute
)

// Config configures New.
type Config struct {
	// Endpoints are API base URLs in order of preference. Empty means
	// MainnetEndpoints.
	Endpoints []string
	// RootKey is the DER root key in hex, RootKeyFetch, or "" for mainnet
	// (only valid with mainnet endpoints).
	RootKey string
	// Identity signs every request, queries included (so that ballots of
	// the bot's neurons come back). Nil means anonymous.
	Identity identity.Identity
	// CallTimeout bounds one attempt on one endpoint (an HTTP request, or a
	// query with its signature check, or a call until its reply).
	CallTimeout time.Duration
	// Observer receives per-attempt outcomes and endpoint up/down. Optional.
	Observer Observer
	// Logger logs endpoint state changes and retries; never keys.
	Logger zerolog.Logger
	// Now is the clock for endpoint back-off. Default time.Now.
	Now func() time.Time

	// MaxRounds bounds how many times all endpoints are tried for one call
	// (the caller's context bounds it too).
	MaxRounds int
	// RetryBase and RetryMax shape the jittered exponential back-off between
	// rounds.
	RetryBase, RetryMax time.Duration
	// EndpointBackoff is how long a failed endpoint is skipped at first;
	// it doubles on each further failure up to EndpointMaxBackoff.
	EndpointBackoff, EndpointMaxBackoff time.Duration
	// Transport is the HTTP transport under the client (tests). Default: a
	// clone of http.DefaultTransport keeping MaxConcurrency idle
	// connections per host.
	Transport http.RoundTripper

	// MinConcurrency, InitialConcurrency and MaxConcurrency bound the calls
	// in flight to each endpoint. The limit starts at InitialConcurrency,
	// grows while latency holds, halves on 429, 503 and timeouts, and
	// stays within [MinConcurrency, MaxConcurrency]. Defaults 1, 4, 128.
	// A boundary node caps a client's update rate; at 2 s per certified
	// call, MaxConcurrency/2 is the most calls per second one endpoint
	// gets.
	MinConcurrency, InitialConcurrency, MaxConcurrency int
}

func (c *Config) setDefaults() {
	if c.Identity == nil {
		c.Identity = anonymous
	}
	if len(c.Endpoints) == 0 {
		c.Endpoints = MainnetEndpoints
	}
	if c.CallTimeout <= 0 {
		c.CallTimeout = DefaultCallTimeout
	}
	if c.Observer == nil {
		c.Observer = nopObserver{}
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.MaxRounds <= 0 {
		c.MaxRounds = DefaultMaxRounds
	}
	if c.RetryBase <= 0 {
		c.RetryBase = DefaultRetryBase
	}
	if c.RetryMax <= 0 {
		c.RetryMax = DefaultRetryMax
	}
	if c.EndpointBackoff <= 0 {
		c.EndpointBackoff = DefaultEndpointBackoff
	}
	if c.EndpointMaxBackoff <= 0 {
		c.EndpointMaxBackoff = DefaultEndpointMaxBack
	}
	if c.MinConcurrency <= 0 {
		c.MinConcurrency = DefaultMinConcurrency
	}
	if c.MaxConcurrency <= 0 {
		c.MaxConcurrency = max(DefaultMaxConcurrency, c.MinConcurrency)
	}
	if c.InitialConcurrency <= 0 {
		c.InitialConcurrency = DefaultInitialConcurrency
	}
	c.InitialConcurrency = min(max(c.InitialConcurrency, c.MinConcurrency), c.MaxConcurrency)
	if c.Transport == nil {
		c.Transport = defaultTransport(c.MaxConcurrency)
	}
}

func (c *Config) checkConcurrency() error {
	if c.MinConcurrency > c.MaxConcurrency {
		return fmt.Errorf("agent: min concurrency %d exceeds max concurrency %d", c.MinConcurrency, c.MaxConcurrency)
	}
	return nil
}

// dialTimeout bounds connecting to an endpoint. A black-holed endpoint
// (packets dropped) otherwise costs the whole 30 s call timeout before the
// next endpoint is tried: measured, a black-holed first endpoint delayed
// start-up by 60 s and every alert by 4 × 30 s. An IC boundary node
// answers a TCP handshake in well under a second.
const dialTimeout = 5 * time.Second

// responseHeaderTimeout bounds the wait for an answer's headers.
const responseHeaderTimeout = 10 * time.Second

func defaultTransport(maxConcurrency int) http.RoundTripper {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	// Keep a connection per call in flight: the default keeps two per
	// host, so a burst would dial and drop connections per call.
	tr.MaxIdleConnsPerHost = maxConcurrency
	tr.DialContext = (&net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second}).DialContext
	tr.TLSHandshakeTimeout = dialTimeout
	// An endpoint that accepts the connection and never answers costs this,
	// not the whole call timeout: a query or a call's 202 comes back in
	// well under a second on mainnet (certification is polled separately).
	tr.ResponseHeaderTimeout = responseHeaderTimeout
	return tr
}

func parseEndpoints(raw []string) ([]*url.URL, bool, error) {
	urls := make([]*url.URL, 0, len(raw))
	mainnet := 0
	for _, s := range raw {
		u, err := url.Parse(strings.TrimRight(s, "/"))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, false, fmt.Errorf("agent: endpoint %q is not an http(s) URL", s)
		}
		if isMainnetHost(u.Hostname()) {
			if u.Scheme != "https" {
				return nil, false, fmt.Errorf("agent: mainnet endpoint %q must use https", s)
			}
			mainnet++
		}
		urls = append(urls, u)
	}
	if mainnet != 0 && mainnet != len(urls) {
		return nil, false, errors.New("agent: endpoints mix mainnet and other networks")
	}
	return urls, mainnet == len(urls), nil
}

func isMainnetHost(h string) bool {
	h = strings.ToLower(h)
	for _, m := range mainnetHosts {
		if h == m || strings.HasSuffix(h, "."+m) {
			return true
		}
	}
	return false
}

// rootKeyDERPrefix starts every IC root key (BLS12-381 G2, 96 bytes).
var rootKeyDERPrefix = mustHex("308182301d060d2b0601040182dc7c0503010201060c2b0601040182dc7c05030201036100")

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

func checkRootKey(der []byte) error {
	if len(der) != len(rootKeyDERPrefix)+96 || !bytes.HasPrefix(der, rootKeyDERPrefix) {
		return fmt.Errorf("agent: root key is not a %d-byte DER BLS12-381 key", len(rootKeyDERPrefix)+96)
	}
	return nil
}

// resolveRootKey returns the key to pin. Mainnet always gets the built-in
// key; RootKeyFetch fetches once from the first endpoint that answers.
func resolveRootKey(ctx context.Context, cfg Config, urls []*url.URL, mainnet bool) ([]byte, error) {
	mainnetKey := mustHex(certification.RootKey)
	switch {
	case mainnet && (cfg.RootKey == "" || strings.EqualFold(cfg.RootKey, hex.EncodeToString(mainnetKey))):
		return mainnetKey, nil
	case mainnet:
		return nil, errors.New("agent: the mainnet root key is pinned: do not set root_key (and never \"fetch\") for mainnet endpoints")
	case cfg.RootKey == "":
		return nil, errors.New("agent: endpoints are not mainnet: give the root key as hex, or \"fetch\"")
	case cfg.RootKey == RootKeyFetch:
		return fetchRootKey(ctx, cfg, urls)
	}
	der, err := hex.DecodeString(strings.TrimSpace(cfg.RootKey))
	if err != nil {
		return nil, errors.New("agent: root key is neither hex nor \"fetch\"")
	}
	return der, checkRootKey(der)
}

func fetchRootKey(ctx context.Context, cfg Config, urls []*url.URL) ([]byte, error) {
	client := &http.Client{Transport: cfg.Transport, Timeout: cfg.CallTimeout}
	var errs []error
	for _, u := range urls {
		der, err := fetchStatusRootKey(ctx, client, u)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", u.Host, err))
			continue
		}
		// One short line: the key itself is 266 hex digits (the devnet's
		// ready line and /api/v2/status print it for network.root_key).
		sum := sha256.Sum256(der)
		cfg.Logger.Warn().Str("endpoint", u.Host).Str("root_key_sha256", hex.EncodeToString(sum[:6])).
			Msg("root key fetched, not verified (fine for a devnet; elsewhere set network.root_key to the hex key)")
		return der, nil
	}
	return nil, &AllEndpointsDownError{Method: "fetch root key", Errs: errs}
}

func fetchStatusRootKey(ctx context.Context, client *http.Client, u *url.URL) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.JoinPath("/api/v2/status").String(), nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, statusError(resp)
	}
	body, err := readLimited(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	var status struct {
		RootKey []byte `cbor:"root_key"`
	}
	if err := cbor.Unmarshal(body, &status); err != nil {
		return nil, fmt.Errorf("status is not CBOR: %w", err)
	}
	return status.RootKey, checkRootKey(status.RootKey)
}
