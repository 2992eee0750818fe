package config

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// YAML is the effective configuration as a configuration file: the file with the VOTEBOT_*
// overrides and the defaults applied, relative paths resolved, every secret [redacted] and
// every endpoint URL without its credentials. `votebot config show` prints it.
func (c *Config) YAML() (string, error) {
	var b strings.Builder
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(c.document()); err != nil {
		return "", fmt.Errorf("config show: %w", err)
	}
	return b.String(), enc.Close()
}

// JSON is YAML's document as JSON (keys sorted).
func (c *Config) JSON() ([]byte, error) {
	var v any
	if err := c.document().Decode(&v); err != nil {
		return nil, fmt.Errorf("config show: %w", err)
	}
	return json.MarshalIndent(v, "", "  ")
}

// document is the effective configuration in the file's shape (fileConfig), as a YAML node.
func (c *Config) document() *yaml.Node {
	fc := fileConfig{Instance: c.Instance, DryRun: c.DryRun, Network: c.Network, Identity: c.Identity,
		Neurons: c.Neurons, Policies: c.written, Alerts: c.Alerts, Store: c.Store, Listen: c.Listen,
		PollInterval: c.PollInterval, Refresh: c.Refresh, Console: c.Console, SNS: c.SNS.document()}
	n := node(reflect.ValueOf(fc), true)
	if n == nil {
		return &yaml.Node{Kind: yaml.MappingNode}
	}
	return n
}

// node writes v as the file would: durations as "30d" or "1h0m0s", secrets masked, the
// network as "mainnet" or its URLs and root key. Zero values are left out below the top
// level (top: every key, so the defaults show).
func node(v reflect.Value, top bool) *yaml.Node {
	if !top && v.IsZero() {
		return nil
	}
	switch {
	case v.Type() == durationType:
		return scalar(fmtDuration(time.Duration(v.Int())), "!!str")
	case v.Type() == secretType:
		return scalar(v.Interface().(Secret).String(), "!!str")
	case v.Type() == networkType:
		return networkNode(v.Interface().(Network))
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return nil
		}
		return node(v.Elem(), top)
	case reflect.Struct:
		m := &yaml.Node{Kind: yaml.MappingNode}
		t := v.Type()
		for i := range t.NumField() {
			tag := strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]
			if tag == "" || tag == "-" || !t.Field(i).IsExported() {
				continue
			}
			if child := node(v.Field(i), top && t == reflect.TypeOf(fileConfig{})); child != nil {
				m.Content = append(m.Content, scalar(tag, "!!str"), child)
			}
		}
		return m
	case reflect.Map:
		m := &yaml.Node{Kind: yaml.MappingNode}
		keys := v.MapKeys()
		names := make([]string, len(keys))
		for i, k := range keys {
			names[i] = k.String()
		}
		sort.Strings(names)
		for _, k := range names {
			child := node(v.MapIndex(reflect.ValueOf(k)), false)
			if child == nil {
				child = &yaml.Node{Kind: yaml.MappingNode}
			}
			m.Content = append(m.Content, scalar(k, "!!str"), child)
		}
		return m
	case reflect.Slice:
		s := &yaml.Node{Kind: yaml.SequenceNode}
		for i := range v.Len() {
			if child := node(v.Index(i), true); child != nil {
				s.Content = append(s.Content, child)
			}
		}
		return s
	case reflect.String:
		return scalar(v.String(), "!!str")
	case reflect.Bool:
		return scalar(strconv.FormatBool(v.Bool()), "!!bool")
	case reflect.Int, reflect.Int32, reflect.Int64:
		return scalar(strconv.FormatInt(v.Int(), 10), "!!int")
	case reflect.Uint, reflect.Uint32, reflect.Uint64:
		return scalar(strconv.FormatUint(v.Uint(), 10), "!!int")
	}
	return scalar(fmt.Sprint(v.Interface()), "!!str")
}

func networkNode(n Network) *yaml.Node {
	if n.Mainnet {
		return scalar("mainnet", "!!str")
	}
	urls := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	for _, u := range n.URLs {
		urls.Content = append(urls.Content, scalar(RedactURL(u), "!!str"))
	}
	m := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{scalar("urls", "!!str"), urls}}
	if n.RootKey != "" {
		m.Content = append(m.Content, scalar("root_key", "!!str"), scalar(n.RootKey, "!!str"))
	}
	if n.MaxConcurrency > 0 {
		m.Content = append(m.Content, scalar("max_concurrency", "!!str"), scalar(strconv.Itoa(n.MaxConcurrency), "!!int"))
	}
	return m
}

func scalar(v, tag string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: v}
	if tag == "!!str" && yaml11Bool[strings.ToLower(v)] {
		n.Style = yaml.DoubleQuotedStyle // fallback: "no", not a YAML 1.1 boolean
	}
	return n
}

var yaml11Bool = map[string]bool{"y": true, "yes": true, "n": true, "no": true, "true": true, "false": true, "on": true, "off": true}
