package inference

import (
	"context"
	"fmt"
	"math"

	"github.com/alignscope/alignscope/core/compare"
	"github.com/alignscope/alignscope/core/job"
	"gonum.org/v1/gonum/mat"
)

// PermutationTest tests every model RDM (rows of models) for relatedness
// to the data RDMs (rows of data) by randomising the stimulus labels, the
// condition-label randomisation test of Nili et al. (2014, the MATLAB RSA
// toolbox; rsatoolbox for Python has no permutation test). The statistic
// is a model's mean score over the data RDMs, s = mean_s compare(model,
// data_s). Permutation π of the conditions relabels the model,
// d'_ij = d_π(i)π(j), and gives a null score s_π; with N permutations
//
//	p = (1 + #{π : s_π ≥ s}) / (1 + N)        one-sided, p ≥ 1/(N+1).
//
// All models share the permutations. Permutation i draws from its own
// generator seeded from (seed, i); the N permutations run in parallel
// (job.For) and stop with ctx.Err() on cancellation; rep (may be nil)
// counts them. The model RDMs must be complete; entries that are NaN in
// the data are set NaN in the permuted models, so the data's missing pairs
// are dropped as usual.
func PermutationTest(ctx context.Context, models, data *mat.Dense, method string, N int, seed uint64, rep *job.Reporter) ([]float64, error) {
	n, err := checkRDMs(models, "model")
	if err != nil {
		return nil, fmt.Errorf("permutation test: %w", err)
	}
	if _, err := checkRDMs(data, "data"); err != nil {
		return nil, fmt.Errorf("permutation test: %w", err)
	}
	M, m := models.Dims()
	if _, md := data.Dims(); md != m {
		return nil, fmt.Errorf("permutation test: model RDMs have %d entries and data RDMs %d: they are not over the same stimuli", m, md)
	}
	if hasNaN(models) {
		return nil, fmt.Errorf("permutation test: the model RDMs have missing (NaN) dissimilarities; relabelling the stimuli would move them, so the test needs complete model RDMs")
	}
	if N < 1 {
		return nil, fmt.Errorf("permutation test: %d permutations; at least 1 is needed (10000 is usual)", N)
	}
	// Spearman of ranks is Pearson of ranks, and permuting an RDM permutes
	// its ranks: rank once, compare as corr.
	cmp, mod, dat := method, models, data
	if method == "spearman" && !hasNaN(models) && !hasNaN(data) {
		cmp, mod, dat = "corr", rankRowsOf(models), rankRowsOf(data)
	}
	ref := data.RawRowView(0)
	obsMod := mod
	if hasNaN(data) {
		obsMod = mat.DenseCopyOf(mod)
		for k := 0; k < M; k++ {
			row := obsMod.RawRowView(k)
			for t, v := range ref {
				if math.IsNaN(v) {
					row[t] = math.NaN()
				}
			}
		}
	}
	obs, err := compare.Compare(obsMod, dat, cmp, nil)
	if err != nil {
		return nil, fmt.Errorf("permutation test: %w", err)
	}
	observed := rowMeans(obs)
	exceed := make([][]bool, N)
	if rep != nil {
		rep.SetTotal(N)
	}
	err = job.For(ctx, N, func(i int) error {
		rng := sampleRNG(seed, i)
		perm := rng.Perm(n)
		pm := mat.NewDense(M, m, nil)
		for k := 0; k < M; k++ {
			src, dst := mod.RawRowView(k), pm.RawRowView(k)
			for a := 0; a < n; a++ {
				for b := a + 1; b < n; b++ {
					t := pairIndex(n, a, b)
					if math.IsNaN(ref[t]) {
						dst[t] = math.NaN()
						continue
					}
					x, y := perm[a], perm[b]
					if x > y {
						x, y = y, x
					}
					dst[t] = src[pairIndex(n, x, y)]
				}
			}
		}
		c, err := compare.Compare(pm, dat, cmp, nil)
		if err != nil {
			return err
		}
		ex := make([]bool, M)
		for k, v := range rowMeans(c) {
			ex[k] = v >= observed[k]
		}
		exceed[i] = ex
		if rep != nil {
			rep.Add(1)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	p := make([]float64, M)
	for k := range p {
		c := 1.0
		for _, ex := range exceed {
			if ex[k] {
				c++
			}
		}
		p[k] = c / float64(N+1)
		if math.IsNaN(observed[k]) {
			p[k] = math.NaN()
		}
	}
	return p, nil
}

func hasNaN(a *mat.Dense) bool {
	r, _ := a.Dims()
	for i := 0; i < r; i++ {
		for _, v := range a.RawRowView(i) {
			if math.IsNaN(v) {
				return true
			}
		}
	}
	return false
}

// rankRowsOf returns the average ranks of every row (no NaN).
func rankRowsOf(a *mat.Dense) *mat.Dense {
	r, c := a.Dims()
	out := mat.NewDense(r, c, nil)
	var buf []valIdx
	for i := 0; i < r; i++ {
		buf = nanRank(a.RawRowView(i), out.RawRowView(i), buf)
	}
	return out
}
