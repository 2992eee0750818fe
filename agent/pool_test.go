package agent

import (
	"errors"
	"testing"
	"time"
)

func TestBackoffBounds(t *testing.T) {
	for n := range 12 {
		d := backoff(n, time.Second, time.Minute)
		full := min(time.Second<<n, time.Minute)
		if d < full/2 || d > full {
			t.Errorf("backoff(%d) = %v, want in [%v, %v]", n, d, full/2, full)
		}
	}
}

func TestOrder(t *testing.T) {
	now := time.Unix(1000, 0)
	a, b, c := &endpoint{name: "a"}, &endpoint{name: "b"}, &endpoint{name: "c"}
	eps := []*endpoint{a, b, c}
	names := func(es []*endpoint) string {
		s := ""
		for _, e := range es {
			s += e.name
		}
		return s
	}
	if got := names(order(eps, now)); got != "abc" {
		t.Errorf("all up: %s", got)
	}
	a.markDown(now, errors.New("x"), time.Minute, time.Hour)
	if got := names(order(eps, now)); got != "bc" {
		t.Errorf("a backing off: %s", got)
	}
	if got := names(order(eps, now.Add(2*time.Minute))); got != "abc" {
		t.Errorf("a's back-off over: %s, want a first again", got)
	}
	// All down: probe all, soonest retry first.
	c.markDown(now, errors.New("x"), time.Second, time.Second)
	b.markDown(now, errors.New("x"), 10*time.Second, 10*time.Second)
	if got := names(order(eps, now)); got != "cba" {
		t.Errorf("all down: %s, want soonest first", got)
	}
	if !b.markUp() || b.markUp() {
		t.Error("markUp should report the down→up transition once")
	}
}
