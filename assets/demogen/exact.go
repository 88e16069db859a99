package demogen

import (
	"math"
	"math/rand/v2"
)

// The generator must give the same bytes on every machine, so its
// arithmetic avoids the two sources of platform differences in Go:
//
//   - fused multiply-add: the compiler may fuse x*y + z into one FMA
//     instruction (arm64, ppc64, s390x, and amd64 with GOAMD64=v3), which
//     rounds once instead of twice. An explicit conversion float64(x*y)
//     forbids the fusion, so every product that is later added is wrapped
//     in one, as in mul and sq below.
//   - transcendental functions (math.Exp, math.Sin, …) may differ in the
//     last bit between architectures. They are called only a few hundred
//     times (rotation angles, Gabor filters) and their results are rounded
//     to float32 precision by round32, which makes a 1-ulp difference in
//     float64 vanish except with negligible probability.
//
// Everything else is +, −, ×, ÷ and √, which IEEE 754 rounds exactly, in a
// fixed order. To check that no fused instruction is left, this must print
// nothing:
//
//	GOARCH=arm64 go build -gcflags=-S ./assets/demogen 2>&1 | grep FMADD
// gonum is used for the in-memory matrices handed to callers
// and in tests, not for the numbers that are written.

// mul returns x·y rounded, never fused into a following addition.
func mul(x, y float64) float64 { return float64(x * y) }

// sq returns x² rounded.
func sq(x float64) float64 { return float64(x * x) }

// round32 rounds x to the nearest float32 value.
func round32(x float64) float64 { return float64(float32(x)) }

// sin32, cos32 and exp32 are the math functions rounded to float32.
func sin32(x float64) float64 { return round32(math.Sin(x)) }
func cos32(x float64) float64 { return round32(math.Cos(x)) }
func exp32(x float64) float64 { return round32(math.Exp(x)) }

// uniform draws from [lo, hi).
func uniform(r *rand.Rand, lo, hi float64) float64 {
	return lo + mul(hi-lo, r.Float64())
}

// dot returns Σ x[i]·y[i], summed in index order.
func dot(x, y []float64) float64 {
	var s float64
	for i, v := range x {
		s += float64(v * y[i])
	}
	return s
}

// axpy sets y[i] += a·x[i].
func axpy(a float64, x, y []float64) {
	for i, v := range x {
		y[i] += float64(a * v)
	}
}

// newRand returns the generator's PCG stream number stream.
func newRand(stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(Seed, stream))
}

// normals fills a new slice of length n with standard normal draws scaled
// by scale.
func normals(r *rand.Rand, n int, scale float64) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = mul(r.NormFloat64(), scale)
	}
	return x
}
