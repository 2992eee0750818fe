package config

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/votebot/votebot/internal/duration"
	"gopkg.in/yaml.v3"
)

// decoder walks a yaml.Node tree into Go values by their yaml tags,
// collecting every problem (instead of stopping at the first) and the line
// of every key path for later validation messages.
type decoder struct {
	// budget counts down the values decoded, so that aliases cannot
	// expand a small file into an enormous one ("billion laughs").
	budget     int
	overBudget bool
	aliasDepth int

	file     string
	lines    map[string]int    // key path → line
	env      map[string]string // key path → VOTEBOT_* variable that set it
	problems Errors
	more     int    // problems found past MaxProblems, counted but not kept
	tooLarge Errors // lists over their limit: reported alone, since their entries were skipped
}

func newDecoder(file string) *decoder {
	return &decoder{file: file, lines: map[string]int{}, env: map[string]string{}, budget: maxNodes}
}

// addf records a problem at path, locating it by the closest known path. Past MaxProblems it
// only counts: a user fixes the first hundred before reading the rest.
func (d *decoder) addf(path, format string, args ...any) {
	if len(d.problems) >= MaxProblems {
		d.more++
		return
	}
	p := d.locate(path)
	p.Msg = fmt.Sprintf(format, args...)
	d.problems = append(d.problems, p)
}

// locate is a problem at path without its message: the file line (or environment variable) of
// path or of its closest parent that has one.
func (d *decoder) locate(path string) Problem {
	p := Problem{File: d.file, Path: path}
	for q := path; ; q = parentPath(q) {
		if env, ok := d.env[q]; ok {
			p.Env = env
			break
		}
		if line, ok := d.lines[q]; ok && line > 0 {
			p.Line = line
			break
		}
		if q == "" {
			break
		}
	}
	return p
}

// exhausted reports, once, that aliases expand the document too far.
func (d *decoder) exhausted(path string) {
	if !d.overBudget {
		d.overBudget = true
		d.addf(path, "the document is too large (aliases expand to more than %d values)", maxNodes)
	}
}

// hasProblem reports whether a problem was recorded at path already (so a
// value that failed to decode is not also reported as missing).
func (d *decoder) hasProblem(path string) bool {
	for _, p := range d.problems {
		if p.Path == path {
			return true
		}
	}
	return false
}

// parentPath drops the last element: "a.b[2]" → "a.b", "a.b" → "a".
func parentPath(p string) string {
	i := strings.LastIndexAny(p, ".[")
	if i < 0 {
		return ""
	}
	return p[:i]
}

func joinPath(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

const (
	maxNodes      = 200_000
	maxAliasDepth = 16
)

var (
	durationType = reflect.TypeOf(time.Duration(0))
	secretType   = reflect.TypeOf(Secret{})
	networkType  = reflect.TypeOf(Network{})
)

func (d *decoder) decode(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			return
		}
		n = n.Content[0]
	}
	if d.budget--; d.budget < 0 {
		d.exhausted(path)
		return
	}
	if n.Kind == yaml.AliasNode {
		if d.aliasDepth >= maxAliasDepth || n.Alias == nil {
			d.addf(path, "aliases nested too deeply")
			return
		}
		d.aliasDepth++
		defer func() { d.aliasDepth-- }()
		n = n.Alias
	}
	if _, ok := d.lines[path]; !ok {
		d.lines[path] = n.Line
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return // "key:" with no value keeps the default
	}
	switch v.Type() {
	case durationType:
		d.decodeDuration(n, v, path)
		return
	case secretType:
		if s, ok := d.scalar(n, path, "a string"); ok {
			v.Set(reflect.ValueOf(NewSecret(s)))
		}
		return
	case networkType:
		d.decodeNetwork(n, v, path)
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		elem := reflect.New(v.Type().Elem())
		d.decode(n, elem.Elem(), path)
		v.Set(elem)
	case reflect.Struct:
		d.decodeStruct(n, v, path)
	case reflect.Map:
		d.decodeMap(n, v, path)
	case reflect.Slice:
		d.decodeSlice(n, v, path)
	default:
		d.decodeScalar(n, v, path)
	}
}

func (d *decoder) decodeStruct(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.addf(path, "must be a mapping, not %s", d.describe(n, path))
		return
	}
	fields := fieldsByTag(v.Type())
	d.eachPair(n, path, func(key string, val *yaml.Node, p string) {
		i, ok := fields[key]
		if !ok {
			d.addf(p, "unknown key%s", suggest(key, fields))
			return
		}
		d.decode(val, v.Field(i), p)
	})
}

func (d *decoder) decodeMap(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.addf(path, "must be a mapping, not %s", d.describe(n, path))
		return
	}
	if d.overLimit(n, path) {
		return
	}
	if v.IsNil() {
		v.Set(reflect.MakeMap(v.Type()))
	}
	d.eachPair(n, path, func(key string, val *yaml.Node, p string) {
		elem := reflect.New(v.Type().Elem()).Elem()
		d.decode(val, elem, p)
		v.SetMapIndex(reflect.ValueOf(key), elem)
	})
}

// eachPair visits a mapping's entries, recording key lines and rejecting
// non-scalar and duplicate keys.
func (d *decoder) eachPair(n *yaml.Node, path string, visit func(key string, val *yaml.Node, p string)) {
	seen := map[string]bool{}
	content := d.mergedPairs(n, path, 0)
	for i := 0; i+1 < len(content); i += 2 {
		k, val := content[i], content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.addf(path, "line %d: keys must be plain strings", k.Line)
			continue
		}
		p := joinPath(path, k.Value)
		if k.Line > 0 {
			d.lines[p] = k.Line
		}
		if seen[k.Value] {
			d.addf(p, "duplicate key")
			continue
		}
		seen[k.Value] = true
		visit(k.Value, val, p)
	}
}

// mergedPairs returns a mapping's key/value nodes with YAML merge keys
// ("<<: *base") expanded: explicit keys first, then merged keys they do not
// override (an earlier merge source wins over a later one).
func (d *decoder) mergedPairs(n *yaml.Node, path string, depth int) []*yaml.Node {
	if d.budget -= len(n.Content)/2 + 1; d.budget < 0 {
		d.exhausted(path)
		return nil
	}
	var explicit, merged []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.Tag != "!!merge" {
			explicit = append(explicit, k, v)
			continue
		}
		for _, src := range mergeSources(v) {
			if src.Kind != yaml.MappingNode || depth >= maxAliasDepth {
				d.addf(path, "line %d: << must merge a mapping (or a list of them)", k.Line)
				continue
			}
			merged = append(merged, d.mergedPairs(src, path, depth+1)...)
		}
	}
	if len(merged) == 0 {
		return explicit
	}
	have := map[string]bool{}
	for i := 0; i < len(explicit); i += 2 {
		have[explicit[i].Value] = true
	}
	out := explicit
	for i := 0; i+1 < len(merged); i += 2 {
		if key := merged[i].Value; !have[key] {
			have[key] = true
			out = append(out, merged[i], merged[i+1])
		}
	}
	return out
}

func mergeSources(v *yaml.Node) []*yaml.Node {
	resolve := func(n *yaml.Node) *yaml.Node {
		if n.Kind == yaml.AliasNode && n.Alias != nil {
			return n.Alias
		}
		return n
	}
	if v = resolve(v); v.Kind == yaml.SequenceNode {
		out := make([]*yaml.Node, len(v.Content))
		for i, item := range v.Content {
			out[i] = resolve(item)
		}
		return out
	}
	return []*yaml.Node{v}
}

func (d *decoder) decodeSlice(n *yaml.Node, v reflect.Value, path string) {
	items := n.Content
	switch {
	case n.Kind == yaml.ScalarNode && n.Line == 0:
		// A value from the environment: comma-separated list.
		items = nil
		for _, s := range strings.Split(n.Value, ",") {
			items = append(items, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: strings.TrimSpace(s)})
		}
	case n.Kind == yaml.ScalarNode:
		items = []*yaml.Node{n} // a single value where a list is expected
	case n.Kind != yaml.SequenceNode:
		d.addf(path, "must be a list, not %s", d.describe(n, path))
		return
	case d.overLimit(n, path):
		return
	}
	out := reflect.MakeSlice(v.Type(), len(items), len(items))
	for i, item := range items {
		p := path + "[" + strconv.Itoa(i) + "]"
		if item.Line > 0 {
			d.lines[p] = item.Line
		}
		d.decode(item, out.Index(i), p)
	}
	v.Set(out)
}

func (d *decoder) decodeScalar(n *yaml.Node, v reflect.Value, path string) {
	switch v.Kind() {
	case reflect.String:
		if s, ok := d.scalar(n, path, "a string"); ok {
			v.SetString(s)
		}
	case reflect.Bool:
		s, ok := d.scalar(n, path, "true or false")
		if !ok {
			return
		}
		b, err := strconv.ParseBool(s)
		if err != nil || (n.Tag != "!!bool" && n.Line > 0) {
			d.addf(path, "must be true or false, not %s", d.quote(s, path))
			return
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		s, ok := d.scalar(n, path, "an integer")
		if !ok {
			return
		}
		i, err := strconv.ParseInt(strings.ReplaceAll(s, "_", ""), 10, v.Type().Bits())
		if err != nil {
			d.addf(path, "must be an integer that fits in %d bits, not %s", v.Type().Bits(), d.quote(s, path))
			return
		}
		v.SetInt(i)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		s, ok := d.scalar(n, path, "a non-negative integer")
		if !ok {
			return
		}
		u, err := strconv.ParseUint(strings.ReplaceAll(s, "_", ""), 10, v.Type().Bits())
		if err != nil {
			d.addf(path, "must be a non-negative integer, not %s", d.quote(s, path))
			return
		}
		v.SetUint(u)
	default:
		d.addf(path, "cannot decode into %s", v.Type())
	}
}

// scalar returns a scalar node's text, or records that want was expected.
func (d *decoder) scalar(n *yaml.Node, path, want string) (string, bool) {
	if n.Kind != yaml.ScalarNode {
		d.addf(path, "must be %s, not %s", want, d.describe(n, path))
		return "", false
	}
	return n.Value, true
}

func (d *decoder) decodeDuration(n *yaml.Node, v reflect.Value, path string) {
	s, ok := d.scalar(n, path, "a duration")
	if !ok {
		return
	}
	dur, err := duration.Parse(s)
	if err != nil && d.hidden(s, path) {
		d.addf(path, "must be a duration, not %s", d.quote(s, path))
		return
	}
	if err != nil {
		d.addf(path, "%v", err)
		return
	}
	v.SetInt(int64(dur))
}

// decodeNetwork accepts `network: mainnet` or a mapping of urls and
// root_key, or of mainnet: true; either mapping may set max_concurrency.
func (d *decoder) decodeNetwork(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind == yaml.ScalarNode {
		if strings.EqualFold(strings.TrimSpace(n.Value), "mainnet") {
			v.Set(reflect.ValueOf(Network{Mainnet: true}))
			return
		}
		d.addf(path, "must be \"mainnet\" or a mapping with urls and root_key, not %s", d.quote(n.Value, path))
		return
	}
	var net struct {
		Mainnet        bool     `yaml:"mainnet"`
		URLs           []string `yaml:"urls"`
		RootKey        string   `yaml:"root_key"`
		MaxConcurrency int      `yaml:"max_concurrency"`
	}
	d.decodeStruct(n, reflect.ValueOf(&net).Elem(), path)
	if net.Mainnet && (len(net.URLs) > 0 || net.RootKey != "") {
		d.addf(path, "mainnet: true takes no urls or root_key (mainnet's root key is pinned)")
	}
	v.Set(reflect.ValueOf(Network{Mainnet: net.Mainnet, URLs: net.URLs, RootKey: net.RootKey,
		MaxConcurrency: net.MaxConcurrency}))
}

func fieldsByTag(t reflect.Type) map[string]int {
	out := map[string]int{}
	for i := range t.NumField() {
		tag := strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]
		if tag != "" && tag != "-" {
			out[tag] = i
		}
	}
	return out
}

// describe names a value in a type-mismatch error; a scalar is quoted unless it may be a secret.
func (d *decoder) describe(n *yaml.Node, path string) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return d.quote(n.Value, path)
	}
	return "this value"
}

// suggest names the closest known key for a typo.
func suggest(key string, fields map[string]int) string {
	best, bestDist := "", 3
	for k := range fields {
		if dist := editDistance(key, k); dist < bestDist || (dist == bestDist && k < best) {
			best, bestDist = k, dist
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
