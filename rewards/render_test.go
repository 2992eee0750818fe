package rewards

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/votebot/votebot/nns"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update to create it)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (go test -run %s -update rewrites it)\ngot:\n%s\nwant:\n%s", path, t.Name(), got, want)
	}
}

func render(t *testing.T, r Report, o TextOptions) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := WriteTextWith(&b, r, o); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func renderJSON(t *testing.T, r Report) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := WriteJSON(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// testAudit is one event's audit of both test neurons: alpha paid in
// full, beta paid half, and a third neuron whose maturity was spawned.
func testAudit() []MaturityAudit {
	ev := RewardEventRef{DayAfterGenesis: 2021, At: time.Date(2026, 11, 21, 0, 2, 0, 0, time.UTC)}
	return []MaturityAudit{
		AuditMaturity(1001, ev, 145_203_755, Maturity{MaturityE8s: 10}, Maturity{MaturityE8s: 145_203_765}),
		AuditMaturity(1002, ev, 5_892_156, Maturity{}, Maturity{StakedMaturityE8s: 2_946_078}),
		AuditMaturity(1003, ev, 1_000, Maturity{MaturityE8s: 9_000_000}, Maturity{}),
	}
}

func TestReportGolden(t *testing.T) {
	tests := []struct {
		name   string
		window string
		opts   TextOptions
		audit  bool
		json   bool
	}{
		{"report-7d.golden", "7d", TextOptions{}, false, false},
		{"report-7d-exact.golden", "7d", TextOptions{Exact: true}, false, false},
		{"report-30d-audit.golden", "30d", TextOptions{}, true, false},
		{"report-7d.json.golden", "7d", TextOptions{}, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := loadHistory(t)
			e := DefaultEconomics(RegimeCurrent)
			w, err := ParseWindow(tt.window, e, tNow)
			if err != nil {
				t.Fatal(err)
			}
			in := ReportInput{Economics: e, Now: tNow, Window: w, Observations: h.Observations,
				Neurons: h.Neurons, SupplyE8s: h.SupplyE8s, NetworkVotingPowerE8s: h.NetworkVotingPowerE8s}
			if tt.audit {
				in.Audit = testAudit()
			}
			r := BuildReport(in)
			if tt.json {
				golden(t, tt.name, renderJSON(t, r))
				return
			}
			golden(t, tt.name, render(t, r, tt.opts))
		})
	}
}

// freshStore is what a bot started today holds: ballots it cast on
// proposals still open, deadlines later in today's reward period, and no
// neuron figures but the ballots' voting power.
func freshStore() []Observation {
	open := nns.RewardStatusAcceptVotes
	return []Observation{
		{ProposalID: 9, Topic: nns.TopicGovernance, RewardStatus: open, ProposalTime: tNow.Add(-4 * time.Hour),
			Deadline: tNow.Add(5 * time.Hour), Neuron: 1001, Ballot: BallotVotedDirect, BallotVP: 318_750_000_000, Vote: nns.VoteYes},
		{ProposalID: 10, Topic: nns.TopicExchangeRate, RewardStatus: open, ProposalTime: tNow.Add(-time.Hour),
			Deadline: tNow.Add(11 * time.Hour), Neuron: 1001, Ballot: BallotVotedFollowing, BallotVP: 318_750_000_000, Vote: nns.VoteYes},
	}
}

// TestFreshStoreFillsEveryWindow: beside a filled reward period, 7D, 30D
// and ALL show the same ballots (they used to read n/a), the voting power
// comes from the ballots, and the header says how far the data reaches.
func TestFreshStoreFillsEveryWindow(t *testing.T) {
	r := BuildReport(ReportInput{Economics: DefaultEconomics(RegimeCurrent), Now: tNow, Observations: freshStore(),
		Neurons: []NeuronStatus{{ID: 1001, Name: "main"}}})
	for _, p := range r.Neurons[0].Participation {
		if p.Counted != 2 || p.Fraction != 1 {
			t.Errorf("%s: counted %d fraction %v, want 2 and 1", p.Window.Name, p.Counted, p.Fraction)
		}
	}
	out := render(t, r, TextOptions{})
	golden(t, "report-fresh.golden", out)
	if bytes.Contains(out, []byte("n/a")) {
		t.Errorf("n/a in the report:\n%s", out)
	}
}

// TestTableFitsHundredColumns: 20-digit ids without aliases, long aliases,
// ten million ICP of voting power and a large loss still fit.
func TestTableFitsHundredColumns(t *testing.T) {
	var obs []Observation
	var neurons []NeuronStatus
	for i, id := range []uint64{18_446_744_073_709_551_615, 6_914_974_521_667_616_512, 27} {
		obs = append(obs, Observation{ProposalID: 1, Topic: nns.TopicGovernance, RewardStatus: nns.RewardStatusSettled,
			ProposalTime: tNow.Add(-5 * 24 * time.Hour), Deadline: tNow.Add(-24 * time.Hour), Neuron: id,
			Ballot: BallotEmpty, BallotVP: 1_000_000_000_000_000, TotalPotentialVP: 1_500_000_000_000_000})
		st := NeuronStatus{ID: id, PotentialVP: 1_000_000_000_000_000, RefreshedAt: tNow.Add(-300 * 24 * time.Hour)}
		if i == 2 {
			st.Name = "a very long alias for the DFINITY foundation neuron"
		}
		neurons = append(neurons, st)
	}
	r := BuildReport(ReportInput{Economics: DefaultEconomics(RegimeCurrent), Now: tNow, Observations: obs,
		Neurons: neurons, SupplyE8s: 54_000_000_000_000_000, NetworkVotingPowerE8s: 45_000_000_000_000_000})
	out := render(t, r, TextOptions{})
	lines := strings.Split(string(out), "\n")
	table := lines[slicesIndex(lines, "NEURON"):]
	table = table[:slicesIndex(table, "")]
	if len(table) != 4 {
		t.Fatalf("table has %d lines:\n%s", len(table), out)
	}
	for _, l := range table {
		if n := utf8.RuneCountInString(l); n > 100 {
			t.Errorf("%d columns: %q", n, l)
		}
	}
}

func slicesIndex(lines []string, prefix string) int {
	for i, l := range lines {
		if strings.HasPrefix(l, prefix) && (prefix != "" || l == "") {
			return i
		}
	}
	return len(lines)
}

// TestJSONHasNoFakeValues: an empty window's fraction is null (not 1 with
// counted 0) and no time is the zero time.
func TestJSONHasNoFakeValues(t *testing.T) {
	r := BuildReport(ReportInput{Economics: DefaultEconomics(RegimeCurrent), Now: tNow,
		Neurons: []NeuronStatus{{ID: 5, Name: "new"}}})
	js := renderJSON(t, r)
	if bytes.Contains(js, []byte("0001-01-01")) {
		t.Errorf("zero time in JSON:\n%s", js)
	}
	var back struct {
		Neurons []struct {
			Participation []map[string]any `json:"participation"`
		} `json:"neurons"`
	}
	if err := json.Unmarshal(js, &back); err != nil {
		t.Fatal(err)
	}
	for _, p := range back.Neurons[0].Participation {
		if f, ok := p["fraction"]; !ok || f != nil {
			t.Errorf("fraction %v beside counted %v, want null", f, p["counted"])
		}
	}
	golden(t, "report-empty.json.golden", js)
	golden(t, "report-empty.golden", render(t, r, TextOptions{}))
}
