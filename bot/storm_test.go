package bot

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
)

// The storm of issue 25: one neuron without the hotkey, one that does not
// exist, several open proposals whose deadlines all come within the at-risk
// threshold. Each neuron raises exactly one alert, of the kind that names
// its cause, and none per proposal (42 webhooks in one pass before: 2
// hotkey_missing and 38 proposal_at_risk; the missing neuron reported as
// hotkey_missing).
func TestOneAlertPerNeuronAndCause(t *testing.T) {
	for _, dryRun := range []bool{true, false} {
		t.Run(map[bool]string{true: "dry run", false: "live"}[dryRun], func(t *testing.T) {
			h := newHarness(t, 1, 2)
			h.opts.DryRun = dryRun
			h.opts.Neurons = append(h.opts.Neurons, NeuronConfig{ID: 3, Alias: "typo"}) // no such neuron
			h.gov.neurons[2].Authorized, h.gov.neurons[2].HotKeys = false, nil
			h.bot = h.newBot()
			var ids []uint64
			for i := range 6 {
				id := uint64(30 + i)
				h.gov.addProposal(id, nns.TopicGovernance, time.Duration(i+1)*time.Hour) // manual: nothing votes
				ids = append(ids, id)
			}
			if sum := h.step(0); sum.Blocked != 2 {
				t.Errorf("first pass: %d neurons blocked, want 2 (once's exit status counts them)", sum.Blocked)
			}
			// Nor a page through Prometheus per ballot: their ballots are not
			// exported as unvoted (VotebotNeuronCannotVote is their page).
			h.m.mu.Lock()
			for k, v := range h.m.voted {
				if k.neuron != 1 {
					t.Errorf("votebot_neuron_voted exported for neuron %d on proposal %d (value %v)", k.neuron, k.proposal, v)
				}
			}
			h.m.mu.Unlock()
			for range 16 { // past every deadline, each within the threshold on the way
				h.step(30 * time.Minute)
			}
			// The canister settles them and purges their ballots: whether
			// neurons 2 and 3 voted cannot be told, and is no news either.
			h.gov.mu.Lock()
			for _, id := range ids {
				h.gov.props[id].RewardStatus, h.gov.props[id].Ballots = nns.RewardStatusSettled, policy.Ballots{}
			}
			h.gov.mu.Unlock()
			h.step(time.Minute)
			h.step(time.Minute)
			want := map[uint64][]string{2: {"fire hotkey_missing/2/0"}, 3: {"fire neuron_not_found/3/0"}}
			for neuron, w := range want {
				if got := deliveredFor(h.al, neuron); !slices.Equal(got, w) {
					t.Errorf("neuron %d: delivered %v, want %v", neuron, got, w)
				}
			}
			if got := h.al.count("fire proposal_at_risk/1/"); got != 0 {
				t.Logf("neuron 1 (readable) raised %d proposal_at_risk: its own, unaffected", got)
			}
			for neuron, kind := range map[uint64]alert.Kind{2: alert.KindHotkeyMissing, 3: alert.KindNeuronNotFound} {
				a := h.al.active[alert.Key{Kind: kind, Neuron: neuron}]
				if a.EffectiveSeverity() != alert.SeverityCritical {
					t.Errorf("%s severity %s, want critical: it is the page for every ballot", kind, a.EffectiveSeverity())
				}
				if !strings.Contains(a.Text, "30, 31, 32, 33, 34, 35") || !strings.Contains(a.Text, "Fix: ") {
					t.Errorf("%s text names neither the proposals %v nor the fix: %q", kind, ids, a.Text)
				}
			}
		})
	}
}

// deliveredFor lists what the alerter delivered about one neuron.
func deliveredFor(a *recAlerter, neuron uint64) []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []string
	for _, d := range a.delivered {
		parts := strings.Split(d, "/")
		if len(parts) == 3 && parts[1] == strconv.FormatUint(neuron, 10) {
			out = append(out, d)
		}
	}
	return out
}
