package nnslocal_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/rs/zerolog"

	"github.com/votebot/votebot/devnet/governance"
	"github.com/votebot/votebot/devnet/nnslocal"
)

// syncBuffer is a log destination the devnet's goroutines may write concurrently.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// The devnet logs its scenario's events at info, and requests only at debug: a polling bot's
// requests drowned the events (1,117 lines in 8 minutes).
func TestLogLevels(t *testing.T) {
	for _, tt := range []struct {
		level    zerolog.Level
		requests bool
	}{{zerolog.InfoLevel, false}, {zerolog.DebugLevel, true}} {
		t.Run(tt.level.String(), func(t *testing.T) {
			var out syncBuffer
			scenario, err := governance.ParseScenario([]byte(`
economics: {voting_period: 1h, genesis: start}
neurons:
  - {id: 27, controller: aaaaa-aa, stake_e8s: 10000000000000, dissolve_delay: 1y}
proposals:
  - {at: 0s, proposer: 27, topic: Governance, title: Hello}
`), "")
			if err != nil {
				t.Fatal(err)
			}
			n, err := nnslocal.Start(context.Background(), nnslocal.Options{Scenario: scenario,
				Logger: zerolog.New(&out).Level(tt.level)})
			if err != nil {
				t.Fatal(err)
			}
			defer n.Close()
			for range 5 {
				resp, err := http.Get(n.URL + "/api/v2/status")
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
			}
			// Each request's line is written before its response is sent.
			log := out.String()
			// The proposer's neuron holds all the voting power: its own Yes decides at once.
			for _, event := range []string{`"proposal":1,"topic":"Governance","title":"Hello"`, `"message":"proposal created"`,
				`"status":"Executed"`, `"message":"proposal decided"`} {
				if !strings.Contains(log, event) {
					t.Errorf("log at %s lacks %s:\n%s", tt.level, event, log)
				}
			}
			if got := strings.Count(log, `"message":"request"`); (got >= 5) != tt.requests {
				t.Errorf("log at %s has %d request lines, want requests logged: %v", tt.level, got, tt.requests)
			}
		})
	}
}
