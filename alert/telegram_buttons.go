package alert

import (
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

// callbackPrefix versions the button format, so a future change can tell old buttons apart.
const callbackPrefix = "vb1"

// decisionCallback is what one button means: vote on proposal for neuron (0: every neuron).
type decisionCallback struct {
	Proposal uint64
	Neuron   uint64
	Vote     nns.Vote
}

// encode is "vb1:PROPOSAL:NEURON:y|n": at most 3+1+20+1+20+1+1 = 47 bytes, under the 64 allowed.
func (c decisionCallback) encode() string {
	v := "n"
	if c.Vote == nns.VoteYes {
		v = "y"
	}
	return callbackPrefix + ":" + strconv.FormatUint(c.Proposal, 10) + ":" +
		strconv.FormatUint(c.Neuron, 10) + ":" + v
}

// parseDecisionCallback reads what encode wrote; anything else (a forged or foreign button) is
// an error.
func parseDecisionCallback(data string) (decisionCallback, error) {
	if len(data) > maxCallbackData {
		return decisionCallback{}, fmt.Errorf("callback data of %d bytes", len(data))
	}
	parts := strings.Split(data, ":")
	if len(parts) != 4 || parts[0] != callbackPrefix {
		return decisionCallback{}, fmt.Errorf("callback data %q is not a decision", data)
	}
	var c decisionCallback
	var err error
	if c.Proposal, err = strconv.ParseUint(parts[1], 10, 64); err != nil || c.Proposal == 0 {
		return decisionCallback{}, fmt.Errorf("callback data %q: bad proposal", data)
	}
	if c.Neuron, err = strconv.ParseUint(parts[2], 10, 64); err != nil {
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
// (0: the alert is about every neuron, and so is the answer).
func decisionKeyboard(proposal, neuron uint64) *telegramMarkup {
	button := func(label string, v nns.Vote) telegramButton {
		return telegramButton{Text: label,
			CallbackData: decisionCallback{Proposal: proposal, Neuron: neuron, Vote: v}.encode()}
	}
	return &telegramMarkup{InlineKeyboard: [][]telegramButton{{
		button("✅ Yes", nns.VoteYes), button("❌ No", nns.VoteNo)}}}
}

// decisionText names a decision for people: "Yes on proposal 4 for neuron 42".
func decisionText(c decisionCallback) string {
	who := "every neuron"
	if c.Neuron != 0 {
		who = "neuron " + strconv.FormatUint(c.Neuron, 10)
	}
	return fmt.Sprintf("%s on proposal %d for %s", c.Vote, c.Proposal, who)
}
