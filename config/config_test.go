package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
)

// TestInvalidFiles pins the exact message for each mistake: key path, file
// line and text. Every testdata/invalid-*.yml file must be in the table.
func TestInvalidFiles(t *testing.T) {
	want := map[string][]string{
		"invalid-alerts.yml": {
			`invalid-alerts.yml:5: alerts.channels.chat.chat_id: required for a channel of type telegram`,
			`invalid-alerts.yml:10: alerts.channels.ops.url: URL must start with http:// or https://`,
			`invalid-alerts.yml:11: alerts.channels.ops.token: not used by a channel of type slack`,
			`invalid-alerts.yml:12: alerts.channels.ops.min_severity: must be info, warning or critical, not "urgent"`,
			`invalid-alerts.yml:14: alerts.channels.sms.type: must be one of webhook, slack, discord, telegram, pagerduty, email, alertmanager, not "sms"`,
			`invalid-alerts.yml:17: alerts.channels.mail.smtp.from: required for a channel of type email`,
			`invalid-alerts.yml:17: alerts.channels.mail.smtp.port: must be between 1 and 65535, not 70000`,
			`invalid-alerts.yml:17: alerts.channels.mail.smtp.security: must be one of starttls, tls, none, not "ssl"`,
			`invalid-alerts.yml:17: alerts.channels.mail.smtp.to: required for a channel of type email`,
			`invalid-alerts.yml:20: alerts.channels.am.url: not used by a channel of type alertmanager`,
			`invalid-alerts.yml:21: alerts.channels.am.urls[1]: URL must start with http:// or https://`,
			`invalid-alerts.yml:22: alerts.channels.am2.urls: required for a channel of type alertmanager`,
			`invalid-alerts.yml:27: alerts.channels.hook.urls: not used by a channel of type webhook`,
		},
		"invalid-console.yml": {
			`invalid-console.yml:5: console.listen: is the metrics address 127.0.0.1:9464: the console needs its own, so that the metrics port can be opened to Prometheus without exposing decisions`,
			`invalid-console.yml:6: console.allowed_hosts[0]: must be a host name without scheme or port, not "https://votebot.example.org"`,
			`invalid-console.yml:6: console.allowed_hosts[1]: must be a host name without scheme or port, not ""`,
			`invalid-console.yml:13: alerts.channels.chat.decisions.allowed_user_ids: at least one Telegram user id is required: in a group chat anyone may press a button`,
			`invalid-console.yml:18: alerts.channels.chat2.decisions.allowed_user_ids[1]: must be a Telegram user id (a positive number), not -7`,
			`invalid-console.yml:22: alerts.channels.hook.decisions: not used by a channel of type webhook`,
		},
		"invalid-ha.yml": {
			`invalid-ha.yml:6: ha.takeover_after: is 2h0m0s, not shorter than the deadline margin 1h0m0s of policy "quick": the standby would take over after the deadline`,
			`invalid-ha.yml:6: ha.takeover_after: is 2h0m0s: with poll_interval 10m0s the standby's vote could come after the deadline (margin 2h5m0s of policy "tight")`,
		},
		"invalid-ha-role.yml": {
			`invalid-ha-role.yml:3: ha.role: must be primary or standby, not "backup"`,
		},
		"invalid-ha-standby.yml": {
			`invalid-ha-standby.yml:3: ha.takeover_after: required for role standby: how long after the primary's deadline margin to vote a ballot it left empty (e.g. 30m)`,
		},
		"invalid-ha-primary.yml": {
			`invalid-ha-primary.yml:3: ha.takeover_after: is for role standby: a primary votes at its own times`,
		},
		"invalid-empty.yml": {
			`invalid-empty.yml:1: identity: set pem_file (the hotkey's PEM file) or credential (a systemd credential name)`,
			`invalid-empty.yml:1: neurons: at least one neuron is required (or an SNS DAO in sns:)`,
		},
		"invalid-five.yml": {
			`invalid-five.yml:5: poll_intervall: unknown key (did you mean "poll_interval"?)`,
			`invalid-five.yml:9: neurons[0].policy: unknown policy "cautious" (defined: default)`,
			`invalid-five.yml:12: policies.default.deadline_margin: is 5d, not shorter than the 4-day voting period: the fallback would act at once`,
			`invalid-five.yml:16: policies.default.rules[0].match.topics[1]: unknown topic "Governence"`,
			"invalid-five.yml:20: policies.default.rules[1].match.title: invalid regular expression: error parsing regexp: missing closing ): `(unclosed`",
		},
		"invalid-following.yml": {
			`invalid-following.yml:6: policies.default.following.catch_all: has 16 followees, at most 15 allowed`,
			`invalid-following.yml:7: policies.default.following.NetworkCanisterManagement: same topic as "ApplicationCanisterManagement"`,
			`invalid-following.yml:9: policies.default.following.Governanse: unknown topic "Governanse"`,
			`invalid-following.yml:10: policies.default.following.NeuronManagement: NeuronManagement following needs the controller key; a hotkey cannot set it`,
			`invalid-following.yml:11: policies.default.following.Kyc[0]: must be a neuron id or a known-neuron name`,
			`invalid-following.yml:11: policies.default.following.Kyc[1]: must be a neuron id or a known-neuron name`,
		},
		"invalid-identity-neurons.yml": {
			`invalid-identity-neurons.yml:1: identity: set only one of pem_file and credential`,
			`invalid-identity-neurons.yml:7: neurons[1].id: duplicate neuron 7 (also neurons[0])`,
			`invalid-identity-neurons.yml:8: neurons[1].alias: duplicate alias "a" (also neurons[0])`,
			`invalid-identity-neurons.yml:9: neurons[2].id: required: the neuron id (a positive integer)`,
			`invalid-identity-neurons.yml:10: neurons[3].id: must be a non-negative integer, not "-3"`,
		},
		"invalid-network-scalar.yml": {
			`invalid-network-scalar.yml:1: network: must be "mainnet" or a mapping with urls and root_key, not "testnet"`,
		},
		"invalid-network.yml": {
			`invalid-network.yml:2: network.urls[0]: invalid URL: parse "127.0.0.1:8080": first path segment in URL cannot contain colon`,
			`invalid-network.yml:2: network.urls[1]: URL has no host`,
			`invalid-network.yml:3: network.root_key: must be hex or "fetch": encoding/hex: invalid byte: U+006E 'n'`,
			`invalid-network.yml:4: network.port: unknown key`,
		},
		"invalid-never-match.yml": {
			`invalid-never-match.yml:9: policies.default.rules[0].match.nns_functions: can never match: nns_functions needs action ExecuteNnsFunction`,
			`invalid-never-match.yml:13: policies.default.rules[1].match.topics[0]: can never match: no proposal has topic Unspecified`,
			`invalid-never-match.yml:17: policies.default.rules[3]: can never match: rule 2 ("everything") matches every proposal before it`,
		},
		"invalid-rule-keys.yml": {
			`invalid-rule-keys.yml:7: policies.default.rules[0].mach: unknown key (did you mean "match"?)`,
			`invalid-rule-keys.yml:9: policies.default.rules[0].vote: must be one of yes, no, follow, manual, skip, not "maybe"`,
			`invalid-rule-keys.yml:12: policies.default.rules[1].match.actions[0]: unknown action "Motions"`,
			`invalid-rule-keys.yml:13: policies.default.rules[1].match.proposers[0]: must be a neuron id or a known-neuron name`,
			`invalid-rule-keys.yml:14: policies.default.rules[1].match.nns_functions[0]: must be an integer that fits in 32 bits, not "four"`,
			"invalid-rule-keys.yml:15: policies.default.rules[1].match.summary: invalid regular expression: error parsing regexp: invalid repeat count: `{2,1}`",
			`invalid-rule-keys.yml:17: policies.default.rules[1].fallback: unknown fallback "with_followers" (want one of with_followees, with_majority, yes, no, none)`,
		},
		"invalid-timing.yml": {
			`invalid-timing.yml:3: poll_interval: is 10m0s, not shorter than the deadline margin 5m0s of policy "default": the fallback could be missed`,
			`invalid-timing.yml:4: listen: host is empty: that listens on every interface; write 0.0.0.0:9464 if you mean it`,
			`invalid-timing.yml:5: refresh.when_left: is 200d, not shorter than the 6 months after which voting power decays`,
			`invalid-timing.yml:8: policies.default.vote_delay: must not be negative`,
			`invalid-timing.yml:9: policies.default.deadline_margin: must be positive: at the deadline it is too late to vote`,
			`invalid-timing.yml:10: policies.default.fallback: unknown fallback "abstain" (want one of with_followees, with_majority, yes, no, none)`,
			`invalid-timing.yml:11: policies.default.default: must be one of yes, no, follow, manual, skip, not "maybe"`,
			`invalid-timing.yml:16: policies.default.rules[1]: missing vote: yes, no, follow, manual or skip`,
			`invalid-timing.yml:16: policies.default.rules[1]: can never match: rule 0 ("quick") matches every proposal before it`,
			`invalid-timing.yml:16: policies.default.rules[1].name: duplicate rule name "quick" (also rules[0])`,
			`invalid-timing.yml:18: store.retention: is 7d: keep at least 31d, or the 30-day participation window loses data`,
		},
		"invalid-types.yml": {
			`invalid-types.yml:4: dry_run: must be true or false, not "yes"`,
			`invalid-types.yml:5: poll_interval: must be a duration, not a list`,
			`invalid-types.yml:6: listen: must be host:port, e.g. 127.0.0.1:9464: address 9464: missing port in address`,
			`invalid-types.yml:7: neurons: must be a list, not a mapping`,
			`invalid-types.yml:11: alerts.thresholds.at_risk_before: invalid duration "24 hours": unknown unit " hours" (want ns, us, ms, s, m, h, d or y)`,
		},
		"invalid-list-cap.yml": {
			`invalid-list-cap.yml:2: neurons: has 1001 entries; at most 1000 neurons are allowed`,
		},
		"invalid-many.yml": manyProblems(),
		"invalid-secret-values.yml": {
			`invalid-secret-values.yml:3: dry_run: must be true or false, not a URL (not shown: it may hold a token)`,
			`invalid-secret-values.yml:4: poll_interval: must be a duration, not a string that looks like a token (not shown)`,
			`invalid-secret-values.yml:5: network: must be "mainnet" or a mapping with urls and root_key, not a URL (not shown: it may hold a token)`,
			`invalid-secret-values.yml:8: alerts.channels.chat: must be a mapping, not a URL (not shown: it may hold a token)`,
			`invalid-secret-values.yml:9: alerts.channels.ops: must be a mapping, not a list`,
			`invalid-secret-values.yml:10: alerts.channels.ops2: must be a mapping, not a string (not shown: under alerts.channels it may be a secret)`,
			`invalid-secret-values.yml:11: alerts.channels.pager.min_severity: must be info, warning or critical, not a string that looks like a token (not shown)`,
			`invalid-secret-values.yml:12: alerts.channels.tg.chat_id: must be a string, not a mapping`,
		},
		"invalid-sns-following.yml": {
			`invalid-sns-following.yml:8: sns.daos[0].following.all: has 16 followees, at most 15 allowed`,
			`invalid-sns-following.yml:9: sns.daos[0].following.catch_all: same topic as "all"`,
			`invalid-sns-following.yml:10: sns.daos[0].following.Governanse: unknown SNS topic "Governanse" (known: DaoCommunitySettings, SnsFrameworkManagement, DappCanisterManagement, ApplicationBusinessLogic, Governance, TreasuryAssetManagement, CriticalDappOperations, or all for the catch-all)`,
			`invalid-sns-following.yml:11: sns.daos[0].following.Governance[0]: neuron id: not hex: encoding/hex: odd length hex string`,
		},
		"invalid-sns-rules.yml": {
			`invalid-sns-rules.yml:6: policies.default.rules[0].match.proposers[0]: is an SNS neuron id: write it under sns_proposers (proposers are NNS neurons)`,
			`invalid-sns-rules.yml:6: policies.default.rules[0].match.sns_actions[0]: unknown SNS action "Dance" (a DAO's own function is matched by its id, in functions)`,
			`invalid-sns-rules.yml:6: policies.default.rules[0].match.sns_proposers[0]: neuron id: not hex: encoding/hex: odd length hex string`,
			`invalid-sns-rules.yml:6: policies.default.rules[0].match.sns_topics[0]: unknown SNS topic "Treasury" (known: DaoCommunitySettings, SnsFrameworkManagement, DappCanisterManagement, ApplicationBusinessLogic, Governance, TreasuryAssetManagement, CriticalDappOperations)`,
			`invalid-sns-rules.yml:8: policies.default.rules[1].match.sns_topics: can never match: topics is an NNS condition and sns_topics an SNS one: no proposal is both`,
			`invalid-sns-rules.yml:10: policies.default.rules[2].match.functions[0]: can never match: function 9 (TransferSnsTreasuryFunds) is on topic TreasuryAssetManagement, not in sns_topics`,
			`invalid-sns-rules.yml:10: policies.default.rules[2].match.functions[1]: can never match: SNS function ids start at 1`,
			`invalid-sns-rules.yml:10: policies.default.rules[2].match.sns_actions[0]: can never match: Motion is function 1, not in functions`,
		},
		"invalid-sns.yml": {
			`invalid-sns.yml:3: sns.policy: unknown policy "nosuch" (defined: default)`,
			`invalid-sns.yml:6: sns.daos[0].policy: unknown policy "missing" (defined: default)`,
			`invalid-sns.yml:9: sns.daos[0].neurons[1].id: duplicate neuron (also neurons[0])`,
			`invalid-sns.yml:10: sns.daos[0].neurons[2].id: neuron id: not hex: encoding/hex: odd length hex string`,
			`invalid-sns.yml:11: sns.daos[0].neurons[3].id: neuron id: 2 bytes, want 32 (64 hex digits)`,
			`invalid-sns.yml:12: sns.daos[0].neurons[4].id: neurons 1a2b3c4d5e6f7081111111111111111111111111111111111111111111111111 and 1a2b3c4d5e6f7081222222222222222222222222222222222222222222222222 share their first 8 bytes: votebot cannot tell them apart`,
			`invalid-sns.yml:13: sns.daos[1].root: duplicate DAO rrkah-fqaaa-aaaaa-aaaaq-cai (also sns.daos[0])`,
			`invalid-sns.yml:14: sns.daos[1].neurons[0].alias: duplicate alias "a" (also sns.daos[0].neurons[0])`,
			`invalid-sns.yml:15: sns.daos[2].root: not a canister id: invalid length: not`,
			`invalid-sns.yml:17: sns.daos[3].neurons: at least one neuron is required (or set sns.discover: true to vote every neuron the hotkey may)`,
			`invalid-sns.yml:17: sns.daos[3].root: required: the DAO's root canister id (e.g. 3e3x2-xyaaa-aaaaq-aaalq-cai)`,
			`invalid-sns.yml:18: sns.daos[4].root: "2vxsx-fae" is a principal but not a canister id (e.g. 3e3x2-xyaaa-aaaaq-aaalq-cai)`,
			`invalid-sns.yml:21: sns.daos[5].name: "nns" is the NNS's name in alerts and metrics: give the DAO another`,
			`invalid-sns.yml:27: sns.daos[7].name: duplicate DAO name "alpha" (also sns.daos[6]): alerts and metrics name a DAO by it`,
		},
		"invalid-yaml.yml": {
			`invalid-yaml.yml:2: invalid YAML: yaml: line 2: did not find expected key`,
		},
	}
	files, err := filepath.Glob("testdata/invalid-*.yml")
	if err != nil || len(files) != len(want) {
		t.Fatalf("%d invalid-*.yml files, %d in the table (%v)", len(files), len(want), err)
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := Parse(name, data, nil)
			if cfg != nil || err == nil {
				t.Fatalf("Parse accepted %s", name)
			}
			var probs Errors
			if !errors.As(err, &probs) {
				t.Fatalf("error is %T, want config.Errors", err)
			}
			got := strings.Split(err.Error(), "\n")
			if !reflect.DeepEqual(got, want[name]) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want[name], "\n"))
			}
		})
	}
}

// TestFiveMistakes: five distinct mistakes give five problems, each with
// its own line.
func TestFiveMistakes(t *testing.T) {
	_, err := Load("testdata/invalid-five.yml")
	var probs Errors
	if !errors.As(err, &probs) {
		t.Fatalf("Load: %v", err)
	}
	lines := map[int]bool{}
	for _, p := range probs {
		lines[p.Line] = true
	}
	if len(probs) != 5 || len(lines) != 5 {
		t.Fatalf("%d problems on %d lines, want 5 on 5:\n%v", len(probs), len(lines), err)
	}
}

func TestExampleValidates(t *testing.T) {
	cfg, err := Load("../configs/votebot.example.yaml")
	if err != nil {
		t.Fatalf("example config: %v", err)
	}
	if !cfg.Network.Mainnet || cfg.Listen != DefaultListen || cfg.PollInterval != time.Minute || len(cfg.Neurons) != 2 {
		t.Errorf("unexpected example: %+v", cfg)
	}
	def := cfg.PolicyFor(1001)
	if def == nil || len(def.Rules) != 5 || def.Timing.VoteDelay != time.Hour || def.Timing.Fallback != policy.FallbackWithFollowees {
		t.Fatalf("policy of 1001: %+v", def)
	}
	gov := def.Rules[1]
	if gov.Outcome != policy.OutcomeManual || gov.Timing == nil || gov.Timing.DeadlineMargin != 6*time.Hour ||
		gov.Timing.VoteDelay != time.Hour || !reflect.DeepEqual(gov.Match.Topics, []nns.Topic{nns.TopicGovernance}) {
		t.Errorf("rule ask-me-on-governance: %+v", gov)
	}
	if got := cfg.PolicyFor(1002).Following[nns.TopicUnspecified]; !reflect.DeepEqual(got, []policy.Followee{{ID: 27}}) {
		t.Errorf("follow-dfinity catch-all %v", got)
	}
	if ch := cfg.Alerts.Channels["pager"]; ch.MinSeverity != SeverityCritical || ch.Name != "pager" {
		t.Errorf("pagerduty channel defaults: %+v", ch)
	}
	if !strings.HasPrefix(cfg.Summary(), "ok: ../configs/votebot.example.yaml: 2 neurons, 2 policies (5 rules), 2 alert channels, network mainnet") {
		t.Errorf("summary %q", cfg.Summary())
	}
}

func TestMinimalConfigDefaults(t *testing.T) {
	cfg, err := Parse("min.yml", []byte("identity: {credential: hotkey}\nneurons: [{id: 42}]\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Listen != "127.0.0.1:9464" || cfg.PollInterval != 60*time.Second || cfg.Refresh.WhenLeft != 30*24*time.Hour ||
		!cfg.Network.Mainnet || cfg.Instance != DefaultInstance || cfg.DryRun {
		t.Errorf("defaults: %s", cfg)
	}
	p := cfg.PolicyFor(42)
	if p == nil || p.Name != "default" || p.Default != policy.OutcomeFollow || p.Timing != policy.DefaultTiming() {
		t.Fatalf("default policy: %+v", p)
	}
	// The defaults leave no ballot empty: the built-in policy votes at the margin.
	deadline := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	d := policy.Decide(policy.Input{Proposal: policy.Proposal{ID: 1, Topic: nns.TopicGovernance, Deadline: deadline},
		Neuron: policy.Neuron{ID: 42, HasBallot: true}, Policy: p, Now: deadline.Add(-p.Timing.DeadlineMargin)})
	if d.Action != policy.ActionVoteNow {
		t.Errorf("default policy at the margin: %s (%s)", d.Action, d.Reason)
	}
}

func TestDevnetNetwork(t *testing.T) {
	cfg, err := Parse("d.yml", []byte(`
network: {urls: ["http://127.0.0.1:8080"], root_key: fetch}
identity: {pem_file: k.pem}
neurons: [{id: 1, policy: fast}]
poll_interval: 2s
policies:
  fast: {deadline_margin: 30s, vote_delay: 0s, fallback: "no"}
`), nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Network.Mainnet || !cfg.Network.FetchRootKey() || cfg.Network.URLs[0] != "http://127.0.0.1:8080" {
		t.Errorf("network %+v", cfg.Network)
	}
	if tm := cfg.PolicyFor(1).Timing; tm.DeadlineMargin != 30*time.Second || tm.Fallback != policy.FallbackNo {
		t.Errorf("timing %+v", tm)
	}
}

func TestEnvOverrides(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "v.yml")
	data := "identity: {pem_file: k.pem}\nneurons: [{id: 1}]\npolicies: {default: {fallback: yes}}\n" +
		"alerts: {channels: {ops-slack: {type: slack, url: \"https://hooks.example/T/B/file\"}}}\n"
	if err := os.WriteFile(file, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("VOTEBOT_POLL_INTERVAL", "30s")
	t.Setenv("VOTEBOT_NETWORK_URLS", "http://a:1, http://b:2")
	t.Setenv("VOTEBOT_NETWORK_ROOT_KEY", "fetch")
	t.Setenv("VOTEBOT_DRY_RUN", "true")
	t.Setenv("VOTEBOT_POLICIES_DEFAULT_FALLBACK", "with_majority")
	t.Setenv("VOTEBOT_ALERTS_CHANNELS_OPS_SLACK_URL", "https://hooks.example/T/B/env")
	cfg, err := Load(file)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.PollInterval != 30*time.Second || !cfg.DryRun || cfg.Network.Mainnet ||
		!reflect.DeepEqual(cfg.Network.URLs, []string{"http://a:1", "http://b:2"}) {
		t.Errorf("overrides not applied: %s", cfg)
	}
	if cfg.Policies["default"].Timing.Fallback != policy.FallbackWithMajority {
		t.Errorf("policy fallback %s", cfg.Policies["default"].Timing.Fallback)
	}
	if got := cfg.Alerts.Channels["ops-slack"].URL.Reveal(); got != "https://hooks.example/T/B/env" {
		t.Errorf("channel url %q", got)
	}
	t.Setenv("VOTEBOT_POLL_INTERVAL", "soon")
	_, err = Load(file)
	if err == nil || err.Error() != `$VOTEBOT_POLL_INTERVAL: poll_interval: invalid duration "soon" (want e.g. 90s, 2h, 30d)` {
		t.Errorf("bad env value: %v", err)
	}
}

func TestEnvSelectsMainnet(t *testing.T) {
	data := []byte("network: {urls: [\"http://127.0.0.1:8080\"], root_key: fetch}\nidentity: {pem_file: k}\nneurons: [{id: 1}]\n")
	env := map[string]string{"network": "mainnet", "listen": "127.0.0.1:9999"}
	cfg, err := Parse("e.yml", data, func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.Network.Mainnet || len(cfg.Network.URLs) != 0 || cfg.Listen != "127.0.0.1:9999" {
		t.Errorf("network %+v listen %s", cfg.Network, cfg.Listen)
	}
	if got := EnvName("alerts.channels.ops-slack.url"); got != "VOTEBOT_ALERTS_CHANNELS_OPS_SLACK_URL" {
		t.Errorf("EnvName = %s", got)
	}
}

func TestAnchorsAndMergeKeys(t *testing.T) {
	cfg, err := Parse("a.yml", []byte(`
identity: {pem_file: k}
neurons: [{id: 1, policy: strict}, {id: 2, policy: base}]
policies:
  base: &base
    deadline_margin: 3h
    fallback: with_majority
    rules: &shared
      - name: no-motions
        match: {actions: [Motion]}
        vote: "no"
  strict:
    <<: *base
    fallback: "no"
    rules: *shared
`), nil)
	if err != nil {
		t.Fatal(err)
	}
	strict := cfg.PolicyFor(1)
	if strict.Timing.DeadlineMargin != 3*time.Hour || strict.Timing.Fallback != policy.FallbackNo || len(strict.Rules) != 1 {
		t.Errorf("strict: %+v", strict)
	}
	if base := cfg.PolicyFor(2); base.Timing.Fallback != policy.FallbackWithMajority {
		t.Errorf("base: %+v", base)
	}
}

// TestAliasBomb: merge keys that expand exponentially are an error, not a
// hang.
func TestAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("identity: {pem_file: k}\nneurons: [{id: 1}]\nx:\n  - &m0 {k: 1}\n")
	for i := 1; i < 14; i++ {
		fmt.Fprintf(&b, "  - &m%d {<<: [*m%d, *m%d, *m%d, *m%d, *m%d, *m%d, *m%d, *m%d]}\n", i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	b.WriteString("policies: {p: {<<: *m13}}\n")
	_, err := Parse("bomb.yml", []byte(b.String()), nil)
	if err == nil || !strings.Contains(err.Error(), "bomb.yml:18: policies.p: the document is too large") {
		t.Fatalf("alias bomb: %v", err)
	}
}

func TestSecretsNeverPrinted(t *testing.T) {
	const tok, url, key = "123:TELEGRAM-TOKEN", "https://hooks.slack.com/services/T0/B0/SLACKSECRET", "PDROUTINGSECRET"
	data := fmt.Sprintf(`identity: {pem_file: k.pem}
neurons: [{id: 1}]
alerts:
  channels:
    tg: {type: telegram, token: %q, chat_id: "-100"}
    sl: {type: slack, url: %q}
    pd: {type: pagerduty, routing_key: %q}
`, tok, url, key)
	cfg, err := Parse("s.yml", []byte(data), nil)
	if err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(cfg)
	var logged strings.Builder
	slog.New(slog.NewTextHandler(&logged, nil)).Info("cfg", "channel", cfg.Alerts.Channels["tg"].Token, "url", cfg.Alerts.Channels["sl"].URL)
	outputs := map[string]string{
		"Redacted": cfg.Redacted(), "String": cfg.String(), "%v": fmt.Sprintf("%v", cfg), "%+v": fmt.Sprintf("%+v", *cfg),
		"%#v": fmt.Sprintf("%#v", *cfg), "%v channels": fmt.Sprintf("%v", cfg.Alerts.Channels), "%x": fmt.Sprintf("%x", cfg.Alerts.Channels["pd"].RoutingKey),
		"json": string(js), "slog": logged.String(),
	}
	for name, out := range outputs {
		for _, secret := range []string{tok, url, key, "SLACKSECRET"} {
			if strings.Contains(out, secret) {
				t.Errorf("%s output contains secret %q:\n%s", name, secret, out)
			}
		}
	}
	if !strings.Contains(cfg.Redacted(), "token [redacted]") || !strings.Contains(cfg.Redacted(), "routing_key [redacted]") {
		t.Errorf("Redacted does not show that secrets are set:\n%s", cfg.Redacted())
	}
	if cfg.Alerts.Channels["tg"].Token.Reveal() != tok {
		t.Error("Reveal lost the token")
	}
	// A malformed secret URL must not be quoted in the error either.
	_, err = Parse("s.yml", []byte("identity: {pem_file: k}\nneurons: [{id: 1}]\nalerts: {channels: {x: {type: webhook, url: \"http://h/%zzSECRET\"}}}\n"), nil)
	if err == nil || strings.Contains(err.Error(), "SECRET") {
		t.Errorf("error leaks the URL: %v", err)
	}
}

// FuzzLoad: arbitrary bytes are a config or a list of problems, never a
// panic; every problem names where it is.
func FuzzLoad(f *testing.F) {
	for _, glob := range []string{"testdata/*.yml", "../configs/votebot.example.yaml"} {
		files, _ := filepath.Glob(glob)
		for _, file := range files {
			if data, err := os.ReadFile(file); err == nil {
				f.Add(data)
			}
		}
	}
	f.Add([]byte("network: {urls: [http://x], root_key: fetch}\nneurons: [{id: 1}]\nidentity: {pem_file: k}\npolicies: {p: {rules: [{vote: yes, match: {title: '('}}]}}"))
	f.Add([]byte("a: &x [*x]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse("fuzz.yml", data, func(key string) (string, bool) {
			if key == "poll_interval" {
				return "45s", true
			}
			return "", false
		})
		if (cfg == nil) == (err == nil) {
			t.Fatalf("cfg %v with err %v", cfg != nil, err)
		}
		var probs Errors
		if err != nil && (!errors.As(err, &probs) || len(probs) == 0) {
			t.Fatalf("error %T %v is not a non-empty Errors", err, err)
		}
		if cfg != nil {
			_ = cfg.Redacted()
		}
	})
}
