package daemon_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/votebot/votebot/devnet"
)

// TestBenchIdleSNSProcess measures `votebot run` alone, as its own
// process, idle with 50 SNS lanes of 20 neurons (found by discovery), 2
// open proposals each that the policy leaves alone, and the NNS lane: RSS
// once its CPU has settled. Opt-in: VOTEBOT_BENCH=1 (VOTEBOT_BENCH_SNSES,
// VOTEBOT_BENCH_SNS_NEURONS resize it):
//
//	VOTEBOT_BENCH=1 go test -run TestBenchIdleSNSProcess -v -timeout 20m ./daemon/
func TestBenchIdleSNSProcess(t *testing.T) {
	if os.Getenv("VOTEBOT_BENCH") != "1" {
		t.Skip("benchmark; set VOTEBOT_BENCH=1")
	}
	snses, neurons := envInt("VOTEBOT_BENCH_SNSES", 50), envInt("VOTEBOT_BENCH_SNS_NEURONS", 20)
	e := newKeys(t)
	e.startSNSes(snsScaleScenario(e.bot, snses, neurons), 7*24*time.Hour, devnet.Pace{})
	addPollProposals(t, e)
	cfgPath := e.dir + "/votebot.yaml"
	raw := string(e.configf(snsScaleConfig)) + "poll_interval: 60s\nsns: {discover: true}\n"
	if err := os.WriteFile(cfgPath, []byte(raw), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(buildVotebot(t), "run", "--config", cfgPath)
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
	for {
		b, _ := os.ReadFile(e.dir + "/votebot.log")
		if strings.Contains(string(b), "votebot running") {
			break
		}
		if time.Since(start) > 5*time.Minute || cmd.ProcessState != nil {
			t.Fatalf("votebot did not start:\n%s", b)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("votebot running after %v", time.Since(start).Round(time.Millisecond))
	// Idle once a minute (a poll interval) goes by with little CPU.
	for settled := time.Now(); ; {
		cpu := procCPU(t, cmd.Process.Pid)
		time.Sleep(time.Minute)
		if d := procCPU(t, cmd.Process.Pid) - cpu; d < time.Second {
			t.Logf("CPU over the last minute: %v", d)
			break
		}
		if time.Since(settled) > 10*time.Minute {
			t.Fatal("the bot did not go idle within 10 minutes")
		}
	}
	pid := cmd.Process.Pid
	t.Logf("IDLE SNS PROCESS (%d SNS lanes x %d neurons + the NNS lane, poll 60 s): RSS %.1f MiB = %.1f MB (anon %.1f, file %.1f MiB; peak %d MiB)",
		snses, neurons, float64(statusKiB(t, pid, "VmRSS"))/1024, float64(statusKiB(t, pid, "VmRSS"))*1024/1e6,
		float64(statusKiB(t, pid, "RssAnon"))/1024, float64(statusKiB(t, pid, "RssFile"))/1024, statusKiB(t, pid, "VmHWM")/1024)
	t.Logf("largest mappings (RSS KiB):\n%s", topMappings(t, pid, 8))
}
