package governance

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aviate-labs/agent-go/principal"
	"github.com/votebot/votebot/nns"
)

// AdminPrefix is where the admin API lives on the devnet's port; no IC
// client uses that path.
const AdminPrefix = "/_/devnet/"

// AdminHandler serves the JSON admin API (see devnet/README.md):
//
//	GET  /_/devnet/state                       summary, counters, latest reward event
//	GET  /_/devnet/neurons/{id}                full neuron
//	POST /_/devnet/neurons                     create a neuron
//	POST /_/devnet/neurons/{id}/remove-hotkey  {"hotkey": principal}
//	GET  /_/devnet/proposals/{id}              proposal with every ballot
//	POST /_/devnet/proposals                   submit a proposal as any neuron
//	POST /_/devnet/votes                       {"neuron", "proposal", "vote": "yes"|"no"}
//	POST /_/devnet/reward-event                run a reward event now
func (c *Canister) AdminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+AdminPrefix+"state", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, c.State())
	})
	mux.HandleFunc("GET "+AdminPrefix+"neurons/{id}", getByID("neuron", c.Neuron))
	mux.HandleFunc("POST "+AdminPrefix+"neurons", c.adminCreateNeuron)
	mux.HandleFunc("POST "+AdminPrefix+"neurons/{id}/remove-hotkey", c.adminRemoveHotKey)
	mux.HandleFunc("GET "+AdminPrefix+"proposals/{id}", getByID("proposal", c.ProposalInfo))
	mux.HandleFunc("POST "+AdminPrefix+"proposals", c.adminSubmitProposal)
	mux.HandleFunc("POST "+AdminPrefix+"votes", c.adminVote)
	mux.HandleFunc("POST "+AdminPrefix+"neurons/{id}/reward-factor", c.adminRewardFactor)
	mux.HandleFunc("POST "+AdminPrefix+"reward-event", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, c.TriggerRewardEvent())
	})
	return mux
}

// getByID serves one object looked up by the {id} path segment as JSON, or
// 404 naming what was not found.
func getByID[T any](what string, lookup func(uint64) (T, bool)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := pathID(w, r)
		if !ok {
			return
		}
		v, found := lookup(id)
		if !found {
			writeError(w, http.StatusNotFound, fmt.Errorf("%s %d not found", what, id))
			return
		}
		writeJSON(w, http.StatusOK, v)
	}
}

// NeuronRequest is the admin API's neuron: the scenario file's keys, with
// durations as strings ("2y", "30d").
type NeuronRequest struct {
	ID                      uint64              `json:"id"`
	Controller              string              `json:"controller"`
	HotKeys                 []string            `json:"hotkeys"`
	StakeE8s                uint64              `json:"stake_e8s"`
	StakedMaturityE8s       uint64              `json:"staked_maturity_e8s"`
	MaturityE8s             uint64              `json:"maturity_e8s"`
	DissolveDelay           string              `json:"dissolve_delay"`
	DissolvingFor           string              `json:"dissolving_for"`
	Age                     string              `json:"age"`
	KnownName               string              `json:"known_name"`
	KnownDescription        string              `json:"known_description"`
	Followees               map[string][]uint64 `json:"followees"`
	VotingPowerRefreshedAgo string              `json:"voting_power_refreshed_ago"`
}

// Spec validates the request and turns it into a NeuronSpec.
func (r NeuronRequest) Spec() (NeuronSpec, error) {
	s := NeuronSpec{ID: r.ID, StakeE8s: r.StakeE8s, StakedMaturityE8s: r.StakedMaturityE8s, MaturityE8s: r.MaturityE8s,
		KnownName: r.KnownName, KnownDesc: r.KnownDescription, DissolveDelay: defaultScenarioDissolveDelay}
	var err error
	if s.Controller, err = principal.Decode(r.Controller); err != nil || r.Controller == "" {
		return s, fmt.Errorf("controller: want a principal, got %q", r.Controller)
	}
	for _, h := range r.HotKeys {
		p, err := principal.Decode(h)
		if err != nil {
			return s, fmt.Errorf("hotkeys: %q: %w", h, err)
		}
		s.HotKeys = append(s.HotKeys, p)
	}
	if r.DissolveDelay != "" && r.DissolvingFor != "" {
		return s, errors.New("give either dissolve_delay or dissolving_for, not both")
	}
	for name, f := range map[string]struct {
		in  string
		dst *time.Duration
	}{"dissolve_delay": {r.DissolveDelay, &s.DissolveDelay}, "dissolving_for": {r.DissolvingFor, &s.DissolvingFor},
		"age": {r.Age, &s.Age}, "voting_power_refreshed_ago": {r.VotingPowerRefreshedAgo, &s.VotingPowerRefreshedAgo}} {
		if f.in == "" {
			continue
		}
		if *f.dst, err = ParseDuration(f.in); err != nil {
			return s, fmt.Errorf("%s: %w", name, err)
		}
	}
	if len(r.Followees) > 0 {
		s.Followees = map[nns.Topic][]uint64{}
		for name, ids := range r.Followees {
			t, err := nns.ParseTopic(name)
			if err != nil {
				return s, fmt.Errorf("followees: %w", err)
			}
			s.Followees[t] = ids
		}
	}
	return s, nil
}

func (c *Canister) adminCreateNeuron(w http.ResponseWriter, r *http.Request) {
	var req NeuronRequest
	if !readJSON(w, r, &req) {
		return
	}
	spec, err := req.Spec()
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	id, err := c.AddNeuron(spec)
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]uint64{"id": id})
}

func (c *Canister) adminRemoveHotKey(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	var req struct {
		HotKey string `json:"hotkey"`
	}
	if !readJSON(w, r, &req) {
		return
	}
	p, err := principal.Decode(req.HotKey)
	if err != nil || req.HotKey == "" {
		writeError(w, http.StatusBadRequest, fmt.Errorf("hotkey: want a principal, got %q", req.HotKey))
		return
	}
	if err := c.RemoveHotKey(id, p); err != nil {
		writeGovError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{})
}

// ProposalRequest is the admin API's proposal.
type ProposalRequest struct {
	Proposer    uint64 `json:"proposer"`
	Topic       string `json:"topic"`
	Action      string `json:"action"`
	NnsFunction int32  `json:"nns_function"`
	Title       string `json:"title"`
	Summary     string `json:"summary"`
	URL         string `json:"url"`
}

func (c *Canister) adminSubmitProposal(w http.ResponseWriter, r *http.Request) {
	var req ProposalRequest
	if !readJSON(w, r, &req) {
		return
	}
	spec := ProposalSpec{Proposer: req.Proposer, Title: req.Title, Summary: req.Summary, URL: req.URL}
	switch strings.ToLower(req.Action) {
	case "", "motion":
		spec.Action = nns.Action{Motion: &nns.Motion{MotionText: req.Summary}}
	case "executennsfunction":
		spec.Action = nns.Action{ExecuteNnsFunction: &nns.ExecuteNnsFunction{NnsFunction: req.NnsFunction, Payload: []byte{}}}
	default:
		writeError(w, http.StatusBadRequest, fmt.Errorf("action: want Motion or ExecuteNnsFunction, got %q", req.Action))
		return
	}
	if req.Topic != "" {
		t, err := nns.ParseTopic(req.Topic)
		if err != nil {
			writeError(w, http.StatusBadRequest, fmt.Errorf("topic: %w", err))
			return
		}
		spec.Topic = t
	}
	id, err := c.SubmitProposal(spec)
	if err != nil {
		writeGovError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]uint64{"id": id})
}

func (c *Canister) adminVote(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Neuron   uint64 `json:"neuron"`
		Proposal uint64 `json:"proposal"`
		Vote     string `json:"vote"`
	}
	if !readJSON(w, r, &req) {
		return
	}
	var v nns.Vote
	switch strings.ToLower(req.Vote) {
	case "yes":
		v = nns.VoteYes
	case "no":
		v = nns.VoteNo
	default:
		writeError(w, http.StatusBadRequest, fmt.Errorf("vote: want yes or no, got %q", req.Vote))
		return
	}
	if err := c.CastVote(req.Neuron, req.Proposal, v); err != nil {
		writeGovError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{})
}

func pathID(w http.ResponseWriter, r *http.Request) (uint64, bool) {
	id, err := strconv.ParseUint(r.PathValue("id"), 10, 64)
	if err != nil {
		writeError(w, http.StatusBadRequest, fmt.Errorf("id: want a number, got %q", r.PathValue("id")))
		return 0, false
	}
	return id, true
}

func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, fmt.Errorf("request body: %w", err))
		return false
	}
	return true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v) // the client went away; nothing to do
}

func writeError(w http.ResponseWriter, status int, err error) {
	writeJSON(w, status, map[string]string{"error": err.Error()})
}

// writeGovError maps a GovernanceError to 404 (NotFound) or 409 (a rule of
// the canister refused it), anything else to 400.
func writeGovError(w http.ResponseWriter, err error) {
	var ge *nns.GovernanceError
	if !errors.As(err, &ge) {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	status := http.StatusConflict
	if ge.Type() == nns.ErrorTypeNotFound {
		status = http.StatusNotFound
	}
	writeJSON(w, status, map[string]any{"error": ge.ErrorMessage, "error_type": ge.ErrorType,
		"error_type_name": ge.Type().String()})
}
