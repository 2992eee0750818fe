package config

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"time"
)

// HA roles.
const (
	RolePrimary = "primary"
	RoleStandby = "standby"
)

// HA makes two votebot instances, on two hosts with a hotkey each, one service: the primary
// votes as usual; the standby reads and decides the same, but votes a ballot only when it is
// still empty TakeoverAfter past the primary's deadline margin, and alerts on proposals only
// when it took over or disagrees with what the chain shows.
type HA struct {
	// Role is primary (the default, also without an ha section) or standby.
	Role string `yaml:"role"`
	// Fingerprint is policyFingerprint of the file: the same in two instances that decide alike.
	Fingerprint string `yaml:"-"`
	// TakeoverAfter: how long after the primary's deadline margin the standby votes a ballot
	// the primary left empty. Standby only; shorter than every deadline margin.
	TakeoverAfter time.Duration `yaml:"takeover_after"`
}

// Standby reports whether this instance is the standby.
func (h HA) Standby() bool { return h.Role == RoleStandby }

func (d *decoder) checkHA(cfg *Config) {
	h := &cfg.HA
	if h.Role == "" {
		h.Role = RolePrimary
	}
	if !slices.Contains([]string{RolePrimary, RoleStandby}, h.Role) {
		d.addf("ha.role", "must be primary or standby, not %s", quote(h.Role))
		return
	}
	if !h.Standby() {
		if h.TakeoverAfter != 0 {
			d.addf("ha.takeover_after", "is for role standby: a primary votes at its own times")
		}
		return
	}
	if h.TakeoverAfter <= 0 {
		d.addf("ha.takeover_after", "required for role standby: how long after the primary's deadline margin to vote a ballot it left empty (e.g. 30m)")
		return
	}
	for _, name := range sortedKeys(cfg.Policies) {
		m := minMargin(cfg.Policies[name])
		if m <= 0 {
			continue
		}
		switch {
		case h.TakeoverAfter >= m:
			d.addf("ha.takeover_after", "is %s, not shorter than the deadline margin %s of policy %q: the standby would take over after the deadline",
				fmtDuration(h.TakeoverAfter), fmtDuration(m), name)
		case cfg.PollInterval > 0 && h.TakeoverAfter+cfg.PollInterval >= m:
			d.addf("ha.takeover_after", "is %s: with poll_interval %s the standby's vote could come after the deadline (margin %s of policy %q)",
				fmtDuration(h.TakeoverAfter), fmtDuration(cfg.PollInterval), fmtDuration(m), name)
		}
	}
}

// policyFingerprint is a short hash of what decides a vote as written in the file (the
// neurons with their policies, and the policies): two instances whose fingerprints differ may
// vote differently. Map keys are sorted by encoding/json, so the hash is stable.
func policyFingerprint(fc fileConfig) string {
	data, err := json.Marshal(struct {
		Neurons  []Neuron
		Policies map[string]policySpec
		SNS      *snsSpec `json:",omitempty"` // absent: the fingerprint of a file without SNS is unchanged
	}{fc.Neurons, fc.Policies, fc.SNS})
	if err != nil {
		return "unknown"
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:6])
}
