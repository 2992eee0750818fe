package config

import (
	"strings"
	"testing"
)

// network.max_concurrency bounds the agent's adaptive concurrency, on
// mainnet (written as a mapping) as on a devnet.
func TestNetworkMaxConcurrency(t *testing.T) {
	tests := []struct {
		network string
		want    Network
		err     string
	}{
		{network: "mainnet", want: Network{Mainnet: true}},
		{network: "{mainnet: true, max_concurrency: 256}", want: Network{Mainnet: true, MaxConcurrency: 256}},
		{network: "{urls: [http://127.0.0.1:8080], root_key: fetch, max_concurrency: 8}",
			want: Network{URLs: []string{"http://127.0.0.1:8080"}, RootKey: "fetch", MaxConcurrency: 8}},
		{network: "{mainnet: true, max_concurrency: 5000}", err: "network.max_concurrency: must be between 1 and 1024"},
		{network: "{mainnet: true, max_concurrency: -1}", err: "network.max_concurrency: must be between 1 and 1024"},
		{network: "{mainnet: true, root_key: fetch}", err: "mainnet: true takes no urls or root_key"},
		{network: "{mainnet: true, max_concurency: 8}", err: `did you mean "max_concurrency"?`},
	}
	for _, tt := range tests {
		t.Run(tt.network, func(t *testing.T) {
			cfg, err := Parse("n.yml", []byte("network: "+tt.network+"\nidentity: {pem_file: k.pem}\nneurons: [{id: 1}]\n"), nil)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := cfg.Network
			if got.Mainnet != tt.want.Mainnet || got.MaxConcurrency != tt.want.MaxConcurrency ||
				got.RootKey != tt.want.RootKey || strings.Join(got.URLs, ",") != strings.Join(tt.want.URLs, ",") {
				t.Errorf("network %+v, want %+v", got, tt.want)
			}
		})
	}
}
