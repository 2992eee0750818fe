// Package secretfile is the one reader of the files that hold votebot's
// secrets: the hotkey (identity.pem_file, a credential), the console token
// (console.token_file) and the SMTP password (password_file). Every one is
// refused when group or others may read it, when it is not a regular file or
// when it is larger than a secret can be.
package secretfile

import (
	"fmt"
	"io"
	"io/fs"
	"os"
)

// MaxSize bounds what is read: a PEM key is under 1 KiB and a token or a
// password far less, so anything bigger is the wrong file.
const MaxSize = 64 << 10

// Options adjust Read.
type Options struct {
	// AllowInsecure accepts a file that group or others may access
	// (identity.allow_insecure_key_file).
	AllowInsecure bool
}

// InsecureError reports a secret file that group or others may access.
type InsecureError struct {
	Path string
	Mode fs.FileMode
}

func (e *InsecureError) Error() string {
	return fmt.Sprintf("%s has mode %04o: it must not be accessible by group or others; fix with `chmod 600 %s`",
		e.Path, uint32(e.Mode), e.Path)
}

// Read returns the content of the secret file at path with its trailing
// line ending trimmed (an editor or `echo` adds one that is no part of the
// secret). Errors name the file, never its content.
func Read(path string, o Options) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 && !o.AllowInsecure {
		return nil, &InsecureError{Path: path, Mode: perm}
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(data) > MaxSize {
		clear(data)
		return nil, fmt.Errorf("%s is larger than %d bytes: not a secret file", path, MaxSize)
	}
	return trimNewline(data), nil
}

func trimNewline(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}
