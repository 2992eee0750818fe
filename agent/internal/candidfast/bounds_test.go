package candidfast

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

// candidMsg is "DIDL" followed by the given hex (spaces ignored) and raw
// bytes.
func candidMsg(t *testing.T, hexParts string, raw ...[]byte) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(hexParts, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return append(append([]byte("DIDL"), b...), bytes.Join(raw, nil)...)
}

// vecOfVecsOfNull is vec vec null with n vectors of n nulls each: a few
// kilobytes asking agent-go for n² values.
func vecOfVecsOfNull(t *testing.T, n int) []byte {
	t.Helper()
	lenHex := hex.EncodeToString([]byte{byte(n&0x7f | 0x80), byte(n >> 7)})
	return candidMsg(t, "02 6d7f 6d00 01 01"+lenHex, bytes.Repeat([]byte{byte(n&0x7f | 0x80), byte(n >> 7)}, n))
}

// TestCandidBoundsRejectsDecoderCrashes holds messages that crash
// agent-go's decoder (they are never given to it here).
func TestCandidBoundsRejectsDecoderCrashes(t *testing.T) {
	tests := []struct {
		name string
		msg  []byte
		want error
	}{
		{"future type skipping 4 GiB", candidMsg(t, "01 62 ffffffff0f 00"), errTooLong},
		{"func annotation of 4 GiB", candidMsg(t, "01 6a 00 00 ffffffff0f 00"), errTooLong},
		{"service method name of 4 GiB", candidMsg(t, "01 69 01 ffffffff0f"), errTooLong},
		{"principal of 2^40 bytes", candidMsg(t, "00 01 68 01 8080808080 20"), errTooLong},
		{"record containing itself", candidMsg(t, "01 6c01 0000 01 00"), errTooDeep},
		{"vec of vecs of null", vecOfVecsOfNull(t, 2000), errTooMany},
		{"nat of 200 LEB128 bytes", candidMsg(t, "00 01 7d", bytes.Repeat([]byte{0x80}, 200), []byte{0}), errTooLong},
		{"vector longer than the message", candidMsg(t, "01 6d7b 01 00 ff7f 00"), errTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := CheckBounds(tt.msg)
			if !errors.Is(err, tt.want) {
				t.Errorf("CheckBounds = %v, want %v", err, tt.want)
			}
		})
	}
}

// TestCandidBoundsAcceptsReplies: every reply the agent gets from the
// devnet and every encoding of the reply types passes, and the values end
// where the message (before any trailing bytes) ends.
func TestCandidBoundsAcceptsReplies(t *testing.T) {
	for _, r := range devnetReplies(t) {
		if end, err := CheckBounds(r.reply); err != nil || end != len(r.reply) {
			t.Errorf("%s: end %d of %d, %v", r.name, end, len(r.reply), err)
		}
	}
	g := newValueGen(3)
	for _, typ := range replyTypes {
		for range 50 {
			reply := marshalValue(t, g.value(typ, 6).Interface())
			if end, err := CheckBounds(append(reply, 0xff, 0)); err != nil || end != len(reply) {
				t.Fatalf("%v: end %d of %d (2 trailing bytes), %v; reply %x", typ, end, len(reply), err, reply)
			}
		}
	}
}
