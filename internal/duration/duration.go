// Package duration parses the durations of votebot's configuration,
// devnet scenarios and devnet admin API: Go's syntax extended with days
// and years, because governance periods are counted in days and years.
package duration

import (
	"fmt"
	"math/big"
	"strings"
	"time"
)

// units are Go's duration units plus d (86,400 s) and y (365.25 days, the
// year of the NNS reward and voting power formulas).
var units = map[string]*big.Rat{
	"ns": big.NewRat(1, 1),
	"us": big.NewRat(int64(time.Microsecond), 1),
	"µs": big.NewRat(int64(time.Microsecond), 1), // U+00B5 micro sign
	"μs": big.NewRat(int64(time.Microsecond), 1), // U+03BC Greek mu
	"ms": big.NewRat(int64(time.Millisecond), 1),
	"s":  big.NewRat(int64(time.Second), 1),
	"m":  big.NewRat(int64(time.Minute), 1),
	"h":  big.NewRat(int64(time.Hour), 1),
	"d":  big.NewRat(int64(24*time.Hour), 1),
	"y":  big.NewRat(int64(24*time.Hour)*36525, 100),
}

var maxDuration = new(big.Rat).SetInt64(1<<63 - 1)

// Parse parses a duration such as "90s", "1h30m", "30d", "1d12h", "1.5d"
// or "2y": numbers with units in any order, like time.ParseDuration, with
// an optional leading "-". Decimals are exact (a year is 31,557,600 s);
// fractions of a nanosecond are truncated. "0" needs no unit.
func Parse(s string) (time.Duration, error) {
	in := strings.TrimSpace(s)
	neg := strings.HasPrefix(in, "-")
	rest := strings.TrimPrefix(in, "-")
	if rest == "0" {
		return 0, nil
	}
	if rest == "" {
		return 0, syntaxError(s)
	}
	total := new(big.Rat)
	for rest != "" {
		i := strings.IndexFunc(rest, notNumber)
		if i < 0 {
			return 0, fmt.Errorf("invalid duration %q: %s needs a unit (e.g. 90s, 2h, 30d)", s, rest)
		}
		num, ok := new(big.Rat).SetString(rest[:i])
		if i == 0 || !ok {
			return 0, syntaxError(s)
		}
		j := i + strings.IndexFunc(rest[i:], isNumber)
		if j < i {
			j = len(rest)
		}
		unit, ok := units[rest[i:j]]
		if !ok {
			return 0, fmt.Errorf("invalid duration %q: unknown unit %q (want ns, us, ms, s, m, h, d or y)", s, rest[i:j])
		}
		total.Add(total, num.Mul(num, unit))
		rest = rest[j:]
	}
	if total.Cmp(maxDuration) > 0 {
		return 0, fmt.Errorf("invalid duration %q: longer than %.0f years", s, time.Duration(1<<63-1).Hours()/24/365.25)
	}
	ns := time.Duration(new(big.Int).Quo(total.Num(), total.Denom()).Int64())
	if neg {
		ns = -ns
	}
	return ns, nil
}

func syntaxError(s string) error {
	return fmt.Errorf("invalid duration %q (want e.g. 90s, 2h, 30d)", s)
}

func isNumber(r rune) bool  { return r >= '0' && r <= '9' || r == '.' }
func notNumber(r rune) bool { return !isNumber(r) }

// Days writes a dissolve delay as a person reads it: whole days from two
// days up ("14 days"), else the duration ("36h0m0s").
func Days(d time.Duration) string {
	if d >= 48*time.Hour {
		return fmt.Sprintf("%d days", int(d/(24*time.Hour)))
	}
	return d.Round(time.Second).String()
}
