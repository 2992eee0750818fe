package nns

import (
	"math"
	"testing"
)

func TestGroupThousands(t *testing.T) {
	for _, tt := range []struct {
		n    uint64
		want string
	}{
		{0, "0"},
		{7, "7"},
		{999, "999"},
		{1000, "1,000"},
		{12345, "12,345"},
		{999999, "999,999"},
		{1000000, "1,000,000"},
		{112574437, "112,574,437"},
		{math.MaxUint64, "18,446,744,073,709,551,615"},
	} {
		if got := GroupThousands(tt.n); got != tt.want {
			t.Errorf("GroupThousands(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}
