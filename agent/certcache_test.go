package agent

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aviate-labs/agent-go/certification"
	"github.com/aviate-labs/agent-go/certification/bls"
	"github.com/aviate-labs/agent-go/certification/hashtree"
	"github.com/aviate-labs/agent-go/principal"
	bls12381 "github.com/consensys/gnark-crypto/ecc/bls12-381"
	"github.com/fxamacker/cbor/v2"
)

// certSigner makes certificates signed by a fresh root key.
type certSigner struct {
	sk      *bls.SecretKey
	rootDER []byte
}

func newCertSigner(t testing.TB) *certSigner {
	t.Helper()
	sk := bls.NewSecretKeyByCSPRNG()
	pk := (*bls12381.G2Affine)(sk.PublicKey()).Bytes()
	der, err := certification.PublicBLSKeyToDER(pk[:])
	if err != nil {
		t.Fatal(err)
	}
	return &certSigner{sk: sk, rootDER: der}
}

// cert certifies /time = at and /reply = reply.
func (s *certSigner) cert(t testing.TB, at time.Time, reply string) (raw []byte, tree hashtree.Node, sig []byte) {
	t.Helper()
	var ts []byte
	for v := uint64(at.UnixNano()); ; v >>= 7 {
		if v < 0x80 {
			ts = append(ts, byte(v))
			break
		}
		ts = append(ts, byte(v)|0x80)
	}
	tree = hashtree.Fork{
		LeftTree:  hashtree.Labeled{Label: hashtree.Label("reply"), Tree: hashtree.Leaf(reply)},
		RightTree: hashtree.Labeled{Label: hashtree.Label("time"), Tree: hashtree.Leaf(ts)},
	}
	sig = s.sign(t, tree.Reconstruct())
	return s.encode(t, tree, sig), tree, sig
}

func (s *certSigner) sign(t testing.TB, root [32]byte) []byte {
	t.Helper()
	sig, err := s.sk.Sign(append(hashtree.DomainSeparator("ic-state-root"), root[:]...))
	if err != nil {
		t.Fatal(err)
	}
	b := (*bls12381.G1Affine)(sig).Bytes()
	return b[:]
}

func (s *certSigner) encode(t testing.TB, tree hashtree.Node, sig []byte) []byte {
	t.Helper()
	rawTree, err := hashtree.Serialize(tree)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := cbor.Marshal(struct {
		Tree      cbor.RawMessage `cbor:"tree"`
		Signature []byte          `cbor:"signature"`
	}{rawTree, sig})
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

var anyCanister = principal.MustDecode("rrkah-fqaaa-aaaaa-aaaaq-cai")

// TestVerifiedCertificatesAreRememberedNotTrusted: a signature verified
// once is remembered for its root hash, but a certificate whose tree or
// signature differs is verified in full, and a remembered one must still
// be recent.
func TestVerifiedCertificatesAreRememberedNotTrusted(t *testing.T) {
	s := newCertSigner(t)
	verified := newVerifiedCerts(4)
	now := time.Now()
	raw, tree, sig := s.cert(t, now, "yes")
	if err := verifyAt(raw, anyCanister, s.rootDER, time.Minute, verified); err != nil {
		t.Fatalf("valid certificate: %v", err)
	}
	if !verified.seen(certKey(tree.Reconstruct(), sig)) {
		t.Fatal("verified certificate not remembered")
	}
	if err := verifyAt(raw, anyCanister, s.rootDER, time.Minute, verified); err != nil {
		t.Fatalf("remembered certificate: %v", err)
	}
	_, _, otherSig := s.cert(t, now, "no")
	cases := map[string][]byte{
		// The remembered signature on a different tree (reply changed).
		"other tree, remembered signature": s.encode(t, hashtree.Fork{
			LeftTree:  hashtree.Labeled{Label: hashtree.Label("reply"), Tree: hashtree.Leaf("no")},
			RightTree: tree.(hashtree.Fork).RightTree,
		}, sig),
		// The remembered tree with a signature for another root.
		"remembered tree, other signature": s.encode(t, tree, otherSig),
		// Signed by another key.
		"other key": func() []byte { r, _, _ := newCertSigner(t).cert(t, now, "yes"); return r }(),
	}
	for name, c := range cases {
		if err := verifyAt(c, anyCanister, s.rootDER, time.Minute, verified); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	old, oldTree, oldSig := s.cert(t, now.Add(-time.Hour), "yes")
	_ = verified.verify(certKey(oldTree.Reconstruct(), oldSig), func() error { return nil })
	if err := verifyAt(old, anyCanister, s.rootDER, time.Minute, verified); err == nil {
		t.Error("remembered but stale certificate accepted")
	}
}

// TestConcurrentVerificationsShareOneCheck: calls bringing the same
// certificate at once run one check and all get its result, also a
// failure, which is then not remembered.
func TestConcurrentVerificationsShareOneCheck(t *testing.T) {
	for _, fail := range []bool{false, true} {
		c := newVerifiedCerts(4)
		key := certKey([32]byte{9}, []byte("sig"))
		release := make(chan struct{})
		var checks atomic.Int32
		check := func() error {
			checks.Add(1)
			<-release
			if fail {
				return errors.New("bad signature")
			}
			return nil
		}
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		wg.Go(func() { errs <- c.verify(key, check) })
		for !c.inProgress(key) {
			runtime.Gosched()
		}
		for range 7 {
			wg.Go(func() { errs <- c.verify(key, check) })
		}
		close(release)
		wg.Wait()
		close(errs)
		for err := range errs {
			if (err != nil) != fail {
				t.Fatalf("fail=%v: got %v", fail, err)
			}
		}
		if n := checks.Load(); n != 1 && !fail {
			t.Fatalf("%d checks for one certificate, want 1", n)
		}
		if c.seen(key) == fail {
			t.Fatalf("fail=%v: remembered=%v", fail, !fail)
		}
	}
}

func TestVerifiedCertsBounded(t *testing.T) {
	c := newVerifiedCerts(3)
	for i := range 5 {
		_ = c.verify(certKey([32]byte{byte(i)}, nil), func() error { return nil })
	}
	for i := range 5 {
		if got, want := c.seen(certKey([32]byte{byte(i)}, nil)), i >= 2; got != want {
			t.Errorf("key %d remembered = %v, want %v", i, got, want)
		}
	}
	if c.order.Len() != 3 || len(c.index) != 3 {
		t.Fatalf("holds %d/%d keys, want 3", c.order.Len(), len(c.index))
	}
}

// BenchmarkVerifyCertificate: the same certificate again (calls answered
// in one certification round) with and without the remembered signatures.
func BenchmarkVerifyCertificate(b *testing.B) {
	s := newCertSigner(b)
	raw, _, _ := s.cert(b, time.Now(), "yes")
	for _, remember := range []bool{false, true} {
		b.Run(fmt.Sprintf("remember=%v", remember), func(b *testing.B) {
			var verified *verifiedCerts
			if remember {
				verified = newVerifiedCerts(verifiedCertsKept)
			}
			for b.Loop() {
				if err := verifyAt(raw, anyCanister, s.rootDER, time.Hour, verified); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// inProgress reports whether key is known (verified or being verified).
func (c *verifiedCerts) inProgress(key [32]byte) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.index[key]
	return ok
}

// verifyAt verifies at the local clock, as the tests' certificates are made.
func verifyAt(raw []byte, canister principal.Principal, rootKey []byte, maxAge time.Duration, verified *verifiedCerts) error {
	_, err := verifyCertificateAt(raw, canister, rootKey, maxAge, verified, time.Now())
	return err
}
