package main

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionFromBuildInfo(t *testing.T) {
	for _, tt := range []struct {
		name string
		info debug.BuildInfo
		want string
	}{
		{"module version", debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}}, "v1.4.0"},
		{"revision", debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "8c270eb0123456789abcdef"}, {Key: "vcs.time", Value: "2026-12-02T10:00:00Z"}}},
			"8c270eb01234 (2026-12-02T10:00:00Z)"},
		{"dirty", debug.BuildInfo{Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "abc"}, {Key: "vcs.modified", Value: "true"}}}, "abc-dirty"},
		{"nothing stamped", debug.BuildInfo{GoVersion: "go1.26.8"}, "devel (go1.26.8, "},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := versionFrom(&tt.info); !strings.HasPrefix(got, tt.want) || got == "dev" {
				t.Errorf("versionFrom = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestStamped(t *testing.T) {
	for _, tt := range []struct{ version, commit, want string }{
		{"0.3.0", "8c270eb01234567", "0.3.0 (commit 8c270eb01234567)"},
		{"0.3.0", "", "0.3.0"},
	} {
		if got := stamped(tt.version, tt.commit); got != tt.want {
			t.Errorf("stamped(%q, %q) = %q, want %q", tt.version, tt.commit, got, tt.want)
		}
	}
}

func TestVersionFlagAndCommandAgree(t *testing.T) {
	_, flag, _ := runCLI(t, "--version")
	_, cmd, _ := runCLI(t, "version")
	if flag != cmd || !strings.HasPrefix(flag, "votebot ") || strings.TrimSpace(flag) == "votebot dev" {
		t.Errorf("--version %q, version %q", flag, cmd)
	}
}
