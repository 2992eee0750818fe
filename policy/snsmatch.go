package policy

import (
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/votebot/votebot/sns"
)

// snsAction is a native SNS action kind and the function id its proposals carry.
type snsAction struct {
	kind ActionKind
	id   uint64
}

// snsActions are the native SNS actions a rule can name: every native function, and the
// extension ones (whose topic the extension sets). ExecuteGenericNervousSystemFunction is not
// among them: its proposals carry the DAO's own function, matched by its id.
func snsActions() []snsAction {
	var out []snsAction
	for _, f := range sns.NativeFunctions() {
		out = append(out, snsAction{ActionKind(f.Name), f.ID})
	}
	return append(out, snsAction{"ExecuteExtensionOperation", sns.FunctionExecuteExtensionOperation},
		snsAction{"UpgradeExtension", sns.FunctionUpgradeExtension})
}

// SNSActionKinds lists the native SNS action kinds a rule can match
// (SNSProposal.ActionName of a native proposal).
func SNSActionKinds() []ActionKind {
	var out []ActionKind
	for _, a := range snsActions() {
		out = append(out, a.kind)
	}
	return out
}

// ParseSNSActionKind accepts a native SNS action name as ParseActionKind
// does ("transfer_sns_treasury_funds", "TransferSnsTreasuryFunds").
func ParseSNSActionKind(s string) (ActionKind, error) {
	key := normalize(s)
	for _, a := range snsActions() {
		if normalize(string(a.kind)) == key {
			return a.kind, nil
		}
	}
	return "", fmt.Errorf("unknown SNS action %q (a DAO's own function is matched by its id, in functions)", s)
}

// snsActionID is the function id of a native SNS action kind.
func snsActionID(k ActionKind) (uint64, bool) {
	for _, a := range snsActions() {
		if a.kind == k {
			return a.id, true
		}
	}
	return 0, false
}

// hasNNS reports whether m has a condition only an NNS proposal can meet.
func (m Match) hasNNS() bool {
	return len(m.Topics) > 0 || len(m.Actions) > 0 || len(m.NnsFunctions) > 0 ||
		len(m.Proposers) > 0 || len(m.ProposerNames) > 0
}

// OnlySNS reports whether m has a condition only an SNS proposal can meet:
// it never matches an NNS proposal.
func (m Match) OnlySNS() bool { return m.hasSNS() }

// OnlyNNS reports whether m has a condition only an NNS proposal can meet:
// it never matches an SNS proposal.
func (m Match) OnlyNNS() bool { return m.hasNNS() }

// hasSNS reports whether m has a condition only an SNS proposal can meet.
func (m Match) hasSNS() bool {
	return len(m.SNSTopics) > 0 || len(m.Functions) > 0 || len(m.SNSActions) > 0 || len(m.SNSProposers) > 0
}

// explainSNS matches m's SNS conditions against sp and says what matched.
func (m Match) explainSNS(sp SNSProposal) ([]string, bool) {
	var parts []string
	if len(m.SNSTopics) > 0 {
		if !slices.Contains(m.SNSTopics, sp.Topic) {
			return nil, false
		}
		parts = append(parts, "sns topic "+sp.Topic.String())
	}
	if len(m.Functions) > 0 {
		if !slices.Contains(m.Functions, sp.FunctionID) {
			return nil, false
		}
		parts = append(parts, "function "+strconv.FormatUint(sp.FunctionID, 10))
	}
	if len(m.SNSActions) > 0 {
		if !slices.Contains(m.SNSActions, ActionKind(sp.ActionName)) {
			return nil, false
		}
		parts = append(parts, "sns action "+sp.ActionName)
	}
	if len(m.SNSProposers) > 0 {
		if sp.Proposer == "" || !slices.ContainsFunc(m.SNSProposers, func(id string) bool { return strings.EqualFold(id, sp.Proposer) }) {
			return nil, false
		}
		parts = append(parts, "sns proposer "+shortHex(sp.Proposer))
	}
	return parts, true
}

// shortHex is the start of a neuron's hex id, as votebot shows SNS neurons (sns.FormatShortID).
func shortHex(id string) string {
	if len(id) > 16 {
		return strings.ToLower(id[:16])
	}
	return strings.ToLower(id)
}

// snsNeverReasons lists SNS conditions no proposal can satisfy.
func (m Match) snsNeverReasons() []Problem {
	var out []Problem
	if m.hasNNS() && m.hasSNS() {
		out = append(out, Problem{m.firstSNSField(), "can never match: " + m.firstNNSField() +
			" is an NNS condition and " + m.firstSNSField() + " an SNS one: no proposal is both"})
	}
	for i, t := range m.SNSTopics {
		if t != sns.TopicUnspecified && !t.Known() {
			out = append(out, Problem{"sns_topics[" + strconv.Itoa(i) + "]", "can never match: no SNS topic " + t.String()})
		}
	}
	for i, id := range m.Functions {
		at := "functions[" + strconv.Itoa(i) + "]"
		switch f, native := sns.NativeFunctionByID(id); {
		case id == 0:
			out = append(out, Problem{at, "can never match: SNS function ids start at 1"})
		case id == sns.FunctionExecuteGenericNervousSystemFunction:
			out = append(out, Problem{at, fmt.Sprintf("can never match: a proposal of a DAO's own function carries that function's id (%d or more), not %d",
				sns.FirstCustomFunction, id)})
		case native && len(m.SNSTopics) > 0 && !slices.Contains(m.SNSTopics, f.Topic):
			out = append(out, Problem{at, fmt.Sprintf("can never match: function %d (%s) is on topic %s, not in sns_topics", id, f.Name, f.Topic)})
		}
	}
	for i, k := range m.SNSActions {
		at := "sns_actions[" + strconv.Itoa(i) + "]"
		id, ok := snsActionID(k)
		if !ok {
			out = append(out, Problem{at, "can never match: no native SNS action " + strconv.Quote(string(k))})
			continue
		}
		if len(m.Functions) > 0 && !slices.Contains(m.Functions, id) {
			out = append(out, Problem{at, fmt.Sprintf("can never match: %s is function %d, not in functions", k, id)})
		} else if f, native := sns.NativeFunctionByID(id); native && len(m.SNSTopics) > 0 && !slices.Contains(m.SNSTopics, f.Topic) {
			out = append(out, Problem{at, fmt.Sprintf("can never match: %s is on topic %s, not in sns_topics", k, f.Topic)})
		}
	}
	for i, id := range m.SNSProposers {
		if b, err := hex.DecodeString(id); err != nil || len(b) != sns.NeuronIDLen {
			out = append(out, Problem{"sns_proposers[" + strconv.Itoa(i) + "]", "can never match: not an SNS neuron id (64 hex digits)"})
		}
	}
	return out
}

// firstNNSField and firstSNSField name a condition of each governance, as the file writes it.
func (m Match) firstNNSField() string {
	switch {
	case len(m.Topics) > 0:
		return "topics"
	case len(m.Actions) > 0:
		return "actions"
	case len(m.NnsFunctions) > 0:
		return "nns_functions"
	}
	return "proposers"
}

func (m Match) firstSNSField() string {
	switch {
	case len(m.SNSTopics) > 0:
		return "sns_topics"
	case len(m.Functions) > 0:
		return "functions"
	case len(m.SNSActions) > 0:
		return "sns_actions"
	}
	return "sns_proposers"
}
