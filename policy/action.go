package policy

import (
	"fmt"
	"strings"

	"github.com/votebot/votebot/nns"
)

// ActionKind is the name of a proposal's Action variant, as in the
// governance Candid interface (e.g. "Motion", "ExecuteNnsFunction").
type ActionKind string

// The Action variants of NNS governance proposals.
const (
	ActionMotion                        ActionKind = "Motion"
	ActionExecuteNnsFunction            ActionKind = "ExecuteNnsFunction"
	ActionInstallCode                   ActionKind = "InstallCode"
	ActionUpdateCanisterSettings        ActionKind = "UpdateCanisterSettings"
	ActionStopOrStartCanister           ActionKind = "StopOrStartCanister"
	ActionManageNeuron                  ActionKind = "ManageNeuron"
	ActionManageNetworkEconomics        ActionKind = "ManageNetworkEconomics"
	ActionRewardNodeProvider            ActionKind = "RewardNodeProvider"
	ActionRewardNodeProviders           ActionKind = "RewardNodeProviders"
	ActionAddOrRemoveNodeProvider       ActionKind = "AddOrRemoveNodeProvider"
	ActionApproveGenesisKyc             ActionKind = "ApproveGenesisKyc"
	ActionSetDefaultFollowees           ActionKind = "SetDefaultFollowees"
	ActionRegisterKnownNeuron           ActionKind = "RegisterKnownNeuron"
	ActionDeregisterKnownNeuron         ActionKind = "DeregisterKnownNeuron"
	ActionCreateServiceNervousSystem    ActionKind = "CreateServiceNervousSystem"
	ActionOpenSnsTokenSwap              ActionKind = "OpenSnsTokenSwap"
	ActionSetSnsTokenSwapOpenTimeWindow ActionKind = "SetSnsTokenSwapOpenTimeWindow"
	ActionFulfillSubnetRentalRequest    ActionKind = "FulfillSubnetRentalRequest"
	ActionBatch                         ActionKind = "Batch"
	// ActionUnknown is a proposal whose action votebot cannot decode (a kind
	// newer than this build): rules can match it, e.g. to vote manually.
	ActionUnknown ActionKind = ActionKind(nns.ActionUnknown)
)

// ActionKinds lists every known action kind.
func ActionKinds() []ActionKind {
	return []ActionKind{ActionMotion, ActionExecuteNnsFunction, ActionInstallCode,
		ActionUpdateCanisterSettings, ActionStopOrStartCanister, ActionManageNeuron,
		ActionManageNetworkEconomics, ActionRewardNodeProvider, ActionRewardNodeProviders,
		ActionAddOrRemoveNodeProvider, ActionApproveGenesisKyc, ActionSetDefaultFollowees,
		ActionRegisterKnownNeuron, ActionDeregisterKnownNeuron, ActionCreateServiceNervousSystem,
		ActionOpenSnsTokenSwap, ActionSetSnsTokenSwapOpenTimeWindow, ActionFulfillSubnetRentalRequest,
		ActionBatch, ActionUnknown}
}

// ParseActionKind accepts an action kind name case-insensitively
// ("motion", "execute_nns_function" and "ExecuteNnsFunction" all work).
func ParseActionKind(s string) (ActionKind, error) {
	key := normalize(s)
	for _, k := range ActionKinds() {
		if normalize(string(k)) == key {
			return k, nil
		}
	}
	return "", fmt.Errorf("unknown action %q", s)
}

// ParseVote accepts yes or no (case-insensitive).
func ParseVote(s string) (nns.Vote, error) {
	switch normalize(s) {
	case "yes":
		return nns.VoteYes, nil
	case "no":
		return nns.VoteNo, nil
	}
	return nns.VoteUnspecified, fmt.Errorf("vote must be yes or no, not %q", s)
}

// ParseOutcome reads a rule's `vote:` value: yes, no, follow, manual or
// skip. For yes and no the outcome is OutcomeVote with that vote.
func ParseOutcome(s string) (Outcome, nns.Vote, error) {
	switch normalize(s) {
	case "yes":
		return OutcomeVote, nns.VoteYes, nil
	case "no":
		return OutcomeVote, nns.VoteNo, nil
	case "follow":
		return OutcomeFollow, nns.VoteUnspecified, nil
	case "manual":
		return OutcomeManual, nns.VoteUnspecified, nil
	case "skip":
		return OutcomeSkip, nns.VoteUnspecified, nil
	}
	return 0, nns.VoteUnspecified, fmt.Errorf("must be one of yes, no, follow, manual, skip, not %q", s)
}

func normalize(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.NewReplacer("_", "", "-", "", " ", "").Replace(s)
}

func parseEnum[T ~int](s string, names []string, what string) (T, error) {
	key := normalize(s)
	for i, n := range names {
		if normalize(n) == key {
			return T(i), nil
		}
	}
	return 0, fmt.Errorf("unknown %s %q (want one of %s)", what, s, strings.Join(names, ", "))
}
