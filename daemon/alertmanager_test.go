package daemon

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/votebot/votebot/alert"
)

// amMember is an Alertmanager stand-in that counts the posts naming proposal_at_risk.
type amMember struct {
	srv   *httptest.Server
	posts atomic.Int64
}

func newAMMember(t *testing.T) *amMember {
	t.Helper()
	m := &amMember{}
	m.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var batch []struct {
			Labels map[string]string `json:"labels"`
		}
		_ = json.NewDecoder(r.Body).Decode(&batch)
		for _, a := range batch {
			if a.Labels["alertname"] == string(alert.KindProposalAtRisk) {
				m.posts.Add(1)
			}
		}
	}))
	t.Cleanup(m.srv.Close)
	return m
}

func newTestAM(t *testing.T, url string) *alert.Alertmanager {
	t.Helper()
	am, err := alert.NewAlertmanager(alert.AlertmanagerConfig{URLs: []string{url}, Resend: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return am
}

// waitPosts waits until m has at least n posts.
func waitPosts(t *testing.T, m *amMember, n int64) {
	t.Helper()
	for end := time.Now().Add(5 * time.Second); m.posts.Load() < n; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("%d posts, want at least %d", m.posts.Load(), n)
		}
	}
}

// A firing alert is re-posted by the running channel's loop and, after a reload replaced the
// channel, by the new one's: the old loop stops, the new channel adopted the alert.
func TestAlertmanagerLoopsFollowReload(t *testing.T) {
	old, next := newAMMember(t), newAMMember(t)
	oldAM, nextAM := newTestAM(t, old.srv.URL), newTestAM(t, next.srv.URL)
	l := amLoops{log: zerolog.Nop(), routes: []alert.Route{{Name: "am", Notifier: oldAM}}}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	l.start(ctx)
	a := alert.Alert{Kind: alert.KindProposalAtRisk, Key: alert.KeyFor(alert.KindProposalAtRisk, 1, 2), Neuron: 1, ProposalID: 2}
	if err := oldAM.Send(ctx, a); err != nil {
		t.Fatal(err)
	}
	waitPosts(t, old, 3) // the send and two re-posts

	routes := []alert.Route{{Name: "am", Notifier: nextAM}}
	l.adopt(routes)
	l.replace(routes)
	waitPosts(t, next, 2) // re-posted by the new channel, never sent to it by the Manager
	stopped := old.posts.Load()
	time.Sleep(100 * time.Millisecond)
	if got := old.posts.Load(); got > stopped+1 { // one re-post may have been under way
		t.Errorf("the replaced channel's loop still re-posts: %d posts after replace, %d before", got, stopped)
	}

	l.replace(nil) // the channel removed: no loop left
	n := next.posts.Load()
	time.Sleep(100 * time.Millisecond)
	if got := next.posts.Load(); got > n+1 {
		t.Errorf("a removed channel's loop still re-posts: %d, then %d", n, got)
	}
}
