package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/rs/zerolog"
)

func TestEveryConfigReaderTakesTheSameConfigFlag(t *testing.T) {
	root := newRootCmd(Streams{})
	for _, path := range [][]string{{"run"}, {"once"}, {"plan"}, {"vote"}, {"report"}, {"config", "validate"}, {"config", "show"}} {
		cmd, _, err := root.Find(path)
		if err != nil {
			t.Fatalf("%v: %v", path, err)
		}
		f := cmd.Flags().Lookup("config")
		if f == nil || f.Shorthand != "c" || f.DefValue != defaultConfigPath {
			t.Errorf("%s: --config %+v, want -c with default %s", strings.Join(path, " "), f, defaultConfigPath)
		}
	}
}

func TestEveryCommandTakesTheLogFlags(t *testing.T) {
	root := newRootCmd(Streams{})
	for _, cmd := range root.Commands() {
		for _, name := range []string{"log.level", "log.format"} {
			if cmd.Flags().Lookup(name) == nil && cmd.InheritedFlags().Lookup(name) == nil {
				t.Errorf("%s has no --%s", cmd.Name(), name)
			}
		}
	}
}

func TestLogFormats(t *testing.T) {
	for _, tt := range []struct {
		format string
		want   []string
	}{
		{"logfmt", []string{"level=warn", `msg="retry later"`, "retry_in=6m", `why="a b"`}},
		{"json", []string{`"level":"warn"`, `"message":"retry later"`, `"retry_in":"6m"`}},
		{"console", []string{"WRN", "retry later", "retry_in=6m"}},
	} {
		t.Run(tt.format, func(t *testing.T) {
			var buf bytes.Buffer
			root := newRootCmd(Streams{Out: &buf, Err: &buf})
			cmd, _, _ := root.Find([]string{"plan"})
			if err := cmd.ParseFlags([]string{"--log.format", tt.format}); err != nil {
				t.Fatal(err)
			}
			log, err := cmdLogger(cmd, &buf, zerolog.NoLevel)
			if err != nil {
				t.Fatal(err)
			}
			log.Warn().Str("retry_in", "6m").Str("why", "a b").Msg("retry later")
			log.Debug().Msg("hidden at the default level")
			for _, w := range tt.want {
				if !strings.Contains(buf.String(), w) {
					t.Errorf("%q lacks %q", buf.String(), w)
				}
			}
			if strings.Contains(buf.String(), "hidden") {
				t.Errorf("debug line written at level info: %q", buf.String())
			}
		})
	}
}

func TestBadLogFlagsSayWhatIsAccepted(t *testing.T) {
	for _, args := range [][]string{{"--log.format", "xml", "plan", "-c", "x"}, {"--log.level", "loud", "plan", "-c", "x"}} {
		code, _, errs := runCLI(t, args...)
		if code != 1 || !strings.Contains(errs, "want ") {
			t.Errorf("%v: code %d, stderr %q", args, code, errs)
		}
	}
}
