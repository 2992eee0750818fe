package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/rs/zerolog"
	"github.com/spf13/cobra"
)

// Streams are the standard streams a command reads and writes, so that
// tests can run commands in-process.
type Streams struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
}

// exitError carries a specific exit code (e.g. "votebot once" reporting a
// proposal at risk) without printing anything more.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// Run executes the votebot CLI with args and returns the process exit code.
func Run(ctx context.Context, args []string, s Streams) int {
	root := newRootCmd(s)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	var ee exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	fmt.Fprintln(s.Err, "votebot:", err)
	return 1
}

func newRootCmd(s Streams) *cobra.Command {
	root := &cobra.Command{
		Use:           "votebot",
		Short:         "Vote on NNS proposals for your neurons, and never miss one",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       buildVersion(),
	}
	root.SetVersionTemplate("votebot {{.Version}}\n")
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		noteDeprecatedFlags(cmd, s.Err)
		_, err := cmdLogger(cmd, s.Err, zerolog.NoLevel) // a bad --log.* fails before any work
		return err
	}
	addLogFlags(root)
	root.SetIn(s.In)
	root.SetOut(s.Out)
	root.SetErr(s.Err)
	root.AddCommand(
		newDevnetCmd(s),
		newIdentityCmd(s),
		newConfigCmd(s),
		newPlanCmd(s),
		newVoteCmd(s),
		newOverridesCmd(s),
		newReportCmd(s),
		newStatusCmd(s),
		newDoctorCmd(s),
		newRunCmd(s),
		newOnceCmd(s),
		newDemoCmd(s),
		newVersionCmd(s),
	)
	return root
}
