// Package identity loads, checks and creates the key the bot signs with.
//
// It reads the PEM formats that dfx and the icp CLI write (Ed25519 in
// PKCS#8; secp256k1 in SEC1 with or without an EC PARAMETERS block, or in
// PKCS#8; P-256 in SEC1 or PKCS#8) and returns an agent-go identity. Error
// messages describe what is wrong with a key file but never quote it: key
// material must not reach logs.
package identity

import (
	"crypto/ed25519"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"slices"

	agentid "github.com/aviate-labs/agent-go/identity"
)

// Identity is agent-go's signing identity; aliased so callers need only this
// package.
type Identity = agentid.Identity

// KeyType names a supported signature scheme.
type KeyType string

const (
	Ed25519   KeyType = "ed25519"
	Secp256k1 KeyType = "secp256k1"
	P256      KeyType = "prime256v1"
)

var (
	oidEd25519     = asn1.ObjectIdentifier{1, 3, 101, 112}
	oidECPublicKey = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}
	oidSecp256k1   = asn1.ObjectIdentifier{1, 3, 132, 0, 10}
	oidP256        = asn1.ObjectIdentifier{1, 2, 840, 10045, 3, 1, 7}
)

// ErrEncryptedKey reports a password-protected key file, which an unattended
// daemon cannot open.
var ErrEncryptedKey = errors.New("encrypted key files are not supported: export the key unencrypted (e.g. `dfx identity export NAME`) into a file with mode 0600, or use a systemd credential")

// pkcs8 is RFC 5958 OneAsymmetricKey. Attributes and the public key are
// optional; old dfx versions wrote the public key with a non-conforming
// tag, so it is captured raw and not interpreted.
type pkcs8 struct {
	Version    int
	Algorithm  algorithmIdentifier
	PrivateKey []byte
	Rest       []asn1.RawValue `asn1:"optional"`
}

type algorithmIdentifier struct {
	Algorithm  asn1.ObjectIdentifier
	Parameters asn1.RawValue `asn1:"optional"`
}

// sec1 is RFC 5915 ECPrivateKey.
type sec1 struct {
	Version    int
	PrivateKey []byte
	Curve      asn1.ObjectIdentifier `asn1:"optional,explicit,tag:0"`
	PublicKey  asn1.BitString        `asn1:"optional,explicit,tag:1"`
}

// Parse reads a PEM-encoded private key. It returns the identity and its
// key type. Errors never contain key bytes.
func Parse(data []byte) (Identity, KeyType, error) {
	var params asn1.ObjectIdentifier
	var key *pem.Block
	rest := data
	for {
		block, next := pem.Decode(rest)
		if block == nil {
			break
		}
		rest = next
		switch block.Type {
		case "EC PARAMETERS":
			if _, err := asn1.Unmarshal(block.Bytes, &params); err != nil {
				return nil, "", errors.New("EC PARAMETERS block is not a curve identifier")
			}
		case "EC PRIVATE KEY", "PRIVATE KEY":
			if key != nil {
				return nil, "", errors.New("more than one private key in the PEM data")
			}
			key = block
		case "ENCRYPTED PRIVATE KEY":
			return nil, "", ErrEncryptedKey
		default:
			return nil, "", fmt.Errorf("unexpected PEM block %q (want PRIVATE KEY or EC PRIVATE KEY)", block.Type)
		}
	}
	if key == nil {
		return nil, "", errors.New("no PEM private key found (want a PRIVATE KEY or EC PRIVATE KEY block)")
	}
	if _, ok := key.Headers["DEK-Info"]; ok {
		return nil, "", ErrEncryptedKey
	}
	if key.Type == "PRIVATE KEY" {
		if params != nil {
			return nil, "", errors.New("EC PARAMETERS block does not belong with a PKCS#8 PRIVATE KEY")
		}
		return parsePKCS8(key.Bytes)
	}
	return parseSEC1(key.Bytes, params)
}

func parsePKCS8(der []byte) (Identity, KeyType, error) {
	var k pkcs8
	if rest, err := asn1.Unmarshal(der, &k); err != nil || len(rest) != 0 {
		return nil, "", errors.New("PRIVATE KEY block is not valid PKCS#8")
	}
	switch {
	case k.Algorithm.Algorithm.Equal(oidEd25519):
		return parseEd25519Seed(k.PrivateKey)
	case k.Algorithm.Algorithm.Equal(oidECPublicKey):
		var curve asn1.ObjectIdentifier
		if _, err := asn1.Unmarshal(k.Algorithm.Parameters.FullBytes, &curve); err != nil {
			return nil, "", errors.New("PKCS#8 EC key does not name its curve")
		}
		return parseSEC1(k.PrivateKey, curve)
	default:
		return nil, "", fmt.Errorf("unsupported key algorithm %s (want Ed25519, secp256k1 or P-256)", k.Algorithm.Algorithm)
	}
}

func parseEd25519Seed(wrapped []byte) (Identity, KeyType, error) {
	var seed []byte
	if rest, err := asn1.Unmarshal(wrapped, &seed); err != nil || len(rest) != 0 || len(seed) != ed25519.SeedSize {
		return nil, "", errors.New("Ed25519 private key is malformed (want a 32-byte seed)")
	}
	priv := ed25519.NewKeyFromSeed(seed)
	id, err := agentid.NewEd25519Identity(priv.Public().(ed25519.PublicKey), priv)
	if err != nil {
		return nil, "", errors.New("Ed25519 key rejected")
	}
	return id, Ed25519, nil
}

// parseSEC1 reads an ECPrivateKey; outer names the curve when the key
// itself does not (EC PARAMETERS block or PKCS#8 algorithm parameters).
func parseSEC1(der []byte, outer asn1.ObjectIdentifier) (Identity, KeyType, error) {
	var k sec1
	if rest, err := asn1.Unmarshal(der, &k); err != nil || len(rest) != 0 {
		return nil, "", errors.New("EC private key is not valid SEC1")
	}
	curve := k.Curve
	switch {
	case curve == nil && outer == nil:
		return nil, "", errors.New("EC private key does not name its curve (add the EC PARAMETERS block)")
	case curve == nil:
		curve = outer
	case outer != nil && !curve.Equal(outer):
		return nil, "", errors.New("EC private key names two different curves")
	}
	if !curve.Equal(oidSecp256k1) && !curve.Equal(oidP256) {
		return nil, "", fmt.Errorf("unsupported curve %s (want secp256k1 or P-256)", curve)
	}
	if len(k.PrivateKey) == 0 || len(k.PrivateKey) > 32 {
		return nil, "", errors.New("EC private key has a bad scalar length")
	}
	switch {
	case curve.Equal(oidSecp256k1):
		return secp256k1FromScalar(k)
	case curve.Equal(oidP256):
		return p256FromScalar(k)
	default:
		return nil, "", fmt.Errorf("unsupported curve %s (want secp256k1 or P-256)", curve)
	}
}

// secp256k1FromScalar hands agent-go a normalised SEC1 key without the
// public key, so that the public key (and principal) is always derived from
// the scalar, then checks the file's public key if it has one.
func secp256k1FromScalar(k sec1) (Identity, KeyType, error) {
	norm, err := asn1.Marshal(sec1{Version: 1, PrivateKey: k.PrivateKey, Curve: oidSecp256k1})
	if err != nil {
		return nil, "", errors.New("secp256k1 key could not be re-encoded")
	}
	id, err := newSecp256k1(norm)
	if err != nil {
		return nil, "", errors.New("secp256k1 private key is invalid")
	}
	if err := checkPublicKey(id, k.PublicKey.Bytes); err != nil {
		return nil, "", err
	}
	return id, Secp256k1, nil
}

func newSecp256k1(sec1DER []byte) (id *agentid.Secp256k1Identity, err error) {
	// gnark-crypto is not documented to reject every bad scalar gracefully.
	defer func() {
		if r := recover(); r != nil {
			id, err = nil, errors.New("invalid scalar")
		}
	}()
	return agentid.NewSecp256k1IdentityFromPEMWithoutParameters(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: sec1DER}))
}

func p256FromScalar(k sec1) (Identity, KeyType, error) {
	norm, err := asn1.Marshal(sec1{Version: 1, PrivateKey: k.PrivateKey, Curve: oidP256})
	if err != nil {
		return nil, "", errors.New("P-256 key could not be re-encoded")
	}
	priv, err := x509.ParseECPrivateKey(norm)
	if err != nil {
		return nil, "", errors.New("P-256 private key is invalid")
	}
	id := agentid.NewPrime256v1Identity(priv)
	if err := checkPublicKey(id, k.PublicKey.Bytes); err != nil {
		return nil, "", err
	}
	return id, P256, nil
}

// checkPublicKey compares a file's uncompressed public point with the one
// derived from the private scalar: a mismatch means a corrupt file whose
// principal would be wrong.
func checkPublicKey(id Identity, point []byte) error {
	if len(point) != 65 || point[0] != 0x04 {
		// Absent or compressed: the key is derived from the scalar anyway.
		return nil
	}
	der := id.PublicKey()
	if len(der) < len(point) || !slices.Equal(der[len(der)-len(point):], point) {
		return errors.New("EC private key's public key does not match its private scalar")
	}
	return nil
}
