package compare

import (
	"math"

	"github.com/alignscope/alignscope/core/rdm"
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
// non-NaN entries; NaN when either is constant (gonum stat.Correlation).
// Compare's "corr" gives 0 instead, as rsatoolbox does.
func Pearson(a, b []float64) float64 {
	x, y := finitePairs(a, b)
	return stat.Correlation(x, y, nil)
}

// Spearman returns the Spearman rank correlation of a and b over their
// jointly non-NaN entries (scipy.stats.spearmanr, average ranks for ties);
// NaN when either is constant. Compare's "spearman" gives 0 instead, as
// rsatoolbox does.
func Spearman(a, b []float64) float64 {
	x, y := finitePairs(a, b)
	return stat.Correlation(Rank(x), Rank(y), nil)
}

// Rank returns the 1-based ranks of x, ties receiving the mean of the ranks
// they span (scipy.stats.rankdata method "average"); NaN entries stay NaN
// and the others are ranked among themselves. See rdm.Rank for the other
// tie methods.
func Rank(x []float64) []float64 {
	return rdm.Rank(x, rdm.TiesAverage)
}

// RhoA returns Spearman's rho without tie correction over the jointly
// non-NaN entries of a and b (rsatoolbox compare_rho_a):
//
//	ρ_a = 12 Σ_k (r_k − r̄)(s_k − s̄) / (n³ − n)
//
// with r, s the average ranks of a and b and n the number of entries.
// It equals Spearman when there are no ties, and is 0 for a constant
// vector; NaN for n < 2.
func RhoA(a, b []float64) float64 {
	x, y := finitePairs(a, b)
	n := float64(len(x))
	if len(x) < 2 {
		return math.NaN()
	}
	rx, ry := Rank(x), Rank(y)
	mean := (n + 1) / 2
	s := 0.0
	for k := range rx {
		s += (rx[k] - mean) * (ry[k] - mean)
	}
	return 12 * s / (n*n*n - n)
}
