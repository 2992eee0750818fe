package agent

import (
	"context"
	"errors"
	"fmt"

	"github.com/votebot/votebot/nns"
)

// Limits of the governance canister.
const (
	maxProposalsPerPage = 100
	maxNeuronsPerPage   = 500
	// maxPages stops paging that does not end (a misbehaving endpoint
	// cannot keep the bot listing forever).
	maxPages = 10000
)

// ErrNotFound is returned when the canister knows no such proposal.
var ErrNotFound = errors.New("not found")

// ListProposals returns every proposal matching req, newest first, paging
// with before_proposal internally (req.Limit is the page size: 0 or more
// than 100 means 100; req.BeforeProposal, if set, is where listing starts).
// A page the replica refuses as too large (the caller's ballots grow with
// its neurons) is asked again with half the limit, down to 1; the limit
// that worked is where the next listing starts (see pageLimit).
func (g *Governance) ListProposals(ctx context.Context, req nns.ListProposalInfoRequest) ([]nns.ProposalInfo, error) {
	if req.Limit == 0 || req.Limit > maxProposalsPerPage {
		req.Limit = maxProposalsPerPage
	}
	pager := &proposalPager{g: g, req: req, limit: g.pageLimit.start(req.Limit)}
	var all []nns.ProposalInfo
	for page := 0; page < maxPages; page++ {
		infos, err := pager.page(ctx)
		if err != nil {
			return nil, err
		}
		all = append(all, infos...)
		// The canister returns at most limit proposals; fewer means this
		// was the last page.
		if len(infos) < int(pager.limit) {
			g.pageLimit.done(pager.limit, req.Limit)
			return all, nil
		}
		last := infos[len(infos)-1].Id
		if last == nil {
			return nil, &DecodeError{Method: "list_proposals", Field: fmt.Sprintf("proposal_info[%d].id", len(infos)-1), Err: errors.New("missing: cannot page further")}
		}
		if pager.req.BeforeProposal != nil && last.Id >= pager.req.BeforeProposal.Id {
			return nil, fmt.Errorf("list_proposals: page did not move backwards (id %d after before_proposal %d)", last.Id, pager.req.BeforeProposal.Id)
		}
		pager.req.BeforeProposal = &nns.ProposalId{Id: last.Id}
	}
	return nil, fmt.Errorf("list_proposals: more than %d pages", maxPages)
}

// ListProposalsPage is one page of list_proposals, without paging: at most
// req.Limit proposals (the canister's maximum if 0), newest first, fewer
// if the replica refused the reply as too large and the limit was halved.
// A caller that only needs the newest proposal asks with Limit 1.
func (g *Governance) ListProposalsPage(ctx context.Context, req nns.ListProposalInfoRequest) ([]nns.ProposalInfo, error) {
	if req.Limit == 0 || req.Limit > maxProposalsPerPage {
		req.Limit = maxProposalsPerPage
	}
	pager := &proposalPager{g: g, req: req, limit: req.Limit}
	return pager.page(ctx)
}

// GetProposalInfo returns one proposal, or ErrNotFound.
func (g *Governance) GetProposalInfo(ctx context.Context, proposalID uint64) (nns.ProposalInfo, error) {
	var resp *nns.ProposalInfo
	if err := g.query(ctx, "get_proposal_info", &resp, proposalID); err != nil {
		return nns.ProposalInfo{}, err
	}
	if resp == nil {
		return nns.ProposalInfo{}, fmt.Errorf("get_proposal_info %d: %w", proposalID, ErrNotFound)
	}
	return *resp, nil
}

// GetPendingProposals returns the proposals with status Open. Decided
// proposals still accept (and reward) votes until their deadline: poll
// ListProposals with include_reward_status = [AcceptVotes] to vote on them.
func (g *Governance) GetPendingProposals(ctx context.Context) ([]nns.ProposalInfo, error) {
	var resp []nns.ProposalInfo
	err := g.query(ctx, "get_pending_proposals", &resp, (*nns.GetPendingProposalsRequest)(nil))
	return resp, err
}

// GetNeuronInfo returns a neuron's public view.
func (g *Governance) GetNeuronInfo(ctx context.Context, neuronID uint64) (nns.NeuronInfo, error) {
	var resp nns.NeuronInfoResult
	if err := g.query(ctx, "get_neuron_info", &resp, neuronID); err != nil {
		return nns.NeuronInfo{}, err
	}
	switch {
	case resp.Err != nil:
		return nns.NeuronInfo{}, newGovernanceError("get_neuron_info", resp.Err)
	case resp.Ok == nil:
		return nns.NeuronInfo{}, &DecodeError{Method: "get_neuron_info", Err: errors.New("result is neither Ok nor Err")}
	}
	return *resp.Ok, nil
}

// GetFullNeuron returns the full neuron; the caller must be its controller
// or a hotkey.
func (g *Governance) GetFullNeuron(ctx context.Context, neuronID uint64) (nns.Neuron, error) {
	var resp nns.FullNeuronResult
	if err := g.query(ctx, "get_full_neuron", &resp, neuronID); err != nil {
		return nns.Neuron{}, err
	}
	switch {
	case resp.Err != nil:
		return nns.Neuron{}, newGovernanceError("get_full_neuron", resp.Err)
	case resp.Ok == nil:
		return nns.Neuron{}, &DecodeError{Method: "get_full_neuron", Err: errors.New("result is neither Ok nor Err")}
	}
	return *resp.Ok, nil
}

// ListNeurons returns all pages of list_neurons for req, concatenated.
// req.PageSize above 500 is lowered to 500; req.PageNumber is ignored. A
// page the replica refuses as too large (full neurons carry up to 100
// recent ballots each) restarts the listing with pages half as large.
func (g *Governance) ListNeurons(ctx context.Context, req nns.ListNeurons) (nns.ListNeuronsResponse, error) {
	size := uint64(maxNeuronsPerPage)
	if req.PageSize != nil && *req.PageSize > 0 && *req.PageSize < size {
		size = *req.PageSize
	}
	for {
		all, err := g.listNeurons(ctx, req, size)
		if !IsReplyTooLarge(err) || size == 1 {
			return all, err
		}
		// Pages of another size do not line up with those read: start
		// over (rare: 500 full neurons are about 1 MiB).
		size /= 2
		g.cfg.Logger.Debug().Uint64("page_size", size).Msg("list_neurons reply over the replica's limit; halving the page")
	}
}

func (g *Governance) listNeurons(ctx context.Context, req nns.ListNeurons, size uint64) (nns.ListNeuronsResponse, error) {
	req.PageSize = &size
	var all nns.ListNeuronsResponse
	for page := uint64(0); page < maxPages; page++ {
		req.PageNumber = &page
		var resp nns.ListNeuronsResponse
		if err := g.query(ctx, "list_neurons", &resp, req); err != nil {
			return nns.ListNeuronsResponse{}, err
		}
		all.NeuronInfos = append(all.NeuronInfos, resp.NeuronInfos...)
		all.FullNeurons = append(all.FullNeurons, resp.FullNeurons...)
		all.TotalPagesAvailable = resp.TotalPagesAvailable
		// A canister without paging omits total_pages_available.
		if resp.TotalPagesAvailable == nil || page+1 >= *resp.TotalPagesAvailable {
			return all, nil
		}
	}
	return nns.ListNeuronsResponse{}, fmt.Errorf("list_neurons: more than %d pages", maxPages)
}

// ListKnownNeurons returns the registered known neurons.
func (g *Governance) ListKnownNeurons(ctx context.Context) ([]nns.KnownNeuron, error) {
	var resp nns.ListKnownNeuronsResponse
	err := g.query(ctx, "list_known_neurons", &resp)
	return resp.KnownNeurons, err
}

// GetLatestRewardEvent returns the latest reward event.
func (g *Governance) GetLatestRewardEvent(ctx context.Context) (nns.RewardEvent, error) {
	var resp nns.RewardEvent
	err := g.query(ctx, "get_latest_reward_event", &resp)
	return resp, err
}

// GetNetworkEconomicsParameters returns the network economics, including
// the voting power economics the bot must read at run time.
func (g *Governance) GetNetworkEconomicsParameters(ctx context.Context) (nns.NetworkEconomics, error) {
	var resp nns.NetworkEconomics
	err := g.query(ctx, "get_network_economics_parameters", &resp)
	return resp, err
}
