package agent_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/votebot/votebot/agent"
	"github.com/votebot/votebot/agent/identity"
	"github.com/votebot/votebot/nns"
)

// Example wires a hotkey from a systemd credential (or a PEM file) to a
// mainnet client and lists the proposals that still accept (and reward)
// votes.
func Example() {
	ctx := context.Background()
	key, err := identity.Load(identity.Source{
		PEMFile:        "/etc/votebot/hotkey.pem",
		CredentialsDir: os.Getenv(identity.CredentialsDirEnv),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	gov, err := agent.New(ctx, agent.Config{
		// Endpoints and RootKey empty: mainnet, root key pinned.
		Identity:    key.Identity,
		CallTimeout: 20 * time.Second,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	open, err := gov.ListProposals(ctx, nns.ListProposalInfoRequest{
		IncludeRewardStatus: []int32{int32(nns.RewardStatusAcceptVotes)},
	})
	switch {
	case agent.IsAllEndpointsDown(err):
		fmt.Println("alert: no IC API endpoint answers")
	case err != nil:
		fmt.Println(err)
	default:
		fmt.Println(len(open), "proposals accept votes")
	}
}
