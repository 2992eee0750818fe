package config

import (
	"strings"
	"testing"
)

func TestUnknownEnv(t *testing.T) {
	cfg, err := Parse("votebot.yaml", []byte("identity: {pem_file: k.pem}\nneurons: [{id: 7}]\nalerts:\n  channels:\n    ops: {type: webhook, url: \"https://hooks.example/x\"}\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	env := []string{
		"VOTEBOT_POLL_INTERVAL=30s",                 // a key
		"VOTEBOT_ALERTS_CHANNELS_OPS_URL=https://x", // a channel of the file
		"VOTEBOT_POLL_INTERVALL=30s",                // misspelled
		"VOTEBOT_ALERTS_CHANNELS_PAGER_URL=x",       // a channel the file does not have
		"VOTEBOT_BENCH=1",                           // the benchmarks'
		"PATH=/usr/bin", "VOTEBOTX=1",
	}
	got := strings.Join(cfg.UnknownEnv(env), "\n")
	want := "VOTEBOT_ALERTS_CHANNELS_PAGER_URL sets no configuration key\n" +
		"VOTEBOT_POLL_INTERVALL sets no configuration key (did you mean VOTEBOT_POLL_INTERVAL?)"
	if got != want {
		t.Errorf("UnknownEnv:\n%s\nwant:\n%s", got, want)
	}
}
