package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
)

// TestMigration7RepairsDecisionRules: until version 6 the loop stored the decision's source in
// decisions.rule. Opening such a database moves the source to its own column and reads the rule's
// name back from the reason where policy wrote one.
func TestMigration7RepairsDecisionRules(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name         string
		rule, reason string // as version 6 stored them
		wantRule     string
		wantSource   string
	}{
		{"fallback of a named rule", "fallback",
			`rule "motions" (topic Governance): manual; deadline margin reached: fallback no`, "motions", "fallback"},
		{"rule vote", "rule", `rule "big-votes" (topic Governance): vote Yes`, "big-votes", "rule"},
		{"name with spaces and parentheses", "rule", `rule "a (b) c" (topic Governance): skip`, "a (b) c", "rule"},
		{"override", "override", "manual override: vote Yes (votebot vote)", "", "override"},
		{"policy default", "rule", "default (no rule matched: policy default): vote Yes", "", "rule"},
		{"no rule at all", "rule", "already voted Yes", "", "rule"},
		{"escaped quote is not guessed", "rule", `rule "say \"hi\" (x)" (topic Governance): skip`, "", "rule"},
		{"unterminated name", "rule", `rule "motions`, "", "rule"},
		{"not policy's wording", "rule", `Rule "motions" (topic Governance): skip`, "", "rule"},
		{"a real rule name is kept", "motions", `rule "motions" (topic Governance): vote Yes`, "motions", ""},
	}
	path := filepath.Join(t.TempDir(), "v6.db")
	db, err := sql.Open("sqlite", dsn(path, false, cacheSizeKiB))
	must(t, err)
	must(t, migrate(ctx, db, 6))
	for i, tt := range tests {
		_, err := db.ExecContext(ctx, `INSERT INTO decisions (proposal_id, neuron_id, action, vote, rule, reason, at)
			VALUES (1, ?, 'vote', 2, ?, ?, 5)`, i+1, tt.rule, tt.reason)
		must(t, err)
	}
	must(t, db.Close())

	s, err := Open(ctx, path)
	must(t, err)
	defer s.Close()
	got, err := s.Decisions(ctx, 1, 0)
	must(t, err)
	if len(got) != len(tests) {
		t.Fatalf("%d decisions after migration, want %d", len(got), len(tests))
	}
	for i, tt := range tests {
		var rule, source, reason string
		must(t, s.db.QueryRowContext(ctx, "SELECT rule, source, reason FROM decisions WHERE neuron_id = ?", i+1).
			Scan(&rule, &source, &reason))
		if rule != tt.wantRule || source != tt.wantSource || reason != tt.reason {
			t.Errorf("%s: rule %q source %q reason %q, want %q %q (reason kept)", tt.name, rule, source, reason,
				tt.wantRule, tt.wantSource)
		}
		if d := got[i].Decision; d.Rule != tt.wantRule || d.Verb() != "vote" {
			t.Errorf("%s: read back rule %q verb %q, want %q vote", tt.name, d.Rule, d.Verb(), tt.wantRule)
		}
	}
	// The example the issue names, through the reader the loop's reports use.
	if d := got[0].Decision; d.Rule != "motions" || d.Source() != "fallback" {
		t.Errorf("old fallback row reads back rule %q source %q, want motions, fallback", d.Rule, d.Source())
	}
}
