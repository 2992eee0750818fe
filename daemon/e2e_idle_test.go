package daemon_test

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/votebot/votebot/devnet/governance"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/rewards"
)

// TestBenchIdleProcess measures `votebot run` alone, as its own process, idle:
// 1,000 neurons, 50 open proposals whose ballots the bot has just filled
// itself, the default 60 s poll. It reports RSS and CPU of the bot process
// and the requests it made. Opt-in: VOTEBOT_BENCH=1 (VOTEBOT_BENCH_IDLE=2m;
// over 30m includes an idle neuron re-read).
func TestBenchIdleProcess(t *testing.T) {
	if os.Getenv("VOTEBOT_BENCH") != "1" {
		t.Skip("benchmark; set VOTEBOT_BENCH=1")
	}
	idle := 2 * time.Minute
	if d, err := time.ParseDuration(os.Getenv("VOTEBOT_BENCH_IDLE")); err == nil {
		idle = d
	}
	nNeurons, nProps := envInt("VOTEBOT_BENCH_NEURONS", 1000), envInt("VOTEBOT_BENCH_PROPOSALS", 50)
	e := newE2E(t, governance.Config{Economics: rewards.DefaultEconomics(rewards.RegimeCurrent),
		VotingPeriod: 4 * 24 * time.Hour})
	year := 365 * 24 * time.Hour
	specs := []governance.NeuronSpec{{ID: 27, Controller: e.ctl, StakeE8s: 1e11, DissolveDelay: year}}
	var list []string
	for i := 0; i < nNeurons; i++ {
		id := uint64(10_000 + i)
		specs = append(specs, governance.NeuronSpec{ID: id, Controller: e.ctl, HotKeys: []principalT{e.bot},
			StakeE8s: 1e9, DissolveDelay: year})
		list = append(list, fmt.Sprintf("{id: %d}", id))
	}
	e.addNeurons(specs)
	var ids []uint64
	for i := 0; i < nProps; i++ {
		pid, err := e.net.Governance.SubmitProposal(governance.ProposalSpec{Proposer: 27, Topic: nns.TopicSubnetManagement,
			Title: fmt.Sprintf("p%d", i), Action: nns.Action{Motion: &nns.Motion{MotionText: "m"}}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, pid)
	}
	cfgPath := e.dir + "/votebot.yaml"
	proxy := newByteProxy(t, e.net.URL) // counts the bytes on the wire
	raw := string(e.configAt(proxy.URL(), benchConfig, strings.Join(list, ", ")))
	raw += "poll_interval: 60s\n"
	raw += "listen: 127.0.0.1:0\n"
	if err := os.WriteFile(cfgPath, []byte(raw), 0o600); err != nil {
		t.Fatal(err)
	}
	// The product itself, `votebot run`, unless a heap profile is wanted:
	// then the test binary runs the bot with a profiler on the side.
	cmd := exec.Command(buildVotebot(t), "run", "--config", cfgPath)
	if v := os.Getenv("VOTEBOT_BENCH_GOGC"); v != "" { // the daemon's alone, not the devnet's
		cmd.Env = append(os.Environ(), "GOGC="+v)
	}
	if p := os.Getenv("VOTEBOT_BENCH_HEAPPROFILE"); p != "" {
		cmd = exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), childEnv+"="+cfgPath, "VOTEBOT_CHILD_POLL=60s",
			heapProfileEnv+"="+p) // go tool pprof -top <file>
	}
	logf, err := os.Create(e.dir + "/votebot.log")
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close()
	cmd.Stderr = logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	start := time.Now()
	for !filledAll(e, ids, nNeurons) {
		if time.Since(start) > 10*time.Minute {
			t.Fatal("ballots not filled after 10 minutes")
		}
		time.Sleep(time.Second)
	}
	t.Logf("the bot filled %d ballots in %s", nNeurons*nProps, time.Since(start).Round(time.Second))
	// Then the pass that reads the votes back records 50,000 observations;
	// idle starts when two poll intervals (so at least one pass) go by
	// with little CPU.
	for settled := time.Now(); ; {
		cpu := procCPU(t, cmd.Process.Pid)
		time.Sleep(2 * time.Minute)
		if procCPU(t, cmd.Process.Pid)-cpu < time.Second {
			break
		}
		if time.Since(settled) > 10*time.Minute {
			t.Fatal("the bot did not go idle within 10 minutes")
		}
	}
	t.Logf("after start-up: RSS %d MiB (anon %d)", statusKiB(t, cmd.Process.Pid, "VmRSS")/1024, statusKiB(t, cmd.Process.Pid, "RssAnon")/1024)
	c0, cpu0 := totalCalls(e), procCPU(t, cmd.Process.Pid)
	up0, down0 := proxy.Bytes()
	scrapes := scrapeDuring(t, idle, e.dir+"/votebot.log")
	calls, cpu := totalCalls(e)-c0, procCPU(t, cmd.Process.Pid)-cpu0
	up, down := proxy.Bytes()
	bytes := float64(up - up0 + down - down0)
	perHour := time.Hour.Seconds() / idle.Seconds()
	t.Logf("IDLE PROCESS (%d neurons, %d open proposals, poll 60 s, %s, %d scrapes of /metrics): RSS %.1f MiB = %.1f MB (anon %.1f, file %.1f MiB; peak %d MiB), %.0f requests/h, %.0f KiB/h on the wire (requests+responses), %.1f CPU s/h = %.3f%% of a core",
		nNeurons, nProps, idle, scrapes, float64(statusKiB(t, cmd.Process.Pid, "VmRSS"))/1024, float64(statusKiB(t, cmd.Process.Pid, "VmRSS"))*1024/1e6,
		float64(statusKiB(t, cmd.Process.Pid, "RssAnon"))/1024, float64(statusKiB(t, cmd.Process.Pid, "RssFile"))/1024, statusKiB(t, cmd.Process.Pid, "VmHWM")/1024,
		float64(calls)*perHour, bytes*perHour/1024, cpu.Seconds()*perHour, 100*cpu.Seconds()/idle.Seconds())
	t.Logf("largest mappings (RSS KiB):\n%s", topMappings(t, cmd.Process.Pid, 8))
	if os.Getenv("VOTEBOT_BENCH_HEAPPROFILE") == "" {
		t.Logf("Go runtime (from /metrics): %s", goMemory(t, e.dir+"/votebot.log"))
		scrapeCost(t, cmd.Process.Pid, e.dir+"/votebot.log")
	}
}

// scrapeDuring waits for d while scraping /metrics every
// VOTEBOT_BENCH_SCRAPE (default 30s, as deploy/prometheus scrapes; 0: no
// scrapes), and returns how many scrapes it made.
func scrapeDuring(t *testing.T, d time.Duration, logPath string) int {
	t.Helper()
	every := 30 * time.Second
	if v, err := time.ParseDuration(os.Getenv("VOTEBOT_BENCH_SCRAPE")); err == nil {
		every = v
	}
	addr, err := listenAddr(logPath)
	if every <= 0 || err != nil || os.Getenv("VOTEBOT_BENCH_HEAPPROFILE") != "" {
		time.Sleep(d)
		return 0
	}
	n := 0
	for end := time.Now().Add(d); time.Now().Before(end); n++ {
		resp, err := http.Get("http://" + addr + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		time.Sleep(min(every, time.Until(end)))
	}
	return n
}

// scrapeCost reports what one Prometheus scrape of /metrics costs the
// daemon: every open proposal × neuron is a votebot_neuron_voted series.
func scrapeCost(t *testing.T, pid int, logPath string) {
	t.Helper()
	addr, err := listenAddr(logPath)
	if err != nil {
		t.Log(err)
		return
	}
	const n = 5
	cpu0, size := procCPU(t, pid), 0
	for range n {
		resp, err := http.Get("http://" + addr + "/metrics")
		if err != nil {
			t.Log(err)
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		size = len(b)
	}
	cpu := (procCPU(t, pid) - cpu0) / n
	t.Logf("SCRAPE: %d KiB of metrics, %s CPU per scrape (%.3f%% of a core at a 60 s scrape interval); RSS after %d MiB",
		size/1024, cpu, 100*cpu.Seconds()/60, statusKiB(t, pid, "VmRSS")/1024)
}

func listenAddr(logPath string) (string, error) {
	b, err := os.ReadFile(logPath)
	if err != nil {
		return "", err
	}
	m := regexp.MustCompile(`"listen":"([^"]+)"`).FindSubmatch(b)
	if m == nil {
		return "", fmt.Errorf("no listen address in %s", logPath)
	}
	return string(m[1]), nil
}

// goMemory reads the daemon's /metrics (its address is in its log) and
// sums up where its Go memory is.
func goMemory(t *testing.T, logPath string) string {
	t.Helper()
	addr, err := listenAddr(logPath)
	if err != nil {
		return err.Error()
	}
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var out []string
	for _, name := range []string{"go_memstats_heap_alloc_bytes", "go_memstats_heap_inuse_bytes",
		"go_memstats_heap_idle_bytes", "go_memstats_heap_released_bytes", "go_memstats_stack_inuse_bytes",
		"go_memstats_gc_sys_bytes", "go_memstats_other_sys_bytes", "go_memstats_mspan_inuse_bytes", "go_goroutines"} {
		if v := regexp.MustCompile(`(?m)^` + name + ` (\S+)$`).FindSubmatch(body); v != nil {
			f, _ := strconv.ParseFloat(string(v[1]), 64)
			if strings.HasSuffix(name, "_bytes") {
				out = append(out, fmt.Sprintf("%s %.1f MiB", strings.TrimSuffix(strings.TrimPrefix(name, "go_memstats_"), "_bytes"), f/(1<<20)))
			} else {
				out = append(out, fmt.Sprintf("%s %.0f", name, f))
			}
		}
	}
	return strings.Join(out, ", ")
}

// buildVotebot builds cmd/votebot into the test's temporary directory.
func buildVotebot(t *testing.T) string {
	t.Helper()
	bin := t.TempDir() + "/votebot"
	out, err := exec.Command("go", "build", "-o", bin, "github.com/votebot/votebot/cmd/votebot").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// topMappings sums RSS by mapping (file name, or [heap], [anon]…) from
// /proc/PID/smaps: which part of the resident set is code, Go heap, or
// SQLite's allocations.
func topMappings(t *testing.T, pid, n int) string {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps", pid))
	if err != nil {
		return err.Error()
	}
	rss := map[string]int64{}
	name := ""
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) >= 5 && strings.Contains(f[0], "-") && !strings.HasSuffix(f[0], ":"):
			name = "[anon]"
			if len(f) >= 6 {
				name = f[5]
			}
			name += " " + f[1]
		case len(f) >= 2 && f[0] == "Rss:":
			v, _ := strconv.ParseInt(f[1], 10, 64)
			rss[name] += v
		}
	}
	keys := make([]string, 0, len(rss))
	for k := range rss {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return rss[keys[i]] > rss[keys[j]] })
	var sb strings.Builder
	for i, k := range keys {
		if i == n {
			break
		}
		fmt.Fprintf(&sb, "  %7d  %s\n", rss[k], k)
	}
	return sb.String()
}

func procCPU(t *testing.T, pid int) time.Duration {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * time.Second / 100 // USER_HZ
}

func statusKiB(t *testing.T, pid int, field string) int64 {
	t.Helper()
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, field+":") {
			v, _ := strconv.ParseInt(strings.Fields(line)[1], 10, 64)
			return v
		}
	}
	return 0
}
