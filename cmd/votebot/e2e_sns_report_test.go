package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/votebot/votebot/agent/identity"
	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/config"
	"github.com/votebot/votebot/daemon"
	"github.com/votebot/votebot/devnet/governance"
	"github.com/votebot/votebot/devnet/nnslocal"
	"github.com/votebot/votebot/devnet/snsgov"
	"github.com/votebot/votebot/sns"
)

// TestSNSReportEqualsDevnetBallots: after the daemon ran an SNS lane on the
// devnet — one proposal voted by a rule, one left to followees nobody set
// (missed) — plan showed the DAO's open proposals under its name, and
// report's section for the DAO counts exactly the ballots the devnet
// reports, in the DAO's token.
func TestSNSReportEqualsDevnetBallots(t *testing.T) {
	if testing.Short() {
		t.Skip("runs an SNS lane on the devnet")
	}
	dir := t.TempDir()
	key, err := identity.WriteNew(filepath.Join(dir, "hotkey.pem"), identity.Ed25519)
	if err != nil {
		t.Fatal(err)
	}
	proposerID, voterID := strings.Repeat("11", 32), strings.Repeat("22", 32)
	scenario, err := governance.ParseScenario([]byte(fmt.Sprintf(`
neurons:
  - {id: 1001, controller: rrkah-fqaaa-aaaaa-aaaaq-cai, hotkeys: [%[4]s], stake_e8s: 1000000000, dissolve_delay: 2y}
snses:
  - name: Alpha
    symbol: ALP
    voting_period: 12s
    wait_for_quiet_increase: 1s
    neurons:
      - {id: %[1]s, stake_e8s: 100000000, dissolve_delay: 365d}
      - {id: %[2]s, dissolve_delay: 365d, permissions: [{key: %[3]s, types: [Vote]}]}
`, proposerID, voterID, key.Path, key.Identity.Sender().String())), "")
	if err != nil {
		t.Fatal(err)
	}
	n, err := nnslocal.Start(context.Background(), nnslocal.Options{Scenario: scenario, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	alpha := n.SNSes[0]
	root := alpha.IDs.Root.String()
	cfgPath := filepath.Join(dir, "votebot.yaml")
	yaml := fmt.Sprintf(`network: {urls: [%s], root_key: %s}
identity: {pem_file: %s}
store: {path: %s}
listen: %s
poll_interval: 1s
neurons: [{id: 1001}]
policies:
  default:
    deadline_margin: 3s
    fallback: none
    default: follow
    rules:
      - {name: upgrades, match: {title: "(?i)upgrade"}, vote: "yes"}
sns:
  daos:
    - root: %s
      name: Alpha
      neurons: [{id: %s, alias: voter}]
`, n.URL, n.RootKeyHex(), key.Path, filepath.Join(dir, "votebot.db"), freeAddr(t), root, voterID)
	must(t, os.WriteFile(cfgPath, []byte(yaml), 0o600))
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}

	proposer, _ := alpha.Runner.NeuronID(proposerID)
	voter, _ := alpha.Runner.NeuronID(voterID)
	c := alpha.Runner.Canister()
	var ids []uint64
	for _, title := range []string{"Upgrade the dapp", "Rename the DAO"} {
		id, err := c.MakeProposal(snsgov.ProposalSpec{Proposer: proposer, Function: sns.FunctionMotion, Title: title, Summary: "s"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}

	code, out, errs := runCmd(t, "plan", "--config", cfgPath, "--all")
	if code != 0 || !strings.Contains(out, "DAO ") || !strings.Contains(out, "Alpha") || !strings.Contains(out, "Rename the DAO") {
		t.Errorf("plan: exit %d, the DAO's proposals not under its name:\n%s\n%s", code, out, errs)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 22*time.Second)
	defer cancel()
	app, err := daemon.Assemble(ctx, daemon.AppOptions{Config: cfg, Logger: zerolog.Nop(),
		Routes: []alert.Route{{Name: "test", Notifier: discardNotifier{}}},
		Tune:   func(o *bot.Options) { o.PollInterval = 250 * time.Millisecond }})
	if err != nil {
		t.Fatal(err)
	}
	if err := app.RunLoop(ctx); err != nil && ctx.Err() == nil {
		t.Fatal(err)
	}
	sg := app.Governance().SNS(alpha.IDs.Governance)
	voted, missed := 0, 0
	for _, id := range ids {
		p, err := sg.GetProposal(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range p.Ballots {
			if b.NeuronId == sns.NeuronIDHex(voter) {
				if b.Ballot.Vote != sns.VoteUnspecified {
					voted++
				} else {
					missed++
				}
			}
		}
	}
	must(t, app.Close())
	if voted != 1 || missed != 1 {
		t.Fatalf("the devnet holds %d voted and %d missed ballots of the voter, want 1 and 1", voted, missed)
	}

	// vote --dao asks the DAO, as vote does the NNS.
	for _, tt := range []struct {
		id   uint64
		want string
	}{{ids[0], fmt.Sprintf("Alpha proposal %d is not open: voting ended", ids[0])}, {999, "Alpha proposal 999 does not exist"}} {
		code, _, errs := runCmd(t, "vote", fmt.Sprint(tt.id), "yes", "--dao", "Alpha", "--config", cfgPath)
		if code != 1 || !strings.Contains(errs, tt.want) {
			t.Errorf("vote %d --dao Alpha: exit %d, %q; want %q", tt.id, code, errs, tt.want)
		}
	}

	code, out, errs = runReportCmd(t, "--config", cfgPath, "--json", "--window", "all")
	if code != 0 {
		t.Fatalf("report: exit %d: %s", code, errs)
	}
	var r reportJSON
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if len(r.SNS) != 1 || r.SNS[0].Governance != "Alpha" || r.SNS[0].Symbol != "ALP" || len(r.SNS[0].Neurons) != 1 {
		t.Fatalf("report's SNS sections: %+v", r.SNS)
	}
	s := r.SNS[0].Neurons[0].Selected
	if s.Voted != voted || s.Missed != missed || r.SNS[0].Neurons[0].Label != "voter ("+sns.FormatShortID(sns.ShortID(voter))+")" {
		t.Errorf("report: %s voted %d missed %d; the devnet: voted %d missed %d", r.SNS[0].Neurons[0].Label, s.Voted, s.Missed, voted, missed)
	}
}
