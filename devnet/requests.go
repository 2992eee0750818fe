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

// requestLog keeps request statuses by request id: a map for lookups, a
// persistent index for certification (see indexNode) and a queue in
// storing order for expiry, so that storing a status costs O(log n).
type requestLog struct {
	mu      sync.RWMutex
	entries map[[32]byte]*requestStatus
	index   *indexNode
	queue   []stored // oldest first
}

// stored records when a status was stored, for expiry.
type stored struct {
	id [32]byte
	at time.Time
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
	st.at = now
	st.node = st.subtree()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries[id] = &st
	l.index = indexPut(l.index, string(id[:]), st.node)
	l.queue = append(l.queue, stored{id, now})
	l.expire(now)
}

// expire drops the statuses stored more than the retention period before
// now. The queue is in storing order, so this stops at the first entry
// still kept (a clock set back keeps entries until it passes them again).
func (l *requestLog) expire(now time.Time) {
	n := 0
	for ; n < len(l.queue) && now.Sub(l.queue[n].at) > requestRetention; n++ {
		q := l.queue[n]
		// A status stored again later (processing, then replied) has a
		// later queue entry; only the last one removes it.
		if e, ok := l.entries[q.id]; ok && e.at.Equal(q.at) {
			delete(l.entries, q.id)
			l.index = indexDelete(l.index, string(q.id[:]))
		}
	}
	l.queue = l.queue[n:] // append reallocates without the dropped head
}

// snapshot is the current certified view of the statuses; it never
// changes, so it can be read without the lock.
func (l *requestLog) snapshot() *indexNode {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.index
}
