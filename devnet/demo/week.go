// Package demo is the week `votebot demo` plays: the scenario (demo.yaml),
// the bot's configuration (votebot.yaml.tmpl) and how to compress them onto
// a duration. Its users are the demo command and the end-to-end tests.
package demo

import (
	_ "embed"

	"bytes"
	"fmt"
	"text/template"
	"time"

	"github.com/aviate-labs/agent-go/principal"

	"github.com/votebot/votebot/config"
	"github.com/votebot/votebot/devnet/governance"
)

// scenarioYAML is demo.yaml, the week the demo plays.
//
//go:embed demo.yaml
var scenarioYAML []byte

// ConfigTemplate is the demo's votebot configuration (text/template).
//
//go:embed votebot.yaml.tmpl
var ConfigTemplate string

// Length is how much scenario time demo.yaml covers; the
// demo maps it onto --duration.
const Length = 120 * time.Hour

// Neurons of the demo scenario.
const (
	DFINITY  uint64 = 27 // known neuron, proposes most proposals
	CodeGov  uint64 = 28 // known neuron, stops voting at hour 30
	Stranger uint64 = 40 // proposes a spam motion
	Main     uint64 = 1001
	Cold     uint64 = 1002
	Savings  uint64 = 1003
)

// BotNeurons are the neurons the bot's hotkey is added to.
var BotNeurons = []uint64{Main, Cold, Savings}

// Week is the demo scenario compressed to a duration.
type Week struct {
	// Scenario is demo.yaml with the bot's hotkey on BotNeurons, times
	// as written; TimeScale compresses them (nnslocal.Options.TimeScale).
	Scenario  *governance.Scenario
	TimeScale float64
}

// NewWeek loads the built-in scenario to be played in d with hotkey on the
// bot's neurons.
func NewWeek(d time.Duration, hotkey principal.Principal) (*Week, error) {
	s, err := governance.ParseScenario(scenarioYAML, ".")
	if err != nil {
		return nil, fmt.Errorf("demo scenario: %w", err)
	}
	for _, id := range BotNeurons {
		found := false
		for i := range s.Neurons {
			if s.Neurons[i].ID == id {
				s.Neurons[i].HotKeys = append(s.Neurons[i].HotKeys, hotkey)
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("demo scenario: no neuron %d for the bot", id)
		}
	}
	return &Week{Scenario: s, TimeScale: float64(d) / float64(Length)}, nil
}

// Scale converts scenario time to demo time, in whole seconds (at least
// one) as configurations and governance count them.
func (w *Week) Scale(d time.Duration) time.Duration {
	return max(time.Duration(float64(d)*w.TimeScale).Round(time.Second), time.Second)
}

// Day is how long one scenario day lasts in the demo.
func (w *Week) Day() time.Duration { return time.Duration(float64(24*time.Hour) * w.TimeScale) }

// ConfigValues fill the demo's configuration template; the template's
// durations are scenario time, passed through its scale function.
type ConfigValues struct {
	URL, RootKey, PEM, Store string
}

// Config renders the bot configuration for the devnet at url.
func (w *Week) Config(url, rootKey, pem, store string) ([]byte, error) {
	t, err := template.New("demo").Funcs(template.FuncMap{"scale": w.scaleText}).Parse(ConfigTemplate)
	if err != nil {
		return nil, fmt.Errorf("demo config template: %w", err)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, ConfigValues{URL: url, RootKey: rootKey, PEM: pem, Store: store}); err != nil {
		return nil, fmt.Errorf("demo config template: %w", err)
	}
	return buf.Bytes(), nil
}

func (w *Week) scaleText(s string) (string, error) {
	d, err := governance.ParseDuration(s)
	if err != nil {
		return "", err
	}
	return w.Scale(d).String(), nil
}

// Compress sets the durations a real configuration may not make this
// short (config.Load refuses them): refresh.when_left, at_risk_before,
// reminder_interval; and followee_fallbacks, for a week instead of 30 days.
func (w *Week) Compress(cfg *config.Config) {
	cfg.Refresh.WhenLeft = w.Scale(30 * time.Hour)
	cfg.Alerts.Thresholds.AtRiskBefore = w.Scale(12 * time.Hour)
	cfg.Alerts.Thresholds.ReminderInterval = w.Scale(12 * time.Hour)
	// A week holds fewer fallbacks than 30 days: CodeGov, silent from hour
	// 30, is alerted once its silence has made the fallback act twice.
	cfg.Alerts.Thresholds.FolloweeFallbacks = 1
}
