package daemon_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/votebot/votebot/agent/identity"
	"github.com/votebot/votebot/devnet/governance"
	"github.com/votebot/votebot/nns"
)

// alertmanagerEnv names the Alertmanager binary the standby's end-to-end test runs (Debian's
// prometheus-alertmanager; scripts/test sets it after installing the package).
const alertmanagerEnv = "VOTEBOT_ALERTMANAGER"

// The timeline of every case, in devnet seconds from the proposals' creation: the primary votes
// at voteDelay; its margin is at period-margin, the standby's takeover takeover later.
const (
	haPeriod    = 36 * time.Second
	haVoteDelay = 8 * time.Second
	haMargin    = 18 * time.Second
	haTakeover  = 8 * time.Second
)

// haCase is one run of a primary and a standby, each `votebot run` with its own hotkey on the
// same neurons, posting to one Alertmanager.
type haCase struct {
	name string
	base uint64 // neurons base+1, base+2 vote; base+3 cannot (both instances alert on it)
	// kill: the primary is SIGKILLed before its first vote; cut: its network is cut (it runs on).
	kill, cut bool
	// standbyVote is the standby's policy default ("yes" like the primary, or "no": drift).
	standbyVote string
	// want: votes by the primary and the standby, and per alertname the firing notifications.
	primaryVotes, standbyVotes int
	notify                     map[string]int
}

// TestStandbyWithAlertmanager runs the two-host set-up of docs/operations.md against the devnet
// and a real Alertmanager with the shipped routing (deploy/alertmanager/alertmanager.yml), in four
// cases at once: both up; the primary killed; the primary cut off from the IC but alive; the
// standby's policy differing from the primary's. In each, no ballot may be missed, the votes
// sent by each instance are counted at its own proxy to the devnet, and every notification the
// receiver behind Alertmanager gets is counted by alert name, neuron and proposal: none twice.
func TestStandbyWithAlertmanager(t *testing.T) {
	amBin := os.Getenv(alertmanagerEnv)
	if amBin == "" {
		t.Skip(alertmanagerEnv + " is not set (the path of prometheus-alertmanager; scripts/test sets it)")
	}
	skipLong(t)
	bin := buildVotebot(t)
	recv := newAMReceiver(t)
	amURL := startAlertmanager(t, amBin, recv.srv.URL)
	ballots := 4 // 2 neurons × 2 proposals
	cases := []haCase{
		{name: "both up", base: 1100, standbyVote: "yes", primaryVotes: ballots,
			notify: map[string]int{"neuron_cannot_vote": 1}},
		{name: "primary killed", base: 1200, kill: true, standbyVote: "yes", standbyVotes: ballots,
			notify: map[string]int{"neuron_cannot_vote": 1, "standby_took_over": ballots}},
		{name: "primary cut off", base: 1300, cut: true, standbyVote: "yes", standbyVotes: ballots,
			notify: map[string]int{"neuron_cannot_vote": 1, "standby_took_over": ballots,
				"poll_stale": 1, "proposal_at_risk": ballots}},
		{name: "configs differ", base: 1400, standbyVote: "no", primaryVotes: ballots,
			notify: map[string]int{"neuron_cannot_vote": 1, "policy_mismatch": ballots}},
	}
	rows := make([]string, len(cases))
	var wg sync.WaitGroup
	for i, c := range cases {
		wg.Add(1)
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			defer wg.Done()
			rows[i] = runHACase(t, bin, amURL, recv, c)
		})
	}
	t.Cleanup(func() {
		wg.Wait()
		t.Logf("\n| case | votes by the primary | votes by the standby | notifications (firing, by alertname) | duplicates | ballots missed |\n"+
			"|---|---|---|---|---|---|\n%s", strings.Join(rows, "\n"))
	})
}

func runHACase(t *testing.T, bin, amURL string, recv *amReceiver, c haCase) string {
	e := newE2E(t, shortNNS(haPeriod, time.Hour))
	standbyKey, err := identity.WriteNew(filepath.Join(e.dir, "standby.pem"), identity.Ed25519)
	if err != nil {
		t.Fatal(err)
	}
	year, day := 365*24*time.Hour, 24*time.Hour
	keys := []principalT{e.bot, standbyKey.Identity.Sender()}
	e.addNeurons([]governance.NeuronSpec{
		{ID: 40, Controller: e.ctl, StakeE8s: 1000e8, DissolveDelay: year},
		{ID: c.base + 1, Controller: e.ctl, HotKeys: keys, StakeE8s: 10e8, DissolveDelay: year},
		{ID: c.base + 2, Controller: e.ctl, HotKeys: keys, StakeE8s: 10e8, DissolveDelay: year},
		{ID: c.base + 3, Controller: e.ctl, HotKeys: keys, StakeE8s: 10e8, DissolveDelay: day}, // below the minimum
	})
	pproxy, sproxy := newHAProxy(t, e.net.URL), newHAProxy(t, e.net.URL)
	primary := startInstance(t, bin, e, "primary", pproxy.srv.URL, "hotkey.pem", "yes", "ha: {role: primary}", amURL, c)
	standby := startInstance(t, bin, e, "standby", sproxy.srv.URL, "standby.pem", c.standbyVote,
		fmt.Sprintf("ha: {role: standby, takeover_after: %s}", haTakeover), amURL, c)

	var ids []uint64
	for i := range 2 {
		pid, err := e.net.Governance.SubmitProposal(governance.ProposalSpec{Proposer: 40, Topic: nns.TopicGovernance,
			Title: fmt.Sprintf("%s: motion %d", c.name, i+1), Action: nns.Action{Motion: &nns.Motion{MotionText: "m"}}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, pid)
	}
	created := time.Now()
	time.Sleep(2 * time.Second) // before the primary's first vote (haVoteDelay)
	switch {
	case c.kill:
		_ = primary.Process.Kill()
	case c.cut:
		pproxy.cut.Store(true)
	}
	// Every ballot filled before its deadline, or missed.
	var deadline time.Time
	for _, id := range ids {
		pi, _ := e.net.Governance.ProposalInfo(id)
		deadline = time.Unix(int64(*pi.DeadlineTimestampSeconds), 0)
	}
	for !filledBallots(e, ids, c.base) && time.Now().Before(deadline.Add(-time.Second)) {
		time.Sleep(200 * time.Millisecond)
	}
	missed := 2*len(ids) - countFilled(e, ids, c.base)
	filledAt := time.Since(created).Round(time.Second)
	time.Sleep(time.Until(deadline.Add(4 * time.Second))) // the last notifications (group_wait 1 s)
	if missed > 0 {
		t.Errorf("%d ballots missed", missed)
	}
	pv, sv := int(pproxy.calls.Load()), int(sproxy.calls.Load())
	if pv != c.primaryVotes || sv != c.standbyVotes {
		t.Errorf("votes sent: primary %d, standby %d; want %d and %d", pv, sv, c.primaryVotes, c.standbyVotes)
	}
	got, dups := recv.firing(c.base)
	for name, n := range got {
		if n != c.notify[name] {
			t.Errorf("%d %s notifications, want %d (all: %v)", n, name, c.notify[name], got)
		}
	}
	for name, n := range c.notify {
		if got[name] != n {
			t.Errorf("%d %s notifications, want %d (all: %v)", got[name], name, n, got)
		}
	}
	if len(dups) > 0 {
		t.Errorf("notified twice: %v", dups)
	}
	// One notification of an alert both raised is Alertmanager's de-duplication at work only if
	// both did raise it.
	for _, role := range []string{"primary", "standby"} {
		if (role == "standby" || !c.kill) && !logHas(t, e, role, `"kind":"neuron_cannot_vote"`) {
			t.Errorf("the %s did not raise neuron_cannot_vote: the single notification proves no de-duplication", role)
		}
	}
	if takeover := haPeriod - haMargin + haTakeover; (c.kill || c.cut) && (filledAt >= haPeriod || filledAt < takeover-time.Second) {
		t.Errorf("ballots filled %s after creation: the standby must fill them between its takeover (%s) and the deadline (%s)",
			filledAt, takeover, haPeriod)
	}
	fp, fs := "(killed)", fingerprint(t, standby.metrics)
	if !c.kill {
		fp = fingerprint(t, primary.metrics)
	}
	if !c.kill && (fp == fs) != (c.standbyVote == "yes") {
		t.Errorf("policy fingerprints primary %q, standby %q: equal must mean the same policies", fp, fs)
	}
	t.Logf("%s: primary votes %d, standby votes %d, ballots filled %s after creation, missed %d; notifications %v; fingerprints %s %s; "+
		"requests to the IC: primary %d, standby %d", c.name, pv, sv, filledAt, missed, got, fp, fs, pproxy.reqs.Load(), sproxy.reqs.Load())
	return fmt.Sprintf("| %s | %d | %d | %s | %d | %d |", c.name, pv, sv, fmtCounts(got), len(dups), missed)
}

// instance is a running `votebot run`.
type instance struct {
	*exec.Cmd
	metrics string // its /metrics URL
}

// startInstance writes role's configuration and runs `votebot run` with it until the test ends;
// it returns once the daemon serves /metrics.
func startInstance(t *testing.T, bin string, e *e2e, role, netURL, key, vote, ha, amURL string, c haCase) instance {
	t.Helper()
	listen := freeAddr(t)
	cfg := fmt.Sprintf(`instance: %s-%d
network: {urls: [%s], root_key: %s}
identity: {pem_file: %s}
store: {path: %s}
listen: %s
poll_interval: 1s
neurons: [{id: %d}, {id: %d}, {id: %d}]
policies:
  default:
    vote_delay: %s
    deadline_margin: %s
    default: %s
alerts:
  channels:
    am: {type: alertmanager, urls: [%q]}
%s
`, role, c.base, netURL, e.net.RootKeyHex(), filepath.Join(e.dir, key), filepath.Join(e.dir, role+".db"), listen,
		c.base+1, c.base+2, c.base+3, haVoteDelay, haMargin, vote, amURL, ha)
	path := filepath.Join(e.dir, role+".yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	logf, err := os.Create(filepath.Join(e.dir, role+".log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "run", "--config", path)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		logf.Close()
		if t.Failed() {
			b, _ := os.ReadFile(logf.Name())
			t.Logf("%s log (last 3000 bytes):\n%s", role, tail(b, 3000))
		}
	})
	in := instance{Cmd: cmd, metrics: "http://" + listen + "/metrics"}
	for start := time.Now(); ; time.Sleep(100 * time.Millisecond) {
		if res, err := http.Get(in.metrics); err == nil {
			res.Body.Close()
			return in
		}
		if time.Since(start) > 30*time.Second {
			b, _ := os.ReadFile(logf.Name())
			t.Fatalf("%s did not serve /metrics within 30 s:\n%s", role, tail(b, 3000))
		}
	}
}

func logHas(t *testing.T, e *e2e, role, s string) bool {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(e.dir, role+".log"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Contains(string(b), s)
}

func tail(b []byte, n int) []byte { return b[max(0, len(b)-n):] }

// freeAddr is a loopback address with a port free a moment ago, for a child process to listen
// on. The port is drawn below Linux's ephemeral range (32768 and up): a port the kernel handed
// out for :0 can be taken again at once as the local end of any outgoing connection, and under
// a loaded test run one was (CI: "bind: address already in use").
func freeAddr(t *testing.T) string {
	t.Helper()
	for range 100 {
		addr := fmt.Sprintf("127.0.0.1:%d", 20000+rand.IntN(12000))
		if l, err := net.Listen("tcp", addr); err == nil {
			l.Close()
			return addr
		}
	}
	t.Fatal("no free port below the ephemeral range in 100 tries")
	return ""
}

// fingerprint reads votebot_policy_fingerprint's fingerprint label from /metrics.
func fingerprint(t *testing.T, metricsURL string) string {
	t.Helper()
	res, err := http.Get(metricsURL)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, `votebot_policy_fingerprint{fingerprint="`); ok {
			fp, _, _ := strings.Cut(rest, `"`)
			return fp
		}
	}
	t.Fatalf("no votebot_policy_fingerprint at %s", metricsURL)
	return ""
}

func countFilled(e *e2e, ids []uint64, base uint64) int {
	n := 0
	for _, id := range ids {
		pi, _ := e.net.Governance.ProposalInfo(id)
		for _, neuron := range []uint64{base + 1, base + 2} {
			if ballotOf(pi, neuron) != nns.VoteUnspecified {
				n++
			}
		}
	}
	return n
}

func filledBallots(e *e2e, ids []uint64, base uint64) bool {
	return countFilled(e, ids, base) == 2*len(ids)
}

// haProxy stands between one instance and the devnet: it counts the update calls it forwards
// (here only votes: no following to set, no refresh due) and, once cut, drops every connection,
// as a network partition would.
type haProxy struct {
	srv   *httptest.Server
	calls atomic.Int64 // update calls
	reqs  atomic.Int64 // every request forwarded: the instance's cost in calls
	cut   atomic.Bool
}

func newHAProxy(t *testing.T, target string) *haProxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &haProxy{}
	rp := httputil.NewSingleHostReverseProxy(u)
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p.cut.Load() {
			if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
				conn.Close()
			}
			return
		}
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/call") {
			p.calls.Add(1)
		}
		p.reqs.Add(1)
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(p.srv.Close)
	return p
}

// amReceiver is the webhook receiver behind Alertmanager: the chat and the pager.
type amReceiver struct {
	srv *httptest.Server
	mu  sync.Mutex
	got []amNotification
}

// amNotification is one alert of one webhook notification.
type amNotification struct {
	path, status, alertname, neuron, proposal string
}

func newAMReceiver(t *testing.T) *amReceiver {
	t.Helper()
	r := &amReceiver{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		var body struct {
			Alerts []struct {
				Status string            `json:"status"`
				Labels map[string]string `json:"labels"`
			} `json:"alerts"`
		}
		if err := json.NewDecoder(req.Body).Decode(&body); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		for _, a := range body.Alerts {
			r.got = append(r.got, amNotification{path: req.URL.Path, status: a.Status, alertname: a.Labels["alertname"],
				neuron: a.Labels["neuron"], proposal: a.Labels["proposal"]})
		}
	}))
	t.Cleanup(r.srv.Close)
	return r
}

// firing counts the firing notifications of a case (its neurons base+1…base+3, or no neuron:
// only the cut-off primary raises an instance-wide alert here) by alertname, and lists the
// alerts notified more than once, or the standby's to another receiver than the chat.
func (r *amReceiver) firing(base uint64) (map[string]int, []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	counts, seen := map[string]int{}, map[amNotification]int{}
	var dups []string // and misrouted
	for _, n := range r.got {
		id, _ := strconv.ParseUint(n.neuron, 10, 64)
		if n.status != "firing" || (n.neuron != "" && (id <= base || id > base+3)) {
			continue
		}
		if n.neuron == "" && base != 1300 {
			continue
		}
		counts[n.alertname]++
		seen[n]++
		if (n.alertname == "standby_took_over" || n.alertname == "policy_mismatch") && n.path != "/chat" {
			dups = append(dups, fmt.Sprintf("%s neuron %s proposal %s routed to %s, not /chat", n.alertname, n.neuron, n.proposal, n.path))
		}
	}
	for n, k := range seen {
		if k > 1 {
			dups = append(dups, fmt.Sprintf("%s neuron %s proposal %s ×%d", n.alertname, n.neuron, n.proposal, k))
		}
	}
	return counts, dups
}

func fmtCounts(m map[string]int) string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, fmt.Sprintf("%s %d", k, m[k]))
	}
	return strings.Join(out, ", ")
}

// startAlertmanager runs Alertmanager with the shipped routing (deploy/alertmanager), its
// receivers pointed at recv and its waits shortened from minutes to seconds; it returns its URL.
func startAlertmanager(t *testing.T, bin, recv string) string {
	t.Helper()
	shipped, err := os.ReadFile("../deploy/alertmanager/alertmanager.yml")
	if err != nil {
		t.Fatal(err)
	}
	cfg := strings.NewReplacer("http://127.0.0.1:9099/", recv+"/", "group_wait: 30s", "group_wait: 1s",
		"group_interval: 5m", "group_interval: 2s").Replace(string(shipped))
	dir := t.TempDir()
	path := filepath.Join(dir, "alertmanager.yml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	cmd := exec.Command(bin, "--config.file="+path, "--storage.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr, "--cluster.listen-address=")
	logf, err := os.Create(filepath.Join(dir, "alertmanager.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait(); logf.Close() })
	base := "http://" + addr
	for start := time.Now(); ; time.Sleep(200 * time.Millisecond) {
		if res, err := http.Get(base + "/-/ready"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return base
			}
		}
		if time.Since(start) > 30*time.Second {
			b, _ := os.ReadFile(logf.Name())
			t.Fatalf("alertmanager not ready within 30 s:\n%s", tail(b, 3000))
		}
	}
}
