package main

import (
	"fmt"
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
		if strings.Contains(line, " 1001 ") {
			row = line
		}
	}
	// SubnetManagement: rule "infra" votes yes after the 1 h vote delay.
	fields := strings.Fields(row)
	if len(fields) < 6 || fields[2] != "vote" || fields[3] != "Yes" || fields[4] != "infra" || fields[5] != "rule" {
		t.Errorf("decision row %q: want DO vote, VOTE Yes, RULE infra, SOURCE rule", row)
	}
	if !strings.Contains(out, "History: observations") && !strings.Contains(out, "History: the state database holds no observations") {
		t.Errorf("report does not say how far back it sees:\n%s", out)
	}
}
