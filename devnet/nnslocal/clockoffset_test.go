package nnslocal_test

import (
	"context"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/votebot/votebot/devnet"
	"github.com/votebot/votebot/devnet/governance"
	"github.com/votebot/votebot/devnet/nnslocal"
)

// ClockOffset moves governance time with the replica's: a proposal made at
// start is stamped with the offset time.
func TestClockOffsetMovesGovernanceTime(t *testing.T) {
	const offset = -10 * time.Minute
	scenario, err := governance.ParseScenario([]byte(`
neurons:
  - {id: 27, controller: aaaaa-aa, stake_e8s: 10000000000000, dissolve_delay: 1y}
proposals:
  - {at: 0s, proposer: 27, title: Hello}
`), "")
	if err != nil {
		t.Fatal(err)
	}
	n, err := nnslocal.Start(context.Background(), nnslocal.Options{Scenario: scenario, Logger: zerolog.Nop(),
		ClockOffset: offset, ReplyLimits: devnet.ReplyLimits{NonReplicated: 1 << 20}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = n.Close() })
	id, ok := n.ProposalID(0)
	if !ok {
		t.Fatal("the scenario's proposal was not made")
	}
	pi, ok := n.Governance.ProposalInfo(id)
	if !ok {
		t.Fatal("proposal not found")
	}
	made := time.Unix(int64(pi.ProposalTimestampSeconds), 0)
	if d := made.Sub(time.Now().Add(offset)); d.Abs() > 5*time.Second {
		t.Fatalf("proposal made at %s, %s off the devnet's clock (wall %s)", made, d, offset)
	}
}
