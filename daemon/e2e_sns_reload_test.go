package daemon_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/votebot/votebot/daemon"
	"github.com/votebot/votebot/devnet"
	"github.com/votebot/votebot/sns"
)

const snsReloadConfig = `
instance: sns-reload-test
poll_interval: 1s
neurons: [{id: 1001}]
policies:
  default:
    fallback: none
    default: follow
  strict:
    fallback: none
    default: follow
    rules:
      - {name: no-renames, match: {title: "(?i)rename"}, vote: no}
sns:
  discover: true
  daos:
    - root: %s
      name: Alpha
`

// TestSNSLaneDiscoverAndReload: discovery adds a DAO the config does not
// list, named by its metadata, with exactly the neurons the hotkey may
// vote with; a reload gives a running lane another neuron, another policy
// and following at once, and the lane then votes with both neurons by the
// new policy's rule.
func TestSNSLaneDiscoverAndReload(t *testing.T) {
	skipLong(t)
	t.Parallel()
	e := newKeys(t)
	me := e.bot.String()
	e.startSNSes(`
snses:
  - name: Alpha
    voting_period: 1h
    neurons:
      - {id: `+hexID(1)+`, stake_e8s: 100000000, dissolve_delay: 365d}
      - {id: `+hexID(2)+`, dissolve_delay: 365d, permissions: [{principal: `+me+`, types: [Vote]}]}
      - {id: `+hexID(3)+`, dissolve_delay: 365d, permissions: [{principal: `+me+`, types: [Vote]}]}
      - {id: `+hexID(4)+`, dissolve_delay: 365d}
  - name: Beta
    neurons:
      - {id: `+hexID(5)+`, dissolve_delay: 365d, permissions: [{principal: `+me+`, types: [Vote]}]}
      - {id: `+hexID(6)+`, dissolve_delay: 365d, permissions: [{principal: `+me+`, types: [SubmitProposal]}]}
`, time.Hour, devnet.Pace{})
	alpha, beta := e.net.SNSes[0], e.net.SNSes[1]
	id := func(b byte) []byte {
		t.Helper()
		x, ok := alpha.Runner.NeuronID(hexID(b))
		if !ok {
			x, ok = beta.Runner.NeuronID(hexID(b))
		}
		if !ok {
			t.Fatalf("no neuron %s", hexID(b))
		}
		return x
	}
	hx := func(b byte) string { return sns.NeuronIDHex(id(b)) }
	e.loadConfig(e.configf(snsReloadConfig+"      neurons: [{id: %s}]\n", alpha.IDs.Root, hx(2)))
	var events eventLog
	app, err := assembleWith(e, &events)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()

	lanes := app.Lanes()
	if len(lanes) != 2 || lanes[0].Governance != "Alpha" || lanes[1].Governance != "Beta" {
		t.Fatalf("lanes %v, want Alpha (configured) then Beta (discovered, named by its metadata)", laneNames(lanes))
	}
	if ns := lanes[0].Bot.Neurons(); len(ns) != 1 || ns[0].SNSID != sns.NeuronIDHex(id(2)) {
		t.Errorf("Alpha's neurons %+v, want the one configured", ns)
	}
	if ns := lanes[1].Bot.Neurons(); len(ns) != 1 || ns[0].ID != sns.ShortID(id(5)) || ns[0].SNSID != sns.NeuronIDHex(id(5)) {
		t.Errorf("Beta's neurons %+v, want only the one the hotkey may vote with", ns)
	}

	rename, err := alpha.Runner.Canister().MakeProposal(snsProposal(id(1), "Rename the DAO"))
	if err != nil {
		t.Fatal(err)
	}
	stop := runUntilStop(t, app.RunLoop)
	defer stop()
	sg := app.Governance().SNS(alpha.IDs.Governance)
	ballots := func() (int32, int32) {
		t.Helper()
		pd, err := sg.GetProposal(context.Background(), rename)
		if err != nil {
			t.Fatal(err)
		}
		return snsVoteOf(pd, id(2)), snsVoteOf(pd, id(3))
	}
	time.Sleep(3 * time.Second)
	if v2, _ := ballots(); v2 != sns.VoteUnspecified {
		t.Fatalf("before the reload neuron 2 voted %d; the default policy follows", v2)
	}

	// SIGHUP: the DAO gets a neuron, the strict policy and following.
	path := filepath.Join(e.dir, "votebot.yaml")
	next := e.configf(snsReloadConfig+"      policy: strict\n      neurons: [{id: %s}, {id: %s, alias: late}]\n      following: {Governance: [%s]}\n",
		alpha.IDs.Root, hx(2), hx(3), hx(4))
	if err := os.WriteFile(path, next, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := app.Reload(context.Background(), path); err != nil {
		t.Fatal(err)
	}
	if ns := lanes[0].Bot.Neurons(); len(ns) != 2 {
		t.Errorf("after the reload Alpha has %d neurons, want 2", len(ns))
	}
	var v2, v3 int32
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(300 * time.Millisecond) {
		if v2, v3 = ballots(); v2 == sns.VoteNo && v3 == sns.VoteNo {
			break
		}
	}
	if v2 != sns.VoteNo || v3 != sns.VoteNo {
		t.Errorf("after the reload the ballots are %d and %d, want No (2) from the new policy", v2, v3)
	}
	mine, err := sg.ListNeurons(context.Background(), &e.bot)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range mine {
		if !followsSNS(n, sns.TopicGovernance, id(4)) {
			t.Errorf("neuron %s does not follow on Governance after the reload", sns.NeuronIDHex(n.Id.Id)[:16])
		}
	}
}

func laneNames(ls []*daemon.Lane) []string {
	var out []string
	for _, l := range ls {
		out = append(out, l.Governance)
	}
	return out
}
