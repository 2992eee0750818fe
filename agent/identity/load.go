package identity

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	agentid "github.com/aviate-labs/agent-go/identity"

	"github.com/votebot/votebot/internal/secretfile"
)

// CredentialsDirEnv is the variable systemd sets for a unit with
// LoadCredential=.
const CredentialsDirEnv = "CREDENTIALS_DIRECTORY"

// DefaultCredentialName is the credential the daemon reads when it runs
// under systemd and no other source is configured
// (deploy/votebot.service: LoadCredential=hotkey.pem:/etc/votebot/hotkey.pem).
const DefaultCredentialName = "hotkey.pem"

// Source says where the key comes from: a PEM file, or a systemd credential.
type Source struct {
	// PEMFile is the path of a PEM key file.
	PEMFile string
	// Credential is a credential name under CredentialsDir.
	Credential string
	// CredentialsDir is normally os.Getenv(CredentialsDirEnv).
	CredentialsDir string
	// AllowInsecureKeyFile accepts a key file that group or others can
	// access. Off by default: a hotkey can vote for the neurons.
	AllowInsecureKeyFile bool
}

// Loaded is a loaded identity and where it came from.
type Loaded struct {
	Identity Identity
	Type     KeyType
	// Path is the file that was read.
	Path string
}

// Principal returns the textual principal, the text to add as a hotkey.
func (l Loaded) Principal() string { return l.Identity.Sender().Encode() }

// Load reads the identity named by src. With both PEMFile and Credential
// empty, it uses DefaultCredentialName when CredentialsDir is set.
func Load(src Source) (Loaded, error) {
	path, err := src.path()
	if err != nil {
		return Loaded{}, err
	}
	data, err := readKeyFile(path, src.AllowInsecureKeyFile)
	if err != nil {
		return Loaded{}, err
	}
	id, typ, err := Parse(data)
	clear(data)
	if err != nil {
		return Loaded{}, fmt.Errorf("key file %s: %w", path, err)
	}
	return Loaded{Identity: id, Type: typ, Path: path}, nil
}

func (src Source) path() (string, error) {
	switch {
	case src.PEMFile != "" && src.Credential != "":
		return "", errors.New("identity: give either a PEM file or a credential name, not both")
	case src.PEMFile != "":
		return src.PEMFile, nil
	}
	name := src.Credential
	if name == "" {
		name = DefaultCredentialName
	}
	if src.CredentialsDir == "" {
		if src.Credential == "" {
			return "", errors.New("identity: no key configured (give a PEM file, or run under systemd with LoadCredential=)")
		}
		return "", fmt.Errorf("identity: credential %q requested but $%s is not set (is LoadCredential= in the unit?)", name, CredentialsDirEnv)
	}
	if name != filepath.Base(name) || name == "." || name == ".." || strings.ContainsRune(name, os.PathSeparator) {
		return "", fmt.Errorf("identity: invalid credential name %q", name)
	}
	return filepath.Join(src.CredentialsDir, name), nil
}

func readKeyFile(path string, allowInsecure bool) ([]byte, error) {
	data, err := secretfile.Read(path, secretfile.Options{AllowInsecure: allowInsecure})
	var insecure *secretfile.InsecureError
	if errors.As(err, &insecure) {
		return nil, &InsecureKeyFileError{Path: path, Mode: insecure.Mode}
	}
	if err != nil {
		return nil, fmt.Errorf("identity: %w", err)
	}
	return data, nil
}

// InsecureKeyFileError reports a key file that group or others may access.
type InsecureKeyFileError struct {
	Path string
	Mode fs.FileMode
}

func (e *InsecureKeyFileError) Error() string {
	return fmt.Sprintf("identity: key file %s has mode %04o: it must not be accessible by group or others; fix with `chmod 600 %s` (or pass --allow-insecure-key-file to accept it)",
		e.Path, uint32(e.Mode), e.Path)
}

// Generate creates a new key of type t and returns its PEM encoding in the
// format dfx writes.
func Generate(t KeyType) ([]byte, Identity, error) {
	var id Identity
	var err error
	switch t {
	case Ed25519:
		id, err = agentid.NewRandomEd25519Identity()
	case Secp256k1:
		id, err = agentid.NewRandomSecp256k1Identity()
	case P256:
		id, err = agentid.NewRandomPrime256v1Identity()
	default:
		return nil, nil, fmt.Errorf("identity: unknown key type %q (want ed25519, secp256k1 or prime256v1)", t)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("identity: generate %s key: %w", t, err)
	}
	data, err := id.ToPEM()
	if err != nil {
		return nil, nil, fmt.Errorf("identity: encode %s key: %w", t, err)
	}
	return data, id, nil
}

// WriteNew generates a key of type t into path with mode 0600. It refuses to
// overwrite an existing file.
func WriteNew(path string, t KeyType) (Loaded, error) {
	data, id, err := Generate(t)
	if err != nil {
		return Loaded{}, err
	}
	defer clear(data)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return Loaded{}, fmt.Errorf("identity: %s already exists: refusing to overwrite a key", path)
	}
	if err != nil {
		return Loaded{}, fmt.Errorf("identity: %w", err)
	}
	if err := writeAndClose(f, data); err != nil {
		_ = os.Remove(path)
		return Loaded{}, fmt.Errorf("identity: write %s: %w", path, err)
	}
	return Loaded{Identity: id, Type: t, Path: path}, nil
}

func writeAndClose(f *os.File, data []byte) error {
	// The umask can only narrow 0600, but a pre-set ACL default could not;
	// be explicit.
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
