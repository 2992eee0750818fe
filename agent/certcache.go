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
// seen verified is always verified in full.
type verifiedCerts struct {
	mu    sync.Mutex
	limit int
	order *list.List // of [32]byte keys, most recent first
	index map[[32]byte]*list.Element
}

func newVerifiedCerts(limit int) *verifiedCerts {
	return &verifiedCerts{limit: limit, order: list.New(), index: map[[32]byte]*list.Element{}}
}

func certKey(rootHash [32]byte, signature []byte) [32]byte {
	return sha256.Sum256(append(rootHash[:], signature...))
}

// seen reports whether the pair was verified before (and marks it recent).
func (c *verifiedCerts) seen(key [32]byte) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.index[key]
	if ok {
		c.order.MoveToFront(e)
	}
	return ok
}

// add records a verified pair, dropping the least recent beyond the limit.
func (c *verifiedCerts) add(key [32]byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.index[key]; ok {
		c.order.MoveToFront(e)
		return
	}
	c.index[key] = c.order.PushFront(key)
	for c.order.Len() > c.limit {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.index, last.Value.([32]byte))
	}
}
