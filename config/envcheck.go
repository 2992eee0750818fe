package config

import (
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// devVariables are VOTEBOT_* variables that are not configuration keys: the tests,
// benchmarks and scripts read them (DEVELOPERS.md).
var devVariables = []string{"VOTEBOT_BENCH", "VOTEBOT_SOAK", "VOTEBOT_BROWSER", "VOTEBOT_SCREENSHOTS",
	"VOTEBOT_ICP_CLI", "VOTEBOT_JSAGENT_", "VOTEBOT_CHILD_", "VOTEBOT_CRASH_CHILD_", "VOTEBOT_STORE_RSS",
	"VOTEBOT_STORE_LOCK_CHILD_", "VOTEBOT_STORE_KILL_CHILD_",
	"VOTEBOT_ALERTMANAGER", "VOTEBOT_SNSJS", // scripts/test sets them for every test
	"VOTEBOT_SIGNING_KEY", "VOTEBOT_PURGE_HOTKEY"} // scripts/release; the package's purge

// envNames are the variables that override a key of the file parsed into root.
func envNames(root *yaml.Node) map[string]bool {
	names := map[string]bool{}
	for _, k := range envKeys(root) {
		names[EnvName(k)] = true
	}
	return names
}

// UnknownEnv lists the VOTEBOT_* variables of environ ("NAME=value" entries, as os.Environ
// gives them) that override no key of this configuration: a misspelled name, or a policy or
// channel the file does not have. Each comes with the closest known name, if one is close.
// Viper would ignore them without a word.
func (c *Config) UnknownEnv(environ []string) []string {
	var out []string
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, EnvPrefix+"_") || c.envNames[name] || isDevVariable(name) {
			continue
		}
		msg := name + " sets no configuration key"
		if near := c.nearestEnv(name); near != "" {
			msg += " (did you mean " + near + "?)"
		}
		out = append(out, msg)
	}
	sort.Strings(out)
	return out
}

func isDevVariable(name string) bool {
	for _, p := range devVariables {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// nearestEnv is the known variable closest to name, within two edits.
func (c *Config) nearestEnv(name string) string {
	best, bestDist := "", 3
	for known := range c.envNames {
		if d := editDistance(name, known); d < bestDist || (d == bestDist && known < best) {
			best, bestDist = known, d
		}
	}
	return best
}
