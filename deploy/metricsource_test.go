package deploy

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// metrics/metrics.go is the one exporter: a second definition of a votebot_
// metric elsewhere (agent/ once had its own API metrics, with an
// endpoint_up name deploy/ does not use) drifts from what the rules and
// dashboard query.
func TestMetricsAreDefinedOnlyInMetrics(t *testing.T) {
	name := regexp.MustCompile(`Name:\s*"votebot_[a-z_]+"`)
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), ".") && path != ".." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") ||
			filepath.ToSlash(path) == "../metrics/metrics.go" {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range name.FindAll(b, -1) {
			t.Errorf("%s defines metric %s: metrics belong in metrics/metrics.go", path, m)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
