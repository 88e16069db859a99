package inference

import (
	"cmp"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// FDR returns the Benjamini–Hochberg adjusted p-values (q-values) of p:
// with the m non-NaN p-values sorted, p_(1) ≤ … ≤ p_(m),
//
//	q_(i) = min_{j ≥ i} min(1, m·p_(j)/j).
//
// Rejecting every hypothesis with q ≤ α controls the false discovery rate
// at α; this is the same decision as rsatoolbox's plot_model_comparison
// with multiple_pair_testing='fdr' (largest k with p_(k) ≤ αk/m). NaN
// p-values stay NaN and are not counted in m.
func FDR(p []float64) []float64 {
	q := make([]float64, len(p))
	idx := make([]int, 0, len(p))
	for i, v := range p {
		q[i] = math.NaN()
		if !math.IsNaN(v) {
			idx = append(idx, i)
		}
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(p[a], p[b]) })
	m := float64(len(idx))
	run := 1.0
	for k := len(idx) - 1; k >= 0; k-- {
		v := min(1, m*p[idx[k]]/float64(k+1))
		run = min(run, v)
		q[idx[k]] = run
	}
	return q
}

// Bonferroni returns min(1, m·p) for the m non-NaN p-values of p
// (family-wise error rate control); NaN stays NaN.
func Bonferroni(p []float64) []float64 {
	m := 0
	for _, v := range p {
		if !math.IsNaN(v) {
			m++
		}
	}
	out := make([]float64, len(p))
	for i, v := range p {
		out[i] = min(1, float64(m)*v)
	}
	return out
}

// CorrectPairs applies a multiple-comparison correction (FDR or
// Bonferroni) to the k(k−1)/2 pairwise p-values in the strict upper
// triangle of p and returns the corrected symmetric matrix, with ones on
// the diagonal.
func CorrectPairs(p *mat.SymDense, correct func([]float64) []float64) *mat.SymDense {
	k := p.SymmetricDim()
	v := make([]float64, 0, k*(k-1)/2)
	for i := 0; i < k; i++ {
		for j := i + 1; j < k; j++ {
			v = append(v, p.At(i, j))
		}
	}
	c := correct(v)
	out := mat.NewSymDense(k, nil)
	t := 0
	for i := 0; i < k; i++ {
		out.SetSym(i, i, 1)
		for j := i + 1; j < k; j++ {
			out.SetSym(i, j, c[t])
			t++
		}
	}
	return out
}
