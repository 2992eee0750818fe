package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
)

// A proposal of an action or topic newer than votebot is still voted by the
// policy; the operator is told once per tag and once per topic.
func TestUnknownActionAndTopicAreVotedAndToldOnce(t *testing.T) {
	h := newHarness(t, 1)
	h.step(0)
	a := h.gov.addProposal(10, nns.TopicIcOsVersionDeployment, 10*time.Hour)
	a.Action, a.ActionTag = policy.ActionUnknown, "SomeFutureAction"
	b := h.gov.addProposal(11, nns.TopicIcOsVersionDeployment, 10*time.Hour)
	b.Action, b.ActionTag = policy.ActionUnknown, "SomeFutureAction" // the same tag: no second alert
	h.gov.addProposal(12, nns.Topic(25), 10*time.Hour)
	h.gov.addProposal(13, nns.TopicIcOsVersionDeployment, 10*time.Hour)
	for range 12 {
		h.step(time.Hour)
	}
	if got := h.al.count("fire unknown_proposal_type"); got != 2 {
		t.Errorf("unknown_proposal_type fired %d times, want 2 (one tag, one topic): %v", got, h.al.delivered)
	}
	for _, id := range []uint64{10, 11, 12, 13} {
		if h.gov.sent[ballotKey{1, id}] != 1 {
			t.Errorf("proposal %d: ballot sent %d times, want 1", id, h.gov.sent[ballotKey{1, id}])
		}
	}
}

// A clock far off is told before any poll succeeds: the client measures
// the skew from the refusals themselves, and the alert is critical.
func TestClockSkewAlertBeforeAGoodPoll(t *testing.T) {
	h := newHarness(t, 1)
	h.gov.down = true
	h.gov.skew = -10 * time.Minute
	h.step(0)
	al, ok := h.al.active[alert.Key{Kind: alert.KindClockSkew}]
	if !ok {
		t.Fatalf("clock_skew not fired while polls fail: %v", h.al.delivered)
	}
	if al.Severity != alert.SeverityCritical || !strings.Contains(al.Text, "10m0s ahead of") {
		t.Errorf("clock_skew %s: %q; want critical, 10m0s ahead of", al.Severity, al.Text)
	}
	if h.m.skew == nil || *h.m.skew != -10*time.Minute {
		t.Errorf("skew published %v, want -10m", h.m.skew)
	}
}

// clock_skew fires when the IC's time and ours drift apart, and resolves.
func TestClockSkewAlert(t *testing.T) {
	h := newHarness(t, 1)
	h.gov.skew = 45 * time.Second
	h.step(0)
	h.step(time.Hour)
	if got := h.al.count("fire clock_skew/0/0"); got != 1 {
		t.Fatalf("clock_skew fired %d times, want 1: %v", got, h.al.delivered)
	}
	h.gov.skew = 2 * time.Second
	h.step(time.Hour)
	if got := h.al.count("resolve clock_skew/0/0"); got != 1 {
		t.Errorf("clock_skew not resolved: %v", h.al.delivered)
	}
}
