package agent

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"time"

	agentgo "github.com/aviate-labs/agent-go"
	"github.com/aviate-labs/agent-go/certification"
	"github.com/aviate-labs/agent-go/certification/hashtree"
	"github.com/aviate-labs/agent-go/identity"
	"github.com/aviate-labs/agent-go/leb128"
	"github.com/aviate-labs/agent-go/principal"
	"github.com/fxamacker/cbor/v2"
)

// Requests are built, signed and read here with agent-go's wire types and
// crypto, not through agent-go's Agent. agent-go v0.9.2 sets
// ingress_expiry to time.Now() plus one fixed duration, and uses that same
// duration as the request's context timeout and as the largest age, on the
// local clock, of a certificate it accepts; it has no clock hook. With the
// local clock more than 5 min 30 s ahead of the IC, the only expiry the IC
// accepts is a negative duration (a context that has already expired, and
// certificates it refuses as outdated), so no request could be sent. Here
// ingress_expiry is the IC's time (local clock + measured skew) plus
// ingressExpiry, and certificate ages are measured on the IC's time.

// pollDelay is how often a call answered 202 is polled for its status.
const pollDelay = 100 * time.Millisecond

var anonymous identity.Identity = identity.AnonymousIdentity{}

// sign builds the envelope of a query or call, expiring ingressExpiry after
// the IC's time.
func (g *Governance) sign(typ agentgo.RequestType, id identity.Identity, c call) (agentgo.RequestID, []byte, error) {
	nonce := make([]byte, 10)
	if _, err := rand.Read(nonce); err != nil {
		return agentgo.RequestID{}, nil, err
	}
	return g.envelope(id, agentgo.Request{Type: typ, Sender: id.Sender(), CanisterID: c.canister,
		MethodName: c.method, Arguments: c.arg, Nonce: nonce})
}

func (g *Governance) envelope(id identity.Identity, req agentgo.Request) (agentgo.RequestID, []byte, error) {
	req.IngressExpiry = uint64(g.Now().Add(ingressExpiry).UnixNano())
	rid := agentgo.NewRequestID(req)
	sig, err := rid.Sign(id)
	if err != nil {
		return rid, nil, fmt.Errorf("sign request: %w", err)
	}
	body, err := cbor.Marshal(agentgo.Envelope{Content: req, SenderPubKey: id.PublicKey(), SenderSig: sig})
	if err != nil {
		return rid, nil, fmt.Errorf("encode request: %w", err)
	}
	return rid, body, nil
}

// post sends body to /api/<version>/canister/<canister>/<what> and returns
// the status (200 or 202: the transport turns others into errors) and body.
func (g *Governance) post(ctx context.Context, ep *endpoint, canister principal.Principal, version, what string, body []byte) (int, []byte, error) {
	u := ep.url.JoinPath("api", version, "canister", canister.Encode(), what)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/cbor")
	resp, err := ep.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body) // bounded by the transport
	return resp.StatusCode, raw, err
}

// sendQuery runs a query and verifies the replica's signatures on its answer.
func (g *Governance) sendQuery(ctx context.Context, ep *endpoint, id identity.Identity, c call) ([]byte, error) {
	rid, body, err := g.sign(agentgo.RequestTypeQuery, id, c)
	if err != nil {
		return nil, err
	}
	_, raw, err := g.post(ctx, ep, c.canister, "v2", "query", body)
	if err != nil {
		return nil, err
	}
	var resp agentgo.Response
	if err := cbor.Unmarshal(raw, &resp); err != nil {
		return nil, fmt.Errorf("query reply is not CBOR: %w", err)
	}
	if err := g.verifyQuery(ctx, ep, id, c.canister, rid, resp); err != nil {
		return nil, fmt.Errorf("%w: query signature: %v", ErrVerification, err)
	}
	switch resp.Status {
	case "replied":
		var reply struct {
			Arg []byte `cbor:"arg"`
		}
		if err := cbor.Unmarshal(resp.Reply, &reply); err != nil {
			return nil, fmt.Errorf("query reply: %w", err)
		}
		return reply.Arg, nil
	case "rejected":
		return nil, &RejectError{Method: c.label, Code: RejectCode(resp.RejectCode), ErrorCode: resp.ErrorCode, Message: resp.RejectMsg}
	default:
		return nil, fmt.Errorf("query status %q", resp.Status)
	}
}

// verifyQuery checks each node signature on a query answer against the
// node keys the subnet certifies (read once per answer).
func (g *Governance) verifyQuery(ctx context.Context, ep *endpoint, id identity.Identity, canister principal.Principal, rid agentgo.RequestID, resp agentgo.Response) error {
	if len(resp.Signatures) == 0 {
		return errors.New("no signatures")
	}
	cert, err := g.readState(ctx, ep, id, canister, [][]hashtree.Label{{hashtree.Label("subnet")}})
	if err != nil {
		return fmt.Errorf("read node keys: %w", err)
	}
	subnet := principal.MustDecode(certification.RootSubnetID)
	if cert.Delegation != nil {
		subnet = cert.Delegation.SubnetId
	}
	for _, sig := range resp.Signatures {
		der, err := cert.Tree.Lookup(hashtree.Label("subnet"), subnet.Raw, hashtree.Label("node"), sig.Identity.Raw, hashtree.Label("public_key"))
		if err != nil {
			return fmt.Errorf("node %s: %w", sig.Identity, err)
		}
		key, err := certification.PublicED25519KeyFromDER(der)
		if err != nil {
			return fmt.Errorf("node %s: %w", sig.Identity, err)
		}
		hash, err := responseHash(resp, sig, rid)
		if err != nil {
			return err
		}
		if !ed25519.Verify(*key, append([]byte("\x0Bic-response"), hash[:]...), sig.Signature) {
			return fmt.Errorf("invalid %s signature by node %s", resp.Status, sig.Identity)
		}
	}
	return nil
}

// responseHash is the representation-independent hash a node signs.
func responseHash(resp agentgo.Response, sig agentgo.ResponseSignature, rid agentgo.RequestID) ([32]byte, error) {
	switch resp.Status {
	case "replied":
		return certification.RepresentationIndependentHash([]certification.KeyValuePair{
			{Key: "status", Value: resp.Status}, {Key: "reply", Value: resp.Reply},
			{Key: "timestamp", Value: sig.Timestamp}, {Key: "request_id", Value: rid[:]},
		})
	case "rejected":
		code, err := leb128.EncodeUnsigned(new(big.Int).SetUint64(resp.RejectCode))
		if err != nil {
			return [32]byte{}, err
		}
		return certification.RepresentationIndependentHash([]certification.KeyValuePair{
			{Key: "status", Value: resp.Status}, {Key: "reject_code", Value: code},
			{Key: "reject_message", Value: resp.RejectMsg}, {Key: "error_code", Value: resp.ErrorCode},
			{Key: "timestamp", Value: sig.Timestamp}, {Key: "request_id", Value: rid[:]},
		})
	default:
		return [32]byte{}, fmt.Errorf("query status %q", resp.Status)
	}
}

// readState reads paths of canister's subnet, verifies the certificate
// against the root key (a delegation must cover canister) and its age on
// the IC's time, and measures the clock from it.
func (g *Governance) readState(ctx context.Context, ep *endpoint, id identity.Identity, canister principal.Principal, paths [][]hashtree.Label) (*certification.Certificate, error) {
	_, body, err := g.envelope(id, agentgo.Request{Type: agentgo.RequestTypeReadState, Sender: id.Sender(), Paths: paths})
	if err != nil {
		return nil, err
	}
	_, raw, err := g.post(ctx, ep, canister, "v3", "read_state", body)
	if err != nil {
		return nil, err
	}
	var reply struct {
		Certificate []byte `cbor:"certificate"`
	}
	if err := cbor.Unmarshal(raw, &reply); err != nil {
		return nil, fmt.Errorf("%w: read_state reply is not CBOR: %v", ErrVerification, err)
	}
	local := time.Now()
	skew, _, _ := g.clock.get()
	ct, err := verifyCertificateAt(reply.Certificate, canister, g.rootKey, ingressExpiry, ep.verified, local.Add(skew))
	if err != nil {
		return nil, fmt.Errorf("%w: read_state certificate: %v", ErrVerification, err)
	}
	g.clock.observe(fromCertificate, ct, local)
	var cert certification.Certificate
	if err := cbor.Unmarshal(reply.Certificate, &cert); err != nil {
		return nil, fmt.Errorf("%w: read_state certificate: %v", ErrVerification, err)
	}
	return &cert, nil
}

// sendCall runs an update call: the answer of a synchronous call (v4; the
// transport verified its certificate), else its polled status.
func (g *Governance) sendCall(ctx context.Context, ep *endpoint, id identity.Identity, c call) ([]byte, error) {
	rid, body, err := g.sign(agentgo.RequestTypeCall, id, c)
	if err != nil {
		return nil, err
	}
	status, raw, err := g.post(ctx, ep, c.canister, "v4", "call", body)
	if err != nil {
		return nil, err
	}
	if status == http.StatusAccepted {
		return g.poll(ctx, ep, id, c, rid)
	}
	label := c.label
	var reply struct {
		Status      string `cbor:"status"`
		Certificate []byte `cbor:"certificate"`
		RejectCode  uint64 `cbor:"reject_code"`
		RejectMsg   string `cbor:"reject_message"`
		ErrorCode   string `cbor:"error_code"`
	}
	if err := cbor.Unmarshal(raw, &reply); err != nil {
		return nil, fmt.Errorf("call reply is not CBOR: %w", err)
	}
	switch reply.Status {
	case "replied":
		var cert certification.Certificate
		if err := cbor.Unmarshal(reply.Certificate, &cert); err != nil {
			return nil, fmt.Errorf("call certificate: %w", err)
		}
		out, done, err := requestStatus(cert.Tree, rid, label)
		if err == nil && !done {
			err = errors.New("call certificate holds no status")
		}
		return out, err
	case "non_replicated_rejection":
		return nil, &RejectError{Method: label, Code: RejectCode(reply.RejectCode), ErrorCode: reply.ErrorCode, Message: reply.RejectMsg}
	default:
		return nil, fmt.Errorf("call status %q", reply.Status)
	}
}

// poll reads a call's status until it is replied or rejected, or ctx ends.
func (g *Governance) poll(ctx context.Context, ep *endpoint, id identity.Identity, c call, rid agentgo.RequestID) ([]byte, error) {
	tick := time.NewTicker(pollDelay)
	defer tick.Stop()
	path := []hashtree.Label{hashtree.Label("request_status"), rid[:]}
	for {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-tick.C:
		}
		cert, err := g.readState(ctx, ep, id, c.canister, [][]hashtree.Label{path})
		if err != nil {
			return nil, err
		}
		if out, done, err := requestStatus(cert.Tree, rid, c.label); done || err != nil {
			return out, err
		}
	}
}

// requestStatus reads a request's status from a certified tree: the reply,
// or the reject as *RejectError; done is false while it is still running.
func requestStatus(tree hashtree.HashTree, rid agentgo.RequestID, label string) (reply []byte, done bool, err error) {
	path := []hashtree.Label{hashtree.Label("request_status"), rid[:]}
	leaf := func(name string) ([]byte, error) { return tree.Lookup(append(path, hashtree.Label(name))...) }
	status, err := leaf("status")
	var absent hashtree.LookupError
	if errors.As(err, &absent) && absent.Type == hashtree.LookupResultAbsent {
		return nil, false, nil // not received yet
	}
	if err != nil {
		return nil, true, fmt.Errorf("request status: %w", err)
	}
	switch string(status) {
	case "replied":
		reply, err := leaf("reply")
		if err != nil {
			return nil, true, fmt.Errorf("replied without a reply: %w", err)
		}
		return reply, true, nil
	case "rejected":
		rawCode, err := leaf("reject_code")
		if err != nil {
			return nil, true, fmt.Errorf("rejected without a code: %w", err)
		}
		code, err := leb128.DecodeUnsigned(bytes.NewReader(rawCode))
		if err != nil || !code.IsUint64() {
			return nil, true, fmt.Errorf("reject code %x", rawCode)
		}
		msg, _ := leaf("reject_message")
		ec, _ := leaf("error_code")
		return nil, true, &RejectError{Method: label, Code: RejectCode(code.Uint64()), ErrorCode: string(ec), Message: string(msg)}
	case "done":
		return nil, true, errors.New("request done: its reply is no longer kept")
	default: // received, processing
		return nil, false, nil
	}
}
