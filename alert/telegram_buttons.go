package alert

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/votebot/votebot/nns"
)

// telegramMarkup is a message's reply_markup with inline buttons.
type telegramMarkup struct {
	InlineKeyboard [][]telegramButton `json:"inline_keyboard"`
}

type telegramButton struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data"`
}

// maxCallbackData is the Bot API's limit on callback_data, in bytes.
const maxCallbackData = 64

// callbackPrefix versions the button format, so a future change can tell old buttons apart:
// vb1 is an NNS decision, vb2 one in an SNS.
const (
	callbackPrefix    = "vb1"
	callbackPrefixSNS = "vb2"
)

// decisionCallback is what one button means: vote on proposal for neuron (0: every neuron) of
// the governance Governance names: "" for the NNS, an SNS's root canister id, or, where the root
// is not known, GovernanceTag of the DAO's name.
type decisionCallback struct {
	Proposal   uint64
	Neuron     uint64
	Vote       nns.Vote
	Governance string
}

// GovernanceTag names an SNS in a button: "g" and 12 hex digits of the SHA-256 of its name,
// so a button fits Telegram's 64 bytes whatever the DAO is called, and no character of the name
// (a stranger's, from get_metadata) reaches the callback data. The receiver finds the DAO by
// computing the tag of each DAO it votes in.
func GovernanceTag(name string) string {
	sum := sha256.Sum256([]byte(name))
	return "g" + hex.EncodeToString(sum[:6])
}

// encode is "vb1:PROPOSAL:NEURON:y|n" for the NNS: at most 3+1+20+1+20+1+1 = 47 bytes, under
// the 64 allowed; "vb2:GOVERNANCE:PROPOSAL:NEURON:y|n" for an SNS, the numbers in base 36 (at
// most 13 digits each): with a root (27 characters) at most 3+1+27+1+13+1+13+1+1 = 61 bytes.
func (c decisionCallback) encode() string {
	v := "n"
	if c.Vote == nns.VoteYes {
		v = "y"
	}
	if c.Governance != "" {
		return callbackPrefixSNS + ":" + c.Governance + ":" + strconv.FormatUint(c.Proposal, 36) + ":" +
			strconv.FormatUint(c.Neuron, 36) + ":" + v
	}
	return callbackPrefix + ":" + strconv.FormatUint(c.Proposal, 10) + ":" +
		strconv.FormatUint(c.Neuron, 10) + ":" + v
}

// validTag reports whether s is what GovernanceTag writes.
func validTag(s string) bool {
	if len(s) != 13 || s[0] != 'g' {
		return false
	}
	_, err := hex.DecodeString(s[1:])
	return err == nil && strings.ToLower(s) == s
}

// parseDecisionCallback reads what encode wrote; anything else (a forged or foreign button) is
// an error.
func parseDecisionCallback(data string) (decisionCallback, error) {
	if len(data) > maxCallbackData {
		return decisionCallback{}, fmt.Errorf("callback data of %d bytes", len(data))
	}
	parts := strings.Split(data, ":")
	var c decisionCallback
	base := 10
	switch {
	case len(parts) == 4 && parts[0] == callbackPrefix:
	case len(parts) == 5 && parts[0] == callbackPrefixSNS && (validTag(parts[1]) || validRoot(parts[1])):
		c.Governance, base = parts[1], 36
		parts = []string{parts[0], parts[2], parts[3], parts[4]}
	default:
		return decisionCallback{}, fmt.Errorf("callback data %q is not a decision", data)
	}
	var err error
	if c.Proposal, err = strconv.ParseUint(parts[1], base, 64); err != nil || c.Proposal == 0 {
		return decisionCallback{}, fmt.Errorf("callback data %q: bad proposal", data)
	}
	if c.Neuron, err = strconv.ParseUint(parts[2], base, 64); err != nil {
		return decisionCallback{}, fmt.Errorf("callback data %q: bad neuron", data)
	}
	switch parts[3] {
	case "y":
		c.Vote = nns.VoteYes
	case "n":
		c.Vote = nns.VoteNo
	default:
		return decisionCallback{}, fmt.Errorf("callback data %q: bad vote", data)
	}
	return c, nil
}

// decisionKeyboard is the Yes / No row under a manual-decision alert about proposal and neuron
// (0: the alert is about every neuron, and so is the answer) of governance (the DAO's name; ""
// for the NNS), named in the button by its root when known (a root fits the 64 bytes, a name
// may not).
func decisionKeyboard(governance, root string, proposal, neuron uint64) *telegramMarkup {
	tag := ""
	switch {
	case governance == "":
	case validRoot(root) && len(root) <= 27:
		tag = root
	default:
		tag = GovernanceTag(governance)
	}
	button := func(label string, v nns.Vote) telegramButton {
		return telegramButton{Text: label,
			CallbackData: decisionCallback{Proposal: proposal, Neuron: neuron, Vote: v, Governance: tag}.encode()}
	}
	return &telegramMarkup{InlineKeyboard: [][]telegramButton{{
		button("✅ Yes", nns.VoteYes), button("❌ No", nns.VoteNo)}}}
}

// decisionText names a decision for people: "Yes on proposal 4 for neuron 42"; an SNS's
// "Yes on SNS proposal 4 for neuron 0102030405060708" (its neuron by its short id in hex; the
// message the button sits under names the DAO).
func decisionText(c decisionCallback) string {
	who := "every neuron"
	if c.Governance != "" {
		if c.Neuron != 0 {
			who = "neuron " + fmt.Sprintf("%016x", c.Neuron)
		}
		return fmt.Sprintf("%s on SNS proposal %d for %s", c.Vote, c.Proposal, who)
	}
	if c.Neuron != 0 {
		who = "neuron " + strconv.FormatUint(c.Neuron, 10)
	}
	return fmt.Sprintf("%s on proposal %d for %s", c.Vote, c.Proposal, who)
}
