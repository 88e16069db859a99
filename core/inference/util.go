package inference

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// conditions returns the number of conditions n of RDM vectors with m
// entries, m = n(n−1)/2, or an error when m is not of that form or n < 3.
func conditions(m int) (int, error) {
	n := int(math.Round((1 + math.Sqrt(1+8*float64(m))) / 2))
	if n*(n-1)/2 != m {
		return 0, fmt.Errorf("RDM vectors have %d entries, which is not n(n−1)/2 for any number of conditions n", m)
	}
	if n < 3 {
		return 0, fmt.Errorf("RDMs over %d conditions: at least 3 conditions are needed", n)
	}
	return n, nil
}

// pairIndex is the position of pair (i, j), i < j, in a condensed RDM
// vector over n conditions.
func pairIndex(n, i, j int) int { return n*i - i*(i+1)/2 + j - i - 1 }

// grouping partitions items (RDMs or conditions) by integer labels.
type grouping struct {
	labels  []int   // label of every item
	uniq    []int   // sorted unique labels
	members [][]int // items of each unique label, ascending
}

// newGrouping groups n items by labels; nil labels give every item its own
// group (rsatoolbox descriptor "index").
func newGrouping(labels []int, n int, what string) (*grouping, error) {
	if labels == nil {
		labels = make([]int, n)
		for i := range labels {
			labels[i] = i
		}
	} else if len(labels) != n {
		return nil, fmt.Errorf("%s groups: %d labels for %d %ss", what, len(labels), n, what)
	}
	g := &grouping{labels: labels, uniq: slices.Clone(labels)}
	slices.Sort(g.uniq)
	g.uniq = slices.Compact(g.uniq)
	g.members = make([][]int, len(g.uniq))
	for i, l := range labels {
		k, _ := slices.BinarySearch(g.uniq, l)
		g.members[k] = append(g.members[k], i)
	}
	return g, nil
}

// rowsOf copies the given rows of a into a new matrix.
func rowsOf(a *mat.Dense, rows []int) *mat.Dense {
	_, c := a.Dims()
	out := mat.NewDense(len(rows), c, nil)
	for k, r := range rows {
		copy(out.RawRowView(k), a.RawRowView(r))
	}
	return out
}

// rowMeans returns the mean of every row of a (NaN propagates, as np.mean).
func rowMeans(a *mat.Dense) []float64 {
	r, c := a.Dims()
	out := make([]float64, r)
	for i := 0; i < r; i++ {
		s := 0.0
		for _, v := range a.RawRowView(i) {
			s += v
		}
		out[i] = s / float64(c)
	}
	return out
}

func mean(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

// checkRDMs validates a stack of RDM vectors and returns the number of
// conditions.
func checkRDMs(a *mat.Dense, what string) (int, error) {
	if a == nil || a.IsEmpty() {
		return 0, fmt.Errorf("no %s RDMs", what)
	}
	_, m := a.Dims()
	n, err := conditions(m)
	if err != nil {
		return 0, fmt.Errorf("%s RDMs: %w", what, err)
	}
	return n, nil
}
