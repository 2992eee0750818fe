package devnet

import (
	"testing"

	"github.com/aviate-labs/agent-go/principal"
)

// Zero limits are the replica's: 2 MiB replicated, 3 MiB non-replicated.
func TestReplyLimitsDefaultToReplica(t *testing.T) {
	l := ReplyLimits{}.withDefaults()
	id := principal.MustDecode("ryjl3-tyaaa-aaaaa-aaaba-cai")
	for _, tc := range []struct {
		kind MethodKind
		size int
		ok   bool
	}{
		{Update, 2 << 20, true},
		{Update, 2<<20 + 1, false},
		{Query, 3 << 20, true},
		{Query, 3<<20 + 1, false},
	} {
		rej := l.check(id, tc.kind, make([]byte, tc.size))
		if (rej == nil) != tc.ok {
			t.Errorf("kind %d, %d bytes: reject %v; want ok=%v", tc.kind, tc.size, rej, tc.ok)
		}
		if rej != nil && (rej.Code != RejectCanisterError || rej.ErrorCode != "IC0504") {
			t.Errorf("reject %+v; want code 5, IC0504", rej)
		}
	}
}
