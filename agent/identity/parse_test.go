package identity

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	agentid "github.com/aviate-labs/agent-go/identity"
)

// Published key → principal vectors. Sources: dfinity/icp-cli
// crates/icp-cli/tests/identity_tests.rs (what `icp identity principal`
// prints), dfinity/sdk e2e/tests-dfx/ed25519.bash (`dfx identity
// get-principal`), agent-js packages/identity-secp256k1 pem tests,
// AstroxNetwork/agent_dart test/wallet/pem.dart.
var vectors = []struct {
	file      string
	typ       KeyType
	principal string
}{
	{"icp_decrypted_sec1_k256.pem", Secp256k1, "5upke-tazvi-6ufqc-i3v6r-j4gpu-dpwti-obhal-yb5xj-ue32x-ktkql-rqe"},
	{"icp_separate_params_sec1_k256.pem", Secp256k1, "5upke-tazvi-6ufqc-i3v6r-j4gpu-dpwti-obhal-yb5xj-ue32x-ktkql-rqe"},
	{"icp_pkcs8_k256.pem", Secp256k1, "5upke-tazvi-6ufqc-i3v6r-j4gpu-dpwti-obhal-yb5xj-ue32x-ktkql-rqe"},
	{"agentdart_secp256k1.pem", Secp256k1, "4tu7k-esetu-2lfo6-zzg45-ivl5m-77h3d-gjszr-uoeg4-zh24n-jly75-dqe"},
	{"agentjs_secp256k1.pem", Secp256k1, "42gbo-uiwfn-oq452-ql6yp-4jsqn-a6bxk-n7l4z-ni7os-yptq6-3htob-vqe"},
	{"icp_decrypted_sec1_p256.pem", P256, "qkn3n-adewz-qvqxz-gkchb-ughyj-pl23l-ezdak-7rnds-fime4-si4tn-nae"},
	{"icp_separate_params_sec1_p256.pem", P256, "qkn3n-adewz-qvqxz-gkchb-ughyj-pl23l-ezdak-7rnds-fime4-si4tn-nae"},
	{"icp_pkcs8_p256.pem", P256, "qkn3n-adewz-qvqxz-gkchb-ughyj-pl23l-ezdak-7rnds-fime4-si4tn-nae"},
	{"icp_decrypted_pkcs8_ed25519.pem", Ed25519, "jj5yb-kxwog-t6hmv-jxmpm-rtuci-uikjz-qkezj-4armi-wihgt-ulmi3-bqe"},
	{"icp_broken_dfx_pkcs8_ed25519.pem", Ed25519, "x7ywp-7tq2e-kf2va-55mam-af7m6-5hvrz-apafo-ytb7z-fsuh2-qdo4s-nqe"},
	{"dfx_e2e_ed25519.pem", Ed25519, "2nor3-keehi-duuup-d7jcn-onggn-3atzm-gejtl-5tlzn-k4g6c-nnbf7-7qe"},
	{"agentdart_ed25519.pem", Ed25519, "uz7u7-ut6sf-gx45r-pb3ww-ntxjp-y4lv2-bdobd-65xa3-7yt6t-ti2lz-aqe"},
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestParseKnownPrincipals(t *testing.T) {
	for _, v := range vectors {
		t.Run(v.file, func(t *testing.T) {
			id, typ, err := Parse(readTestdata(t, v.file))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if typ != v.typ {
				t.Errorf("type = %s, want %s", typ, v.typ)
			}
			if got := id.Sender().Encode(); got != v.principal {
				t.Errorf("principal = %s, want %s", got, v.principal)
			}
			msg := []byte("\x0Aic-request" + v.file)
			sig, err := id.Sign(msg)
			if err != nil || !id.Verify(msg, sig) {
				t.Errorf("sign/verify round trip failed: %v", err)
			}
		})
	}
}

// TestCrossCheckAgentGo loads the files agent-go's own loaders accept and
// checks that both agree on the public key.
func TestCrossCheckAgentGo(t *testing.T) {
	tests := []struct {
		file string
		load func([]byte) (agentid.Identity, error)
	}{
		{"icp_decrypted_pkcs8_ed25519.pem", func(b []byte) (agentid.Identity, error) { return agentid.NewEd25519IdentityFromPEM(b) }},
		{"icp_decrypted_sec1_k256.pem", func(b []byte) (agentid.Identity, error) {
			return agentid.NewSecp256k1IdentityFromPEMWithoutParameters(b)
		}},
		{"agentdart_secp256k1.pem", func(b []byte) (agentid.Identity, error) { return agentid.NewSecp256k1IdentityFromPEM(b) }},
		{"icp_decrypted_sec1_p256.pem", func(b []byte) (agentid.Identity, error) { return agentid.NewPrime256v1IdentityFromPEM(b) }},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data := readTestdata(t, tt.file)
			ours, _, err := Parse(data)
			if err != nil {
				t.Fatal(err)
			}
			theirs, err := tt.load(data)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(ours.PublicKey(), theirs.PublicKey()) {
				t.Errorf("public keys differ:\nours   %x\nagent-go %x", ours.PublicKey(), theirs.PublicKey())
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct {
		name    string
		data    []byte
		wantErr string
	}{
		{"empty", nil, "no PEM private key"},
		{"garbage", []byte("not a key"), "no PEM private key"},
		{"missing curve", readTestdata(t, "icp_missing_params_sec1_k256.pem"), "does not name its curve"},
		{"unsupported curve", readTestdata(t, "icp_unsupported_curve_sec1.pem"), "unsupported curve"},
		{"encrypted", readTestdata(t, "icp_encrypted_pkcs8_k256.pem"), "encrypted key files are not supported"},
		{"public key only", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: []byte{1, 2}}), `unexpected PEM block "PUBLIC KEY"`},
		{"two keys", append(readTestdata(t, "icp_decrypted_sec1_p256.pem"), readTestdata(t, "icp_decrypted_sec1_k256.pem")...), "more than one private key"},
		{"truncated der", truncateKey(readTestdata(t, "icp_pkcs8_k256.pem")), "not valid"},
		{"curve conflict", append(pem.EncodeToMemory(&pem.Block{Type: "EC PARAMETERS", Bytes: mustHex("06082a8648ce3d030107")}),
			readTestdata(t, "icp_decrypted_sec1_k256.pem")...), "two different curves"},
		{"wrong public key", swapPublicKey(t), "does not match"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Parse(tt.data)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want containing %q", err, tt.wantErr)
			}
		})
	}
	if _, _, err := Parse(readTestdata(t, "icp_encrypted_pkcs8_k256.pem")); !errors.Is(err, ErrEncryptedKey) {
		t.Errorf("encrypted: err = %v, want ErrEncryptedKey", err)
	}
}

func truncateKey(data []byte) []byte {
	b, _ := pem.Decode(data)
	b.Bytes = b.Bytes[:len(b.Bytes)-7]
	return pem.EncodeToMemory(b)
}

// swapPublicKey takes the k256 SEC1 key and replaces its public point with
// another key's: a corrupt file must not yield a wrong principal.
func swapPublicKey(t *testing.T) []byte {
	t.Helper()
	a, _ := pem.Decode(readTestdata(t, "icp_decrypted_sec1_k256.pem"))
	_, rest := pem.Decode(readTestdata(t, "agentdart_secp256k1.pem"))
	b, _ := pem.Decode(rest)
	// Both are 118-byte SEC1 keys with the 65-byte point at the end.
	out := append([]byte(nil), a.Bytes...)
	copy(out[len(out)-65:], b.Bytes[len(b.Bytes)-65:])
	return pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: out})
}

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// TestErrorsNeverContainKeyMaterial corrupts every vector in several ways
// and checks that no error message quotes the key: not its base64, not the
// hex or raw bytes of its DER.
func TestErrorsNeverContainKeyMaterial(t *testing.T) {
	for _, v := range vectors {
		data := readTestdata(t, v.file)
		var block *pem.Block
		for rest := data; ; {
			b, r := pem.Decode(rest)
			if b == nil {
				break
			}
			block, rest = b, r
		}
		corruptions := map[string][]byte{
			"truncated":   pem.EncodeToMemory(&pem.Block{Type: block.Type, Bytes: block.Bytes[:len(block.Bytes)/2]}),
			"trailing":    pem.EncodeToMemory(&pem.Block{Type: block.Type, Bytes: append(append([]byte(nil), block.Bytes...), 0x00)}),
			"wrong type":  pem.EncodeToMemory(&pem.Block{Type: "SECRET " + block.Type, Bytes: block.Bytes}),
			"flipped tag": pem.EncodeToMemory(&pem.Block{Type: block.Type, Bytes: append([]byte{0x31}, block.Bytes[1:]...)}),
		}
		for name, bad := range corruptions {
			_, _, err := Parse(bad)
			if err == nil {
				t.Errorf("%s/%s: parsed a corrupt key", v.file, name)
				continue
			}
			assertNoKeyMaterial(t, err.Error(), block.Bytes)
		}
	}
}

func assertNoKeyMaterial(t *testing.T, msg string, der []byte) {
	t.Helper()
	b64 := base64.StdEncoding.EncodeToString(der)
	for i := 0; i+16 <= len(der); i += 8 {
		chunk := der[i : i+16]
		if strings.Contains(msg, hex.EncodeToString(chunk)) || strings.Contains(msg, string(chunk)) ||
			strings.Contains(strings.ToLower(msg), strings.ToLower(hex.EncodeToString(chunk))) {
			t.Fatalf("error text contains key bytes: %q", msg)
		}
	}
	for i := 0; i+16 <= len(b64); i += 8 {
		if strings.Contains(msg, b64[i:i+16]) {
			t.Fatalf("error text contains base64 key text: %q", msg)
		}
	}
}
