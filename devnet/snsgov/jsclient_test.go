package snsgov_test

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aviate-labs/agent-go/identity"
	"github.com/votebot/votebot/devnet/snsgov"
	"github.com/votebot/votebot/sns"
)

// TestSNSJSClient runs the SNS governance client of @icp-sdk/canisters 3.6.0
// (SnsGovernanceCanister), unmodified, against the devnet's SNS: it lists the neurons the
// identity has permissions on (paged), lists and reads proposals, topics, metadata, parameters
// and functions, as queries and certified, votes, and is refused a second vote. It needs node and
// the pinned packages of devnet/testdata/snsjs installed (scripts/test does it: npm ci there);
// VOTEBOT_SNSJS=1 makes their absence a failure instead of a skip.
func TestSNSJSClient(t *testing.T) {
	dir, _ := filepath.Abs(filepath.Join("..", "testdata", "snsjs"))
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@icp-sdk", "canisters")); err != nil {
		if os.Getenv("VOTEBOT_SNSJS") != "" {
			t.Fatalf("VOTEBOT_SNSJS is set but %s has no node_modules: run npm ci there", dir)
		}
		t.Skip("npm ci in devnet/testdata/snsjs to run the @icp-sdk/canisters SNS client")
	}
	seed := make([]byte, ed25519.SeedSize)
	seed[0] = 7
	priv := ed25519.NewKeyFromSeed(seed)
	id, err := identity.NewEd25519Identity(priv.Public().(ed25519.PublicKey), priv)
	if err != nil {
		t.Fatal(err)
	}
	n := newNetWithIdentity(t, snsgov.Config{Name: "Alpha", RewardRateBasisPoints: 1000}, id)
	proposer := n.neuron(t, 1, nil, 365*day, nil)
	mine := []string{sns.NeuronIDHex(n.neuron(t, 2, votePerm(n.botID), 365*day, nil)),
		sns.NeuronIDHex(n.neuron(t, 3, votePerm(n.botID, sns.PermissionSubmitProposal), 365*day, nil))}
	for _, title := range []string{"First", "Second"} {
		if _, err := n.gov.MakeProposal(snsgov.ProposalSpec{Proposer: proposer, Title: title}); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "node", filepath.Join(dir, "sns.mjs"), n.url.String(), hex.EncodeToString(n.rootKey),
		n.ids.Governance.Encode(), hex.EncodeToString(seed), "2").CombinedOutput()
	t.Logf("node output:\n%s", out)
	if err != nil {
		t.Fatalf("SNS client: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	var result struct {
		Neurons []string `json:"neurons"`
		Open    []uint64 `json:"open"`
		Ballots int      `json:"ballots"`
		Voted   int32    `json:"voted"`
		Refusal string   `json:"refusal"`
	}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &result); err != nil {
		t.Fatalf("last line is not the result: %v", err)
	}
	if strings.Join(result.Neurons, ",") != strings.Join(mine, ",") || result.Ballots != 2 || result.Voted != sns.VoteNo ||
		!strings.Contains(result.Refusal, "Neuron already voted on proposal.") {
		t.Errorf("result %+v; want neurons %v, 2 ballots, voted No, refused again", result, mine)
	}
}
