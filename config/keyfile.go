package config

import (
	"errors"
	"strings"

	"github.com/votebot/votebot/agent/identity"
)

// CheckFiles reads every file the configuration names as the daemon will —
// the hotkey, each smtp.password_file and the console's token — so that
// `votebot config validate` reports a missing, unreadable, insecure or
// malformed file instead of "ok" (Parse reads no file), and a reload refuses
// what a start would refuse. credentialsDir is $CREDENTIALS_DIRECTORY: a
// credential can only be checked where systemd provides it (e.g.
// ExecStartPre=votebot config validate in the unit); without it a
// credential is not checked. Each problem names its key's line.
func (c *Config) CheckFiles(credentialsDir string) error {
	var probs Errors
	if c.Identity.PEMFile != "" || credentialsDir != "" {
		_, err := identity.Load(identity.Source{PEMFile: c.Identity.PEMFile, Credential: c.Identity.Credential,
			CredentialsDir: credentialsDir, AllowInsecureKeyFile: c.Identity.AllowInsecureKeyFile})
		if err != nil {
			p := c.keyAt
			p.Msg = strings.TrimPrefix(err.Error(), "identity: ")
			probs = append(probs, p)
		}
	}
	for _, name := range sortedKeys(c.Alerts.Channels) {
		if f := c.Alerts.Channels[name].SMTP.PasswordFile; f != "" {
			if _, err := ReadSecretFile(f); err != nil {
				probs = append(probs, c.src.at("alerts.channels."+name+".smtp.password_file", "%v", err))
			}
		}
	}
	if c.Console != nil {
		_, err := LoadConsoleToken(c.Console.TokenFile, credentialsDir)
		if err != nil && !errors.Is(err, ErrNoConsoleToken) {
			probs = append(probs, c.src.at("console.token_file", "%v", err))
		}
	}
	if len(probs) == 0 {
		return nil
	}
	return probs.sorted()
}
