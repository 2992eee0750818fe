package backtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
)

// Exported is one proposal of the public dashboard's JSON export
// (ic-api.internetcomputer.org/api/v3/proposals): what policy matches on,
// and the known neurons' votes.
type Exported struct {
	Proposal policy.Proposal
	// Known are the known neurons' ballots: id → vote; Names their names.
	Known map[uint64]nns.Vote
	Names map[string]uint64
}

type exportedJSON struct {
	ProposalID  flexUint        `json:"proposal_id"`
	Topic       json.RawMessage `json:"topic"`
	Action      string          `json:"action"`
	NNSFunction json.RawMessage `json:"action_nns_function"`
	Proposer    flexUint        `json:"proposer"`
	Title       string          `json:"title"`
	Summary     string          `json:"summary"`
	URL         string          `json:"url"`
	Created     flexUint        `json:"proposal_timestamp_seconds"`
	Deadline    flexUint        `json:"deadline_timestamp_seconds"`
	Tally       *struct {
		Yes   flexUint `json:"yes"`
		No    flexUint `json:"no"`
		Total flexUint `json:"total"`
	} `json:"latest_tally"`
	Ballots []struct {
		ID   flexUint        `json:"id"`
		Name string          `json:"name"`
		Vote json.RawMessage `json:"vote"`
	} `json:"known_neurons_ballots"`
}

// flexUint reads a number written as a JSON number or a string.
type flexUint uint64

func (f *flexUint) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "" || s == "null" {
		*f = 0
		return nil
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return fmt.Errorf("not a non-negative integer: %s", b)
	}
	*f = flexUint(n)
	return nil
}

// ParseExport reads a dashboard export: an array of proposals, or an
// object with them under "data". A proposal it cannot read is an error
// naming it; nothing is guessed.
func ParseExport(data []byte) ([]Exported, error) {
	var list []exportedJSON
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) > 0 && trimmed[0] == '{' {
		var wrap struct {
			Data []exportedJSON `json:"data"`
		}
		if err := json.Unmarshal(trimmed, &wrap); err != nil {
			return nil, fmt.Errorf("proposals export: %w", err)
		}
		list = wrap.Data
	} else if err := json.Unmarshal(trimmed, &list); err != nil {
		return nil, fmt.Errorf("proposals export: %w", err)
	}
	out := make([]Exported, 0, len(list))
	for i, e := range list {
		x, err := e.exported()
		if err != nil {
			return nil, fmt.Errorf("proposals export: proposal %d (entry %d): %w", e.ProposalID, i, err)
		}
		out = append(out, x)
	}
	return out, nil
}

func (e exportedJSON) exported() (Exported, error) {
	if e.ProposalID == 0 {
		return Exported{}, fmt.Errorf("no proposal_id")
	}
	topic, err := parseExportTopic(e.Topic)
	if err != nil {
		return Exported{}, err
	}
	p := policy.Proposal{ID: uint64(e.ProposalID), Topic: topic, Proposer: uint64(e.Proposer), Title: e.Title,
		Summary: e.Summary, URL: e.URL, Created: unixSeconds(e.Created), Deadline: unixSeconds(e.Deadline)}
	if e.Action != "" {
		if p.Action, err = policy.ParseActionKind(e.Action); err != nil {
			p.Action, p.ActionTag = policy.ActionUnknown, e.Action
		}
	}
	var fn flexUint
	if len(e.NNSFunction) > 0 && json.Unmarshal(e.NNSFunction, &fn) == nil {
		p.NNSFunction = int32(fn)
	}
	if e.Tally != nil {
		p.Tally = policy.Tally{Yes: uint64(e.Tally.Yes), No: uint64(e.Tally.No), Total: uint64(e.Tally.Total)}
	}
	x := Exported{Known: map[uint64]nns.Vote{}, Names: map[string]uint64{}}
	for _, b := range e.Ballots {
		v, err := parseExportVote(b.Vote)
		if err != nil {
			return Exported{}, fmt.Errorf("known neuron %d: %w", b.ID, err)
		}
		x.Known[uint64(b.ID)] = v
		if b.Name != "" {
			x.Names[b.Name] = uint64(b.ID)
		}
		if uint64(b.ID) == p.Proposer {
			p.ProposerName = b.Name
		}
	}
	x.Proposal = p
	return x, nil
}

// parseExportTopic reads "TOPIC_GOVERNANCE", "Governance" or 4.
func parseExportTopic(raw json.RawMessage) (nns.Topic, error) {
	var n int
	if json.Unmarshal(raw, &n) == nil {
		return nns.ParseTopic(strconv.Itoa(n))
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return 0, fmt.Errorf("topic: %s is neither a name nor a number", raw)
	}
	return nns.ParseTopic(strings.TrimPrefix(s, "TOPIC_"))
}

// parseExportVote reads 1/2 (yes/no), "YES"/"VOTE_YES" and the like.
func parseExportVote(raw json.RawMessage) (nns.Vote, error) {
	var n int
	if json.Unmarshal(raw, &n) == nil {
		return nns.Vote(n), nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return 0, fmt.Errorf("vote %s", raw)
	}
	switch strings.ToLower(strings.TrimPrefix(strings.ToUpper(s), "VOTE_")) {
	case "yes":
		return nns.VoteYes, nil
	case "no":
		return nns.VoteNo, nil
	case "unspecified", "":
		return nns.VoteUnspecified, nil
	}
	return 0, fmt.Errorf("unknown vote %q", s)
}

func unixSeconds(s flexUint) time.Time {
	if s == 0 {
		return time.Time{}
	}
	return time.Unix(int64(s), 0).UTC()
}

// ReplayExport decides each exported proposal not held by the store (held
// reports the ids it holds) for each neuron with its policy: the neuron's
// followees are the policy's wanted following, names resolved with the
// export's known neurons, and their votes the known neurons' ballots. The
// export has no vote times: followees whose votes decide by the NNS rule
// are taken to have voted before the margin. Recorded is "unknown".
func ReplayExport(xs []Exported, neurons []uint64, policyOf func(uint64) *policy.Policy, held map[uint64]bool) []Row {
	var rows []Row
	for _, x := range xs {
		if held[x.Proposal.ID] {
			continue
		}
		for _, n := range neurons {
			pol := policyOf(n)
			row := Row{Proposal: x.Proposal.ID, Topic: x.Proposal.Topic, Title: x.Proposal.Title, Neuron: n,
				Recorded: Outcome{Action: "unknown", Reason: "not in the state database"}}
			row.New = decideExported(x, n, pol)
			rows = append(rows, row)
		}
	}
	return rows
}

func decideExported(x Exported, neuron uint64, pol *policy.Policy) Outcome {
	followees := map[nns.Topic][]uint64{}
	if pol != nil {
		for topic, fs := range pol.Following {
			for _, f := range fs {
				id := f.ID
				if f.Name != "" {
					id, _ = policy.LookupKnown(x.Names, f.Name)
				}
				if id != 0 {
					followees[topic] = append(followees[topic], id)
				}
			}
		}
	}
	p := x.Proposal
	p.Ballots = policy.NewBallots([]policy.NeuronBallot{{Neuron: neuron}})
	in := policy.Input{Proposal: p, Policy: pol, Now: p.Created,
		Neuron: policy.Neuron{ID: neuron, HasBallot: true, Followees: followees, FolloweeVotes: x.Known}}
	d := policy.Decide(in)
	if d.Action != policy.ActionWait {
		at := p.Created
		if d.Action == policy.ActionVoteAt {
			at = d.At
		}
		return outcome(d, at)
	}
	fs := policy.EffectiveFollowees(followees, p.Topic)
	if v := policy.FollowingVote(fs, func(f uint64) nns.Vote { return x.Known[f] }); v != nns.VoteUnspecified {
		return Outcome{Action: "followed", Vote: v, Source: "following", At: p.Created,
			Reason: "its followees' known votes decide: " + v.String()}
	}
	if d.At.IsZero() {
		return outcome(d, p.Created)
	}
	in.Now = d.At
	return outcome(policy.Decide(in), d.At)
}
