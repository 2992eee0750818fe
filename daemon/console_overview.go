package daemon

import (
	"context"
	"fmt"
	"time"

	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/console"
	"github.com/votebot/votebot/rewards"
	"github.com/votebot/votebot/sns"
	"github.com/votebot/votebot/store"
)

// Overview is every configured neuron as the last pass read it, the
// alerts firing and the endpoints' health.
func (s consoleSource) Overview(ctx context.Context) (console.Overview, error) {
	a := s.app
	// The instance alerts are sent under: a reload does not change it.
	o := console.Overview{Instance: a.started.Instance, LastPoll: a.Bot.LastPoll()}
	alerts, err := a.Alerts.Active(ctx)
	if err != nil {
		return o, err
	}
	o.Alerts = alerts
	for _, e := range a.Governance().Endpoints() {
		ep := console.Endpoint{URL: e.Endpoint, Up: e.Up}
		if e.LastErr != nil {
			ep.LastError = e.LastErr.Error()
		}
		o.Endpoints = append(o.Endpoints, ep)
	}
	report, err := s.report(ctx, a.opts.Now(), "30d")
	if err != nil {
		return o, err
	}
	_, state, _, _ := a.Bot.View()
	econ := a.Bot.Economics()
	for _, nc := range a.Bot.Neurons() {
		o.Neurons = append(o.Neurons, consoleNeuron(nc, state, econ, report))
	}
	sns, err := s.snsNeurons(ctx)
	if err != nil {
		return o, err
	}
	o.Neurons = append(o.Neurons, sns...)
	return o, nil
}

// snsNeurons are every SNS lane's neurons as its last pass read them, with
// their participation from the lane's own store (every proposal weighs 1).
func (s consoleSource) snsNeurons(ctx context.Context) ([]console.Neuron, error) {
	var out []console.Neuron
	for _, l := range s.app.snsConsoleLanes() {
		obs, err := l.Store.Observations(ctx, store.ObservationFilter{})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", l.DAO, err)
		}
		report := buildReport(obs, s.app.opts.Now(), "30d")
		_, state, _, _ := l.Bot.View()
		for _, nc := range l.Bot.Neurons() {
			cn := consoleNeuron(nc, state, nil, report) // no decay, no NNS dissolve minimum
			cn.DAO, cn.ShortID = l.DAO, sns.FormatShortID(nc.ID)
			out = append(out, cn)
		}
	}
	return out, nil
}

func consoleNeuron(nc bot.NeuronConfig, state map[uint64]bot.Neuron, econ *bot.Economics, r rewards.Report) console.Neuron {
	cn := console.Neuron{ID: nc.ID, Alias: nc.Alias}
	for _, nr := range r.Neurons {
		if nr.Neuron != nc.ID {
			continue
		}
		for _, p := range nr.Participation {
			switch p.Window.Name {
			case rewards.WindowRewardPeriod:
				cn.RewardPeriod = console.Participation{Voted: p.Voted, Eligible: p.Counted}
			case "30d":
				cn.Last30Days = console.Participation{Voted: p.Voted, Eligible: p.Counted}
			}
		}
	}
	n, ok := state[nc.ID]
	if !ok {
		cn.Warnings = append(cn.Warnings, "not read yet, or the bot identity may not read it")
		return cn
	}
	if n.NotFound {
		cn.Warnings = append(cn.Warnings, "no neuron has this id: check it in the config (a typo, or a neuron disbursed or merged)")
		return cn
	}
	cn.Readable = true
	cn.DecidingVotingPower, cn.PotentialVotingPower = n.DecidingVotingPower, n.PotentialVotingPower
	switch {
	case !n.Authorized && nc.SNSID != "":
		cn.Warnings = append(cn.Warnings, "the bot identity holds no Vote permission on it: it cannot vote")
	case !n.Authorized:
		cn.Warnings = append(cn.Warnings, "the bot identity is neither its controller nor one of its hotkeys: it cannot vote")
	}
	if econ != nil && !n.VotingPowerRefreshed.IsZero() {
		cn.DecayStarts = n.VotingPowerRefreshed.Add(econ.StartReducingVotingPowerAfter)
	}
	switch {
	case n.DissolveUnknown:
		cn.Warnings = append(cn.Warnings, "dissolve state unknown to this votebot version")
	case econ != nil && n.DissolveDelay < econ.MinimumDissolveDelayToVote:
		cn.Warnings = append(cn.Warnings, fmt.Sprintf("dissolve delay %s is below the %s needed to vote",
			n.DissolveDelay.Round(time.Hour), econ.MinimumDissolveDelayToVote.Round(time.Hour)))
	case !n.DissolvesAt.IsZero():
		cn.Warnings = append(cn.Warnings, "dissolving: dissolved at "+n.DissolvesAt.UTC().Format("2006-01-02"))
	}
	return cn
}

// report builds the rewards report of the stored observations, with
// window as its window for misses.
func (s consoleSource) report(ctx context.Context, now time.Time, window string) (rewards.Report, error) {
	obs, err := s.app.Store.Observations(ctx, store.ObservationFilter{})
	if err != nil {
		return rewards.Report{}, err
	}
	return buildReport(obs, now, window), nil
}

func buildReport(obs []rewards.Observation, now time.Time, window string) rewards.Report {
	econ := rewards.DefaultEconomics(rewards.RegimeCurrent)
	w, _ := rewards.ParseWindow(window, econ, now)
	return rewards.BuildReport(rewards.ReportInput{Economics: econ, Now: now, Observations: obs, Window: w})
}

// historyWeeks is how far back the participation chart reaches.
const historyWeeks = 12

// History lists the votes cast (newest 100), the misses of the last 30
// days with their estimated cost, and each neuron's 7-day participation
// week by week.
func (s consoleSource) History(ctx context.Context) (console.History, error) {
	a := s.app
	var h console.History
	names := map[uint64]string{}
	for _, nc := range a.Bot.Neurons() {
		names[nc.ID] = nc.Alias
	}
	titles := map[uint64]string{}
	props, _, _, _ := a.Bot.View()
	for _, p := range props {
		titles[p.ID] = p.Title
	}
	votes, err := a.Store.RecentVotes(ctx, 100)
	if err != nil {
		return h, err
	}
	obs, err := a.Store.Observations(ctx, store.ObservationFilter{})
	if err != nil {
		return h, err
	}
	now := a.opts.Now()
	report := buildReport(obs, now, "30d")
	if err := a.closedTitles(ctx, titles, votes, report); err != nil {
		return h, err
	}
	for _, v := range votes {
		h.Votes = append(h.Votes, console.VoteRecord{At: v.Finished, Proposal: v.Proposal, Title: titles[v.Proposal],
			Neuron: v.Neuron, Alias: names[v.Neuron], Vote: v.Vote, Reason: v.Reason})
	}
	for _, nr := range report.Neurons {
		for _, m := range nr.Missed {
			miss := console.Miss{Deadline: m.Deadline, Proposal: m.ProposalID, Title: titles[m.ProposalID],
				Neuron: nr.Neuron, Alias: names[nr.Neuron]}
			if m.CostE8s != nil {
				miss.CostE8s = uint64(*m.CostE8s)
			}
			h.Misses = append(h.Misses, miss)
		}
	}
	h.Participation = participationSeries(obs, now, names, a.Bot.Neurons())
	if h.Followees, err = a.consoleFollowees(ctx, now); err != nil {
		return h, err
	}
	return h, nil
}

// closedTitles adds to titles those of the proposals of votes and misses
// that are no longer open, from the store.
func (a *App) closedTitles(ctx context.Context, titles map[uint64]string, votes []store.VoteAttempt, r rewards.Report) error {
	var ids []uint64
	need := func(id uint64) {
		if _, ok := titles[id]; !ok {
			titles[id] = ""
			ids = append(ids, id)
		}
	}
	for _, v := range votes {
		need(v.Proposal)
	}
	for _, nr := range r.Neurons {
		for _, m := range nr.Missed {
			need(m.ProposalID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	seen, err := a.Store.SeenProposals(ctx, ids)
	if err != nil {
		return err
	}
	for id, p := range seen {
		titles[id] = p.Title
	}
	return nil
}

// participationSeries is each neuron's 7-day participation at the end of
// each of the last historyWeeks weeks, where something was counted.
func participationSeries(obs []rewards.Observation, now time.Time, names map[uint64]string, ns []bot.NeuronConfig) []console.Series {
	series := make([]console.Series, len(ns))
	for i, nc := range ns {
		series[i].Name = nc.Alias
		if series[i].Name == "" {
			series[i].Name = fmt.Sprint(nc.ID)
		}
	}
	if len(obs) == 0 {
		return series
	}
	for w := historyWeeks - 1; w >= 0; w-- {
		at := now.Add(-time.Duration(w) * 7 * 24 * time.Hour)
		r := buildReport(obs, at, "7d")
		for i, nc := range ns {
			for _, nr := range r.Neurons {
				if nr.Neuron != nc.ID {
					continue
				}
				for _, p := range nr.Participation {
					if p.Window.Name == "7d" && p.Counted > 0 {
						series[i].Points = append(series[i].Points, console.Point{At: at, Rate: p.Fraction})
					}
				}
			}
		}
	}
	return series
}
