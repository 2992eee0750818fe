package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/votebot/votebot/agent/identity"
	"github.com/votebot/votebot/config"
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
Warnings exit 0 unless --strict.`,
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
			for _, w := range warnings {
				fmt.Fprintln(s.Err, "warning: "+w.String())
			}
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

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func newConfigShowCmd(s Streams) *cobra.Command {
	var path string
	cmd := &cobra.Command{
		Use:   "show [--config FILE]",
		Short: "Print the effective configuration, secrets redacted",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(s, path)
			if err != nil {
				return err
			}
			fmt.Fprint(s.Out, cfg.Redacted())
			return nil
		},
	}
	addConfigFlag(cmd.Flags(), &path)
	return cmd
}

// loadConfig loads path; configuration problems are printed one per line
// on stderr and turn into exit status 1.
func loadConfig(s Streams, path string) (*config.Config, error) {
	cfg, err := config.Load(path)
	if err != nil {
		return nil, printProblems(s, path, err)
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
