package devnet

import (
	"sync"
	"sync/atomic"
	"time"
)

// roundGap is the least time between the starts of two rounds while calls
// come concurrently. The replica certifies once per block (about a second
// on the NNS subnet); the devnet certifies at once for a lone caller, and
// under concurrent load lets calls answered close together share a
// signature (less signing here, and less verifying for clients that
// remember verified certificates).
const roundGap = 10 * time.Millisecond

// certifiedState is a snapshot of the state tree and the signature on its
// root hash. Both are read-only once made.
type certifiedState struct {
	root      *stateNode
	signature []byte
}

// certifier runs certification rounds. A response needs a state certified
// after it asked (so it sees everything stored before, at a current
// time). Whoever asks while no round is being certified joins the round
// that starts next. A round starts when the previous one is done if calls
// come one at a time (no call executing and the previous round served one
// caller), otherwise roundGap after the previous round started.
type certifier struct {
	mu        sync.Mutex
	running   bool      // a leader is waiting for or certifying a round
	next      *round    // the round being gathered
	lastStart time.Time // wall clock: rounds are paced in real time
	lastSize  int       // callers served by the previous round
	// expecting counts calls executing that will want a certificate.
	expecting atomic.Int64
}

type round struct {
	callers int // guarded by certifier.mu
	done    chan struct{}
	state   *certifiedState
	err     error
}

// certified returns a state certified by certify after the call began.
func (c *certifier) certified(certify func() (*certifiedState, error)) (*certifiedState, error) {
	c.mu.Lock()
	if c.next == nil {
		c.next = &round{done: make(chan struct{})}
	}
	r := c.next
	r.callers++
	lead := !c.running
	c.running = true
	c.mu.Unlock()
	if lead {
		c.run(r, certify)
	}
	<-r.done
	return r.state, r.err
}

// run waits out the gap while r gathers callers, certifies it, then hands
// the next round (if anyone asked meanwhile) to a new goroutine, so that
// the leader's own response is not held up.
func (c *certifier) run(r *round, certify func() (*certifiedState, error)) {
	c.mu.Lock()
	until, concurrent := c.lastStart.Add(roundGap), c.lastSize > 1
	c.mu.Unlock()
	if concurrent || c.expecting.Load() > 0 {
		time.Sleep(time.Until(until))
	}
	c.mu.Lock()
	c.next, c.lastStart, c.lastSize = nil, time.Now(), r.callers // later callers gather the next round
	c.mu.Unlock()
	r.state, r.err = certify()
	close(r.done)
	c.mu.Lock()
	defer c.mu.Unlock()
	next := c.next
	if next == nil {
		c.running = false
		return
	}
	go c.run(next, certify)
}
