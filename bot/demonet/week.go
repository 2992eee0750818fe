package demonet

import (
	"bytes"
	"fmt"
	"text/template"
	"time"

	"github.com/aviate-labs/agent-go/principal"

	"github.com/votebot/votebot/config"
	"github.com/votebot/votebot/configs/demo"
	"github.com/votebot/votebot/devnet/governance"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/rewards"
)

// Neuron ids of the week scenario.
const (
	DFINITY  uint64 = 27 // known neuron, proposes most proposals
	CodeGov  uint64 = 28 // known neuron, stops voting mid-week
	Stranger uint64 = 40 // proposes a spam motion
	Main     uint64 = 1001
	Cold     uint64 = 1002
	Savings  uint64 = 1003
)

// Week is a realistic NNS week compressed so that one "day" lasts Unit×24.
type Week struct {
	// Unit is the compressed hour; 120 units is the whole demo.
	Unit time.Duration
	// Bot is the hotkey the bot signs with; Controller owns the neurons.
	Bot, Controller principal.Principal
	// StopCodeGovAt is when CodeGov stops voting (units).
	StopCodeGovAt int

	ids []uint64 // proposal ids, in submission order
	by  map[string]uint64
}

// NewWeek scales the week to last about d.
func NewWeek(d time.Duration, bot, controller principal.Principal) *Week {
	u := max(d/120, 250*time.Millisecond)
	return &Week{Unit: u, Bot: bot, Controller: controller, StopCodeGovAt: 30, by: map[string]uint64{}}
}

func (w *Week) u(n float64) time.Duration { return time.Duration(n * float64(w.Unit)) }

// secs rounds to whole seconds, at least one: governance counts seconds.
func secs(d time.Duration) time.Duration { return max(d.Round(time.Second), time.Second) }

// Governance is the canister configuration: a 4-day voting period becomes
// 40 units, 12 hours 15, a reward day 30.
func (w *Week) Governance() governance.Config {
	e := rewards.DefaultEconomics(rewards.RegimeCurrent)
	e.StartReducingVotingPowerAfterSeconds = uint64(secs(w.u(100)) / time.Second)
	e.ClearFollowingAfterSeconds = uint64(secs(w.u(30)) / time.Second)
	e.GenesisSeconds = time.Now().Unix()
	return governance.Config{Economics: e, VotingPeriod: secs(w.u(40)), ShortVotingPeriod: secs(w.u(15)),
		WaitForQuietIncrease: secs(w.u(10)), RewardPeriod: secs(w.u(30))}
}

// Neurons are the scenario's neurons; the bot's hotkey is on 1001–1003.
func (w *Week) Neurons() []governance.NeuronSpec {
	const icp = 100_000_000
	year := 365 * 24 * time.Hour
	mine := []principal.Principal{w.Bot}
	return []governance.NeuronSpec{
		{ID: DFINITY, Controller: w.Controller, StakeE8s: 30_000_000 * icp, DissolveDelay: 2 * year, Age: 4 * year, KnownName: "DFINITY"},
		{ID: CodeGov, Controller: w.Controller, StakeE8s: 2_000_000 * icp, DissolveDelay: 2 * year, Age: year, KnownName: "CodeGov"},
		{ID: Stranger, Controller: w.Controller, StakeE8s: 50_000 * icp, DissolveDelay: 2 * year},
		{ID: Main, Controller: w.Controller, HotKeys: mine, StakeE8s: 1_000 * icp, DissolveDelay: 2 * year, Age: year},
		{ID: Cold, Controller: w.Controller, HotKeys: mine, StakeE8s: 5_000 * icp, DissolveDelay: year, Age: 2 * year,
			Followees: map[nns.Topic][]uint64{nns.TopicUnspecified: {CodeGov}, nns.TopicGovernance: {DFINITY}, nns.TopicSnsAndCommunityFund: {DFINITY}}},
		// Following already as the policy wants, last refreshed long ago:
		// the refresh comes due a few "hours" into the week.
		{ID: Savings, Controller: w.Controller, HotKeys: mine, StakeE8s: 20_000 * icp, DissolveDelay: 2 * year, Age: 3 * year,
			Followees:               map[nns.Topic][]uint64{nns.TopicUnspecified: {DFINITY}, nns.TopicGovernance: {DFINITY}, nns.TopicSnsAndCommunityFund: {DFINITY}},
			VotingPowerRefreshedAgo: secs(w.u(62))},
	}
}

// ConfigValues fill the demo's configuration template.
type ConfigValues struct {
	URL, RootKey, PEM, Store                            string
	Poll, WhenLeft, AtRisk, Reminder, VoteDelay, Margin string
}

// Config renders the bot configuration for the devnet at url.
func (w *Week) Config(url, rootKey, pem, store string) ([]byte, error) {
	t, err := template.New("demo").Parse(demo.ConfigTemplate)
	if err != nil {
		return nil, err
	}
	v := ConfigValues{URL: url, RootKey: rootKey, PEM: pem, Store: store,
		Poll: secs(w.u(1)).String(), VoteDelay: secs(w.u(3)).String(), Margin: secs(w.u(8)).String()}
	var buf bytes.Buffer
	if err := t.Execute(&buf, v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Compress sets the durations a real configuration may not make this
// short: refresh.when_left, at_risk_before, reminder_interval.
func (w *Week) Compress(cfg *config.Config) {
	cfg.Refresh.WhenLeft = secs(w.u(30))
	cfg.Alerts.Thresholds.AtRiskBefore = secs(w.u(12))
	cfg.Alerts.Thresholds.ReminderInterval = secs(w.u(12))
}

type proposalPlan struct {
	at       float64
	proposer uint64
	topic    nns.Topic
	key      string
	title    string
}

// Events is the week: proposals on several topics in realistic
// proportions, the known neurons' votes, CodeGov falling silent.
func (w *Week) Events() []Event {
	plans := []proposalPlan{
		{2, DFINITY, nns.TopicIcOsVersionElection, "elect", "Elect new IC-OS release 2026-11-14"},
		{4, DFINITY, nns.TopicExchangeRate, "xr1", "Update ICP/XDR conversion rate"},
		{6, DFINITY, nns.TopicSubnetManagement, "subnet1", "Add nodes to subnet pzp6e"},
		{10, CodeGov, nns.TopicGovernance, "gov", "Motion: publish quarterly reviews of IC-OS releases"},
		{14, Stranger, nns.TopicGovernance, "spam", "Motion: GIVE EVERYONE 1000 ICP @everyone"},
		{18, DFINITY, nns.TopicIcOsVersionDeployment, "deploy1", "Deploy IC-OS release 2026-11-14 to subnet tdb26"},
		{20, DFINITY, nns.TopicExchangeRate, "xr2", "Update ICP/XDR conversion rate"},
		{25, DFINITY, nns.TopicNodeAdmin, "nodeadmin", "Update node operator config for DC zh2"},
		{32, DFINITY, nns.TopicApiBoundaryNodeManagement, "api", "Add API boundary node in Frankfurt"},
		{36, DFINITY, nns.TopicExchangeRate, "xr3", "Update ICP/XDR conversion rate"},
		{40, DFINITY, nns.TopicSnsAndCommunityFund, "sns", "Create SNS for a new dapp"},
		{48, DFINITY, nns.TopicSubnetManagement, "subnet2", "Create new application subnet"},
		{52, DFINITY, nns.TopicExchangeRate, "xr4", "Update ICP/XDR conversion rate"},
		{60, DFINITY, nns.TopicIcOsVersionDeployment, "deploy2", "Deploy IC-OS release 2026-11-14 to subnet uzr34"},
		{66, DFINITY, nns.TopicNetworkEconomics, "econ", "Adjust node provider rewards table"},
	}
	var evs []Event
	for _, p := range plans {
		p := p
		evs = append(evs, Event{At: w.u(p.at), Desc: fmt.Sprintf("%s proposal: %s", p.topic, p.title), Do: func(n *Net) error {
			id, err := n.Gov.SubmitProposal(governance.ProposalSpec{Proposer: p.proposer, Topic: p.topic, Title: p.title,
				Summary: p.title + ". See the forum thread for details.",
				Action:  nns.Action{Motion: &nns.Motion{MotionText: p.title}}})
			if err == nil {
				w.by[p.key] = id
				w.ids = append(w.ids, id)
			}
			return err
		}})
		id := func() uint64 { return w.by[p.key] }
		switch {
		case p.key == "spam":
			evs = append(evs, VoteAs(w.u(p.at+2), CodeGov, id, nns.VoteNo), VoteAs(w.u(p.at+5), DFINITY, id, nns.VoteNo))
		case p.proposer != DFINITY:
			evs = append(evs, VoteAs(w.u(p.at+20), DFINITY, id, nns.VoteYes))
		case p.at+3 < float64(w.StopCodeGovAt):
			evs = append(evs, VoteAs(w.u(p.at+3), CodeGov, id, nns.VoteYes))
		}
	}
	evs = append(evs, Event{At: w.u(float64(w.StopCodeGovAt)), Desc: "CodeGov stops voting", Do: func(*Net) error { return nil }})
	return evs
}

// ProposalIDs are the proposals submitted so far.
func (w *Week) ProposalIDs() []uint64 { return append([]uint64(nil), w.ids...) }
