package alert

import "testing"

// The daemon raises these kinds; a kind the Manager does not know is only
// logged, never delivered.
func TestDaemonKindsAreKnown(t *testing.T) {
	tests := []struct {
		kind Kind
		sev  Severity
	}{
		{KindConfigInvalid, SeverityWarning},
		{KindNeuronDissolving, SeverityWarning},
		{KindStartFailed, SeverityCritical},
		{KindClockSkew, SeverityWarning},
		{KindStoreUnwritable, SeverityCritical},
		{KindOverridesUnreadable, SeverityCritical},
		{KindHotkeyMissing, SeverityCritical},
		{KindNeuronNotFound, SeverityCritical},
		{KindSNSDiscoveryFailed, SeverityWarning},
	}
	events := []struct {
		kind Kind
		sev  Severity
	}{
		{KindFolloweeUnreliable, SeverityWarning},
	}
	for _, tc := range events {
		if !tc.kind.Known() || !tc.kind.IsEvent() || tc.kind.DefaultSeverity() != tc.sev {
			t.Errorf("%s: known %v, event %v, severity %s; want a known %s event", tc.kind, tc.kind.Known(),
				tc.kind.IsEvent(), tc.kind.DefaultSeverity(), tc.sev)
		}
	}
	for _, tc := range tests {
		if !tc.kind.Known() {
			t.Errorf("%s is not a known kind", tc.kind)
		}
		if got := tc.kind.DefaultSeverity(); got != tc.sev {
			t.Errorf("%s default severity %s, want %s", tc.kind, got, tc.sev)
		}
		if tc.kind.IsEvent() {
			t.Errorf("%s is an event; it must resolve", tc.kind)
		}
		found := false
		for _, k := range Kinds() {
			found = found || k == tc.kind
		}
		if !found {
			t.Errorf("Kinds() lacks %s", tc.kind)
		}
	}
}
