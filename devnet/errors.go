package devnet

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/aviate-labs/agent-go/principal"
)

// httpError is a request the replica refuses before execution: a status
// code and a plain-text body.
type httpError struct {
	status int
	msg    string
}

func (e *httpError) Error() string { return e.msg }

func badRequest(format string, args ...any) *httpError {
	return &httpError{http.StatusBadRequest, fmt.Sprintf(format, args...)}
}

// writeHTTPError writes err as the replica does: plain text.
func writeHTTPError(w http.ResponseWriter, err *httpError) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(err.status)
	_, _ = w.Write([]byte(err.msg))
}

// Replica reject texts.
func rejectCanisterNotFound(id principal.Principal) *Reject {
	return &Reject{Code: RejectDestinationInvalid, ErrorCode: "IC0301",
		Message: fmt.Sprintf("Canister %s not found", id)}
}

func rejectCanisterStopped(id principal.Principal) *Reject {
	return &Reject{Code: RejectCanisterError, ErrorCode: "IC0508",
		Message: fmt.Sprintf("Canister %s is stopped", id)}
}

func rejectMethodNotFound(id principal.Principal, kind, method string) *Reject {
	return &Reject{Code: RejectDestinationInvalid, ErrorCode: "IC0536",
		Message: fmt.Sprintf("Error from Canister %s: Canister has no %s method '%s'.", id, kind, method)}
}

func rejectTrap(id principal.Principal, msg string) *Reject {
	return &Reject{Code: RejectCanisterError, ErrorCode: "IC0503",
		Message: fmt.Sprintf("Error from Canister %s: Canister called `ic0.trap` with message: '%s'.", id, msg)}
}

// asReject turns a canister method's error into the reject the replica
// would report.
func asReject(id principal.Principal, err error) *Reject {
	var rej *Reject
	if errors.As(err, &rej) {
		out := *rej
		if out.Code < RejectSysFatal || out.Code > RejectCanisterError {
			out.Code = RejectCanisterError // 6 and up break ic-agent
		}
		if out.ErrorCode == "" {
			out.ErrorCode = defaultErrorCode(out.Code)
		}
		return &out
	}
	var cErr *CandidError
	if errors.As(err, &cErr) {
		return rejectTrap(id, "failed to decode call arguments: "+cErr.Err.Error())
	}
	return rejectTrap(id, err.Error())
}

func defaultErrorCode(c RejectCode) string {
	switch c {
	case RejectCanisterReject:
		return "IC0406"
	case RejectDestinationInvalid:
		return "IC0301"
	case RejectSysTransient:
		return "IC0504"
	default:
		return "IC0503"
	}
}
