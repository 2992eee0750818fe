package agent

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/aviate-labs/agent-go/principal"
	"github.com/fxamacker/cbor/v2"
)

// maxResponseBytes bounds a response body: the IC caps query replies at
// 3 MiB; a larger body is not from a well-behaved endpoint.
const maxResponseBytes = 8 << 20

// transport sits between the client's requests (request.go) and the
// network for one endpoint. It
//   - turns HTTP error statuses into *HTTPStatusError, so they are typed;
//   - verifies the certificate of a synchronous call reply (/api/v3|v4 call)
//     against the root key;
//   - measures the clock from every response (its Date header, or an
//     expiry refusal's text) and from call certificates;
//   - bounds response sizes.
type transport struct {
	base     http.RoundTripper
	rootKey  []byte
	verified *verifiedCerts
	// clock receives the IC's time as responses tell it.
	clock *icClock
}

// verifiedCertsKept bounds the remembered certificate signatures: a round
// answers at most the calls in flight, so a few dozen cover them.
const verifiedCertsKept = 64

func newTransport(base http.RoundTripper, rootKey []byte, clock *icClock) *transport {
	return &transport{base: base, rootKey: rootKey, verified: newVerifiedCerts(verifiedCertsKept), clock: clock}
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusAccepted {
		err := statusError(resp)
		t.clock.observeResponse(resp, now, err.Body)
		return nil, err
	}
	t.clock.observeResponse(resp, now, "")
	body, err := readLimited(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusOK && isCallPath(req.URL.Path) {
		if err := t.verifyCallReply(req.URL.Path, body); err != nil {
			return nil, err
		}
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	return resp, nil
}

func statusError(resp *http.Response) *HTTPStatusError {
	defer resp.Body.Close()
	head, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	return &HTTPStatusError{StatusCode: resp.StatusCode, Body: strings.TrimSpace(string(head)),
		RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())}
}

var errResponseTooLarge = errors.New("response body too large")

func readLimited(r io.Reader) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r, maxResponseBytes+1))
	if err != nil {
		return nil, err
	}
	if len(body) > maxResponseBytes {
		return nil, errResponseTooLarge
	}
	return body, nil
}

// isCallPath matches /api/v{2,3,4}/canister/<id>/call.
func isCallPath(path string) bool {
	return strings.HasPrefix(path, "/api/v") && strings.HasSuffix(path, "/call") && strings.Contains(path, "/canister/")
}

func canisterFromPath(path string) (principal.Principal, error) {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	for i := 0; i+1 < len(parts); i++ {
		if parts[i] == "canister" {
			return principal.Decode(parts[i+1])
		}
	}
	return principal.Principal{}, fmt.Errorf("no canister id in %s", path)
}

// verifyCallReply checks a synchronous call reply. A "replied" status must
// carry a certificate signed (directly or by delegation) by the root key and
// not older than the ingress expiry. Other statuses carry no data.
func (t *transport) verifyCallReply(path string, body []byte) error {
	var reply struct {
		Status      string `cbor:"status"`
		Certificate []byte `cbor:"certificate"`
	}
	if err := cbor.Unmarshal(body, &reply); err != nil {
		return fmt.Errorf("%w: call reply is not CBOR: %v", ErrVerification, err)
	}
	if reply.Status != "replied" {
		return nil
	}
	canister, err := canisterFromPath(path)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrVerification, err)
	}
	// The age is measured on the IC's clock as known before this
	// certificate: a skewed local clock does not refuse fresh replies.
	local := time.Now()
	skew, _, _ := t.clock.get()
	ct, err := verifyCertificateAt(reply.Certificate, canister, t.rootKey, ingressExpiry, t.verified, local.Add(skew))
	if err != nil {
		return fmt.Errorf("%w: call certificate: %v", ErrVerification, err)
	}
	t.clock.observe(fromCertificate, ct, local)
	return nil
}

// verifyCertificateAt verifies a certificate with its age measured at IC
// time now; it returns the certificate's time.
func verifyCertificateAt(raw []byte, canister principal.Principal, rootKey []byte, maxAge time.Duration, verified *verifiedCerts, now time.Time) (time.Time, error) {
	t, err := certifiedTime(raw, canister, rootKey, verified)
	if err != nil {
		return time.Time{}, err
	}
	if now.Sub(t) > maxAge {
		return time.Time{}, fmt.Errorf("certificate outdated, exceeds ingress expiry")
	}
	return t, nil
}
