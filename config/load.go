package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"

	"github.com/spf13/viper"
	"gopkg.in/yaml.v3"
)

// EnvPrefix prefixes the environment variables that override keys:
// poll_interval ← VOTEBOT_POLL_INTERVAL, alerts.channels.ops.url ←
// VOTEBOT_ALERTS_CHANNELS_OPS_URL. Lists take comma-separated values.
const EnvPrefix = "VOTEBOT"

// EnvLookup returns the override for a dotted key path, if any.
type EnvLookup func(key string) (string, bool)

// Load reads, overrides from the environment, decodes and validates the
// file at path. Configuration mistakes come back as Errors, listing every
// problem; a file that cannot be read is a plain error.
// A file over MaxFileSize is one problem, and is not read.
func Load(path string) (*Config, error) {
	data, err := readBounded(path)
	if err != nil {
		return nil, err
	}
	cfg, err := Parse(path, data, ViperEnv())
	if err != nil {
		return nil, err
	}
	resolvePaths(cfg, filepath.Dir(path))
	return cfg, nil
}

// readBounded reads at most MaxFileSize+1 bytes of path: enough for Parse to refuse a larger
// file without holding it (a FIFO or /dev/zero has no size to check first).
func readBounded(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("read config: %w (name the file with --config/-c; deploy/install.sh installs the example as /etc/votebot/votebot.yaml)", err)
		}
		return nil, fmt.Errorf("read config: %w", err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() > MaxFileSize {
		return nil, fileTooLarge(path, fi.Size())
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return data, nil
}

// ViperEnv looks overrides up in the process environment through viper
// (VOTEBOT_ prefix, dots and dashes as underscores).
func ViperEnv() EnvLookup {
	v := viper.New()
	v.SetEnvPrefix(EnvPrefix)
	v.SetEnvKeyReplacer(strings.NewReplacer(".", "_", "-", "_"))
	v.AutomaticEnv()
	return func(key string) (string, bool) {
		if !v.IsSet(key) {
			return "", false
		}
		return v.GetString(key), true
	}
}

// EnvName is the variable that overrides a key path.
func EnvName(key string) string {
	return EnvPrefix + "_" + strings.ToUpper(strings.NewReplacer(".", "_", "-", "_").Replace(key))
}

// Parse decodes and validates configuration data; file names it in errors.
// env may be nil (no overrides).
func Parse(file string, data []byte, env EnvLookup) (*Config, error) {
	if len(data) > MaxFileSize {
		return nil, fileTooLarge(file, int64(len(data)))
	}
	d := newDecoder(file)
	root, err := parseYAML(data)
	if err != nil {
		return nil, Errors{{File: file, Line: yamlErrorLine(err), Msg: err.Error()}}
	}
	if env != nil {
		applyEnv(d, root, env)
	}
	fc := defaults()
	d.decode(root, reflect.ValueOf(&fc).Elem(), "")
	if len(d.tooLarge) > 0 { // its entries were skipped: any other problem could be an artefact
		return nil, d.tooLarge.sorted()
	}
	cfg := d.build(fc)
	cfg.File = file
	cfg.envNames = envNames(root)
	if len(d.problems) > 0 {
		probs := d.problems.sorted()
		if d.more > 0 {
			probs = append(probs, Problem{File: file, More: d.more,
				Msg: fmt.Sprintf("… and %d more problems (fix these first)", d.more)})
		}
		return nil, probs
	}
	return cfg, nil
}

// parseYAML reads one document into a node tree; empty input is an empty
// mapping.
func parseYAML(data []byte) (*yaml.Node, error) {
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: 1}, nil
		}
		return nil, fmt.Errorf("invalid YAML: %w", err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, fmt.Errorf("invalid YAML: more than one document (line %d)", extra.Line)
	}
	if len(doc.Content) == 0 {
		return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: 1}, nil
	}
	return doc.Content[0], nil
}

// yamlErrorLine extracts "line N" from a yaml.v3 syntax error, if any.
func yamlErrorLine(err error) int {
	var line int
	msg := err.Error()
	if i := strings.Index(msg, "line "); i >= 0 {
		fmt.Sscanf(msg[i:], "line %d", &line)
	}
	return line
}

// applyEnv writes overrides into the node tree before decoding, so they are
// decoded and validated like file values (errors name the variable).
func applyEnv(d *decoder, root *yaml.Node, env EnvLookup) {
	if root.Kind != yaml.MappingNode {
		return
	}
	for _, key := range envKeys(root) {
		val, ok := env(key)
		if !ok {
			continue
		}
		setPath(root, strings.Split(key, "."), val)
		d.env[key] = EnvName(key)
	}
}

// envKeys lists the overridable key paths: every scalar field of the
// schema, plus the entries of maps (policies, channels) present in the file.
func envKeys(root *yaml.Node) []string {
	var keys []string
	var walk func(t reflect.Type, n *yaml.Node, path string)
	walk = func(t reflect.Type, n *yaml.Node, path string) {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		switch {
		case t == networkType:
			keys = append(keys, path, path+".urls", path+".root_key")
		case t == durationType || t == secretType:
			keys = append(keys, path)
		case t.Kind() == reflect.Struct:
			for tag, i := range fieldsByTag(t) {
				walk(t.Field(i).Type, child(n, tag), joinPath(path, tag))
			}
		case t.Kind() == reflect.Map:
			if n == nil || n.Kind != yaml.MappingNode {
				return
			}
			for i := 0; i+1 < len(n.Content); i += 2 {
				if k := n.Content[i].Value; !strings.Contains(k, ".") {
					walk(t.Elem(), n.Content[i+1], joinPath(path, k))
				}
			}
		case t.Kind() == reflect.Slice:
			if t.Elem().Kind() != reflect.Struct {
				keys = append(keys, path) // lists of scalars: comma-separated
			}
		default:
			keys = append(keys, path)
		}
	}
	walk(reflect.TypeOf(fileConfig{}), root, "")
	sort.Strings(keys)
	return keys
}

func child(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// setPath sets a scalar at path, creating mappings (line 0) on the way and
// replacing a scalar that stands where a mapping is needed.
func setPath(n *yaml.Node, path []string, val string) {
	for i, key := range path {
		if n.Kind != yaml.MappingNode {
			*n = yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		}
		next := child(n, key)
		if next == nil {
			next = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, next)
		}
		if i == len(path)-1 {
			*next = yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: val}
		}
		n = next
	}
}
