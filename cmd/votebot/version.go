package main

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version and commit are set at link time by scripts/release
// (-ldflags "-X main.version=... -X main.commit=..."): a release binary is
// built without VCS stamping so that it is byte-identical wherever it is built.
var (
	version = ""
	commit  = ""
)

// buildVersion names the build: the link-time version, else the module
// version (a tag or pseudo-version that go build stamps), else the VCS
// revision, else the Go toolchain — never a bare "dev" nobody can trace.
func buildVersion() string {
	if version != "" {
		return stamped(version, commit)
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown build)"
	}
	return versionFrom(info)
}

// stamped names a release build: its version and, when known, the commit
// it was built from, so an operator can check the binary against the source.
func stamped(version, commit string) string {
	if commit == "" {
		return version
	}
	return version + " (commit " + commit + ")"
}

func versionFrom(info *debug.BuildInfo) string {
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, modified, when string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		case "vcs.time":
			when = s.Value
		}
	}
	if rev == "" {
		return "devel (" + info.GoVersion + ", built without version control information: go build in a git checkout stamps the revision)"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if modified == "true" {
		rev += "-dirty"
	}
	if when != "" {
		rev += " (" + when + ")"
	}
	return rev
}

func newVersionCmd(s Streams) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintln(s.Out, "votebot", buildVersion())
			return err
		},
	}
}
