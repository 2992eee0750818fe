package agent

import (
	"context"
	"encoding/hex"
	"testing"
	"time"

	"github.com/aviate-labs/agent-go/principal"
	"github.com/rs/zerolog"

	"github.com/votebot/votebot/devnet"
	"github.com/votebot/votebot/devnet/governance"
)

// Against a devnet whose clock is off the local one, the client measures
// the skew from the IC's certified time, reports the IC's time, and its
// queries and update calls are accepted: ingress_expiry follows IC time.
func TestClockSkewMeasuredAndRequestsAccepted(t *testing.T) {
	for _, offset := range []time.Duration{0, 3 * time.Minute, 6 * time.Minute, -2 * time.Minute, -90 * time.Second} {
		t.Run(offset.String(), func(t *testing.T) {
			gov, err := governance.New(governance.Config{Now: func() time.Time { return time.Now().Add(offset) }})
			if err != nil {
				t.Fatal(err)
			}
			srv, url := serveDevnetConfig(t, devnet.Config{Logger: zerolog.Nop(), ClockOffset: offset}, gov)
			id := newIdentity(t)
			mine, err := gov.AddNeuron(governance.NeuronSpec{Controller: controller, HotKeys: []principal.Principal{id.Sender()},
				StakeE8s: 10 * 100_000_000, DissolveDelay: 365 * 24 * time.Hour})
			if err != nil {
				t.Fatal(err)
			}
			g := newClient(t, testConfig([]string{url}, hex.EncodeToString(srv.RootKey()), id))
			if _, _, ok := g.ClockSkew(); ok {
				t.Fatal("skew measured before any request")
			}
			ctx := context.Background()
			if _, err := g.GetFullNeuron(ctx, mine); err != nil {
				t.Fatalf("signed query with the IC %s off: %v", offset, err)
			}
			if err := g.RefreshVotingPower(ctx, mine); err != nil {
				t.Fatalf("update call with the IC %s off: %v", offset, err)
			}
			skew, at, ok := g.ClockSkew()
			if !ok || (skew-offset).Abs() > 2*time.Second || time.Since(at) > 10*time.Second {
				t.Fatalf("ClockSkew = %s at %s (ok %v); want %s ± 2s, just measured", skew, at, ok, offset)
			}
			if d := g.Now().Sub(time.Now().Add(offset)); d.Abs() > 2*time.Second {
				t.Errorf("Now is %s off the IC's time", d)
			}
			t.Logf("IC %s off: skew measured %s", offset, skew)
		})
	}
}

// The readiness condition: far behind works for requests but deadlines
// are off; ahead beyond ClockAheadLimit fails with agent-go v0.9.2.
func TestClockReady(t *testing.T) {
	for _, tc := range []struct {
		skew time.Duration
		want bool
	}{
		{0, true}, {3 * time.Minute, true}, {-2 * time.Minute, true},
		{-3 * time.Minute, false}, {5 * time.Minute, false}, {-10 * time.Minute, false},
	} {
		if got := ClockReady(tc.skew); got != tc.want {
			t.Errorf("ClockReady(%s) = %v, want %v", tc.skew, got, tc.want)
		}
	}
}

// A skew that went stale (the local clock was stepped since it was
// measured) gets a request refused for its expiry once: the client measures
// again and the request goes through.
func TestStaleSkewResyncs(t *testing.T) {
	gov, err := governance.New(governance.Config{})
	if err != nil {
		t.Fatal(err)
	}
	srv, url := serveDevnet(t, gov)
	g := newClient(t, testConfig([]string{url}, hex.EncodeToString(srv.RootKey()), newIdentity(t)))
	g.clock.observe(time.Now().Add(10*time.Minute), time.Now()) // stale: the IC is not 10 min ahead
	if _, err := g.ListKnownNeurons(context.Background()); err != nil {
		t.Fatalf("request after a stale skew: %v", err)
	}
	if skew, _, _ := g.ClockSkew(); skew.Abs() > 2*time.Second {
		t.Fatalf("skew %s after resync; want ~0", skew)
	}
}
