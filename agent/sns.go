package agent

import (
	"context"
	"errors"
	"fmt"

	"github.com/aviate-labs/agent-go/candid/idl"
	"github.com/aviate-labs/agent-go/principal"

	"github.com/votebot/votebot/sns"
)

// Limits of an SNS governance canister (upstream's MAX_LIST_PROPOSAL_RESULTS
// and MAX_LIST_NEURONS_RESULTS).
const (
	maxSNSProposalsPerPage = 100
	maxSNSNeuronsPerPage   = 100
)

// SNSGovernance is a client of one SNS's governance canister. It shares its
// Governance's endpoints, limiters, clock and verification: one client
// serves the NNS and every SNS. It is safe for concurrent use.
type SNSGovernance struct {
	g  *Governance
	id principal.Principal
}

// SNS is the client of the SNS governance canister governance.
func (g *Governance) SNS(governance principal.Principal) *SNSGovernance {
	return &SNSGovernance{g: g, id: governance}
}

// Canister is the SNS governance canister's id.
func (s *SNSGovernance) Canister() principal.Principal { return s.id }

func (s *SNSGovernance) call(kind callKind, method, label string) call {
	return call{canister: s.id, kind: kind, method: method, label: "sns." + label}
}

func (s *SNSGovernance) query(ctx context.Context, method string, out any, args ...any) error {
	return s.g.request(ctx, s.call(kindQuery, method, method), out, args...)
}

// ListProposals returns every proposal matching req, newest first, with the
// ballots of the neurons the caller holds a permission on, paging with
// before_proposal (req.Limit is the page size: 0 or more than 100 means
// 100; req.BeforeProposal, if set, is where listing starts). A page the
// replica refuses as too large (the caller's ballots grow with its neurons)
// is asked again with half the limit, down to one proposal.
func (s *SNSGovernance) ListProposals(ctx context.Context, req sns.ListProposals) ([]sns.ProposalData, error) {
	if req.Limit == 0 || req.Limit > maxSNSProposalsPerPage {
		req.Limit = maxSNSProposalsPerPage
	}
	normalizeListProposals(&req)
	var all []sns.ProposalData
	for page := 0; page < maxPages; page++ {
		var resp sns.ListProposalsResponse
		err := s.query(ctx, "list_proposals", &resp, req)
		if IsReplyTooLarge(err) && req.Limit > 1 {
			req.Limit /= 2
			s.g.cfg.Logger.Debug().Uint32("limit", req.Limit).Msg("sns list_proposals reply over the replica's limit; halving the page")
			continue
		}
		if err != nil {
			return nil, err
		}
		all = append(all, resp.Proposals...)
		if len(resp.Proposals) < int(req.Limit) {
			return all, nil
		}
		last := resp.Proposals[len(resp.Proposals)-1].Id
		if last == nil {
			return nil, &DecodeError{Method: "sns.list_proposals", Field: fmt.Sprintf("proposals[%d].id", len(resp.Proposals)-1), Err: errors.New("missing: cannot page further")}
		}
		if req.BeforeProposal != nil && last.Id >= req.BeforeProposal.Id {
			return nil, fmt.Errorf("sns.list_proposals: page did not move backwards (id %d after before_proposal %d)", last.Id, req.BeforeProposal.Id)
		}
		req.BeforeProposal = &sns.ProposalId{Id: last.Id}
	}
	return nil, fmt.Errorf("sns.list_proposals: more than %d pages", maxPages)
}

// normalizeListProposals makes req's vectors non-nil: the canister's
// arguments are vec, never opt.
func normalizeListProposals(req *sns.ListProposals) {
	for _, v := range []*[]int32{&req.IncludeRewardStatus, &req.IncludeStatus} {
		if *v == nil {
			*v = []int32{}
		}
	}
	if req.ExcludeType == nil {
		req.ExcludeType = []uint64{}
	}
}

// GetProposal returns one proposal with the caller's ballots, or
// ErrNotFound.
func (s *SNSGovernance) GetProposal(ctx context.Context, proposalID uint64) (sns.ProposalData, error) {
	var resp sns.GetProposalResponse
	if err := s.query(ctx, "get_proposal", &resp, sns.GetProposal{ProposalId: &sns.ProposalId{Id: proposalID}}); err != nil {
		return sns.ProposalData{}, err
	}
	switch r := resp.Result; {
	case r == nil:
		return sns.ProposalData{}, &DecodeError{Method: "sns.get_proposal", Field: "result", Err: errors.New("missing")}
	case r.Error != nil && r.Error.ErrorType == snsErrorNotFound:
		return sns.ProposalData{}, fmt.Errorf("sns.get_proposal %d: %w", proposalID, ErrNotFound)
	case r.Error != nil:
		return sns.ProposalData{}, s.govError("sns.get_proposal", r.Error)
	case r.Proposal == nil:
		return sns.ProposalData{}, &DecodeError{Method: "sns.get_proposal", Field: "result", Err: errors.New("neither Proposal nor Error")}
	default:
		return *r.Proposal, nil
	}
}

// ListNeurons returns the neurons of (holding any permission of) of, or
// every neuron when of is nil, paging with start_page_at (exclusive: the
// page starts after the neuron named).
func (s *SNSGovernance) ListNeurons(ctx context.Context, of *principal.Principal) ([]sns.Neuron, error) {
	req := sns.ListNeurons{OfPrincipal: of, Limit: maxSNSNeuronsPerPage}
	var all []sns.Neuron
	for page := 0; page < maxPages; page++ {
		var resp sns.ListNeuronsResponse
		if err := s.query(ctx, "list_neurons", &resp, req); err != nil {
			return nil, err
		}
		all = append(all, resp.Neurons...)
		if len(resp.Neurons) < int(req.Limit) {
			return all, nil
		}
		last := resp.Neurons[len(resp.Neurons)-1].Id
		if last == nil {
			return nil, &DecodeError{Method: "sns.list_neurons", Field: fmt.Sprintf("neurons[%d].id", len(resp.Neurons)-1), Err: errors.New("missing: cannot page further")}
		}
		req.StartPageAt = &sns.NeuronId{Id: last.Id}
	}
	return nil, fmt.Errorf("sns.list_neurons: more than %d pages", maxPages)
}

// ListTopics returns the SNS's topics with their functions and
// criticality.
func (s *SNSGovernance) ListTopics(ctx context.Context) (sns.ListTopicsResponse, error) {
	var resp sns.ListTopicsResponse
	err := s.query(ctx, "list_topics", &resp, sns.Empty{})
	return resp, err
}

// GetNervousSystemParameters returns the SNS's parameters (eligibility,
// voting periods, rewards).
func (s *SNSGovernance) GetNervousSystemParameters(ctx context.Context) (sns.NervousSystemParameters, error) {
	var resp sns.NervousSystemParameters
	err := s.query(ctx, "get_nervous_system_parameters", &resp, idl.Null{})
	return resp, err
}

// GetLatestRewardEvent returns the SNS's latest reward event.
func (s *SNSGovernance) GetLatestRewardEvent(ctx context.Context) (sns.RewardEvent, error) {
	var resp sns.RewardEvent
	err := s.query(ctx, "get_latest_reward_event", &resp)
	return resp, err
}

// GetMetadata returns the SNS's name, description, URL and logo.
func (s *SNSGovernance) GetMetadata(ctx context.Context) (sns.GetMetadataResponse, error) {
	var resp sns.GetMetadataResponse
	err := s.query(ctx, "get_metadata", &resp, sns.Empty{})
	return resp, err
}

// ListNervousSystemFunctions returns the SNS's native and custom functions
// (proposal types) by id.
func (s *SNSGovernance) ListNervousSystemFunctions(ctx context.Context) (sns.ListNervousSystemFunctionsResponse, error) {
	var resp sns.ListNervousSystemFunctionsResponse
	err := s.query(ctx, "list_nervous_system_functions", &resp)
	return resp, err
}
