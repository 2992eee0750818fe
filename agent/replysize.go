package agent

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/votebot/votebot/nns"
)

// IsReplyTooLarge reports whether err is the replica's reject of a reply
// over its size limit (3 MiB for a query, 2 MiB for an update): the
// canister's reply_data_append failed, a contract violation (IC0504). The
// same request fails again; a smaller one (a lower limit, a smaller page)
// may not.
func IsReplyTooLarge(err error) bool {
	var rej *RejectError
	return errors.As(err, &rej) && rej.Code == RejectCanisterError &&
		strings.Contains(rej.Message, "msg_reply_data_append") &&
		strings.Contains(rej.Message, "cannot be larger than")
}

// proposalPager lists proposals page by page, halving the page size when
// the replica refuses a reply as too large, down to one proposal; a single
// proposal still too large is read without ballots, its ballots from the
// caller's neurons (see oversizedProposal).
type proposalPager struct {
	g     *Governance
	req   nns.ListProposalInfoRequest
	limit uint32
	// neurons are the caller's neurons, read once when a proposal alone is
	// over the limit.
	neurons []nns.Neuron
	read    bool
}

func (p *proposalPager) page(ctx context.Context) ([]nns.ProposalInfo, error) {
	for {
		req := p.req
		req.Limit = p.limit
		var resp nns.ListProposalInfoResponse
		err := p.g.query(ctx, "list_proposals", &resp, req)
		switch {
		case err == nil:
			return resp.ProposalInfo, nil
		case !IsReplyTooLarge(err):
			return nil, err
		case p.limit > 1:
			p.limit /= 2
			p.g.cfg.Logger.Debug().Uint32("limit", p.limit).Msg("list_proposals reply over the replica's limit; halving the page")
		default:
			return p.oversizedProposal(ctx, req)
		}
	}
}

// oversizedProposal reads the one proposal at req (limit 1) whose reply is
// over the limit even alone. The same query unsigned carries no ballots
// (the canister returns only the caller's), so it fits; the ballots come
// from the caller's neurons' recent_ballots: a neuron that voted has its
// vote there, and any other neuron is given an empty ballot (Vote 0) with
// VotingPower 0, because recent_ballots cannot tell an empty ballot from
// none. VotingPower 0 marks every ballot so read.
func (p *proposalPager) oversizedProposal(ctx context.Context, req nns.ListProposalInfoRequest) ([]nns.ProposalInfo, error) {
	var resp nns.ListProposalInfoResponse
	if err := p.g.request(ctx, p.g.nnsCall(kindAnonQuery, "list_proposals", "list_proposals", nil), &resp, req); err != nil {
		return nil, fmt.Errorf("list_proposals: proposal over the reply limit, read unsigned: %w", err)
	}
	if len(resp.ProposalInfo) == 0 || resp.ProposalInfo[0].Id == nil {
		return resp.ProposalInfo, nil
	}
	if !p.read {
		all, err := p.g.ListNeurons(ctx, nns.ListNeurons{IncludeNeuronsReadableByCaller: true})
		if err != nil {
			return nil, fmt.Errorf("list_proposals: proposal over the reply limit, read ballots from neurons: %w", err)
		}
		p.neurons, p.read = all.FullNeurons, true
	}
	pi := resp.ProposalInfo[0]
	pi.Ballots = ballotsFromNeurons(pi.Id.Id, p.neurons)
	p.g.cfg.Logger.Warn().Uint64("proposal", pi.Id.Id).Int("neurons", len(p.neurons)).
		Msg("proposal too large to read with its ballots; ballots read from the neurons' recent ballots")
	return []nns.ProposalInfo{pi}, nil
}

// ballotsFromNeurons builds proposal id's ballots from each neuron's
// recent_ballots (see oversizedProposal).
func ballotsFromNeurons(id uint64, neurons []nns.Neuron) []nns.BallotEntry {
	out := make([]nns.BallotEntry, 0, len(neurons))
	for _, n := range neurons {
		if n.Id == nil {
			continue
		}
		var vote int32
		for _, b := range n.RecentBallots {
			if b.ProposalId != nil && b.ProposalId.Id == id {
				vote = b.Vote
				break
			}
		}
		out = append(out, nns.BallotEntry{NeuronId: n.Id.Id, Ballot: nns.Ballot{Vote: vote}})
	}
	return out
}

// pageLimit remembers the list_proposals limit that last fit, so that a
// bot whose pages are too large at 100 does not pay the refused queries
// on every poll. Every probeEvery listings it starts one step higher again,
// so the limit recovers once the ballots shrink (proposals settle).
type pageLimit struct {
	mu       sync.Mutex
	fits     uint32 // 0: nothing refused yet
	listings int
}

const probeEvery = 16

// start is the limit a listing of at most max per page starts with.
func (l *pageLimit) start(max uint32) uint32 {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.fits == 0 || l.fits >= max {
		return max
	}
	l.listings++
	if l.listings%probeEvery == 0 {
		return min(2*l.fits, max)
	}
	return l.fits
}

// done records the limit a listing ended with.
func (l *pageLimit) done(limit, max uint32) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if limit >= max {
		l.fits = 0
		return
	}
	l.fits = limit
}
