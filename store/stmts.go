package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// stmts are the statements the bot runs per ballot or per pass, prepared once at Open: with
// database/sql and modernc.org/sqlite an unprepared statement is parsed and compiled again on every
// call, which was a quarter of the store's CPU when filling 50,000 ballots. database/sql prepares
// each on a pooled connection the first time it runs there and keeps it until the connection goes.
type stmts struct {
	voteInsert, voteLive, voteFinish, dryRun *sql.Stmt
	decisionInsert                           *sql.Stmt
	observationUpsert                        *sql.Stmt
	auditUpsert                              *sql.Stmt
	neuronStatusUpsert                       *sql.Stmt
	proposalUpsert                           *sql.Stmt
	alertGet, alertPut                       *sql.Stmt
}

// stmtSQL pairs a statement with its text.
type stmtSQL struct {
	dst   **sql.Stmt
	query string
}

// all lists every statement once, for prepare and close.
func (st *stmts) all() []stmtSQL {
	return []stmtSQL{
		{&st.voteInsert, voteInsertSQL},
		{&st.voteLive, voteLiveSQL},
		{&st.voteFinish, voteFinishSQL},
		{&st.dryRun, dryRunSQL},
		{&st.decisionInsert, decisionInsertSQL},
		{&st.observationUpsert, observationUpsertSQL},
		{&st.auditUpsert, auditUpsertSQL},
		{&st.neuronStatusUpsert, neuronStatusUpsertSQL},
		{&st.proposalUpsert, proposalUpsertSQL},
		{&st.alertGet, alertGetSQL},
		{&st.alertPut, alertPutSQL},
	}
}

// prepare prepares every statement of st, closing them all if one fails.
func (st *stmts) prepare(ctx context.Context, db *sql.DB) error {
	for _, p := range st.all() {
		stmt, err := db.PrepareContext(ctx, p.query)
		if err != nil {
			_ = st.close()
			return fmt.Errorf("prepare %.40q: %w", p.query, err)
		}
		*p.dst = stmt
	}
	return nil
}

// close closes the prepared statements (those prepared so far, after a failed prepare).
func (st *stmts) close() error {
	var errs []error
	for _, p := range st.all() {
		if *p.dst != nil {
			errs = append(errs, (*p.dst).Close())
		}
	}
	return errors.Join(errs...)
}
