package agent

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/fxamacker/cbor/v2"

	"github.com/votebot/votebot/devnet"
	"github.com/votebot/votebot/nns"
)

// badProposal looks like ProposalInfo but its status is text.
type badProposal struct {
	Id     *nns.ProposalId `ic:"id,omitempty"`
	Status string          `ic:"status"`
	Topic  int32           `ic:"topic"`
}

// proposalWithBadBallot has a ballot that is not a Ballot: not under opt,
// so the opt rule does not apply.
type proposalWithBadBallot struct {
	Id      *nns.ProposalId  `ic:"id,omitempty"`
	Ballots []badBallotEntry `ic:"ballots"`
}

type badBallotEntry struct {
	NeuronId uint64    `ic:"0,tuple"`
	Ballot   badBallot `ic:"1,tuple"`
}

type badBallot struct {
	Vote string `ic:"vote"`
}

func TestDecodeErrorsNameMethodAndField(t *testing.T) {
	net := startNet(t)
	g := newClient(t, testConfig([]string{net.url}, net.rootKey, newIdentity(t)))
	ctx := context.Background()
	tests := []struct {
		name      string
		method    string
		reply     any
		call      func() error
		wantField string
	}{
		{"top-level type", "get_latest_reward_event", "not a record",
			func() error { _, err := g.GetLatestRewardEvent(ctx); return err }, "(reply)"},
		{"field in vector", "list_proposals", struct {
			ProposalInfo []badProposal `ic:"proposal_info"`
		}{[]badProposal{{Id: &nns.ProposalId{Id: 1}, Status: "open"}}},
			func() error { _, err := g.ListProposals(ctx, nns.ListProposalInfoRequest{}); return err }, "proposal_info[0].status"},
		{"field in record in vector", "get_pending_proposals",
			[]proposalWithBadBallot{{Id: &nns.ProposalId{Id: 1}, Ballots: []badBallotEntry{{NeuronId: 7, Ballot: badBallot{Vote: "yes"}}}}},
			func() error { _, err := g.GetPendingProposals(ctx); return err }, "[0].ballots[0].1.vote"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			net.gov.setOverride(tt.method, func(devnet.Call) ([]byte, error) { return reply(tt.reply) })
			err := tt.call()
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("err = %v, want DecodeError", err)
			}
			if de.Method != tt.method || de.Field != tt.wantField {
				t.Errorf("DecodeError{Method: %q, Field: %q}, want %q, %q (%v)", de.Method, de.Field, tt.method, tt.wantField, err)
			}
			if n := net.gov.count(tt.method); n != 1 {
				t.Errorf("decode error retried: %d calls", n)
			}
		})
	}
}

// TestGarbageNeverPanics serves malformed but well-typed-looking responses
// on every path and checks the client returns errors, never panics or
// data.
func TestGarbageNeverPanics(t *testing.T) {
	bodies := map[string]any{
		"empty":           []byte{},
		"not cbor":        []byte("hello"),
		"unknown status":  map[string]any{"status": "weird"},
		"replied no sigs": map[string]any{"status": "replied", "reply": map[string]any{"arg": []byte("DIDL")}},
		"rejected":        map[string]any{"status": "rejected", "reject_code": uint64(99), "reject_message": "x", "error_code": "IC0000"},
		"bad cert":        map[string]any{"status": "replied", "certificate": []byte{0xff, 0x00}},
		"cert wrong type": map[string]any{"status": "replied", "certificate": "text"},
		"nested garbage":  map[string]any{"status": "replied", "certificate": mustCBOR(map[string]any{"tree": []any{uint64(9)}, "signature": []byte{1}})},
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			raw, ok := body.([]byte)
			if !ok {
				raw = mustCBOR(body)
			}
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/cbor")
				_, _ = w.Write(raw)
			}))
			t.Cleanup(srv.Close)
			cfg := testConfig([]string{srv.URL}, hexRootKeyForTests(t), newIdentity(t))
			cfg.MaxRounds, cfg.CallTimeout = 1, time.Second
			g := newClient(t, cfg)
			ctx := context.Background()
			if props, err := g.ListProposals(ctx, nns.ListProposalInfoRequest{}); err == nil || props != nil {
				t.Errorf("query: %v, %v", props, err)
			}
			if err := g.RegisterVote(ctx, 1, 1, nns.VoteYes); err == nil {
				t.Error("call: no error")
			}
		})
	}
}

func mustCBOR(v any) []byte {
	b, err := cbor.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
