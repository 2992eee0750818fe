package identity

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse: no input panics; anything accepted signs and verifies.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.pem")
	for _, p := range files {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		id, _, err := Parse(data)
		if err != nil {
			return
		}
		msg := []byte("fuzz")
		sig, err := id.Sign(msg)
		if err != nil || !id.Verify(msg, sig) {
			t.Fatalf("accepted key does not sign: %v", err)
		}
	})
}
