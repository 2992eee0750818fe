package console

import (
	"fmt"
	"testing"
	"time"
)

// The time axis never repeats a label, whatever the span of the history.
func TestChartAxisLabelsOnce(t *testing.T) {
	start := time.Date(2026, 12, 4, 5, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		span []time.Duration // offsets of the points from start
		want int             // labels
	}{
		{"one point", []time.Duration{0}, 4},
		{"two hours (a compressed devnet week)", []time.Duration{0, 2 * time.Hour}, 4},
		{"twelve weeks", []time.Duration{0, 12 * 7 * 24 * time.Hour}, 4},
		{"three minutes", []time.Duration{0, 3 * time.Minute}, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var pts []Point
			for _, d := range tt.span {
				pts = append(pts, Point{At: start.Add(d), Rate: 0.5})
			}
			c := newChart([]Series{{Name: "main", Points: pts}})
			seen := map[string]bool{}
			for _, tick := range c.XTicks {
				if seen[tick.Label] {
					t.Errorf("label %q repeats: %v", tick.Label, c.XTicks)
				}
				seen[tick.Label] = true
			}
			if len(c.XTicks) != tt.want {
				t.Errorf("%d labels, want %d: %v", len(c.XTicks), tt.want, c.XTicks)
			}
		})
	}
}

// Under three days the axis reads times, with the date where it changes: four full stamps
// crowd a phone.
func TestChartShortSpanLabels(t *testing.T) {
	start := time.Date(2026, 12, 4, 5, 0, 0, 0, time.UTC)
	c := newChart([]Series{{Name: "main", Points: []Point{{At: start, Rate: 1}}}})
	var got []string
	for _, tick := range c.XTicks {
		got = append(got, tick.Label)
	}
	if want := "[Dec 4 05:00 13:00 21:00 Dec 5 05:00]"; fmt.Sprint(got) != want {
		t.Errorf("labels %v, want %s", got, want)
	}
}
