package devnet

//lint:file-ignore ST1005 the devnet answers with the replica's own error messages, capitalized as the IC writes them

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/aviate-labs/agent-go/principal"
	secp "github.com/consensys/gnark-crypto/ecc/secp256k1/ecdsa"
	"github.com/consensys/gnark-crypto/ecc/secp256k1/fr"
)

// DER prefixes of the public keys a sender may use.
var (
	derPrefixEd25519   = mustHex("302a300506032b6570032100")
	derPrefixSecp256k1 = mustHex("3056301006072a8648ce3d020106052b8104000a034200")
	derPrefixP256      = mustHex("3059301306072a8648ce3d020106082a8648ce3d030107034200")
)

const (
	// maxDelegations is the replica's limit on a sender delegation chain.
	maxDelegations = 20
	// maxIngressTTL and permittedDrift bound ingress_expiry, as the replica
	// does: [now, now + 5 min + 30 s].
	maxIngressTTL  = 5 * time.Minute
	permittedDrift = 30 * time.Second
)

var (
	domainRequest    = []byte("\x0Aic-request")
	domainDelegation = []byte("\x1Aic-request-auth-delegation")
	secpHalfOrder    = new(big.Int).Rsh(fr.Modulus(), 1)
)

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// checkExpiry enforces the ingress-expiry window on the wall clock.
func checkExpiry(expiry uint64, now time.Time) error {
	lo := now
	hi := now.Add(maxIngressTTL + permittedDrift)
	if expiry < uint64(lo.UnixNano()) || expiry > uint64(hi.UnixNano()) {
		return fmt.Errorf("Invalid request expiry: Specified ingress_expiry not within expected range: "+
			"Minimum allowed expiry: %s, Maximum allowed expiry: %s, Provided expiry: %s",
			fmtICTime(uint64(lo.UnixNano())), fmtICTime(uint64(hi.UnixNano())), fmtICTime(expiry))
	}
	return nil
}

func fmtICTime(ns uint64) string {
	if ns > 1<<63-1 {
		return fmt.Sprintf("%d ns", ns)
	}
	return time.Unix(0, int64(ns)).UTC().Format("2006-01-02 15:04:05.999999999 UTC")
}

// authenticate checks the sender, the signature and the delegation chain of
// env at time now. It returns the canisters the request may target (nil
// means any).
func authenticate(env *envelope, now time.Time) (targets []principal.Principal, restricted bool, err error) {
	sender := env.Content.Sender
	if sender.IsAnonymous() {
		if env.HasSig || env.HasKey || env.Delegations != nil {
			return nil, false, errors.New("Invalid signature: Signature is not allowed for the anonymous user.")
		}
		return nil, false, nil
	}
	if !env.HasKey || !env.HasSig {
		return nil, false, fmt.Errorf("Missing signature from user: %s", sender)
	}
	if !bytes.Equal(principal.NewSelfAuthenticating(env.SenderKey).Raw, sender.Raw) {
		return nil, false, fmt.Errorf("The user id %s does not match the public key %x", sender, env.SenderKey)
	}
	if len(env.Delegations) > maxDelegations {
		return nil, false, fmt.Errorf("Invalid delegation: Chain of delegations is too long: got %d delegations, but at most %d are allowed", len(env.Delegations), maxDelegations)
	}
	signer := env.SenderKey
	for i, d := range env.Delegations {
		h, err := hashMap(d.raw)
		if err != nil {
			return nil, false, fmt.Errorf("Invalid delegation: %v", err)
		}
		if err := verifySignature(signer, append(bytes.Clone(domainDelegation), h[:]...), d.Signature); err != nil {
			return nil, false, fmt.Errorf("Invalid delegation: Invalid signature on delegation %d: %v", i, err)
		}
		if d.Expiration < uint64(now.UnixNano()) {
			return nil, false, fmt.Errorf("Invalid delegation expiry: Delegation %d expired at %s", i, fmtICTime(d.Expiration))
		}
		if d.HasTargets {
			targets, restricted = intersectTargets(targets, restricted, d.Targets)
		}
		signer = d.PubKey
	}
	msg := append(bytes.Clone(domainRequest), env.RequestID[:]...)
	if err := verifySignature(signer, msg, env.SenderSig); err != nil {
		return nil, false, fmt.Errorf("Invalid signature: Invalid basic signature: %v", err)
	}
	return targets, restricted, nil
}

func intersectTargets(have []principal.Principal, restricted bool, next []principal.Principal) ([]principal.Principal, bool) {
	if !restricted {
		return next, true
	}
	var out []principal.Principal
	for _, a := range have {
		for _, b := range next {
			if bytes.Equal(a.Raw, b.Raw) {
				out = append(out, a)
				break
			}
		}
	}
	return out, true
}

// verifySignature checks sig over msg with a DER-encoded public key of one
// of the three supported schemes.
func verifySignature(der, msg, sig []byte) error {
	switch {
	case bytes.HasPrefix(der, derPrefixEd25519) && len(der) == len(derPrefixEd25519)+ed25519.PublicKeySize:
		pk := ed25519.PublicKey(der[len(derPrefixEd25519):])
		if len(sig) != ed25519.SignatureSize || !ed25519.Verify(pk, msg, sig) {
			return fmt.Errorf("Ed25519 signature could not be verified: public key %x, signature %x", []byte(pk), sig)
		}
		return nil
	case bytes.HasPrefix(der, derPrefixSecp256k1) && len(der) == len(derPrefixSecp256k1)+65:
		return verifySecp256k1(der[len(derPrefixSecp256k1):], msg, sig)
	case bytes.HasPrefix(der, derPrefixP256) && len(der) == len(derPrefixP256)+65:
		return verifyP256(der[len(derPrefixP256):], msg, sig)
	default:
		return fmt.Errorf("unsupported public key %x", der)
	}
}

func verifySecp256k1(point, msg, sig []byte) (err error) {
	if len(point) != 65 || point[0] != 0x04 || len(sig) != 64 {
		return errors.New("ECDSA secp256k1 signature could not be verified: malformed key or signature")
	}
	r := new(big.Int).SetBytes(sig[:32])
	s := new(big.Int).SetBytes(sig[32:])
	if r.Sign() == 0 || s.Sign() == 0 || r.Cmp(fr.Modulus()) >= 0 || s.Cmp(fr.Modulus()) >= 0 {
		return errors.New("ECDSA secp256k1 signature could not be verified: signature out of range")
	}
	if s.Cmp(secpHalfOrder) > 0 {
		return errors.New("ECDSA secp256k1 signature could not be verified: signature is not in low-S form")
	}
	var pk secp.PublicKey
	if _, err := pk.SetBytes(point[1:]); err != nil {
		return fmt.Errorf("ECDSA secp256k1 signature could not be verified: invalid public key: %v", err)
	}
	// The library can panic on degenerate points; a bad key is a client
	// error, never a crash.
	defer func() {
		if recover() != nil {
			err = errors.New("ECDSA secp256k1 signature could not be verified: invalid public key")
		}
	}()
	ok, verr := pk.Verify(sig, msg, sha256.New())
	if verr != nil || !ok {
		return errors.New("ECDSA secp256k1 signature could not be verified")
	}
	return nil
}

func verifyP256(point, msg, sig []byte) error {
	pk, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), point)
	if err != nil {
		return fmt.Errorf("ECDSA P256 signature could not be verified: invalid public key: %v", err)
	}
	if len(sig) != 64 {
		return errors.New("ECDSA P256 signature could not be verified: malformed signature")
	}
	digest := sha256.Sum256(msg)
	r := new(big.Int).SetBytes(sig[:32])
	s := new(big.Int).SetBytes(sig[32:])
	if !ecdsa.Verify(pk, digest[:], r, s) {
		return errors.New("ECDSA P256 signature could not be verified")
	}
	return nil
}
