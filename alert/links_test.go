package alert

import (
	"strings"
	"testing"
)

// A proposal's alert links to the proposal on the NNS dapp and the dashboard; an alert about
// a neuron alone has no proposal links.
func TestRenderLinks(t *testing.T) {
	tests := []struct {
		name string
		a    Alert
		want []string
	}{
		{"proposal", Alert{Kind: KindProposalAtRisk, Neuron: 42, ProposalID: 123456},
			[]string{"NNS dapp: https://nns.ic0.app/proposal/?u=qoctq-giaaa-aaaaa-aaaea-cai&proposal=123456",
				"Dashboard: https://dashboard.internetcomputer.org/proposal/123456"}},
		{"neuron only", Alert{Kind: KindHotkeyMissing, Neuron: 42}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := render(tt.a).plainText(func(s string) string { return s })
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("alert text lacks %q:\n%s", w, text)
				}
			}
			if tt.want == nil && strings.Contains(text, "https://") {
				t.Errorf("an alert without a proposal links somewhere:\n%s", text)
			}
		})
	}
}
