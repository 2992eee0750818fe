package console

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// CredentialName is the systemd credential the daemon reads the token from when no
// console.token_file is configured (LoadCredential=console-token:/etc/votebot/console-token).
const CredentialName = "console-token"

// minTokenLen refuses a token short enough to guess; `openssl rand -hex 32` gives 64.
const minTokenLen = 16

// LoadToken reads the login token from file or, when file is empty, from the credential
// CredentialName under credentialsDir (normally $CREDENTIALS_DIRECTORY). Surrounding white space
// is trimmed. A file that group or others may read is refused: the token decides votes. The
// error never contains the token.
func LoadToken(file, credentialsDir string) (string, error) {
	path := file
	if path == "" {
		if credentialsDir == "" {
			return "", errors.New("console token: set console.token_file or the systemd credential " + CredentialName)
		}
		path = filepath.Join(credentialsDir, CredentialName)
	}
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("console token: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return "", fmt.Errorf("console token: %w", err)
	}
	if info.Mode().Perm()&0o077 != 0 {
		return "", fmt.Errorf("console token: %s is mode %04o; make it readable by its owner only (chmod 600)", path, info.Mode().Perm())
	}
	data, err := io.ReadAll(io.LimitReader(f, 4096))
	if err != nil {
		return "", fmt.Errorf("console token: read %s: %w", path, err)
	}
	token := strings.TrimSpace(string(data))
	if len(token) < minTokenLen {
		return "", fmt.Errorf("console token: %s holds %d characters, want at least %d (e.g. openssl rand -hex 32)", path, len(token), minTokenLen)
	}
	return token, nil
}
