package compare

import (
	"fmt"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
	"math"
	"sort"

	"gonum.org/v1/gonum/stat"
)

// finitePairs returns copies of a and b without the positions where either
// is NaN.
func finitePairs(a, b []float64) ([]float64, []float64) {
	if len(a) != len(b) {
		panic("compare: vectors of different length")
	}
	x := make([]float64, 0, len(a))
	y := make([]float64, 0, len(b))
	for i := range a {
		if math.IsNaN(a[i]) || math.IsNaN(b[i]) {
			continue
		}
		x = append(x, a[i])
		y = append(y, b[i])
	}
	return x, y
}

// Pearson returns the Pearson correlation of a and b over their jointly
// non-NaN entries.
func Pearson(a, b []float64) float64 {
	x, y := finitePairs(a, b)
	return stat.Correlation(x, y, nil)
}

// Spearman returns the Spearman rank correlation of a and b over their
// jointly non-NaN entries (scipy.stats.spearmanr, average ranks for ties).
func Spearman(a, b []float64) float64 {
	x, y := finitePairs(a, b)
	return stat.Correlation(Rank(x), Rank(y), nil)
}

// Rank returns the 1-based ranks of x, ties receiving the mean of the ranks
// they span (scipy.stats.rankdata method "average").
func Rank(x []float64) []float64 {
	idx := make([]int, len(x))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return x[idx[a]] < x[idx[b]] })
	r := make([]float64, len(x))
	for i := 0; i < len(idx); {
		j := i + 1
		for j < len(idx) && x[idx[j]] == x[idx[i]] {
			j++
		}
		avg := float64(i+j+1) / 2 // mean of ranks i+1 … j
		for k := i; k < j; k++ {
			r[idx[k]] = avg
		}
		i = j
	}
	return r
}

// Options holds the settings of the comparison measures that have any.
type Options struct {
	// SigmaK is the stimulus covariance Σ_k of corr_cov and cosine_cov
	// (nil: identity).
	SigmaK *mat.Dense
}

// Compare returns the n1 × n2 matrix of similarities between the RDM
// vectors in the rows of a (n1 × m) and b (n2 × m), as rsatoolbox's
// compare(rdm1, rdm2, method). Methods: "cosine", "corr", "spearman".
func Compare(a, b *mat.Dense, method string, opt *Options) (*mat.Dense, error) {
	n1, m1 := a.Dims()
	n2, m2 := b.Dims()
	if m1 != m2 {
		return nil, fmt.Errorf("compare: RDMs of different sizes (%d and %d pairs)", m1, m2)
	}
	var f func(x, y []float64) float64
	switch method {
	case "corr":
		f = Pearson
	case "spearman":
		f = Spearman
	case "cosine":
		f = func(x, y []float64) float64 {
			x, y = finitePairs(x, y)
			return floats.Dot(x, y) / math.Sqrt(floats.Dot(x, x)*floats.Dot(y, y))
		}
	default:
		return nil, fmt.Errorf("compare: unknown method %q", method)
	}
	out := mat.NewDense(n1, n2, nil)
	for i := 0; i < n1; i++ {
		for j := 0; j < n2; j++ {
			out.Set(i, j, f(a.RawRowView(i), b.RawRowView(j)))
		}
	}
	return out, nil
}
