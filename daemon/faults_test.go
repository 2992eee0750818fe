package daemon_test

import (
	"github.com/votebot/votebot/internal/tmpfstest"

	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/rs/zerolog"

	"github.com/votebot/votebot/agent"
	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/daemon"
	"github.com/votebot/votebot/devnet/governance"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/store"
)

// The fault-injection suite: the daemon against a devnet behind a proxy
// that fails on command, with alerts to a real webhook. Each scenario
// asserts what a person cares about: nothing missed that the margin allowed
// to save, and for what could not be saved, the right alert once. Every
// scenario logs a line "FAULT|scenario|missed|first alert|after|resolved"
// for the table in the notes. VOTEBOT_SOAK=1 runs longer outages.

// faultProxy forwards to the devnet, or fails as its mode says.
type faultProxy struct {
	mode atomic.Value // "pass", "503", "429", "reset", "blackhole"
	srv  *httptest.Server
	quit chan struct{} // releases black-holed requests at the end
}

func newFaultProxy(t *testing.T, target string) *faultProxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &faultProxy{quit: make(chan struct{})}
	p.mode.Store("pass")
	rp := httputil.NewSingleHostReverseProxy(u)
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch p.mode.Load().(string) {
		case "503":
			http.Error(w, "unavailable", http.StatusServiceUnavailable)
		case "429":
			w.Header().Set("Retry-After", "1")
			http.Error(w, "rate limited", http.StatusTooManyRequests)
		case "reset":
			if hj, ok := w.(http.Hijacker); ok {
				if c, _, err := hj.Hijack(); err == nil {
					c.Close()
				}
			}
		case "blackhole":
			select {
			case <-r.Context().Done():
			case <-p.quit:
			}
		default:
			rp.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(p.srv.Close)
	t.Cleanup(func() { close(p.quit) }) // runs first
	return p
}

func (p *faultProxy) set(mode string) { p.mode.Store(mode) }

// alertLog records when the first message and the resolution of each alert
// kind reached the webhook.
type alertLog struct {
	mu       sync.Mutex
	first    map[string]time.Time // kind → first message
	firsts   map[string]int
	resolved map[string]time.Time
}

func (l *alertLog) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var p struct {
		Kind     string `json:"kind"`
		Resolved bool   `json:"resolved"`
		Reminder int    `json:"reminder"`
	}
	_ = json.NewDecoder(r.Body).Decode(&p)
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case p.Resolved:
		if _, ok := l.resolved[p.Kind]; !ok {
			l.resolved[p.Kind] = time.Now()
		}
	case p.Reminder == 0:
		l.firsts[p.Kind]++
		if _, ok := l.first[p.Kind]; !ok {
			l.first[p.Kind] = time.Now()
		}
	}
}

func (l *alertLog) get(kind string) (first time.Time, n int, resolved time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.first[kind], l.firsts[kind], l.resolved[kind]
}

// faultRun is a devnet behind a proxy and the daemon's configuration for it.
type faultRun struct {
	*e2e
	proxy *faultProxy
	log   *alertLog
	hook  *httptest.Server
}

const faultConfig = `
instance: fault-suite
network: {urls: [%s], root_key: %s}
identity: {pem_file: %s}
store: {path: %s}
poll_interval: 1s
neurons: [{id: 1001}]
alerts:
  thresholds: {at_risk_before: 1m, reminder_interval: 1h}
  channels: {hook: {type: webhook, url: "%s"}}
policies:
  default:
    deadline_margin: 5s
    fallback: yes
    default: follow
    rules:
      - {name: infra, match: {topics: [SubnetManagement]}, vote: yes}
`

func newFaultRun(t *testing.T, period time.Duration) *faultRun {
	t.Helper()
	e := newE2E(t, shortNNS(period, 2*time.Second))
	e.addProposerAndBotNeurons(botNeuron{1001, 10})
	r := &faultRun{e2e: e, proxy: newFaultProxy(t, e.net.URL),
		log: &alertLog{first: map[string]time.Time{}, firsts: map[string]int{}, resolved: map[string]time.Time{}}}
	r.hook = httptest.NewServer(r.log)
	t.Cleanup(r.hook.Close)
	return r
}

func (r *faultRun) config(storePath string) {
	r.t.Helper()
	r.loadConfig([]byte(fmt.Sprintf(faultConfig, r.proxy.srv.URL, r.net.RootKeyHex(), r.dir+"/hotkey.pem", storePath, r.hook.URL)))
}

// start assembles and runs the daemon until the test ends (or stop).
func (r *faultRun) start() (app *daemon.App, stop func()) {
	r.t.Helper()
	app, err := daemon.Assemble(context.Background(), daemon.AppOptions{Config: r.cfg, Logger: zerolog.Nop(),
		Tune: func(o *bot.Options) {
			o.PollInterval, o.RetryBackoff = 300*time.Millisecond, 300*time.Millisecond
			o.EndpointsDownAfter = 4 * time.Second // 5 min on mainnet
		}})
	if err != nil {
		r.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = app.Bot.Run(ctx) }()
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); <-done; app.Close() }) }
	r.t.Cleanup(stop)
	return app, stop
}

func (r *faultRun) propose(topic nns.Topic) uint64 {
	r.t.Helper()
	id, err := r.net.Governance.SubmitProposal(governance.ProposalSpec{Proposer: 40, Topic: topic, Title: topic.String() + " change",
		Action: nns.Action{Motion: &nns.Motion{MotionText: "m"}}})
	if err != nil {
		r.t.Fatal(err)
	}
	return id
}

func (r *faultRun) voted(proposal uint64) bool {
	n, ok := r.net.Governance.Neuron(1001)
	if !ok {
		return false
	}
	for _, b := range n.RecentBallots {
		if b.ProposalId != nil && b.ProposalId.Id == proposal && b.Vote != int32(nns.VoteUnspecified) {
			return true
		}
	}
	return false
}

func waitFor(t *testing.T, what string, limit time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, limit)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func outage() time.Duration {
	if os.Getenv("VOTEBOT_SOAK") == "1" {
		return 45 * time.Second
	}
	return 8 * time.Second
}

// Every endpoint answers 503 (then resets connections) for longer than
// EndpointsDownAfter while a vote is due: the vote lands after recovery,
// all_endpoints_down is sent once, as a warning, and resolved.
func TestFaultOutageDuringVoting(t *testing.T) {
	skipLong(t)
	t.Parallel()
	r := newFaultRun(t, 40*time.Second)
	r.config(r.storePath())
	r.start()
	r.proxy.set("503")
	began := time.Now()
	id := r.propose(nns.TopicSubnetManagement) // rule infra: vote yes at once
	time.Sleep(outage() / 2)
	r.proxy.set("reset")
	time.Sleep(outage() / 2)
	r.proxy.set("pass")
	waitFor(t, "the vote after recovery", 20*time.Second, func() bool { return r.voted(id) })
	first, n, _ := r.log.get("all_endpoints_down")
	waitFor(t, "all_endpoints_down resolved", 10*time.Second, func() bool { _, _, res := r.log.get("all_endpoints_down"); return !res.IsZero() })
	_, _, resolved := r.log.get("all_endpoints_down")
	if n != 1 || first.Sub(began) < 4*time.Second {
		t.Errorf("all_endpoints_down: %d first messages, the first %s into the outage; want 1, after 4 s", n, first.Sub(began))
	}
	t.Logf("FAULT|503/reset outage %s during voting|0|all_endpoints_down|%.1fs|%.1fs after recovery",
		outage(), first.Sub(began).Seconds(), resolved.Sub(began.Add(outage())).Seconds())
}

// An outage while idle (every ballot filled) still shows: the idle poll's
// client reports endpoint health, so votebot_endpoint_up goes 0.
func TestFaultIdleOutageShowsInEndpointUp(t *testing.T) {
	skipLong(t)
	t.Parallel()
	r := newFaultRun(t, 40*time.Second)
	r.config(r.storePath())
	app, _ := r.start()
	id := r.propose(nns.TopicSubnetManagement)
	waitFor(t, "the vote", 15*time.Second, func() bool { return r.voted(id) })
	time.Sleep(time.Second) // idle now
	r.proxy.set("reset")
	label := agent.EndpointLabel(r.proxy.srv.URL)
	began := time.Now()
	waitFor(t, "votebot_endpoint_up 0 in an idle outage", 15*time.Second, func() bool {
		return testutil.ToFloat64(app.Metrics.EndpointUp.WithLabelValues(label)) == 0
	})
	t.Logf("FAULT|idle outage|0|votebot_endpoint_up=0 (Prometheus VotebotAllEndpointsDown)|%.1fs|-", time.Since(began).Seconds())
	r.proxy.set("pass")
}

// A restart with a vote in flight while every endpoint is down: polling and
// its alerts do not wait for the in-flight vote's re-check, and the vote is
// settled once the endpoints answer — sent at most once.
func TestFaultRestartWithVoteInFlightWhileDown(t *testing.T) {
	skipLong(t)
	t.Parallel()
	r := newFaultRun(t, 40*time.Second)
	r.config(r.storePath())
	id := r.propose(nns.TopicSubnetManagement)
	st, err := store.Open(context.Background(), r.storePath())
	if err != nil {
		t.Fatal(err)
	}
	// The previous process wrote its intent and died before the answer.
	if _, err := st.BeginVote(context.Background(), bot.VoteIntent{Neuron: 1001, Proposal: id, Vote: nns.VoteYes, Source: "rule"}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	r.proxy.set("reset")
	began := time.Now()
	r.start()
	waitFor(t, "all_endpoints_down with a vote in flight", 20*time.Second, func() bool { f, _, _ := r.log.get("all_endpoints_down"); return !f.IsZero() })
	first, _, _ := r.log.get("all_endpoints_down")
	r.proxy.set("pass")
	waitFor(t, "the in-flight vote settled and the ballot filled", 20*time.Second, func() bool { return r.voted(id) })
	t.Logf("FAULT|restart with a vote in flight, endpoints down|0|all_endpoints_down|%.1fs|yes", first.Sub(began).Seconds())
}

// Down across a deadline and the settlement that purges the ballots: on
// restart the ballot is gone from the proposal, but votebot saw it open and
// the neuron's recent ballots (far from full) do not list the proposal, so
// the chain proves the miss: vote_missed, never "unconfirmed".
func TestFaultDownAcrossDeadline(t *testing.T) {
	skipLong(t)
	t.Parallel()
	r := newFaultRun(t, 8*time.Second)
	r.config(r.storePath())
	_, stop := r.start()
	id := r.propose(nns.TopicGovernance) // follow; fallback yes at the 5 s margin
	time.Sleep(time.Second)              // seen and saved
	stop()
	began := time.Now()
	waitFor(t, "the proposal settled", 30*time.Second, func() bool {
		pi, ok := r.net.Governance.ProposalInfo(id)
		return ok && nns.RewardStatus(pi.RewardStatus) == nns.RewardStatusSettled
	})
	r.start()
	waitFor(t, "vote_missed", 15*time.Second, func() bool { f, _, _ := r.log.get("vote_missed"); return !f.IsZero() })
	first, n, _ := r.log.get("vote_missed")
	if n != 1 {
		t.Errorf("vote_missed sent %d times, want 1", n)
	}
	if f, _, _ := r.log.get("vote_unconfirmed"); !f.IsZero() {
		t.Error("vote_unconfirmed sent for a miss the neuron's recent ballots prove")
	}
	t.Logf("FAULT|down across deadline and settlement|1 (proven by recent ballots)|vote_missed|%.1fs after restart|event", first.Sub(began).Seconds())
}

// fill writes a file until the filesystem is full.
func fill(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 4096)
	for {
		if _, err := f.Write(buf); err != nil {
			return // ENOSPC
		}
	}
}

// The store's disk fills up: votes still go out, a person hears
// store_unwritable, and it resolves once space is freed.
func TestFaultStoreDiskFull(t *testing.T) {
	skipLong(t)
	t.Parallel()
	dir := tmpfstest.Mount(t, "2m")
	r := newFaultRun(t, 40*time.Second)
	r.config(dir + "/votebot.db")
	app, _ := r.start()
	waitFor(t, "the first poll", 10*time.Second, app.Bot.Ready)
	fill(t, dir+"/filler")
	began := time.Now()
	id := r.propose(nns.TopicSubnetManagement)
	waitFor(t, "the vote with the disk full", 15*time.Second, func() bool { return r.voted(id) })
	waitFor(t, "store_unwritable", 15*time.Second, func() bool { f, _, _ := r.log.get("store_unwritable"); return !f.IsZero() })
	first, n, _ := r.log.get("store_unwritable")
	if app.Ready() == nil {
		t.Error("/readyz is ready while the store cannot write")
	}
	if err := os.Remove(dir + "/filler"); err != nil {
		t.Fatal(err)
	}
	freed := time.Now()
	waitFor(t, "store_unwritable resolved", 15*time.Second, func() bool { _, _, res := r.log.get("store_unwritable"); return !res.IsZero() })
	_, _, resolved := r.log.get("store_unwritable")
	if n != 1 {
		t.Errorf("store_unwritable sent %d times, want 1", n)
	}
	t.Logf("FAULT|store on a full 2 MiB tmpfs|0|store_unwritable|%.1fs|%.1fs after space was freed",
		first.Sub(began).Seconds(), resolved.Sub(freed).Seconds())
}

// A first endpoint that accepts connections and never answers delays the
// start by one response-header timeout (10 s), not by call timeouts of
// 30 s each: the pool then skips it.
func TestFaultBlackholedFirstEndpoint(t *testing.T) {
	skipLong(t)
	t.Parallel()
	r := newFaultRun(t, 40*time.Second)
	r.proxy.set("blackhole")
	r.loadConfig([]byte(fmt.Sprintf(`
network: {urls: [%s, %s], root_key: %s}
identity: {pem_file: %s}
store: {path: %s}
neurons: [{id: 1001}]
alerts: {channels: {hook: {type: webhook, url: "%s"}}}
`, r.proxy.srv.URL, r.net.URL, r.net.RootKeyHex(), r.dir+"/hotkey.pem", r.storePath(), r.hook.URL)))
	began := time.Now()
	app, _ := r.start()
	waitFor(t, "the first successful poll with the first endpoint black-holed", 40*time.Second, app.Bot.Ready)
	took := time.Since(began)
	if took > 25*time.Second {
		t.Errorf("first poll after %s, want within 25 s", took)
	}
	t.Logf("FAULT|first endpoint black-holed at start|0|(none needed: the second endpoint answers)|first poll after %.1fs|-", took.Seconds())
}
