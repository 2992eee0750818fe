package devnet

import (
	"sync"
	"time"

	"github.com/aviate-labs/agent-go/principal"
)

// requestRetention is how long request statuses stay readable. The
// replica keeps them for the ingress expiry window (5 min) at least.
const requestRetention = 10 * time.Minute

// requestStatus is the outcome of an update call as certified under
// request_status/<id>.
type requestStatus struct {
	Status     string // "processing", "replied" or "rejected"
	Reply      []byte
	RejectCode RejectCode
	RejectMsg  string
	ErrorCode  string
	sender     principal.Principal
	canister   principal.Principal
	at         time.Time
	node       *stateNode // the certified subtree, hashed once
}

// subtree is the request_status/<id> subtree of st.
func (st *requestStatus) subtree() *stateNode {
	n := newDir()
	n.set("status", []byte(st.Status))
	switch st.Status {
	case "replied":
		n.set("reply", st.Reply)
	case "rejected":
		n.set("reject_code", leb128(uint64(st.RejectCode)))
		n.set("reject_message", []byte(st.RejectMsg))
		n.set("error_code", []byte(st.ErrorCode))
	}
	n.hash() // memoise now: the node is shared read-only from here on
	return n
}

// requestLog keeps request statuses by request id.
type requestLog struct {
	mu      sync.RWMutex
	entries map[[32]byte]*requestStatus
}

func newRequestLog() *requestLog {
	return &requestLog{entries: map[[32]byte]*requestStatus{}}
}

func (l *requestLog) get(id [32]byte) (requestStatus, bool) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	e, ok := l.entries[id]
	if !ok {
		return requestStatus{}, false
	}
	return *e, true
}

// put stores a status and drops entries older than the retention period.
func (l *requestLog) put(id [32]byte, st requestStatus, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	st.at = now
	st.node = st.subtree()
	l.entries[id] = &st
	for k, e := range l.entries {
		if now.Sub(e.at) > requestRetention {
			delete(l.entries, k)
		}
	}
}

// each calls f for every stored status.
func (l *requestLog) each(f func(id [32]byte, st *requestStatus)) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	for k, e := range l.entries {
		f(k, e)
	}
}
