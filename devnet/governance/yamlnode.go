package governance

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// ynode is a YAML node with its key path, so that every error names the
// key path and line ("neurons[2].stake_e8s (line 14): ...").
type ynode struct {
	n    *yaml.Node
	path string
}

// pathError is a scenario error at a key path and line.
type pathError struct {
	Path string
	Line int
	Msg  string
}

func (e *pathError) Error() string {
	return fmt.Sprintf("%s (line %d): %s", e.Path, e.Line, e.Msg)
}

func (y ynode) errorf(format string, args ...any) error {
	path := y.path
	if path == "" {
		path = "document"
	}
	return &pathError{Path: path, Line: y.n.Line, Msg: fmt.Sprintf(format, args...)}
}

func (y ynode) child(key string) string {
	if y.path == "" {
		return key
	}
	return y.path + "." + key
}

// fields returns a mapping's entries in document order after checking that
// every key is allowed and none repeats.
func (y ynode) fields(allowed ...string) ([]string, map[string]ynode, error) {
	if y.n.Kind != yaml.MappingNode {
		return nil, nil, y.errorf("want a mapping, got %s", kindName(y.n))
	}
	var order []string
	out := map[string]ynode{}
	for i := 0; i+1 < len(y.n.Content); i += 2 {
		k, v := y.n.Content[i], y.n.Content[i+1]
		kn := ynode{k, y.child(k.Value)}
		if allowed != nil && !slices.Contains(allowed, k.Value) {
			return nil, nil, kn.errorf("unknown key %q (known keys: %s)", k.Value, strings.Join(allowed, ", "))
		}
		if _, dup := out[k.Value]; dup {
			return nil, nil, kn.errorf("key %q appears twice", k.Value)
		}
		order = append(order, k.Value)
		out[k.Value] = ynode{v, kn.path}
	}
	return order, out, nil
}

func (y ynode) items() ([]ynode, error) {
	if y.n.Kind != yaml.SequenceNode {
		return nil, y.errorf("want a list, got %s", kindName(y.n))
	}
	out := make([]ynode, len(y.n.Content))
	for i, c := range y.n.Content {
		out[i] = ynode{c, fmt.Sprintf("%s[%d]", y.path, i)}
	}
	return out, nil
}

func (y ynode) str() (string, error) {
	if y.n.Kind != yaml.ScalarNode {
		return "", y.errorf("want a scalar, got %s", kindName(y.n))
	}
	return y.n.Value, nil
}

func (y ynode) uint64() (uint64, error) {
	s, err := y.str()
	if err != nil {
		return 0, err
	}
	v, err := strconv.ParseUint(strings.ReplaceAll(s, "_", ""), 10, 64)
	if err != nil {
		return 0, y.errorf("want a non-negative integer, got %q", s)
	}
	return v, nil
}

func (y ynode) duration() (time.Duration, error) {
	s, err := y.str()
	if err != nil {
		return 0, err
	}
	d, err := ParseDuration(s)
	if err != nil {
		return 0, y.errorf("%v", err)
	}
	return d, nil
}

func (y ynode) strings() ([]string, error) {
	items, err := y.items()
	if err != nil {
		return nil, err
	}
	out := make([]string, len(items))
	for i, it := range items {
		if out[i], err = it.str(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (y ynode) uint64s() ([]uint64, error) {
	items, err := y.items()
	if err != nil {
		return nil, err
	}
	out := make([]uint64, len(items))
	for i, it := range items {
		if out[i], err = it.uint64(); err != nil {
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
