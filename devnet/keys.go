package devnet

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/aviate-labs/agent-go/certification"
	"github.com/aviate-labs/agent-go/certification/bls"
	"github.com/aviate-labs/agent-go/principal"
	bls12381 "github.com/consensys/gnark-crypto/ecc/bls12-381"
	"github.com/consensys/gnark-crypto/ecc/bls12-381/fr"
)

// keyPEMType names the PEM block of a devnet key file.
const keyPEMType = "IC DEVNET ROOT KEY"

// keys holds the devnet's secrets: the BLS12-381 root (subnet) key that
// signs certificates and the Ed25519 node key that signs query responses.
// The node key derives from the root key so that one file pins both.
type keys struct {
	root       *bls.SecretKey
	rootDER    []byte // 133-byte DER public key
	node       ed25519.PrivateKey
	nodeDER    []byte
	nodeID     principal.Principal
	subnetSelf principal.Principal // self-authenticating id of rootDER
}

// loadOrCreateKeys reads the key file, creating it (0600) when missing. An
// empty path gives an ephemeral key.
func loadOrCreateKeys(path string) (*keys, error) {
	if path == "" {
		return newKeys(randomScalar())
	}
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return createKeyFile(path)
	case err != nil:
		return nil, fmt.Errorf("read devnet key file: %w", err)
	}
	block, rest := pem.Decode(data)
	if block == nil || block.Type != keyPEMType || len(block.Bytes) != fr.Bytes || len(trimSpace(rest)) != 0 {
		return nil, fmt.Errorf("devnet key file %s: not a %q PEM block with a %d-byte key", path, keyPEMType, fr.Bytes)
	}
	var sk fr.Element
	if err := sk.SetBytesCanonical(block.Bytes); err != nil || sk.IsZero() {
		return nil, fmt.Errorf("devnet key file %s: invalid BLS12-381 secret key", path)
	}
	return newKeys(sk)
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == '\n' || b[0] == '\r' || b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	return b
}

func createKeyFile(path string) (*keys, error) {
	sk := randomScalar()
	raw := sk.Bytes()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("create devnet key file: %w", err)
	}
	if err := pem.Encode(f, &pem.Block{Type: keyPEMType, Bytes: raw[:]}); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("write devnet key file: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("write devnet key file: %w", err)
	}
	return newKeys(sk)
}

func randomScalar() fr.Element {
	for {
		var sk fr.Element
		if _, err := sk.SetRandom(); err != nil {
			panic(fmt.Sprintf("crypto/rand failed: %v", err)) // the OS RNG does not fail
		}
		if !sk.IsZero() {
			return sk
		}
	}
}

func newKeys(sk fr.Element) (*keys, error) {
	root := bls.SecretKey(sk)
	pub := bls12381.G2Affine(*root.PublicKey())
	pubBytes := pub.Bytes()
	der, err := certification.PublicBLSKeyToDER(pubBytes[:])
	if err != nil {
		return nil, fmt.Errorf("encode root key: %w", err)
	}
	raw := sk.Bytes()
	seed := sha256.Sum256(append([]byte("ic-devnet-node-key"), raw[:]...))
	node := ed25519.NewKeyFromSeed(seed[:])
	nodeDER := append(mustHex("302a300506032b6570032100"), node.Public().(ed25519.PublicKey)...)
	return &keys{
		root:       &root,
		rootDER:    der,
		node:       node,
		nodeDER:    nodeDER,
		nodeID:     principal.NewSelfAuthenticating(nodeDER),
		subnetSelf: principal.NewSelfAuthenticating(der),
	}, nil
}

// signRoot signs a certificate root hash.
func (k *keys) signRoot(rootHash [32]byte) ([]byte, error) {
	msg := append([]byte("\x0Dic-state-root"), rootHash[:]...)
	sig, err := k.root.Sign(msg)
	if err != nil {
		return nil, fmt.Errorf("sign certificate: %w", err)
	}
	b := (*bls12381.G1Affine)(sig).Bytes()
	return b[:], nil
}

// signResponse signs a query response hash with the node key.
func (k *keys) signResponse(h [32]byte) []byte {
	return ed25519.Sign(k.node, append([]byte("\x0Bic-response"), h[:]...))
}
