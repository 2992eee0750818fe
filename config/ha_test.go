package config

import "testing"

// TestPolicyFingerprint: instances that decide alike share a fingerprint, whatever else differs
// (role, instance, channels); a changed vote, margin or neuron policy changes it.
func TestPolicyFingerprint(t *testing.T) {
	const base = "identity: {pem_file: k.pem}\nneurons: [{id: 1, policy: p}]\n" +
		"policies:\n  p:\n    deadline_margin: 1d\n    rules: [{name: motions, match: {topics: [Governance]}, vote: yes}]\n"
	fp := func(extra string) string {
		t.Helper()
		cfg, err := Parse("c.yml", []byte(base+extra), nil)
		if err != nil {
			t.Fatal(err)
		}
		return cfg.HA.Fingerprint
	}
	primary := fp("")
	if len(primary) != 12 {
		t.Fatalf("fingerprint %q, want 12 hex digits", primary)
	}
	same := map[string]string{
		"standby":  "ha: {role: standby, takeover_after: 1h}\ninstance: host-b\n",
		"channels": "alerts: {channels: {am: {type: alertmanager, urls: [\"http://127.0.0.1:9093\"]}}}\n",
	}
	for name, extra := range same {
		if got := fp(extra); got != primary {
			t.Errorf("%s: fingerprint %s, want the primary's %s", name, got, primary)
		}
	}
	changed := map[string]string{
		"vote":   "identity: {pem_file: k.pem}\nneurons: [{id: 1, policy: p}]\npolicies:\n  p:\n    deadline_margin: 1d\n    rules: [{name: motions, match: {topics: [Governance]}, vote: no}]\n",
		"margin": "identity: {pem_file: k.pem}\nneurons: [{id: 1, policy: p}]\npolicies:\n  p:\n    deadline_margin: 2d\n    rules: [{name: motions, match: {topics: [Governance]}, vote: yes}]\n",
		"neuron": "identity: {pem_file: k.pem}\nneurons: [{id: 2, policy: p}]\npolicies:\n  p:\n    deadline_margin: 1d\n    rules: [{name: motions, match: {topics: [Governance]}, vote: yes}]\n",
	}
	for name, file := range changed {
		cfg, err := Parse("c.yml", []byte(file), nil)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.HA.Fingerprint == primary {
			t.Errorf("%s changed but the fingerprint did not", name)
		}
	}
}
