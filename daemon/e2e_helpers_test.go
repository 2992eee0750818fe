package daemon_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/aviate-labs/agent-go/principal"

	"github.com/votebot/votebot/devnet"
	"github.com/votebot/votebot/devnet/governance"
	"github.com/votebot/votebot/devnet/nnslocal"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/rewards"
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

// shortNNS is a devnet governance with mainnet economics whose proposals
// vote for period (standard and short alike), rewarded every reward.
func shortNNS(period, reward time.Duration) governance.Config {
	return governance.Config{Economics: rewards.DefaultEconomics(rewards.RegimeCurrent),
		VotingPeriod: period, ShortVotingPeriod: period, WaitForQuietIncrease: time.Second, RewardPeriod: reward}
}

// botNeuron is one of the bot's neurons: its id and stake in ICP.
type botNeuron struct{ id, icp uint64 }

// addProposerAndBotNeurons adds neuron 40, a 1,000 ICP proposer the bot
// does not vote for, and the bot's neurons (the bot's key a hotkey, a
// dissolve delay of a year).
func (e *e2e) addProposerAndBotNeurons(bots ...botNeuron) {
	e.t.Helper()
	const icp = 100_000_000
	year := 365 * 24 * time.Hour
	specs := []governance.NeuronSpec{{ID: 40, Controller: e.ctl, StakeE8s: 1000 * icp, DissolveDelay: year}}
	for _, b := range bots {
		specs = append(specs, governance.NeuronSpec{ID: b.id, Controller: e.ctl, HotKeys: []principalT{e.bot},
			StakeE8s: b.icp * icp, DissolveDelay: year})
	}
	e.addNeurons(specs)
}

// configf is a votebot configuration for this devnet: its network, the
// bot's key and store, then body formatted with args.
func (e *e2e) configf(body string, args ...any) []byte { return e.configAt(e.net.URL, body, args...) }

// configAt is configf with the devnet reached at url (a proxy in front).
func (e *e2e) configAt(url, body string, args ...any) []byte {
	return []byte(fmt.Sprintf("network: {urls: [%s], root_key: %s}\nidentity: {pem_file: %s}\nstore: {path: %s}\n",
		url, e.net.RootKeyHex(), e.dir+"/hotkey.pem", e.storePath()) + fmt.Sprintf(body, args...))
}

// startSNSes starts the devnet with the scenario's SNSes beside an NNS
// whose proposals run for period, paced by pace (zero: unpaced), then adds
// the proposer and the bot's NNS neuron 1001: the start of every SNS lane
// test.
func (e *e2e) startSNSes(scenarioYAML string, period time.Duration, pace devnet.Pace) {
	e.t.Helper()
	scenario, err := governance.ParseScenario([]byte(scenarioYAML), "")
	if err != nil {
		e.t.Fatal(err)
	}
	nnsGov := shortNNS(period, time.Hour)
	e.start(nnslocal.Options{Scenario: scenario, Pace: pace, Configure: func(c *governance.Config) {
		now := c.Now
		*c = nnsGov
		if c.Now == nil {
			c.Now = now
		}
	}})
	e.addProposerAndBotNeurons(botNeuron{1001, 10})
}
