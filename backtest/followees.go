package backtest

import (
	"sort"
	"time"

	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
)

// Followees computes every followee's record per topic from h; a followee
// is weak when the fallback filled more than threshold ballots because of
// it. names maps neuron ids to known-neuron names (may be nil).
func Followees(h History, threshold int, names map[uint64]string) []bot.FolloweeRecord {
	seen := map[[2]uint64]time.Time{} // proposal, neuron → first seen voting
	for _, v := range h.Votes {
		if v.Vote != nns.VoteUnspecified {
			seen[[2]uint64{v.Proposal, v.Followee}] = v.SeenAt
		}
	}
	type key struct {
		followee uint64
		topic    nns.Topic
	}
	recs := map[key]*bot.FolloweeRecord{}
	leads := map[key][]time.Duration{}
	props := map[key]map[uint64]bool{}
	decided := map[[2]uint64]bool{}
	for _, b := range ballots(h.Decisions) {
		last := b[len(b)-1]
		decided[[2]uint64{last.Proposal, last.Neuron}] = true
		in := last.Input
		topic := in.Proposal.Topic
		margin := marginOf(b)
		fellBack := last.Decision.Fallback && last.Decision.Votes()
		for _, f := range policy.EffectiveFollowees(in.Neuron.Followees, topic) {
			k := key{f, topic}
			r := recs[k]
			if r == nil {
				r = &bot.FolloweeRecord{Followee: f, Name: names[f], Topic: topic, TopicName: topic.String()}
				recs[k], props[k] = r, map[uint64]bool{}
			}
			r.Followers = addID(r.Followers, last.Neuron)
			at, voted := seen[[2]uint64{last.Proposal, f}]
			if _, ok := in.Neuron.FolloweeVotes[f]; ok && !voted {
				at, voted = last.At, true
			}
			if fellBack {
				if _, ok := in.Neuron.FolloweeVotes[f]; !ok {
					r.Fallbacks++
				}
			}
			if props[k][last.Proposal] {
				continue
			}
			props[k][last.Proposal] = true
			r.Proposals++
			if voted {
				r.Voted++
				if !margin.IsZero() {
					leads[k] = append(leads[k], margin.Sub(at))
				}
			}
		}
	}
	// Ballots following filled before the loop decided anything on them:
	// the followees voted in time; no margin was computed to time them by.
	for _, f := range h.Fills {
		if decided[[2]uint64{f.Proposal, f.Neuron}] {
			continue
		}
		for _, id := range f.Followees {
			k := key{id, f.Topic}
			r := recs[k]
			if r == nil {
				r = &bot.FolloweeRecord{Followee: id, Name: names[id], Topic: f.Topic, TopicName: f.Topic.String()}
				recs[k], props[k] = r, map[uint64]bool{}
			}
			r.Followers = addID(r.Followers, f.Neuron)
			if props[k][f.Proposal] {
				continue
			}
			props[k][f.Proposal] = true
			r.Proposals++
			if _, ok := seen[[2]uint64{f.Proposal, id}]; ok {
				r.Voted++
			}
		}
	}
	out := make([]bot.FolloweeRecord, 0, len(recs))
	for k, r := range recs {
		r.Share = ratio(r.Voted, r.Proposals)
		r.MedianLead, r.WorstLead = medianWorst(leads[k])
		r.Timed = len(leads[k])
		r.Weak = r.Fallbacks > threshold
		if r.Weak {
			r.Better = better(h, k.topic, r, names)
		}
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Followee != out[j].Followee {
			return out[i].Followee < out[j].Followee
		}
		return out[i].Topic < out[j].Topic
	})
	return out
}

// marginOf is the ballot's deadline margin as last decided.
func marginOf(b []bot.DecisionRecord) time.Time {
	for i := len(b) - 1; i >= 0; i-- {
		if m := b[i].Decision.Margin; !m.IsZero() {
			return m
		}
	}
	return time.Time{}
}

// better ranks every neuron seen voting (followees, known neurons) by its
// share of the topic's stored proposals, keeping up to three that beat r.
func better(h History, topic nns.Topic, r *bot.FolloweeRecord, names map[uint64]string) []bot.Candidate {
	onTopic := map[uint64]bool{}
	for _, p := range h.Proposals {
		if p.Topic == topic {
			onTopic[p.ID] = true
		}
	}
	voted := map[uint64]int{}
	for _, v := range h.Votes {
		if onTopic[v.Proposal] && v.Vote != nns.VoteUnspecified && v.Followee != r.Followee {
			voted[v.Followee]++
		}
	}
	mine := 0
	for _, v := range h.Votes {
		if onTopic[v.Proposal] && v.Followee == r.Followee && v.Vote != nns.VoteUnspecified {
			mine++
		}
	}
	var out []bot.Candidate
	for n, c := range voted {
		if c > mine {
			out = append(out, bot.Candidate{Neuron: n, Name: names[n], Voted: c, Of: len(onTopic), Share: ratio(c, len(onTopic))})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Voted != out[j].Voted {
			return out[i].Voted > out[j].Voted
		}
		return out[i].Neuron < out[j].Neuron
	})
	if len(out) > 3 {
		out = out[:3]
	}
	return out
}

func addID(ids []uint64, id uint64) []uint64 {
	for _, x := range ids {
		if x == id {
			return ids
		}
	}
	return append(ids, id)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func medianWorst(ds []time.Duration) (median, worst time.Duration) {
	if len(ds) == 0 {
		return 0, 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2], s[0]
}
