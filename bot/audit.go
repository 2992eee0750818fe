package bot

import (
	"context"
	"fmt"
	"time"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/rewards"
)

// The reward audit checks rewards/'s model against the chain. Each time the
// neurons are read afresh, the loop also reads the latest reward event. When
// exactly one event lies between two reads, the maturity that arrived in
// between is compared with what the event pays by the canister's formula
// over the proposals it settled, from the ballots and total potential
// voting power the store observed while they were open. Maturity changes
// only by rewards between two reads (spawning or disbursing shows as
// maturity that left, and is not audited).

// RewardEvent is what the audit needs of get_latest_reward_event.
type RewardEvent struct {
	Day     uint64    // day_after_genesis
	At      time.Time // actual_timestamp_seconds
	PoolE8s uint64    // total_available_e8s_equivalent
	Settled []uint64  // settled_proposals
}

// RewardEventReader is implemented by a Governance that can read the
// latest reward event (daemon.AgentGov). Without it there is no audit.
type RewardEventReader interface {
	LatestRewardEvent(ctx context.Context) (RewardEvent, error)
}

// AuditStore is implemented by a Store that keeps the reward audit
// (*store.Store). Without it there is no audit.
type AuditStore interface {
	// ObservationsOf lists the observations of the given proposals.
	ObservationsOf(ctx context.Context, proposals []uint64) ([]rewards.Observation, error)
	RecordAudits(ctx context.Context, audits []rewards.MaturityAudit) error
	// SaveAuditSnapshot keeps the audit's snapshot across restarts;
	// AuditSnapshot reads it back (the zero snapshot when none was saved).
	SaveAuditSnapshot(ctx context.Context, s AuditSnapshot) error
	AuditSnapshot(ctx context.Context) (AuditSnapshot, error)
}

// AuditSnapshot is the maturity of each neuron at the last fresh read, and
// the reward event that was the latest then. The store keeps it, so the
// first reward event after a restart is audited against the maturity read
// before it (by the previous process).
//
// The event is read after the neurons, so a snapshot labelled day D was
// read before event D+1 happened: it is a safe "before". The read that
// first sees D+1 may still predate the event (it can happen between the
// two calls), so the "after" is the next read, made once D+1 was known,
// provided that read still sees D+1.
type AuditSnapshot struct {
	Day      uint64                      `json:"day"`
	Maturity map[uint64]rewards.Maturity `json:"maturity"`
	// Pending: event PendingDay was seen; audited at the next fresh read
	// against PendingBefore.
	PendingDay    uint64                      `json:"pending_day,omitempty"`
	PendingBefore map[uint64]rewards.Maturity `json:"pending_before,omitempty"`
}

// auditState is the loop's side of the audit: the snapshot, and whether
// it was loaded from the store yet.
type auditState struct {
	reads  int // b.neuronReads when last taken
	loaded bool
	AuditSnapshot
}

// auditRewards runs after readNeurons (pass.go): after a fresh read of the
// neurons (the read counter moved; a failed or cached read does not move
// it) it reads the latest reward event and audits the neurons once a new
// event is known to lie between two reads.
func (b *Bot) auditRewards(ctx context.Context, opts Options, state map[uint64]Neuron) {
	events, ok1 := b.gov.(RewardEventReader)
	st, ok2 := b.store.(AuditStore)
	if !ok1 || !ok2 || b.audit.reads == b.neuronReads {
		return
	}
	b.audit.reads = b.neuronReads
	if !b.audit.loaded {
		snap, err := st.AuditSnapshot(ctx)
		if err != nil {
			// Start afresh: the first event after this is not audited.
			b.log.Warn().Err(err).Msg("reward audit: read the snapshot kept before the restart")
		}
		b.audit.AuditSnapshot, b.audit.loaded = snap, true
	}
	ev, err := events.LatestRewardEvent(ctx)
	if err != nil {
		b.log.Warn().Err(err).Msg("reward audit: read the latest reward event; retried at the next neuron read")
		return
	}
	now := make(map[uint64]rewards.Maturity, len(state))
	for id, n := range state {
		if n.Authorized {
			now[id] = n.Maturity
		}
	}
	snap := &b.audit.AuditSnapshot
	if before := snap.PendingBefore; before != nil {
		snap.PendingBefore = nil
		if ev.Day == snap.PendingDay {
			b.recordAudit(ctx, st, ev, opts, before, now)
		} else {
			b.log.Info().Uint64("day", snap.PendingDay).Msg("reward audit: another reward event came before the maturity could be read; not audited")
			b.recordUnread(ctx, st, opts, snap.PendingDay, ev.Day, ev.At, before, now)
		}
	} else if snap.Maturity != nil && ev.Day == snap.Day+1 {
		snap.PendingDay, snap.PendingBefore = ev.Day, snap.Maturity
	} else if snap.Maturity != nil && ev.Day > snap.Day+1 {
		b.log.Info().Uint64("from_day", snap.Day).Uint64("to_day", ev.Day).
			Msg("reward audit: more than one reward event between two neuron reads; not audited")
		b.recordUnread(ctx, st, opts, snap.Day+1, ev.Day, ev.At, snap.Maturity, now)
	}
	snap.Day, snap.Maturity = ev.Day, now
	if err := st.SaveAuditSnapshot(ctx, *snap); err != nil {
		b.log.Warn().Err(err).Msg("reward audit: keep the snapshot for a restart")
	}
}

// recordUnread records the events of days from..to (inclusive) as not audited for every
// neuron whose maturity changed across them, so the report knows the audit does not cover them
// instead of summing without them. A neuron whose maturity did not move received nothing at
// any of them: the audit's sum stays right, and nothing is recorded. The events' times are not
// known: at is the latest event's, which lies after them.
func (b *Bot) recordUnread(ctx context.Context, st AuditStore, opts Options, from, to uint64, at time.Time,
	before, after map[uint64]rewards.Maturity) {
	var rows []rewards.MaturityAudit
	for _, nc := range opts.Neurons {
		m0, ok0 := before[nc.ID]
		m1, ok1 := after[nc.ID]
		if ok0 && ok1 && m0 == m1 {
			continue
		}
		for day := from; day <= to && day-from < maxUnreadDays; day++ {
			rows = append(rows, rewards.MaturityAudit{Neuron: nc.ID, Status: rewards.AuditUnread,
				Event: rewards.RewardEventRef{DayAfterGenesis: day, At: at.UTC()}})
		}
	}
	if len(rows) == 0 {
		return
	}
	if err := st.RecordAudits(ctx, rows); err != nil {
		b.log.Error().Err(err).Msg("reward audit: record the events not audited")
	}
}

// maxUnreadDays bounds what one gap records (a store restored from a year-old backup).
const maxUnreadDays = 400

func (b *Bot) recordAudit(ctx context.Context, st AuditStore, ev RewardEvent, opts Options, before, after map[uint64]rewards.Maturity) {
	audits, err := b.auditEvent(ctx, st, ev, opts, before, after)
	if err != nil {
		b.log.Warn().Err(err).Uint64("day", ev.Day).Msg("reward audit: this event is not audited")
		return
	}
	if err := st.RecordAudits(ctx, audits); err != nil {
		b.log.Error().Err(err).Msg("reward audit: record")
	}
	for _, a := range audits {
		line := b.log.Info()
		if a.Low() {
			line = b.log.Warn()
			b.fire(ctx, rewardsLowAlert(a)) // fire names the neuron by its alias
		}
		line.Uint64("neuron", a.Neuron).Uint64("day", a.Event.DayAfterGenesis).Uint64("expected_e8s", a.ExpectedE8s).
			Int64("received_e8s", a.ReceivedE8s).Str("status", string(a.Status)).Msg("reward audit")
	}
}

// auditEvent compares, per configured neuron read before and after, the
// maturity received with what the event's settled proposals pay.
func (b *Bot) auditEvent(ctx context.Context, st AuditStore, ev RewardEvent, opts Options,
	before, after map[uint64]rewards.Maturity) ([]rewards.MaturityAudit, error) {
	settled, err := b.settledProposals(ctx, st, ev.Settled)
	if err != nil {
		return nil, err
	}
	ref := rewards.RewardEventRef{DayAfterGenesis: ev.Day, At: ev.At.UTC()}
	var out []rewards.MaturityAudit
	for _, nc := range opts.Neurons {
		m0, ok0 := before[nc.ID]
		m1, ok1 := after[nc.ID]
		if !ok0 || !ok1 {
			continue
		}
		want, ok := rewards.ExpectedMaturityE8s(float64(ev.PoolE8s), settled, nc.ID)
		if !ok {
			return nil, fmt.Errorf("a settled proposal's total potential voting power is unknown")
		}
		out = append(out, rewards.AuditMaturity(nc.ID, ref, want, m0, m1))
	}
	return out, nil
}

// settledProposals rebuilds what the event settled: ballots and total
// potential voting power from the store's observations, the proposal
// itself for one the bot observed no ballot of (it still counts in the
// denominator).
func (b *Bot) settledProposals(ctx context.Context, st AuditStore, ids []uint64) ([]rewards.SettledProposal, error) {
	obs, err := st.ObservationsOf(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("read observations: %w", err)
	}
	byID := make(map[uint64]*rewards.SettledProposal, len(ids))
	out := make([]rewards.SettledProposal, len(ids))
	for i, id := range ids {
		out[i].ID = id
		byID[id] = &out[i]
	}
	for _, o := range obs {
		sp := byID[o.ProposalID]
		if sp == nil {
			continue
		}
		sp.Topic, sp.TotalPotentialVotingPower = o.Topic, max(sp.TotalPotentialVotingPower, o.TotalPotentialVP)
		if o.Ballot.Voted() {
			sp.Ballots = append(sp.Ballots, rewards.Ballot{Neuron: o.Neuron, Vote: o.Vote, VotingPower: o.BallotVP})
		}
	}
	for i := range out {
		if out[i].TotalPotentialVotingPower != 0 {
			continue
		}
		p, err := b.gov.Proposal(ctx, out[i].ID)
		if err != nil {
			return nil, fmt.Errorf("read proposal %d: %w", out[i].ID, err)
		}
		if p != nil {
			out[i].Topic, out[i].TotalPotentialVotingPower = p.Topic, p.TotalPotentialVP
		}
	}
	return out, nil
}

func rewardsLowAlert(a rewards.MaturityAudit) alert.Alert {
	return alert.Alert{Kind: alert.KindRewardsLow, Severity: alert.SeverityWarning, Neuron: a.Neuron,
		// One alert per neuron and event: the kind is an event, delivered once per key.
		Key:      fmt.Sprintf("%s/day%d", alert.KeyFor(alert.KindRewardsLow, a.Neuron, 0), a.Event.DayAfterGenesis),
		Headline: "Rewards lower than predicted",
		Text: fmt.Sprintf("The reward event of %s paid neuron %d %s ICP of maturity; its recorded participation predicts %s ICP (%.1f %%). "+
			"Check the neuron's ballots on that day's proposals (votebot report --proposal ID) and its voting power; "+
			"votebot report lists the audit.", a.Event.At.Format("2006-01-02"), a.Neuron, icp(a.ReceivedE8s), icp(int64(a.ExpectedE8s)), 100**a.Ratio)}
}

func icp(e8s int64) string { return fmt.Sprintf("%.4f", float64(e8s)/1e8) }
