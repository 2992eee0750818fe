package devnet

import (
	"crypto/sha256"
	"fmt"
	"time"

	"github.com/aviate-labs/agent-go/certification"
	"github.com/aviate-labs/agent-go/certification/hashtree"
	"github.com/aviate-labs/agent-go/principal"
)

// The NNS subnet's canister range, published as the devnet's range.
var (
	rangeLo = principal.Principal{Raw: mustHex("00000000000000000101")}
	rangeHi = principal.Principal{Raw: mustHex("00000000000fffff0101")}
	// mainnetRootSubnet is where agent-go looks for node keys.
	mainnetRootSubnet = principal.MustDecode(certification.RootSubnetID)
)

// inRange reports whether id lies in the devnet's canister range.
func inRange(id principal.Principal) bool {
	return certification.CanisterRanges{{From: rangeLo, To: rangeHi}}.InRange(id)
}

// stateTree assembles the certified state at time now: time, subnets,
// canister ranges, canisters and request statuses.
func (s *Server) stateTree(now time.Time) (*stateNode, error) {
	root := newDir()
	root.set("time", leb128(uint64(now.UnixNano())))
	ranges, err := encMode.Marshal([][][]byte{{rangeLo.Raw, rangeHi.Raw}})
	if err != nil {
		return nil, fmt.Errorf("encode canister ranges: %w", err)
	}
	for _, subnet := range []principal.Principal{s.keys.subnetSelf, mainnetRootSubnet} {
		sn := root.dir("subnet", string(subnet.Raw))
		sn.set("public_key", s.keys.rootDER)
		sn.set("type", []byte("system"))
		sn.set("canister_ranges", ranges)
		sn.dir("node", string(s.keys.nodeID.Raw)).set("public_key", s.keys.nodeDER)
		root.dir("canister_ranges", string(subnet.Raw)).set(string(rangeLo.Raw), ranges)
	}
	s.mu.RLock()
	for id, c := range s.canisters {
		cn := root.dir("canister", id)
		hash := sha256.Sum256([]byte("devnet canister " + c.ID().Encode()))
		cn.set("module_hash", hash[:])
		controllers, err := encodeCBOR([][]byte{})
		if err != nil {
			s.mu.RUnlock()
			return nil, fmt.Errorf("encode controllers: %w", err)
		}
		cn.set("controllers", controllers)
		cn.dir("metadata").set("candid:service", []byte(c.CandidService()))
	}
	s.mu.RUnlock()
	rs := root.dir("request_status")
	rs.indexed, rs.index = true, s.requests.snapshot()
	root.hash() // memoise before the tree is shared between responses
	return root, nil
}

// certificate returns the CBOR certificate revealing paths (and /time).
// The state is certified in rounds, as the replica certifies once per
// round: every response waiting at the same time shares one certified
// state and one signature, and each reveals its own paths of it.
func (s *Server) certificate(paths [][][]byte) ([]byte, error) {
	st, err := s.certifier.certified(s.certifyState)
	if err != nil {
		return nil, err
	}
	r := newReveal()
	r.addPath(st.root, [][]byte{[]byte("time")})
	for _, p := range paths {
		r.addPath(st.root, p)
	}
	rawTree, err := hashtree.Serialize(witness(st.root, r))
	if err != nil {
		return nil, fmt.Errorf("encode certificate tree: %w", err)
	}
	return encodeCBOR(struct {
		Tree      rawCBOR `cbor:"tree"`
		Signature []byte  `cbor:"signature"`
	}{rawTree, st.signature})
}

// certifyState snapshots the state at the replica's time and signs its root.
func (s *Server) certifyState() (*certifiedState, error) {
	root, err := s.stateTree(s.icNow())
	if err != nil {
		return nil, err
	}
	sig, err := s.keys.signRoot(root.hash())
	if err != nil {
		return nil, err
	}
	return &certifiedState{root: root, signature: sig}, nil
}
