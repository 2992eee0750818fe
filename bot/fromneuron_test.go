package bot

import (
	"testing"
	"time"

	"github.com/aviate-labs/agent-go/principal"

	"github.com/votebot/votebot/nns"
)

func TestFromNeuronDissolveState(t *testing.T) {
	now := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	me := principal.Principal{Raw: []byte{1, 2, 3}}
	secs := func(v int64) *uint64 { u := uint64(v); return &u }
	for _, c := range []struct {
		name      string
		ds        nns.DissolveState
		wantState nns.NeuronState
		wantDelay time.Duration
	}{
		{"locked", nns.DissolveState{DissolveDelaySeconds: secs(86_400)}, nns.NeuronStateNotDissolving, 24 * time.Hour},
		{"dissolving", nns.DissolveState{WhenDissolvedTimestampSeconds: secs(now.Unix() + 3600)}, nns.NeuronStateDissolving, time.Hour},
		{"dissolved", nns.DissolveState{WhenDissolvedTimestampSeconds: secs(now.Unix() - 1)}, nns.NeuronStateDissolved, 0},
	} {
		fn := nns.Neuron{Id: &nns.NeuronId{Id: 7}, HotKeys: []principal.Principal{me}, DissolveState: &c.ds}
		n := FromNeuron(fn, me.String(), now)
		if n.State != c.wantState || n.DissolveDelay != c.wantDelay || !n.Authorized || n.ID != 7 {
			t.Errorf("%s: state %v, delay %s, authorized %v; want %v, %s, true", c.name, n.State, n.DissolveDelay, n.Authorized, c.wantState, c.wantDelay)
		}
	}
}
