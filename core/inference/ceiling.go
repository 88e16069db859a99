package inference

import (
	"fmt"
	"math"

	"github.com/alignscope/alignscope/core/compare"
	"gonum.org/v1/gonum/mat"
)

// Ceiling is a noise ceiling: the lower and upper bound of the score that
// the true model could reach given the noise and the differences between
// subjects.
type Ceiling struct {
	Lower, Upper float64
}

// NoiseCeiling returns the leave-one-group-out noise ceiling of a set of
// data RDMs (the rows of rdms) under a comparison method, as rsatoolbox's
// boot_noise_ceiling(rdms, method, rdm_descriptor) (which, despite its
// name, is deterministic). For every unique value g of groups, in
// ascending order,
//
//	lower_g = mean_{s∈g} compare(pool(RDMs ∉ g), RDM_s)
//	upper_g = mean_{s∈g} compare(pool(all RDMs), RDM_s)
//
// and the ceiling is [mean_g lower_g, mean_g upper_g]: every group has the
// same weight whatever its size. pool is compare.Pool (rsatoolbox
// util/inference_util.pool_rdm: RMS-scaled for cosine, z-scored for corr,
// ranks for the rank methods, then averaged). groups nil leaves out one
// RDM at a time (rdm_descriptor 'index'); with the folds of KFoldRDM
// it is rsatoolbox's cv_noise_ceiling. compare is core/compare.Compare
// without options (no sigma_k).
//
// At least two groups are needed; methods without a pooling rule return
// an error wrapping ErrNoPooling.
func NoiseCeiling(rdms *mat.Dense, method string, groups []int) (Ceiling, error) {
	nan := Ceiling{math.NaN(), math.NaN()}
	if _, err := checkRDMs(rdms, "data"); err != nil {
		return nan, fmt.Errorf("noise ceiling: %w", err)
	}
	r, _ := rdms.Dims()
	g, err := newGrouping(groups, r, "RDM")
	if err != nil {
		return nan, fmt.Errorf("noise ceiling: %w", err)
	}
	if len(g.uniq) < 2 {
		return nan, fmt.Errorf("noise ceiling: need at least 2 groups of RDMs to leave one out, have %d", len(g.uniq))
	}
	c, err := ceilingOf(rdms, g, method)
	if err != nil {
		return nan, fmt.Errorf("noise ceiling: %w", err)
	}
	return c, nil
}

// ceilingOf is NoiseCeiling on validated input, written plainly after the
// definition (the bootstrap has a faster equivalent in engine.go). A group
// whose complement is empty gives a NaN lower bound.
func ceilingOf(rdms *mat.Dense, g *grouping, method string) (Ceiling, error) {
	_, m := rdms.Dims()
	all, err := pool(rdms, method)
	if err != nil {
		return Ceiling{math.NaN(), math.NaN()}, err
	}
	allM := mat.NewDense(1, m, all)
	var lo, up float64
	for k, mem := range g.members {
		test := rowsOf(rdms, mem)
		cu, err := compare.Compare(allM, test, method, nil)
		if err != nil {
			return Ceiling{math.NaN(), math.NaN()}, err
		}
		up += mean(cu.RawRowView(0))
		rest := make([]int, 0, len(g.labels)-len(mem))
		for i, l := range g.labels {
			if l != g.uniq[k] {
				rest = append(rest, i)
			}
		}
		if len(rest) == 0 {
			lo = math.NaN()
			continue
		}
		p, err := pool(rowsOf(rdms, rest), method)
		if err != nil {
			return Ceiling{math.NaN(), math.NaN()}, err
		}
		cl, err := compare.Compare(mat.NewDense(1, m, p), test, method, nil)
		if err != nil {
			return Ceiling{math.NaN(), math.NaN()}, err
		}
		lo += mean(cl.RawRowView(0))
	}
	G := float64(len(g.members))
	return Ceiling{lo / G, up / G}, nil
}

// KFoldRDM returns the test fold of each of n RDMs in rsatoolbox's
// deterministic k-fold split (sets_k_fold_rdm with random=False): with
// g = ⌊n/k⌋, fold i holds RDMs [i·g, (i+1)·g) and, when i < n mod k, also
// RDM n−1−i. NoiseCeiling(rdms, method, KFoldRDM(n, k)) is then
// rsatoolbox's cv_noise_ceiling over these folds.
func KFoldRDM(n, k int) ([]int, error) {
	if k < 2 {
		return nil, fmt.Errorf("k-fold split of RDMs: need at least 2 folds, asked for %d", k)
	}
	if k > n {
		return nil, fmt.Errorf("k-fold split of RDMs: %d folds for only %d RDMs", k, n)
	}
	g, extra := n/k, n%k
	f := make([]int, n)
	for i := 0; i < k; i++ {
		for j := i * g; j < (i+1)*g; j++ {
			f[j] = i
		}
		if i < extra {
			f[n-1-i] = i
		}
	}
	return f, nil
}

// pool is compare.Pool (rsatoolbox util/inference_util.pool_rdm) with
// errors for methods without a pooling rule (ErrNoPooling) and for RDMs
// that cannot be normalised (all zero, constant: the pooled RDM has NaN
// where the first RDM has none).
func pool(rdms *mat.Dense, method string) ([]float64, error) {
	if poolKindOf(method) == poolNone {
		return nil, fmt.Errorf("pool RDMs: method %q: %w", method, ErrNoPooling)
	}
	p, err := compare.Pool(rdms, method)
	if err != nil {
		return nil, err
	}
	first := rdms.RawRowView(0)
	for j, v := range p {
		if math.IsNaN(v) && !math.IsNaN(first[j]) {
			r, _ := rdms.Dims()
			for i := 0; i < r; i++ {
				if flat(rdms.RawRowView(i)) {
					return nil, fmt.Errorf("pool RDMs for %s: RDM %d is %w", method, i, errDegenerate)
				}
			}
			return nil, fmt.Errorf("pool RDMs for %s: an RDM is %w", method, errDegenerate)
		}
	}
	return p, nil
}

// flat reports whether the non-NaN entries of v are all equal (or absent).
func flat(v []float64) bool {
	first := math.NaN()
	for _, x := range v {
		switch {
		case math.IsNaN(x):
		case math.IsNaN(first):
			first = x
		case x != first:
			return false
		}
	}
	return true
}
