package alert

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// amMember records what one Alertmanager member was posted.
type amMember struct {
	mu    sync.Mutex
	posts [][]amAlert
	fail  bool
}

func (m *amMember) serve(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/api/v2/alerts" {
			http.Error(w, "not found", http.StatusNotFound)
			return
		}
		var batch []amAlert
		if err := json.NewDecoder(r.Body).Decode(&batch); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		m.mu.Lock()
		defer m.mu.Unlock()
		if m.fail {
			http.Error(w, "cluster member down", http.StatusServiceUnavailable)
			return
		}
		m.posts = append(m.posts, batch)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func (m *amMember) last(t *testing.T) []amAlert {
	t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.posts) == 0 {
		t.Fatal("nothing posted")
	}
	return m.posts[len(m.posts)-1]
}

func (m *amMember) count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.posts)
}

func TestAlertmanagerLabelsNameTheConditionNotTheSender(t *testing.T) {
	var m1, m2 amMember
	now := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	ch, err := NewAlertmanager(AlertmanagerConfig{URLs: []string{m1.serve(t).URL, m2.serve(t).URL + "/"},
		Resend: time.Minute, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	a := Alert{Key: KeyFor(KindProposalAtRisk, 7, 42), Kind: KindProposalAtRisk, Neuron: 7, NeuronAlias: "main",
		ProposalID: 42, Title: "Upgrade <b>@everyone</b>", Text: "unvoted", Instance: "host-a",
		Deadline: now.Add(time.Hour), At: now.Add(-time.Minute)}
	if err := ch.Send(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	for i, m := range []*amMember{&m1, &m2} {
		got := m.last(t)
		if len(got) != 1 {
			t.Fatalf("member %d: %d alerts, want 1", i+1, len(got))
		}
		want := map[string]string{"alertname": "proposal_at_risk", "severity": "warning", "governance": "nns", "neuron": "7", "proposal": "42"}
		if !equalMaps(got[0].Labels, want) {
			t.Errorf("member %d labels = %v, want %v", i+1, got[0].Labels, want)
		}
		if got[0].Annotations["instance"] != "host-a" || !strings.Contains(got[0].Annotations["description"], "unvoted") {
			t.Errorf("member %d annotations = %v", i+1, got[0].Annotations)
		}
		if s := got[0].Annotations["summary"]; strings.HasPrefix(s, "[") || !strings.Contains(s, "Unvoted proposal soon: neuron main (7), proposal 42") {
			t.Errorf("member %d summary = %q", i+1, s)
		}
		if !got[0].StartsAt.Equal(a.At) || !got[0].EndsAt.Equal(now.Add(4*time.Minute)) {
			t.Errorf("member %d startsAt %v endsAt %v", i+1, got[0].StartsAt, got[0].EndsAt)
		}
	}
	// A second instance's alert about the same condition carries the same labels.
	b := a
	b.Instance = "host-b"
	if !equalMaps(amLabels(a), amLabels(b)) {
		t.Errorf("labels differ by instance: %v vs %v", amLabels(a), amLabels(b))
	}
}

func TestAlertmanagerRepostsWhileFiringAndEndsOnResolve(t *testing.T) {
	var m amMember
	now := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	ch, err := NewAlertmanager(AlertmanagerConfig{URLs: []string{m.serve(t).URL}, Resend: time.Minute,
		Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	firing := Alert{Key: KeyFor(KindPollStale, 0, 0), Kind: KindPollStale, Text: "no poll", At: now}
	missed := Alert{Key: KeyFor(KindVoteMissed, 7, 42), Kind: KindVoteMissed, Neuron: 7, ProposalID: 42, At: now}
	for _, a := range []Alert{firing, missed} {
		if err := ch.Send(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	now = now.Add(time.Minute)
	if err := ch.Repost(ctx); err != nil {
		t.Fatal(err)
	}
	got := m.last(t)
	if len(got) != 1 || got[0].Labels["alertname"] != "poll_stale" {
		t.Fatalf("repost = %+v, want only the firing poll_stale (an event is posted once)", got)
	}
	if !got[0].StartsAt.Equal(firing.At) || !got[0].EndsAt.Equal(now.Add(4*time.Minute)) {
		t.Errorf("repost startsAt %v endsAt %v", got[0].StartsAt, got[0].EndsAt)
	}
	resolved := firing
	resolved.Resolved, resolved.At = true, now
	if err := ch.Send(ctx, resolved); err != nil {
		t.Fatal(err)
	}
	if got := m.last(t); !got[0].EndsAt.Equal(now) {
		t.Errorf("resolved endsAt = %v, want now %v", got[0].EndsAt, now)
	}
	before := m.count()
	if err := ch.Repost(ctx); err != nil {
		t.Fatal(err)
	}
	if m.count() != before {
		t.Error("a resolved alert was posted again")
	}
}

func TestAlertmanagerMemberDownIsReportedAndOthersGetIt(t *testing.T) {
	var up, down amMember
	down.fail = true
	ch, err := NewAlertmanager(AlertmanagerConfig{URLs: []string{down.serve(t).URL, up.serve(t).URL}})
	if err != nil {
		t.Fatal(err)
	}
	err = ch.Send(context.Background(), Alert{Key: "k", Kind: KindPollStale, At: time.Now()})
	if err == nil || !strings.Contains(err.Error(), "member 1 of 2") || !strings.Contains(err.Error(), "503") {
		t.Errorf("err = %v, want member 1 of 2 named with its 503", err)
	}
	if up.count() != 1 {
		t.Errorf("the member that is up got %d posts, want 1", up.count())
	}
}

func TestAlertmanagerAdoptKeepsFiringAlertsAcrossReload(t *testing.T) {
	var m amMember
	srv := m.serve(t)
	old, _ := NewAlertmanager(AlertmanagerConfig{URLs: []string{srv.URL}})
	if err := old.Send(context.Background(), Alert{Key: "k", Kind: KindPollStale, At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	fresh, _ := NewAlertmanager(AlertmanagerConfig{URLs: []string{srv.URL}})
	fresh.Adopt(old)
	if err := fresh.Repost(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := m.last(t); len(got) != 1 || got[0].Labels["alertname"] != "poll_stale" {
		t.Errorf("after adopt, repost = %+v", got)
	}
}

func TestNewAlertmanagerRefusesBadURLsWithoutEchoingThem(t *testing.T) {
	for _, urls := range [][]string{nil, {"ftp://secret-host/x"}, {"http://ok:9093", "not a url"}} {
		_, err := NewAlertmanager(AlertmanagerConfig{URLs: urls})
		if err == nil {
			t.Errorf("%v: accepted", urls)
		} else if strings.Contains(err.Error(), "secret-host") {
			t.Errorf("%v: error echoes the URL: %v", urls, err)
		}
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
