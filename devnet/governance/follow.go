package governance

import (
	"math"

	"github.com/aviate-labs/agent-go/principal"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/rewards"
)

// follow is manage_neuron's Follow: checks in the canister's order, then
// replace the topic's followees (an empty list removes them) and refresh.
func (c *Canister) follow(n *neuron, caller principal.Principal, topic int32, followees []nns.NeuronId, now uint64) *nns.GovernanceError {
	if gerr := c.checkFollow(n, caller, topic, len(followees)); gerr != nil {
		return gerr
	}
	c.setFollowees(n, nns.Topic(topic), ids(followees))
	n.refreshedS = now
	c.noteRefresh(n)
	return nil
}

func (c *Canister) checkFollow(n *neuron, caller principal.Principal, topic int32, count int) *nns.GovernanceError {
	if nns.Topic(topic) == nns.TopicNeuronManagement && !n.isController(caller) {
		return nns.NewGovernanceError(nns.ErrorTypeNotAuthorized,
			"Caller is not authorized to manage following of neuron for the ManageNeuron topic.")
	}
	if !n.isAuthorized(caller) {
		return nns.NewGovernanceError(nns.ErrorTypeNotAuthorized, "Caller is not authorized to manage following of neuron.")
	}
	if count > maxFollowees {
		return nns.NewGovernanceError(nns.ErrorTypeInvalidCommand, "Too many followees.")
	}
	if !nns.Topic(topic).Known() {
		return nns.NewGovernanceError(nns.ErrorTypeInvalidCommand, "Not a known topic number.")
	}
	return nil
}

// setFollowing is manage_neuron's SetFollowing: every topic is checked
// before any is changed, so the command applies entirely or not at all.
func (c *Canister) setFollowing(n *neuron, caller principal.Principal, sf *nns.SetFollowing, now uint64) *nns.GovernanceError {
	var list []nns.FolloweesForTopic
	if sf.TopicFollowing != nil {
		list = *sf.TopicFollowing
	}
	seen := map[int32]bool{}
	for _, f := range list {
		if f.Topic == nil {
			return nns.NewGovernanceError(nns.ErrorTypeInvalidCommand, "SetFollowing: a topic is missing.")
		}
		if seen[*f.Topic] {
			return nns.NewGovernanceError(nns.ErrorTypeInvalidCommand, "SetFollowing: topic %d appears more than once.", *f.Topic)
		}
		seen[*f.Topic] = true
		count := 0
		if f.Followees != nil {
			count = len(*f.Followees)
		}
		if gerr := c.checkFollow(n, caller, *f.Topic, count); gerr != nil {
			return gerr
		}
	}
	for _, f := range list {
		var fs []uint64
		if f.Followees != nil {
			fs = ids(*f.Followees)
		}
		c.setFollowees(n, nns.Topic(*f.Topic), fs)
	}
	n.refreshedS = now
	c.noteRefresh(n)
	return nil
}

func ids(ns []nns.NeuronId) []uint64 {
	out := make([]uint64, len(ns))
	for i, n := range ns {
		out[i] = n.Id
	}
	return out
}

// configure is manage_neuron's Configure: controller only.
func (c *Canister) configure(n *neuron, caller principal.Principal, cfg *nns.Configure, now uint64) *nns.GovernanceError {
	if !n.isController(caller) {
		return notAuthorizedToManage(caller, n)
	}
	op := cfg.Operation
	switch {
	case op == nil:
		return nns.NewGovernanceError(nns.ErrorTypeInvalidCommand, "Configure must have an operation.")
	case op.AddHotKey != nil:
		return c.addHotKey(n, op.AddHotKey.NewHotKey)
	case op.RemoveHotKey != nil:
		return c.removeHotKey(n, op.RemoveHotKey.HotKeyToRemove)
	case op.IncreaseDissolveDelay != nil:
		c.increaseDissolveDelay(n, uint64(op.IncreaseDissolveDelay.AdditionalDissolveDelaySeconds), now)
		return nil
	case op.StartDissolving != nil:
		if n.state(now) != nns.NeuronStateNotDissolving {
			return nns.NewGovernanceError(nns.ErrorTypeRequiresNotDissolving, "Neuron must be non-dissolving to start dissolving.")
		}
		n.dissolving, n.whenDissolvedS, n.agingSinceS = true, now+n.dissolveDelayS, math.MaxUint64
		return nil
	case op.StopDissolving != nil:
		if n.state(now) != nns.NeuronStateDissolving {
			return nns.NewGovernanceError(nns.ErrorTypeRequiresDissolving, "Neuron must be dissolving to stop dissolving.")
		}
		n.dissolving, n.dissolveDelayS, n.agingSinceS = false, n.whenDissolvedS-now, now
		return nil
	}
	return nns.NewGovernanceError(nns.ErrorTypeInvalidCommand, "The devnet does not support this Configure operation.")
}

func (c *Canister) addHotKey(n *neuron, p *principal.Principal) *nns.GovernanceError {
	switch {
	case p == nil:
		return nns.NewGovernanceError(nns.ErrorTypeInvalidCommand, "Operation AddHotKey requires the hot key to add to be specified in the input")
	case n.isAuthorized(*p) && !n.isController(*p):
		return nns.NewGovernanceError(nns.ErrorTypeHotKey, "Hot key duplicated.")
	case len(n.hotkeys) >= maxHotKeys:
		return nns.NewGovernanceError(nns.ErrorTypePreconditionFailed, "Reached the maximum number of hotkeys.")
	}
	n.hotkeys = append(n.hotkeys, *p)
	c.indexPrincipal(n, *p)
	return nil
}

// RemoveHotKey removes a hotkey from a neuron without a caller check
// (admin API).
func (c *Canister) RemoveHotKey(id uint64, p principal.Principal) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	n, gerr := c.lookupNeuron(id)
	if gerr != nil {
		return gerr
	}
	if gerr := c.removeHotKey(n, &p); gerr != nil {
		return gerr
	}
	return nil
}

func (c *Canister) removeHotKey(n *neuron, p *principal.Principal) *nns.GovernanceError {
	if p == nil {
		return nns.NewGovernanceError(nns.ErrorTypeInvalidCommand, "Operation RemoveHotKey requires the hot key to remove to be specified in the input")
	}
	for i, h := range n.hotkeys {
		if h.Equal(*p) {
			n.hotkeys = append(n.hotkeys[:i:i], n.hotkeys[i+1:]...)
			c.unindexPrincipal(n, *p)
			return nil
		}
	}
	return nns.NewGovernanceError(nns.ErrorTypeInvalidCommand, "Remove failed: Hot key not found.")
}

// increaseDissolveDelay adds to the delay, capped at the regime's maximum;
// a dissolved neuron becomes non-dissolving with the added delay.
func (c *Canister) increaseDissolveDelay(n *neuron, add, now uint64) {
	maxDelay := c.cfg.Economics.MaxDissolveDelaySeconds
	if maxDelay == 0 {
		maxDelay = 8 * rewards.YearSeconds
	}
	switch n.state(now) {
	case nns.NeuronStateDissolving:
		n.whenDissolvedS = now + min(n.whenDissolvedS-now+add, maxDelay)
	case nns.NeuronStateDissolved:
		n.dissolving, n.dissolveDelayS, n.agingSinceS = false, min(add, maxDelay), now
	default:
		n.dissolveDelayS = min(n.dissolveDelayS+add, maxDelay)
	}
}
