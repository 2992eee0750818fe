package main

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// The audit log names the rule that decided, beside its source: a pass
// against the devnet records its decisions, and `report --proposal` reads
// them back from the state database.
func TestReportShowsTheDecidingRuleFromTheStore(t *testing.T) {
	cfg, ids := devnetConfig(t)
	if code, out, errs := runCmd(t, "once", "--config", cfg); code != 0 && code != onceAtRisk {
		t.Fatalf("once exit %d: %s %s", code, out, errs)
	}
	code, out, errs := runCmd(t, "report", "--config", cfg, "--proposal", fmt.Sprint(ids[1]))
	if code != 0 {
		t.Fatalf("report exit %d: %s", code, errs)
	}
	t.Logf("\n%s", out)
	var row string
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, " main ") {
			row = line
		}
	}
	// SubnetManagement: rule "infra" votes yes after the 1 h vote delay. The neuron is
	// named by its alias, the time as "2026-12-04 10:00 UTC".
	fields := strings.Fields(row)
	if len(fields) < 8 || fields[2] != "UTC" || fields[4] != "vote" || fields[5] != "Yes" || fields[6] != "infra" || fields[7] != "rule" {
		t.Errorf("decision row %q: want AT … UTC, NEURON main, DO vote, VOTE Yes, RULE infra, SOURCE rule", row)
	}
	// Only the decision log: not the whole report first, and one time format.
	if !strings.HasPrefix(out, "Decisions on proposal "+fmt.Sprint(ids[1])+"\n") || strings.Contains(out, "History:") {
		t.Errorf("report --proposal prints more than the decision log:\n%s", out)
	}
	if regexp.MustCompile(`\dT\d\d:\d\d`).MatchString(out) {
		t.Errorf("report --proposal shows an RFC 3339 time beside its own format:\n%s", out)
	}
	// --neuron keeps that neuron's decisions; an unknown one is refused.
	if code, out, errs := runCmd(t, "report", "--config", cfg, "--proposal", fmt.Sprint(ids[1]), "--neuron", "1001"); code != 0 || !strings.Contains(out, " main ") {
		t.Errorf("report --neuron 1001: exit %d\n%s%s", code, out, errs)
	}
	if code, _, errs := runCmd(t, "report", "--config", cfg, "--neuron", "cold"); code != 1 || !strings.Contains(errs, "--neuron cold: not a configured neuron (configured: main)") {
		t.Errorf("report --neuron cold: exit %d, %s", code, errs)
	}
}
