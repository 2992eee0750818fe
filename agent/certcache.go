package agent

import (
	"container/list"
	"crypto/sha256"
	"sync"
)

// verifiedCerts remembers the last few certificate signatures that passed
// BLS verification, keyed by (root hash, signature). The IC (and the
// devnet) certify state once per round, so calls answered in the same
// round carry the same root hash and signature; checking the pairing
// again for them proves nothing new. Only certificates without a
// delegation are remembered (their validity depends on nothing else but
// the pinned root key, which is fixed per transport). A certificate not
// seen verified is always verified in full; calls that bring the same
// certificate at the same time wait for one verification.
type verifiedCerts struct {
	mu    sync.Mutex
	limit int
	order *list.List // of [32]byte keys, most recent first
	index map[[32]byte]*verification
}

// verification is one check of a (root hash, signature) pair; err is set
// before ready is closed.
type verification struct {
	ready chan struct{}
	err   error
	elem  *list.Element
}

func newVerifiedCerts(limit int) *verifiedCerts {
	return &verifiedCerts{limit: limit, order: list.New(), index: map[[32]byte]*verification{}}
}

func certKey(rootHash [32]byte, signature []byte) [32]byte {
	return sha256.Sum256(append(rootHash[:], signature...))
}

// verify returns check's result for key, running check only if key was
// not verified before (or is being verified now: then it waits for that
// result, which is the same: check depends on the key alone). Failures
// are not remembered.
func (c *verifiedCerts) verify(key [32]byte, check func() error) error {
	c.mu.Lock()
	if v, ok := c.index[key]; ok {
		c.order.MoveToFront(v.elem)
		c.mu.Unlock()
		<-v.ready
		return v.err
	}
	v := &verification{ready: make(chan struct{})}
	v.elem = c.order.PushFront(key)
	c.index[key] = v
	c.evict()
	c.mu.Unlock()
	v.err = check()
	close(v.ready)
	if v.err != nil {
		c.mu.Lock()
		if c.index[key] == v {
			c.order.Remove(v.elem)
			delete(c.index, key)
		}
		c.mu.Unlock()
	}
	return v.err
}

// seen reports whether the pair was verified successfully before.
func (c *verifiedCerts) seen(key [32]byte) bool {
	c.mu.Lock()
	v, ok := c.index[key]
	c.mu.Unlock()
	if !ok {
		return false
	}
	<-v.ready
	return v.err == nil
}

// evict drops the least recent keys beyond the limit; c.mu is held.
func (c *verifiedCerts) evict() {
	for c.order.Len() > c.limit {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.index, last.Value.([32]byte))
	}
}
