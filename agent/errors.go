package agent

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/votebot/votebot/nns"
)

// ErrAllEndpointsDown is returned (errors.Is) when no endpoint answered:
// every one failed at the transport level or was skipped while backing off.
// The bot alerts on it.
var ErrAllEndpointsDown = errors.New("all IC API endpoints are down")

// ErrAlreadyVoted matches (errors.Is) a governance error NeuronAlreadyVoted:
// the ballot is already filled, directly or through following. For a voting
// bot this is a success-equivalent outcome.
var ErrAlreadyVoted = errors.New("neuron already voted")

// ErrVerification matches (errors.Is) a response whose certificate or
// signature did not verify against the pinned root key. Such a response is
// never used as data.
var ErrVerification = errors.New("response failed verification")

// AllEndpointsDownError lists why each endpoint failed.
type AllEndpointsDownError struct {
	Method string
	// Errs has the last error of each endpoint, in configuration order.
	Errs []error
}

func (e *AllEndpointsDownError) Error() string {
	parts := make([]string, len(e.Errs))
	for i, err := range e.Errs {
		parts[i] = err.Error()
	}
	return fmt.Sprintf("%s: %v: %s (%s)", e.Method, ErrAllEndpointsDown, strings.Join(parts, "; "), UnreachableHint)
}

// UnreachableHint is what to check when no endpoint answers: the failure
// is almost always on the bot's side (name resolution, an egress firewall
// or proxy, a mistyped URL), rarely the IC's.
const UnreachableHint = "check that DNS resolves the endpoints, that the firewall allows outbound HTTPS to them, and network.urls in the config"

func (e *AllEndpointsDownError) Is(target error) bool { return target == ErrAllEndpointsDown }
func (e *AllEndpointsDownError) Unwrap() []error      { return e.Errs }

// EndpointError is a failure of one endpoint (transport, HTTP status,
// timeout, verification, malformed response). Calls fail over to the next
// endpoint on these.
type EndpointError struct {
	Endpoint string
	Method   string
	// Outcome is the metric label: transport_error, timeout, http_error,
	// verify_error, protocol_error.
	Outcome string
	Err     error
}

func (e *EndpointError) Error() string {
	return fmt.Sprintf("%s via %s: %s: %v", e.Method, e.Endpoint, e.Outcome, e.Err)
}
func (e *EndpointError) Unwrap() error { return e.Err }

// HTTPStatusError is a non-success HTTP status from an endpoint.
type HTTPStatusError struct {
	StatusCode int
	// Body is the start of the plain-text body.
	Body string
	// RetryAfter is the Retry-After of a 429 or 503 (0: none).
	RetryAfter time.Duration
}

func (e *HTTPStatusError) Error() string {
	return fmt.Sprintf("HTTP %d: %s", e.StatusCode, e.Body)
}

// RejectCode is an IC reject code.
type RejectCode uint64

const (
	RejectSysFatal           RejectCode = 1
	RejectSysTransient       RejectCode = 2
	RejectDestinationInvalid RejectCode = 3
	RejectCanisterReject     RejectCode = 4
	RejectCanisterError      RejectCode = 5
)

var rejectCodeNames = map[RejectCode]string{1: "SYS_FATAL", 2: "SYS_TRANSIENT", 3: "DESTINATION_INVALID",
	4: "CANISTER_REJECT", 5: "CANISTER_ERROR"}

func (c RejectCode) String() string {
	if n, ok := rejectCodeNames[c]; ok {
		return n
	}
	return "REJECT_" + strconv.FormatUint(uint64(c), 10)
}

// RejectError is a rejection by the IC (replica or canister). Only
// SYS_TRANSIENT is retried.
type RejectError struct {
	Method    string
	Code      RejectCode
	ErrorCode string // e.g. "IC0503"
	Message   string
}

func (e *RejectError) Error() string {
	return fmt.Sprintf("%s rejected: %s (%s): %s", e.Method, e.Code, e.ErrorCode, e.Message)
}

// Transient reports whether the rejection may go away on retry.
func (e *RejectError) Transient() bool { return e.Code == RejectSysTransient }

// GovernanceError is an error the governance canister returned inside a
// successful reply. It is never retried.
type GovernanceError struct {
	Method  string
	Type    nns.ErrorType
	Message string
}

func (e *GovernanceError) Error() string {
	return fmt.Sprintf("%s: governance error %s (%d): %s", e.Method, e.Type, int32(e.Type), e.Message)
}

// Is makes errors.Is(err, ErrAlreadyVoted) true for NeuronAlreadyVoted.
func (e *GovernanceError) Is(target error) bool {
	return target == ErrAlreadyVoted && e.Type == nns.ErrorTypeNeuronAlreadyVoted
}

func newGovernanceError(method string, g *nns.GovernanceError) *GovernanceError {
	return &GovernanceError{Method: method, Type: nns.ErrorType(g.ErrorType), Message: g.ErrorMessage}
}

// IsAlreadyVoted reports whether err says the neuron's ballot was already
// filled: the vote the caller wanted may or may not be the one recorded, but
// nothing more can be done.
func IsAlreadyVoted(err error) bool { return errors.Is(err, ErrAlreadyVoted) }

// DecodeError is a reply that did not decode as the method's Candid type.
type DecodeError struct {
	Method string
	// Field is the path of the first field that failed, e.g.
	// "proposal_info[3].latest_tally.yes", when it could be found.
	Field string
	Err   error
}

func (e *DecodeError) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: decode reply: field %s: %v", e.Method, e.Field, e.Err)
	}
	return fmt.Sprintf("%s: decode reply: %v", e.Method, e.Err)
}
func (e *DecodeError) Unwrap() error { return e.Err }

// errorClass is what the retry loop does with an attempt's error.
type errorClass int

const (
	classFinal     errorClass = iota // return to the caller as is
	classRetry                       // retry (next endpoint or later); endpoint is healthy
	classEndpoint                    // endpoint failed: mark it down, fail over
	classCancelled                   // the caller's context ended
)

// classify turns an error from a request (request.go, the transport) into a typed
// error and what to do about it. parent is the caller's context: a deadline
// of the per-attempt context is a timeout, the caller's is cancellation.
func classify(parent context.Context, endpoint, method string, err error) (errorClass, string, error) {
	if parent.Err() != nil {
		return classCancelled, "canceled", parent.Err()
	}
	var (
		httpErr *HTTPStatusError
		rej     *RejectError
		dec     *DecodeError
	)
	epErr := func(outcome string) (errorClass, string, error) {
		return classEndpoint, outcome, &EndpointError{Endpoint: endpoint, Method: method, Outcome: outcome, Err: err}
	}
	switch {
	case errors.As(err, &dec):
		return classFinal, "decode_error", err
	case errors.As(err, &rej):
		return retryIfTransient(rej)
	case errors.Is(err, ErrVerification):
		return epErr("verify_error")
	case isRateLimited(err):
		// Rate limited: the endpoint is healthy and the limiter holds
		// calls back until Retry-After; other hosts reach the same
		// boundary nodes, so failing over would not escape the limit.
		return classRetry, "rate_limited", &EndpointError{Endpoint: endpoint, Method: method, Outcome: "rate_limited", Err: err}
	case errors.As(err, &httpErr):
		if permanentHTTPStatus(httpErr.StatusCode) {
			return classFinal, "http_error", &EndpointError{Endpoint: endpoint, Method: method, Outcome: "http_error", Err: err}
		}
		return epErr("http_error")
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return epErr("timeout")
	case isNetError(err):
		return epErr("transport_error")
	default:
		// Anything else (a failed query signature check, a malformed
		// certificate, an unexpected status) means this endpoint's answer
		// is unusable: never data, try another endpoint.
		return epErr("protocol_error")
	}
}

func retryIfTransient(rej *RejectError) (errorClass, string, error) {
	if rej.Transient() {
		return classRetry, "reject", rej
	}
	return classFinal, "reject", rej
}

// permanentHTTPStatus: a 4xx (other than timeout and rate limiting) says our
// request is wrong, which another endpoint will not fix.
func permanentHTTPStatus(code int) bool {
	return code >= 400 && code < 500 && code != 408 && code != 429 && code != 404
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func isNetError(err error) bool {
	var ne net.Error
	var oe *net.OpError
	return errors.As(err, &ne) || errors.As(err, &oe) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

// IsRefused reports whether the canister or the IC refused the request
// itself (an NNS or SNS governance error, or a reject other than SYS_TRANSIENT): the
// same request will be refused again, so it must not be retried blindly.
func IsRefused(err error) bool {
	var ge *GovernanceError
	var se *SNSGovernanceError
	var rej *RejectError
	return errors.As(err, &ge) || errors.As(err, &se) || (errors.As(err, &rej) && !rej.Transient())
}

// IsAllEndpointsDown reports whether no endpoint answered.
func IsAllEndpointsDown(err error) bool { return errors.Is(err, ErrAllEndpointsDown) }
