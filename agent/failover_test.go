package agent

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/votebot/votebot/devnet"
	"github.com/votebot/votebot/nns"
)

// TestFailover: with the first endpoint dead, slow or answering 503, calls
// succeed through the next; the first is skipped while it backs off, and
// used again once it is back and its back-off has passed.
func TestFailover(t *testing.T) {
	for _, tc := range []struct {
		mode        string // how the first endpoint fails
		wantOutcome string
	}{
		{"closed", "transport_error"},
		{"slow", "timeout"},
		{"503", "http_error"},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			net := startNet(t)
			id := newIdentity(t)
			net.gov.addNeurons(10, 1, id.Sender())
			net.gov.addProposals(1, 5, nns.TopicGovernance)

			first := newSwitchable(t, net.url, tc.mode)
			firstURL := first.srv.URL
			if tc.mode == "closed" {
				firstURL = closedURL(t)
			}
			second := newSwitchable(t, net.url, "ok")
			clock := newFakeClock()
			rec := &recorder{}
			cfg := testConfig([]string{firstURL, second.srv.URL}, net.rootKey, id)
			cfg.CallTimeout = 300 * time.Millisecond
			cfg.Now, cfg.Observer = clock.Now, rec
			cfg.EndpointBackoff, cfg.EndpointMaxBackoff = time.Minute, time.Hour
			g := newClient(t, cfg)
			ctx := context.Background()
			firstName, secondName := EndpointLabel(firstURL), EndpointLabel(second.srv.URL)

			// 1. The first endpoint fails; the call succeeds through the second.
			props, err := g.ListProposals(ctx, nns.ListProposalInfoRequest{})
			if err != nil || len(props) != 5 {
				t.Fatalf("ListProposals with first endpoint %s: %d, %v", tc.mode, len(props), err)
			}
			got := rec.take()
			if len(got) != 2 || got[0] != (observed{firstName, "list_proposals", tc.wantOutcome}) || got[1] != (observed{secondName, "list_proposals", "ok"}) {
				t.Fatalf("attempts: %v", got)
			}
			if st := g.Endpoints(); st[0].Up || !st[1].Up {
				t.Fatalf("endpoint status after failure: %+v", st)
			}

			// 2. While it backs off, the first endpoint is skipped, updates included.
			if err := g.RegisterVote(ctx, 10, 3, nns.VoteYes); err != nil {
				t.Fatalf("RegisterVote while first is down: %v", err)
			}
			if got := rec.take(); len(got) != 1 || got[0].endpoint != secondName {
				t.Fatalf("attempts while backing off: %v", got)
			}

			// 3. It comes back; after the back-off it is preferred again.
			first.mode.Store("ok")
			if tc.mode == "closed" {
				// A closed port cannot come back on the same URL in a
				// test; the other modes cover recovery.
				return
			}
			clock.Advance(2 * time.Minute)
			if _, err := g.GetProposalInfo(ctx, 3); err != nil {
				t.Fatalf("after recovery: %v", err)
			}
			if got := rec.take(); len(got) != 1 || got[0] != (observed{firstName, "get_proposal_info", "ok"}) {
				t.Fatalf("attempts after recovery: %v", got)
			}
			if st := g.Endpoints(); !st[0].Up {
				t.Errorf("first endpoint not marked up: %+v", st[0])
			}
			if want := []string{firstName + " down", firstName + " up"}; strings.Join(rec.ups, ",") != strings.Join(want, ",") {
				t.Errorf("endpoint events %v, want %v", rec.ups, want)
			}
		})
	}
}

func TestAllEndpointsDown(t *testing.T) {
	cfg := testConfig([]string{closedURL(t), closedURL(t)}, strings.Repeat("00", 0)+hexRootKeyForTests(t), newIdentity(t))
	rec := &recorder{}
	cfg.Observer = rec
	g := newClient(t, cfg)
	_, err := g.ListProposals(context.Background(), nns.ListProposalInfoRequest{})
	if !errors.Is(err, ErrAllEndpointsDown) {
		t.Fatalf("err = %v, want ErrAllEndpointsDown", err)
	}
	var down *AllEndpointsDownError
	if !errors.As(err, &down) || len(down.Errs) != 2 {
		t.Fatalf("err = %#v, want both endpoints' errors", err)
	}
	if n := len(rec.take()); n != 4 {
		t.Errorf("%d attempts, want 2 rounds × 2 endpoints", n)
	}

	// The caller's context bounds the retries, and the cause stays visible.
	cfg.MaxRounds, cfg.RetryBase, cfg.RetryMax = 1000, 20*time.Millisecond, 20*time.Millisecond
	g = newClient(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err = g.GetLatestRewardEvent(ctx)
	if !errors.Is(err, ErrAllEndpointsDown) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want ErrAllEndpointsDown and DeadlineExceeded", err)
	}
}

// hexRootKeyForTests is any well-formed root key (nothing is verified when
// nothing answers).
func hexRootKeyForTests(t *testing.T) string {
	t.Helper()
	srv, err := devnet.New(devnet.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return strings.ToLower(hexOf(srv.RootKey()))
}

func TestRejects(t *testing.T) {
	net := startNet(t)
	id := newIdentity(t)
	net.gov.addNeurons(10, 1, id.Sender())
	net.gov.addProposals(1, 1, nns.TopicGovernance)
	g := newClient(t, testConfig([]string{net.url}, net.rootKey, id))
	ctx := context.Background()

	// SYS_TRANSIENT is retried.
	transient := 1
	net.gov.setOverride("get_latest_reward_event", func(c devnet.Call) ([]byte, error) {
		if transient > 0 {
			transient--
			return nil, &devnet.Reject{Code: devnet.RejectSysTransient, ErrorCode: "IC0515", Message: "try again"}
		}
		return net.gov.rewardEvent(c)
	})
	if _, err := g.GetLatestRewardEvent(ctx); err != nil {
		t.Fatalf("after one transient reject: %v", err)
	}
	if n := net.gov.count("get_latest_reward_event"); n != 2 {
		t.Errorf("%d calls, want 2", n)
	}

	// Other rejects are returned with their codes, not retried; queries and
	// update calls alike.
	for _, method := range []string{"get_network_economics_parameters", "manage_neuron"} {
		net.gov.setOverride(method, func(devnet.Call) ([]byte, error) {
			return nil, &devnet.Reject{Code: devnet.RejectCanisterReject, ErrorCode: "IC0406", Message: "no"}
		})
	}
	_, err := g.GetNetworkEconomicsParameters(ctx)
	var rej *RejectError
	if !errors.As(err, &rej) || rej.Code != RejectCanisterReject || rej.ErrorCode != "IC0406" || rej.Transient() {
		t.Errorf("query reject: %v", err)
	}
	err = g.RefreshVotingPower(ctx, 10)
	if !errors.As(err, &rej) || rej.Code != RejectCanisterReject || rej.ErrorCode != "IC0406" {
		t.Errorf("update reject: %v", err)
	}
	if a, b := net.gov.count("get_network_economics_parameters"), net.gov.count("manage_neuron"); a != 1 || b != 1 {
		t.Errorf("non-transient rejects retried: %d, %d calls", a, b)
	}

	// A trap (bad argument) is a reject 5 / IC0503.
	net.gov.setOverride("get_neuron_info", func(devnet.Call) ([]byte, error) {
		return nil, &devnet.CandidError{Err: errors.New("bad arg")}
	})
	_, err = g.GetNeuronInfo(ctx, 10)
	if !errors.As(err, &rej) || rej.Code != RejectCanisterError || rej.ErrorCode != "IC0503" {
		t.Errorf("trap: %v", err)
	}
}
