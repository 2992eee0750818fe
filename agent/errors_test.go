package agent

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/votebot/votebot/nns"
)

func TestClassifiers(t *testing.T) {
	voted := fmt.Errorf("neuron 1: %w", &GovernanceError{Method: "m", Type: nns.ErrorTypeNeuronAlreadyVoted})
	denied := &GovernanceError{Method: "m", Type: nns.ErrorTypeNotAuthorized}
	fatal := &RejectError{Code: RejectCanisterError, ErrorCode: "IC0503"}
	transient := &RejectError{Code: RejectSysTransient}
	down := &AllEndpointsDownError{Method: "m", Errs: []error{errors.New("x")}}
	tests := []struct {
		err                   error
		already, refused, all bool
	}{
		{voted, true, true, false},
		{denied, false, true, false},
		{fatal, false, true, false},
		{transient, false, false, false},
		{down, false, false, true},
		{errors.Join(down, context.DeadlineExceeded), false, false, true},
		{nil, false, false, false},
	}
	for _, tt := range tests {
		if IsAlreadyVoted(tt.err) != tt.already || IsRefused(tt.err) != tt.refused || IsAllEndpointsDown(tt.err) != tt.all {
			t.Errorf("%v: already=%v refused=%v down=%v", tt.err, IsAlreadyVoted(tt.err), IsRefused(tt.err), IsAllEndpointsDown(tt.err))
		}
	}
}

func TestClassify(t *testing.T) {
	live := context.Background()
	cancelled, cancel := context.WithCancel(live)
	cancel()
	tests := []struct {
		name    string
		ctx     context.Context
		err     error
		class   errorClass
		outcome string
	}{
		{"caller cancelled", cancelled, errors.New("x"), classCancelled, "canceled"},
		{"attempt timeout", live, context.DeadlineExceeded, classEndpoint, "timeout"},
		{"refused", live, &net.OpError{Op: "dial", Err: errors.New("connection refused")}, classEndpoint, "transport_error"},
		{"503", live, &HTTPStatusError{StatusCode: 503}, classEndpoint, "http_error"},
		{"429", live, &HTTPStatusError{StatusCode: 429}, classRetry, "rate_limited"},
		{"400", live, &HTTPStatusError{StatusCode: 400}, classFinal, "http_error"},
		{"verify", live, fmt.Errorf("x: %w", ErrVerification), classEndpoint, "verify_error"},
		{"unknown", live, errors.New("invalid replied signature"), classEndpoint, "protocol_error"},
		{"reject", live, &RejectError{Code: RejectCanisterReject, Message: "canister rejected"}, classFinal, "reject"},
		{"transient reject", live, &RejectError{Code: RejectSysTransient, Message: "queue full"}, classRetry, "reject"},
		{"decode", live, &DecodeError{Method: "m"}, classFinal, "decode_error"},
	}
	for _, tt := range tests {
		class, outcome, _ := classify(tt.ctx, "ep", "m", tt.err)
		if class != tt.class || outcome != tt.outcome {
			t.Errorf("%s: class %d outcome %s, want %d %s", tt.name, class, outcome, tt.class, tt.outcome)
		}
	}
}

func TestAllEndpointsDownSaysWhatToCheck(t *testing.T) {
	err := &AllEndpointsDownError{Method: "list_proposals", Errs: []error{errors.New("icp-api.io: dial tcp: lookup icp-api.io: no such host")}}
	for _, want := range []string{"DNS", "firewall", "network.urls", "no such host"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q lacks %q", err.Error(), want)
		}
	}
}
