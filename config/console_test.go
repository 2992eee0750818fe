package config

import (
	"reflect"
	"testing"
)

// TestConsoleSection: no section serves no console; an empty one serves it
// on its own localhost port; the Telegram decisions keep their user ids.
func TestConsoleSection(t *testing.T) {
	base := "identity: {pem_file: /k.pem}\nneurons: [{id: 1}]\n"
	tests := []struct {
		name, yaml string
		want       *Console
	}{
		{"absent", base, nil},
		{"empty", base + "console: {}\n", &Console{Listen: DefaultConsoleListen}},
		{"set", base + "console: {listen: \"127.0.0.1:8000\", token_file: /etc/votebot/console-token, behind_tls_proxy: true, allowed_hosts: [Votebot.Example.org.]}\n",
			&Console{Listen: "127.0.0.1:8000", TokenFile: "/etc/votebot/console-token", BehindTLSProxy: true,
				AllowedHosts: []string{"votebot.example.org"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Parse("c.yml", []byte(tc.yaml), nil)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(cfg.Console, tc.want) {
				t.Errorf("console = %+v, want %+v", cfg.Console, tc.want)
			}
		})
	}
	cfg, err := Parse("c.yml", []byte(base+`alerts: {channels: {tg: {type: telegram, token: "1:x", chat_id: "-100", decisions: {allowed_user_ids: [42, 43]}}}}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	if d := cfg.Alerts.Channels["tg"].Decisions; d == nil || !reflect.DeepEqual(d.AllowedUserIDs, []int64{42, 43}) {
		t.Errorf("decisions = %+v", d)
	}
}
