package nnslocal

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/votebot/votebot/devnet/governance"
)

// offsetClock is the governance clock: the base clock plus an offset that
// POST /_/devnet/advance moves forward (never back), so a demo or an
// out-of-process test can skip days. HTTP-visible time is not affected.
type offsetClock struct {
	base   func() time.Time
	offset atomic.Int64 // nanoseconds
}

func (c *offsetClock) Now() time.Time { return c.base().Add(time.Duration(c.offset.Load())) }

// Advance moves governance time forward by d.
func (n *Network) Advance(d time.Duration) time.Time {
	if d > 0 {
		n.clock.offset.Add(int64(d))
	}
	now := n.clock.Now()
	n.Step(now)
	return now
}

// serveAdvance is POST /_/devnet/advance {"by": "1d"}.
func (n *Network) serveAdvance(w http.ResponseWriter, r *http.Request) {
	var req struct {
		By string `json:"by"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf("request body: %v", err)})
		return
	}
	d, err := governance.ParseDuration(req.By)
	if err != nil || d <= 0 {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf("by: want a positive duration such as 1d or 90m, got %q", req.By)})
		return
	}
	now := n.Advance(d)
	writeJSON(w, http.StatusOK, map[string]any{"now_seconds": now.Unix(), "now": now.UTC().Format(time.RFC3339)})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v) // the client went away; nothing to do
}
