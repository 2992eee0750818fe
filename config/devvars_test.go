package config

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDevVariablesListed: every VOTEBOT_* variable the project's own code, tests and scripts
// read (Getenv) or set (scripts) is listed in devVariables, so that the warning for
// misspelled variables never fires on the test command's own environment (it did, in CI, for
// VOTEBOT_ALERTMANAGER and VOTEBOT_SNSJS).
func TestDevVariablesListed(t *testing.T) {
	read := regexp.MustCompile(`(?:Getenv|LookupEnv)\("(VOTEBOT_[A-Z0-9_]+)"\)`)
	set := regexp.MustCompile(`\b(VOTEBOT_[A-Z0-9_]+)=`)
	found := map[string]string{}
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); name == "node_modules" || name == ".git" || name == "testdata" {
				return filepath.SkipDir
			}
			return nil
		}
		script := strings.HasPrefix(filepath.ToSlash(path), "../scripts/") || strings.HasSuffix(path, ".sh")
		if !script && !strings.HasSuffix(path, ".go") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		re := read
		if script {
			re = set
		}
		for _, m := range re.FindAllStringSubmatch(string(data), -1) {
			found[m[1]] = path
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) < 5 {
		t.Fatalf("found only %d variables: %v", len(found), found)
	}
	for name, where := range found {
		if !isDevVariable(name) {
			t.Errorf("%s (%s) is not in devVariables: votebot would warn that it sets no configuration key", name, where)
		}
	}
}
