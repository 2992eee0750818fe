package governance

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/votebot/votebot/nns"
)

// Every scenario shipped in configs/scenarios parses, and the week runs to
// the end on a fake clock without a failed event.
func TestShippedScenarios(t *testing.T) {
	files, err := filepath.Glob("../../configs/scenarios/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenarios found: %v", err)
	}
	for _, f := range files {
		if _, err := LoadScenario(f); err != nil {
			t.Errorf("%v", err)
		}
	}
	for _, tc := range []struct {
		file      string
		step, end time.Duration
	}{
		{"week.yaml", 15 * time.Minute, 12 * day},
		{"week-fast.yaml", time.Second, 12 * time.Minute},
	} {
		t.Run(tc.file, func(t *testing.T) { runWeek(t, "../../configs/scenarios/"+tc.file, tc.step, tc.end) })
	}
}

func runWeek(t *testing.T, file string, step, end time.Duration) {
	s, err := LoadScenario(file)
	if err != nil {
		t.Fatal(err)
	}
	clk := &fakeClock{t: testStart}
	c, err := New(s.Config(clk.Now(), clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Apply(c); err != nil {
		t.Fatal(err)
	}
	r := s.Runner(c, clk.Now())
	for elapsed := time.Duration(0); elapsed < end; elapsed += step {
		for _, err := range r.Step(clk.Now()) {
			t.Errorf("%v", err)
		}
		c.Tick()
		clk.Advance(step)
	}
	if !r.Done() {
		t.Fatalf("scenario not finished after %v", end)
	}
	st := c.State()
	settled := 0
	for _, p := range st.Proposals {
		if p.RewardStatus == nns.RewardStatusSettled.String() {
			settled++
		}
	}
	if settled != len(s.Proposals) || st.Counters.FollowingVotes == 0 || st.Counters.RewardEvents < 11 {
		t.Errorf("settled %d of %d, following votes %d, reward events %d", settled, len(s.Proposals),
			st.Counters.FollowingVotes, st.Counters.RewardEvents)
	}
	if n, _ := c.Neuron(9001); n.MaturityE8sEquivalent == 0 || len(n.RecentBallots) == 0 {
		t.Errorf("neuron 9001 earned %d e8s with %d recent ballots", n.MaturityE8sEquivalent, len(n.RecentBallots))
	}
	if n, _ := c.Neuron(9002); len(n.Followees) != 0 {
		t.Errorf("neuron 9002 kept its lapsed following: %+v", n.Followees)
	}
	if c.Counters().ClearedFollows != 1 {
		t.Errorf("cleared follows = %d, want 1", c.Counters().ClearedFollows)
	}
}
