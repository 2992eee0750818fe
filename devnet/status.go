package devnet

import (
	"net/http"
	"sync/atomic"
)

// serveStatus answers GET /api/v2/status.
func (s *Server) serveStatus(w http.ResponseWriter) {
	body, err := encodeCBOR(map[string]any{
		"root_key":              s.keys.rootDER,
		"impl_version":          "votebot-devnet",
		"impl_hash":             "0000000000000000000000000000000000000000000000000000000000000000",
		"replica_health_status": "healthy",
		"certified_height":      atomic.LoadUint64(&s.height),
	})
	if err != nil {
		writeHTTPError(w, &httpError{http.StatusInternalServerError, "Unexpected error: " + err.Error()})
		return
	}
	writeCBOR(w, http.StatusOK, body)
}

func writeCBOR(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/cbor")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
