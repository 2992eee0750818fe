// Package deploy holds no Go code: its tests check the shipped monitoring files (Grafana
// dashboard, Prometheus rules) against the metrics the daemon exports and the runbook they link.
// promtool, amtool and systemd-analyze checks run in scripts/check-deploy.
package deploy

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/votebot/votebot/config"
	"github.com/votebot/votebot/devnet/governance"
)

// exportedMetrics are the series the daemon exports (metrics/ and agent/), plus the two that
// Prometheus itself makes (up per target, ALERTS for pending and firing alerts).
var exportedMetrics = []string{
	"votebot_build_info",
	"votebot_proposal_deadline_timestamp_seconds",
	"votebot_neuron_voted",
	"votebot_votes_cast_total",
	"votebot_votes_missed_total",
	"votebot_reward_weighted_participation_ratio",
	"votebot_neuron_voting_power_refreshed_timestamp_seconds",
	"votebot_neuron_deciding_voting_power",
	"votebot_neuron_potential_voting_power",
	"votebot_last_successful_poll_timestamp_seconds",
	"votebot_endpoint_up",
	"votebot_alerts_firing",
	"votebot_api_requests_total",
	"votebot_api_request_duration_seconds_bucket",
	"votebot_api_request_duration_seconds_sum",
	"votebot_api_request_duration_seconds_count",
	"votebot_config_last_reload_successful",
	"up",
	"ALERTS",
}

var (
	stringLit   = regexp.MustCompile(`"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|` + "`[^`]*`")
	matchers    = regexp.MustCompile(`\{[^}]*\}`)
	ranges      = regexp.MustCompile(`\[[^\]]*\]`)
	grouping    = regexp.MustCompile(`\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)`)
	grafanaVar  = regexp.MustCompile(`\$\{?\w+\}?`)
	numberLit   = regexp.MustCompile(`\b\d[\w.]*`)
	identifier  = regexp.MustCompile(`[a-zA-Z_:][a-zA-Z0-9_:]*(\s*\()?`)
	promqlWords = []string{"by", "without", "on", "ignoring", "group_left", "group_right",
		"bool", "and", "or", "unless", "offset", "inf", "nan", "atan2"}
)

// metricNames returns the metric names a PromQL expression selects: identifiers that are
// neither functions, aggregations, keywords, label names nor numbers.
func metricNames(expr string) []string {
	s := stringLit.ReplaceAllString(expr, " ")
	s = matchers.ReplaceAllString(s, " ")
	s = ranges.ReplaceAllString(s, " ")
	s = grouping.ReplaceAllString(s, " ")
	s = grafanaVar.ReplaceAllString(s, " ")
	s = numberLit.ReplaceAllString(s, " ")
	var names []string
	for _, m := range identifier.FindAllString(s, -1) {
		if strings.HasSuffix(m, "(") || slices.Contains(promqlWords, strings.ToLower(m)) {
			continue
		}
		if !slices.Contains(names, m) {
			names = append(names, m)
		}
	}
	sort.Strings(names)
	return names
}

func TestMetricNames(t *testing.T) {
	tests := []struct {
		expr string
		want []string
	}{
		{`up{job="votebot"} == 0`, []string{"up"}},
		{`max without (instance) (increase(votebot_votes_missed_total[15m]) > 0 or (votebot_votes_missed_total > 0 unless votebot_votes_missed_total offset 15m))`,
			[]string{"votebot_votes_missed_total"}},
		{`(max without (instance) (votebot_neuron_voted) == 0) + on (proposal_id) group_left () (max by (proposal_id) (votebot_proposal_deadline_timestamp_seconds) - time()) < 3600`,
			[]string{"votebot_neuron_voted", "votebot_proposal_deadline_timestamp_seconds"}},
		{`histogram_quantile(0.95, sum by (le) (rate(votebot_api_request_duration_seconds_bucket{instance=~"$instance"}[$__rate_interval])))`,
			[]string{"votebot_api_request_duration_seconds_bucket"}},
		{`(x_refreshed{neuron=~"$neuron"} + 182.625 * 86400 - time()) / 86400 or vector(0)`, []string{"x_refreshed"}},
		{`sum(rate(votebot_typo_total[5m])) by (neuron)`, []string{"votebot_typo_total"}},
		{`ALERTS{alertname=~"Votebot.*"}`, []string{"ALERTS"}},
		{`1e3 * 2`, nil},
	}
	for _, tt := range tests {
		if got := metricNames(tt.expr); !slices.Equal(got, tt.want) {
			t.Errorf("metricNames(%q) = %q, want %q", tt.expr, got, tt.want)
		}
	}
}

type dashboard struct {
	UID        string  `json:"uid"`
	Panels     []panel `json:"panels"`
	Templating struct {
		List []struct {
			Name  string `json:"name"`
			Query any    `json:"query"`
		} `json:"list"`
	} `json:"templating"`
}

type panel struct {
	ID         int     `json:"id"`
	Type       string  `json:"type"`
	Title      string  `json:"title"`
	Panels     []panel `json:"panels"`
	Datasource any     `json:"datasource"`
	Targets    []struct {
		Expr  string `json:"expr"`
		RefID string `json:"refId"`
	} `json:"targets"`
}

func loadDashboard(t *testing.T) dashboard {
	t.Helper()
	b, err := os.ReadFile("grafana/votebot.json")
	if err != nil {
		t.Fatal(err)
	}
	var d dashboard
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("grafana/votebot.json is not valid JSON: %v", err)
	}
	return d
}

// allPanels flattens collapsed rows, whose panels nest.
func allPanels(ps []panel) []panel {
	var out []panel
	for _, p := range ps {
		out = append(out, p)
		out = append(out, allPanels(p.Panels)...)
	}
	return out
}

func checkExpr(t *testing.T, where, expr string) {
	t.Helper()
	names := metricNames(expr)
	if len(names) == 0 {
		t.Errorf("%s: expression %q selects no metric", where, expr)
	}
	for _, n := range names {
		if !slices.Contains(exportedMetrics, n) {
			t.Errorf("%s: metric %q is not exported by votebot (expression %q)", where, n, expr)
		}
	}
}

func TestDashboardQueriesUseExportedMetrics(t *testing.T) {
	d := loadDashboard(t)
	if d.UID == "" {
		t.Error("dashboard has no uid: re-imports would duplicate it")
	}
	ids := map[int]string{}
	queries := 0
	for _, p := range allPanels(d.Panels) {
		if prev, dup := ids[p.ID]; dup {
			t.Errorf("panel id %d used by %q and %q", p.ID, prev, p.Title)
		}
		ids[p.ID] = p.Title
		if p.Type == "row" {
			continue
		}
		if p.Title == "" || len(p.Targets) == 0 || p.Datasource == nil {
			t.Errorf("panel %d %q: needs a title, a datasource and at least one query", p.ID, p.Title)
		}
		for _, tg := range p.Targets {
			queries++
			checkExpr(t, "panel "+p.Title, tg.Expr)
		}
	}
	for _, v := range d.Templating.List {
		q, ok := v.Query.(map[string]any)
		if !ok {
			continue
		}
		s, _ := q["query"].(string)
		m := regexp.MustCompile(`^label_values\((\w+),\s*\w+\)$`).FindStringSubmatch(s)
		if m == nil {
			t.Errorf("variable %s: query %q is not label_values(metric, label)", v.Name, s)
			continue
		}
		checkExpr(t, "variable "+v.Name, m[1])
	}
	if queries < 10 {
		t.Errorf("only %d panel queries found: is the dashboard's layout parsed?", queries)
	}
}

type ruleFile struct {
	Groups []struct {
		Rules []struct {
			Alert       string            `yaml:"alert"`
			Expr        string            `yaml:"expr"`
			Labels      map[string]string `yaml:"labels"`
			Annotations map[string]string `yaml:"annotations"`
		} `yaml:"rules"`
	} `yaml:"groups"`
}

func TestAlertRules(t *testing.T) {
	b, err := os.ReadFile("prometheus/votebot.rules.yml")
	if err != nil {
		t.Fatal(err)
	}
	var rf ruleFile
	if err := yaml.Unmarshal(b, &rf); err != nil {
		t.Fatal(err)
	}
	ops, err := os.ReadFile("../docs/operations.md")
	if err != nil {
		t.Fatal(err)
	}
	anchors := markdownAnchors(string(ops))
	wantSeverity := map[string]string{
		"VotebotUnvotedProposalSoon": "page",
		"VotebotVoteMissed":          "page",
		"VotebotNeuronCannotVote":    "page",
		"VotebotRefreshDue":          "warning",
		"VotebotPollStale":           "warning",
		"VotebotAllEndpointsDown":    "warning",
		"VotebotDown":                "warning",
	}
	seen := map[string]bool{}
	for _, g := range rf.Groups {
		for _, r := range g.Rules {
			seen[r.Alert] = true
			checkExpr(t, "rule "+r.Alert, r.Expr)
			if want, ok := wantSeverity[r.Alert]; !ok {
				t.Errorf("rule %s: not an alert this test knows; add it with its severity", r.Alert)
			} else if r.Labels["severity"] != want {
				t.Errorf("rule %s: severity %q, want %q", r.Alert, r.Labels["severity"], want)
			}
			if r.Annotations["summary"] == "" || r.Annotations["description"] == "" {
				t.Errorf("rule %s: needs summary and description annotations", r.Alert)
			}
			url := r.Annotations["runbook_url"]
			_, anchor, _ := strings.Cut(url, "docs/operations.md#")
			if anchor == "" || !anchors[anchor] {
				t.Errorf("rule %s: runbook_url %q does not point at a heading of docs/operations.md", r.Alert, url)
			}
		}
	}
	for name := range wantSeverity {
		if !seen[name] {
			t.Errorf("alert %s is missing from the rules", name)
		}
	}
}

// markdownAnchors returns the anchors GitHub generates for the headings of a Markdown text:
// lower case, punctuation dropped, spaces to hyphens.
func markdownAnchors(md string) map[string]bool {
	out := map[string]bool{}
	drop := regexp.MustCompile(`[^\p{L}\p{N} _-]`)
	fenced := false
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "```") {
			fenced = !fenced
		}
		if fenced || !strings.HasPrefix(line, "#") {
			continue
		}
		h := strings.TrimSpace(strings.TrimLeft(line, "#"))
		h = drop.ReplaceAllString(strings.ToLower(h), "")
		out[strings.ReplaceAll(h, " ", "-")] = true
	}
	return out
}

// The end-to-end test's votebot config must stay valid as the config schema evolves; the
// script would otherwise fail only on a machine that runs it.
func TestE2EConfigIsValid(t *testing.T) {
	b, err := os.ReadFile("testdata/e2e-votebot.yaml")
	if err != nil {
		t.Fatal(err)
	}
	filled := strings.NewReplacer("@DEVNET@", "http://127.0.0.1:8080", "@TMP@", t.TempDir(),
		"@LISTEN@", "127.0.0.1:9464", "@RECEIVER@", "http://127.0.0.1:9099").Replace(string(b))
	cfg, err := config.Parse("testdata/e2e-votebot.yaml", []byte(filled), nil)
	if err != nil {
		t.Fatalf("deploy/testdata/e2e-votebot.yaml: %v", err)
	}
	if len(cfg.Neurons) != 1 || cfg.Neurons[0].ID != 1001 {
		t.Errorf("neurons = %+v, want only 1001 (the scenario's missing neuron)", cfg.Neurons)
	}
}

func TestE2EScenarioIsValid(t *testing.T) {
	b, err := os.ReadFile("testdata/e2e-missed-vote.yaml")
	if err != nil {
		t.Fatal(err)
	}
	const somePrincipal = "3s2xk-iklzc-ihhr3-ulwwu-7x242-emahy-w2hc6-bslpy-ju7g4-53uck-4ae"
	filled := strings.NewReplacer("@HOTKEY@", somePrincipal, "@CONTROLLER@", somePrincipal).Replace(string(b))
	s, err := governance.ParseScenario([]byte(filled), "testdata")
	if err != nil {
		t.Fatalf("deploy/testdata/e2e-missed-vote.yaml: %v", err)
	}
	if len(s.Proposals) != 1 || len(s.Neurons) != 2 {
		t.Errorf("scenario has %d proposals and %d neurons, want 1 and 2", len(s.Proposals), len(s.Neurons))
	}
}

// The names above are a contract with metrics/ (which registers them): a rename there must fail here,
// not silently empty a dashboard panel or disarm an alert.
func TestExportedMetricsAreRegistered(t *testing.T) {
	b, err := os.ReadFile("../metrics/metrics.go")
	if err != nil {
		t.Fatal(err)
	}
	src := string(b)
	for _, name := range exportedMetrics {
		if !strings.HasPrefix(name, "votebot_") {
			continue // made by Prometheus
		}
		base := name
		for _, suffix := range []string{"_bucket", "_sum", "_count"} {
			if n, ok := strings.CutSuffix(name, suffix); ok && strings.HasSuffix(n, "_seconds") {
				base = n
			}
		}
		if !strings.Contains(src, `"`+base+`"`) {
			t.Errorf("metric %s is used by deploy/ but metrics/metrics.go does not register %q", name, base)
		}
	}
}
