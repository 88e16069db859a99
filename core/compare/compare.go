package compare

import (
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
