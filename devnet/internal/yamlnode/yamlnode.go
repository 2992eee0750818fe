// Package yamlnode reads the devnet's scenario files strictly: every value with its key path,
// so that each error names the path and the line ("neurons[2].stake_e8s (line 14): ..."). The
// NNS governance's and the SNSes' sections of a scenario share it.
package yamlnode

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/votebot/votebot/internal/duration"
	"gopkg.in/yaml.v3"
)

// Node is a YAML node with its key path.
type Node struct {
	N    *yaml.Node
	Path string
}

// PathError is a scenario error at a key path and line.
type PathError struct {
	Path string
	Line int
	Msg  string
}

func (e *PathError) Error() string {
	return fmt.Sprintf("%s (line %d): %s", e.Path, e.Line, e.Msg)
}

// Errorf is an error at y's key path and line.
func (y Node) Errorf(format string, args ...any) error {
	path := y.Path
	if path == "" {
		path = "document"
	}
	return &PathError{Path: path, Line: y.N.Line, Msg: fmt.Sprintf(format, args...)}
}

// Child is the key path of y's entry key.
func (y Node) Child(key string) string {
	if y.Path == "" {
		return key
	}
	return y.Path + "." + key
}

// Fields returns a mapping's entries in document order after checking that
// every key is allowed and none repeats.
func (y Node) Fields(allowed ...string) ([]string, map[string]Node, error) {
	if y.N.Kind != yaml.MappingNode {
		return nil, nil, y.Errorf("want a mapping, got %s", kindName(y.N))
	}
	var order []string
	out := map[string]Node{}
	for i := 0; i+1 < len(y.N.Content); i += 2 {
		k, v := y.N.Content[i], y.N.Content[i+1]
		kn := Node{k, y.Child(k.Value)}
		if allowed != nil && !slices.Contains(allowed, k.Value) {
			return nil, nil, kn.Errorf("unknown key %q (known keys: %s)", k.Value, strings.Join(allowed, ", "))
		}
		if _, dup := out[k.Value]; dup {
			return nil, nil, kn.Errorf("key %q appears twice", k.Value)
		}
		order = append(order, k.Value)
		out[k.Value] = Node{v, kn.Path}
	}
	return order, out, nil
}

// Items are a list's elements, each with its index in the path.
func (y Node) Items() ([]Node, error) {
	if y.N.Kind != yaml.SequenceNode {
		return nil, y.Errorf("want a list, got %s", kindName(y.N))
	}
	out := make([]Node, len(y.N.Content))
	for i, c := range y.N.Content {
		out[i] = Node{c, fmt.Sprintf("%s[%d]", y.Path, i)}
	}
	return out, nil
}

// Str is a scalar's text.
func (y Node) Str() (string, error) {
	if y.N.Kind != yaml.ScalarNode {
		return "", y.Errorf("want a scalar, got %s", kindName(y.N))
	}
	return y.N.Value, nil
}

// Uint64 is a non-negative integer (underscores allowed).
func (y Node) Uint64() (uint64, error) {
	s, err := y.Str()
	if err != nil {
		return 0, err
	}
	v, err := strconv.ParseUint(strings.ReplaceAll(s, "_", ""), 10, 64)
	if err != nil {
		return 0, y.Errorf("want a non-negative integer, got %q", s)
	}
	return v, nil
}

// Duration is a ParseDuration duration.
func (y Node) Duration() (time.Duration, error) {
	s, err := y.Str()
	if err != nil {
		return 0, err
	}
	d, err := ParseDuration(s)
	if err != nil {
		return 0, y.Errorf("%v", err)
	}
	return d, nil
}

// Strings is a list of scalars.
func (y Node) Strings() ([]string, error) {
	items, err := y.Items()
	if err != nil {
		return nil, err
	}
	out := make([]string, len(items))
	for i, it := range items {
		if out[i], err = it.Str(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Uint64s is a list of non-negative integers.
func (y Node) Uint64s() ([]uint64, error) {
	items, err := y.Items()
	if err != nil {
		return nil, err
	}
	out := make([]uint64, len(items))
	for i, it := range items {
		if out[i], err = it.Uint64(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	case yaml.AliasNode:
		return "an alias"
	}
	return "nothing"
}

// ParseDuration parses a duration of a scenario file or the admin API (Go syntax extended with
// d and y, e.g. "4d", "182.625d", "2y", "1d12h"; see duration.Parse). Negative durations are
// refused: scenario times and neuron ages only go forward.
func ParseDuration(s string) (time.Duration, error) {
	d, err := duration.Parse(s)
	if err != nil {
		return 0, err
	}
	if d < 0 {
		return 0, fmt.Errorf("invalid duration %q: must not be negative", s)
	}
	return d, nil
}

// Dissolve reads a scenario neuron's dissolve_delay, dissolving_for and age, with the rules the
// NNS's and the SNSes' neurons share: one of dissolve_delay and dissolving_for, a positive
// dissolving_for, no age while dissolving. delay is def when the mapping f writes neither.
func Dissolve(f map[string]Node, def time.Duration) (delay, dissolvingFor, age time.Duration, err error) {
	_, hasDelay := f["dissolve_delay"]
	if v, dissolving := f["dissolving_for"]; dissolving {
		if hasDelay {
			return 0, 0, 0, v.Errorf("a neuron has either dissolve_delay or dissolving_for, not both")
		}
		if d, err := v.Duration(); err == nil && d == 0 {
			return 0, 0, 0, v.Errorf("must be positive: a dissolving_for of 0s is not honoured (a dissolved neuron is dissolve_delay: 0s)")
		}
		if a, ok := f["age"]; ok {
			return 0, 0, 0, a.Errorf("a dissolving neuron does not age: age is not honoured with dissolving_for")
		}
	}
	delay = def
	for key, dst := range map[string]*time.Duration{"dissolve_delay": &delay, "dissolving_for": &dissolvingFor, "age": &age} {
		if v, ok := f[key]; ok {
			if *dst, err = v.Duration(); err != nil {
				return 0, 0, 0, err
			}
		}
	}
	return delay, dissolvingFor, age, nil
}
