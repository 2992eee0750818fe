package main

import (
	"fmt"
	"testing"
	"time"

	"github.com/votebot/votebot/config"
)

func TestPickNeurons(t *testing.T) {
	configured := []config.Neuron{{ID: 1001, Alias: "main"}, {ID: 1003}}
	plans := goldenPlans(time.Date(2026, 12, 2, 15, 0, 0, 0, time.UTC))
	tests := []struct {
		values []string
		ids    string // the neurons of the plans kept
		err    bool
	}{
		{nil, "[1001 1003 1001 1003 1001 1003 1004]", false},
		{[]string{"main"}, "[1001 1001 1001]", false},
		{[]string{"1003"}, "[1003 1003 1003]", false},
		{[]string{"main", "1003"}, "[1001 1003 1001 1003 1001 1003]", false},
		{[]string{"1004"}, "", true}, // in the plans, not configured
		{[]string{"Main"}, "", true},
	}
	for _, tt := range tests {
		picked, err := pickNeurons(tt.values, configured)
		if (err != nil) != tt.err {
			t.Errorf("pickNeurons(%v): %v, want error %v", tt.values, err, tt.err)
			continue
		}
		if err != nil {
			continue
		}
		var ids []uint64
		for _, bp := range plansOf(plans, picked) {
			ids = append(ids, bp.Neuron.ID)
		}
		if got := fmt.Sprint(ids); got != tt.ids {
			t.Errorf("--neuron %v keeps %s, want %s", tt.values, got, tt.ids)
		}
	}
	if _, err := pickNeurons([]string{"77"}, nil); err != nil {
		t.Errorf("without configured neurons an id is taken as it is: %v", err)
	}
}
