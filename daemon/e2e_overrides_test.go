package daemon_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/daemon"
	"github.com/votebot/votebot/devnet/governance"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/store"
)

// overridesConfig votes Yes at once on every motion: only the stored No
// (votebot vote 1 no) stands in its way.
const overridesConfig = `
poll_interval: 1s
neurons: [{id: 1001}]
policies:
  default:
    deadline_margin: 10s
    fallback: yes
    default: follow
    rules:
      - {name: motions-yes, match: {topics: [Governance]}, vote: yes}
`

// tableBreaker makes the overrides table unreadable in the database at
// path while the daemon has it open, and repairs it.
type tableBreaker struct {
	name       string
	breakTable func(t *testing.T, db *sql.DB, path string) (repair func())
}

var tableBreakers = []tableBreaker{
	{"renamed", func(t *testing.T, db *sql.DB, _ string) func() {
		mustExec(t, db, "ALTER TABLE overrides RENAME TO overrides_elsewhere")
		return func() { mustExec(t, db, "ALTER TABLE overrides_elsewhere RENAME TO overrides") }
	}},
	{"root page corrupt", corruptOverridesRoot},
}

// corruptOverridesRoot overwrites the overrides table's root page in the
// database file, so that PRAGMA quick_check reports the file malformed,
// and returns what puts the page back.
func corruptOverridesRoot(t *testing.T, db *sql.DB, path string) func() {
	t.Helper()
	checkpoint(t, db) // the page's newest version is in the file, not the WAL
	var root, size int64
	if err := db.QueryRow("SELECT rootpage FROM sqlite_schema WHERE name = 'overrides'").Scan(&root); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow("PRAGMA page_size").Scan(&size); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	good := make([]byte, size)
	if _, err := f.ReadAt(good, (root-1)*size); err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte(strings.Repeat("\xff", int(size))), (root-1)*size); err != nil {
		t.Fatal(err)
	}
	// A commit elsewhere makes every connection drop its cached pages.
	mustExec(t, db, "INSERT OR REPLACE INTO meta (key, value) VALUES ('e2e_poke', 'corrupt')")
	t.Logf("quick_check after corrupting page %d: %s", root, quickCheck(db))
	return func() {
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := f.WriteAt(good, (root-1)*size); err != nil {
			t.Fatal(err)
		}
		mustExec(t, db, "INSERT OR REPLACE INTO meta (key, value) VALUES ('e2e_poke', 'repaired')")
	}
}

// TestOverridesSurviveAnUnreadableTable: `votebot vote 1 no` is stored,
// then the overrides table becomes unreadable, under a running daemon or
// before it starts. Proposal 1 arrives with a rule that says Yes at once.
// The daemon casts the stored No, never the rule's Yes: running, with the
// overrides it read last; restarted (it never read them), it holds the
// vote, and casts the No once the table reads again. Meanwhile a critical
// overrides_unreadable alert is out and /readyz answers 503.
func TestOverridesSurviveAnUnreadableTable(t *testing.T) {
	skipLong(t)
	t.Parallel()
	for _, br := range tableBreakers {
		for _, restart := range []bool{false, true} {
			name := br.name + "/running"
			if restart {
				name = br.name + "/restart"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				overridesScenario(t, br, restart)
			})
		}
	}
}

func overridesScenario(t *testing.T, br tableBreaker, restart bool) {
	e := newE2E(t, shortNNS(40*time.Second, time.Hour))
	e.addProposerAndBotNeurons(botNeuron{1001, 10})
	e.loadConfig(e.configf(overridesConfig))
	tune := func(o *bot.Options) { o.PollInterval, o.RetryBackoff = 250*time.Millisecond, 250*time.Millisecond }
	ctx := context.Background()

	app := e.assemble(tune)
	if _, err := app.Bot.Once(ctx); err != nil { // creates the store
		t.Fatal(err)
	}
	cli, err := store.Open(ctx, e.storePath()) // as `votebot vote 1 no` does
	if err != nil {
		t.Fatal(err)
	}
	if err := cli.SetOverride(ctx, 1, 1001, nns.VoteNo, "votebot vote"); err != nil {
		t.Fatal(err)
	}
	cli.Close()
	if _, err := app.Bot.Once(ctx); err != nil { // reads the override
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", e.storePath())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if restart {
		app.Close()
	}
	repair := br.breakTable(t, db, e.storePath())
	if restart {
		app = e.assemble(tune)
	}
	defer app.Close()
	defer runUntilStop(t, app.Bot.Run)()

	pid, err := e.net.Governance.SubmitProposal(governance.ProposalSpec{Proposer: 40, Title: "Motion",
		Action: nns.Action{Motion: &nns.Motion{MotionText: "m"}}})
	if err != nil || pid != 1 {
		t.Fatalf("proposal %d, %v; want 1", pid, err)
	}
	pi, _ := e.net.Governance.ProposalInfo(pid)
	margin := time.Unix(int64(*pi.DeadlineTimestampSeconds), 0).Add(-10 * time.Second)
	// Passes run every 250 ms, and the rule's Yes is due at once: a
	// running daemon votes within a few passes; a restarted one holds.
	wait := 10 * time.Second
	if restart {
		wait = 3 * time.Second
	}
	got := ballotWithin(e, pid, 1001, wait)
	t.Logf("%s: ballot of 1001 on proposal 1 with the table broken: %v", t.Name(), got)
	want := nns.VoteNo // the overrides read before the break
	if restart {
		want = nns.VoteUnspecified // never read: held until the margin
	}
	if got != want {
		t.Errorf("with the overrides table %s: neuron 1001 voted %v, want %v", br.name, got, want)
	}
	if first, _, _ := e.alerts.count(alert.KeyFor(alert.KindOverridesUnreadable, 0, 0)); first != 1 {
		t.Errorf("overrides_unreadable delivered %d times, want once", first)
	}
	for _, a := range e.alerts.got {
		if a.Kind == alert.KindOverridesUnreadable && !a.Resolved {
			t.Logf("alert [%s] %s: %s", a.Severity, a.Headline, a.Text)
			if a.Severity != alert.SeverityCritical {
				t.Errorf("overrides_unreadable is %s, want critical", a.Severity)
			}
		}
	}
	code, body := readyz(t, app)
	t.Logf("/readyz %d: %s", code, strings.TrimSpace(body))
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "overrides") {
		t.Errorf("/readyz %d %q, want 503 naming the overrides", code, body)
	}

	repair()
	// The first pass that reads the table resolves the alert, then votes.
	resolved := 0
	for end := time.Now().Add(10 * time.Second); resolved == 0 && time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		_, _, resolved = e.alerts.count(alert.KeyFor(alert.KindOverridesUnreadable, 0, 0))
	}
	got = ballotWithin(e, pid, 1001, 10*time.Second)
	if time.Now().After(margin) {
		t.Fatalf("the test ran past the deadline margin (%s): the machine is too slow for its timing", margin)
	}
	code, body = readyz(t, app)
	t.Logf("%s: after the repair: ballot %v, overrides_unreadable resolved %d, /readyz %d", t.Name(), got, resolved, code)
	if got != nns.VoteNo {
		t.Errorf("after the repair: neuron 1001 voted %v, want the stored No", got)
	}
	if resolved != 1 {
		t.Errorf("overrides_unreadable resolved %d times after the repair, want once", resolved)
	}
	if code != http.StatusOK {
		t.Errorf("/readyz %d %q after the repair, want 200", code, body)
	}
}

// ballotWithin waits up to d for the neuron's ballot on proposal pid to
// be filled, and returns it.
func ballotWithin(e *e2e, pid, neuron uint64, d time.Duration) nns.Vote {
	for end := time.Now().Add(d); ; time.Sleep(50 * time.Millisecond) {
		pi, _ := e.net.Governance.ProposalInfo(pid)
		if v := ballotOf(pi, neuron); v != nns.VoteUnspecified || time.Now().After(end) {
			return v
		}
	}
}

func readyz(t *testing.T, app *daemon.App) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	daemon.Handler(app.Metrics, app.Ready).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	return rec.Code, rec.Body.String()
}

func mustExec(t *testing.T, db *sql.DB, query string) {
	t.Helper()
	if _, err := db.Exec(query); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// checkpoint copies the whole WAL into the database file, retrying while
// the daemon reads.
func checkpoint(t *testing.T, db *sql.DB) {
	t.Helper()
	for range 100 {
		var busy, logFrames, done int
		if err := db.QueryRow("PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logFrames, &done); err != nil {
			t.Fatal(err)
		}
		if busy == 0 {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("the WAL could not be checkpointed")
}

func quickCheck(db *sql.DB) string {
	rows, err := db.Query("PRAGMA quick_check")
	if err != nil {
		return err.Error()
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return err.Error()
		}
		lines = append(lines, s)
	}
	if err := rows.Err(); err != nil {
		lines = append(lines, err.Error())
	}
	return fmt.Sprint(lines)
}

// TestOverridesNeverReadRulesActAtTheMargin: a daemon that starts with
// the overrides table broken and never reads it holds the rule's Yes until
// the deadline margin, then casts it rather than miss the vote (deadline
// first), as its alert says.
func TestOverridesNeverReadRulesActAtTheMargin(t *testing.T) {
	skipLong(t)
	t.Parallel()
	e := newE2E(t, shortNNS(14*time.Second, time.Hour))
	e.addProposerAndBotNeurons(botNeuron{1001, 10})
	e.loadConfig(e.configf("%s", strings.Replace(overridesConfig, "deadline_margin: 10s", "deadline_margin: 5s", 1)))
	tune := func(o *bot.Options) { o.PollInterval, o.RetryBackoff = 250*time.Millisecond, 250*time.Millisecond }
	ctx := context.Background()
	app := e.assemble(tune)
	if _, err := app.Bot.Once(ctx); err != nil { // creates the store
		t.Fatal(err)
	}
	app.Close()
	db, err := sql.Open("sqlite", e.storePath())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	mustExec(t, db, "ALTER TABLE overrides RENAME TO overrides_elsewhere")
	app = e.assemble(tune)
	defer app.Close()
	defer runUntilStop(t, app.Bot.Run)()
	pid, err := e.net.Governance.SubmitProposal(governance.ProposalSpec{Proposer: 40, Title: "Motion",
		Action: nns.Action{Motion: &nns.Motion{MotionText: "m"}}})
	if err != nil {
		t.Fatal(err)
	}
	pi, _ := e.net.Governance.ProposalInfo(pid)
	deadline := time.Unix(int64(*pi.DeadlineTimestampSeconds), 0)
	margin := deadline.Add(-5 * time.Second)
	sleepUntil(margin.Add(-2 * time.Second))
	if got := ballotWithin(e, pid, 1001, 0); got != nns.VoteUnspecified {
		t.Errorf("neuron 1001 voted %v before the margin with the overrides never read, want nothing yet", got)
	}
	got := ballotWithin(e, pid, 1001, time.Until(deadline))
	t.Logf("ballot of 1001 at %s (margin %s, deadline %s): %v", time.Now().Format("15:04:05.0"),
		margin.Format("15:04:05"), deadline.Format("15:04:05"), got)
	if got != nns.VoteYes {
		t.Errorf("neuron 1001 voted %v by the deadline, want the rule's Yes at the margin (never miss)", got)
	}
}
