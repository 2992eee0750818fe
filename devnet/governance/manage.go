package governance

import (
	"github.com/aviate-labs/agent-go/principal"
	"github.com/votebot/votebot/nns"
)

// manageNeuron is the manage_neuron update method. Command errors come back
// in Command_1.Error while the call itself succeeds, as on mainnet.
func (c *Canister) manageNeuron(caller principal.Principal, arg []byte) (any, error) {
	var req nns.ManageNeuronRequest
	if err := c.manageArgs.decode(arg, &req); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.nowS()
	c.tickLocked(now)
	result, gerr := c.manageNeuronLocked(caller, &req, now)
	if gerr != nil {
		return nns.ManageNeuronResponse{Command: &nns.Command1{Error: gerr}}, nil
	}
	return nns.ManageNeuronResponse{Command: result}, nil
}

func (c *Canister) manageNeuronLocked(caller principal.Principal, req *nns.ManageNeuronRequest, now uint64) (*nns.Command1, *nns.GovernanceError) {
	n, gerr := c.targetNeuron(req)
	if gerr != nil {
		return nil, gerr
	}
	cmd := req.Command
	if cmd == nil {
		return nil, nns.NewGovernanceError(nns.ErrorTypeInvalidCommand, "No command specified.")
	}
	switch {
	case cmd.RegisterVote != nil:
		if gerr := c.registerVote(n, caller, cmd.RegisterVote, now); gerr != nil {
			return nil, gerr
		}
		return &nns.Command1{RegisterVote: &nns.EmptyRecord{}}, nil
	case cmd.Follow != nil:
		if gerr := c.follow(n, caller, cmd.Follow.Topic, cmd.Follow.Followees, now); gerr != nil {
			return nil, gerr
		}
		return &nns.Command1{Follow: &nns.EmptyRecord{}}, nil
	case cmd.SetFollowing != nil:
		if gerr := c.setFollowing(n, caller, cmd.SetFollowing, now); gerr != nil {
			return nil, gerr
		}
		return &nns.Command1{SetFollowing: &nns.EmptyRecord{}}, nil
	case cmd.RefreshVotingPower != nil:
		if !n.isAuthorized(caller) {
			return nil, notAuthorizedToManage(caller, n)
		}
		n.refreshedS = now
		c.noteRefresh(n)
		return &nns.Command1{RefreshVotingPower: &nns.RefreshVotingPowerResponse{}}, nil
	case cmd.MakeProposal != nil:
		id, gerr := c.makeProposalCommand(n, caller, cmd.MakeProposal, now)
		if gerr != nil {
			return nil, gerr
		}
		return &nns.Command1{MakeProposal: &nns.MakeProposalResponse{ProposalId: &nns.ProposalId{Id: id}}}, nil
	case cmd.Configure != nil:
		if gerr := c.configure(n, caller, cmd.Configure, now); gerr != nil {
			return nil, gerr
		}
		return &nns.Command1{Configure: &nns.EmptyRecord{}}, nil
	}
	if !n.isController(caller) {
		return nil, notAuthorizedToManage(caller, n)
	}
	return nil, nns.NewGovernanceError(nns.ErrorTypeInvalidCommand, "The devnet does not support this command.")
}

// targetNeuron resolves neuron_id_or_subaccount (or the deprecated id).
func (c *Canister) targetNeuron(req *nns.ManageNeuronRequest) (*neuron, *nns.GovernanceError) {
	switch by := req.NeuronIdOrSubaccount; {
	case by != nil && by.NeuronId != nil:
		return c.lookupNeuron(by.NeuronId.Id)
	case by != nil && by.Subaccount != nil:
		if n := c.bySubaccount[string(*by.Subaccount)]; n != nil {
			return n, nil
		}
		return nil, nns.NewGovernanceError(nns.ErrorTypeNotFound, "Neuron not found: subaccount %x", *by.Subaccount)
	case req.Id != nil:
		return c.lookupNeuron(req.Id.Id)
	}
	return nil, nns.NewGovernanceError(nns.ErrorTypeNotFound, "No neuron ID specified in the request to manage neuron.")
}

func notAuthorizedToManage(caller principal.Principal, n *neuron) *nns.GovernanceError {
	return nns.NewGovernanceError(nns.ErrorTypeNotAuthorized,
		"Caller '%s' is not authorized to control neuron '%d'.", caller, n.id)
}

func (c *Canister) makeProposalCommand(n *neuron, caller principal.Principal, req *nns.MakeProposalRequest, now uint64) (uint64, *nns.GovernanceError) {
	if !n.isAuthorized(caller) {
		return 0, nns.NewGovernanceError(nns.ErrorTypeNotAuthorized,
			"Caller not authorized to propose on behalf of neuron %d.", n.id)
	}
	body := nns.Proposal{Url: req.Url, Title: req.Title, Summary: req.Summary}
	if a := req.Action; a != nil {
		body.Action = &nns.Action{Motion: a.Motion, ExecuteNnsFunction: a.ExecuteNnsFunction}
		if a.Motion == nil && a.ExecuteNnsFunction == nil {
			body.Action = &nns.Action{ManageNeuron: &nns.ManageNeuron{}} // unsupported below
		}
	}
	topic, gerr := proposalTopic(body.Action)
	if gerr != nil {
		return 0, gerr
	}
	return c.makeProposalLocked(n, body, topic, now)
}
