package daemon

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/console"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
	"github.com/votebot/votebot/sns"
	"github.com/votebot/votebot/store"
)

// consoleLane is one governance as the console and the Telegram buttons
// see it: the NNS (Root "") or an SNS lane, each with its own loop and its
// own store, where its overrides are kept under its own proposal and
// neuron numbers.
type consoleLane struct {
	Root, DAO string
	Bot       *bot.Bot
	Store     *store.Store
	// read reads a proposal the last pass did not see; nil: such a
	// decision waits for the next poll to list the proposal.
	read func(ctx context.Context, id uint64) (*policy.Proposal, error)
}

// prefix names an SNS in a message ("OpenChat "), nothing for the NNS.
func (l consoleLane) prefix() string {
	if l.Root == "" {
		return ""
	}
	return l.DAO + " "
}

// neuronText is a neuron as the lane's people know it: an SNS neuron by
// its short id's 16 hex digits.
func (l consoleLane) neuronText(id uint64) string {
	if l.Root == "" {
		return strconv.FormatUint(id, 10)
	}
	return sns.FormatShortID(id)
}

// nnsLane is the NNS: the App's own loop and store.
func (a *App) nnsLane() consoleLane {
	return consoleLane{Bot: a.Bot, Store: a.Store,
		read: func(ctx context.Context, id uint64) (*policy.Proposal, error) {
			return AgentGov{C: a.Governance(), Now: a.opts.Now}.Proposal(ctx, id)
		}}
}

// consoleLanes are the NNS, then every running SNS lane.
func (a *App) consoleLanes() []consoleLane {
	return append([]consoleLane{a.nnsLane()}, a.snsConsoleLanes()...)
}

// snsConsoleLanes are the running SNS lanes.
func (a *App) snsConsoleLanes() []consoleLane {
	lanes := a.Lanes()
	out := make([]consoleLane, 0, len(lanes))
	for _, l := range lanes {
		out = append(out, consoleLane{Root: l.Root, DAO: l.Governance, Bot: l.Bot, Store: l.Store,
			read: func(ctx context.Context, id uint64) (*policy.Proposal, error) {
				return l.governance().Proposal(ctx, id)
			}})
	}
	return out
}

// consoleLane is the lane a console path names by its root ("" : the NNS).
func (a *App) consoleLane(root string) (consoleLane, error) {
	if root == "" {
		return a.nnsLane(), nil
	}
	for _, l := range a.snsConsoleLanes() {
		if l.Root == root {
			return l, nil
		}
	}
	return consoleLane{}, fmt.Errorf("SNS %s: votebot votes no neuron there: %w", root, console.ErrNotFound)
}

// laneOfGovernance is the lane a Telegram button names: "" for the NNS,
// else alert.GovernanceTag of the DAO's name.
func (a *App) laneOfGovernance(tag string) (consoleLane, error) {
	if tag == "" {
		return a.nnsLane(), nil
	}
	for _, l := range a.snsConsoleLanes() {
		if alert.GovernanceTag(l.DAO) == tag || strings.EqualFold(l.DAO, tag) || l.Root == tag {
			return l, nil
		}
	}
	return consoleLane{}, fmt.Errorf("the DAO of this button: votebot no longer votes there: %w", alert.ErrProposalNotOpen)
}

// DecideIn is Decide on a proposal of the governance tag names (see
// laneOfGovernance): the Telegram buttons' path.
func (a *App) DecideIn(ctx context.Context, tag string, proposal, neuron uint64, v nns.Vote, via string) error {
	l, err := a.laneOfGovernance(tag)
	if err != nil {
		return err
	}
	return a.decideIn(ctx, l, proposal, neuron, v, via)
}
