package agent

import (
	"context"
	"fmt"
	"slices"

	"github.com/aviate-labs/agent-go/principal"
	"golang.org/x/sync/errgroup"

	"github.com/votebot/votebot/sns"
)

// discoveryParallel bounds the SNSes asked at once during discovery; the
// endpoint limiters bound the requests themselves.
const discoveryParallel = 16

// ListDeployedSNSes is SNS-W's list_deployed_snses: every SNS, by its
// canister ids.
func (g *Governance) ListDeployedSNSes(ctx context.Context) ([]sns.DeployedSns, error) {
	var resp sns.ListDeployedSnsesResponse
	c := call{canister: principal.MustDecode(sns.WasmCanisterID), kind: kindQuery, method: "list_deployed_snses", label: "snsw.list_deployed_snses"}
	if err := g.request(ctx, c, &resp, sns.Empty{}); err != nil {
		return nil, err
	}
	return resp.Instances, nil
}

// ListSNSCanisters is an SNS root's list_sns_canisters: the canisters the
// SNS is made of, as its root (which the user names an SNS by) says.
func (g *Governance) ListSNSCanisters(ctx context.Context, root principal.Principal) (sns.ListSnsCanistersResponse, error) {
	var resp sns.ListSnsCanistersResponse
	c := call{canister: root, kind: kindQuery, method: "list_sns_canisters", label: "sns_root.list_sns_canisters"}
	err := g.request(ctx, c, &resp, sns.Empty{})
	return resp, err
}

// SNSCanisters are the canisters of one SNS the bot talks to.
type SNSCanisters struct {
	Root, Governance, Ledger principal.Principal
}

// SNSCanistersOf reads root's list_sns_canisters and checks it names a
// governance and a ledger canister.
func (g *Governance) SNSCanistersOf(ctx context.Context, root principal.Principal) (SNSCanisters, error) {
	resp, err := g.ListSNSCanisters(ctx, root)
	if err != nil {
		return SNSCanisters{}, fmt.Errorf("sns root %s: %w", root, err)
	}
	if resp.Governance == nil || resp.Ledger == nil {
		return SNSCanisters{}, fmt.Errorf("sns root %s: list_sns_canisters names no governance or no ledger", root)
	}
	return SNSCanisters{Root: root, Governance: *resp.Governance, Ledger: *resp.Ledger}, nil
}

// VotingSNS is an SNS where the hotkey may vote: its canisters and the
// neurons on which the hotkey holds the Vote permission.
type VotingSNS struct {
	SNSCanisters
	Neurons []sns.Neuron
}

// DiscoverSNSes finds every SNS where the client's identity holds the Vote
// permission on at least one neuron: SNS-W lists the SNSes, each root names
// its governance and ledger, and list_neurons(of_principal) lists the
// neurons (kept when the identity may vote with them). The result is in
// SNS-W's order. Any failure fails the discovery: an SNS silently left out
// would be an SNS silently not voted.
func (g *Governance) DiscoverSNSes(ctx context.Context) ([]VotingSNS, error) {
	deployed, err := g.ListDeployedSNSes(ctx)
	if err != nil {
		return nil, fmt.Errorf("discover snses: %w", err)
	}
	me := g.Sender()
	found := make([]*VotingSNS, len(deployed))
	eg, ctx := errgroup.WithContext(ctx)
	eg.SetLimit(discoveryParallel)
	for i, d := range deployed {
		if d.RootCanisterId == nil {
			return nil, fmt.Errorf("discover snses: SNS-W lists an SNS without a root (#%d)", i)
		}
		eg.Go(func() error {
			cs, err := g.SNSCanistersOf(ctx, *d.RootCanisterId)
			if err != nil {
				return err
			}
			neurons, err := g.SNS(cs.Governance).ListNeurons(ctx, &me)
			if err != nil {
				return fmt.Errorf("sns %s: %w", cs.Root, err)
			}
			var voting []sns.Neuron
			for _, n := range neurons {
				if slices.Contains(n.PermissionsOf(me), sns.PermissionVote) {
					voting = append(voting, n)
				}
			}
			if len(voting) > 0 {
				found[i] = &VotingSNS{SNSCanisters: cs, Neurons: voting}
			}
			return nil
		})
	}
	if err := eg.Wait(); err != nil {
		return nil, fmt.Errorf("discover snses: %w", err)
	}
	var out []VotingSNS
	for _, f := range found {
		if f != nil {
			out = append(out, *f)
		}
	}
	return out, nil
}
