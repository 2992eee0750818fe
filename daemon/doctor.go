package daemon

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/config"
	"github.com/votebot/votebot/internal/duration"
	"github.com/votebot/votebot/nns"
)

// Finding is one result of `votebot doctor`.
type Finding struct {
	// Subject is what was checked: "neuron main (1001)", "channel ops".
	Subject string `json:"subject"`
	Status  string `json:"status"` // one of the Doctor* statuses
	Detail  string `json:"detail"`
	// Fix says what to do; empty when nothing is to be done.
	Fix string `json:"fix,omitempty"`
}

// Statuses of a Finding.
const (
	DoctorOK   = "ok"
	DoctorWarn = "warn"
	DoctorFail = "FAIL"
)

// DoctorOptions adjust Doctor.
type DoctorOptions struct {
	// SendTest sends a test notification through every alert channel;
	// otherwise the channels are only validated.
	SendTest bool
	Logger   zerolog.Logger
	Now      func() time.Time
	// TelegramBaseURL replaces the Bot API's address (tests).
	TelegramBaseURL string
}

// Doctor checks what must hold for votebot to vote: every configured
// neuron exists, lists the identity as a hotkey, can vote (dissolve delay
// at least the minimum, not dissolved) and follows what its policy wants;
// the alert channels are valid and, with SendTest, answer. It reads the
// network and changes nothing on it.
func Doctor(ctx context.Context, cfg *config.Config, o DoctorOptions) ([]Finding, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	c, err := Connect(ctx, cfg, o.Logger, nil)
	if err != nil {
		return nil, err
	}
	gov := AgentGov{C: c, Now: o.Now}
	econ, err := gov.Economics(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the network economics: %w", err)
	}
	known, err := gov.KnownNeurons(ctx)
	if err != nil {
		return nil, fmt.Errorf("list known neurons: %w", err)
	}
	ids := make([]uint64, len(cfg.Neurons))
	for i, n := range cfg.Neurons {
		ids[i] = n.ID
	}
	state, err := gov.Neurons(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("read the neurons: %w", err)
	}
	decider := DeciderFor(cfg)
	me := gov.Principal()
	var out []Finding
	for _, nc := range cfg.Neurons {
		subject := neuronSubject(nc)
		n, ok := state[nc.ID]
		// The loop's rule and words (its alerts, plan): absent is a neuron
		// the identity may not read, NotFound one that does not exist.
		if b := bot.BlockerOf(bot.NeuronConfig{ID: nc.ID, Alias: nc.Alias}, n, ok, &econ, me, nil); b != nil {
			out = append(out, Finding{Subject: subject, Status: DoctorFail, Detail: b.Cause, Fix: b.Fix})
			if b.AllBallots {
				continue
			}
		} else {
			out = append(out, canVote(subject, n, econ, o.Now()))
		}
		out = append(out, following(subject, nc.ID, n, decider, known))
	}
	return append(out, channelFindings(ctx, cfg, o)...), nil
}

func neuronSubject(nc config.Neuron) string {
	if nc.Alias != "" {
		return fmt.Sprintf("neuron %s (%d)", nc.Alias, nc.ID)
	}
	return fmt.Sprintf("neuron %d", nc.ID)
}

// canVote reports a neuron nothing stops from voting (bot.BlockerOf found
// no cause): whether its dissolve state is known, and until when a
// dissolving one keeps voting.
func canVote(subject string, n bot.Neuron, econ bot.Economics, now time.Time) Finding {
	minimum := econ.MinimumDissolveDelayToVote
	f := Finding{Subject: subject, Status: DoctorOK}
	switch {
	case n.DissolveUnknown:
		f.Status, f.Detail = DoctorWarn, "its dissolve state is of a kind votebot does not know"
		f.Fix = "upgrade votebot"
	case n.State == nns.NeuronStateDissolving:
		below := n.DissolvesAt.Add(-minimum)
		f.Status = DoctorWarn
		f.Detail = fmt.Sprintf("dissolving: it can vote until %s (dissolve delay %s left)", below.UTC().Format(time.DateOnly), days(n.DissolveDelay))
		f.Fix = fmt.Sprintf("stop dissolving to keep voting (NNS dapp → Neurons → neuron %d → Stop dissolving)", n.ID)
	default:
		f.Detail = fmt.Sprintf("hotkey listed; can vote (dissolve delay %s, minimum %s)", days(n.DissolveDelay), days(minimum))
	}
	return f
}

// following compares the neuron's following with its policy's, with the
// same comparison the loop reconciles by.
func following(subject string, id uint64, n bot.Neuron, d bot.PolicyDecider, known map[string]uint64) Finding {
	diff, warnings := d.FollowingChanges(id, n.Followees, known)
	f := Finding{Subject: subject, Status: DoctorOK, Detail: "follows what its policy wants"}
	if len(warnings) > 0 {
		f.Status, f.Detail = DoctorWarn, "following: "+strings.Join(warnings, "; ")
	}
	if len(diff) == 0 {
		return f
	}
	topics := make([]nns.Topic, 0, len(diff))
	for t := range diff {
		topics = append(topics, t)
	}
	sort.Slice(topics, func(i, j int) bool { return topics[i] < topics[j] })
	parts := make([]string, len(topics))
	for i, t := range topics {
		parts[i] = fmt.Sprintf("%s: policy wants %s, neuron follows %s", t, idsOrNobody(diff[t]), idsOrNobody(n.Followees[t]))
	}
	f.Status, f.Detail = DoctorFail, "following differs from the policy: "+strings.Join(append(parts, warnings...), "; ")
	f.Fix = "votebot run sets it at start and at each reload (systemctl reload votebot); " +
		"or change the policy's following to what the neuron should follow"
	return f
}

// channelFindings validates the alert channels and, when asked, sends a
// test notification through each.
func channelFindings(ctx context.Context, cfg *config.Config, o DoctorOptions) []Finding {
	routes, err := routesWith(cfg.Alerts, o.TelegramBaseURL)
	var out []Finding
	if err != nil {
		out = append(out, Finding{Subject: "alert channels", Status: DoctorFail, Detail: err.Error(),
			Fix: "correct alerts.channels in the config (votebot config validate)"})
	}
	if len(cfg.Alerts.Channels) == 0 {
		return append(out, Finding{Subject: "alert channels", Status: DoctorWarn,
			Detail: "none configured: nobody is told before a proposal is missed",
			Fix:    "add one under alerts.channels (see configs/votebot.example.yaml)"})
	}
	slices.SortFunc(routes, func(a, b alert.Route) int { return strings.Compare(a.Name, b.Name) })
	for _, r := range routes {
		subject := "channel " + r.Name
		if !o.SendTest {
			out = append(out, Finding{Subject: subject, Status: DoctorOK,
				Detail: "valid (not contacted: votebot doctor --send-test sends a test notification)"})
			continue
		}
		test := alert.TestNotification(cfg.Instance, max(r.MinSeverity, alert.SeverityInfo), o.Now())
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		err := r.Notifier.Send(sctx, test)
		cancel()
		if err != nil {
			out = append(out, Finding{Subject: subject, Status: DoctorFail, Detail: "test notification failed: " + err.Error(),
				Fix: "check the channel's URL, token or SMTP settings and that this host can reach it"})
			continue
		}
		out = append(out, Finding{Subject: subject, Status: DoctorOK, Detail: "test notification accepted by the channel"})
	}
	return out
}

// days is how doctor writes a dissolve delay.
var days = duration.Days

func idsOrNobody(ids []uint64) string {
	if len(ids) == 0 {
		return "nobody"
	}
	return fmt.Sprint(ids)
}
