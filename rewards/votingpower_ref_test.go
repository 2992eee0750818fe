package rewards

import (
	"math/big"
	"math/rand/v2"
	"testing"
)

// potentialVotingPowerBig is the math/big formula PotentialVotingPower
// replaced, kept as the reference the allocation-free version must match
// bit for bit. (It computes 4·MaxAgeSeconds in uint64, which wraps for
// ages of 2^62 s and more; the new version divides by MaxAgeSeconds and
// then by 4, which is exact everywhere and equal below that.)
func potentialVotingPowerBig(e Economics, n Stake) uint64 {
	if e.MaxDissolveDelaySeconds == 0 || e.MaxAgeSeconds == 0 {
		return 0
	}
	stake := new(big.Int).SetUint64(n.VotingStakeE8s())
	maxD := new(big.Int).SetUint64(e.MaxDissolveDelaySeconds)
	d := new(big.Int).SetUint64(min(n.DissolveDelaySeconds, e.MaxDissolveDelaySeconds))
	a := new(big.Int).SetUint64(min(n.AgeSeconds, e.MaxAgeSeconds))

	var dStake *big.Int
	if e.Regime == RegimeLegacy {
		bonus := new(big.Int).Mul(stake, d)
		bonus.Quo(bonus, maxD)
		dStake = bonus.Add(bonus, stake)
	} else {
		gang := new(big.Int).SetUint64(min(n.EightYearGangBonusBaseE8s, n.VotingStakeE8s()))
		base := gang.Quo(gang, big.NewInt(10))
		base.Add(base, stake)
		bonus := new(big.Int).Mul(base, d)
		bonus.Mul(bonus, d)
		bonus.Lsh(bonus, 1)
		bonus.Quo(bonus, new(big.Int).Mul(maxD, maxD))
		dStake = bonus.Add(bonus, base)
	}
	ageBonus := new(big.Int).Mul(dStake, a)
	ageBonus.Quo(ageBonus, new(big.Int).SetUint64(4*e.MaxAgeSeconds))
	vp := ageBonus.Add(ageBonus, dStake)
	if !vp.IsUint64() {
		return ^uint64(0)
	}
	return vp.Uint64()
}

// mulFractionBig is the math/big rounding DecidingVotingPower replaced.
func mulFractionBig(potential, num, den uint64) uint64 {
	if num == den {
		return potential
	}
	p := new(big.Int).Mul(new(big.Int).SetUint64(potential), new(big.Int).SetUint64(num))
	q, r := p.QuoRem(p, new(big.Int).SetUint64(den), new(big.Int))
	twice := r.Lsh(r, 1).Cmp(new(big.Int).SetUint64(den))
	if twice > 0 || (twice == 0 && q.Bit(0) == 1) {
		q.Add(q, big.NewInt(1))
	}
	return q.Uint64()
}

const maxU64 = ^uint64(0)

// sample draws edge values half of the time and otherwise a value of a
// random bit length, so that small, medium and huge inputs all occur.
func sample(r *rand.Rand, edges ...uint64) uint64 {
	if r.IntN(2) == 0 {
		return edges[r.IntN(len(edges))]
	}
	return r.Uint64() >> r.IntN(64)
}

func TestPotentialVotingPowerMatchesBigInt(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	economies := []Economics{DefaultEconomics(RegimeLegacy), DefaultEconomics(RegimeCurrent)}
	const samples = 200_000
	narrow := 0
	for i := range samples {
		e := economies[i%2]
		if i%4 >= 2 { // arbitrary maxima, up to the full range for the delay
			e.MaxDissolveDelaySeconds = sample(r, 0, 1, 2, maxU64, maxU64-1, 1<<32, 1<<32+1)
			e.MaxAgeSeconds = sample(r, 0, 1, 3, 1<<62-1, 1<<32) & (1<<62 - 1)
		}
		maxD, maxA := e.MaxDissolveDelaySeconds, e.MaxAgeSeconds
		n := Stake{
			CachedStakeE8s:            sample(r, 0, 1, 10, maxU64, maxU64-1, 100*icp),
			FeesE8s:                   sample(r, 0, 1, maxU64),
			StakedMaturityE8s:         sample(r, 0, 1, maxU64, 1<<63),
			EightYearGangBonusBaseE8s: sample(r, 0, 9, 10, 11, maxU64),
			DissolveDelaySeconds:      sample(r, 0, 1, maxD, maxD-1, maxD+1, maxU64),
			AgeSeconds:                sample(r, 0, 1, maxA, maxA-1, maxA+1, maxU64),
		}
		want := potentialVotingPowerBig(e, n)
		if got := PotentialVotingPower(e, n); got != want {
			t.Fatalf("regime %s max delay %d max age %d, %+v: got %d, big.Int gives %d",
				e.Regime, maxD, maxA, n, got, want)
		}
		if maxD == 0 || maxA == 0 {
			continue
		}
		// Both paths, whichever PotentialVotingPower took.
		v := vpInputs{stake: n.VotingStakeE8s(), gang: min(n.EightYearGangBonusBaseE8s, n.VotingStakeE8s()) / 10,
			d: min(n.DissolveDelaySeconds, maxD), a: min(n.AgeSeconds, maxA)}
		if got := v.wide(e); got != want {
			t.Fatalf("wide: regime %s max delay %d max age %d, %+v: got %d, big.Int gives %d",
				e.Regime, maxD, maxA, n, got, want)
		}
		if got, ok := v.narrow(e); ok {
			narrow++
			if got != want {
				t.Fatalf("narrow: regime %s max delay %d max age %d, %+v: got %d, big.Int gives %d",
					e.Regime, maxD, maxA, n, got, want)
			}
		}
	}
	if narrow < samples/4 || narrow > samples*3/4 {
		t.Errorf("the 128-bit path took %d of %d samples; the sampler no longer exercises both paths", narrow, samples)
	}
}

func TestMulFractionMatchesBigInt(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 200_000 {
		den := max(sample(r, 1, 2, 3, maxU64, maxU64-1, 1<<63), 1)
		num := sample(r, 0, 1, den, den-1, den/2, den/2+1)
		if den < maxU64 {
			num %= den + 1 // num ≤ den, as decisionFraction returns
		}
		x := sample(r, 0, 1, 2, 3, 5, maxU64, maxU64-1)
		if got, want := mulFraction(x, num, den), mulFractionBig(x, num, den); got != want {
			t.Fatalf("%d·%d/%d: got %d, big.Int gives %d", x, num, den, got, want)
		}
	}
}

func BenchmarkPotentialVotingPower(b *testing.B) {
	e := DefaultEconomics(RegimeCurrent)
	n := Stake{CachedStakeE8s: 123 * icp, EightYearGangBonusBaseE8s: 50 * icp, DissolveDelaySeconds: YearSeconds, AgeSeconds: YearSeconds}
	b.ReportAllocs()
	for b.Loop() {
		n.AgeSeconds++
		_ = PotentialVotingPower(e, n)
	}
}

func BenchmarkPotentialVotingPowerBig(b *testing.B) {
	e := DefaultEconomics(RegimeCurrent)
	n := Stake{CachedStakeE8s: 123 * icp, EightYearGangBonusBaseE8s: 50 * icp, DissolveDelaySeconds: YearSeconds, AgeSeconds: YearSeconds}
	b.ReportAllocs()
	for b.Loop() {
		n.AgeSeconds++
		_ = potentialVotingPowerBig(e, n)
	}
}
