package daemon_test

import (
	"testing"
	"time"

	"github.com/aviate-labs/agent-go/principal"

	"github.com/votebot/votebot/nns"
)

func ballotOf(pi nns.ProposalInfo, neuron uint64) nns.Vote {
	for _, b := range pi.Ballots {
		if b.NeuronId == neuron {
			return nns.Vote(b.Ballot.Vote)
		}
	}
	return nns.VoteUnspecified
}

func followsOn(n nns.Neuron, topic nns.Topic, id uint64) bool {
	for _, f := range n.Followees {
		if nns.Topic(f.Topic) != topic {
			continue
		}
		for _, x := range f.Followees.Followees {
			if x.Id == id {
				return true
			}
		}
	}
	return false
}

func neuronRefreshed(t *testing.T, e *e2e, id uint64) time.Time {
	t.Helper()
	n, ok := e.net.Governance.Neuron(id)
	if !ok || n.VotingPowerRefreshedTimestampSeconds == nil {
		t.Fatalf("neuron %d not found or never refreshed", id)
	}
	return time.Unix(int64(*n.VotingPowerRefreshedTimestampSeconds), 0)
}

type principalT = principal.Principal
