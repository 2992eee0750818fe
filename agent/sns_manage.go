package agent

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/aviate-labs/agent-go/candid"

	"github.com/votebot/votebot/sns"
)

// snsHotkeyCommand is the only set of SNS manage_neuron commands this
// package can build: what a Vote permission allows and a voting bot needs.
// Commands that move funds or change permissions have no field here, so no
// code path can send them, whatever the hotkey holds.
type snsHotkeyCommand struct {
	registerVote *sns.RegisterVote
	setFollowing *sns.SetFollowing
}

// RegisterVote casts vote (sns.VoteYes or sns.VoteNo) for the neuron on
// proposalID. A ballot already filled (also through following) is an
// *SNSGovernanceError matching ErrAlreadyVoted; any refusal matches
// IsRefused.
func (s *SNSGovernance) RegisterVote(ctx context.Context, neuronID []byte, proposalID uint64, vote int32) error {
	if vote != sns.VoteYes && vote != sns.VoteNo {
		return fmt.Errorf("sns register vote: vote must be Yes (1) or No (2), not %d", vote)
	}
	cmd := snsHotkeyCommand{registerVote: &sns.RegisterVote{Vote: vote, Proposal: &sns.ProposalId{Id: proposalID}}}
	return s.manage(ctx, neuronID, "RegisterVote", cmd, func(c *sns.CommandResponse) bool { return c.RegisterVote != nil })
}

// SetFollowing sets the neuron's followees on each topic in following (an
// empty list clears one); topics not in the map are left as they are.
func (s *SNSGovernance) SetFollowing(ctx context.Context, neuronID []byte, following map[sns.TopicID][][]byte) error {
	if len(following) == 0 {
		return errors.New("sns set following: no topics given")
	}
	topics := make([]sns.TopicID, 0, len(following))
	for t := range following {
		if !t.Known() {
			return fmt.Errorf("sns set following: unknown topic %d", int32(t))
		}
		topics = append(topics, t)
	}
	slices.Sort(topics)
	list := make([]sns.FolloweesForTopic, 0, len(topics))
	for _, t := range topics {
		fs := make([]sns.Followee, 0, len(following[t]))
		for _, id := range following[t] {
			if len(id) != sns.NeuronIDLen {
				return fmt.Errorf("sns set following: topic %s: followee id of %d bytes, want %d", t, len(id), sns.NeuronIDLen)
			}
			fs = append(fs, sns.Followee{NeuronId: &sns.NeuronId{Id: id}})
		}
		list = append(list, sns.FolloweesForTopic{Topic: sns.TopicOf(t), Followees: fs})
	}
	cmd := snsHotkeyCommand{setFollowing: &sns.SetFollowing{TopicFollowing: list}}
	return s.manage(ctx, neuronID, "SetFollowing", cmd, func(c *sns.CommandResponse) bool { return c.SetFollowing != nil })
}

// manage sends one manage_neuron update call and checks that the reply is
// the expected command's success, or turns its Error into an
// *SNSGovernanceError.
func (s *SNSGovernance) manage(ctx context.Context, neuronID []byte, name string, cmd snsHotkeyCommand, ok func(*sns.CommandResponse) bool) error {
	label := "sns.manage_neuron." + name
	if len(neuronID) != sns.NeuronIDLen {
		return fmt.Errorf("%s: neuron id of %d bytes, want %d", label, len(neuronID), sns.NeuronIDLen)
	}
	neuron := sns.NeuronIDHex(neuronID)
	req := sns.ManageNeuron{Subaccount: neuronID, Command: &sns.Command{RegisterVote: cmd.registerVote, SetFollowing: cmd.setFollowing}}
	arg, err := candid.Marshal([]any{req})
	if err != nil {
		return fmt.Errorf("neuron %s: %s: encode argument: %w", neuron, label, err)
	}
	c := s.call(kindUpdate, "manage_neuron", "manage_neuron."+name)
	c.arg = arg
	reply, err := s.g.invoke(ctx, c)
	if err != nil {
		return fmt.Errorf("neuron %s: %w", neuron, err)
	}
	var resp sns.ManageNeuronResponse
	if err := s.g.decode(label, reply, &resp); err != nil {
		return fmt.Errorf("neuron %s: %w", neuron, err)
	}
	switch {
	case resp.Command == nil:
		// Also a Command_1 case newer than votebot: the opt rule drops it.
		return &DecodeError{Method: label, Field: "command", Err: errors.New("missing, or a kind votebot does not know")}
	case resp.Command.Error != nil:
		return fmt.Errorf("neuron %s: %w", neuron, s.govError(label, resp.Command.Error))
	case !ok(resp.Command):
		return &DecodeError{Method: label, Field: "command", Err: fmt.Errorf("reply is not %s", name)}
	}
	return nil
}
