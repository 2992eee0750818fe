package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/rs/zerolog"
	"github.com/spf13/cobra"

	"github.com/votebot/votebot/agent/identity"
	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/config"
	"github.com/votebot/votebot/daemon"
)

func newConfigCmd(s Streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Check or show the configuration file",
	}
	cmd.AddCommand(newConfigValidateCmd(s), newConfigShowCmd(s))
	return cmd
}

func newConfigValidateCmd(s Streams) *cobra.Command {
	var path string
	var strict bool
	cmd := &cobra.Command{
		Use:   "validate [--config FILE] [--strict]",
		Short: "Report every mistake in the configuration (key path and line), then what looks unintended, or ok",
		Long: `Report every mistake in the configuration with its key path and line (exit 1),
then warnings: what is valid but probably not meant — the example's placeholder
neurons and URLs, a manual rule no alert channel can bring to a person, a deadline
margin longer than the voting period of a topic it covers, a policy no neuron uses.
Each SNS DAO of the sns: section is asked, as the hotkey: its root must answer, the
hotkey must hold Vote on each listed neuron, the functions its policy matches and the
topics its following names must be the DAO's (errors); a hotkey that may do more
than vote on a neuron (Disburse...) is a warning. Warnings exit 0 unless --strict. With a state database at store.path, "history:"
lines say which rules never matched a stored proposal and which followees never
voted on one they were followed on (notes, never an error).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(s, path)
			if err != nil {
				return err
			}
			if err := cfg.CheckFiles(os.Getenv(identity.CredentialsDirEnv)); err != nil {
				return printProblems(s, path, err)
			}
			warnings := config.Warnings(cfg)
			if p, ok := refreshWarning(cmd.Context(), s.Err, cfg); ok {
				warnings = append(warnings, p)
			}
			snsErrs, snsWarns := snsNetworkCheck(cmd.Context(), s.Err, cfg)
			warnings = append(warnings, snsWarns...)
			for _, w := range warnings {
				fmt.Fprintln(s.Err, "warning: "+w.String())
			}
			if len(snsErrs) > 0 {
				return printProblems(s, path, config.Errors(snsErrs))
			}
			printHistoryNotes(s.Err, historyNotes(cmd.Context(), cfg))
			if strict && len(warnings) > 0 {
				fmt.Fprintf(s.Err, "%s: %d %s (--strict)\n", path, len(warnings), plural(len(warnings), "warning", "warnings"))
				return exitError{code: 1}
			}
			fmt.Fprintln(s.Out, cfg.Summary())
			return nil
		},
	}
	addConfigFlag(cmd.Flags(), &path)
	cmd.Flags().BoolVar(&strict, "strict", false, "treat warnings as errors (exit 1)")
	return cmd
}

// refreshWarning checks refresh.when_left against the voting-power decay period of a network
// other than mainnet (a devnet compresses it), asking it anonymously. A network that does not
// answer is noted, not an error: validate also runs before the devnet does.
func refreshWarning(ctx context.Context, w io.Writer, cfg *config.Config) (config.Problem, bool) {
	if cfg.Network.Mainnet {
		return config.Problem{}, false // 6 months: validated with the file
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	econ, err := func() (bot.Economics, error) {
		gov, err := daemon.ConnectAnonymous(ctx, cfg, zerolog.Nop())
		if err != nil {
			return bot.Economics{}, err
		}
		return daemon.AgentGov{C: gov}.Economics(ctx)
	}()
	if err != nil {
		fmt.Fprintf(w, "note: refresh.when_left not checked against the network's voting-power decay period: %v\n", err)
		return config.Problem{}, false
	}
	return config.RefreshWarning(cfg, econ.StartReducingVotingPowerAfter)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func newConfigShowCmd(s Streams) *cobra.Command {
	var path, output string
	cmd := &cobra.Command{
		Use:   "show [--config FILE] [-o yaml|json]",
		Short: "Print the effective configuration (file, VOTEBOT_* overrides, defaults, resolved paths), secrets redacted",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, err := outputFormat(cmd)
			if err != nil {
				return err
			}
			cfg, err := loadConfig(s, path)
			if err != nil {
				return err
			}
			if format == "json" {
				out, err := cfg.JSON()
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(s.Out, "%s\n", out)
				return err
			}
			out, err := cfg.YAML()
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(s.Out, "# %s, with VOTEBOT_* overrides and defaults applied; secrets [redacted]\n%s", cfg.File, out)
			return err
		},
	}
	addConfigFlag(cmd.Flags(), &path)
	addOutputFlag(cmd, &output, "yaml", "json")
	return cmd
}

// loadConfig loads path; configuration problems are printed one per line
// on stderr and turn into exit status 1.
func loadConfig(s Streams, path string) (*config.Config, error) {
	cfg, err := loadConfigFile(s.Err, path)
	if err != nil {
		return nil, printProblems(s, path, err)
	}
	return cfg, nil
}

// loadConfigFile is config.Load, with a warning on w for every VOTEBOT_* variable that sets
// no key (viper would ignore a misspelled one without a word).
func loadConfigFile(w io.Writer, path string) (*config.Config, error) {
	cfg, err := config.Load(path)
	if err != nil {
		return nil, err
	}
	for _, u := range cfg.UnknownEnv(os.Environ()) {
		fmt.Fprintln(w, "warning: "+u)
	}
	return cfg, nil
}

// printProblems prints configuration problems one per line on stderr and
// turns them into exit status 1; other errors pass through.
func printProblems(s Streams, path string, err error) error {
	var probs config.Errors
	if !errors.As(err, &probs) {
		return err
	}
	for _, p := range probs {
		fmt.Fprintln(s.Err, p)
	}
	fmt.Fprintf(s.Err, "%s: %d %s\n", path, probs.Count(), plural(probs.Count(), "problem", "problems"))
	return exitError{code: 1}
}
