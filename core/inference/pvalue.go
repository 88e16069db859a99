package inference

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// epsilon is numpy's float64 machine epsilon: variances are floored at it
// before t statistics are formed (rsatoolbox inference_util.t_tests).
const epsilon = 2.220446049250313e-16

// tSurvival is P(T > t) for Student's t with dof degrees of freedom, NaN
// when dof < 1.
func tSurvival(t float64, dof int) float64 {
	if dof < 1 || math.IsNaN(t) {
		return math.NaN()
	}
	return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(dof)}.Survival(t)
}

// tTests are rsatoolbox's t-tests with variance estimates
// (inference_util.t_test_0, t_test_nc, t_tests):
//
//	p_zero_i  = P(T > μ_i / √max(v_i, ε))                       one-sided
//	p_noise_i = 2 P(T > |μ_i − lower| / √max(vn_i, ε))           two-sided
//	p_ij      = 2 P(T > |μ_i − μ_j| / √max(vd_ij, ε))            two-sided
//
// with T ~ t(dof), v the model variances, vn the variances of the
// differences from the lower noise ceiling and vd those of the pairwise
// differences.
func tTests(mu []float64, v Variances, lower float64, dof int) (pZero, pNoise []float64, pPair *mat.SymDense) {
	k := len(mu)
	pZero = make([]float64, k)
	pNoise = make([]float64, k)
	pPair = mat.NewSymDense(k, nil)
	for i := range mu {
		pZero[i] = tSurvival(mu[i]/math.Sqrt(max(v.Model[i], epsilon)), dof)
		pNoise[i] = 2 * tSurvival(math.Abs(mu[i]-lower)/math.Sqrt(max(v.Noise[i], epsilon)), dof)
		pPair.SetSym(i, i, 1)
		for j := i + 1; j < k; j++ {
			t := math.Abs(mu[i]-mu[j]) / math.Sqrt(max(v.Diff.At(i, j), epsilon))
			pPair.SetSym(i, j, 2*tSurvival(t, dof))
		}
	}
	return pZero, pNoise, pPair
}

// percentileTests are rsatoolbox's bootstrap tests (test_type='bootstrap')
// on N bootstrap samples x (N × k) and the lower noise ceilings lower (N):
//
//	p_zero_i  = (#{x_si ≤ 0} + 1) / N                            one-sided
//	p_noise_i = (#{lower_s − x_si ≤ 0} + 1) / N                   one-sided (model below the lower bound)
//
// (both capped at 1; rsatoolbox can return (N+1)/N)
//
//	p_ij      = (N−1)/N · 2 min(f, 1−f) + 1/N,  f = #{x_si < x_sj} / (N − #{x_si = x_sj})
func percentileTests(x *mat.Dense, lower []float64) (pZero, pNoise []float64, pPair *mat.SymDense) {
	N, k := x.Dims()
	n := float64(N)
	pZero = make([]float64, k)
	pNoise = make([]float64, k)
	pPair = mat.NewSymDense(k, nil)
	for i := 0; i < k; i++ {
		var z, nc float64
		for s := 0; s < N; s++ {
			v := x.At(s, i)
			if v <= 0 {
				z++
			}
			if lower[s]-v <= 0 {
				nc++
			}
		}
		pZero[i] = min(1, (z+1)/n)
		pNoise[i] = min(1, (nc+1)/n)
		if math.IsNaN(lower[0]) {
			pNoise[i] = math.NaN()
		}
		pPair.SetSym(i, i, 1)
		for j := i + 1; j < k; j++ {
			var less, eq float64
			for s := 0; s < N; s++ {
				a, b := x.At(s, i), x.At(s, j)
				if a < b {
					less++
				} else if a == b {
					eq++
				}
			}
			f := less / (n - eq)
			p := 2 * min(f, 1-f)
			pPair.SetSym(i, j, (n-1)/n*p+1/n)
		}
	}
	return pZero, pNoise, pPair
}

// framedQuantile is np.quantile (linear interpolation) of the samples
// framed by −∞ and +∞, as rsatoolbox's bootstrap confidence intervals
// (Result.get_ci with test_type='bootstrap'): the position is q·(N+1) in
// the sorted array [−∞, x_(1), …, x_(N), +∞]. With too few samples for the
// requested level the result is ±Inf.
func framedQuantile(sorted []float64, q float64) float64 {
	n := len(sorted)
	f := func(i int) float64 {
		switch {
		case i == 0:
			return math.Inf(-1)
		case i > n:
			return math.Inf(1)
		}
		return sorted[i-1]
	}
	pos := q * float64(n+1)
	lo := int(math.Floor(pos))
	frac := pos - float64(lo)
	a := f(lo)
	if frac == 0 {
		return a
	}
	b := f(lo + 1)
	if math.IsInf(a, 0) {
		return a
	}
	if math.IsInf(b, 0) {
		return b
	}
	return a + frac*(b-a)
}

// percentileCI returns the framed 2.5 % and 97.5 % quantiles of x (NaN
// entries ignored).
func percentileCI(x []float64) (lo, hi float64) {
	s := make([]float64, 0, len(x))
	for _, v := range x {
		if !math.IsNaN(v) {
			s = append(s, v)
		}
	}
	slices.Sort(s)
	return framedQuantile(s, 0.025), framedQuantile(s, 0.975)
}
