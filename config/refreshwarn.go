package config

import "time"

// RefreshWarning is a warning when refresh.when_left is not shorter than the network's
// voting-power decay period (start_reducing_voting_power_after_seconds, 6 months on mainnet;
// a devnet compresses it): every neuron is then always within when_left of its decay, and
// votebot refreshes voting power at every poll. ok is false when all is well or the period
// is unknown (0).
func RefreshWarning(cfg *Config, decayAfter time.Duration) (p Problem, ok bool) {
	if cfg == nil || decayAfter <= 0 || cfg.Refresh.WhenLeft < decayAfter {
		return Problem{}, false
	}
	fix := "this network decays faster than the shortest refresh.when_left (" + fmtDuration(minWhenLeft) + "): expect a refresh at every poll"
	if suggest := max(decayAfter/6, minWhenLeft).Round(time.Minute); suggest < decayAfter {
		fix = "set it below, e.g. " + fmtDuration(suggest)
	}
	return cfg.src.at("refresh.when_left", "%s is not shorter than this network's voting-power decay period (%s): "+
		"votebot would refresh voting power at every poll; %s",
		fmtDuration(cfg.Refresh.WhenLeft), fmtDuration(decayAfter), fix), true
}
