package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Run(context.Background(), args, Streams{In: strings.NewReader(""), Out: &out, Err: &errb})
	return code, out.String(), errb.String()
}

func copyKey(t *testing.T, src, dst string, mode os.FileMode) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, data, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dst, mode); err != nil {
		t.Fatal(err)
	}
}

const testdataK256 = "../../agent/identity/testdata/icp_decrypted_sec1_k256.pem"
const principalK256 = "5upke-tazvi-6ufqc-i3v6r-j4gpu-dpwti-obhal-yb5xj-ue32x-ktkql-rqe"

func TestIdentityShow(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.pem")
	open := filepath.Join(dir, "open.pem")
	copyKey(t, testdataK256, good, 0o600)
	copyKey(t, testdataK256, open, 0o644)
	t.Setenv("CREDENTIALS_DIRECTORY", dir)

	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string
		wantErr  string
	}{
		{"pem", []string{"identity", "show", "--pem-file", good}, 0, principalK256 + "\n", ""},
		{"insecure refused", []string{"identity", "show", "--pem-file", open}, 1, "", "chmod 600 " + open},
		{"insecure allowed", []string{"identity", "show", "--pem-file", open, "--allow-insecure-key-file"}, 0, principalK256 + "\n", ""},
		{"credential", []string{"identity", "show", "--credential", "good.pem"}, 0, principalK256 + "\n", ""},
		{"both", []string{"identity", "show", "--credential", "good.pem", "--pem-file", good}, 1, "", "none of the others"},
		{"old --pem still works, with a note", []string{"identity", "show", "--pem", good}, 0, principalK256 + "\n", "--pem is deprecated and will be removed: use --pem-file"},
		{"old --pem and credential", []string{"identity", "show", "--credential", "good.pem", "--pem", good}, 1, "", "none of the others"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, tt.args...)
			if code != tt.wantCode || out != tt.wantOut || !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("code %d out %q err %q; want %d %q containing %q", code, out, errOut, tt.wantCode, tt.wantOut, tt.wantErr)
			}
		})
	}
}

func TestIdentityNew(t *testing.T) {
	for _, typ := range []string{"ed25519", "secp256k1"} {
		t.Run(typ, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "hotkey.pem")
			code, out, errOut := runCLI(t, "identity", "new", "--type", typ, "--pem-file", p)
			if code != 0 {
				t.Fatalf("new: code %d: %s", code, errOut)
			}
			created := strings.SplitN(out, "\n", 2)[0]
			fi, err := os.Stat(p)
			if err != nil || fi.Mode().Perm() != 0o600 {
				t.Fatalf("stat: %v mode %v", err, fi.Mode())
			}
			code, shown, _ := runCLI(t, "identity", "show", "--pem-file", p)
			if code != 0 || strings.TrimSpace(shown) != created {
				t.Errorf("show printed %q, new printed %q", shown, created)
			}
			code, _, errOut = runCLI(t, "identity", "new", "--type", typ, "--pem-file", p)
			if code == 0 || !strings.Contains(errOut, "refusing to overwrite") {
				t.Errorf("overwrite: code %d err %q", code, errOut)
			}
		})
	}
	if code, _, errOut := runCLI(t, "identity", "new", "--type", "rsa", "--pem-file", filepath.Join(t.TempDir(), "x")); code == 0 || !strings.Contains(errOut, "--type") {
		t.Errorf("bad type: code %d err %q", code, errOut)
	}
	// Key types are case-insensitive; the old --out flag still works and says what replaces it.
	p := filepath.Join(t.TempDir(), "upper.pem")
	if code, _, errOut := runCLI(t, "identity", "new", "--type", "ED25519", "--out", p); code != 0 || !strings.Contains(errOut, "use --pem-file") {
		t.Errorf("--type ED25519 --out: code %d err %q", code, errOut)
	}
	if _, err := os.Stat(p); err != nil {
		t.Errorf("--out wrote nothing: %v", err)
	}
}
