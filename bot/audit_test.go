package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/rewards"
)

type auditGov struct {
	*fakeGov
	ev RewardEvent
}

func (g *auditGov) LatestRewardEvent(context.Context) (RewardEvent, error) { return g.ev, nil }

type auditMem struct {
	*memStore
	obs    []rewards.Observation
	audits []rewards.MaturityAudit
	snap   []byte // the snapshot as JSON, as the store keeps it
}

func (s *auditMem) SaveAuditSnapshot(_ context.Context, snap AuditSnapshot) error {
	data, err := json.Marshal(snap)
	s.snap = data
	return err
}

func (s *auditMem) AuditSnapshot(context.Context) (AuditSnapshot, error) {
	var snap AuditSnapshot
	if s.snap == nil {
		return snap, nil
	}
	err := json.Unmarshal(s.snap, &snap)
	return snap, err
}

func (s *auditMem) ObservationsOf(_ context.Context, ids []uint64) ([]rewards.Observation, error) {
	var out []rewards.Observation
	for _, o := range s.obs {
		for _, id := range ids {
			if o.ProposalID == id {
				out = append(out, o)
			}
		}
	}
	return out, nil
}

func (s *auditMem) RecordAudits(_ context.Context, a []rewards.MaturityAudit) error {
	s.audits = append(s.audits, a...)
	return nil
}

// TestAuditReadsAfterTheEvent walks the audit through fresh neuron reads:
// the read that first sees a new event may predate it, so the audit waits
// for the next read; two events between reads are not audited; a neuron
// paid less than 99 % is flagged and alerted once.
func TestAuditReadsAfterTheEvent(t *testing.T) {
	settled := []rewards.Observation{
		{ProposalID: 7, Neuron: 1, Topic: nns.TopicGovernance, Ballot: rewards.BallotVotedDirect, Vote: nns.VoteYes,
			BallotVP: 5e10, TotalPotentialVP: 4e11},
		{ProposalID: 7, Neuron: 2, Topic: nns.TopicGovernance, Ballot: rewards.BallotVotedFollowing, Vote: nns.VoteNo,
			BallotVP: 1e10, TotalPotentialVP: 4e11},
	}
	const pool = 1_000_000_000
	sp := []rewards.SettledProposal{{ID: 7, Topic: nns.TopicGovernance, TotalPotentialVotingPower: 4e11, Ballots: []rewards.Ballot{
		{Neuron: 1, Vote: nns.VoteYes, VotingPower: 5e10}, {Neuron: 2, Vote: nns.VoteNo, VotingPower: 1e10}}}}
	want1, _ := rewards.ExpectedMaturityE8s(pool, sp, 1)
	want2, _ := rewards.ExpectedMaturityE8s(pool, sp, 2)
	if want1 == 0 || want2 == 0 {
		t.Fatal("nothing expected: the test proves nothing")
	}

	clk := &clock{t: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)}
	gov := &auditGov{fakeGov: newFakeGov(clk.Now), ev: RewardEvent{Day: 10}}
	st := &auditMem{memStore: newMemStore(), obs: settled}
	al := newRecAlerter()
	opts := Options{PollInterval: time.Hour, Neurons: []NeuronConfig{{ID: 1, Alias: "one"}, {ID: 2}}}
	b, err := New(Deps{Gov: gov, Errors: fakeErrs{}, Store: st, Alerter: al, Decider: topicDecider{},
		Logger: zerolog.New(io.Discard), Now: clk.Now}, opts)
	if err != nil {
		t.Fatal(err)
	}
	read := func(m1, m2 uint64) {
		b.neuronReads++
		b.auditRewards(context.Background(), opts, map[uint64]Neuron{
			1: {ID: 1, Authorized: true, Maturity: rewards.Maturity{MaturityE8s: m1}},
			2: {ID: 2, Authorized: true, Maturity: rewards.Maturity{StakedMaturityE8s: m2}},
		})
	}
	read(100, 200) // baseline, day 10
	gov.ev = RewardEvent{Day: 11, PoolE8s: pool, Settled: []uint64{7}, At: clk.Now()}
	read(100, 200) // sees day 11, but its maturity may predate the event
	if len(st.audits) != 0 {
		t.Fatalf("audited on the read that first saw the event: %+v", st.audits)
	}
	read(100+want1, 200+want2/2) // after the event: neuron 2 got half
	if len(st.audits) != 2 {
		t.Fatalf("audits %+v, want one per neuron", st.audits)
	}
	if a := st.audits[0]; a.Neuron != 1 || a.Status != rewards.AuditOK || a.ReceivedE8s != int64(want1) {
		t.Errorf("neuron 1: %+v", a)
	}
	if a := st.audits[1]; a.Neuron != 2 || !a.Low() {
		t.Errorf("neuron 2: %+v, want low", a)
	}
	if len(al.delivered) != 1 {
		t.Errorf("alerts %v, want one rewards_low", al.delivered)
	}
	for _, a := range al.active {
		if a.Kind != alert.KindRewardsLow || a.Neuron != 2 {
			t.Errorf("alert %+v", a)
		}
	}
	// Two events between reads: what arrived cannot be split; not audited, and recorded as
	// such, so the report does not take the audit's sum for what was paid.
	// Neuron 2's maturity did not move: it received nothing at either event, which the audit's
	// sum already says; only neuron 1's are unknown.
	gov.ev.Day = 13
	read(100+3*want1, 200+want2/2)
	read(100+3*want1, 200+want2/2)
	var unread []string
	for _, a := range st.audits[2:] {
		if a.Status != rewards.AuditUnread {
			t.Errorf("audited across two events: %+v", a)
		}
		unread = append(unread, fmt.Sprintf("%d/%d", a.Neuron, a.Event.DayAfterGenesis))
	}
	if got := strings.Join(unread, " "); got != "1/12 1/13" {
		t.Errorf("events recorded as not audited (neuron/day): %q, want days 12 and 13 for neuron 1 only", got)
	}
}

// A restart between the reads around a reward event loses nothing: the new
// Bot audits the first event after the restart against the maturity the
// previous process read before it (kept in the store), whether the restart
// came before the event was seen or between the two reads that audit it.
func TestAuditSurvivesRestart(t *testing.T) {
	settled := []rewards.Observation{{ProposalID: 7, Neuron: 1, Topic: nns.TopicGovernance,
		Ballot: rewards.BallotVotedDirect, Vote: nns.VoteYes, BallotVP: 5e10, TotalPotentialVP: 4e11}}
	const pool = 1_000_000_000
	want, _ := rewards.ExpectedMaturityE8s(pool, []rewards.SettledProposal{{ID: 7, Topic: nns.TopicGovernance,
		TotalPotentialVotingPower: 4e11, Ballots: []rewards.Ballot{{Neuron: 1, Vote: nns.VoteYes, VotingPower: 5e10}}}}, 1)
	for _, restartAfter := range []int{1, 2} { // fresh reads before the restart
		t.Run(fmt.Sprintf("restart after %d reads", restartAfter), func(t *testing.T) {
			clk := &clock{t: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)}
			gov := &auditGov{fakeGov: newFakeGov(clk.Now), ev: RewardEvent{Day: 10}}
			st := &auditMem{memStore: newMemStore(), obs: settled}
			opts := Options{PollInterval: time.Hour, Neurons: []NeuronConfig{{ID: 1}}}
			newBot := func() *Bot {
				b, err := New(Deps{Gov: gov, Errors: fakeErrs{}, Store: st, Alerter: newRecAlerter(), Decider: topicDecider{},
					Logger: zerolog.New(io.Discard), Now: clk.Now}, opts)
				if err != nil {
					t.Fatal(err)
				}
				return b
			}
			b := newBot()
			reads := 0
			read := func(m uint64) {
				if reads == restartAfter {
					b = newBot() // the restart: same store, new process
				}
				reads++
				b.neuronReads++
				b.auditRewards(context.Background(), opts, map[uint64]Neuron{
					1: {ID: 1, Authorized: true, Maturity: rewards.Maturity{MaturityE8s: m}}})
			}
			read(100) // before the event, day 10
			gov.ev = RewardEvent{Day: 11, PoolE8s: pool, Settled: []uint64{7}, At: clk.Now()}
			read(100)        // sees day 11
			read(100 + want) // after it
			if len(st.audits) != 1 || st.audits[0].Status != rewards.AuditOK || st.audits[0].ReceivedE8s != int64(want) {
				t.Fatalf("audits %+v, want day 11 audited OK with %d e8s received", st.audits, want)
			}
		})
	}
}
