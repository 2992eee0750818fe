package config

import (
	"strings"
	"testing"
	"time"
)

func TestRefreshWarning(t *testing.T) {
	base := "identity: {pem_file: k.pem}\nneurons: [{id: 1}]\n"
	tests := []struct {
		file  string
		decay time.Duration
		want  string // "" no warning
	}{
		{base, 183 * 24 * time.Hour, ""}, // mainnet: 30d of 6 months
		// week-fast.yaml: an NNS day a minute, 6 months of decay in about 3 hours.
		{base, 183 * time.Minute, "votebot.yaml:1: refresh.when_left: 30d is not shorter than this network's voting-power decay period (3h3m0s): votebot would refresh voting power at every poll; set it below, e.g. 1h0m0s"},
		{base + "refresh:\n  when_left: 1h\n", 183 * time.Minute, ""},
		{base + "refresh:\n  when_left: 4h\n", 183 * time.Minute, "votebot.yaml:4: refresh.when_left: 4h0m0s is not shorter"},
		{base, 10 * time.Minute, "votebot.yaml:1: refresh.when_left: 30d is not shorter than this network's voting-power decay period (10m0s): votebot would refresh voting power at every poll; this network decays faster"},
		{base, 0, ""}, // unknown
	}
	for _, tt := range tests {
		cfg, err := Parse("votebot.yaml", []byte(tt.file), nil)
		if err != nil {
			t.Fatal(err)
		}
		p, ok := RefreshWarning(cfg, tt.decay)
		if ok != (tt.want != "") || (ok && !strings.HasPrefix(p.String(), tt.want)) {
			t.Errorf("when_left vs %s: %v %q, want %q", tt.decay, ok, p.String(), tt.want)
		}
	}
}
