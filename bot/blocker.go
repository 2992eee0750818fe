package bot

import (
	"fmt"
	"slices"
	"strings"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/internal/duration"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
)

// Blocker is why a configured neuron cannot vote. It is told once, for
// every ballot it affects: one alert per neuron and cause, never one per
// proposal (a neuron without the hotkey on 19 open proposals paged 19
// times for one thing to fix).
type Blocker struct {
	Neuron NeuronConfig
	// Kind is the alert it raises: KindHotkeyMissing, KindNeuronNotFound or
	// KindNeuronCannotVote.
	Kind  alert.Kind
	Cause string // what is wrong, as a sentence without a final stop
	Fix   string // what a person does about it
	// AllBallots: no ballot of the neuron can be voted (no hotkey, no such
	// neuron), so its ballots raise no alert of their own. Otherwise new
	// proposals give it no ballot, and the ballots it has can still be
	// voted (and alerted).
	AllBallots bool
	// Proposals are the open proposals it affects, by id: the ones the
	// neuron has not voted on (AllBallots), else the ones it got no
	// ballot on.
	Proposals []uint64
}

// blockerKinds are the kinds a Blocker raises; at most one fires per
// neuron and the others resolve.
var blockerKinds = []alert.Kind{alert.KindHotkeyMissing, alert.KindNeuronNotFound, alert.KindNeuronCannotVote}

// BlockerOf says why a neuron cannot vote, or nil when nothing known
// stops it: the one rule the loop's alerts, plan and doctor share.
// readable is whether the read (which succeeded) returned the neuron at
// all: one left out is one the identity may not read.
func BlockerOf(nc NeuronConfig, n Neuron, readable bool, econ *Economics, principal string, props []policy.Proposal) *Blocker {
	label := nc.Label()
	var b *Blocker
	switch {
	case readable && n.NotFound:
		b = &Blocker{Kind: alert.KindNeuronNotFound, AllBallots: true,
			Cause: fmt.Sprintf("Neuron %s does not exist: the governance canister knows no neuron with this id", label),
			Fix: "check the id in the config's neurons list (the NNS dapp shows it on the neuron's page); " +
				"a neuron that was disbursed or merged is gone: remove it from the config"}
	case (!readable || !n.Authorized) && nc.SNSID != "":
		// An SNS neuron has no controller and hotkeys: principals hold
		// permissions on it, and voting needs Vote.
		b = &Blocker{Kind: alert.KindHotkeyMissing, AllBallots: true,
			Cause: fmt.Sprintf("The bot identity %s holds no Vote permission on neuron %s: it cannot vote", principal, label),
			Fix: fmt.Sprintf("add %s as a hotkey of neuron %s in the NNS dapp (the SNS's Neurons tab; it grants Vote and "+
				"SubmitProposal, and a principal holding ManagePrincipals must do it)", principal, nc.SNSID)}
	case !readable || !n.Authorized:
		b = &Blocker{Kind: alert.KindHotkeyMissing, AllBallots: true,
			Cause: fmt.Sprintf("The bot identity %s is neither the controller nor a hotkey of neuron %s: it cannot vote", principal, label),
			Fix: fmt.Sprintf("add %s as a hotkey in the NNS dapp (Neurons → neuron %d → Hotkeys → Add hotkey; "+
				"the controller must do it) or with the icp CLI", principal, nc.ID)}
	case n.DissolveUnknown || econ == nil || econ.MinimumDissolveDelayToVote <= 0:
		return nil
	case n.State == nns.NeuronStateDissolved || n.DissolveDelay < econ.MinimumDissolveDelayToVote:
		b = &Blocker{Kind: alert.KindNeuronCannotVote,
			Cause: fmt.Sprintf("Dissolve delay %s is below the minimum %s to vote: new proposals give it no ballot",
				duration.Days(n.DissolveDelay), duration.Days(econ.MinimumDissolveDelayToVote)),
			Fix: fmt.Sprintf("increase the dissolve delay to at least %s in the NNS dapp (Neurons → neuron %d → "+
				"Increase dissolve delay; the controller must do it)", duration.Days(econ.MinimumDissolveDelayToVote), nc.ID)}
		if nc.SNSID != "" {
			b.Fix = fmt.Sprintf("increase the dissolve delay of neuron %s to at least %s in the NNS dapp (the SNS's "+
				"Neurons tab; a principal holding ConfigureDissolveState must do it)", nc.SNSID,
				duration.Days(econ.MinimumDissolveDelayToVote))
		}
		if n.State == nns.NeuronStateDissolved || n.DissolveDelay <= 0 {
			b.Cause = "Neuron " + label + " is dissolved: new proposals give it no ballot"
			b.Fix += ", or remove it from the config once disbursed"
		}
	default:
		return nil
	}
	b.Neuron = nc
	for _, p := range props {
		bal, has := p.Ballots.Get(nc.ID)
		if (b.AllBallots && (!has || bal.Vote == nns.VoteUnspecified)) || (!b.AllBallots && !has) {
			b.Proposals = append(b.Proposals, p.ID)
		}
	}
	slices.Sort(b.Proposals)
	return b
}

// blockersOf maps each configured neuron that cannot vote to its Blocker.
// state must come from a read that succeeded: a neuron missing from a
// failed read is unknown, not blocked.
func blockersOf(neurons []NeuronConfig, state map[uint64]Neuron, econ *Economics, principal string, props []policy.Proposal) map[uint64]*Blocker {
	out := map[uint64]*Blocker{}
	for _, nc := range neurons {
		n, readable := state[nc.ID]
		if b := BlockerOf(nc, n, readable, econ, principal, props); b != nil {
			out[nc.ID] = b
		}
	}
	return out
}

// blockedCount is how many neurons cannot vote at all.
func blockedCount(blockers map[uint64]*Blocker) int {
	n := 0
	for _, b := range blockers {
		if b.AllBallots {
			n++
		}
	}
	return n
}

// maxNamedProposals bounds the ids an alert lists (a page is read on a
// phone); the count says how many more.
const maxNamedProposals = 10

// affected says which open proposals a blocker affects, in words.
func (b *Blocker) affected() string {
	n := len(b.Proposals)
	if n == 0 {
		return "No open proposal is affected yet."
	}
	ids := make([]string, 0, min(n, maxNamedProposals))
	for _, id := range b.Proposals[:min(n, maxNamedProposals)] {
		ids = append(ids, fmt.Sprint(id))
	}
	list := strings.Join(ids, ", ")
	if n > maxNamedProposals {
		list += fmt.Sprintf(" and %d more", n-maxNamedProposals)
	}
	what := "unvoted"
	if !b.AllBallots {
		what = "without a ballot"
	}
	return fmt.Sprintf("%d open %s %s: %s (this alert stands for them all).", n, plural(n, "proposal", "proposals"), what, list)
}

// alert is the one alert of the blocker.
func (b *Blocker) alert() alert.Alert {
	label := b.Neuron.Label()
	a := alert.Alert{Kind: b.Kind, Severity: b.Kind.DefaultSeverity(), Neuron: b.Neuron.ID,
		Text: b.Cause + ". " + b.affected() + " Fix: " + b.Fix + "."}
	switch b.Kind {
	case alert.KindHotkeyMissing:
		a.Headline = "Hotkey missing on neuron " + label
	case alert.KindNeuronNotFound:
		a.Headline = "Neuron " + label + " does not exist"
	default:
		a.Headline = "Neuron " + label + " cannot vote"
	}
	return a
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
