package config

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// Problem is one mistake in the configuration, located by key path and
// file line (or by the environment variable that set the value).
type Problem struct {
	File string // the configuration file, "" when only the environment
	Line int    // 1-based; 0 when the value came from the environment
	Env  string // the VOTEBOT_* variable that set the value, if any
	Path string // key path, e.g. "policies.default.rules[2].match.topics[0]"
	Msg  string
	// More, when not zero, makes this the last line of a long list: it stands for More
	// problems found past MaxProblems and not listed.
	More int
}

func (p Problem) String() string {
	var b strings.Builder
	switch {
	case p.Env != "":
		b.WriteString("$" + p.Env)
	case p.File != "" && p.Line > 0:
		b.WriteString(p.File + ":" + strconv.Itoa(p.Line))
	case p.File != "":
		b.WriteString(p.File)
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	if p.Path != "" {
		b.WriteString(p.Path + ": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// Errors is every problem found in a configuration; config.Load returns it
// so that a user fixes all mistakes in one round.
type Errors []Problem

func (e Errors) Error() string {
	lines := make([]string, len(e))
	for i, p := range e {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Count is how many problems were found, those past MaxProblems included.
func (e Errors) Count() int {
	n := 0
	for _, p := range e {
		if p.More > 0 {
			n += p.More
		} else {
			n++
		}
	}
	return n
}

// sorted orders problems by line, then path, and drops exact duplicates.
func (e Errors) sorted() Errors {
	out := slices.Clone(e)
	slices.SortStableFunc(out, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), strings.Compare(a.Path, b.Path))
	})
	return slices.Compact(out)
}
