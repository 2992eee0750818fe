package config

import (
	"fmt"
	"log/slog"

	"github.com/votebot/votebot/internal/secretfile"
)

// Secret holds a token, password or token-bearing URL. Every way of printing
// it — fmt verbs, JSON, text, slog — shows "[redacted]"; only Reveal returns
// the value, so a secret cannot leak into a log by accident.
type Secret struct{ value string }

// NewSecret wraps s.
func NewSecret(s string) Secret { return Secret{value: s} }

// Reveal returns the secret for the one place that must use it.
func (s Secret) Reveal() string { return s.value }

// IsZero reports whether no secret is set.
func (s Secret) IsZero() bool { return s.value == "" }

const redacted = "[redacted]"

func (s Secret) mask() string {
	if s.value == "" {
		return ""
	}
	return redacted
}

func (s Secret) String() string                    { return s.mask() }
func (s Secret) GoString() string                  { return `config.Secret("` + s.mask() + `")` }
func (s Secret) Format(f fmt.State, _ rune)        { fmt.Fprint(f, s.mask()) }
func (s Secret) MarshalText() ([]byte, error)      { return []byte(s.mask()), nil }
func (s Secret) LogValue() slog.Value              { return slog.StringValue(s.mask()) }
func (s Secret) MarshalYAML() (interface{}, error) { return s.mask(), nil }

// ReadSecretFile reads the secret a *_file key names (smtp.password_file)
// through the one reader of secret files: owner-only, at most
// secretfile.MaxSize bytes, the trailing newline trimmed.
func ReadSecretFile(path string) (Secret, error) {
	b, err := secretfile.Read(path, secretfile.Options{})
	if err != nil {
		return Secret{}, err
	}
	return NewSecret(string(b)), nil
}
