package devnet

import (
	"context"
	"net/http"
	"sync/atomic"

	"github.com/aviate-labs/agent-go/principal"
)

// serveCall answers /api/v{2,3,4}/canister/<id>/call. v3 and v4 execute
// synchronously and answer with a certificate; v2 answers 202 and the
// client polls read_state.
func (s *Server) serveCall(w http.ResponseWriter, r *http.Request, version string, effective principal.Principal, env *envelope) {
	if _, herr := validate(env, typeCall, effective, true, s.icNow()); herr != nil {
		writeHTTPError(w, herr)
		return
	}
	c := &env.Content
	// Errors the replica finds before execution (unknown canister or
	// method) are not certified: they come back in the HTTP response.
	if _, rej := s.lookup(c, Update); rej != nil {
		s.writeNonReplicated(w, version, rej)
		return
	}
	// An accepted message executes after the update latency (consensus)
	// even if the client goes away meanwhile.
	ctx := context.WithoutCancel(r.Context())
	if version == "v2" {
		if s.pace.p.Update == (Latency{}) {
			s.delayedCall(ctx, env) // executed before 202, as before pace
		} else {
			go s.delayedCall(ctx, env)
		}
		w.WriteHeader(http.StatusAccepted)
		return
	}
	s.delayedCall(ctx, env)
	cert, err := s.certificate([][][]byte{{[]byte("request_status"), env.RequestID[:]}})
	if err != nil {
		writeHTTPError(w, &httpError{http.StatusInternalServerError, "Unexpected error: " + err.Error()})
		return
	}
	body, err := encodeCBOR(map[string]any{"status": "replied", "certificate": cert})
	if err != nil {
		writeHTTPError(w, &httpError{http.StatusInternalServerError, "Unexpected error: " + err.Error()})
		return
	}
	writeCBOR(w, http.StatusOK, body)
}

// delayedCall waits out the update latency, then executes the call.
func (s *Server) delayedCall(ctx context.Context, env *envelope) {
	_ = s.pace.wait(ctx, s.pace.p.Update)
	s.certifier.expecting.Add(1) // a round may wait for this call
	s.callOnce(ctx, env)
	s.certifier.expecting.Add(-1)
}

// callOnce executes an update call unless its request id was seen before:
// a repeated request id never executes twice.
func (s *Server) callOnce(ctx context.Context, env *envelope) {
	s.updateMu.Lock()
	defer s.updateMu.Unlock()
	if _, seen := s.requests.get(env.RequestID); seen {
		return
	}
	c := &env.Content
	base := requestStatus{sender: c.Sender, canister: c.CanisterID}
	processing := base
	processing.Status = "processing"
	s.requests.put(env.RequestID, processing, s.now())
	s.pace.execute(ctx)
	reply, rej := s.execute(ctx, c, Update)
	done := base
	if rej != nil {
		done.Status, done.RejectCode, done.RejectMsg, done.ErrorCode = "rejected", rej.Code, rej.Message, rej.ErrorCode
	} else {
		done.Status, done.Reply = "replied", reply
	}
	s.requests.put(env.RequestID, done, s.now())
	atomic.AddUint64(&s.height, 1)
}

func (s *Server) writeNonReplicated(w http.ResponseWriter, version string, rej *Reject) {
	m := map[string]any{
		"reject_code":    uint64(rej.Code),
		"reject_message": rej.Message,
		"error_code":     rej.ErrorCode,
	}
	if version != "v2" {
		m["status"] = "non_replicated_rejection"
	}
	body, err := encodeCBOR(m)
	if err != nil {
		writeHTTPError(w, &httpError{http.StatusInternalServerError, "Unexpected error: " + err.Error()})
		return
	}
	writeCBOR(w, http.StatusOK, body)
}
