package bot

import (
	"context"
	"strings"

	"github.com/rs/zerolog"

	"github.com/votebot/votebot/alert"
)

// ManagerAlerter adapts alert.Manager (dedup, reminders, resolutions,
// persisted across restarts) to the loop's Alerter.
type ManagerAlerter struct {
	M   *alert.Manager
	Log zerolog.Logger
}

var _ Alerter = ManagerAlerter{}

// Fire implements Alerter. A kind alert/ does not know is logged only.
func (a ManagerAlerter) Fire(ctx context.Context, al Alert) error {
	k := alert.Kind(al.Kind)
	if !k.Known() {
		a.Log.Warn().Str("kind", string(al.Kind)).Uint64("neuron", al.Neuron).Msg(al.Text)
		return nil
	}
	_, err := a.M.Fire(ctx, toAlert(al))
	return err
}

// Resolve implements Alerter.
func (a ManagerAlerter) Resolve(ctx context.Context, key string) error {
	al, ok := parseKey(key)
	if !ok || !alert.Kind(al.Kind).Known() {
		return nil
	}
	_, err := a.M.Resolve(ctx, toAlert(al))
	return err
}

// Active implements activeLister: what is still firing from before a restart.
func (a ManagerAlerter) Active(ctx context.Context) ([]Alert, error) {
	sts, err := a.M.Active(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Alert, 0, len(sts))
	for _, st := range sts {
		out = append(out, Alert{Kind: AlertKind(st.Kind), Neuron: st.Neuron, Proposal: st.ProposalID,
			Deadline: st.Deadline, Resolvable: !st.Kind.IsEvent()})
	}
	return out, nil
}

// alertSummaryRunes bounds the proposal summary kept for alerts: channels
// show at most this much of it.
const alertSummaryRunes = 1500

func toAlert(al Alert) alert.Alert {
	return alert.Alert{Kind: alert.Kind(al.Kind), Severity: toSeverity(al.Severity), Neuron: al.Neuron,
		NeuronAlias: al.NeuronAlias, ProposalID: al.Proposal, Topic: al.Topic, Title: al.ProposalTitle,
		Summary: al.ProposalSummary, Deadline: al.Deadline, Text: al.Text}
}

// toSeverity maps the loop's severity; an unknown or empty one leaves the
// kind's default (alert.Kind.DefaultSeverity).
func toSeverity(s Severity) alert.Severity {
	sev, err := alert.ParseSeverity(string(s))
	if err != nil {
		return 0
	}
	return sev
}

// parseKey inverts Alert.Key.
func parseKey(key string) (Alert, bool) {
	parts := strings.Split(key, "/")
	if len(parts) != 3 {
		return Alert{}, false
	}
	n, err1 := parseUint(parts[1])
	p, err2 := parseUint(parts[2])
	if err1 != nil || err2 != nil {
		return Alert{}, false
	}
	return Alert{Kind: AlertKind(parts[0]), Neuron: n, Proposal: p}, true
}

// activeLister is implemented by alerters that remember firing alerts
// across restarts, so the loop can resolve them.
type activeLister interface {
	Active(ctx context.Context) ([]Alert, error)
}
