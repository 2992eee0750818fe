package config

import (
	"strings"

	"github.com/votebot/votebot/agent/identity"
)

// CheckKeyFile loads the hotkey as the daemon will, so that `votebot config validate` reports a
// missing, unreadable, insecure or malformed key file instead of "ok" (Parse reads no file).
// credentialsDir is $CREDENTIALS_DIRECTORY: a credential can only be checked where systemd
// provides it (e.g. ExecStartPre=votebot config validate in the unit); without it a credential
// is not checked and CheckKeyFile returns nil. The problem names the key's line in the file.
func (c *Config) CheckKeyFile(credentialsDir string) error {
	if c.Identity.PEMFile == "" && credentialsDir == "" {
		return nil
	}
	_, err := identity.Load(identity.Source{PEMFile: c.Identity.PEMFile, Credential: c.Identity.Credential,
		CredentialsDir: credentialsDir, AllowInsecureKeyFile: c.Identity.AllowInsecureKeyFile})
	if err == nil {
		return nil
	}
	p := c.keyAt
	p.Msg = strings.TrimPrefix(err.Error(), "identity: ")
	return Errors{p}
}
