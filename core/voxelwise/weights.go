package voxelwise

import (
	"context"
	"errors"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/encoding"
)

// UnitWeights fits ridge regression from a layer (n × p) to a region's
// targets (n × t), one cross-validated penalty per target, and returns
// each unit's weight magnitude averaged over the targets,
//
//	w_u = (1/t) Σ_j |b_uj|,
//
// the ranking behind the "largest encoding weights" lesion plan. For a
// kernel fit the primal coefficients are recovered as B = X_cᵀ·A from the
// dual coefficients A, streaming the layer's column blocks. Targets left
// out of the fit (NaN responses) do not count.
func UnitWeights(ctx context.Context, layer, targets data.Matrix, alphas []float64, folds int) ([]float64, error) {
	if len(alphas) == 0 {
		return nil, errors.New("the penalty grid is empty")
	}
	cv, err := encoding.RidgeCV(ctx, layer, targets, &encoding.CVOptions{Alphas: alphas, K: folds, SkipPredictions: true}, nil)
	if err != nil {
		return nil, err
	}
	m := cv.Model
	if m == nil {
		return nil, errors.New("the ridge fit kept no model")
	}
	n, p := layer.Dims()
	excluded := map[int]bool{}
	for _, j := range cv.Excluded {
		excluded[j] = true
	}
	w := make([]float64, p)
	add := func(u int, row []float64) {
		s, c := 0.0, 0
		for j, b := range row {
			if excluded[j] || math.IsNaN(b) {
				continue
			}
			s += math.Abs(b)
			c++
		}
		if c > 0 {
			w[u] = s / float64(c)
		}
	}
	if m.Coef != nil {
		for u := 0; u < p; u++ {
			add(u, m.Coef.RawRowView(u))
		}
		return w, nil
	}
	if m.Dual == nil {
		return nil, errors.New("the ridge fit has neither primal nor dual coefficients")
	}
	err = data.EachBlock(layer, 0, func(j0, j1 int, b *mat.Dense) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		// centre the block's columns (the fit's per-feature centring)
		for c := 0; c < j1-j0; c++ {
			mean := 0.0
			for i := 0; i < n; i++ {
				mean += b.At(i, c)
			}
			mean /= float64(n)
			for i := 0; i < n; i++ {
				b.Set(i, c, b.At(i, c)-mean)
			}
		}
		var coef mat.Dense
		coef.Mul(b.T(), m.Dual)
		for c := 0; c < j1-j0; c++ {
			add(j0+c, coef.RawRowView(c))
		}
		return nil
	})
	return w, err
}
