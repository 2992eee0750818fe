package console

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/nns"
)

// The hostile texts the alert tests use, plus an RTL override and a 100 KB summary.
const (
	xssScript = `<script>window.__xss=1;alert(1)</script>`
	xssImg    = `"><img src=x onerror="window.__xss=2;alert(2)">`
	rtlTitle  = "Increase rewards \u202Egnp.exe"
)

var hugeSummary = strings.Repeat("A", 40000) + " " + strings.Repeat("long summary [click](javascript:window.__xss=3) ", 1300)

// decideCall is one Decide or ClearOverride the fake received.
type decideCall struct {
	Op               string
	Root             string // "" for the NNS
	Proposal, Neuron uint64
	Vote             nns.Vote
}

// snsRoot is the fake's SNS, whose name is a stranger's text (get_metadata's).
const (
	snsRoot = "rrkah-fqaaa-aaaaa-aaaaq-cai"
	snsName = `Open<b>Chat</b>`
)

// propKey names a proposal within its governance: ids repeat across them.
type propKey struct {
	root string
	id   uint64
}

// fakeSource is a daemon stand-in: two neurons, a manual Governance motion, an automatic
// proposal, hostile ones, a closed proposal 3 (Proposal only, as the daemon's store keeps it) and proposal 9 that closes
// when decided. Decide stores an override that the pages
// then show, as the daemon would after its next pass.
type fakeSource struct {
	mu    sync.Mutex
	now   time.Time
	props map[propKey]*Proposal
	calls []decideCall
}

func newFakeSource(now time.Time) *fakeSource {
	neurons := func(manual bool) []Ballot {
		if manual {
			return []Ballot{
				{Neuron: 42, Alias: "main", Action: "ask", Manual: true, Rule: "governance-manual", Reason: `rule "governance-manual" (topic Governance): ask; fallback none at ` + now.Add(28*time.Hour).UTC().Format(time.RFC3339)},
				{Neuron: 77, Alias: "cold", Action: "ask", Manual: true, Rule: "governance-manual", Reason: `rule "governance-manual" (topic Governance): ask; fallback none at ` + now.Add(28*time.Hour).UTC().Format(time.RFC3339)},
			}
		}
		return []Ballot{
			{Neuron: 42, Alias: "main", Action: "vote", Vote: nns.VoteYes, At: now.Add(2 * time.Hour), Source: "rule", Rule: "replica-yes", Reason: "rule replica-yes: topic IcOsVersionElection → yes after 2h"},
			{Neuron: 77, Alias: "cold", Voted: nns.VoteYes, Action: "voted", Reason: "ballot already filled (by following or an earlier vote)"},
		}
	}
	ps := []*Proposal{
		{ID: 4, Topic: nns.TopicGovernance, Status: nns.ProposalStatusOpen, Action: "Motion", Title: "Motion to fund the community dashboard",
			Summary: "We propose…\n\nSee [the forum](https://forum.example/t/1) for details.", URL: "https://forum.example/t/1",
			Created: now.Add(-24 * time.Hour), Deadline: now.Add(3*24*time.Hour + 4*time.Hour),
			Tally: Tally{Yes: 30e12, No: 5e12, Total: 50e12}, Ballots: neurons(true)},
		{ID: 5, Topic: nns.TopicIcOsVersionElection, Status: nns.ProposalStatusOpen, Action: "ExecuteNnsFunction",
			Title: "Elect new IC/OS version 0123abcd", Summary: "Release notes.", Created: now.Add(-time.Hour),
			Deadline: now.Add(3 * 24 * time.Hour), Tally: Tally{Yes: 1e12, Total: 50e12}, Ballots: neurons(false)},
		{ID: 6, Topic: nns.TopicGovernance, Status: nns.ProposalStatusOpen, Action: "Motion", Title: xssScript,
			Summary: xssScript + "\n" + xssImg, URL: "javascript:window.__xss=4", Deadline: now.Add(26 * time.Hour), Ballots: neurons(true)},
		{ID: 7, Topic: nns.TopicGovernance, Status: nns.ProposalStatusOpen, Action: "Motion", Title: xssImg,
			Summary: hugeSummary, Deadline: now.Add(50 * time.Hour), Ballots: neurons(false)},
		{ID: 8, Topic: nns.TopicSnsAndCommunityFund, Status: nns.ProposalStatusOpen, Title: rtlTitle + strings.Repeat("W", 500),
			Summary: rtlTitle, Deadline: now.Add(90 * time.Minute), Ballots: neurons(false)},
	}
	// The SNS's proposal 4: the same number as the NNS's motion, a manual decision too.
	ps = append(ps, &Proposal{ID: 4, Root: snsRoot, DAO: snsName, SNSTopic: "TreasuryAssetManagement", Status: nns.ProposalStatusOpen,
		Action: "TransferSnsTreasuryFunds", Title: "Pay the auditors " + xssScript, Summary: xssImg, Deadline: now.Add(5 * time.Hour),
		Tally: Tally{Yes: 2e12, Total: 9e12, SNS: true},
		Ballots: []Ballot{{Neuron: 0x0102030405060708, ShortID: "0102030405060708", Alias: "sns-main", Action: "ask", Manual: true,
			Rule: "treasury-manual", Reason: `rule "treasury-manual": ask`}}})
	f := &fakeSource{now: now, props: map[propKey]*Proposal{}}
	for _, p := range ps {
		f.props[propKey{p.Root, p.ID}] = p
	}
	return f
}

func (f *fakeSource) Overview(context.Context) (Overview, error) {
	return Overview{
		Instance: "vb-1 " + xssScript, LastPoll: f.now.Add(-40 * time.Second),
		Neurons: []Neuron{
			{ID: 42, Alias: "main", Readable: true, DecidingVotingPower: 123456789012345, PotentialVotingPower: 130000000000000,
				RewardPeriod: Participation{9, 9}, Last30Days: Participation{58, 60}, DecayStarts: f.now.Add(150 * 24 * time.Hour)},
			{ID: 77, Alias: "cold " + xssImg, Readable: true, DecidingVotingPower: 5e10, PotentialVotingPower: 5e10,
				RewardPeriod: Participation{8, 9}, Last30Days: Participation{50, 60}, DecayStarts: f.now.Add(20 * 24 * time.Hour),
				Warnings: []string{"voting power starts to decay in 20 days: refresh it (votebot refresh)", "neuron is dissolving: 5 months until it can no longer vote"}},
			{ID: 0x0102030405060708, ShortID: "0102030405060708", Alias: "sns-main", DAO: snsName, Readable: true, DecidingVotingPower: 7e10,
				RewardPeriod: Participation{2, 3}, Last30Days: Participation{2, 3}},
		},
		Alerts: []alert.State{{Key: "k", Kind: alert.KindManualDecisionNeeded, Neuron: 42, ProposalID: 4,
			FirstFired: f.now.Add(-time.Hour), Deadline: f.now.Add(76 * time.Hour), Severity: alert.SeverityWarning}},
		Endpoints: []Endpoint{{URL: "https://icp-api.io", Up: true, LastOK: f.now.Add(-40 * time.Second)},
			{URL: "https://backup.example", LastError: "dial tcp: connection refused"}},
	}, nil
}

func (f *fakeSource) OpenProposals(context.Context) ([]Proposal, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Proposal
	for _, root := range []string{"", snsRoot} {
		for id := uint64(1); id < 100; id++ {
			if p, ok := f.props[propKey{root, id}]; ok {
				out = append(out, *p)
			}
		}
	}
	return out, nil
}

func (f *fakeSource) Proposal(_ context.Context, root string, id uint64) (Proposal, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if id == 3 && root == "" { // closed: what the daemon's store keeps
		return Proposal{ID: 3, Topic: nns.TopicIcOsVersionElection, Title: "Elect IC/OS " + xssImg, Deadline: f.now.Add(-time.Hour), Closed: true,
			Ballots: []Ballot{{Neuron: 42, Alias: "main", Action: "voted", Voted: nns.VoteYes, Source: "rule", Reason: `votebot voted Yes by rule: rule "replica-yes" (topic IcOsVersionElection): vote Yes`},
				{Neuron: 77, Alias: "cold", Action: "missed", Reason: "voting ended with the ballot empty"}}}, nil
	}
	p, ok := f.props[propKey{root, id}]
	if !ok {
		return Proposal{}, fmt.Errorf("proposal %d: %w", id, ErrNotFound)
	}
	cp := *p
	cp.Ballots = append([]Ballot(nil), p.Ballots...)
	return cp, nil
}

func (f *fakeSource) History(context.Context) (History, error) {
	h := History{
		Votes: []VoteRecord{{At: f.now.Add(-2 * time.Hour), Proposal: 3, Title: xssScript, Neuron: 42, Alias: "main", Vote: nns.VoteYes, Reason: "rule replica-yes"},
			{At: f.now.Add(-26 * time.Hour), Proposal: 2, Title: "Update node rewards", Neuron: 77, Alias: "cold", Vote: nns.VoteNo, Reason: "override (votebot vote)"}},
		Misses: []Miss{{Deadline: f.now.Add(-5 * 24 * time.Hour), Proposal: 1, Title: xssImg, Neuron: 77, Alias: "cold", CostE8s: 123456789}},
	}
	for _, n := range []struct {
		name string
		base float64
	}{{"main", 0.97}, {"cold " + xssScript, 0.8}} {
		s := Series{Name: n.name}
		for d := 30; d >= 0; d-- {
			s.Points = append(s.Points, Point{At: f.now.Add(-time.Duration(d) * 24 * time.Hour), Rate: n.base + 0.03*float64(d%3)/2})
		}
		h.Participation = append(h.Participation, s)
	}
	return h, nil
}

func (f *fakeSource) Decide(_ context.Context, root string, proposal, neuron uint64, v nns.Vote) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	p, ok := f.props[propKey{root, proposal}]
	if !ok || proposal == 9 {
		return fmt.Errorf("proposal %d: %w", proposal, ErrProposalNotOpen)
	}
	found := false
	for i := range p.Ballots {
		if neuron == 0 || p.Ballots[i].Neuron == neuron {
			p.Ballots[i].Override, found = v, true
		}
	}
	if !found {
		return fmt.Errorf("neuron %d: %w", neuron, ErrNeuronNotConfigured)
	}
	f.calls = append(f.calls, decideCall{"decide", root, proposal, neuron, v})
	return nil
}

func (f *fakeSource) ClearOverride(_ context.Context, root string, proposal, neuron uint64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	p, ok := f.props[propKey{root, proposal}]
	if !ok {
		return fmt.Errorf("proposal %d: %w", proposal, ErrProposalNotOpen)
	}
	for i := range p.Ballots {
		if neuron == 0 || p.Ballots[i].Neuron == neuron {
			p.Ballots[i].Override = nns.VoteUnspecified
		}
	}
	f.calls = append(f.calls, decideCall{"clear", root, proposal, neuron, 0})
	return nil
}

func (f *fakeSource) recorded() []decideCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]decideCall(nil), f.calls...)
}
