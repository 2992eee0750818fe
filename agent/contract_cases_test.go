package agent

import (
	"reflect"
	"slices"
	"testing"

	"github.com/votebot/votebot/agent/internal/candidfast"
	"github.com/votebot/votebot/nns"
)

func proposals(out any) []nns.ProposalInfo { return out.(*nns.ListProposalInfoResponse).ProposalInfo }

// checkThree checks proposals 3, 2 and 1 as gen.mjs builds them, the middle
// one by middle.
func checkThree(t *testing.T, ps []nns.ProposalInfo, middle func(p nns.ProposalInfo)) {
	t.Helper()
	if len(ps) != 3 {
		t.Fatalf("%d proposals, want 3", len(ps))
	}
	for i, p := range ps {
		id := uint64(3 - i)
		if p.Id == nil || p.Id.Id != id || *p.Proposal.Title != "proposal "+string(rune('0'+id)) ||
			len(p.Ballots) != 1 || p.Ballots[0].NeuronId != 7 || p.Ballots[0].Ballot.VotingPower != 1000+id ||
			*p.DeadlineTimestampSeconds != 1_900_000_000+id || p.LatestTally == nil {
			t.Errorf("proposal %d: %+v", id, p)
		}
	}
	if a := ps[0].Proposal.Action; a.Motion == nil || a.Motion.MotionText != "third" {
		t.Errorf("proposal 3 action %+v", a)
	}
	if a := ps[2].Proposal.Action; a.Motion == nil || a.Motion.MotionText != "first" {
		t.Errorf("proposal 1 action %+v", a)
	}
	middle(ps[1])
}

// checkNeurons checks list_neurons' neurons 11 and 12; topics11 are neuron
// 11's committed topics (case names, "" for a dropped one).
func checkNeurons(t *testing.T, ns []nns.Neuron, topics11 []string) {
	t.Helper()
	if len(ns) != 2 || ns[0].Id.Id != 11 || ns[1].Id.Id != 12 {
		t.Fatalf("neurons %+v", ns)
	}
	for _, n := range ns {
		if n.CachedNeuronStakeE8s != 500_000_000+n.Id.Id || !n.HotKeys[0].Equal(fixturePrincipal) ||
			n.Followees[0].Topic != 4 || n.Followees[0].Followees.Followees[0].Id != 77 ||
			n.RecentBallots[0].Vote != 1 || n.RecentBallots[0].ProposalId.Id != 3 || n.KnownNeuronData.Name == "" {
			t.Errorf("neuron %d: %+v", n.Id.Id, n)
		}
	}
	if d := ns[0].DissolveState; d == nil || d.DissolveDelaySeconds == nil || *d.DissolveDelaySeconds != 15_778_800 {
		t.Errorf("neuron 11 dissolve state %+v", d)
	}
	if got := topicNames(ns[0].KnownNeuronData); !slices.Equal(got, topics11) {
		t.Errorf("neuron 11 committed topics %v, want %v", got, topics11)
	}
}

func topicNames(k *nns.KnownNeuronData) []string {
	var names []string
	for _, tt := range *k.CommittedTopics {
		set := setCases(tt)
		names = append(names, append(set, "")[0])
	}
	return names
}

var allTopics = caseNames(reflect.TypeFor[nns.TopicToFollow]())

func sortedTopics(k *nns.KnownNeuronData) []string {
	got := topicNames(k)
	slices.Sort(got)
	return got
}

var contractCases = map[string]contractCase{
	"list_proposals_3": {"list_proposals", proposalsType, func(t *testing.T, out any, drops []candidfast.Drop) {
		wantDrops(t, drops)
		checkThree(t, proposals(out), func(p nns.ProposalInfo) {
			if f := p.Proposal.Action.ExecuteNnsFunction; f == nil || f.NnsFunction != 4 || !slices.Equal(f.Payload, []byte{9}) {
				t.Errorf("proposal 2 action %+v", p.Proposal.Action)
			}
		})
		if s := everyFieldSet(proposals(out)[0]); s != "" && s != "SuccessValue" {
			t.Errorf("ProposalInfo.%s not set", s)
		}
	}},
	"list_proposals_no_action": {"list_proposals", proposalsType, func(t *testing.T, out any, drops []candidfast.Drop) {
		wantDrops(t, drops)
		if ps := proposals(out); len(ps) != 1 || ps[0].Proposal.Action != nil {
			t.Errorf("proposals %+v, want one without action", ps)
		}
	}},
	"get_proposal_info": {"get_proposal_info", reflect.TypeFor[*nns.ProposalInfo](), func(t *testing.T, out any, drops []candidfast.Drop) {
		wantDrops(t, drops)
		if p := *out.(**nns.ProposalInfo); p == nil || p.Id.Id != 9 || p.Proposal.Action.Motion.MotionText != "nine" {
			t.Errorf("proposal %+v", p)
		}
	}},
	"get_proposal_info_none": {"get_proposal_info", reflect.TypeFor[*nns.ProposalInfo](), func(t *testing.T, out any, drops []candidfast.Drop) {
		wantDrops(t, drops)
		if p := *out.(**nns.ProposalInfo); p != nil {
			t.Errorf("proposal %+v, want none", p)
		}
	}},
	"get_pending_proposals": {"get_pending_proposals", reflect.TypeFor[[]nns.ProposalInfo](), func(t *testing.T, out any, drops []candidfast.Drop) {
		wantDrops(t, drops)
		checkThree(t, *out.(*[]nns.ProposalInfo), func(nns.ProposalInfo) {})
	}},
	"list_neurons": {"list_neurons", neuronsType, func(t *testing.T, out any, drops []candidfast.Drop) {
		wantDrops(t, drops)
		r := out.(*nns.ListNeuronsResponse)
		checkNeurons(t, r.FullNeurons, topicNames(r.FullNeurons[0].KnownNeuronData))
		if got := sortedTopics(r.FullNeurons[0].KnownNeuronData); !slices.Equal(got, sorted(allTopics)) {
			t.Errorf("committed topics %v, want every TopicToFollow", got)
		}
		if w := r.FullNeurons[1].DissolveState.WhenDissolvedTimestampSeconds; w == nil || *w != 1_900_000_000 {
			t.Errorf("neuron 12 dissolve state %+v", r.FullNeurons[1].DissolveState)
		}
		for _, n := range r.FullNeurons {
			if s := everyFieldSet(n); s != "" {
				t.Errorf("neuron %d: %s not set", n.Id.Id, s)
			}
		}
		// NeuronInfo.staked_maturity_e8s_equivalent is newer than 12.1.
		if unset := everyFieldSet(r.NeuronInfos[0].Info); len(r.NeuronInfos) != 2 || r.NeuronInfos[0].NeuronId != 11 ||
			r.NeuronInfos[0].Info.StakeE8s != 42 || (unset != "" && unset != "StakedMaturityE8sEquivalent") || *r.TotalPagesAvailable != 1 {
			t.Errorf("neuron infos %+v (unset: %s)", r.NeuronInfos, everyFieldSet(r.NeuronInfos[0].Info))
		}
	}},
	"get_full_neuron": {"get_full_neuron", reflect.TypeFor[nns.FullNeuronResult](), func(t *testing.T, out any, drops []candidfast.Drop) {
		wantDrops(t, drops)
		if n := out.(*nns.FullNeuronResult).Ok; n == nil || n.Id.Id != 13 || everyFieldSet(*n) != "" {
			t.Errorf("neuron %+v", n)
		}
	}},
	"get_full_neuron_err": {"get_full_neuron", reflect.TypeFor[nns.FullNeuronResult](), func(t *testing.T, out any, drops []candidfast.Drop) {
		wantDrops(t, drops)
		if e := out.(*nns.FullNeuronResult).Err; e == nil || e.Type() != nns.ErrorTypeNotAuthorized {
			t.Errorf("error %+v", e)
		}
	}},
	"get_neuron_info": {"get_neuron_info", reflect.TypeFor[nns.NeuronInfoResult](), func(t *testing.T, out any, drops []candidfast.Drop) {
		wantDrops(t, drops)
		if n := out.(*nns.NeuronInfoResult).Ok; n == nil || n.Id.Id != 14 || n.StakeE8s != 42 {
			t.Errorf("neuron info %+v", n)
		}
	}},
	"list_known_neurons": {"list_known_neurons", reflect.TypeFor[nns.ListKnownNeuronsResponse](), func(t *testing.T, out any, drops []candidfast.Drop) {
		wantDrops(t, drops)
		k := out.(*nns.ListKnownNeuronsResponse).KnownNeurons
		if len(k) != 1 || k[0].Id.Id != 21 || k[0].KnownNeuronData.Name != "known 21" ||
			!slices.Equal(sortedTopics(k[0].KnownNeuronData), sorted(allTopics)) {
			t.Errorf("known neurons %+v", k)
		}
	}},
	"get_latest_reward_event": {"get_latest_reward_event", reflect.TypeFor[nns.RewardEvent](), func(t *testing.T, out any, drops []candidfast.Drop) {
		wantDrops(t, drops)
		if s := everyFieldSet(*out.(*nns.RewardEvent)); s != "" {
			t.Errorf("RewardEvent.%s not set", s)
		}
	}},
	"get_network_economics_parameters": {"get_network_economics_parameters", reflect.TypeFor[nns.NetworkEconomics](), func(t *testing.T, out any, drops []candidfast.Drop) {
		wantDrops(t, drops)
		if e := out.(*nns.NetworkEconomics); e.VotingPowerEconomics == nil || e.VotingPowerEconomics.ClearFollowingAfterSeconds == nil {
			t.Errorf("economics %+v", e)
		}
	}},
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
