package bot

import (
	"errors"
	"testing"
	"time"

	"github.com/votebot/votebot/nns"
)

// A store that cannot write stops neither votes nor alerts: the vote goes
// out without its intent, store_unwritable tells a person, Ready fails,
// and all of it clears when the store recovers.
func TestStoreUnwritableStillVotesAndAlerts(t *testing.T) {
	h := newHarness(t, 1)
	h.step(0)
	h.store.failWrites = errors.New("database or disk is full (13)")
	h.gov.addProposal(20, nns.TopicIcOsVersionDeployment, 10*time.Hour) // rule yes
	h.step(time.Minute)
	if got := h.gov.sent[ballotKey{1, 20}]; got != 1 {
		t.Errorf("ballot 1/20 sent %d times with the store full, want 1", got)
	}
	if got := h.al.count("fire store_unwritable/0/0"); got != 1 {
		t.Errorf("store_unwritable fired %d times, want 1: %v", got, h.al.delivered)
	}
	if h.bot.Ready() {
		t.Error("Ready while the store cannot keep writes")
	}
	h.step(time.Minute)
	if got := h.gov.calls; got != 1 {
		t.Errorf("%d vote calls after a second pass, want 1 (the ballot reads filled)", got)
	}
	h.store.failWrites = nil
	h.step(time.Minute)
	if got := h.al.count("resolve store_unwritable/0/0"); got != 1 {
		t.Errorf("store_unwritable not resolved after recovery: %v", h.al.delivered)
	}
	if !h.bot.Ready() {
		t.Error("not Ready after the store recovered")
	}
}
