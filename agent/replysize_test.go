package agent

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"testing"
	"time"

	agentid "github.com/aviate-labs/agent-go/identity"
	"github.com/aviate-labs/agent-go/principal"
	"github.com/fxamacker/cbor/v2"
	"github.com/rs/zerolog"

	"github.com/votebot/votebot/devnet"
	"github.com/votebot/votebot/devnet/governance"
	"github.com/votebot/votebot/nns"
)

// replyNet is a devnet governance with many of the bot's neurons and open
// proposals, built through the devnet's own API.
type replyNet struct {
	url, rootKey string
	gov          *governance.Canister
	id           agentid.Identity
	neurons      []uint64
	proposals    []uint64
}

func startReplyNet(t testing.TB, neurons, proposals int, limits devnet.ReplyLimits) *replyNet {
	t.Helper()
	gov, err := governance.New(governance.Config{})
	if err != nil {
		t.Fatal(err)
	}
	srv, url := serveDevnetConfig(t, devnet.Config{Logger: zerolog.Nop(), ReplyLimits: limits}, gov)
	n := &replyNet{url: url, rootKey: hex.EncodeToString(srv.RootKey()), gov: gov, id: newIdentity(t)}
	proposer, err := gov.AddNeuron(governance.NeuronSpec{Controller: controller, HotKeys: []principal.Principal{principal.AnonymousID},
		StakeE8s: 100_000_000, DissolveDelay: 365 * 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	for range neurons {
		id, err := gov.AddNeuron(governance.NeuronSpec{Controller: controller, HotKeys: []principal.Principal{n.id.Sender()},
			StakeE8s: 10 * 100_000_000, DissolveDelay: 365 * 24 * time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		n.neurons = append(n.neurons, id)
	}
	for i := range proposals {
		id, err := gov.SubmitProposal(governance.ProposalSpec{Proposer: proposer, Title: fmt.Sprintf("motion %d", i),
			Summary: "s", URL: "https://example.org", Action: nns.Action{Motion: &nns.Motion{MotionText: "m"}}})
		if err != nil {
			t.Fatal(err)
		}
		n.proposals = append(n.proposals, id)
	}
	return n
}

// countingTransport counts requests and response bytes per method (the
// method_name of the request envelope; "read_state" for those).
type countingTransport struct {
	base  http.RoundTripper
	mu    sync.Mutex
	calls map[string]int
	bytes map[string][]int
}

func (c *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	method := "other"
	if req.Body != nil {
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
		var env struct {
			Content struct {
				Type   string `cbor:"request_type"`
				Method string `cbor:"method_name"`
			} `cbor:"content"`
		}
		if cbor.Unmarshal(body, &env) == nil {
			method = env.Content.Method
			if env.Content.Type == "read_state" {
				method = "read_state"
			}
		}
	}
	resp, err := c.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	c.mu.Lock()
	c.calls[method]++
	c.bytes[method] = append(c.bytes[method], len(body))
	c.mu.Unlock()
	return resp, err
}

func (n *replyNet) client(t testing.TB) (*Governance, *countingTransport) {
	t.Helper()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(tr.CloseIdleConnections)
	ct := &countingTransport{base: tr, calls: map[string]int{}, bytes: map[string][]int{}}
	cfg := testConfig([]string{n.url}, n.rootKey, n.id)
	cfg.CallTimeout = time.Minute
	cfg.Transport = ct
	return newClient(t, cfg), ct
}

func (c *countingTransport) reset() (map[string]int, map[string][]int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	calls, bytes := c.calls, c.bytes
	c.calls, c.bytes = map[string]int{}, map[string][]int{}
	return calls, bytes
}

// At 3,000 neurons × 100 proposals a list_proposals page of 100 is over
// the replica's 3 MiB query reply limit (about 60 kB of ballots per
// proposal): the client halves the page until it fits, reads every
// proposal with every ballot, and starts the next listing at the size that
// fit. That size runs with VOTEBOT_SOAK=1 (seconds, but 6 MB replies); by
// default a tenth of the neurons against a tenth of the limit has the
// same shape.
func TestListProposalsHalvesOverReplyLimit(t *testing.T) {
	neurons, proposals, limits := 300, 100, devnet.ReplyLimits{NonReplicated: devnet.MaxNonReplicatedReplyBytes / 10}
	if os.Getenv("VOTEBOT_SOAK") != "" {
		neurons, limits = 3000, devnet.ReplyLimits{}
	}
	start := time.Now()
	n := startReplyNet(t, neurons, proposals, limits)
	t.Logf("devnet: %d neurons × %d proposals built in %s", neurons, proposals, time.Since(start).Round(time.Millisecond))
	g, ct := n.client(t)
	ctx := context.Background()
	for listing := 1; listing <= 2; listing++ {
		start := time.Now()
		all, err := g.ListProposals(ctx, nns.ListProposalInfoRequest{IncludeRewardStatus: []int32{int32(nns.RewardStatusAcceptVotes)}})
		took := time.Since(start)
		if err != nil {
			t.Fatalf("listing %d: %v", listing, err)
		}
		checkAllBallots(t, all, proposals, neurons)
		calls, sizes := ct.reset()
		t.Logf("listing %d: %d proposals in %s; list_proposals calls %d, HTTP reply bytes %v; read_state %d",
			listing, len(all), took.Round(time.Millisecond), calls["list_proposals"], sizes["list_proposals"], calls["read_state"])
		if listing == 1 && calls["list_proposals"] <= 3 {
			t.Errorf("first listing made %d list_proposals calls: no page of 100 was refused, so nothing was halved", calls["list_proposals"])
		}
		g.pageLimit.mu.Lock()
		fits := g.pageLimit.fits
		g.pageLimit.mu.Unlock()
		if fits < 1 || fits >= 100 {
			t.Errorf("listing %d: remembered page size %d, want a halved size in 1..99", listing, fits)
		}
		if listing == 2 && calls["list_proposals"] > 3 {
			t.Errorf("second listing made %d list_proposals calls; want the remembered page size (3: two pages and an empty one)", calls["list_proposals"])
		}
	}
}

func checkAllBallots(t *testing.T, all []nns.ProposalInfo, proposals, neurons int) {
	t.Helper()
	if len(all) != proposals {
		t.Fatalf("got %d proposals, want %d", len(all), proposals)
	}
	seen := map[uint64]bool{}
	for _, p := range all {
		if p.Id == nil || seen[p.Id.Id] {
			t.Fatalf("proposal id missing or repeated: %+v", p.Id)
		}
		seen[p.Id.Id] = true
		if len(p.Ballots) != neurons {
			t.Fatalf("proposal %d: %d ballots, want %d", p.Id.Id, len(p.Ballots), neurons)
		}
	}
}

// When even one proposal's reply is over the limit, it is read unsigned
// (no ballots) and its ballots come from the bot's neurons' recent
// ballots: votes cast show, the rest are empty ballots.
func TestListProposalsOneProposalOverReplyLimit(t *testing.T) {
	neurons, proposals := 300, 20
	if os.Getenv("VOTEBOT_SOAK") != "" {
		neurons, proposals = 3000, 100
	}
	// One proposal carries 20 bytes of ballot per neuron: 6 kB at 300.
	limit := neurons * 20 / 2
	n := startReplyNet(t, neurons, proposals, devnet.ReplyLimits{NonReplicated: limit})
	voted := map[[2]uint64]nns.Vote{}
	for i, p := range n.proposals {
		for j, nn := range n.neurons {
			if (i+j)%7 == 0 {
				v := nns.VoteYes
				if j%2 == 1 {
					v = nns.VoteNo
				}
				if err := n.gov.CastVote(nn, p, v); err != nil {
					t.Fatal(err)
				}
				voted[[2]uint64{p, nn}] = v
			}
		}
	}
	g, ct := n.client(t)
	start := time.Now()
	all, err := g.ListProposals(context.Background(), nns.ListProposalInfoRequest{})
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	checkAllBallots(t, all, proposals, neurons)
	for _, p := range all {
		for _, b := range p.Ballots {
			if want := voted[[2]uint64{p.Id.Id, b.NeuronId}]; nns.Vote(b.Ballot.Vote) != want {
				t.Fatalf("proposal %d neuron %d: vote %d, want %d", p.Id.Id, b.NeuronId, b.Ballot.Vote, want)
			}
		}
	}
	calls, sizes := ct.reset()
	t.Logf("%d neurons × %d proposals, query reply limit %d B: %s; list_proposals %d calls, list_neurons %d calls (reply bytes %v)",
		neurons, proposals, limit, took.Round(time.Millisecond), calls["list_proposals"], calls["list_neurons"], sizes["list_neurons"])
}

// BenchmarkListProposalsOverReplyLimit: one listing of 100 proposals whose
// page of 100 is over the query reply limit (the remembered page size
// after the first listing). VOTEBOT_SOAK=1: 3,000 neurons at the real
// limit; otherwise 300 at a tenth of it.
func BenchmarkListProposalsOverReplyLimit(b *testing.B) {
	neurons, limits := 300, devnet.ReplyLimits{NonReplicated: devnet.MaxNonReplicatedReplyBytes / 10}
	if os.Getenv("VOTEBOT_SOAK") != "" {
		neurons, limits = 3000, devnet.ReplyLimits{}
	}
	n := startReplyNet(b, neurons, 100, limits)
	g, ct := n.client(b)
	ctx := context.Background()
	req := nns.ListProposalInfoRequest{IncludeRewardStatus: []int32{int32(nns.RewardStatusAcceptVotes)}}
	b.ResetTimer()
	for b.Loop() {
		if _, err := g.ListProposals(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
	calls, sizes := ct.reset()
	var bytes int
	for _, s := range sizes["list_proposals"] {
		bytes += s
	}
	b.ReportMetric(float64(calls["list_proposals"])/float64(b.N), "list_proposals/op")
	b.ReportMetric(float64(bytes)/float64(b.N), "reply-bytes/op")
}
