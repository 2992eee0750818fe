package main

import (
	"testing"
	"time"
)

func TestRoughly(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{42*time.Second + 300*time.Millisecond, "42s"},
		{25*time.Minute + 3*time.Second, "25m3s"},
		{5*time.Hour + 12*time.Minute + 20*time.Second, "5h12m"},
		{2 * time.Hour, "2h"},
		{3*24*time.Hour + 4*time.Hour + 30*time.Minute, "3d4h"},
	}
	for _, tt := range tests {
		if got := roughly(tt.d); got != tt.want {
			t.Errorf("roughly(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}
