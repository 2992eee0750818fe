package bot

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/votebot/votebot/nns"
)

func TestMetricsOpenProposalSeriesAndSettlement(t *testing.T) {
	h := newHarness(t, 1)
	h.step(0)
	h.gov.addProposal(7, nns.TopicGovernance, 10*time.Hour) // manual: waits for a human
	h.step(time.Minute)
	want := `
# HELP votebot_neuron_voted 1 if the neuron's ballot on the open proposal is filled, 0 if empty.
# TYPE votebot_neuron_voted gauge
votebot_neuron_voted{alias="n1",neuron="1",proposal_id="7",topic="Governance"} 0
`
	if err := testutil.CollectAndCompare(h.m.NeuronVoted, strings.NewReader(want)); err != nil {
		t.Fatal(err)
	}
	dl := h.gov.props[7].Deadline
	if got := testutil.ToFloat64(h.m.Deadline.WithLabelValues("7", "Governance")); got != float64(dl.Unix()) {
		t.Errorf("deadline gauge %v, want %v", got, dl.Unix())
	}
	if got := testutil.ToFloat64(h.m.AlertsFiring.WithLabelValues(string(AlertManual))); got != 1 {
		t.Errorf("alerts_firing{manual} = %v, want 1", got)
	}
	h.gov.fill(1, 7, nns.VoteYes) // followees vote
	h.step(time.Minute)
	if got, ok := h.m.NeuronVoted.Value(1, 7); !ok || got != 1 {
		t.Errorf("neuron_voted after following = %v (series: %v), want 1", got, ok)
	}
	h.step(11 * time.Hour) // voting ends: series dropped
	if n := testutil.CollectAndCount(h.m.NeuronVoted); n != 0 {
		t.Errorf("%d neuron_voted series after settlement, want 0", n)
	}
	if n := testutil.CollectAndCount(h.m.Deadline); n != 0 {
		t.Errorf("%d deadline series after settlement, want 0", n)
	}
	if got := testutil.ToFloat64(h.m.LastPoll); got != float64(h.clk.Now().Unix()) {
		t.Errorf("last poll %v, want %v", got, h.clk.Now().Unix())
	}
}

func TestMissedCounterRebuiltFromStore(t *testing.T) {
	h := newHarness(t, 1)
	h.store.obs = append(h.store.obs,
		Observation{Neuron: 1, Proposal: 3, Topic: nns.TopicGovernance, Outcome: BallotMissed},
		Observation{Neuron: 1, Proposal: 4, Topic: nns.TopicGovernance, Outcome: BallotMissed},
		Observation{Neuron: 1, Proposal: 5, Topic: nns.TopicGovernance, Outcome: BallotFollowing})
	h.step(0) // a fresh process: start() rebuilds
	if got := testutil.ToFloat64(h.m.VotesMissed.WithLabelValues("1", "Governance")); got != 2 {
		t.Errorf("votes_missed_total after restart = %v, want 2", got)
	}
}

func TestHealthAndReadiness(t *testing.T) {
	h := newHarness(t, 1)
	srv := httptest.NewServer(Handler(h.m, h.bot.Ready))
	defer srv.Close()
	get := func(path string) int {
		t.Helper()
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := get("/healthz"); got != http.StatusOK {
		t.Errorf("/healthz = %d", got)
	}
	if got := get("/readyz"); got != http.StatusServiceUnavailable {
		t.Errorf("/readyz before any poll = %d, want 503", got)
	}
	h.step(0)
	if got := get("/readyz"); got != http.StatusOK {
		t.Errorf("/readyz after a poll = %d, want 200", got)
	}
	h.clk.Add(3*h.opts.PollInterval + time.Second)
	if got := get("/readyz"); got != http.StatusServiceUnavailable {
		t.Errorf("/readyz 3 intervals after the last poll = %d, want 503", got)
	}
	if got := get("/debug/pprof/"); got != http.StatusNotFound {
		t.Errorf("/debug/pprof/ = %d, want 404 (no pprof)", got)
	}
	if got := get("/metrics"); got != http.StatusOK {
		t.Errorf("/metrics = %d", got)
	}
}

// A deliberate abstention (a skip rule) and a neuron without a ballot are
// not unvoted: exporting them as votebot_neuron_voted=0 would page
// VotebotUnvotedProposalSoon for nothing.
func TestMetricsOmitSkippedAndIneligibleBallots(t *testing.T) {
	h := newHarness(t, 1, 2)
	h.step(0)
	h.gov.addProposal(8, nns.TopicNodeAdmin, 10*time.Hour) // skip rule
	h.gov.addProposal(9, nns.TopicGovernance, 10*time.Hour)
	h.gov.props[9].Ballots.Delete(2) // neuron 2 was not eligible for 9
	h.step(time.Minute)
	want := `
# HELP votebot_neuron_voted 1 if the neuron's ballot on the open proposal is filled, 0 if empty.
# TYPE votebot_neuron_voted gauge
votebot_neuron_voted{alias="n1",neuron="1",proposal_id="9",topic="Governance"} 0
`
	if err := testutil.CollectAndCompare(h.m.NeuronVoted, strings.NewReader(want)); err != nil {
		t.Fatal(err)
	}
	// The skipped proposal's deadline is still published: a manual vote on it
	// (or a rule change) must find the proposal's series.
	if n := testutil.CollectAndCount(h.m.Deadline); n != 2 {
		t.Errorf("%d deadline series, want 2", n)
	}
	// A later rule change that makes the ballot skipped drops its series.
	h.dec.rules[nns.TopicGovernance] = "skip"
	h.step(time.Minute)
	if n := testutil.CollectAndCount(h.m.NeuronVoted); n != 0 {
		t.Errorf("%d neuron_voted series after the rule became skip, want 0", n)
	}
}
