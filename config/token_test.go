package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const testToken = "correct-horse-battery-staple-0123456789"

func TestLoadConsoleToken(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string, mode os.FileMode) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("token", "  "+testToken+"\n", 0o600)
	loose := write("loose", testToken, 0o644)
	short := write("short", "abc123\n", 0o600)
	credDir := t.TempDir()
	if err := os.WriteFile(filepath.Join(credDir, ConsoleCredentialName), []byte(testToken), 0o400); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, file, credDir string
		want, wantErr       string
	}{
		{"file, trimmed", good, "", testToken, ""},
		{"file wins over the credential", good, credDir, testToken, ""},
		{"credential", "", credDir, testToken, ""},
		{"readable by others", loose, "", "", "mode 0644"},
		{"too short", short, "", "", "at least 16"},
		{"missing", filepath.Join(dir, "nope"), "", "", "no such file"},
		{"nothing configured", "", "", "", "console.token_file"},
		{"credential absent", "", t.TempDir(), "", "console.token_file"},
	}
	for _, tt := range tests {
		secret, err := LoadConsoleToken(tt.file, tt.credDir)
		got := secret.Reveal()
		if got != tt.want || (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("%s: LoadConsoleToken = %q, %v; want %q, error with %q", tt.name, got, err, tt.want, tt.wantErr)
		}
		if noToken := tt.file == "" && tt.want == ""; noToken != errors.Is(err, ErrNoConsoleToken) {
			t.Errorf("%s: errors.Is(err, ErrNoConsoleToken) = %v, want %v", tt.name, !noToken, noToken)
		}
		if err != nil && strings.Contains(err.Error(), testToken) {
			t.Errorf("%s: the error shows the token", tt.name)
		}
	}
}
