package daemon

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestStatusOnlyForLocalRequests: /status is refused to a remote address
// before anything is read (the App is empty: reading it would panic).
func TestStatusOnlyForLocalRequests(t *testing.T) {
	a := &App{}
	for _, remote := range []string{"10.0.0.7:40000", "[2001:db8::1]:40000", "garbage"} {
		req := httptest.NewRequest(http.MethodGet, "/status", nil)
		req.RemoteAddr = remote
		rec := httptest.NewRecorder()
		a.serveStatus(rec, req)
		if rec.Code != http.StatusForbidden {
			t.Errorf("from %s: %d, want 403", remote, rec.Code)
		}
	}
}
