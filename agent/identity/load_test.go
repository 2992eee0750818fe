package identity

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeKey(t *testing.T, dir, name string, mode os.FileMode, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil { // umask may have narrowed it
		t.Fatal(err)
	}
	return p
}

func TestLoadPermissions(t *testing.T) {
	key := readTestdata(t, "icp_decrypted_sec1_k256.pem")
	const want = "5upke-tazvi-6ufqc-i3v6r-j4gpu-dpwti-obhal-yb5xj-ue32x-ktkql-rqe"
	tests := []struct {
		mode          os.FileMode
		allowInsecure bool
		wantErr       bool
	}{
		{0o600, false, false},
		{0o400, false, false},
		{0o640, false, true},
		{0o644, false, true},
		{0o604, false, true},
		{0o620, false, true},
		{0o644, true, false},
	}
	for _, tt := range tests {
		p := writeKey(t, t.TempDir(), "id.pem", tt.mode, key)
		l, err := Load(Source{PEMFile: p, AllowInsecureKeyFile: tt.allowInsecure})
		if tt.wantErr {
			var ie *InsecureKeyFileError
			if !errors.As(err, &ie) {
				t.Fatalf("mode %04o: err = %v, want InsecureKeyFileError", tt.mode, err)
			}
			for _, s := range []string{p, "chmod 600 " + p, "--allow-insecure-key-file"} {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("mode %04o: message %q lacks %q", tt.mode, err, s)
				}
			}
			continue
		}
		if err != nil {
			t.Fatalf("mode %04o: %v", tt.mode, err)
		}
		if l.Principal() != want || l.Type != Secp256k1 {
			t.Errorf("mode %04o: principal %s type %s", tt.mode, l.Principal(), l.Type)
		}
	}
}

func TestLoadCredential(t *testing.T) {
	dir := t.TempDir()
	writeKey(t, dir, DefaultCredentialName, 0o400, readTestdata(t, "icp_pkcs8_p256.pem"))
	writeKey(t, dir, "other", 0o400, readTestdata(t, "icp_decrypted_pkcs8_ed25519.pem"))
	tests := []struct {
		name    string
		src     Source
		want    string
		wantErr string
	}{
		{"default name", Source{CredentialsDir: dir}, "qkn3n-adewz-qvqxz-gkchb-ughyj-pl23l-ezdak-7rnds-fime4-si4tn-nae", ""},
		{"named", Source{CredentialsDir: dir, Credential: "other"}, "jj5yb-kxwog-t6hmv-jxmpm-rtuci-uikjz-qkezj-4armi-wihgt-ulmi3-bqe", ""},
		{"no dir", Source{Credential: "other"}, "", "CREDENTIALS_DIRECTORY is not set"},
		{"nothing", Source{}, "", "no key configured"},
		{"escape", Source{CredentialsDir: dir, Credential: "../x"}, "", "invalid credential name"},
		{"both", Source{CredentialsDir: dir, Credential: "other", PEMFile: "/x"}, "", "not both"},
		{"missing", Source{CredentialsDir: dir, Credential: "nope"}, "", "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := Load(tt.src)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if l.Principal() != tt.want {
				t.Errorf("principal = %s, want %s", l.Principal(), tt.want)
			}
		})
	}
}

func TestLoadBadKeyErrorNamesFileNotKey(t *testing.T) {
	data := readTestdata(t, "icp_pkcs8_k256.pem")
	bad := truncateKey(data)
	p := writeKey(t, t.TempDir(), "bad.pem", 0o600, bad)
	_, err := Load(Source{PEMFile: p})
	if err == nil || !strings.Contains(err.Error(), p) {
		t.Fatalf("err = %v, want naming %s", err, p)
	}
	assertNoKeyMaterial(t, err.Error(), data)
	assertNoKeyMaterial(t, err.Error(), bad)
}

func TestWriteNew(t *testing.T) {
	for _, typ := range []KeyType{Ed25519, Secp256k1, P256} {
		t.Run(string(typ), func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "new.pem")
			created, err := WriteNew(p, typ)
			if err != nil {
				t.Fatal(err)
			}
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("mode = %04o, want 0600", fi.Mode().Perm())
			}
			loaded, err := Load(Source{PEMFile: p})
			if err != nil {
				t.Fatal(err)
			}
			if loaded.Principal() != created.Principal() || loaded.Type != typ {
				t.Errorf("reloaded %s/%s, created %s/%s", loaded.Principal(), loaded.Type, created.Principal(), typ)
			}
			before, _ := os.ReadFile(p)
			if _, err := WriteNew(p, typ); err == nil || !strings.Contains(err.Error(), "refusing to overwrite") {
				t.Fatalf("second WriteNew: err = %v", err)
			}
			after, _ := os.ReadFile(p)
			if string(before) != string(after) {
				t.Error("existing key was modified")
			}
		})
	}
	if _, err := WriteNew(filepath.Join(t.TempDir(), "x.pem"), "rsa"); err == nil {
		t.Error("unknown type accepted")
	}
}
