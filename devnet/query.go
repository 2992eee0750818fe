package devnet

import (
	"context"
	"fmt"
	"net/http"

	"github.com/aviate-labs/agent-go/principal"
)

// serveQuery answers /api/v{2,3}/canister/<id>/query.
func (s *Server) serveQuery(w http.ResponseWriter, r *http.Request, effective principal.Principal, env *envelope) {
	if _, herr := validate(env, typeQuery, effective, true, s.icNow()); herr != nil {
		writeHTTPError(w, herr)
		return
	}
	c := &env.Content
	reply, rej := s.execute(r.Context(), c, Query)
	body, err := s.queryResponse(env.RequestID, reply, rej)
	if err != nil {
		writeHTTPError(w, &httpError{http.StatusInternalServerError, "Unexpected error: " + err.Error()})
		return
	}
	writeCBOR(w, http.StatusOK, body)
}

// execute looks up and runs a method. kind is the method kind the endpoint
// accepts: Query for /query (update methods are rejected), Update for
// /call (any method).
func (s *Server) execute(ctx context.Context, c *content, kind MethodKind) ([]byte, *Reject) {
	m, rej := s.lookup(c, kind)
	if rej != nil {
		return nil, rej
	}
	reply, rej := runMethod(ctx, c.CanisterID, m, Call{Caller: c.Sender, Replicated: kind == Update, Arg: c.Arg})
	if rej == nil {
		rej = s.replyLimits.check(c.CanisterID, kind, reply)
	}
	if rej != nil {
		return nil, rej
	}
	return reply, nil
}

func (s *Server) lookup(c *content, kind MethodKind) (Method, *Reject) {
	can, ok, stopped := s.canister(c.CanisterID)
	switch {
	case !ok:
		return Method{}, rejectCanisterNotFound(c.CanisterID)
	case stopped:
		return Method{}, rejectCanisterStopped(c.CanisterID)
	}
	m, ok := can.Methods()[c.MethodName]
	switch {
	case !ok && kind == Query, ok && kind == Query && m.Kind != Query:
		return Method{}, rejectMethodNotFound(c.CanisterID, "query", c.MethodName)
	case !ok:
		return Method{}, rejectMethodNotFound(c.CanisterID, "update", c.MethodName)
	}
	return m, nil
}

// runMethod calls a canister method; a panic becomes a trap, as in Wasm.
func runMethod(ctx context.Context, id principal.Principal, m Method, call Call) (reply []byte, rej *Reject) {
	defer func() {
		if p := recover(); p != nil {
			reply, rej = nil, rejectTrap(id, fmt.Sprintf("Panicked at '%v'", p))
		}
	}()
	if m.Handle == nil {
		return nil, rejectTrap(id, "method has no implementation")
	}
	out, err := m.Handle(ctx, call)
	if err != nil {
		return nil, asReject(id, err)
	}
	if out == nil {
		out = []byte{}
	}
	return out, nil
}

// queryResponse builds a node-signed query response.
func (s *Server) queryResponse(rid [32]byte, reply []byte, rej *Reject) ([]byte, error) {
	ts := uint64(s.icNow().UnixNano())
	signed := map[string]any{"timestamp": ts, "request_id": rid[:]}
	resp := map[string]any{}
	if rej == nil {
		signed["status"] = "replied"
		signed["reply"] = map[string]any{"arg": reply}
	} else {
		signed["status"] = "rejected"
		signed["reject_code"] = uint64(rej.Code)
		signed["reject_message"] = rej.Message
		signed["error_code"] = rej.ErrorCode
		resp["reject_code"] = uint64(rej.Code)
		resp["reject_message"] = rej.Message
		resp["error_code"] = rej.ErrorCode
	}
	h, err := hashMap(signed)
	if err != nil {
		return nil, fmt.Errorf("hash query response: %w", err)
	}
	resp["status"] = signed["status"]
	if rej == nil {
		resp["reply"] = signed["reply"]
	}
	resp["signatures"] = []any{map[string]any{
		"timestamp": ts,
		"signature": s.keys.signResponse(h),
		"identity":  s.keys.nodeID.Raw,
	}}
	return encodeCBOR(resp)
}
