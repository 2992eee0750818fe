package secretfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRead(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte, mode os.FileMode) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name     string
		path     string
		o        Options
		want     string
		wantErr  string
		insecure bool
	}{
		{"trailing newline trimmed", write("crlf", []byte("s3cret\r\n"), 0o600), Options{}, "s3cret", "", false},
		{"inner and leading spaces kept", write("spaces", []byte(" a b\n"), 0o400), Options{}, " a b", "", false},
		{"group-readable refused", write("group", []byte("s3cret"), 0o640), Options{}, "", "mode 0640", true},
		{"world-readable refused", write("world", []byte("s3cret"), 0o604), Options{}, "", "chmod 600", true},
		{"insecure allowed when asked", write("allowed", []byte("s3cret\n"), 0o644), Options{AllowInsecure: true}, "s3cret", "", false},
		{"too large", write("big", make([]byte, MaxSize+1), 0o600), Options{}, "", "larger than 65536 bytes", false},
		{"a directory", dir, Options{}, "", "not a regular file", false},
		{"missing", filepath.Join(dir, "nope"), Options{}, "", "no such file", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Read(tt.path, tt.o)
			if string(got) != tt.want || (err == nil) != (tt.wantErr == "") || err != nil && !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Read = %q, %v; want %q, error with %q", got, err, tt.want, tt.wantErr)
			}
			var ie *InsecureError
			if errors.As(err, &ie) != tt.insecure {
				t.Errorf("InsecureError = %v, want %v", errors.As(err, &ie), tt.insecure)
			}
			if err != nil && strings.Contains(err.Error(), "s3cret") {
				t.Errorf("the error shows the secret: %v", err)
			}
		})
	}
}
