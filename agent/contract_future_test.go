package agent

import (
	"reflect"
	"slices"
	"testing"

	"github.com/votebot/votebot/agent/internal/candidfast"
	"github.com/votebot/votebot/nns"
)

// The forward-compatibility fixtures: one value with a tag votebot does not
// know is dropped (or marked unknown), everything else is intact.
func init() {
	for name, c := range futureCases {
		contractCases[name] = c
	}
}

var futureCases = map[string]contractCase{
	"future_action": {"list_proposals", proposalsType, func(t *testing.T, out any, drops []candidfast.Drop) {
		wantDrops(t, drops, candidfast.Drop{GoType: "nns.Action", Tag: futureTag("SomeFutureAction")})
		checkThree(t, proposals(out), func(p nns.ProposalInfo) {
			if tag, unknown := p.Proposal.Action.UnknownTag(); !unknown || tag != futureTag("SomeFutureAction") || p.Proposal.Action.Kind() != nns.ActionUnknown {
				t.Errorf("proposal 2 action %+v, want unknown", p.Proposal.Action)
			}
		})
	}},
	"future_action_batch": {"list_proposals", proposalsType, func(t *testing.T, out any, drops []candidfast.Drop) {
		wantDrops(t, drops)
		checkThree(t, proposals(out), func(p nns.ProposalInfo) {
			if p.Proposal.Action.Kind() != "Batch" {
				t.Errorf("proposal 2 action %q, want Batch", p.Proposal.Action.Kind())
			}
		})
	}},
	"future_action_get_proposal_info": {"get_proposal_info", reflect.TypeFor[*nns.ProposalInfo](), func(t *testing.T, out any, drops []candidfast.Drop) {
		wantDrops(t, drops, candidfast.Drop{GoType: "nns.Action", Tag: futureTag("SomeFutureAction")})
		if p := *out.(**nns.ProposalInfo); p == nil || p.Id.Id != 2 || p.Proposal.Action.Kind() != nns.ActionUnknown {
			t.Errorf("proposal %+v", p)
		}
	}},
	"future_command_in_manage_neuron_action": {"list_proposals", proposalsType, func(t *testing.T, out any, drops []candidfast.Drop) {
		wantDrops(t, drops, candidfast.Drop{GoType: "nns.Command", Tag: futureTag("SomeFutureManageCommand")})
		checkThree(t, proposals(out), func(p nns.ProposalInfo) {
			if m := p.Proposal.Action.ManageNeuron; m == nil || m.Id.Id != 5 || m.Command != nil {
				t.Errorf("proposal 2 action %+v, want ManageNeuron without command", p.Proposal.Action)
			}
		})
	}},
	"future_success_value": {"list_proposals", proposalsType, func(t *testing.T, out any, drops []candidfast.Drop) {
		wantDrops(t, drops, candidfast.Drop{GoType: "nns.SuccessfulProposalExecutionValue", Tag: futureTag("SomeFutureValue")})
		ps := proposals(out)
		if s := ps[0].SuccessValue; s == nil || s.CreateCanisterAndInstallCode == nil || !s.CreateCanisterAndInstallCode.CanisterId.Equal(fixturePrincipal) {
			t.Errorf("proposal 3 success value %+v", s)
		}
		checkThree(t, ps, func(p nns.ProposalInfo) {
			if p.SuccessValue != nil || p.Proposal.Action.Motion.MotionText != "second" {
				t.Errorf("proposal 2: success value %+v, action %+v", p.SuccessValue, p.Proposal.Action)
			}
		})
	}},
	"future_topic_known_neurons": {"list_known_neurons", reflect.TypeFor[nns.ListKnownNeuronsResponse](), func(t *testing.T, out any, drops []candidfast.Drop) {
		wantDrops(t, drops, candidfast.Drop{GoType: "nns.TopicToFollow", Tag: futureTag("SomeFutureTopic")})
		k := out.(*nns.ListKnownNeuronsResponse).KnownNeurons
		if len(k) != 2 || k[0].KnownNeuronData.Name != "known 21" || k[1].KnownNeuronData.Name != "known 22" {
			t.Fatalf("known neurons %+v", k)
		}
		if got := topicNames(k[0].KnownNeuronData); !slices.Equal(got, []string{"Governance", "", "CatchAll"}) {
			t.Errorf("known 21 topics %q", got)
		}
		if got := topicNames(k[1].KnownNeuronData); !slices.Equal(got, []string{"Kyc"}) {
			t.Errorf("known 22 topics %q", got)
		}
	}},
	"future_topic_in_neuron": {"list_neurons", neuronsType, func(t *testing.T, out any, drops []candidfast.Drop) {
		wantDrops(t, drops, candidfast.Drop{GoType: "nns.TopicToFollow", Tag: futureTag("SomeFutureTopic")})
		checkNeurons(t, out.(*nns.ListNeuronsResponse).FullNeurons, []string{"Governance", "", "CatchAll"})
	}},
	"future_dissolve_state": {"list_neurons", neuronsType, func(t *testing.T, out any, drops []candidfast.Drop) {
		wantDrops(t, drops, candidfast.Drop{GoType: "nns.DissolveState", Tag: futureTag("SomeFutureDissolveState")})
		ns := out.(*nns.ListNeuronsResponse).FullNeurons
		checkNeurons(t, ns, topicNames(ns[0].KnownNeuronData))
		if ns[1].DissolveState != nil {
			t.Errorf("neuron 12 dissolve state %+v, want none", ns[1].DissolveState)
		}
	}},
	"future_dissolve_state_get_full_neuron": {"get_full_neuron", reflect.TypeFor[nns.FullNeuronResult](), func(t *testing.T, out any, drops []candidfast.Drop) {
		wantDrops(t, drops, candidfast.Drop{GoType: "nns.DissolveState", Tag: futureTag("SomeFutureDissolveState")})
		if n := out.(*nns.FullNeuronResult).Ok; n == nil || n.Id.Id != 13 || n.DissolveState != nil || n.CachedNeuronStakeE8s != 500_000_013 {
			t.Errorf("neuron %+v", n)
		}
	}},
	"future_command": {"manage_neuron", manageType, func(t *testing.T, out any, drops []candidfast.Drop) {
		wantDrops(t, drops, candidfast.Drop{GoType: "nns.Command1", Tag: futureTag("SomeFutureCommand")})
		if c := out.(*nns.ManageNeuronResponse).Command; c != nil {
			t.Errorf("command %+v, want none", c)
		}
	}},
}
