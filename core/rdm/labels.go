package rdm

import (
	"fmt"
	"math"
	"slices"
	"sort"
)

// grouping assigns each observation (row) to a condition.
type grouping struct {
	idx    []int     // condition of each observation
	labels []float64 // label of each condition; nil for one condition per row
	counts []int     // observations per condition
}

func (g *grouping) n() int { return len(g.counts) }

// identity reports whether condition k is observation k for every k.
func (g *grouping) identity() bool { return g.labels == nil }

// identityGrouping makes every one of n rows its own condition.
func identityGrouping(n int) *grouping {
	g := &grouping{idx: make([]int, n), counts: make([]int, n)}
	for i := range g.idx {
		g.idx[i] = i
		g.counts[i] = 1
	}
	return g
}

// checkLabels reports an error for a label vector of the wrong length or
// with NaN or infinite values; what names it in the message.
func checkLabels(labels []float64, n int, what string) error {
	if len(labels) != n {
		return fmt.Errorf("%s: %d labels for %d observations (rows); give one label per row", what, len(labels), n)
	}
	for i, v := range labels {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%s: label of row %d is %v; labels must be finite numbers", what, i, v)
		}
	}
	return nil
}

// sortedGrouping groups rows by label, conditions in ascending label
// order (rsatoolbox calc_rdm: average_dataset_by, then
// sort_by(descriptor='alpha')).
func sortedGrouping(labels []float64) *grouping {
	u := slices.Clone(labels)
	slices.Sort(u)
	u = slices.Compact(u)
	g := &grouping{idx: make([]int, len(labels)), labels: u, counts: make([]int, len(u))}
	for i, v := range labels {
		k, _ := slices.BinarySearch(u, v)
		g.idx[i] = k
		g.counts[k]++
	}
	return g
}

// firstAppearanceGrouping groups rows by label, conditions in order of
// first appearance (rsatoolbox util/data_utils.py::get_unique_inverse, as
// used by calc_rdm_unbalanced).
func firstAppearanceGrouping(labels []float64) *grouping {
	pos := map[float64]int{}
	g := &grouping{idx: make([]int, len(labels))}
	for i, v := range labels {
		if v == 0 {
			v = 0 // −0 and +0 are one label
		}
		k, ok := pos[v]
		if !ok {
			k = len(g.labels)
			pos[v] = k
			g.labels = append(g.labels, v)
			g.counts = append(g.counts, 0)
		}
		g.idx[i] = k
		g.counts[k]++
	}
	return g
}

// DefaultFolds returns the cross-validation folds rsatoolbox uses when
// crossnobis or poisson_cv get no fold labels
// (rdm/calc.py::_gen_default_cv_descriptor): the k-th occurrence, in row
// order, of each condition label goes to fold k. Every condition must
// occur equally often; otherwise DefaultFolds returns an error.
func DefaultFolds(conditions []float64) ([]float64, error) {
	if err := checkLabels(conditions, len(conditions), "conditions"); err != nil {
		return nil, err
	}
	g := sortedGrouping(conditions)
	for k, c := range g.counts {
		if c != g.counts[0] {
			return nil, fmt.Errorf("default cross-validation folds need the same number of observations per condition: "+
				"condition %v has %d, condition %v has %d; give fold (run) labels instead", g.labels[0], g.counts[0], g.labels[k], c)
		}
	}
	seen := make([]int, g.n())
	folds := make([]float64, len(conditions))
	for i, k := range g.idx {
		folds[i] = float64(seen[k])
		seen[k]++
	}
	return folds, nil
}

// LabelsFromStrings codes string labels as numbers for Options.Conditions
// and Options.Folds: equal strings get equal codes and codes increase with
// the byte-wise (lexicographic) order of the strings, so that sorting by
// code is rsatoolbox's sort of string labels. names[k] is the string of
// code k.
func LabelsFromStrings(s []string) (codes []float64, names []string) {
	names = slices.Clone(s)
	sort.Strings(names)
	names = slices.Compact(names)
	codes = make([]float64, len(s))
	for i, v := range s {
		k, _ := slices.BinarySearch(names, v)
		codes[i] = float64(k)
	}
	return codes, names
}

// folding splits observations into cross-validation folds.
type folding struct {
	idx    []int     // fold of each observation
	values []float64 // fold labels, ascending
}

func sortedFolding(labels []float64) *folding {
	g := sortedGrouping(labels)
	return &folding{idx: g.idx, values: g.labels}
}

// foldCounts returns n[f][k], the number of observations of condition k
// in fold f, and an error if a condition is missing from a fold.
func foldCounts(g *grouping, f *folding) ([][]int, error) {
	counts := make([][]int, len(f.values))
	for i := range counts {
		counts[i] = make([]int, g.n())
	}
	for a, k := range g.idx {
		counts[f.idx[a]][k]++
	}
	for fi, row := range counts {
		for k, c := range row {
			if c == 0 {
				return nil, fmt.Errorf("condition %v has no observation in fold %v; "+
					"cross-validation needs every condition in every fold (use CalcUnbalanced for unbalanced designs)",
					condName(g, k), f.values[fi])
			}
		}
	}
	return counts, nil
}

func condName(g *grouping, k int) string {
	if g.labels == nil {
		return fmt.Sprintf("row %d", k)
	}
	return fmt.Sprint(g.labels[k])
}
