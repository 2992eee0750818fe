package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/votebot/votebot/config"
)

// addOutputFlag gives cmd -o/--output with the formats it writes, the first the default.
// Where a command had --json, it stays as a hidden shorthand for -o json (scripts use it).
func addOutputFlag(cmd *cobra.Command, p *string, formats ...string) {
	cmd.Flags().StringVarP(p, "output", "o", formats[0], "output format: "+strings.Join(formats, " or "))
	_ = cmd.Flags().SetAnnotation("output", outputFormats, formats)
}

const outputFormats = "votebot/output-formats"

// outputFormat is the format the command line asks for, checked against the command's.
func outputFormat(cmd *cobra.Command) (string, error) {
	f := cmd.Flags().Lookup("output")
	if j := cmd.Flags().Lookup("json"); j != nil && j.Changed && j.Value.String() == "true" {
		if f.Changed && f.Value.String() != "json" {
			return "", fmt.Errorf("--json and -o %s: give one", f.Value)
		}
		return "json", nil
	}
	if formats := f.Annotations[outputFormats]; !slices.Contains(formats, f.Value.String()) {
		return "", fmt.Errorf("-o %s: want %s", f.Value, strings.Join(formats, " or "))
	}
	return f.Value.String(), nil
}

// addJSONShorthand keeps an old --json flag working, hidden, as -o json.
func addJSONShorthand(cmd *cobra.Command) {
	cmd.Flags().Bool("json", false, "same as -o json")
	_ = cmd.Flags().MarkHidden("json")
}

// pickNeurons resolves --neuron values (ids or aliases of configured neurons) to the ids they
// name; nil (every neuron) when none is given. Without configured neurons (report on a file)
// only ids are understood.
func pickNeurons(values []string, configured []config.Neuron) (map[uint64]bool, error) {
	if len(values) == 0 {
		return nil, nil
	}
	picked := map[uint64]bool{}
	for _, v := range values {
		id, ok := findNeuron(v, configured)
		if !ok {
			return nil, fmt.Errorf("--neuron %s: %s", v, neuronChoices(configured))
		}
		picked[id] = true
	}
	return picked, nil
}

func findNeuron(v string, configured []config.Neuron) (uint64, bool) {
	id, err := strconv.ParseUint(v, 10, 64)
	for _, n := range configured {
		if (err == nil && n.ID == id) || (n.Alias != "" && n.Alias == v) {
			return n.ID, true
		}
	}
	return id, err == nil && len(configured) == 0
}

func neuronChoices(configured []config.Neuron) string {
	if len(configured) == 0 {
		return "give a neuron id"
	}
	names := make([]string, len(configured))
	for i, n := range configured {
		names[i] = n.Name()
	}
	return "not a configured neuron (configured: " + strings.Join(names, ", ") + ")"
}
