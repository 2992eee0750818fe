package rewards

import (
	"fmt"
	"math"
	"slices"
	"time"
)

// NeuronStatus is what the bot knows of a neuron besides its ballots, from
// get_full_neuron / list_neurons. Every field but ID is optional.
type NeuronStatus struct {
	ID   uint64 `json:"id"`
	Name string `json:"name,omitempty"`
	// Stake lets the report compute potential voting power when the
	// canister's figure is not at hand.
	Stake *Stake `json:"stake,omitempty"`
	// PotentialVP and DecidingVP as the canister reported them (0: unknown).
	PotentialVP uint64 `json:"potential_voting_power,omitempty"`
	DecidingVP  uint64 `json:"deciding_voting_power,omitempty"`
	// RefreshedAt is voting_power_refreshed_timestamp_seconds.
	RefreshedAt time.Time `json:"voting_power_refreshed_at,omitempty"`
	// DecayStarts is when deciding voting power starts to fall below
	// potential: RefreshedAt plus the network's
	// start_reducing_voting_power_after_seconds as read with the neuron
	// (zero: unknown, computed from the report's economics).
	DecayStarts time.Time `json:"decay_starts,omitempty"`
	// FollowingClearedAt is when deciding voting power reaches zero and
	// following is cleared, by the network's parameters as read with the
	// neuron (zero: unknown).
	FollowingClearedAt time.Time `json:"following_cleared_at,omitempty"`
	// DissolveDelaySeconds is the neuron's dissolve delay when read.
	DissolveDelaySeconds uint64 `json:"dissolve_delay_seconds,omitempty"`
	// ReadAt is when the bot read these figures (zero: not from a read).
	ReadAt time.Time `json:"read_at,omitempty"`
}

// ReportInput is everything BuildReport needs; it does no I/O.
type ReportInput struct {
	Economics    Economics
	Now          time.Time
	Observations []Observation
	Neurons      []NeuronStatus
	// SupplyE8s is the ICP total supply; 0 leaves rewards unestimated.
	SupplyE8s uint64
	// NetworkVotingPowerE8s is the network's total potential voting power,
	// used where an observation lacks the proposal's own figure and for the
	// expected-reward projection; 0 means unknown.
	NetworkVotingPowerE8s uint64
	// Window is the window for missed proposals and rewards (default 7d).
	Window Window
	// Audit is the reward audit recorded so far (AuditMaturity rows), shown
	// as is, oldest first.
	Audit []MaturityAudit
}

// Miss is a missed proposal and what it cost.
type Miss struct {
	ProposalID uint64    `json:"proposal_id"`
	Topic      string    `json:"topic"`
	Weight     float64   `json:"weight"`
	BallotVP   uint64    `json:"ballot_vp"`
	Deadline   time.Time `json:"deadline"`
	// CostE8s is the maturity the vote would have earned; nil if unpriced.
	CostE8s *float64 `json:"cost_e8s"`
}

// NeuronReport is one neuron's section of the report.
type NeuronReport struct {
	Neuron      uint64  `json:"neuron"`
	Name        string  `json:"name,omitempty"`
	PotentialVP *uint64 `json:"potential_voting_power"`
	DecidingVP  *uint64 `json:"deciding_voting_power"`
	// BallotVP is the voting power of the neuron's latest ballot: what the
	// store knows when the neuron's own figures are not at hand.
	BallotVP           *uint64         `json:"latest_ballot_voting_power"`
	RefreshedAt        *time.Time      `json:"voting_power_refreshed_at"`
	DecayStarts        *time.Time      `json:"decay_starts"`
	FollowingClearedAt *time.Time      `json:"following_cleared_at"`
	DaysUntilDecay     *int            `json:"days_until_decay"`
	Participation      []Participation `json:"participation"`
	// Selected is the participation over the report's window.
	Selected Participation `json:"selected"`
	Missed   []Miss        `json:"missed"`
	Unknown  []uint64      `json:"unknown_proposals"`
	Pending  []uint64      `json:"pending_proposals"`
	// EarnedE8s is the maturity the neuron earned in the window: received
	// per the reward audit when the audit covers the window for it
	// (EarnedFrom "reward_audit"), else estimated from its participation
	// ("estimate").
	EarnedE8s  *float64 `json:"estimated_rewards_e8s"`
	EarnedFrom string   `json:"earned_from,omitempty"`
	LostE8s    *float64 `json:"rewards_lost_e8s"`
	// Unpriced counts proposals in the window whose reward could not be
	// estimated (no total potential voting power known).
	Unpriced int `json:"unpriced_proposals"`
	// ExpectedDailyE8s / ExpectedYearlyE8s project today's pool with the
	// deciding VP and the selected window's participation.
	ExpectedDailyE8s  *float64 `json:"expected_daily_e8s"`
	ExpectedYearlyE8s *float64 `json:"expected_yearly_e8s"`
}

// Report is the output of `votebot report`.
type Report struct {
	GeneratedAt time.Time `json:"generated_at"`
	Regime      Regime    `json:"regime"`
	Window      Window    `json:"window"`
	SupplyE8s   uint64    `json:"supply_e8s,omitempty"`
	// Data says how far the observations reach; nil when there are none.
	Data     *DataSpan       `json:"data"`
	Neurons  []NeuronReport  `json:"neurons"`
	Audit    []MaturityAudit `json:"reward_audit,omitempty"`
	Warnings []string        `json:"warnings,omitempty"`
}

// DataSpan is what the store holds: closing times of the earliest and
// latest proposal observed, and how many.
type DataSpan struct {
	From      time.Time `json:"from"`
	To        time.Time `json:"to"`
	Proposals int       `json:"proposals"`
}

// Covers reports whether the data reaches back to the window's start; a
// window that starts earlier shows only the part the data covers.
func (d *DataSpan) Covers(w Window) bool {
	return d != nil && !w.From.IsZero() && !w.From.Before(d.From)
}

// BuildReport merges the observations and reports every neuron that appears
// in them or in in.Neurons.
func BuildReport(in ReportInput) Report {
	if in.Window.To.IsZero() {
		in.Window, _ = ParseWindow("7d", in.Economics, in.Now)
	}
	r := Report{GeneratedAt: in.Now, Regime: in.Economics.Regime, SupplyE8s: in.SupplyE8s, Audit: in.Audit}
	entries, errs := Merge(in.Observations, in.Now)
	for _, err := range errs {
		r.Warnings = append(r.Warnings, err.Error())
	}
	r.Data = dataSpan(entries)
	in.Window = r.Data.clip(in.Window)
	r.Window = in.Window
	if in.NetworkVotingPowerE8s == 0 {
		in.NetworkVotingPowerE8s = latestTotalVP(entries)
	}
	shares, unpriced := entryShares(in.Economics, entries, in.SupplyE8s, in.NetworkVotingPowerE8s, in.Now)
	if in.SupplyE8s == 0 {
		r.Warnings = append(r.Warnings, "total supply unknown: rewards not estimated (the daemon records it from the ICP ledger "+
			"about daily; or give it in e8s: report --supply-e8s)")
	}
	windows := StandardWindows(in.Economics, in.Now)
	for i := range windows {
		windows[i] = r.Data.clip(windows[i])
	}
	status := map[uint64]NeuronStatus{}
	for _, n := range in.Neurons {
		status[n.ID] = n
	}
	byNeuron := map[uint64][]Entry{}
	for _, e := range entries {
		byNeuron[e.Neuron] = append(byNeuron[e.Neuron], e)
	}
	for _, id := range neuronIDs(entries, in.Neurons) {
		nr := neuronReport(in, windows, byNeuron[id], status[id], id)
		priceNeuron(&nr, in, byNeuron[id], shares, unpriced)
		earnedFromAudit(&nr, in)
		r.Neurons = append(r.Neurons, nr)
	}
	return r
}

func neuronIDs(entries []Entry, neurons []NeuronStatus) []uint64 {
	seen := map[uint64]bool{}
	var ids []uint64
	add := func(id uint64) {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	for _, n := range neurons {
		add(n.ID)
	}
	for _, e := range entries {
		add(e.Neuron)
	}
	slices.Sort(ids)
	return ids
}

func neuronReport(in ReportInput, windows []Window, entries []Entry, st NeuronStatus, id uint64) NeuronReport {
	nr := NeuronReport{Neuron: id, Name: st.Name, Missed: []Miss{}, Unknown: []uint64{}, Pending: []uint64{}}
	potential := st.PotentialVP
	if potential == 0 && st.Stake != nil {
		potential = PotentialVotingPower(in.Economics, *st.Stake)
	}
	if potential > 0 {
		nr.PotentialVP = ptr(potential)
	}
	switch {
	case potential > 0 && !st.RefreshedAt.IsZero() && st.FollowingClearedAt.After(st.DecayStarts) &&
		!st.DecayStarts.Before(st.RefreshedAt):
		// The decay dates were read with the network's own parameters (a
		// devnet compresses them): deciding voting power now by those.
		nr.DecidingVP = ptr(DecidingVotingPower(withDecay(in.Economics, st), potential, st.RefreshedAt, in.Now))
	case !st.RefreshedAt.IsZero() && potential > 0:
		nr.DecidingVP = ptr(DecidingVotingPower(in.Economics, potential, st.RefreshedAt, in.Now))
	case st.DecidingVP > 0:
		nr.DecidingVP = ptr(st.DecidingVP)
	}
	if !st.RefreshedAt.IsZero() {
		start, cleared := st.DecayStarts, st.FollowingClearedAt
		if start.IsZero() {
			start = DecayStarts(in.Economics, st.RefreshedAt)
		}
		if cleared.IsZero() {
			cleared = FollowingClearedAt(in.Economics, st.RefreshedAt)
		}
		nr.RefreshedAt = ptr(st.RefreshedAt)
		nr.DecayStarts = ptr(start)
		nr.FollowingClearedAt = ptr(cleared)
		nr.DaysUntilDecay = ptr(daysUntil(in.Now, start))
	}
	for _, w := range windows {
		nr.Participation = append(nr.Participation, ComputeParticipation(entries, id, w))
	}
	nr.Selected = ComputeParticipation(entries, id, in.Window)
	var latest time.Time
	for _, e := range entries {
		if e.Neuron != id {
			continue
		}
		if e.BallotVP > 0 && !closing(e).Before(latest) {
			latest, nr.BallotVP = closing(e), ptr(e.BallotVP)
		}
		switch {
		case e.Outcome == OutcomePending:
			nr.Pending = append(nr.Pending, e.ProposalID)
		case e.Outcome == OutcomeUnknown && in.Window.Contains(closing(e)):
			nr.Unknown = append(nr.Unknown, e.ProposalID)
		case e.Outcome == OutcomeMissed && in.Window.Contains(closing(e)):
			nr.Missed = append(nr.Missed, Miss{ProposalID: e.ProposalID, Topic: e.Topic.String(),
				Weight: e.Weight(), BallotVP: e.BallotVP, Deadline: closing(e)}) // never the zero time
		}
	}
	return nr
}

// priceNeuron fills in rewards earned and lost over the window, the cost
// of each miss, and the projection.
func priceNeuron(nr *NeuronReport, in ReportInput, entries []Entry, shares map[[2]uint64]float64, unpriced map[uint64]bool) {
	if in.SupplyE8s == 0 {
		return
	}
	var earned, lost float64
	for _, e := range entries {
		if e.Neuron != nr.Neuron || !in.Window.Contains(closing(e)) {
			continue
		}
		if e.Outcome != OutcomeVoted && e.Outcome != OutcomeMissed {
			continue
		}
		if unpriced[e.ProposalID] {
			nr.Unpriced++
			continue
		}
		share := shares[[2]uint64{e.Neuron, e.ProposalID}]
		if e.Outcome == OutcomeVoted {
			earned += share
		} else {
			lost += share
		}
	}
	nr.EarnedE8s, nr.LostE8s, nr.EarnedFrom = ptr(earned), ptr(lost), EarnedFromEstimate
	for i, m := range nr.Missed {
		if !unpriced[m.ProposalID] {
			nr.Missed[i].CostE8s = ptr(shares[[2]uint64{nr.Neuron, m.ProposalID}])
		}
	}
	if in.NetworkVotingPowerE8s > 0 && nr.DecidingVP != nil {
		day := in.Economics.DayAfterGenesis(in.Now)
		pool := DailyPoolE8s(in.Economics, day, in.SupplyE8s)
		f := nr.Selected.Fraction
		nr.ExpectedDailyE8s = ptr(ExpectedDailyRewardE8s(pool, *nr.DecidingVP, in.NetworkVotingPowerE8s, f))
		nr.ExpectedYearlyE8s = ptr(ExpectedYearlyRewardE8s(in.Economics, day, in.SupplyE8s, *nr.DecidingVP, in.NetworkVotingPowerE8s, f))
	}
}

// withDecay is e with the decay parameters the neuron's recorded dates
// were computed with.
func withDecay(e Economics, st NeuronStatus) Economics {
	e.StartReducingVotingPowerAfterSeconds = uint64(st.DecayStarts.Sub(st.RefreshedAt) / time.Second)
	e.ClearFollowingAfterSeconds = uint64(st.FollowingClearedAt.Sub(st.DecayStarts) / time.Second)
	return e
}

// Where a neuron report's EarnedE8s comes from.
const (
	EarnedFromAudit    = "reward_audit"
	EarnedFromEstimate = "estimate"
)

// earnedFromAudit replaces the estimate of what the neuron earned with the
// maturity it received, per the reward audit, at the events in the window:
// what the chain paid, not what the model predicts. Events where maturity
// left the neuron (spawned, disbursed) tell nothing and are skipped; an
// event the audit could not read leaves the estimate in place, since a sum
// without it would report less than was paid.
func earnedFromAudit(nr *NeuronReport, in ReportInput) {
	var sum float64
	found := false
	for _, a := range in.Audit {
		if a.Neuron != nr.Neuron || a.Status == AuditMaturityLeft || !in.Window.Contains(a.Event.At) {
			continue
		}
		if a.Status == AuditUnread {
			return // an event in the window the audit did not see: it does not cover the window
		}
		sum += float64(a.ReceivedE8s)
		found = true
	}
	if found {
		nr.EarnedE8s, nr.EarnedFrom = ptr(sum), EarnedFromAudit
	}
}

// latestTotalVP is the total potential voting power of the latest proposal
// observed with one: the network's voting power as the store last saw it.
func latestTotalVP(entries []Entry) uint64 {
	var at time.Time
	var vp uint64
	for _, e := range entries {
		if e.TotalPotentialVP > 0 && !closing(e).Before(at) {
			at, vp = closing(e), e.TotalPotentialVP
		}
	}
	return vp
}

// dataSpan is the span of the entries' closing times (nil if none).
func dataSpan(entries []Entry) *DataSpan {
	var d *DataSpan
	seen := map[uint64]bool{}
	for _, e := range entries {
		t := closing(e)
		if t.IsZero() {
			continue
		}
		if d == nil {
			d = &DataSpan{From: t, To: t}
		}
		if t.Before(d.From) {
			d.From = t
		}
		if t.After(d.To) {
			d.To = t
		}
		if !seen[e.ProposalID] {
			seen[e.ProposalID] = true
			d.Proposals++
		}
	}
	return d
}

// clip starts an unbounded window ("all") where the data starts, so that
// no window claims to reach back to year 1.
func (d *DataSpan) clip(w Window) Window {
	if w.From.IsZero() && d != nil && d.From.Before(w.To) {
		w.From = d.From
	}
	return w
}

// daysUntil is the number of whole days from now to t, rounded up; 0 when
// t has passed.
func daysUntil(now, t time.Time) int {
	if !t.After(now) {
		return 0
	}
	return int(math.Ceil(t.Sub(now).Hours() / 24))
}

func ptr[T any](v T) *T { return &v }

// String is a one-line summary of a participation record.
func (p Participation) String() string {
	if p.Counted == 0 {
		return "none counted"
	}
	return fmt.Sprintf("%.1f%% (%d/%d)", 100*p.Fraction, p.Voted, p.Counted)
}
