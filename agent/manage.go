package agent

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/aviate-labs/agent-go/candid"

	"github.com/votebot/votebot/nns"
)

// maxFolloweesPerTopic is the canister's limit.
const maxFolloweesPerTopic = 15

// hotkeyCommand is the only set of manage_neuron commands this package can
// build: what a hotkey may do and a voting bot needs. Commands that move
// funds or change controller-only settings (Disburse, Split, Spawn,
// Configure, ...) have no field here, so no code path can send them.
type hotkeyCommand struct {
	registerVote       *nns.RegisterVote
	follow             *nns.Follow
	setFollowing       *nns.SetFollowing
	refreshVotingPower *nns.RefreshVotingPower
}

func (c hotkeyCommand) request(neuronID uint64) nns.ManageNeuronRequest {
	return nns.ManageNeuronRequest{
		NeuronIdOrSubaccount: &nns.NeuronIdOrSubaccount{NeuronId: &nns.NeuronId{Id: neuronID}},
		Command: &nns.ManageNeuronCommandRequest{
			RegisterVote:       c.registerVote,
			Follow:             c.follow,
			SetFollowing:       c.setFollowing,
			RefreshVotingPower: c.refreshVotingPower,
		},
	}
}

// RegisterVote casts vote (Yes or No) for neuronID on proposalID. A ballot
// already filled (also through following) is a *GovernanceError matching
// ErrAlreadyVoted. Retrying after a lost reply is safe for the same reason.
func (g *Governance) RegisterVote(ctx context.Context, neuronID, proposalID uint64, vote nns.Vote) error {
	if vote != nns.VoteYes && vote != nns.VoteNo {
		return fmt.Errorf("register vote: vote must be Yes or No, not %s", vote)
	}
	cmd := hotkeyCommand{registerVote: &nns.RegisterVote{Vote: int32(vote), Proposal: &nns.ProposalId{Id: proposalID}}}
	return g.manage(ctx, neuronID, "RegisterVote", cmd, func(c *nns.Command1) bool { return c.RegisterVote != nil })
}

// Follow sets neuronID's followees on one topic (empty clears it). Following
// on NeuronManagement is controller-only and refused here.
func (g *Governance) Follow(ctx context.Context, neuronID uint64, topic nns.Topic, followees []uint64) error {
	if err := checkFollowees(topic, followees); err != nil {
		return fmt.Errorf("follow: %w", err)
	}
	cmd := hotkeyCommand{follow: &nns.Follow{Topic: int32(topic), Followees: neuronIDs(followees)}}
	return g.manage(ctx, neuronID, "Follow", cmd, func(c *nns.Command1) bool { return c.Follow != nil })
}

// SetFollowing sets the followees of several topics in one command; topics
// not in the map are left as they are.
func (g *Governance) SetFollowing(ctx context.Context, neuronID uint64, following map[nns.Topic][]uint64) error {
	if len(following) == 0 {
		return errors.New("set following: no topics given")
	}
	topics := make([]nns.Topic, 0, len(following))
	for t := range following {
		topics = append(topics, t)
	}
	slices.Sort(topics)
	list := make([]nns.FolloweesForTopic, 0, len(topics))
	for _, t := range topics {
		if err := checkFollowees(t, following[t]); err != nil {
			return fmt.Errorf("set following: %w", err)
		}
		topic, ids := int32(t), neuronIDs(following[t])
		list = append(list, nns.FolloweesForTopic{Topic: &topic, Followees: &ids})
	}
	cmd := hotkeyCommand{setFollowing: &nns.SetFollowing{TopicFollowing: &list}}
	return g.manage(ctx, neuronID, "SetFollowing", cmd, func(c *nns.Command1) bool { return c.SetFollowing != nil })
}

// RefreshVotingPower confirms the neuron's following, resetting the
// periodic-confirmation clock.
func (g *Governance) RefreshVotingPower(ctx context.Context, neuronID uint64) error {
	cmd := hotkeyCommand{refreshVotingPower: &nns.RefreshVotingPower{}}
	return g.manage(ctx, neuronID, "RefreshVotingPower", cmd, func(c *nns.Command1) bool { return c.RefreshVotingPower != nil })
}

func checkFollowees(topic nns.Topic, followees []uint64) error {
	switch {
	case topic == nns.TopicNeuronManagement:
		return errors.New("following on NeuronManagement is controller-only; a hotkey cannot set it")
	case !topic.Known():
		return fmt.Errorf("unknown topic %d", int32(topic))
	case len(followees) > maxFolloweesPerTopic:
		return fmt.Errorf("topic %s: %d followees, at most %d allowed", topic, len(followees), maxFolloweesPerTopic)
	}
	return nil
}

func neuronIDs(ids []uint64) []nns.NeuronId {
	out := make([]nns.NeuronId, len(ids))
	for i, id := range ids {
		out[i] = nns.NeuronId{Id: id}
	}
	return out
}

// manage sends one manage_neuron update call and checks that the reply is
// the expected command's success, or turns its Error into a
// *GovernanceError.
func (g *Governance) manage(ctx context.Context, neuronID uint64, name string, cmd hotkeyCommand, ok func(*nns.Command1) bool) error {
	label := "manage_neuron." + name
	vote := cmd.registerVote != nil && cmd.follow == nil && cmd.setFollowing == nil &&
		cmd.refreshVotingPower == nil && cmd.registerVote.Proposal != nil
	var arg []byte
	var err error
	if vote {
		arg, err = g.voteArgs.encode(neuronID, cmd.registerVote.Proposal.Id, nns.Vote(cmd.registerVote.Vote))
	} else {
		arg, err = candid.Marshal([]any{cmd.request(neuronID)})
	}
	if err != nil {
		return fmt.Errorf("neuron %d: %s: encode argument: %w", neuronID, label, err)
	}
	reply, err := g.invoke(ctx, g.nnsCall(kindUpdate, "manage_neuron", label, arg))
	if err != nil {
		return fmt.Errorf("neuron %d: %w", neuronID, err)
	}
	if vote && g.voteArgs.isSuccess(reply) {
		return nil // byte for byte the encoding of RegisterVote's success
	}
	var resp nns.ManageNeuronResponse
	if err := g.decode(label, reply, &resp); err != nil {
		return fmt.Errorf("neuron %d: %w", neuronID, err)
	}
	switch {
	case resp.Command == nil:
		// Also a Command_1 case newer than votebot: the opt rule drops it.
		return &DecodeError{Method: label, Field: "command", Err: errors.New("missing, or a kind votebot does not know")}
	case resp.Command.Error != nil:
		return fmt.Errorf("neuron %d: %w", neuronID, newGovernanceError(label, resp.Command.Error))
	case !ok(resp.Command):
		return &DecodeError{Method: label, Field: "command", Err: fmt.Errorf("reply is not %s", name)}
	}
	return nil
}
