package devnet

import "sync"

// certifiedState is a snapshot of the state tree and the signature on its
// root hash. Both are read-only once made.
type certifiedState struct {
	root      *stateNode
	signature []byte
}

// certifier runs certification rounds. A response needs a state certified
// after it asked (so it sees everything stored before, at a current
// time); whoever asks while a round is signing joins the next round, and
// the next round starts as soon as the current one ends. Under load one
// signature serves everyone who waited during the previous round; alone,
// a response waits for nothing but its own round.
type certifier struct {
	mu      sync.Mutex
	running bool
	next    *round // the round that starts when the running one ends
}

type round struct {
	done  chan struct{}
	state *certifiedState
	err   error
}

// certified returns a state certified by certify after the call began.
func (c *certifier) certified(certify func() (*certifiedState, error)) (*certifiedState, error) {
	c.mu.Lock()
	if c.next == nil {
		c.next = &round{done: make(chan struct{})}
	}
	r := c.next
	lead := !c.running
	if lead {
		c.running, c.next = true, nil
	}
	c.mu.Unlock()
	if lead {
		c.run(r, certify)
	}
	<-r.done
	return r.state, r.err
}

// run certifies r, then hands the next round (if anyone joined it) to a
// new goroutine, so that the leader's own response is not held up.
func (c *certifier) run(r *round, certify func() (*certifiedState, error)) {
	r.state, r.err = certify()
	close(r.done)
	c.mu.Lock()
	defer c.mu.Unlock()
	next := c.next
	if next == nil {
		c.running = false
		return
	}
	c.next = nil
	go c.run(next, certify)
}
