package daemon

import (
	"strings"
	"testing"

	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/rewards"
)

// The console tells a neuron that does not exist from one whose hotkey is
// missing, as the alerts do (neuron_not_found, hotkey_missing).
func TestConsoleNeuronNotFound(t *testing.T) {
	tests := []struct {
		name  string
		state map[uint64]bot.Neuron
		want  string
	}{
		{"not found", map[uint64]bot.Neuron{9999: {ID: 9999, NotFound: true}}, "no neuron has this id"},
		{"hotkey missing", map[uint64]bot.Neuron{9999: {ID: 9999}}, "neither its controller nor one of its hotkeys"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cn := consoleNeuron(bot.NeuronConfig{ID: 9999, Alias: "typo"}, tc.state, nil, rewards.Report{})
			if len(cn.Warnings) == 0 || !strings.Contains(strings.Join(cn.Warnings, "; "), tc.want) {
				t.Errorf("warnings %q, want one saying %q", cn.Warnings, tc.want)
			}
		})
	}
}
