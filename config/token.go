package config

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
)

// ConsoleCredentialName is the systemd credential the console's token is
// read from when no console.token_file is configured
// (LoadCredential=console-token:/etc/votebot/console-token).
const ConsoleCredentialName = "console-token"

// minConsoleTokenLen refuses a token short enough to guess; `openssl rand
// -hex 32` gives 64.
const minConsoleTokenLen = 16

// ErrNoConsoleToken: neither console.token_file nor the credential: the
// console is read-only.
var ErrNoConsoleToken = errors.New("console token: set console.token_file or the systemd credential " + ConsoleCredentialName)

// LoadConsoleToken reads the console's login token from file or, when file
// is empty, from the credential ConsoleCredentialName under credentialsDir
// (normally $CREDENTIALS_DIRECTORY), through ReadSecretFile. Surrounding
// white space is trimmed: it is compared with what a person types. The
// error wraps ErrNoConsoleToken when no token is configured (no file, and
// no credential present); it never contains the token.
func LoadConsoleToken(file, credentialsDir string) (Secret, error) {
	path := file
	if path == "" {
		if credentialsDir == "" {
			return Secret{}, ErrNoConsoleToken
		}
		path = filepath.Join(credentialsDir, ConsoleCredentialName)
	}
	s, err := ReadSecretFile(path)
	if file == "" && errors.Is(err, fs.ErrNotExist) {
		return Secret{}, fmt.Errorf("%w (%v)", ErrNoConsoleToken, err)
	}
	if err != nil {
		return Secret{}, fmt.Errorf("console token: %w", err)
	}
	token := strings.TrimSpace(s.Reveal())
	if len(token) < minConsoleTokenLen {
		return Secret{}, fmt.Errorf("console token: %s holds %d characters, want at least %d (e.g. openssl rand -hex 32)",
			path, len(token), minConsoleTokenLen)
	}
	return NewSecret(token), nil
}
