package alert

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/votebot/votebot/sns"
)

// field is one labelled line of a message, in plain text, already bounded and cleaned.
type field struct {
	Label string
	Value string
}

// content is a channel-neutral rendering of an alert: a one-line headline, labelled fields and
// the untrusted summary. Channels escape each part for their markup.
type content struct {
	Headline string
	Fields   []field
	Summary  string
}

func render(a Alert) content {
	c := content{Headline: headline(a)}
	add := func(label, value string) {
		if value != "" {
			c.Fields = append(c.Fields, field{label, value})
		}
	}
	add("", BoundText(a.Text))
	if a.ProposalID != 0 {
		dapp, dashboard := proposalLinks(a)
		add("Proposal", strconv.FormatUint(a.ProposalID, 10)+titleSuffix(a.Title))
		add("NNS dapp", dapp)
		add("Dashboard", dashboard)
	}
	add("Topic", Truncate(OneLine(a.Topic), 100))
	if a.Neuron != 0 {
		add("Neuron", neuronName(a))
	}
	if !a.Deadline.IsZero() {
		add("Deadline", DeadlineText(a.Deadline, a.At))
	}
	add("Instance", Truncate(OneLine(a.Instance), 100))
	add("Key", a.Key)
	c.Summary = BoundSummary(a.Summary)
	return c
}

func titleSuffix(title string) string {
	if t := BoundTitle(title); t != "" {
		return " — " + t
	}
	return ""
}

func neuronName(a Alert) string {
	id := neuronID(a)
	if alias := Truncate(OneLine(a.NeuronAlias), 60); alias != "" {
		return alias + " (" + id + ")"
	}
	return id
}

// neuronID is a's neuron as votebot shows it: an SNS neuron by its short id's 16 hex digits (the
// start of its real id), as in the metrics and the log.
func neuronID(a Alert) string {
	if a.Governance != "" {
		return sns.FormatShortID(a.Neuron)
	}
	return strconv.FormatUint(a.Neuron, 10)
}

// daoName is the DAO an SNS alert is about, bounded, as the headline names it; "" for the NNS.
func daoName(a Alert) string { return Truncate(OneLine(a.Governance), 60) }

// headline is the one-line gist: status, kind, neuron, proposal. It holds no untrusted text
// except the operator's neuron alias and DAO name. An SNS alert names its DAO here, once: before
// the proposal, else before the neuron, else at the end (the bot's text does not repeat it).
func headline(a Alert) string {
	var b strings.Builder
	switch {
	case a.Resolved:
		b.WriteString("[RESOLVED] ")
	case a.Reminder > 0:
		fmt.Fprintf(&b, "[%s, reminder %d] ", strings.ToUpper(a.EffectiveSeverity().String()), a.Reminder)
	default:
		fmt.Fprintf(&b, "[%s] ", strings.ToUpper(a.EffectiveSeverity().String()))
	}
	b.WriteString(a.Kind.Label())
	dao := daoName(a)
	if a.Neuron != 0 {
		b.WriteString(": ")
		if dao != "" && a.ProposalID == 0 {
			b.WriteString(dao + " ")
			dao = ""
		}
		b.WriteString("neuron " + neuronName(a))
	}
	if a.ProposalID != 0 {
		b.WriteString(", ")
		if dao != "" {
			b.WriteString(dao + " ")
			dao = ""
		}
		b.WriteString("proposal " + strconv.FormatUint(a.ProposalID, 10))
	}
	if dao != "" {
		b.WriteString(" (" + dao + ")")
	}
	if !a.Deadline.IsZero() && !a.Resolved {
		b.WriteString(", deadline " + a.Deadline.UTC().Format("2006-01-02 15:04 MST"))
	}
	return b.String()
}

// DeadlineText renders a deadline with the time left from now: "2026-11-22 10:00:00 UTC (in 3h12m)".
func DeadlineText(deadline, now time.Time) string {
	s := deadline.UTC().Format("2006-01-02 15:04:05 MST")
	if now.IsZero() {
		return s
	}
	left := deadline.Sub(now).Round(time.Minute)
	if left >= 0 {
		return s + " (in " + shortDuration(left) + ")"
	}
	return s + " (" + shortDuration(-left) + " ago)"
}

func shortDuration(d time.Duration) string {
	days := int(d / (24 * time.Hour))
	d -= time.Duration(days) * 24 * time.Hour
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case days > 0:
		return fmt.Sprintf("%dd%dh", days, h)
	case h > 0:
		return fmt.Sprintf("%dh%02dm", h, m)
	}
	return fmt.Sprintf("%dm", m)
}

// plainText renders c as plain text lines, each part passed through esc.
func (c content) plainText(esc func(string) string) string {
	var b strings.Builder
	b.WriteString(esc(c.Headline))
	for _, f := range c.Fields {
		b.WriteString("\n")
		if f.Label != "" {
			b.WriteString(f.Label + ": ")
		}
		b.WriteString(esc(f.Value))
	}
	if c.Summary != "" {
		b.WriteString("\n\n" + esc(c.Summary))
	}
	return b.String()
}
