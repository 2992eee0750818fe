package config

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// Bounds on input. A configuration is a few kilobytes; these stop a wrong or hostile file
// (a generated neuron list, a log pasted by mistake) from costing minutes, hundreds of megabytes
// and a screenful of errors per entry. Before them a 10 MB file took 141 s, 406 MB and printed
// 187,885 lines; now it is refused at once with one line.
const (
	// MaxFileSize is the largest configuration file read, in bytes (1 MiB).
	MaxFileSize = 1 << 20
	// MaxProblems is how many problems are listed; the rest are counted ("… and N more").
	MaxProblems = 100
	// maxListItems bounds every other list and mapping.
	maxListItems = 1000
)

// listLimits bound the lists that grow with a deployment. A pattern matches a key path, "*"
// standing for one map key.
var listLimits = []struct {
	pattern string
	max     int
	what    string
}{
	{"neurons", 1000, "neurons"},
	{"policies", 100, "policies"},
	{"policies.*.rules", 1000, "rules in a policy"},
	{"alerts.channels", 50, "alert channels"},
}

// listLimit is the bound on the list or mapping at path and what its entries are.
func listLimit(path string) (int, string) {
	for _, l := range listLimits {
		if pathMatches(l.pattern, path) {
			return l.max, l.what
		}
	}
	return maxListItems, "entries"
}

func pathMatches(pattern, path string) bool {
	pp, kp := strings.Split(pattern, "."), strings.Split(path, ".")
	if len(pp) != len(kp) {
		return false
	}
	for i := range pp {
		if pp[i] != "*" && pp[i] != kp[i] {
			return false
		}
	}
	return true
}

// overLimit reports a list or mapping at path with more entries than allowed, and says whether
// it was (the caller then skips it: its entries are not decoded, so no problem per entry).
func (d *decoder) overLimit(n *yaml.Node, path string) bool {
	count := len(n.Content)
	if n.Kind == yaml.MappingNode {
		count /= 2
	}
	max, what := listLimit(path)
	if count <= max {
		return false
	}
	line := n.Line
	if l, ok := d.lines[path]; ok && l > 0 {
		line = l
	}
	d.tooLarge = append(d.tooLarge, Problem{File: d.file, Line: line, Env: d.env[path], Path: path,
		Msg: fmt.Sprintf("has %d entries; at most %d %s are allowed", count, max, what)})
	return true
}

// fileTooLarge is the one problem of a file over MaxFileSize.
func fileTooLarge(file string, size int64) Errors {
	return Errors{{File: file, Msg: fmt.Sprintf("the file is %d bytes; a configuration may be at most %d bytes (1 MiB): is it the right file?",
		size, MaxFileSize)}}
}
