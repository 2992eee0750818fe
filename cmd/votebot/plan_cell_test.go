package main

import "testing"

func TestOneLineDefusesStrangersText(t *testing.T) {
	tests := []struct {
		name, in string
		n        int
		want     string
	}{
		{"plain", "Elect new IC-OS release", 40, "Elect new IC-OS release"},
		{"terminal escape", "\x1b[2J\x1b[31mRED", 40, "\uFFFD[2J\uFFFD[31mRED"},
		{"tabs and newlines", "a\tb\nc\r\nd", 40, "a b c d"},
		{"bell and NUL", "x\a\x00y", 40, "x\uFFFD\uFFFDy"},
		{"bounded", "0123456789", 5, "0123…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := oneLine(tt.in, tt.n); got != tt.want {
				t.Errorf("oneLine(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
			}
		})
	}
}
