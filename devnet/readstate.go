package devnet

import (
	"bytes"
	"net/http"

	"github.com/aviate-labs/agent-go/principal"
)

// serveReadState answers /api/v{2,3}/canister/<id>/read_state and
// /api/v{2,3}/subnet/<id>/read_state.
func (s *Server) serveReadState(w http.ResponseWriter, subnetEndpoint bool, effective principal.Principal, env *envelope) {
	auth, herr := validate(env, typeReadState, effective, !subnetEndpoint, s.icNow())
	if herr != nil {
		writeHTTPError(w, herr)
		return
	}
	if herr := s.checkPaths(env, auth, subnetEndpoint, effective); herr != nil {
		writeHTTPError(w, herr)
		return
	}
	cert, err := s.certificate(env.Content.Paths)
	if err != nil {
		writeHTTPError(w, &httpError{http.StatusInternalServerError, "Unexpected error: " + err.Error()})
		return
	}
	body, err := encodeCBOR(map[string]any{"certificate": cert})
	if err != nil {
		writeHTTPError(w, &httpError{http.StatusInternalServerError, "Unexpected error: " + err.Error()})
		return
	}
	writeCBOR(w, http.StatusOK, body)
}

var invalidPath = &httpError{http.StatusNotFound, "Invalid path requested."}

// checkPaths authorises the requested paths as the replica does: only
// known paths, request statuses of the caller's own requests, one request
// id per read.
func (s *Server) checkPaths(env *envelope, auth authorized, subnetEndpoint bool, effective principal.Principal) *httpError {
	var seenID []byte
	for _, p := range env.Content.Paths {
		if len(p) == 0 {
			return invalidPath
		}
		switch string(p[0]) {
		case "time":
			if len(p) != 1 {
				return invalidPath
			}
		case "subnet":
			if !subnetPath(p) {
				return invalidPath
			}
		case "canister_ranges":
			if len(p) > 3 {
				return invalidPath
			}
		case "api_boundary_nodes":
			if len(p) > 3 {
				return invalidPath
			}
		case "canister":
			if subnetEndpoint || !canisterPath(p) {
				return invalidPath
			}
			if !bytes.Equal(p[1], effective.Raw) {
				return badRequest("Effective principal id in URL %s does not match requested principal id: %s.",
					effective, principal.Principal{Raw: p[1]})
			}
		case "request_status":
			if subnetEndpoint || len(p) < 2 || len(p) > 3 || (len(p) == 3 && !requestStatusField(p[2])) {
				return invalidPath
			}
			if herr := s.checkRequestStatus(env, auth, p[1], &seenID); herr != nil {
				return herr
			}
		default:
			return invalidPath
		}
	}
	return nil
}

func subnetPath(p [][]byte) bool {
	switch len(p) {
	case 1, 2:
		return true
	case 3:
		switch string(p[2]) {
		case "public_key", "canister_ranges", "node", "type", "metrics":
			return true
		}
	case 4:
		return string(p[2]) == "node"
	case 5:
		return string(p[2]) == "node" && string(p[4]) == "public_key"
	}
	return false
}

func canisterPath(p [][]byte) bool {
	switch len(p) {
	case 3:
		return string(p[2]) == "controllers" || string(p[2]) == "module_hash"
	case 4:
		return string(p[2]) == "metadata"
	}
	return false
}

func requestStatusField(l []byte) bool {
	switch string(l) {
	case "status", "reply", "reject_code", "reject_message", "error_code":
		return true
	}
	return false
}

func (s *Server) checkRequestStatus(env *envelope, auth authorized, id []byte, seen *[]byte) *httpError {
	if len(id) != 32 {
		return badRequest("Invalid request id in paths. Maybe the request ID is not of 32 bytes in length?!")
	}
	if *seen != nil && !bytes.Equal(*seen, id) {
		return badRequest("More than one non-unique request ID exists in request_status paths: %x and %x.", *seen, id)
	}
	*seen = id
	st, ok := s.requests.get([32]byte(id))
	if !ok {
		return nil
	}
	if !bytes.Equal(st.sender.Raw, env.Content.Sender.Raw) {
		return &httpError{http.StatusForbidden, "The user tries to access Request ID not signed by the caller."}
	}
	if !auth.allows(st.canister) {
		return &httpError{http.StatusForbidden, "The user tries to access request IDs for canisters not belonging to sender delegation targets."}
	}
	return nil
}
