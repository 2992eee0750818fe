package governance

import (
	"strings"
	"testing"
	"time"

	"github.com/votebot/votebot/devnet"
)

func TestScenarioPace(t *testing.T) {
	s, err := ParseScenario([]byte(`
pace:
  update_latency: 2s±500ms
  query_latency: 100ms
  exec_time: 1ms
  rate: 200
  burst: 50
  rate_key: sender
`), "")
	if err != nil {
		t.Fatal(err)
	}
	p := s.Pace
	want := devnet.Pace{Update: devnet.Latency{Base: 2 * time.Second, Jitter: 500 * time.Millisecond},
		Query: devnet.Latency{Base: 100 * time.Millisecond}, Exec: time.Millisecond, Rate: 200, Burst: 50, RateKey: "sender"}
	if p.Update != want.Update || p.Query != want.Query || p.Exec != want.Exec || p.Rate != want.Rate ||
		p.Burst != want.Burst || p.RateKey != want.RateKey {
		t.Fatalf("pace %+v, want %+v", p, want)
	}
	if none, err := ParseScenario([]byte("neurons: []\n"), ""); err != nil || none.Pace.On() {
		t.Fatalf("no pace section: %+v, %v", none.Pace, err)
	}
}

func TestScenarioPaceErrors(t *testing.T) {
	cases := map[string]string{
		"pace: {update_latency: soon}":   "pace.update_latency",
		"pace: {rate: fast}":             "pace.rate",
		"pace: {rate: -5}":               "rate must be",
		"pace: {burst: -1}":              "pace.burst",
		"pace: {rate_key: port}":         "rate key",
		"pace: {latency: 2s}":            "latency",
		"pace: {query_latency: [1, 2]}":  "pace.query_latency",
		"pace: {exec_time: -1s}":         "pace.exec_time",
		"pace: {update_latency: 1s±-1s}": "pace.update_latency",
	}
	for in, want := range cases {
		_, err := ParseScenario([]byte(in), "")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want one naming %q", in, err, want)
		}
	}
}
