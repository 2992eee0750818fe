package devnet

import (
	"crypto/sha256"
	"slices"

	"github.com/aviate-labs/agent-go/certification/hashtree"
)

// indexNode is a node of a persistent crit-bit tree of labelled subtrees
// (the request statuses, labelled by their 32-byte request ids; all keys
// of one index have the same length). Leaves hold labels; an inner node
// splits on the first bit in which its two sides differ, 0 to the left,
// so labels stay in increasing order, which is all the IC's lookup needs
// of a fork tree.
//
// Nodes never change once built: a store copies the path to the changed
// key, so a certificate reads a snapshot (a root) without locks while
// calls keep storing. Each node caches its digest and its key range, so a
// store costs O(depth) hashes and a witness for one label O(depth) nodes.
// Request ids are hashes, so the depth is about log2(n) + a few, which
// keeps witnesses within the 32 nesting levels IC agents' CBOR decoders
// allow (a treap or an AVL tree with labels at inner nodes would not).
type indexNode struct {
	// A leaf has key and value; an inner node has bit, left and right.
	key         string
	value       *stateNode // hashed before it is stored
	bit         int
	left, right *indexNode
	min, max    string // the smallest and largest key below
	digest      [32]byte
}

func newIndexLeaf(key string, value *stateNode) *indexNode {
	v := value.hash()
	buf := make([]byte, 0, len(domainLabeled)+len(key)+32)
	buf = append(append(append(buf, domainLabeled...), key...), v[:]...)
	return &indexNode{key: key, value: value, min: key, max: key, digest: sha256.Sum256(buf)}
}

func newIndexInner(bit int, left, right *indexNode) *indexNode {
	buf := make([]byte, 0, len(domainFork)+64)
	buf = append(append(append(buf, domainFork...), left.digest[:]...), right.digest[:]...)
	return &indexNode{bit: bit, left: left, right: right, min: left.min, max: right.max, digest: sha256.Sum256(buf)}
}

func (n *indexNode) leaf() bool { return n.left == nil }

// keyBit is bit i of key, most significant bit of the first byte first;
// bits past the end are 0 (a lookup of a label of another length then
// finds nothing rather than failing).
func keyBit(key string, i int) int {
	if i/8 >= len(key) {
		return 0
	}
	return int(key[i/8]>>(7-i%8)) & 1
}

// critBit is the first bit in which a and b (of equal length) differ, or
// -1 if they are equal.
func critBit(a, b string) int {
	for i := 0; i < min(len(a), len(b)); i++ {
		if x := a[i] ^ b[i]; x != 0 {
			j := 0
			for x&0x80 == 0 {
				x <<= 1
				j++
			}
			return i*8 + j
		}
	}
	return -1
}

// closest is the leaf that key's bits lead to.
func (n *indexNode) closest(key string) *indexNode {
	for !n.leaf() {
		if keyBit(key, n.bit) == 0 {
			n = n.left
		} else {
			n = n.right
		}
	}
	return n
}

// indexGet finds key's value.
func indexGet(n *indexNode, key string) (*stateNode, bool) {
	if n == nil {
		return nil, false
	}
	if l := n.closest(key); l.key == key {
		return l.value, true
	}
	return nil, false
}

// indexPut returns n with key set to value.
func indexPut(n *indexNode, key string, value *stateNode) *indexNode {
	leaf := newIndexLeaf(key, value)
	if n == nil {
		return leaf
	}
	return n.insert(leaf, critBit(key, n.closest(key).key))
}

// insert places leaf below n; crit is where its key first differs from
// the key it is closest to (-1: it replaces that key).
func (n *indexNode) insert(leaf *indexNode, crit int) *indexNode {
	switch {
	case n.leaf() && crit < 0:
		return leaf
	case n.leaf() || (crit >= 0 && n.bit > crit):
		if keyBit(leaf.key, crit) == 0 {
			return newIndexInner(crit, leaf, n)
		}
		return newIndexInner(crit, n, leaf)
	case keyBit(leaf.key, n.bit) == 0:
		return newIndexInner(n.bit, n.left.insert(leaf, crit), n.right)
	default:
		return newIndexInner(n.bit, n.left, n.right.insert(leaf, crit))
	}
}

// indexDelete returns n without key.
func indexDelete(n *indexNode, key string) *indexNode {
	switch {
	case n == nil:
		return nil
	case n.leaf() && n.key == key:
		return nil
	case n.leaf():
		return n
	}
	l, r := n.left, n.right
	if keyBit(key, n.bit) == 0 {
		l = indexDelete(l, key)
	} else {
		r = indexDelete(r, key)
	}
	switch {
	case l == n.left && r == n.right:
		return n
	case l == nil:
		return r
	case r == nil:
		return l
	}
	return newIndexInner(n.bit, l, r)
}

// neighbours are the largest key below key and the smallest above it
// ("" when there is none).
func (n *indexNode) neighbours(key string) (below, above string) {
	for m := n; m != nil; {
		switch {
		case m.leaf():
			if m.key < key {
				below = m.key
			}
			m = nil
		case m.right.min < key:
			m = m.right
		default:
			m = m.left
		}
	}
	for m := n; m != nil; {
		switch {
		case m.leaf():
			if m.key > key {
				above = m.key
			}
			m = nil
		case m.left.max > key:
			m = m.left
		default:
			m = m.right
		}
	}
	return below, above
}

// indexHash is the digest of the index's hash tree.
func indexHash(n *indexNode) [32]byte {
	if n == nil {
		return sha256.Sum256(domainEmpty)
	}
	return n.digest
}

// indexWitness builds the hash tree of the index showing what r asks for:
// the labels in r.children with their revealed subtrees, and for each
// label in r.absent its neighbours (with pruned contents), which are
// adjacent in the witness, so the absence is provable.
func indexWitness(n *indexNode, r *reveal) hashtree.Node {
	if n == nil {
		return hashtree.Empty{}
	}
	shown := make([]string, 0, len(r.children)+2*len(r.absent))
	for l := range r.children {
		shown = append(shown, l)
	}
	for _, l := range r.absent {
		below, above := n.neighbours(l)
		for _, k := range []string{below, above} {
			if k != "" {
				shown = append(shown, k)
			}
		}
	}
	slices.Sort(shown)
	return n.witness(r, slices.Compact(shown))
}

// witness shows the labels of shown that lie below n and prunes the rest.
func (n *indexNode) witness(r *reveal, shown []string) hashtree.Node {
	lo, _ := slices.BinarySearch(shown, n.min)
	hi, found := slices.BinarySearch(shown, n.max)
	if found {
		hi++
	}
	shown = shown[lo:hi]
	switch {
	case !r.full && len(shown) == 0:
		return hashtree.Pruned(n.digest)
	case !n.leaf():
		return hashtree.Fork{LeftTree: n.left.witness(r, shown), RightTree: n.right.witness(r, shown)}
	case r.full:
		return hashtree.Labeled{Label: hashtree.Label(n.key), Tree: fullTree(n.value)}
	case r.children[n.key] != nil:
		return hashtree.Labeled{Label: hashtree.Label(n.key), Tree: witness(n.value, r.children[n.key])}
	default: // a neighbour of an absent label
		return hashtree.Labeled{Label: hashtree.Label(n.key), Tree: hashtree.Pruned(n.value.hash())}
	}
}
