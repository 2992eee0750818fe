package daemon_test

import (
	"bytes"
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/daemon"
	"github.com/votebot/votebot/devnet"
	"github.com/votebot/votebot/devnet/snsgov"
	"github.com/votebot/votebot/sns"
)

const snsLaneConfig = `
instance: sns-test
poll_interval: 1s
neurons: [{id: 1001, alias: nns-main}]
policies:
  default:
    deadline_margin: 3s
    fallback: none
    default: follow
    rules:
      - {name: upgrades, match: {title: "(?i)upgrade"}, vote: yes}
sns:
  daos:
    - root: %s
      name: Alpha
      neurons:
        - {id: %s, alias: voter}
        - {id: %s}
        - {id: %s, alias: lost}
      following:
        Governance: [%s]
`

// TestSNSLane: beside the NNS lane, an SNS DAO's lane sets its neurons'
// following as the config says, votes a proposal by a rule with both its
// neurons, and alerts (naming the DAO) the ballots of a proposal nobody
// voted, then their miss, and a configured neuron the hotkey cannot vote
// with; the ballots read back from the devnet are the
// lane's votes, and the lane keeps its own store file.
func TestSNSLane(t *testing.T) {
	skipLong(t)
	t.Parallel()
	e := newKeys(t)
	e.startSNSes(`
snses:
  - name: Alpha
    symbol: ALP
    voting_period: 14s
    wait_for_quiet_increase: 1s
    minimum_dissolve_delay_to_vote: 1d
    neurons:
      - {id: `+hexID(1)+`, stake_e8s: 100000000, dissolve_delay: 365d}
      - {id: `+hexID(2)+`, dissolve_delay: 365d, permissions: [{principal: `+e.bot.String()+`, types: [Vote]}]}
      - {id: `+hexID(3)+`, dissolve_delay: 365d, permissions: [{principal: `+e.bot.String()+`, types: [Vote]}]}
      - {id: `+hexID(4)+`, dissolve_delay: 365d}
`, time.Minute, devnet.Pace{})
	alpha := e.net.SNSes[0]
	id := func(ref string) []byte {
		t.Helper()
		b, ok := alpha.Runner.NeuronID(ref)
		if !ok {
			t.Fatalf("no neuron %s", ref)
		}
		return b
	}
	proposer, voter, sleeper, leader := id(hexID(1)), id(hexID(2)), id(hexID(3)), id(hexID(4))

	e.loadConfig(e.configf(snsLaneConfig, alpha.IDs.Root, sns.NeuronIDHex(voter), sns.NeuronIDHex(sleeper),
		sns.NeuronIDHex(leader), sns.NeuronIDHex(leader)))
	e.cfg.Alerts.Thresholds.AtRiskBefore = 8 * time.Second
	var events eventLog
	app, err := assembleWith(e, &events)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	if n := len(app.Lanes()); n != 1 {
		t.Fatalf("%d SNS lanes, want 1", n)
	}
	lane := app.Lanes()[0]
	if lane.Governance != "Alpha" || lane.Symbol != "ALP" || lane.Root != alpha.IDs.Root.String() {
		t.Errorf("lane %q root %s symbol %q; want Alpha, %s, ALP", lane.Governance, lane.Root, lane.Symbol, alpha.IDs.Root)
	}
	if _, err := os.Stat(filepath.Join(e.dir, "sns-"+alpha.IDs.Root.String()+".db")); err != nil {
		t.Errorf("the lane's store file: %v", err)
	}

	c := alpha.Runner.Canister()
	upgrade, err := c.MakeProposal(snsProposal(proposer, "Upgrade the <b>dapp</b>"))
	if err != nil {
		t.Fatal(err)
	}
	other, err := c.MakeProposal(snsProposal(proposer, "Rename the DAO"))
	if err != nil {
		t.Fatal(err)
	}
	sg := app.Governance().SNS(alpha.IDs.Governance)
	pd, err := sg.GetProposal(context.Background(), other)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Unix(int64(pd.WaitForQuietState.CurrentDeadlineTimestampSeconds), 0)

	stop := runUntilStop(t, app.RunLoop)
	sleepUntil(deadline.Add(6 * time.Second)) // past the deadline: settled, the miss confirmed
	stop()

	ctx := context.Background()
	for _, n := range [][]byte{voter, sleeper} {
		up, err := sg.GetProposal(ctx, upgrade)
		if err != nil {
			t.Fatal(err)
		}
		if v := snsVoteOf(up, n); v != sns.VoteYes {
			t.Errorf("neuron %s on the upgrade: vote %d on the devnet, want Yes (1)", sns.NeuronIDHex(n)[:16], v)
		}
		ot, err := sg.GetProposal(ctx, other)
		if err != nil {
			t.Fatal(err)
		}
		if v := snsVoteOf(ot, n); v != sns.VoteUnspecified {
			t.Errorf("neuron %s on the other proposal: vote %d, want none", sns.NeuronIDHex(n)[:16], v)
		}
	}
	mine, err := sg.ListNeurons(ctx, &e.bot)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range mine {
		if !followsSNS(n, sns.TopicGovernance, leader) {
			t.Errorf("neuron %s does not follow %s on Governance", sns.NeuronIDHex(n.Id.Id)[:16], sns.NeuronIDHex(leader)[:16])
		}
	}
	if !events.has("following", "Alpha") {
		t.Errorf("no following event naming Alpha in %v", events.kinds())
	}

	for _, n := range [][]byte{voter, sleeper} {
		short := sns.ShortID(n)
		for _, kind := range []alert.Kind{alert.KindProposalAtRisk, alert.KindVoteMissed} {
			key := alert.Key{Kind: kind, Governance: "Alpha", Neuron: short, ProposalID: other}.String()
			if first, _, _ := e.alerts.count(key); first != 1 {
				t.Errorf("%s: %d first messages, want 1", key, first)
			}
		}
		key := alert.Key{Kind: alert.KindVoteMissed, Governance: "Alpha", Neuron: short, ProposalID: upgrade}.String()
		if first, _, _ := e.alerts.count(key); first != 0 {
			t.Errorf("%s fired for a proposal the lane voted", key)
		}
	}
	// The lane publishes under its DAO's governance label, neurons in hex.
	rec := httptest.NewRecorder()
	app.HTTPHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	for _, want := range []string{"votebot_votes_cast_total{", "votebot_votes_missed_total{"} {
		if !hasSeries(rec.Body.String(), want, `governance="Alpha"`, sns.FormatShortID(sns.ShortID(voter))) {
			t.Errorf("no %s series of Alpha's neuron %s", want, sns.FormatShortID(sns.ShortID(voter)))
		}
	}

	// The hotkey holds no permission on the leader: list_neurons leaves it
	// out, and the lane says so as the NNS lane would, naming the DAO.
	lost := alert.Key{Kind: alert.KindHotkeyMissing, Governance: "Alpha", Neuron: sns.ShortID(leader)}.String()
	if first, _, _ := e.alerts.count(lost); first != 1 {
		t.Errorf("%s: %d first messages, want 1", lost, first)
	}
	for _, a := range e.alerts.got {
		if a.Kind == alert.KindVoteMissed && (a.Governance != "Alpha" || !strings.Contains(a.Key, "/Alpha/")) {
			t.Errorf("missed alert %s names governance %q, want Alpha", a.Key, a.Governance)
		}
		t.Logf("%s %s resolved=%v %s", a.At.Format("15:04:05.000"), a.Key, a.Resolved, a.Headline)
	}
}

func snsProposal(proposer []byte, title string) snsgov.ProposalSpec {
	return snsgov.ProposalSpec{Proposer: proposer, Function: sns.FunctionMotion, Title: title, Summary: "s", URL: "https://example.org"}
}

// hasSeries reports whether a line of the exposition holds every part.
func hasSeries(exposition string, parts ...string) bool {
	for _, line := range strings.Split(exposition, "\n") {
		if !strings.HasPrefix(line, "#") && !slices.ContainsFunc(parts, func(p string) bool { return !strings.Contains(line, p) }) {
			return true
		}
	}
	return false
}

// hexID is a neuron id whose first byte is b: SNS ids differ early, as
// the hashes they are do (the devnet's seeded ids share their start).
func hexID(b byte) string { return sns.NeuronIDHex(bytes.Repeat([]byte{b * 0x11}, sns.NeuronIDLen)) }

func snsVoteOf(p sns.ProposalData, neuron []byte) int32 {
	for _, b := range p.Ballots {
		if b.NeuronId == sns.NeuronIDHex(neuron) {
			return b.Ballot.Vote
		}
	}
	return -1
}

func followsSNS(n sns.Neuron, topic sns.TopicID, followee []byte) bool {
	if n.TopicFollowees == nil {
		return false
	}
	for _, e := range n.TopicFollowees.TopicIdToFollowees {
		if sns.TopicID(e.TopicId) != topic {
			continue
		}
		return slices.ContainsFunc(e.Followees.Followees, func(f sns.Followee) bool {
			return f.NeuronId != nil && bytes.Equal(f.NeuronId.Id, followee)
		})
	}
	return false
}

// eventLog records the loop's events.
type eventLog struct {
	mu  sync.Mutex
	got []bot.Event
}

func (l *eventLog) add(ev bot.Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.got = append(l.got, ev)
}

func (l *eventLog) has(kind, governance string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.ContainsFunc(l.got, func(ev bot.Event) bool { return ev.Kind == kind && ev.Governance == governance })
}

func (l *eventLog) kinds() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, ev := range l.got {
		out = append(out, ev.Governance+":"+ev.Kind)
	}
	return out
}

func assembleWith(e *e2e, events *eventLog) (*daemon.App, error) {
	return daemon.Assemble(context.Background(), daemon.AppOptions{Config: e.cfg, Logger: zerolog.Nop(),
		Routes: []alert.Route{{Name: "rec", Notifier: e.alerts}}, Events: events.add, Tune: func(o *bot.Options) {
			o.PollInterval, o.RetryBackoff = 300*time.Millisecond, 300*time.Millisecond
		}})
}
