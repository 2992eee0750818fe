package agent

import (
	"context"
	"encoding/hex"
	"net/http"
	"testing"
	"time"

	"github.com/aviate-labs/agent-go/principal"
	"github.com/rs/zerolog"

	"github.com/votebot/votebot/devnet"
	"github.com/votebot/votebot/devnet/governance"
)

// Against a devnet whose clock is off the local one, the client measures
// the skew from the IC's certified time, reports the IC's time, and its
// queries and update calls are accepted: ingress_expiry follows IC time,
// whichever way the local clock is off (-10m: the local clock is 10
// minutes ahead, which agent-go's own expiry cannot serve).
func TestClockSkewMeasuredAndRequestsAccepted(t *testing.T) {
	for _, offset := range []time.Duration{0, 3 * time.Minute, 6 * time.Minute, 10 * time.Minute,
		-2 * time.Minute, -90 * time.Second, -6 * time.Minute, -10 * time.Minute} {
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

// The readiness condition is symmetric: requests work at any skew, the
// bot is not ready beyond ClockSkewNotReady either way.
func TestClockReady(t *testing.T) {
	for _, tc := range []struct {
		skew time.Duration
		want bool
	}{
		{0, true}, {3 * time.Minute, true}, {-2 * time.Minute, true}, {-3 * time.Minute, true},
		{5 * time.Minute, false}, {-5 * time.Minute, false}, {-10 * time.Minute, false},
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
	g.clock.observe(fromCertificate, time.Now().Add(10*time.Minute), time.Now()) // stale: the IC is not 10 min ahead
	if _, err := g.ListKnownNeurons(context.Background()); err != nil {
		t.Fatalf("request after a stale skew: %v", err)
	}
	if skew, _, _ := g.ClockSkew(); skew.Abs() > 2*time.Second {
		t.Fatalf("skew %s after resync; want ~0", skew)
	}
}

// noDate is a base transport that strips the Date header, as some proxies do.
type noDate struct{ base http.RoundTripper }

func (n noDate) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := n.base.RoundTrip(r)
	if resp != nil {
		resp.Header.Del("Date")
	}
	return resp, err
}

// Where no certificate can be verified (here: the wrong root key pinned),
// the skew is still measured from the replies: their Date header, or
// without one, the expiry refusal's text. The local clock is 10 minutes
// ahead of the devnet's, so every signed request is refused for its expiry
// until the skew is known.
func TestClockSkewMeasuredWithoutCertificates(t *testing.T) {
	const offset = -10 * time.Minute
	for _, tc := range []struct {
		name  string
		strip bool
		want  clockSource
	}{{"Date header", false, fromDate}, {"expiry refusal", true, fromRefusal}} {
		t.Run(tc.name, func(t *testing.T) {
			gov, err := governance.New(governance.Config{Now: func() time.Time { return time.Now().Add(offset) }})
			if err != nil {
				t.Fatal(err)
			}
			_, url := serveDevnetConfig(t, devnet.Config{Logger: zerolog.Nop(), ClockOffset: offset}, gov)
			other := startNet(t) // its root key is not the devnet's
			base := http.DefaultTransport.(*http.Transport).Clone()
			t.Cleanup(base.CloseIdleConnections)
			cfg := testConfig([]string{url}, other.rootKey, newIdentity(t))
			cfg.Transport = base
			if tc.strip {
				cfg.Transport = noDate{base}
			}
			g := newClient(t, cfg)
			if _, err := g.GetFullNeuron(context.Background(), 1); err == nil {
				t.Fatal("a reply verified under the wrong root key")
			}
			skew, _, ok := g.ClockSkew()
			if !ok || (skew-offset).Abs() > 2*time.Second {
				t.Fatalf("ClockSkew = %s (ok %v); want %s ± 2s", skew, ok, offset)
			}
			if _, _, src := g.clock.snapshot(); src != tc.want {
				t.Errorf("measured from source %d, want %d", src, tc.want)
			}
			t.Logf("skew %s from %s", skew, tc.name)
		})
	}
}

func TestRefusalTime(t *testing.T) {
	for _, tc := range []struct {
		body string
		want string // "" for none
	}{
		{"Invalid request expiry: Specified ingress_expiry not within expected range: Minimum allowed expiry: 2026-12-04 05:24:29.029874484 UTC, Maximum allowed expiry: 2026-12-04 05:29:59.029874484 UTC, Provided expiry: 2026-12-04 05:34:59.029604243 UTC",
			"2026-12-04T05:24:29.029874484Z"},
		{"Invalid request expiry: Specified ingress_expiry not within expected range: Minimum allowed expiry: 2025-01-02 03:04:05.5 UTC, Maximum allowed expiry: 2025-01-02 03:09:35.5 UTC, Provided expiry: 2025-01-02 03:20:00 UTC, Local replica time: 2025-01-02 03:04:07 UTC",
			"2025-01-02T03:04:07Z"},
		{"Invalid signature: Invalid basic signature", ""},
		{"Invalid request expiry: Specified ingress_expiry not within expected range: Minimum allowed expiry: garbage UTC", ""},
	} {
		got, ok := refusalTime(tc.body)
		if tc.want == "" {
			if ok {
				t.Errorf("refusalTime(%q) = %s, want none", tc.body, got)
			}
			continue
		}
		if want, _ := time.Parse(time.RFC3339Nano, tc.want); !ok || !got.Equal(want) {
			t.Errorf("refusalTime(%q) = %s, %v; want %s", tc.body, got, ok, want)
		}
	}
}

// A less exact measurement does not replace a certified one unless they
// disagree by more than clockDisagreement (the local clock was stepped) and
// the certified one is older than clockFresh.
func TestClockSourcePrecedence(t *testing.T) {
	now := time.Now()
	for _, tc := range []struct {
		name   string
		second clockSource
		after  time.Duration // between the two measurements
		off    time.Duration // of the second measurement from the first
		want   time.Duration
	}{
		{"Date agrees with the certificate", fromDate, 2 * time.Minute, 800 * time.Millisecond, time.Minute},
		{"refusal agrees with the certificate", fromRefusal, 2 * time.Minute, -3 * time.Second, time.Minute},
		{"Date disagrees with a fresh certificate", fromDate, time.Second, 10 * time.Minute, time.Minute},
		{"Date says the clock was stepped", fromDate, 2 * time.Minute, 10 * time.Minute, 11 * time.Minute},
		{"a newer certificate", fromCertificate, time.Second, time.Second, time.Minute + time.Second},
	} {
		var c icClock
		c.observe(fromCertificate, now.Add(time.Minute), now)
		c.observe(tc.second, now.Add(tc.after+time.Minute+tc.off), now.Add(tc.after))
		if skew, _, _ := c.get(); skew != tc.want {
			t.Errorf("%s: skew %s, want %s", tc.name, skew, tc.want)
		}
	}
}
