package console

import (
	"strconv"
	"strings"
	"time"

	"github.com/votebot/votebot/alert"
)

// The participation chart is an SVG drawn on the server: a few polylines in a fixed viewBox,
// scaled to the page's width by CSS. Only numbers computed here reach its attributes.
const (
	chartW, chartH          = 400.0, 200.0
	chartLeft, chartRight   = 42.0, 8.0
	chartTop, chartBottom   = 10.0, 30.0
	maxChartSeries          = 8
	maxChartPointsPerSeries = 400
)

type chart struct {
	W, H    float64
	Lines   []chartLine
	YTicks  []chartTick
	XTicks  []chartTick
	Left    float64
	Right   float64
	Top     float64
	Bottom  float64
	Empty   bool
	Omitted int // series not drawn (more than maxChartSeries)
}

type chartLine struct {
	Name   string
	Points string // "x,y x,y …"
	Class  string // colour class c0..c7
	Last   string // the latest rate, for the legend
}

type chartTick struct {
	Pos    float64
	Label  string
	Anchor string // the end of the axis the label hangs from: "start", "middle", "end"
}

func newChart(series []Series) chart {
	c := chart{W: chartW, H: chartH, Left: chartLeft, Right: chartW - chartRight, Top: chartTop, Bottom: chartH - chartBottom}
	var from, to time.Time
	for _, s := range series {
		for _, p := range s.Points {
			if from.IsZero() || p.At.Before(from) {
				from = p.At
			}
			if p.At.After(to) {
				to = p.At
			}
		}
	}
	if from.IsZero() {
		c.Empty = true
		return c
	}
	if !to.After(from) {
		to = from.Add(24 * time.Hour)
	}
	x := func(t time.Time) float64 {
		return c.Left + (c.Right-c.Left)*float64(t.Sub(from))/float64(to.Sub(from))
	}
	y := func(rate float64) float64 {
		return c.Bottom - (c.Bottom-c.Top)*min(max(rate, 0), 1)
	}
	for _, r := range []float64{0, 0.5, 1} {
		c.YTicks = append(c.YTicks, chartTick{Pos: y(r), Label: strconv.Itoa(int(r*100)) + "%"})
	}
	c.XTicks = xTicks(from, to, x)
	for i, s := range series {
		if i >= maxChartSeries {
			c.Omitted = len(series) - maxChartSeries
			break
		}
		pts := s.Points
		if len(pts) > maxChartPointsPerSeries {
			pts = pts[len(pts)-maxChartPointsPerSeries:]
		}
		var b strings.Builder
		for j, p := range pts {
			if j > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(strconv.FormatFloat(x(p.At), 'f', 1, 64) + "," + strconv.FormatFloat(y(p.Rate), 'f', 1, 64))
		}
		if len(pts) == 1 {
			// One point is a line of no length: repeat it so the round cap draws a dot.
			b.WriteString(" " + b.String())
		}
		line := chartLine{Name: alert.Truncate(alert.OneLine(s.Name), 40), Points: b.String(), Class: "c" + strconv.Itoa(i)}
		if len(pts) > 0 {
			line.Last = strconv.FormatFloat(100*pts[len(pts)-1].Rate, 'f', 1, 64) + "%"
		}
		c.Lines = append(c.Lines, line)
	}
	return c
}

// xTicks labels the time axis at its ends and two points between, in a format fine enough for
// the span, each label once: a chart of a few days' history read "Dec 4 Dec 4 Dec 4 Dec 4".
// Under three days the labels are times, with the date where it changes ("Dec 4 06:10",
// "14:10", "22:10", "Dec 5 06:10"): four full stamps do not fit a phone.
func xTicks(from, to time.Time, x func(time.Time) float64) []chartTick {
	short := to.Sub(from) < 3*24*time.Hour
	var ticks []chartTick
	seen := map[string]bool{}
	lastDay := ""
	for i := 0; i <= 3; i++ {
		t := from.Add(time.Duration(i) * to.Sub(from) / 3).UTC()
		day, label := t.Format("Jan 2"), t.Format("Jan 2")
		if short {
			label = t.Format("15:04")
			if day != lastDay {
				label = day + " " + label
			}
		}
		if seen[label] {
			continue
		}
		seen[label], lastDay = true, day
		anchor := "middle" // the first and last labels stay inside the chart
		switch i {
		case 0:
			anchor = "start"
		case 3:
			anchor = "end"
		}
		ticks = append(ticks, chartTick{Pos: x(t), Label: label, Anchor: anchor})
	}
	return ticks
}
