package rewards

import (
	"fmt"
	"time"
)

// The reward audit checks the model against the chain: at each reward
// event the bot reads its neurons' maturity before and after, and compares
// what arrived with what the participation it recorded predicts.

// LowRewardRatio is the ratio of received to expected maturity below which
// an event is flagged: above it lie only rounding and the pool's
// truncation to whole e8s.
const LowRewardRatio = 0.99

// LowRewardMessage is what a flagged event says.
const LowRewardMessage = "rewards lower than your participation predicts"

// Maturity is a neuron's maturity as full neuron data reports it. Both
// parts count: with auto-stake on, rewards arrive as staked maturity.
type Maturity struct {
	MaturityE8s       uint64 `json:"maturity_e8s"`        // maturity_e8s_equivalent
	StakedMaturityE8s uint64 `json:"staked_maturity_e8s"` // staked_maturity_e8s_equivalent (0 if absent)
}

func (m Maturity) total() uint64 { return saturatingAdd(m.MaturityE8s, m.StakedMaturityE8s) }

// RewardEventRef names a reward event (get_latest_reward_event).
type RewardEventRef struct {
	DayAfterGenesis uint64    `json:"day_after_genesis"`
	At              time.Time `json:"at"` // actual_timestamp_seconds
}

// ExpectedMaturityE8s is the maturity the event pays neuron: the
// canister's formula (DistributeRewards) over the proposals the event
// settled, with poolE8s the event's pool (total_available_e8s_equivalent,
// or EventPoolE8s when the supply is known exactly). The proposals need
// only the neuron's own ballot, but every settled proposal with its total
// potential voting power: the denominator sums them all. ok is false when a
// proposal lacks that figure (its ballots would stand in for the whole
// network and inflate the prediction). Given total_available_e8s_equivalent,
// which is the pool truncated to e8s, the prediction can fall 1 e8 short of
// what the canister pays from the untruncated pool, never above it.
func ExpectedMaturityE8s(poolE8s float64, settled []SettledProposal, neuron uint64) (e8s uint64, ok bool) {
	for _, p := range settled {
		if p.TotalPotentialVotingPower == 0 {
			return 0, false
		}
	}
	return DistributeRewards(poolE8s, settled).RewardsE8s[neuron], true
}

// AuditStatus is the verdict on one neuron at one reward event.
type AuditStatus string

const (
	AuditOK AuditStatus = "ok"
	// AuditLow: received < LowRewardRatio × expected.
	AuditLow AuditStatus = "low"
	// AuditNothingExpected: the participation predicts no reward.
	AuditNothingExpected AuditStatus = "nothing_expected"
	// AuditMaturityLeft: maturity fell across the event (spawned or
	// disbursed in between), so what arrived cannot be told.
	AuditMaturityLeft AuditStatus = "maturity_left"
	// AuditUnread: the event came while votebot could not read the maturity
	// before and after it (down across it, or a second event before the
	// next read): what arrived is not known, and an EARNED taken from the
	// audit would leave it out.
	AuditUnread AuditStatus = "unread"
)

// MaturityAudit is one neuron's row for one reward event; the store keeps
// them and the report shows them.
type MaturityAudit struct {
	Neuron      uint64         `json:"neuron"`
	Event       RewardEventRef `json:"event"`
	ExpectedE8s uint64         `json:"expected_e8s"`
	// ReceivedE8s is total maturity after minus before; negative when
	// maturity left the neuron.
	ReceivedE8s int64 `json:"received_e8s"`
	// Ratio is received / expected; nil when nothing was expected.
	Ratio  *float64    `json:"ratio"`
	Status AuditStatus `json:"status"`
}

// Low reports a flagged event.
func (a MaturityAudit) Low() bool { return a.Status == AuditLow }

// AuditMaturity compares the maturity a neuron received across an event
// with what was expected.
func AuditMaturity(neuron uint64, ev RewardEventRef, expectedE8s uint64, before, after Maturity) MaturityAudit {
	a := MaturityAudit{Neuron: neuron, Event: ev, ExpectedE8s: expectedE8s, ReceivedE8s: diffE8s(after.total(), before.total())}
	switch {
	case a.ReceivedE8s < 0:
		a.Status = AuditMaturityLeft
	case expectedE8s == 0:
		a.Status = AuditNothingExpected
	default:
		a.Ratio = AuditRatio(a.ReceivedE8s, expectedE8s)
		a.Status = AuditOK
		if *a.Ratio < LowRewardRatio {
			a.Status = AuditLow
		}
	}
	return a
}

// diffE8s is after − before, clamped to the int64 range.
func diffE8s(after, before uint64) int64 {
	const maxInt = uint64(1<<63 - 1)
	if after >= before {
		return int64(min(after-before, maxInt))
	}
	return -int64(min(before-after, maxInt))
}

// String is a one-line verdict.
func (a MaturityAudit) String() string {
	s := fmt.Sprintf("neuron %d, reward event of day %d: expected %d e8s, received %d e8s", a.Neuron,
		a.Event.DayAfterGenesis, a.ExpectedE8s, a.ReceivedE8s)
	switch a.Status {
	case AuditLow:
		return s + fmt.Sprintf(" (%.1f%%): %s", 100**a.Ratio, LowRewardMessage)
	case AuditMaturityLeft:
		return s + ": maturity left the neuron across the event, not audited"
	case AuditUnread:
		return fmt.Sprintf("neuron %d, reward event of day %d: not audited (the maturity around it was not read)",
			a.Neuron, a.Event.DayAfterGenesis)
	}
	return s
}

// AuditRatio is received / expected maturity, nil when nothing was expected
// or maturity left the neuron: the one rule for audits made now and read
// back from the store.
func AuditRatio(receivedE8s int64, expectedE8s uint64) *float64 {
	if expectedE8s == 0 || receivedE8s < 0 {
		return nil
	}
	r := float64(receivedE8s) / float64(expectedE8s)
	return &r
}
