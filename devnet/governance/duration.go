package governance

import (
	"fmt"
	"math/big"
	"strings"
	"time"
)

// durationUnits are Go's units plus d (86,400 s) and y (365.25 days), the
// units of scenario files and the admin API.
var durationUnits = map[string]*big.Rat{
	"ns": big.NewRat(1, 1),
	"us": big.NewRat(int64(time.Microsecond), 1),
	"µs": big.NewRat(int64(time.Microsecond), 1),
	"ms": big.NewRat(int64(time.Millisecond), 1),
	"s":  big.NewRat(int64(time.Second), 1),
	"m":  big.NewRat(int64(time.Minute), 1),
	"h":  big.NewRat(int64(time.Hour), 1),
	"d":  big.NewRat(int64(24*time.Hour), 1),
	"y":  big.NewRat(int64(24*time.Hour)*36525, 100),
}

// ParseDuration parses a duration in Go syntax extended with d and y, e.g.
// "4d", "182.625d", "2y", "1d12h", "10s". Decimal values are exact: a year
// is 31,557,600 s. Negative durations are refused.
func ParseDuration(s string) (time.Duration, error) {
	in := strings.TrimSpace(s)
	if in == "" {
		return 0, fmt.Errorf("empty duration")
	}
	if in == "0" {
		return 0, nil
	}
	total := new(big.Rat)
	rest := in
	for rest != "" {
		i := 0
		for i < len(rest) && (rest[i] >= '0' && rest[i] <= '9' || rest[i] == '.') {
			i++
		}
		if i == 0 {
			return 0, fmt.Errorf("invalid duration %q (want e.g. 30s, 12h, 4d, 2y)", s)
		}
		num, ok := new(big.Rat).SetString(rest[:i])
		if !ok {
			return 0, fmt.Errorf("invalid number in duration %q", s)
		}
		j := i
		for j < len(rest) && !(rest[j] >= '0' && rest[j] <= '9' || rest[j] == '.') {
			j++
		}
		unit, ok := durationUnits[rest[i:j]]
		if !ok {
			return 0, fmt.Errorf("unknown unit %q in duration %q (want ns, us, ms, s, m, h, d or y)", rest[i:j], s)
		}
		total.Add(total, num.Mul(num, unit))
		rest = rest[j:]
	}
	limit := new(big.Rat).SetInt64(int64(1<<63 - 1))
	if total.Cmp(limit) > 0 {
		return 0, fmt.Errorf("duration %q is too long", s)
	}
	ns := new(big.Int).Quo(total.Num(), total.Denom())
	return time.Duration(ns.Int64()), nil
}
