package devnet

import (
	"crypto/sha256"
	"slices"

	"github.com/aviate-labs/agent-go/certification/hashtree"
)

// stateNode is one node of the devnet's (small) state tree: either a leaf
// or a map of labelled children.
type stateNode struct {
	leaf     []byte
	isLeaf   bool
	children map[string]*stateNode
	// indexed marks a directory whose children live in index instead of
	// children (the request statuses: many, and changing on every call).
	indexed bool
	index   *indexNode
	// digest memoises hash(); a node shared between certificates (a
	// request status) is hashed once, before it is shared.
	digest *[32]byte
}

func newDir() *stateNode { return &stateNode{children: map[string]*stateNode{}} }

func newLeaf(b []byte) *stateNode { return &stateNode{leaf: b, isLeaf: true} }

// dir returns the child directory called label, creating it if needed.
func (n *stateNode) dir(label ...string) *stateNode {
	cur := n
	for _, l := range label {
		c, ok := cur.children[l]
		if !ok {
			c = newDir()
			cur.children[l] = c
		}
		cur = c
	}
	return cur
}

// set stores a leaf at label below n.
func (n *stateNode) set(label string, value []byte) { n.children[label] = newLeaf(value) }

func (n *stateNode) sortedLabels() []string {
	labels := make([]string, 0, len(n.children))
	for l := range n.children {
		labels = append(labels, l)
	}
	slices.Sort(labels) // Go string order is bytewise: labels strictly increase
	return labels
}

// reveal says which parts of a node a witness shows.
type reveal struct {
	full      bool
	children  map[string]*reveal
	neighbors map[string]bool // shown as label with pruned content, to prove absence
	absent    []string        // absent labels of an indexed directory
}

func newReveal() *reveal {
	return &reveal{children: map[string]*reveal{}, neighbors: map[string]bool{}}
}

// addPath marks path for revealing. A path that ends inside the tree
// reveals the whole subtree; a label that is absent reveals its neighbours
// so that the absence is provable.
func (r *reveal) addPath(n *stateNode, path [][]byte) {
	if r.full {
		return
	}
	if len(path) == 0 || n.isLeaf {
		r.full = true
		return
	}
	label := string(path[0])
	if n.indexed {
		child, ok := indexGet(n.index, label)
		if !ok {
			r.absent = append(r.absent, label)
			return
		}
		r.child(label).addPath(child, path[1:])
		return
	}
	if child, ok := n.children[label]; ok {
		r.child(label).addPath(child, path[1:])
		return
	}
	labels := n.sortedLabels()
	i, _ := slices.BinarySearch(labels, label)
	if i > 0 {
		r.neighbors[labels[i-1]] = true
	}
	if i < len(labels) {
		r.neighbors[labels[i]] = true
	}
}

// child is the reveal of the child called label, created if needed.
func (r *reveal) child(label string) *reveal {
	sub, ok := r.children[label]
	if !ok {
		sub = newReveal()
		r.children[label] = sub
	}
	return sub
}

// fullTree is the complete hash tree of n.
func fullTree(n *stateNode) hashtree.Node {
	return witness(n, &reveal{full: true})
}

// witness builds the hash tree of n showing what r asks for and pruning
// everything else.
func witness(n *stateNode, r *reveal) hashtree.Node {
	if n.isLeaf {
		return hashtree.Leaf(n.leaf)
	}
	if n.indexed {
		return indexWitness(n.index, r)
	}
	labels := n.sortedLabels()
	if len(labels) == 0 {
		return hashtree.Empty{}
	}
	shown := make([]hashtree.Node, len(labels))
	for i, l := range labels {
		child := n.children[l]
		switch {
		case r.full:
			shown[i] = hashtree.Labeled{Label: hashtree.Label(l), Tree: fullTree(child)}
		case r.children[l] != nil:
			shown[i] = hashtree.Labeled{Label: hashtree.Label(l), Tree: witness(child, r.children[l])}
		case r.neighbors[l]:
			shown[i] = hashtree.Labeled{Label: hashtree.Label(l), Tree: hashtree.Pruned(child.hash())}
		}
	}
	return forkRange(n, labels, shown, 0, len(labels))
}

// forkRange joins the children labels[lo:hi] into a balanced fork tree; a
// range with nothing shown becomes a single pruned node.
func forkRange(n *stateNode, labels []string, shown []hashtree.Node, lo, hi int) hashtree.Node {
	if !slices.ContainsFunc(shown[lo:hi], func(s hashtree.Node) bool { return s != nil }) {
		return hashtree.Pruned(rangeHash(n, labels, lo, hi))
	}
	if hi-lo == 1 {
		return shown[lo]
	}
	mid := (lo + hi) / 2
	return hashtree.Fork{
		LeftTree:  forkRange(n, labels, shown, lo, mid),
		RightTree: forkRange(n, labels, shown, mid, hi),
	}
}

var (
	domainEmpty   = hashtree.DomainSeparator("ic-hashtree-empty")
	domainFork    = hashtree.DomainSeparator("ic-hashtree-fork")
	domainLabeled = hashtree.DomainSeparator("ic-hashtree-labeled")
	domainLeaf    = hashtree.DomainSeparator("ic-hashtree-leaf")
)

// hash is the digest of n's full tree (what fullTree(n).Reconstruct()
// gives), computed without building the tree.
func (n *stateNode) hash() [32]byte {
	if n.digest != nil {
		return *n.digest
	}
	var d [32]byte
	switch {
	case n.isLeaf:
		d = sha256.Sum256(append(slices.Clone(domainLeaf), n.leaf...))
	case n.indexed:
		d = indexHash(n.index)
	case len(n.children) == 0:
		d = sha256.Sum256(domainEmpty)
	default:
		labels := n.sortedLabels()
		d = rangeHash(n, labels, 0, len(labels))
	}
	n.digest = &d
	return d
}

// rangeHash is the digest of the fork tree of labels[lo:hi], shaped as
// forkRange shapes it.
func rangeHash(n *stateNode, labels []string, lo, hi int) [32]byte {
	if hi-lo == 1 {
		child := n.children[labels[lo]].hash()
		buf := append(slices.Clone(domainLabeled), labels[lo]...)
		return sha256.Sum256(append(buf, child[:]...))
	}
	mid := (lo + hi) / 2
	l, r := rangeHash(n, labels, lo, mid), rangeHash(n, labels, mid, hi)
	buf := append(slices.Clone(domainFork), l[:]...)
	return sha256.Sum256(append(buf, r[:]...))
}
