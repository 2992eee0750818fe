package rewards

import "math/bits"

// wide is an unsigned 256-bit integer (least significant word first) for
// the voting-power formulas, whose intermediate products exceed 128 bits
// (a 65-bit stake times a 64-bit delay squared) but never 256. It lives on
// the stack: the ballot snapshot computes it for every neuron, and math/big
// allocated there.
type wide [4]uint64

func wideOf(x uint64) wide { return wide{x} }

// mul returns x·y; callers keep products below 2^256.
func (x wide) mul(y uint64) wide {
	var out wide
	var carry uint64
	for i, w := range x {
		hi, lo := bits.Mul64(w, y)
		var c uint64
		out[i], c = bits.Add64(lo, carry, 0)
		carry = hi + c // hi ≤ 2^64-2, so this cannot wrap
	}
	return out
}

// div returns ⌊x/y⌋ for y > 0.
func (x wide) div(y uint64) wide {
	var out wide
	var rem uint64
	for i := len(x) - 1; i >= 0; i-- {
		if rem == 0 && x[i] == 0 {
			continue // high words are usually zero: skip their division
		}
		out[i], rem = bits.Div64(rem, x[i], y) // rem < y, so no overflow
	}
	return out
}

// add returns x+y; callers keep sums below 2^256.
func (x wide) add(y wide) wide {
	var out wide
	var carry uint64
	for i := range x {
		out[i], carry = bits.Add64(x[i], y[i], carry)
	}
	return out
}

// saturated returns x, or the largest uint64 when x does not fit.
func (x wide) saturated() uint64 {
	if x[1]|x[2]|x[3] != 0 {
		return ^uint64(0)
	}
	return x[0]
}
