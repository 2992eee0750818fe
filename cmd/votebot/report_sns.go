package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/votebot/votebot/rewards"
	"github.com/votebot/votebot/sns"
	"github.com/votebot/votebot/store"
)

// snsReport is one DAO's section of `votebot report`: its neurons'
// participation (every SNS proposal weighs 1) and their rewards in the
// DAO's token, by the SNS rule.
type snsReport struct {
	Governance string         `json:"governance"` // the DAO's name
	Root       string         `json:"root"`
	Symbol     string         `json:"symbol"`
	Window     rewards.Window `json:"window"`
	// Stored is false when the DAO's state database does not exist yet.
	Stored   bool             `json:"stored"`
	Neurons  []snsNeuronEntry `json:"neurons"`
	Warnings []string         `json:"warnings,omitempty"`
}

// snsNeuronEntry is one SNS neuron in its DAO's section.
type snsNeuronEntry struct {
	// Neuron is the short id in 16 hex digits (the start of the hex id).
	Neuron        string                  `json:"neuron"`
	Alias         string                  `json:"alias,omitempty"`
	Label         string                  `json:"label"`
	Participation []rewards.Participation `json:"participation"`
	Selected      rewards.Participation   `json:"selected"`
	Missed        []uint64                `json:"missed_proposals"`
	// ExpectedE8s is what the neuron's ballots on the window's closed
	// proposals earn by the SNS rule; nil when the pool or a proposal's
	// total voting power is unknown.
	ExpectedE8s *uint64 `json:"expected_rewards_e8s"`
	// ReceivedE8s is the maturity the reward audit saw arrive in the
	// window; nil when it saw no reward event there.
	ReceivedE8s *int64 `json:"received_rewards_e8s"`
}

// reportJSON is `report --json`: the NNS report, then one section per DAO.
type reportJSON struct {
	rewards.Report
	Governance string      `json:"governance"` // "NNS"
	SNS        []snsReport `json:"sns,omitempty"`
}

// buildSNSReports reads every lane's store and reports it as of now; with
// picked (by root), only the DAOs and neurons picked.
func buildSNSReports(ctx context.Context, lanes []snsLane, picked map[string]map[uint64]bool, econ rewards.Economics, window rewards.Window, now time.Time) ([]snsReport, error) {
	out := make([]snsReport, 0, len(lanes))
	for _, l := range lanes {
		if picked != nil && picked[l.Root] == nil {
			continue
		}
		r, err := buildSNSReport(ctx, l, econ, window, now)
		if err != nil {
			return nil, err
		}
		if keep := picked[l.Root]; keep != nil {
			r.Neurons = slices.DeleteFunc(r.Neurons, func(n snsNeuronEntry) bool {
				id, _ := strconv.ParseUint(n.Neuron, 16, 64)
				return !keep[id]
			})
		}
		out = append(out, r)
	}
	return out, nil
}

// splitNeuronPicks sorts --neuron values: an SNS neuron's (a DAO's
// configured alias or 16-hex short id; in a DAO with none configured, a
// 16-hex id with a letter) by root, the rest for the NNS. sns is nil when none is an SNS
// neuron.
func splitNeuronPicks(values []string, lanes []snsLane) (nns []string, picked map[string]map[uint64]bool) {
	for _, v := range values {
		found := false
		for _, l := range lanes {
			id, ok := l.pick(v)
			if !ok {
				continue
			}
			if picked == nil {
				picked = map[string]map[uint64]bool{}
			}
			if picked[l.Root] == nil {
				picked[l.Root] = map[uint64]bool{}
			}
			picked[l.Root][id], found = true, true
		}
		if !found {
			nns = append(nns, v)
		}
	}
	return nns, picked
}

// pick is the neuron v names in the lane, if any.
func (l snsLane) pick(v string) (uint64, bool) {
	for _, n := range l.Neurons {
		if (n.Alias != "" && n.Alias == v) || sns.FormatShortID(n.ID) == strings.ToLower(v) {
			return n.ID, true
		}
	}
	// In a DAO whose neurons are found, not configured, any 16-hex id that
	// is not all digits (those are NNS ids).
	if len(l.Neurons) == 0 && len(v) == 16 && strings.ContainsAny(strings.ToLower(v), "abcdef") {
		id, err := strconv.ParseUint(v, 16, 64)
		return id, err == nil
	}
	return 0, false
}

func buildSNSReport(ctx context.Context, l snsLane, econ rewards.Economics, window rewards.Window, now time.Time) (snsReport, error) {
	r := snsReport{Governance: l.Name, Root: l.Root, Symbol: l.Symbol, Window: window, Neurons: []snsNeuronEntry{}}
	st, err := l.open(ctx)
	if errors.Is(err, os.ErrNotExist) {
		r.Warnings = append(r.Warnings, "no state database yet (the daemon creates it on its first poll of the DAO)")
		for _, n := range l.Neurons {
			r.Neurons = append(r.Neurons, snsNeuronEntry{Neuron: sns.FormatShortID(n.ID), Alias: n.Alias, Label: n.Label(),
				Participation: []rewards.Participation{}, Missed: []uint64{}})
		}
		return r, nil
	}
	if err != nil {
		return snsReport{}, err
	}
	defer st.Close()
	r.Stored = true
	obs, err := st.Observations(ctx, store.ObservationFilter{})
	if err != nil {
		return snsReport{}, fmt.Errorf("%s: %w", l.Name, err)
	}
	audit, err := st.Audits(ctx)
	if err != nil {
		return snsReport{}, fmt.Errorf("%s: %w", l.Name, err)
	}
	entries, errs := rewards.Merge(obs, now)
	for _, e := range errs {
		r.Warnings = append(r.Warnings, e.Error())
	}
	if r.Symbol == "" {
		r.Warnings = append(r.Warnings, "token symbol not read yet: amounts in the DAO's token")
	}
	expected, why := snsExpected(l.Facts, entries, window)
	if why != "" {
		r.Warnings = append(r.Warnings, "rewards not estimated: "+why)
	}
	windows := rewards.StandardWindows(econ, now)
	for _, id := range snsNeuronIDs(l, entries) {
		nc := l.neuron(id)
		e := snsNeuronEntry{Neuron: sns.FormatShortID(id), Alias: nc.Alias, Label: nc.Label(), Missed: []uint64{}}
		for _, w := range windows {
			e.Participation = append(e.Participation, rewards.ComputeParticipation(entries, id, w))
		}
		e.Selected = rewards.ComputeParticipation(entries, id, window)
		for _, en := range entries {
			if en.Neuron == id && en.Outcome == rewards.OutcomeMissed && window.Contains(closingOf(en)) {
				e.Missed = append(e.Missed, en.ProposalID)
			}
		}
		if expected != nil {
			e.ExpectedE8s = ptrTo(expected[id])
		}
		e.ReceivedE8s = snsReceived(audit, id, window)
		r.Neurons = append(r.Neurons, e)
	}
	return r, nil
}

// snsNeuronIDs are the configured neurons, then any other the store holds
// ballots of (one found by discovery), ascending.
func snsNeuronIDs(l snsLane, entries []rewards.Entry) []uint64 {
	var ids []uint64
	for _, n := range l.Neurons {
		ids = append(ids, n.ID)
	}
	for _, e := range entries {
		ids = append(ids, e.Neuron)
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

func closingOf(e rewards.Entry) time.Time {
	if !e.Deadline.IsZero() {
		return e.Deadline
	}
	return e.ProposalTime
}

func ptrTo[T any](v T) *T { return &v }

// snsExpected prices the window's closed proposals by the SNS rule: each
// reward round pays its pool pro rata of the voting power exercised on the
// proposals it settles, against all the voting power that could have been
// (the proposal's total, not only votebot's neurons). A proposal is put in
// the round its deadline falls in. A round that settles nothing rolls its
// pool over to the next one, which this leaves out: the estimate errs low.
// why says what is missing when it cannot price.
func snsExpected(f store.SNSFacts, entries []rewards.Entry, w rewards.Window) (map[uint64]uint64, string) {
	switch {
	case f.Rewards == nil:
		return nil, "the DAO's reward parameters were not read yet"
	case f.Rewards.InitialRateBasisPoints == 0 && f.Rewards.FinalRateBasisPoints == 0:
		return map[uint64]uint64{}, "" // a DAO that pays nothing: known to be 0
	case f.Rewards.RoundSeconds == 0 || f.GenesisAt.IsZero():
		return nil, "the DAO's reward rounds are unknown"
	case f.SupplyE8s == 0 && f.RoundPoolE8s == 0:
		return nil, "neither the token's total supply nor a reward round's pool was read yet"
	}
	// The pool of a round: from the supply and the rate at the round's
	// end, else the latest round's (the rate moves slowly).
	pool := func(round uint64) float64 {
		if f.SupplyE8s == 0 {
			return float64(f.RoundPoolE8s)
		}
		return f.Rewards.RoundPoolE8s(f.SupplyE8s, (round+1)*f.Rewards.RoundSeconds)
	}
	round := time.Duration(f.Rewards.RoundSeconds) * time.Second
	type key struct{ round, proposal uint64 }
	ballots := map[key][]rewards.SNSBallot{}
	totals := map[key]uint64{}
	for _, e := range entries {
		t := closingOf(e)
		if !w.Contains(t) || (e.Outcome != rewards.OutcomeVoted && e.Outcome != rewards.OutcomeMissed) {
			continue
		}
		if e.TotalPotentialVP == 0 {
			return nil, fmt.Sprintf("proposal %d's total voting power is unknown", e.ProposalID)
		}
		k := key{uint64(max(t.Sub(f.GenesisAt), 0) / round), e.ProposalID}
		ballots[k] = append(ballots[k], rewards.SNSBallot{Neuron: strconv.FormatUint(e.Neuron, 16),
			Voted: e.Outcome == rewards.OutcomeVoted, VotingPower: e.BallotVP})
		totals[k] = max(totals[k], e.TotalPotentialVP)
	}
	byRound := map[uint64][]rewards.SNSSettledProposal{}
	for k, bs := range ballots {
		var ours uint64
		for _, b := range bs {
			ours += b.VotingPower
		}
		// The rest of the DAO's voting power, as one ballot that votebot
		// does not hold: it counts in the denominator only.
		if totals[k] > ours {
			bs = append(bs, rewards.SNSBallot{Neuron: "others", VotingPower: totals[k] - ours})
		}
		byRound[k.round] = append(byRound[k.round], rewards.SNSSettledProposal{ID: k.proposal, Ballots: bs})
	}
	out := map[uint64]uint64{}
	for r, ps := range byRound {
		d := rewards.DistributeSNSRewards(pool(r), ps)
		for n, e8s := range d.RewardsE8s {
			id, err := strconv.ParseUint(n, 16, 64)
			if err != nil {
				continue // the others' ballot
			}
			out[id] += e8s
		}
	}
	return out, ""
}

// snsReceived is what the reward audit saw arrive in the window; nil when
// it saw no event there, or missed one (then it does not cover the window).
func snsReceived(audit []rewards.MaturityAudit, neuron uint64, w rewards.Window) *int64 {
	var sum int64
	found := false
	for _, a := range audit {
		if a.Neuron != neuron || a.Status == rewards.AuditMaturityLeft || !w.Contains(a.Event.At) {
			continue
		}
		if a.Status == rewards.AuditUnread {
			return nil
		}
		sum += a.ReceivedE8s
		found = true
	}
	if !found {
		return nil
	}
	return &sum
}

// writeSNSReports writes the DAO sections after the NNS report.
func writeSNSReports(w io.Writer, rs []snsReport, exact bool) error {
	var b strings.Builder
	for _, r := range rs {
		symbol := r.Symbol
		if symbol == "" {
			symbol = "tokens"
		}
		fmt.Fprintf(&b, "\nSNS %s (root %s) — rewards in %s, window %s\n", r.Governance, r.Root, symbol, r.Window.Name)
		if len(r.Neurons) == 0 {
			b.WriteString("  no neurons: none configured and no ballots stored\n")
		}
		for _, n := range r.Neurons {
			fmt.Fprintf(&b, "  %s\n    participation:", n.Label)
			for _, p := range n.Participation {
				fmt.Fprintf(&b, " %s %s", p.Window.Name, participationCell(p))
			}
			b.WriteString("\n")
			s := n.Selected
			fmt.Fprintf(&b, "    %s: voted %d (direct %d, following %d), missed %d, pending %d, unknown %d\n",
				r.Window.Name, s.Voted, s.VotedDirect, s.VotedFollowing, s.Missed, s.Pending, s.Unknown)
			for _, id := range n.Missed {
				fmt.Fprintf(&b, "    MISSED proposal %d\n", id)
			}
			fmt.Fprintf(&b, "    rewards %s: expected %s, received %s\n", r.Window.Name,
				tokenAmount(n.ExpectedE8s, symbol, exact), signedTokenAmount(n.ReceivedE8s, symbol, exact))
		}
		for _, warn := range r.Warnings {
			fmt.Fprintf(&b, "  note: %s\n", warn)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// participationCell is "95.8% (23/24)", or "—" with nothing counted.
func participationCell(p rewards.Participation) string {
	if p.Counted == 0 {
		return "— (0/0)"
	}
	return fmt.Sprintf("%.1f%% (%d/%d)", 100*p.Fraction, p.Voted, p.Counted)
}

func tokenAmount(e8s *uint64, symbol string, exact bool) string {
	if e8s == nil {
		return "unknown"
	}
	if exact {
		return fmt.Sprintf("%d e8s %s", *e8s, symbol)
	}
	return fmt.Sprintf("%.4f %s", float64(*e8s)/1e8, symbol)
}

func signedTokenAmount(e8s *int64, symbol string, exact bool) string {
	if e8s == nil {
		return "unknown"
	}
	if exact {
		return fmt.Sprintf("%d e8s %s", *e8s, symbol)
	}
	return fmt.Sprintf("%.4f %s", float64(*e8s)/1e8, symbol)
}

// writeReportJSON writes `report --json`.
func writeReportJSON(w io.Writer, r reportJSON) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("encode report: %w", err)
	}
	return nil
}
