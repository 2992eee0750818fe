package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

const defaultConfigPath = "/etc/votebot/votebot.yaml"

// addConfigFlag gives a command that reads a configuration the same
// --config/-c flag and default as every other.
func addConfigFlag(f *pflag.FlagSet, p *string) {
	f.StringVarP(p, "config", "c", defaultConfigPath, "configuration file (VOTEBOT_* variables override keys; relative paths in it start at its directory)")
}

// replacedBy is the flag annotation naming the flag that replaces a
// deprecated one.
const replacedBy = "votebot/replaced-by"

// addDeprecatedAlias registers old as a hidden flag writing the same
// variable as its replacement; using it still works, and
// noteDeprecatedFlags says on stderr which flag to use instead.
func addDeprecatedAlias(cmd *cobra.Command, old, replacement string, p *string) {
	f := cmd.Flags()
	f.StringVar(p, old, "", "deprecated: use --"+replacement)
	_ = f.MarkHidden(old)
	_ = f.SetAnnotation(old, replacedBy, []string{replacement})
}

// noteDeprecatedFlags prints one line per deprecated flag the command
// line used (pflag's own note would go to stdout, into a principal
// captured with $(...)).
func noteDeprecatedFlags(cmd *cobra.Command, w io.Writer) {
	cmd.Flags().Visit(func(f *pflag.Flag) {
		if r := f.Annotations[replacedBy]; len(r) > 0 {
			fmt.Fprintf(w, "votebot: --%s is deprecated and will be removed: use --%s\n", f.Name, r[0])
		}
	})
}
