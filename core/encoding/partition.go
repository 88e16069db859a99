package encoding

import (
	"context"
	"fmt"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/job"
)

// Partition splits the cross-validated explained variance of each target
// between two feature sets A and B.
type Partition struct {
	// R2A, R2B and R2AB are the pooled out-of-fold R² of ridge on A, on B
	// and on the concatenation [A B], each target with its own alpha.
	R2A, R2B, R2AB []float64
	// UniqueA = R²_AB − R²_B, UniqueB = R²_AB − R²_A and
	// Shared = R²_A + R²_B − R²_AB.
	UniqueA, UniqueB, Shared []float64
	// A, B and AB are the three cross-validations.
	A, B, AB *CVResult
}

// VariancePartition fits per-target ridge cross-validation (RidgeCV with
// opt; refits and predictions are skipped) on feature sets A, B and their
// concatenation [A B] (n × (pA+pB)), and partitions the
// cross-validated R² of each target in the set-theoretic way of Lescroart
// et al. (2015) and de Heer et al. (2017):
//
//	unique_A = R²_AB − R²_B,  unique_B = R²_AB − R²_A,
//	shared   = R²_A + R²_B − R²_AB.
//
// In the kernel form the Gram matrix of [A B] is K_A + K_B, streamed from
// both. The joint model has one alpha for both sets, so their relative
// scale matters (as with any ridge on concatenated features; banded ridge
// would fit one alpha per set): standardise the sets beforehand when their
// scales differ arbitrarily. Estimates are noisy and can be slightly
// negative; no clipping is applied.
func VariancePartition(ctx context.Context, A, B, Y data.Matrix, opt *CVOptions, rep *job.Reporter) (*Partition, error) {
	if A == nil || B == nil {
		return nil, fmt.Errorf("need two feature sets")
	}
	na, _ := A.Dims()
	nb, _ := B.Dims()
	if na != nb {
		return nil, fmt.Errorf("feature sets have %d and %d stimuli", na, nb)
	}
	if opt == nil {
		return nil, fmt.Errorf("no options: give at least the alphas")
	}
	o := *opt
	o.SkipRefit, o.SkipPredictions = true, true
	pr := progress{rep}
	var res [3]*CVResult
	for i, x := range []data.Matrix{A, B, hstack{A, B}} {
		pr.msg("variance partition: model %d of 3", i+1)
		r, err := RidgeCV(ctx, x, Y, &o, nil)
		if err != nil {
			return nil, fmt.Errorf("model %s: %w", []string{"A", "B", "A+B"}[i], err)
		}
		res[i] = r
	}
	t := len(res[0].R2)
	p := &Partition{A: res[0], B: res[1], AB: res[2], R2A: res[0].R2, R2B: res[1].R2, R2AB: res[2].R2,
		UniqueA: make([]float64, t), UniqueB: make([]float64, t), Shared: make([]float64, t)}
	for j := 0; j < t; j++ {
		p.UniqueA[j] = p.R2AB[j] - p.R2B[j]
		p.UniqueB[j] = p.R2AB[j] - p.R2A[j]
		p.Shared[j] = p.R2A[j] + p.R2B[j] - p.R2AB[j]
	}
	return p, nil
}

// hstack is the column concatenation [A B] of two matrices with the same
// rows, read lazily.
type hstack struct{ a, b data.Matrix }

func (h hstack) Dims() (int, int) {
	n, pa := h.a.Dims()
	_, pb := h.b.Dims()
	return n, pa + pb
}

func (h hstack) ReadColumns(j0, j1 int, dst []float64) error {
	if err := data.CheckBlock(h, j0, j1, dst); err != nil {
		return err
	}
	n, pa := h.a.Dims()
	w := j1 - j0
	if j1 <= pa {
		return h.a.ReadColumns(j0, j1, dst)
	}
	if j0 >= pa {
		return h.b.ReadColumns(j0-pa, j1-pa, dst)
	}
	wa, wb := pa-j0, j1-pa
	ba, bb := make([]float64, n*wa), make([]float64, n*wb)
	if err := h.a.ReadColumns(j0, pa, ba); err != nil {
		return err
	}
	if err := h.b.ReadColumns(0, wb, bb); err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		copy(dst[i*w:i*w+wa], ba[i*wa:(i+1)*wa])
		copy(dst[i*w+wa:(i+1)*w], bb[i*wb:(i+1)*wb])
	}
	return nil
}
