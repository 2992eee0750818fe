package governance

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/rewards"
)

func TestAdminAPI(t *testing.T) {
	c, _ := newCanister(t, rewards.RegimeCurrent, nil)
	srv := httptest.NewServer(c.AdminHandler())
	defer srv.Close()
	do := func(method, path, body string) (int, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		var out map[string]any
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("%s %s: not JSON: %s", method, path, raw)
		}
		return resp.StatusCode, out
	}
	hot := user(77).String()
	steps := []struct {
		method, path, body string
		status             int
		check              func(map[string]any) bool
	}{
		{"POST", "/_/devnet/neurons", `{"id": 1, "controller": "` + user(1).String() + `", "hotkeys": ["` + hot + `"], "stake_e8s": 100000000000, "dissolve_delay": "1y"}`, 200,
			func(m map[string]any) bool { return m["id"] == 1.0 }},
		{"POST", "/_/devnet/neurons", `{"controller": "` + user(2).String() + `", "stake_e8s": 500000000, "followees": {"Governance": [1]}}`, 200,
			func(m map[string]any) bool { return m["id"] == 1000.0 }},
		{"POST", "/_/devnet/neurons", `{"controller": "nope"}`, 400, nil},
		{"POST", "/_/devnet/neurons", `{"controller": "` + user(3).String() + `", "age": "3 weeks"}`, 400, nil},
		{"POST", "/_/devnet/neurons", `{"controler": "x"}`, 400, nil},
		{"POST", "/_/devnet/proposals", `{"proposer": 1, "title": "Motion", "summary": "s"}`, 200,
			func(m map[string]any) bool { return m["id"] == 1.0 }},
		{"POST", "/_/devnet/proposals", `{"proposer": 1, "action": "ExecuteNnsFunction", "nns_function": 4}`, 200, nil},
		{"POST", "/_/devnet/proposals", `{"proposer": 99}`, 404, nil},
		{"POST", "/_/devnet/votes", `{"neuron": 1000, "proposal": 1, "vote": "no"}`, 409,
			func(m map[string]any) bool { return m["error_type"] == 19.0 }}, // voted by following
		{"POST", "/_/devnet/votes", `{"neuron": 1000, "proposal": 2, "vote": "no"}`, 200, nil},
		{"POST", "/_/devnet/votes", `{"neuron": 1000, "proposal": 2, "vote": "maybe"}`, 400, nil},
		{"GET", "/_/devnet/proposals/2", "", 200, func(m map[string]any) bool { return len(m["ballots"].([]any)) == 2 }},
		{"GET", "/_/devnet/proposals/9", "", 404, nil},
		{"POST", "/_/devnet/neurons/1/remove-hotkey", `{"hotkey": "` + hot + `"}`, 200, nil},
		{"POST", "/_/devnet/neurons/1/remove-hotkey", `{"hotkey": "` + hot + `"}`, 409, nil},
		{"GET", "/_/devnet/neurons/1", "", 200, func(m map[string]any) bool { return len(m["hot_keys"].([]any)) == 0 }},
		{"GET", "/_/devnet/neurons/x", "", 400, nil},
		{"GET", "/_/devnet/neurons/999", "", 404, nil},
		{"POST", "/_/devnet/reward-event", "", 200, func(m map[string]any) bool { return m["day_after_genesis"] == 1.0 }},
		{"GET", "/_/devnet/state", "", 200, func(m map[string]any) bool {
			cs := m["counters"].(map[string]any)
			return m["neurons"] == 2.0 && cs["direct_votes"] == 1.0 && cs["following_votes"] == 1.0 && cs["reward_events"] == 1.0
		}},
	}
	for _, s := range steps {
		status, out := do(s.method, s.path, s.body)
		if status != s.status || (s.check != nil && !s.check(out)) {
			t.Fatalf("%s %s %s: status %d %v, want %d", s.method, s.path, s.body, status, out, s.status)
		}
	}
	if _, ok := c.Neuron(1000); !ok {
		t.Fatal("neuron 1000 missing")
	}
	if got := ballotOf(t, c, 1, 1000); got != nns.VoteYes {
		t.Errorf("1000 follows 1 on Governance: %s", got)
	}
}

func TestAddNeuronRejectsWithoutSideEffects(t *testing.T) {
	c, _ := newCanister(t, rewards.RegimeCurrent, nil)
	many := make([]uint64, 16)
	_, err := c.AddNeuron(NeuronSpec{ID: 5, Controller: user(5), Followees: map[nns.Topic][]uint64{nns.TopicGovernance: many}})
	if err == nil {
		t.Fatal("16 followees accepted")
	}
	if _, ok := c.Neuron(5); ok || c.State().Neurons != 0 {
		t.Fatal("a refused neuron was partly created")
	}
	if _, err := c.AddNeuron(NeuronSpec{ID: 5, Controller: user(5)}); err != nil {
		t.Fatalf("retry: %v", err)
	}
}
