package duration

import (
	"strings"
	"testing"
	"time"
)

const (
	day   = 24 * time.Hour
	year  = 36525 * day / 100 // 365.25 days
	month = year / 12
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"90s", 90 * time.Second}, {"10s", 10 * time.Second}, {"1.5s", 1500 * time.Millisecond},
		{"2h", 2 * time.Hour}, {"12h", 12 * time.Hour}, {"1h30m", 90 * time.Minute},
		{"30d", 30 * day}, {"4d", 4 * day}, {"1d12h", 36 * time.Hour}, {"1.5d", 36 * time.Hour},
		{"1y", year}, {"2y", 2 * year}, {"182.625d", 6 * month}, {"30.4375d", month},
		{"0", 0}, {"0s", 0}, {"0d", 0}, {"-1h", -time.Hour}, {" 2h ", 2 * time.Hour},
		{".5h", 30 * time.Minute}, {"5.h", 5 * time.Hour}, {"1µs", time.Microsecond}, {"1μs", time.Microsecond},
		{"12h1d", 36 * time.Hour}, {"1.9ns", time.Nanosecond},
		{"292y", 292 * year},
	}
	for _, tt := range tests {
		if got, err := Parse(tt.in); err != nil || got != tt.want {
			t.Errorf("Parse(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", `invalid duration "" (want e.g. 90s, 2h, 30d)`},
		{"-", `invalid duration "-" (want e.g. 90s, 2h, 30d)`},
		{"d", `invalid duration "d" (want e.g. 90s, 2h, 30d)`},
		{"soon", `invalid duration "soon" (want e.g. 90s, 2h, 30d)`},
		{"NaNd", `invalid duration "NaNd" (want e.g. 90s, 2h, 30d)`},
		{"+1h", `invalid duration "+1h" (want e.g. 90s, 2h, 30d)`},
		{"1d-2h", `invalid duration "1d-2h": unknown unit "d-" (want ns, us, ms, s, m, h, d or y)`},
		{"1.2.3s", `invalid duration "1.2.3s" (want e.g. 90s, 2h, 30d)`},
		{"5", `invalid duration "5": 5 needs a unit (e.g. 90s, 2h, 30d)`},
		{"1h30", `invalid duration "1h30": 30 needs a unit (e.g. 90s, 2h, 30d)`},
		{"24 hours", `invalid duration "24 hours": unknown unit " hours" (want ns, us, ms, s, m, h, d or y)`},
		{"4 days", `unknown unit " days"`},
		{"1w", `unknown unit "w"`},
		{"1e3d", `unknown unit "e"`},
		{"1_000s", `unknown unit "_"`},
		{"300000y", `invalid duration "300000y": longer than 292 years`},
		{"293y", `longer than 292 years`},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%q) = %v, %v; want error %q", tt.in, got, err, tt.want)
		}
	}
}

// FuzzParse: any text is a duration or an error, never a panic, and a
// duration parses to the same value with a leading minus negated.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"90s", "1d12h", "1.5d", "2y", "-1h", "0", "24 hours", "1e3d", ".5h"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Parse(s)
		if err != nil || strings.HasPrefix(strings.TrimSpace(s), "-") {
			return
		}
		if n, err := Parse("-" + strings.TrimSpace(s)); err != nil || n != -d {
			t.Errorf("Parse(-%q) = %v, %v; want %v", s, n, err, -d)
		}
	})
}
