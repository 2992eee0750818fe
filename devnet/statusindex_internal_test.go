package devnet

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/aviate-labs/agent-go/certification"
	"github.com/aviate-labs/agent-go/certification/hashtree"
	"github.com/fxamacker/cbor/v2"
	"github.com/rs/zerolog"
)

// indexedRoot is a state tree whose request_status directory is the index.
func indexedRoot(ix *indexNode) *stateNode {
	root := newDir()
	root.set("time", []byte{1})
	rs := root.dir("request_status")
	rs.indexed, rs.index = true, ix
	return root
}

func statusValue(s string) *stateNode {
	n := newDir()
	n.set("status", []byte(s))
	n.hash()
	return n
}

// TestIndexWitnesses: after random stores, re-stores and deletions, every
// stored label is found with its value, every other label is provably
// absent, forks keep labels in order and every witness has the full
// tree's root hash.
func TestIndexWitnesses(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var ix *indexNode
	want := map[string]string{}
	for i := range 400 {
		key := fmt.Sprintf("k%03d", rng.IntN(300))
		switch rng.IntN(3) {
		case 0:
			ix = indexDelete(ix, key)
			delete(want, key)
		default:
			v := fmt.Sprintf("v%d", i)
			ix = indexPut(ix, key, statusValue(v))
			want[key] = v
		}
	}
	root := indexedRoot(ix)
	full := fullTree(root)
	if full.Reconstruct() != root.hash() {
		t.Fatal("full tree digest differs from hash()")
	}
	checkIncreasing(t, full)
	if got := len(labelsOf(full)); got != 2*len(want)+2 { // key and status; time, request_status
		t.Fatalf("full tree has %d labels, want %d", got, 2*len(want)+2)
	}
	for k := range 310 {
		key := fmt.Sprintf("k%03d", k)
		for _, path := range [][]byte{[]byte("status"), nil} {
			p := [][]byte{[]byte("request_status"), []byte(key)}
			if path != nil {
				p = append(p, path)
			}
			r := newReveal()
			r.addPath(root, p)
			w := witness(root, r)
			if w.Reconstruct() != root.hash() {
				t.Fatalf("%s: witness changes the root hash", key)
			}
			checkIncreasing(t, w)
			got, err := hashtree.NewHashTree(w).Lookup(hashtree.Label("request_status"), hashtree.Label(key), hashtree.Label("status"))
			v, stored := want[key]
			var le hashtree.LookupError
			switch {
			case stored && (err != nil || string(got) != v):
				t.Fatalf("%s: lookup = %q, %v; want %q", key, got, err, v)
			case !stored && (!errors.As(err, &le) || le.Type != hashtree.LookupResultAbsent):
				t.Fatalf("%s: lookup = %q, %v; want provably absent", key, got, err)
			}
		}
	}
}

func labelsOf(n hashtree.Node) [][]byte {
	switch n := n.(type) {
	case hashtree.Fork:
		return append(labelsOf(n.LeftTree), labelsOf(n.RightTree)...)
	case hashtree.Labeled:
		return append([][]byte{n.Label}, labelsOf(n.Tree)...)
	}
	return nil
}

// TestIndexSnapshotsDoNotChange: a snapshot taken before later stores
// keeps its digest and contents.
func TestIndexSnapshotsDoNotChange(t *testing.T) {
	var ix *indexNode
	for i := range 50 {
		ix = indexPut(ix, fmt.Sprintf("%02d", i), statusValue("processing"))
	}
	old, digest := ix, ix.digest
	for i := range 50 {
		ix = indexPut(ix, fmt.Sprintf("%02d", i), statusValue("replied"))
	}
	ix = indexDelete(ix, "07")
	if old.digest != digest || fullTree(indexedRoot(old)).Reconstruct() != indexedRoot(old).hash() {
		t.Fatal("an older snapshot changed")
	}
	if v, ok := indexGet(old, "07"); !ok || !bytes.Equal(v.children["status"].leaf, []byte("processing")) {
		t.Fatal("older snapshot lost its value")
	}
	if _, ok := indexGet(ix, "07"); ok {
		t.Fatal("deleted key still present")
	}
}

// TestRequestLogExpiry: statuses go after the retention period, a status
// stored again is kept from its last store.
func TestRequestLogExpiry(t *testing.T) {
	l := newRequestLog()
	t0 := time.Now()
	a, b := [32]byte{1}, [32]byte{2}
	l.put(a, requestStatus{Status: "processing"}, t0)
	l.put(b, requestStatus{Status: "processing"}, t0)
	l.put(b, requestStatus{Status: "replied"}, t0.Add(5*time.Minute))
	l.put([32]byte{3}, requestStatus{Status: "replied"}, t0.Add(requestRetention+time.Second))
	if _, ok := l.get(a); ok {
		t.Fatal("a kept past retention")
	}
	if _, ok := indexGet(l.snapshot(), string(a[:])); ok {
		t.Fatal("a still certified past retention")
	}
	if st, ok := l.get(b); !ok || st.Status != "replied" {
		t.Fatalf("b = %+v, %v; want replied", st, ok)
	}
	if v, ok := indexGet(l.snapshot(), string(b[:])); !ok || string(v.children["status"].leaf) != "replied" {
		t.Fatal("b not certified as replied")
	}
}

// TestCertificateRoundsShareSignatures: concurrent certificates are all
// valid (each reveals its own status) — run with -race.
func TestCertificateRoundsConcurrent(t *testing.T) {
	s, err := New(Config{Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Go(func() {
			id := [32]byte{byte(i)}
			s.requests.put(id, requestStatus{Status: "replied", Reply: []byte{byte(i)}}, time.Now())
			raw, err := s.certificate([][][]byte{{[]byte("request_status"), id[:]}})
			if err != nil {
				t.Error(err)
				return
			}
			var cert struct {
				Tree      rawCBOR `cbor:"tree"`
				Signature []byte  `cbor:"signature"`
			}
			if err := cbor.Unmarshal(raw, &cert); err != nil {
				t.Error(err)
				return
			}
			tree, err := hashtree.Deserialize(cert.Tree)
			if err != nil {
				t.Error(err)
				return
			}
			got, err := hashtree.Lookup(tree, hashtree.Label("request_status"), hashtree.Label(id[:]), hashtree.Label("reply"))
			if err != nil || !bytes.Equal(got, []byte{byte(i)}) {
				t.Errorf("request %d: reply %x, %v", i, got, err)
			}
		})
	}
	wg.Wait()
}

// TestDeepestWitnessDecodes: with 60,000 request ids stored, the
// certificate for the deepest one still decodes with the default CBOR
// nesting limit that agent-go uses (32 levels).
func TestDeepestWitnessDecodes(t *testing.T) {
	s, err := New(Config{Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for i := range 60_000 {
		s.requests.put(sha256.Sum256([]byte(fmt.Sprint(i))), requestStatus{Status: "replied"}, now)
	}
	var deepest string
	maxDepth := 0
	var walk func(n *indexNode, d int)
	walk = func(n *indexNode, d int) {
		if n.leaf() {
			if d > maxDepth {
				maxDepth, deepest = d, n.key
			}
			return
		}
		walk(n.left, d+1)
		walk(n.right, d+1)
	}
	walk(s.requests.snapshot(), 0)
	t.Logf("deepest of 60,000 ids: %d forks", maxDepth)
	raw, err := s.certificate([][][]byte{{[]byte("request_status"), []byte(deepest)}})
	if err != nil {
		t.Fatal(err)
	}
	var cert certification.Certificate
	if err := cbor.Unmarshal(raw, &cert); err != nil {
		t.Fatalf("deepest witness (%d forks) does not decode: %v", maxDepth, err)
	}
}
