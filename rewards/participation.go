package rewards

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Window selects proposals by closing time (deadline): From ≤ t < To. A
// zero From is the beginning of time.
type Window struct {
	Name string    `json:"name"`
	From time.Time `json:"from,omitempty"`
	To   time.Time `json:"to"`
}

// MarshalJSON leaves out a zero From ("the beginning"), which would
// otherwise read "0001-01-01T00:00:00Z".
func (w Window) MarshalJSON() ([]byte, error) {
	type window struct {
		Name string     `json:"name"`
		From *time.Time `json:"from,omitempty"`
		To   time.Time  `json:"to"`
	}
	out := window{Name: w.Name, To: w.To}
	if !w.From.IsZero() {
		out.From = &w.From
	}
	return json.Marshal(out)
}

// Contains reports whether t falls in the window.
func (w Window) Contains(t time.Time) bool {
	return (w.From.IsZero() || !t.Before(w.From)) && t.Before(w.To)
}

// Standard window names.
const (
	WindowRewardPeriod = "reward-period"
	WindowAll          = "all"
)

// StandardWindows are the report's windows: the current reward period (the
// proposals the next reward event settles: deadlines within today's reward
// day), the last 7 and 30 reward days, and all time.
func StandardWindows(e Economics, now time.Time) []Window {
	ws := make([]Window, 0, 4)
	for _, name := range []string{WindowRewardPeriod, "7d", "30d", WindowAll} {
		w, _ := ParseWindow(name, e, now) // the names are valid
		ws = append(ws, w)
	}
	return ws
}

// ParseWindow accepts "reward-period", "all", "<n>d", or a Go duration
// ("36h"). Every window ends where the current reward period does, so that
// a ballot cast on a proposal still open counts in 7d and all as it does in
// the reward period ("7d" is the last 7 reward days, today's included).
func ParseWindow(s string, e Economics, now time.Time) (Window, error) {
	s = strings.TrimSpace(s)
	day := e.DayAfterGenesis(now)
	end := e.DayStart(day + 1)
	switch s {
	case WindowRewardPeriod:
		return Window{Name: s, From: e.DayStart(day), To: end}, nil
	case WindowAll:
		return Window{Name: s, To: end}, nil
	}
	var d time.Duration
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days <= 0 || days > 100_000 {
			return Window{}, fmt.Errorf("window %q: want a positive number of days", s)
		}
		d = time.Duration(days) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil || d <= 0 {
			return Window{}, fmt.Errorf("window %q: want reward-period, all, <n>d or a duration like 36h", s)
		}
	}
	return Window{Name: s, From: end.Add(-d), To: end}, nil
}

// WeightedBallot is the participation formula's input for one proposal.
type WeightedBallot struct {
	Weight float64
	VP     uint64
	Voted  bool
}

// WeightedParticipation is Σ w·vp·voted / Σ w·vp. It returns 1 when there
// is nothing to count (nothing was missed). When every VP is zero (unknown)
// it falls back to weights alone rather than dividing by zero.
func WeightedParticipation(bs []WeightedBallot) (fraction, voted, eligible float64) {
	var votedW, eligibleW float64
	for _, b := range bs {
		w := max(b.Weight, 0)
		eligible += w * float64(b.VP)
		eligibleW += w
		if b.Voted {
			voted += w * float64(b.VP)
			votedW += w
		}
	}
	switch {
	case eligible > 0:
		return min(voted/eligible, 1), voted, eligible
	case eligibleW > 0:
		return min(votedW/eligibleW, 1), voted, eligible
	}
	return 1, voted, eligible
}

// Participation is one neuron's record over one window.
type Participation struct {
	Window Window `json:"window"`
	// Fraction is the weighted participation in [0, 1]; 1 when Counted is 0
	// (nothing missed), written as null in JSON (nothing to measure).
	Fraction         float64 `json:"fraction"`
	WeightedVoted    float64 `json:"weighted_voted"`
	WeightedEligible float64 `json:"weighted_eligible"`
	// Counted = Voted + Missed: reward-eligible proposals, voting over, on
	// which the neuron had a ballot.
	Counted        int `json:"counted"`
	Voted          int `json:"voted"`
	VotedDirect    int `json:"voted_direct"`
	VotedFollowing int `json:"voted_following"`
	Missed         int `json:"missed"`
	Pending        int `json:"pending"`
	Unknown        int `json:"unknown"`
	NoBallot       int `json:"no_ballot"`
	Ineligible     int `json:"ineligible"`
}

// MarshalJSON writes a null fraction when nothing was counted: 1 beside
// "counted: 0" reads as a perfect record.
func (p Participation) MarshalJSON() ([]byte, error) {
	type plain Participation
	out := struct {
		plain
		Fraction *float64 `json:"fraction"`
	}{plain: plain(p)}
	if p.Counted > 0 {
		out.Fraction = &p.Fraction
	}
	return json.Marshal(out)
}

// ComputeParticipation summarises one neuron's merged entries whose
// closing time falls in the window.
func ComputeParticipation(entries []Entry, neuron uint64, w Window) Participation {
	p := Participation{Window: w}
	var bs []WeightedBallot
	for _, e := range entries {
		if e.Neuron != neuron || !w.Contains(closing(e)) {
			continue
		}
		switch e.Outcome {
		case OutcomeVoted:
			p.Voted++
			if e.Ballot == BallotVotedDirect {
				p.VotedDirect++
			} else {
				p.VotedFollowing++
			}
			bs = append(bs, WeightedBallot{Weight: e.Weight(), VP: e.BallotVP, Voted: true})
		case OutcomeMissed:
			p.Missed++
			bs = append(bs, WeightedBallot{Weight: e.Weight(), VP: e.BallotVP})
		case OutcomePending:
			p.Pending++
		case OutcomeUnknown:
			p.Unknown++
		case OutcomeNoBallot:
			p.NoBallot++
		case OutcomeIneligible:
			p.Ineligible++
		}
	}
	p.Counted = p.Voted + p.Missed
	p.Fraction, p.WeightedVoted, p.WeightedEligible = WeightedParticipation(bs)
	return p
}

func closing(e Entry) time.Time {
	if !e.Deadline.IsZero() {
		return e.Deadline
	}
	return e.ProposalTime
}
