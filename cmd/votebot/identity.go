package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/votebot/votebot/agent/identity"
)

func newIdentityCmd(s Streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "identity",
		Short: "Create the bot's hotkey or show its principal",
		Long: `The bot signs in with a hotkey: a key that may vote and set following for a
neuron but cannot move funds or change the neuron. Create one with
"votebot identity new", then add the printed principal to each neuron as a
hotkey (NNS dapp: neuron → Hotkeys → Add).`,
	}
	cmd.AddCommand(newIdentityShowCmd(s), newIdentityNewCmd(s))
	return cmd
}

func newIdentityShowCmd(s Streams) *cobra.Command {
	var src identity.Source
	cmd := &cobra.Command{
		Use:   "show [--pem-file FILE | --credential NAME]",
		Short: "Print the principal of the bot's key (the text to add as a hotkey)",
		Long: `Print the principal of the bot's key, the same text "dfx identity
get-principal" or "icp identity principal" print for that PEM file.

Without --pem-file, the key is read from the systemd credential NAME (default
` + identity.DefaultCredentialName + `) in $` + identity.CredentialsDirEnv + `.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			src.CredentialsDir = os.Getenv(identity.CredentialsDirEnv)
			l, err := identity.Load(src)
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					return fmt.Errorf("%w (check the path; \"votebot identity new --pem-file FILE\" creates a key)", err)
				}
				return err
			}
			_, err = fmt.Fprintln(s.Out, l.Principal())
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&src.PEMFile, "pem-file", "", "PEM key file (Ed25519, secp256k1 or P-256, as dfx/icp/quill write it)")
	addDeprecatedAlias(cmd, "pem", "pem-file", &src.PEMFile)
	f.StringVar(&src.Credential, "credential", "", "systemd credential name (LoadCredential=) to read the key from")
	f.BoolVar(&src.AllowInsecureKeyFile, "allow-insecure-key-file", false, "accept a key file readable by group or others")
	cmd.MarkFlagsMutuallyExclusive("pem-file", "credential")
	cmd.MarkFlagsMutuallyExclusive("pem", "credential")
	return cmd
}

func newIdentityNewCmd(s Streams) *cobra.Command {
	var typ, out string
	cmd := &cobra.Command{
		Use:   "new --pem-file FILE [--type ed25519|secp256k1]",
		Short: "Create a new hotkey in FILE (mode 0600; never overwrites)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return errors.New("identity new: --pem-file FILE is required (where to write the new key, e.g. /etc/votebot/hotkey.pem)")
			}
			kt := identity.KeyType(strings.ToLower(strings.TrimSpace(typ)))
			if kt != identity.Ed25519 && kt != identity.Secp256k1 {
				return fmt.Errorf("identity new: --type must be ed25519 or secp256k1, not %q", typ)
			}
			l, err := identity.WriteNew(out, kt)
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					return fmt.Errorf("%w (create the directory first)", err)
				}
				return err
			}
			_, err = fmt.Fprintf(s.Out, "%s\nWrote a new %s key to %s (mode 0600).\nAdd the principal above to each neuron as a hotkey; keep the controller key elsewhere.\n",
				l.Principal(), kt, out)
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&typ, "type", string(identity.Secp256k1), "key type: ed25519 or secp256k1")
	f.StringVar(&out, "pem-file", "", "file to write the new key to (PEM, as quill --pem-file and config identity.pem_file read it)")
	addDeprecatedAlias(cmd, "out", "pem-file", &out)
	return cmd
}
