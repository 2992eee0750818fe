package governance

import (
	"sync"
	"testing"

	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/rewards"
)

// Queries and updates run concurrently, as the devnet serves them; run with
// -race.
func TestConcurrentCalls(t *testing.T) {
	c, _ := newCanister(t, rewards.RegimeCurrent, nil)
	for id := uint64(1); id <= 50; id++ {
		addNeuron(t, c, id, icp, func(s *NeuronSpec) {
			if id > 1 {
				s.Followees = map[nns.Topic][]uint64{nns.TopicUnspecified: {id - 1}}
			}
		})
	}
	addNeuron(t, c, 99, 1000*icp, nil)
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				switch (w + i) % 4 {
				case 0:
					if _, err := c.SubmitProposal(onTopic(99, nns.TopicNodeAdmin)); err != nil {
						t.Error(err)
					}
				case 1:
					_ = c.CastVote(1, uint64(i+1), nns.VoteYes) // may race the proposal's creation
				case 2:
					if _, err := callRaw(c, "list_proposals", user(5), nns.ListProposalInfoRequest{Limit: 10}); err != nil {
						t.Error(err)
					}
				default:
					_ = c.State()
				}
			}
		}()
	}
	wg.Wait()
}

func TestRecentBallotsCapAndOrder(t *testing.T) {
	c, _ := newCanister(t, rewards.RegimeCurrent, nil)
	addNeuron(t, c, 1, icp, nil)
	addNeuron(t, c, 2, 1000*icp, nil)
	for range 130 {
		p := submit(t, c, onTopic(2, nns.TopicSubnetManagement))
		vote(t, c, 1, p, nns.VoteNo)
	}
	xr := submit(t, c, onTopic(2, nns.TopicExchangeRate))
	vote(t, c, 1, xr, nns.VoteYes)
	n, _ := c.Neuron(1)
	if len(n.RecentBallots) != 100 || n.RecentBallots[0].ProposalId.Id != 130 || n.RecentBallots[99].ProposalId.Id != 31 {
		t.Fatalf("recent ballots: %d, first %d, last %d; want 100 from 130 down to 31 (no ExchangeRate)",
			len(n.RecentBallots), n.RecentBallots[0].ProposalId.Id, n.RecentBallots[len(n.RecentBallots)-1].ProposalId.Id)
	}
}
