package devnet

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/aviate-labs/agent-go/certification/hashtree"
)

func sampleTree() *stateNode {
	root := newDir()
	root.set("time", []byte{1})
	rs := root.dir("request_status")
	for i := range 9 {
		rs.dir(fmt.Sprintf("id-%02d", i*2)).set("status", []byte("replied"))
	}
	root.dir("canister", "c1", "metadata").set("candid:service", []byte("service : {}"))
	return root
}

// checkIncreasing fails if any fork lists labels out of strict order.
func checkIncreasing(t *testing.T, n hashtree.Node) {
	t.Helper()
	var labels [][]byte
	var walk func(n hashtree.Node)
	walk = func(n hashtree.Node) {
		switch n := n.(type) {
		case hashtree.Fork:
			walk(n.LeftTree)
			walk(n.RightTree)
		case hashtree.Labeled:
			labels = append(labels, n.Label)
			checkIncreasing(t, n.Tree)
		}
	}
	walk(n)
	for i := 1; i < len(labels); i++ {
		if bytes.Compare(labels[i-1], labels[i]) >= 0 {
			t.Fatalf("labels not strictly increasing: %q then %q", labels[i-1], labels[i])
		}
	}
}

func TestWitnessKeepsRootHash(t *testing.T) {
	root := sampleTree()
	full := fullTree(root).Reconstruct()
	for _, path := range [][][]byte{
		{[]byte("time")},
		{[]byte("request_status"), []byte("id-04")},
		{[]byte("request_status"), []byte("id-05")},
		{[]byte("request_status"), []byte("a")},
		{[]byte("request_status"), []byte("z")},
		{[]byte("canister"), []byte("c1"), []byte("metadata"), []byte("candid:service")},
		{[]byte("nothing")},
	} {
		r := newReveal()
		r.addPath(root, path)
		w := witness(root, r)
		if w.Reconstruct() != full {
			t.Fatalf("path %q: witness changes the root hash", path)
		}
		checkIncreasing(t, w)
	}
}

func TestAbsentRequestIsProvablyAbsent(t *testing.T) {
	root := sampleTree()
	for _, id := range []string{"a", "id-01", "id-09", "id-17", "zz"} {
		r := newReveal()
		path := [][]byte{[]byte("request_status"), []byte(id), []byte("status")}
		r.addPath(root, path)
		tree := hashtree.NewHashTree(witness(root, r))
		labels := make([]hashtree.Label, len(path))
		for i, p := range path {
			labels[i] = p
		}
		_, err := tree.Lookup(labels...)
		var le hashtree.LookupError
		if !errors.As(err, &le) || le.Type != hashtree.LookupResultAbsent {
			t.Fatalf("%s: lookup = %v, want provably absent", id, err)
		}
	}
	r := newReveal()
	r.addPath(root, [][]byte{[]byte("request_status"), []byte("id-04")})
	got, err := hashtree.NewHashTree(witness(root, r)).Lookup(hashtree.Label("request_status"), hashtree.Label("id-04"), hashtree.Label("status"))
	if err != nil || string(got) != "replied" {
		t.Fatalf("present id: %q, %v", got, err)
	}
}

func TestHashMatchesFullTree(t *testing.T) {
	for _, n := range []*stateNode{sampleTree(), newDir(), newLeaf([]byte("x"))} {
		if n.hash() != fullTree(n).Reconstruct() {
			t.Fatal("hash() differs from the full tree's digest")
		}
	}
}
