package alert

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/votebot/votebot/nns"
)

// TestTelegramSNSButtons: the buttons under an SNS manual-decision alert name the DAO (by its
// tag: no character of the name, a stranger's, reaches the callback data, which stays within
// Telegram's 64 bytes for any name and the largest numbers), and a press reaches Decide with
// that governance, apart from the NNS's ballot of the same numbers.
func TestTelegramSNSButtons(t *testing.T) {
	rec, srv := newReceiver(t)
	rec.answer = `{"ok":true}`
	tg, err := NewTelegram(TelegramConfig{Token: "123:ABC", ChatID: "-100200", BaseURL: srv.URL, DecisionButtons: true})
	must(t, err)
	dao := "Open:Chat <b>" + strings.Repeat("x", 300)
	a := Alert{Kind: KindManualDecisionNeeded, Governance: dao, Neuron: 18446744073709551615, ProposalID: 18446744073709551615,
		Headline: "Manual decision needed"}
	must(t, tg.Send(context.Background(), a))
	row := rec.last(t)["reply_markup"].(map[string]any)["inline_keyboard"].([]any)[0].([]any)
	var yes string
	for i, v := range []nns.Vote{nns.VoteYes, nns.VoteNo} {
		data := row[i].(map[string]any)["callback_data"].(string)
		if len(data) > maxCallbackData || strings.Contains(data, "Open") {
			t.Errorf("callback_data %q: %d bytes (limit %d), must not carry the name", data, len(data), maxCallbackData)
		}
		got, err := parseDecisionCallback(data)
		if want := (decisionCallback{a.ProposalID, a.Neuron, v, GovernanceTag(dao)}); err != nil || got != want {
			t.Errorf("button %d decodes to %v, %v; want %v", i, got, err, want)
		}
		if i == 0 {
			yes = data
		}
	}

	f, api := newFakeBotAPI(t)
	d := &recordingDecider{}
	var sleeps []time.Duration
	td := newDecisions(t, api.URL, d, &sleeps)
	small := decisionCallback{4, 0x0102030405060708, nns.VoteYes, GovernanceTag("OpenChat")}.encode()
	f.press(555, small)
	f.press(555, decisionCallback{4, 0x0102030405060708, nns.VoteYes, ""}.encode()) // the NNS's: another ballot
	f.press(555, "vb2:gZZZZZZZZZZZZ:4:1:y")                                         // forged tag
	f.press(555, "vb2:"+GovernanceTag("OpenChat")+":4:1:y:x")                       // forged shape
	f.press(555, yes)
	runUntil(t, td, f.answered(5))
	want := []decisionCallback{{4, 0x0102030405060708, nns.VoteYes, GovernanceTag("OpenChat")},
		{4, 0x0102030405060708, nns.VoteYes, ""}, {a.ProposalID, a.Neuron, nns.VoteYes, GovernanceTag(dao)}}
	if fmt.Sprint(d.calls) != fmt.Sprint(want) {
		t.Errorf("Decide calls = %v, want %v", d.calls, want)
	}
	answers := f.callsOf("answerCallbackQuery")
	for i, w := range []string{"Recorded: Yes on SNS proposal 4 for neuron 0102030405060708.",
		"Recorded: Yes on proposal 4 for neuron 72623859790382856.",
		"This button is not a votebot decision.", "This button is not a votebot decision."} {
		if i >= len(answers) || answers[i]["text"] != w {
			t.Errorf("answer %d = %v, want %q", i, answers[i], w)
		}
	}
}
