package backtest

import (
	"strings"
	"testing"
	"time"

	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
)

// The dashboard writes ids as strings, topics as TOPIC_ names and votes as
// numbers; the object form wraps the list in "data".
const dashboardExport = `{"data": [
 {"proposal_id": 130001, "topic": "TOPIC_GOVERNANCE", "action": "Motion", "proposer": "40",
  "title": "Spam <b>motion</b>", "summary": "...", "proposal_timestamp_seconds": 1764000000,
  "deadline_timestamp_seconds": 1764345600, "latest_tally": {"yes": "10", "no": "90", "total": "100"},
  "known_neurons_ballots": [{"id": "27", "name": "DFINITY Foundation", "vote": 2}]},
 {"proposal_id": 130002, "topic": "TOPIC_IC_OS_VERSION_ELECTION", "action": "ExecuteNnsFunction",
  "action_nns_function": 38, "proposer": "27", "title": "Elect IC-OS", "proposal_timestamp_seconds": 1764000000,
  "deadline_timestamp_seconds": 1764345600, "latest_tally": {"yes": 90, "no": 0, "total": 100},
  "known_neurons_ballots": [{"id": "27", "name": "DFINITY Foundation", "vote": 1}, {"id": "28", "name": "CodeGov", "vote": 0}]},
 {"proposal_id": 130003, "topic": "TOPIC_EXCHANGE_RATE", "action": "ExecuteNnsFunction", "proposer": "27",
  "title": "Rate", "proposal_timestamp_seconds": 1764000000, "deadline_timestamp_seconds": 1764345600,
  "latest_tally": {"yes": 90, "no": 0, "total": 100}, "known_neurons_ballots": [{"id": "28", "name": "CodeGov", "vote": 0}]}
]}`

func TestReplayExport(t *testing.T) {
	xs, err := ParseExport([]byte(dashboardExport))
	if err != nil {
		t.Fatal(err)
	}
	if len(xs) != 3 || xs[0].Proposal.Topic != nns.TopicGovernance || xs[1].Proposal.Topic != nns.TopicIcOsVersionElection ||
		xs[1].Proposal.NNSFunction != 38 || xs[1].Proposal.ProposerName != "DFINITY Foundation" {
		t.Fatalf("parsed %+v", xs)
	}
	pol := &policy.Policy{Name: "p", Default: policy.OutcomeFollow,
		Timing: policy.Timing{DeadlineMargin: 2 * time.Hour, Fallback: policy.FallbackWithMajority},
		Rules: []policy.Rule{{Name: "no-spam", Match: policy.Match{Actions: []policy.ActionKind{policy.ActionMotion},
			Proposers: []uint64{40}}, Outcome: policy.OutcomeVote, Vote: nns.VoteNo}},
		Following: map[nns.Topic][]policy.Followee{
			nns.TopicIcOsVersionElection: {{Name: "dfinity foundation"}},
			nns.TopicUnspecified:         {{Name: "CodeGov"}},
		}}
	rows := ReplayExport(xs, []uint64{7}, func(uint64) *policy.Policy { return pol }, map[uint64]bool{})
	want := map[uint64]string{
		130001: "vote No rule no-spam",    // the rule, at once
		130002: "followed Yes following ", // DFINITY, named case-insensitively, voted Yes
		130003: "vote Yes fallback ",      // CodeGov silent: the fallback, with the tally
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d", len(rows), len(want))
	}
	for _, r := range rows {
		got := r.New.Action + " " + r.New.Vote.String() + " " + r.New.Source + " " + r.New.Rule
		if got != want[r.Proposal] {
			t.Errorf("proposal %d: %q (%s), want %q", r.Proposal, got, r.New.Reason, want[r.Proposal])
		}
		if r.Recorded.Action != "unknown" || r.Differs {
			t.Errorf("proposal %d: recorded %+v, differs %v; the store holds nothing of it", r.Proposal, r.Recorded, r.Differs)
		}
	}
	// A proposal the store holds is the store's to replay.
	if rows := ReplayExport(xs, []uint64{7}, func(uint64) *policy.Policy { return pol }, map[uint64]bool{130001: true}); len(rows) != 2 {
		t.Errorf("%d rows with 130001 held, want 2", len(rows))
	}
}

func TestParseExportRejects(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"not json", `{"data": [`, "proposals export"},
		{"no id", `[{"topic": "TOPIC_GOVERNANCE"}]`, "no proposal_id"},
		{"bad topic", `[{"proposal_id": 1, "topic": "TOPIC_NOPE"}]`, "unknown topic"},
		{"bad vote", `[{"proposal_id": 1, "topic": 4, "known_neurons_ballots": [{"id": 27, "vote": "maybe"}]}]`, "unknown vote"},
		{"negative id", `[{"proposal_id": -1, "topic": 4}]`, "not a non-negative integer"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseExport([]byte(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}
