package devnet_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	agent "github.com/aviate-labs/agent-go"
	"github.com/aviate-labs/agent-go/certification"
	"github.com/aviate-labs/agent-go/identity"
	"github.com/aviate-labs/agent-go/leb128"
	"github.com/fxamacker/cbor/v2"
	"github.com/votebot/votebot/devnet"
)

// A reply over the replica's limit is not data: the caller gets the
// contract-violation reject, through /query and /call alike, and a reply
// at the limit still comes back.
func TestReplyOverLimitIsRejected(t *testing.T) {
	// greet replies "Hello, <name>!" as Candid text: a header
	// (DIDL, 0 types, 1 value, text, length: 8 bytes) plus 8 bytes of text plus the
	// name, for names under 128 bytes.
	const overhead = 8 + 8
	lim := devnet.ReplyLimits{Replicated: 60, NonReplicated: 100}
	n := newTestNetConfig(t, devnet.Config{ReplyLimits: lim})
	id, err := identity.NewRandomEd25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	a := n.agentFor(t, id)
	for _, tc := range []struct {
		name  string
		call  bool
		size  int // reply bytes
		limit int // 0: fits
	}{
		{"query at limit", false, 100, 0},
		{"query over limit", false, 101, 100},
		{"call at limit", true, 60, 0},
		{"call over limit", true, 61, 60},
		{"query fits, call over", true, 100, 60},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name := strings.Repeat("x", tc.size-overhead)
			var got string
			if tc.call {
				err = a.Call(cid, "greet", []any{name}, []any{&got})
			} else {
				err = a.Query(cid, "greet", []any{name}, []any{&got})
			}
			if tc.limit == 0 {
				if err != nil || len(got) != tc.size-8 {
					t.Fatalf("reply of %d bytes: %q, %v; want it whole", tc.size, got, err)
				}
				return
			}
			want := fmt.Sprintf("application payload size (%d) cannot be larger than %d", tc.size, tc.limit)
			if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "violated contract") {
				t.Fatalf("reply of %d bytes: err = %v; want the replica's reject containing %q", tc.size, err, want)
			}
		})
	}
}

// The reject is the replica's: reject code 5 (canister error) and IC0504,
// in the node-signed query response.
func TestReplyOverLimitRejectCode(t *testing.T) {
	n := newTestNetConfig(t, devnet.Config{ReplyLimits: devnet.ReplyLimits{NonReplicated: 10}})
	id, err := identity.NewRandomEd25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	body, _ := signedEnvelope(t, id, greetRequest(t, agent.RequestTypeQuery, cid))
	status, raw := n.post(t, canisterPath("query"), "application/cbor", body)
	var resp struct {
		Status     string `cbor:"status"`
		RejectCode uint64 `cbor:"reject_code"`
		ErrorCode  string `cbor:"error_code"`
		Message    string `cbor:"reject_message"`
	}
	if err := cbor.Unmarshal(raw, &resp); err != nil || status != 200 {
		t.Fatalf("status %d, %v: %s", status, err, raw)
	}
	if resp.Status != "rejected" || resp.RejectCode != 5 || resp.ErrorCode != "IC0504" {
		t.Fatalf("got %+v; want rejected, 5, IC0504", resp)
	}
	t.Logf("reject: %s", resp.Message)
}

// With a clock offset, certificates carry the offset time and ingress
// expiry is checked against it: an expiry computed on the wall clock is
// refused, one computed on the devnet's clock is accepted.
func TestClockOffset(t *testing.T) {
	const offset = -10 * time.Minute
	n := newTestNetConfig(t, devnet.Config{ClockOffset: offset})
	id, err := identity.NewRandomEd25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	req := readStateRequest(timePath())
	req.IngressExpiry = uint64(time.Now().Add(4 * time.Minute).UnixNano())
	body, _ := signedEnvelope(t, id, req)
	if status, raw := n.post(t, canisterPath("read_state"), "application/cbor", body); status != 400 ||
		!strings.Contains(string(raw), "Invalid request expiry") {
		t.Fatalf("expiry on the wall clock: %d %s; want 400 Invalid request expiry", status, raw)
	}
	req.IngressExpiry = uint64(time.Now().Add(offset + 4*time.Minute).UnixNano())
	body, _ = signedEnvelope(t, id, req)
	status, raw := n.post(t, canisterPath("read_state"), "application/cbor", body)
	if status != 200 {
		t.Fatalf("expiry on the devnet clock: %d %s", status, raw)
	}
	got := certTime(t, raw)
	if d := time.Until(got) - offset; d < -2*time.Second || d > 2*time.Second {
		t.Fatalf("certificate time %s is %s from wall clock; want %s", got, time.Until(got), offset)
	}
}

func certTime(t *testing.T, raw []byte) time.Time {
	t.Helper()
	var resp struct {
		Certificate []byte `cbor:"certificate"`
	}
	var cert certification.Certificate
	if err := cbor.Unmarshal(raw, &resp); err != nil {
		t.Fatal(err)
	}
	if err := cbor.Unmarshal(resp.Certificate, &cert); err != nil {
		t.Fatal(err)
	}
	b, err := cert.Tree.Lookup(timePath()...)
	if err != nil {
		t.Fatal(err)
	}
	ns, err := leb128.DecodeUnsigned(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return time.Unix(0, ns.Int64())
}
