package agent

import (
	"encoding/hex"
	"errors"
	"testing"

	"github.com/aviate-labs/agent-go/candid/idl"

	"github.com/votebot/votebot/nns"
)

// TestDecodeReplyRefusesWithoutTheRule: what the fast path declines is a
// DecodeError, never a second decode by agent-go without the opt rule;
// trailing bytes after a well-formed reply are ignored as agent-go does.
func TestDecodeReplyRefusesWithoutTheRule(t *testing.T) {
	ballot, err := reply(nns.BallotInfo{Vote: 1})
	if err != nil {
		t.Fatal(err)
	}
	selfRecord, _ := hex.DecodeString("4449444c016c0100000100") // record containing itself: crashes agent-go
	tests := []struct {
		name  string
		reply []byte
		out   any
		ok    bool
	}{
		{"well-formed", ballot, new(nns.BallotInfo), true},
		{"trailing bytes", append(append([]byte{}, ballot...), 0, 1), new(nns.BallotInfo), true},
		{"not candid", []byte("DIDX"), new(nns.BallotInfo), false},
		{"decoder crasher", selfRecord, new(nns.BallotInfo), false},
		{"raw message target", ballot, new(idl.RawMessage), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decodeReply("m", tt.reply, tt.out)
			var de *DecodeError
			if tt.ok != (err == nil) || (err != nil && (!errors.As(err, &de) || de.Method != "m")) {
				t.Fatalf("decodeReply = %v, want ok %v or a DecodeError", err, tt.ok)
			}
			if b, isBallot := tt.out.(*nns.BallotInfo); isBallot && tt.ok && b.Vote != 1 {
				t.Errorf("ballot %+v", b)
			}
		})
	}
}
