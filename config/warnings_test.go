package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestWarningFiles pins the exact warnings for each testdata/warn-*.yml
// file: each loads (warnings are not errors) and warns with key path, file
// line and text. Every warn-*.yml file must be in the table.
func TestWarningFiles(t *testing.T) {
	want := map[string][]string{
		"warn-manual-critical.yml": {
			`warn-manual-critical.yml:8: policies.default.rules[0].vote: manual, but every alert channel has min_severity critical and manual_decision_needed is a warning: nobody is asked and the fallback decides`,
		},
		"warn-manual-nobody.yml": {
			`warn-manual-nobody.yml:5: policies.default.default: manual, but no alert channel is configured (alerts.channels): nobody is asked and the fallback decides`,
			`warn-manual-nobody.yml:9: policies.default.rules[0].vote: manual, but no alert channel is configured (alerts.channels): nobody is asked and the fallback decides`,
		},
		"warn-margins.yml": {
			`warn-margins.yml:7: policies.default.deadline_margin: is 13h0m0s, not shorter than the 12h0m0s voting period of ExchangeRate proposals the default (follow) covers: its fallback acts on them at once`,
			`warn-margins.yml:16: policies.default.rules[1].deadline_margin: is 14h0m0s, not shorter than the 12h0m0s voting period of ExchangeRate proposals that rule 1 ("upgrades") covers: its fallback acts on them at once`,
		},
		"warn-placeholders.yml": {
			`warn-placeholders.yml:3: neurons[0].id: 1001 is the example's placeholder: put the id of your neuron`,
			`warn-placeholders.yml:5: neurons[2].id: 1002 is the example's placeholder: put the id of your neuron`,
			`warn-placeholders.yml:9: policies.default.rules[0].match.proposers[1]: 123456789 is the example's placeholder proposer: name the neuron you mean`,
			`warn-placeholders.yml:15: alerts.channels.ops.url: is the example's placeholder URL: put your slack webhook URL (or set $VOTEBOT_ALERTS_CHANNELS_OPS_URL)`,
			`warn-placeholders.yml:18: alerts.channels.pager.routing_key: is the example's placeholder routing key: put your PagerDuty integration key (or set $VOTEBOT_ALERTS_CHANNELS_PAGER_ROUTING_KEY)`,
			`warn-placeholders.yml:21: alerts.channels.chat.token: is the example's placeholder bot token (or set $VOTEBOT_ALERTS_CHANNELS_CHAT_TOKEN)`,
			`warn-placeholders.yml:25: alerts.channels.hook.url: is the example's placeholder URL: put your discord webhook URL (or set $VOTEBOT_ALERTS_CHANNELS_HOOK_URL)`,
			`warn-placeholders.yml:28: alerts.channels.mail.smtp.from: votebot@example.org is a placeholder address`,
			`warn-placeholders.yml:28: alerts.channels.mail.smtp.host: smtp.example.org is a placeholder: put your mail server`,
			`warn-placeholders.yml:28: alerts.channels.mail.smtp.to[1]: ops@example.org is a placeholder address: nobody reads it`,
		},
		"warn-unused.yml": {
			`warn-unused.yml:6: policies.default: no neuron uses this policy (set policy: default on a neuron or an SNS DAO, or remove it)`,
			`warn-unused.yml:10: policies.spare: no neuron uses this policy (set policy: spare on a neuron or an SNS DAO, or remove it)`,
		},
	}
	files, err := filepath.Glob("testdata/warn-*.yml")
	if err != nil || len(files) != len(want) {
		t.Fatalf("%d warn-*.yml files, %d in the table (%v)", len(files), len(want), err)
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := Parse(name, data, nil)
			if err != nil {
				t.Fatalf("Parse refused %s (warnings must not be errors): %v", name, err)
			}
			got := lines(Warnings(cfg))
			if !reflect.DeepEqual(got, want[name]) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want[name], "\n"))
			}
		})
	}
}

func lines(ws Errors) []string {
	out := []string{}
	for _, w := range ws {
		out = append(out, w.String())
	}
	return out
}

// TestExampleWarns: the example as installed is valid, but its placeholders
// must not pass for a finished configuration.
func TestExampleWarns(t *testing.T) {
	cfg, err := Load("../configs/votebot.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(lines(Warnings(cfg)), "\n")
	for _, want := range []string{
		"votebot.example.yaml:39: neurons[0].id: 1001 is the example's placeholder",
		"votebot.example.yaml:42: neurons[1].id: 1002 is the example's placeholder",
		"votebot.example.yaml:83: policies.default.rules[0].match.proposers[0]: 123456789 is the example's placeholder proposer",
		"votebot.example.yaml:132: alerts.channels.ops-slack.url: is the example's placeholder URL",
		"votebot.example.yaml:136: alerts.channels.pager.routing_key: is the example's placeholder routing key",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("warnings lack %q; got\n%s", want, got)
		}
	}
	if strings.Contains(got, "T000") || strings.Contains(got, "0123456789abcdef") {
		t.Errorf("a warning quotes a secret:\n%s", got)
	}
	if n := strings.Count(got, "\n") + 1; n != 5 {
		t.Errorf("%d warnings, want 5:\n%s", n, got)
	}
}

// TestCleanConfigHasNoWarnings: a finished configuration warns about
// nothing, so that a warning is worth reading.
func TestCleanConfigHasNoWarnings(t *testing.T) {
	cfg, err := Parse("clean.yml", []byte(`
identity: {credential: hotkey.pem}
neurons: [{id: 6914974521667616512, alias: main}]
policies:
  default:
    deadline_margin: 3h
    rules:
      - {name: ask, match: {topics: [Governance]}, vote: manual}
      - {name: rate, match: {topics: [ExchangeRate]}, vote: follow, deadline_margin: 1h}
alerts:
  channels:
    ops: {type: slack, url: "https://hooks.slack.com/services/TA1/BB2/c3", min_severity: warning}
`), nil)
	if err != nil {
		t.Fatal(err)
	}
	if ws := Warnings(cfg); len(ws) != 0 {
		t.Errorf("warnings on a clean config:\n%s", ws)
	}
}

// TestDevnetPeriods: a devnet compresses voting periods, so a margin fine
// on mainnet may act at once there: a warning, never an error.
func TestDevnetPeriods(t *testing.T) {
	cfg, err := Parse("devnet.yml", []byte(`
network: {urls: ["http://127.0.0.1:8080"], root_key: fetch}
identity: {credential: hotkey.pem}
neurons: [{id: 1001}]
policies:
  default:
    deadline_margin: 2h
alerts:
  channels:
    ops: {type: webhook, url: "http://127.0.0.1:9000/hook"}
`), nil)
	if err != nil {
		t.Fatal(err)
	}
	if ws := Warnings(cfg); len(ws) != 0 {
		t.Errorf("mainnet periods: unexpected warnings (1001 is no placeholder on a devnet):\n%s", ws)
	}
	got := lines(WarningsWith(cfg, VotingPeriods{Standard: 10 * time.Minute, Short: 5 * time.Minute}))
	want := []string{
		`devnet.yml:7: policies.default.deadline_margin: is 2h0m0s, not shorter than the 5m0s voting period of ExchangeRate proposals the default (follow) covers: its fallback acts on them at once`,
		`devnet.yml:7: policies.default.deadline_margin: is 2h0m0s, not shorter than the 10m0s voting period of proposals the default (follow) covers: its fallback acts on them at once`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestNeuronListedTwiceStaysAnError: a duplicate is an error, not a warning.
func TestNeuronListedTwiceStaysAnError(t *testing.T) {
	_, err := Parse("dup.yml", []byte("identity: {credential: k}\nneurons: [{id: 7}, {id: 7}]\n"), nil)
	if err == nil || !strings.Contains(err.Error(), "duplicate neuron 7") {
		t.Fatalf("Parse: %v, want a duplicate-neuron error", err)
	}
}

// TestWarningsOnBuiltConfig: a Config built in code (no file lines) and a
// nil one warn without panicking.
func TestWarningsOnBuiltConfig(t *testing.T) {
	if ws := Warnings(nil); ws != nil {
		t.Errorf("nil config: %v", ws)
	}
	cfg := &Config{Neurons: []Neuron{{ID: 1001, Policy: DefaultPolicyName}}, Network: Network{Mainnet: true}}
	got := lines(Warnings(cfg))
	want := []string{`neurons[0].id: 1001 is the example's placeholder: put the id of your neuron`}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
