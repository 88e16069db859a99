package rdm

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// Conditions returns the number of conditions n of an RDM vector of
// n(n−1)/2 pairs, or an error when pairs is not such a number (or n < 2).
func Conditions(pairs int) (int, error) {
	if pairs < 1 {
		return 0, fmt.Errorf("an RDM needs at least 1 pair (2 conditions), have %d", pairs)
	}
	n := int((1 + math.Sqrt(1+8*float64(pairs))) / 2)
	for _, c := range []int{n - 1, n, n + 1} {
		if c >= 2 && Pairs(c) == pairs {
			return c, nil
		}
	}
	return 0, fmt.Errorf("%d values is not the length of an RDM vector n(n−1)/2", pairs)
}

// Vector returns the condensed upper triangle (i < j, row-major) of the
// n × n matrix m; the diagonal and the lower triangle are ignored.
func Vector(m mat.Matrix) []float64 {
	n, _ := m.Dims()
	v := make([]float64, 0, Pairs(n))
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			v = append(v, m.At(i, j))
		}
	}
	return v
}

// selectConditions returns the RDMs over the conditions sel (indices into
// the n conditions of rdms, in that order): new d(a,b) = old d(sel[a],
// sel[b]). Two copies of one condition get diag (rsatoolbox puts NaN
// there in subsample_pattern).
func selectConditions(rdms *mat.Dense, n int, sel []int, diag float64) *mat.Dense {
	r, _ := rdms.Dims()
	k := len(sel)
	out := mat.NewDense(r, Pairs(k), nil)
	for i := 0; i < r; i++ {
		src := rdms.RawRowView(i)
		dst := out.RawRowView(i)
		p := 0
		for a := 0; a < k; a++ {
			for b := a + 1; b < k; b++ {
				if sel[a] == sel[b] {
					dst[p] = diag
				} else {
					dst[p] = src[Index(n, sel[a], sel[b])]
				}
				p++
			}
		}
	}
	return out
}

func stackConditions(op string, rdms *mat.Dense, desc int) (int, error) {
	_, m := rdms.Dims()
	n, err := Conditions(m)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", op, err)
	}
	if desc >= 0 && desc != n {
		return 0, fmt.Errorf("%s: descriptor has %d values for %d conditions", op, desc, n)
	}
	return n, nil
}

// Seq returns the condition indices 0, 1, …, n−1, the "index" pattern
// descriptor of rsatoolbox.
func Seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// SubsetPattern keeps the conditions whose descriptor value is in values,
// in their original order; repeated values select a condition once
// (rsatoolbox RDMs.subset_pattern(by, values)). desc has one value per
// condition (use Seq(n) for rsatoolbox's 'index'). It returns the RDMs
// and the kept condition indices, or an error when fewer than two
// conditions are kept.
func SubsetPattern[T comparable](rdms *mat.Dense, desc, values []T) (*mat.Dense, []int, error) {
	n, err := stackConditions("subset pattern", rdms, len(desc))
	if err != nil {
		return nil, nil, err
	}
	want := make(map[T]bool, len(values))
	for _, v := range values {
		want[v] = true
	}
	var sel []int
	for i := 0; i < n; i++ {
		if want[desc[i]] {
			sel = append(sel, i)
		}
	}
	if len(sel) < 2 {
		return nil, nil, fmt.Errorf("subset pattern: %d of %d conditions match the values %v; an RDM needs at least 2", len(sel), n, values)
	}
	return selectConditions(rdms, n, sel, 0), sel, nil
}

// SubsamplePattern selects conditions with repetition (rsatoolbox
// RDMs.subsample_pattern(by, values)): the indices of the conditions
// matching each value are concatenated — a value listed twice selects its
// conditions twice — and then sorted. The dissimilarity between two
// copies of the same condition is NaN (rsatoolbox sets the diagonal to NaN
// before indexing), so such pairs drop out of comparisons. It returns the
// RDMs and the selected condition indices.
func SubsamplePattern[T comparable](rdms *mat.Dense, desc, values []T) (*mat.Dense, []int, error) {
	n, err := stackConditions("subsample pattern", rdms, len(desc))
	if err != nil {
		return nil, nil, err
	}
	var sel []int
	for _, v := range values {
		for i := 0; i < n; i++ {
			if desc[i] == v {
				sel = append(sel, i)
			}
		}
	}
	slices.Sort(sel)
	if len(sel) < 2 {
		return nil, nil, fmt.Errorf("subsample pattern: the values %v select %d conditions; an RDM needs at least 2", values, len(sel))
	}
	return selectConditions(rdms, n, sel, math.NaN()), sel, nil
}

// Reorder permutes the conditions: new condition k is old condition
// order[k] (rsatoolbox RDMs.reorder). order must be a permutation of
// 0 … n−1.
func Reorder(rdms *mat.Dense, order []int) (*mat.Dense, error) {
	n, err := stackConditions("reorder", rdms, len(order))
	if err != nil {
		return nil, err
	}
	seen := make([]bool, n)
	for _, o := range order {
		if o < 0 || o >= n || seen[o] {
			return nil, fmt.Errorf("reorder: %v is not a permutation of 0…%d", order, n-1)
		}
		seen[o] = true
	}
	return selectConditions(rdms, n, order, 0), nil
}

// SortBy orders the conditions by ascending descriptor value with a stable
// sort, ties keeping their order (rsatoolbox RDMs.sort_by(desc='alpha'),
// a stable np.argsort: strings sort lexicographically). It returns the
// RDMs and the order used (new condition k = old condition order[k]).
func SortBy[T cmp.Ordered](rdms *mat.Dense, desc []T) (*mat.Dense, []int, error) {
	if _, err := stackConditions("sort by", rdms, len(desc)); err != nil {
		return nil, nil, err
	}
	order := Seq(len(desc))
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(desc[a], desc[b]) })
	out, err := Reorder(rdms, order)
	return out, order, err
}

// Categorical returns the model RDM of a categorical descriptor
// (rsatoolbox rdm/rdms.py::get_categorical_rdm): d_ij = 1 if
// categories[i] ≠ categories[j], else 0.
func Categorical[T comparable](categories []T) (*RDM, error) {
	n := len(categories)
	if n < 2 {
		return nil, fmt.Errorf("categorical RDM: need at least 2 conditions, have %d", n)
	}
	r := &RDM{N: n, Vec: make([]float64, 0, Pairs(n)), Method: "categorical"}
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			d := 0.0
			if categories[i] != categories[j] {
				d = 1
			}
			r.Vec = append(r.Vec, d)
		}
	}
	return r, nil
}
