package store

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations are applied in order, each once, each in its own transaction; migration i (from 0)
// brings the schema to version i+1. Never edit a released migration: append a new one.
var migrations = []string{
	// 1: proposals, decisions, the vote log and meta.
	`
CREATE TABLE proposals (
	id            INTEGER PRIMARY KEY,
	topic         INTEGER NOT NULL,
	title         TEXT    NOT NULL,
	proposer      INTEGER NOT NULL,
	created_at    INTEGER NOT NULL,
	deadline      INTEGER NOT NULL,
	reward_status INTEGER NOT NULL,
	first_seen    INTEGER NOT NULL,
	last_seen     INTEGER NOT NULL
);
CREATE INDEX proposals_reward_status ON proposals(reward_status);

CREATE TABLE decisions (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	proposal_id INTEGER NOT NULL,
	neuron_id   INTEGER NOT NULL,
	action      TEXT    NOT NULL,
	vote        INTEGER NOT NULL,
	rule        TEXT    NOT NULL,
	reason      TEXT    NOT NULL,
	at          INTEGER NOT NULL
);
CREATE INDEX decisions_ballot ON decisions(proposal_id, neuron_id);

CREATE TABLE vote_attempts (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	proposal_id INTEGER NOT NULL,
	neuron_id   INTEGER NOT NULL,
	vote        INTEGER NOT NULL,
	source      TEXT    NOT NULL,
	reason      TEXT    NOT NULL,
	outcome     TEXT    NOT NULL,
	error       TEXT    NOT NULL DEFAULT '',
	started_at  INTEGER NOT NULL,
	finished_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX vote_attempts_ballot ON vote_attempts(proposal_id, neuron_id);
-- At most one attempt per ballot may be in flight or have succeeded: the database itself refuses
-- a second send, whatever the caller (or a second process) does.
CREATE UNIQUE INDEX vote_attempts_one_live ON vote_attempts(proposal_id, neuron_id)
	WHERE outcome IN ('pending', 'succeeded', 'already_voted');

CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
`,
	// 2: manual overrides and alert states.
	`
CREATE TABLE overrides (
	proposal_id INTEGER NOT NULL,
	neuron_id   INTEGER NOT NULL, -- 0: every neuron
	vote        INTEGER NOT NULL,
	reason      TEXT    NOT NULL DEFAULT '',
	set_at      INTEGER NOT NULL,
	PRIMARY KEY (proposal_id, neuron_id)
);

CREATE TABLE alert_states (
	key         TEXT PRIMARY KEY,
	kind        TEXT    NOT NULL,
	neuron_id   INTEGER NOT NULL,
	proposal_id INTEGER NOT NULL,
	first_fired INTEGER NOT NULL,
	last_sent   INTEGER NOT NULL,
	resolved_at INTEGER NOT NULL,
	times_sent  INTEGER NOT NULL,
	deadline    INTEGER NOT NULL,
	severity    INTEGER NOT NULL,
	pending     INTEGER NOT NULL
);
CREATE INDEX alert_states_active ON alert_states(resolved_at);
`,
	// 3: participation observations, one per (proposal, neuron).
	`
CREATE TABLE observations (
	proposal_id   INTEGER NOT NULL,
	neuron_id     INTEGER NOT NULL,
	topic         INTEGER NOT NULL,
	reward_status INTEGER NOT NULL,
	ballot        TEXT    NOT NULL,
	ballot_vp     INTEGER NOT NULL,
	vote          INTEGER NOT NULL,
	proposal_time INTEGER NOT NULL,
	deadline      INTEGER NOT NULL,
	observed_at   INTEGER NOT NULL,
	PRIMARY KEY (proposal_id, neuron_id)
);
`,
	// 4: the proposal's total potential voting power, which prices a missed vote in rewards/.
	`
ALTER TABLE observations ADD COLUMN total_potential_vp INTEGER NOT NULL DEFAULT 0;
`,
	// 5: indexes for the start-up and report queries.
	`
CREATE INDEX observations_neuron ON observations(neuron_id);
CREATE INDEX vote_attempts_outcome ON vote_attempts(outcome);
`,
	// 6: index only the pending attempts, the ones start-up reconciles. The index on every outcome
	// cost each vote two more pages written to the WAL (BeginVote added a 'pending' entry,
	// FinishVote moved it), 14% of BenchmarkVote's CPU. Counting votes cast at start scans instead.
	`
DROP INDEX vote_attempts_outcome;
CREATE INDEX vote_attempts_pending ON vote_attempts(id) WHERE outcome = 'pending';
`,
	// 7: the decision's source beside its rule. Until now the loop stored the source ("rule",
	// "fallback", "override") in rule, so the audit log could not say which rule decided. Those
	// rows are repaired: the source moves to its column and the rule's name is read back from the
	// reason, which policy writes as 'rule "NAME" (what matched): ...' ('default (...' and
	// 'manual override ...' name no rule). A name %q had to escape (a backslash) is not guessed
	// at: its rule is left empty, as are those of rows whose reason names no rule.
	`
ALTER TABLE decisions ADD COLUMN source TEXT NOT NULL DEFAULT '';
UPDATE decisions SET
	source = rule,
	rule = CASE
		WHEN substr(reason, 1, 6) = 'rule "' AND instr(substr(reason, 7), '" (') > 1
			AND instr(substr(reason, 7, instr(substr(reason, 7), '" (') - 1), '\') = 0
		THEN substr(reason, 7, instr(substr(reason, 7), '" (') - 1)
		ELSE '' END
WHERE rule IN ('rule', 'fallback', 'override');
`,
	// 8: the reward audit: per neuron and reward event, the maturity the recorded participation
	// predicts and the maturity that arrived (rewards.AuditMaturity).
	`
CREATE TABLE reward_audit (
	neuron_id    INTEGER NOT NULL,
	day          INTEGER NOT NULL, -- the event's day_after_genesis
	event_at     INTEGER NOT NULL,
	expected_e8s INTEGER NOT NULL,
	received_e8s INTEGER NOT NULL,
	status       TEXT    NOT NULL,
	audited_at   INTEGER NOT NULL,
	PRIMARY KEY (neuron_id, day)
);
`,
	// 9: the ballots of the caller's neurons as seen open (who had one, its voting power), so a miss
	// after settlement, when the canister has purged them, can be proven (bot/settle.go).
	`
ALTER TABLE proposals ADD COLUMN ballots BLOB NOT NULL DEFAULT x'';
`,
	// 10: state that lived only in memory and was lost at a restart: the reward audit's last
	// maturity snapshot (one row, bot.AuditSnapshot as JSON), so the first reward event after a
	// restart is audited; and the Telegram decision presses applied, by callback query id, so a
	// press Telegram delivers again after a restart is not applied twice.
	`
CREATE TABLE audit_snapshot (
	id       INTEGER PRIMARY KEY CHECK (id = 1),
	snapshot TEXT    NOT NULL,
	saved_at INTEGER NOT NULL
);

CREATE TABLE telegram_presses (
	callback_id TEXT    PRIMARY KEY,
	proposal_id INTEGER NOT NULL,
	neuron_id   INTEGER NOT NULL,
	vote        INTEGER NOT NULL,
	applied_at  INTEGER NOT NULL
);
`,
	// 11: what `report` needs besides ballots, from the daemon's own reads: each neuron's voting power,
	// dissolve delay and decay date as of its latest read (one row per neuron, replaced at every
	// read), and the ICP ledger's total supply (a row per read, about daily).
	`
CREATE TABLE neuron_status (
	neuron_id            INTEGER PRIMARY KEY,
	read_at              INTEGER NOT NULL,
	potential_vp         INTEGER NOT NULL,
	deciding_vp          INTEGER NOT NULL,
	dissolve_delay_s     INTEGER NOT NULL,
	refreshed_at         INTEGER NOT NULL,
	decay_at             INTEGER NOT NULL, -- 0: the network's decay parameters were not known
	following_cleared_at INTEGER NOT NULL
);

CREATE TABLE ledger_supply (
	read_at          INTEGER PRIMARY KEY,
	total_supply_e8s INTEGER NOT NULL,
	symbol           TEXT    NOT NULL
);
`,
	// 12: what a backtest replays (issue 24): the proposal's text and action, which rules match
	// on; per decision, what the policy decided on that the proposals table does not keep (the
	// deadline and tally then, the proposer's known-neuron name, the neuron's followees on the
	// topic and their known votes) as JSON; and the followees' votes as the loop saw them, with
	// the first time seen, and when the loop first saw a ballot filled by following: the followee
	// reliability report is computed from them.
	`
ALTER TABLE proposals ADD COLUMN summary TEXT NOT NULL DEFAULT '';
ALTER TABLE proposals ADD COLUMN url TEXT NOT NULL DEFAULT '';
ALTER TABLE proposals ADD COLUMN action TEXT NOT NULL DEFAULT '';
ALTER TABLE proposals ADD COLUMN action_tag TEXT NOT NULL DEFAULT '';
ALTER TABLE proposals ADD COLUMN nns_function INTEGER NOT NULL DEFAULT 0;
ALTER TABLE decisions ADD COLUMN input TEXT NOT NULL DEFAULT '';

CREATE TABLE followee_votes (
	proposal_id INTEGER NOT NULL,
	followee_id INTEGER NOT NULL,
	topic       INTEGER NOT NULL,
	vote        INTEGER NOT NULL,
	seen_at     INTEGER NOT NULL,
	PRIMARY KEY (proposal_id, followee_id)
);

CREATE TABLE following_fills (
	proposal_id INTEGER NOT NULL,
	neuron_id   INTEGER NOT NULL,
	vote        INTEGER NOT NULL,
	filled_at   INTEGER NOT NULL,
	topic       INTEGER NOT NULL,
	followees   TEXT    NOT NULL, -- the neuron's followees on the topic then, comma-separated
	PRIMARY KEY (proposal_id, neuron_id)
);
`,
	// 13: an SNS lane's store (one file per DAO, the same schema) keeps what makes a proposal an
	// SNS one: its SNS facts as JSON (policy.SNSProposal; empty for the NNS), so a restart settles
	// it as one; and, per observation, its SNS topic (NULL for the NNS): every SNS proposal weighs
	// 1 in participation, where an NNS one weighs its topic's reward weight.
	`
ALTER TABLE proposals ADD COLUMN sns TEXT NOT NULL DEFAULT '';
ALTER TABLE observations ADD COLUMN sns_topic INTEGER;
`,
}

func schemaVersion(ctx context.Context, db *sql.DB) (int, error) {
	var v sql.NullInt64
	err := db.QueryRowContext(ctx, "SELECT MAX(version) FROM schema_migrations").Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return int(v.Int64), nil
}

// migrate brings the schema to version target (1..len(migrations)).
func migrate(ctx context.Context, db *sql.DB, target int) error {
	_, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		applied_at INTEGER NOT NULL)`)
	if err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	current, err := schemaVersion(ctx, db)
	if err != nil {
		return err
	}
	if current > len(migrations) {
		return fmt.Errorf("database schema version %d is newer than this votebot knows (%d); upgrade votebot",
			current, len(migrations))
	}
	for v := current + 1; v <= target; v++ {
		if err := applyMigration(ctx, db, v); err != nil {
			return err
		}
	}
	return nil
}

func applyMigration(ctx context.Context, db *sql.DB, version int) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migration %d: %w", version, err)
	}
	defer func() { _ = tx.Rollback() }()
	// Another process may have migrated between our read and our write lock.
	var done int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM schema_migrations WHERE version = ?",
		version).Scan(&done); err != nil {
		return fmt.Errorf("migration %d: %w", version, err)
	}
	if done > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, migrations[version-1]); err != nil {
		return fmt.Errorf("migration %d: %w", version, err)
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, applied_at) VALUES (?, strftime('%s','now'))",
		version); err != nil {
		return fmt.Errorf("migration %d: record: %w", version, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migration %d: commit: %w", version, err)
	}
	return nil
}
