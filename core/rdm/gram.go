package rdm

import (
	"context"
	"fmt"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/job"
	"gonum.org/v1/gonum/mat"
)

// Gram returns G = Xc·Xcᵀ, where Xc is m with each row's mean over
// columns subtracted when centre is true, accumulated in float64 over
// streamed column blocks with a BLAS rank-k update (dsyrk). It also
// returns p. The row means are removed in the same pass (see the package
// documentation); a second pass is made only for rows whose mean is so
// large against their spread that the one-pass correction would lose
// accuracy. Progress counts columns read.
func Gram(ctx context.Context, m data.Matrix, centre bool, rep *job.Reporter) (*mat.SymDense, int, error) {
	if m == nil {
		return nil, 0, fmt.Errorf("no data")
	}
	n, p := m.Dims()
	if n < 1 || p < 1 {
		return nil, p, fmt.Errorf("need at least 1 row and 1 column, have %d × %d", n, p)
	}
	c := &calc{x: m, nObs: n, p: p, opt: Options{Progress: rep}, group: identityGrouping(n), width: streamWidth(n, p)}
	if rep != nil {
		rep.SetTotal(p)
	}
	g := mat.NewSymDense(n, nil)
	var rc *rowCentring
	if centre {
		rc = newRowCentring(n, p)
	}
	err := c.pass(ctx, false, rc, func() { g.Zero() }, func(_, _ int, b *mat.Dense) error {
		g.SymRankK(g, 1, b)
		return nil
	})
	if err != nil {
		return nil, p, err
	}
	if centre {
		gd := g.RawSymmetric().Data
		inv := 1 / float64(p)
		for i := 0; i < n; i++ {
			for j := i; j < n; j++ {
				gd[i*n+j] -= rc.sum[i] * rc.sum[j] * inv
			}
			if rc.constant[i] {
				gd[i*n+i] = 0
				for j := i + 1; j < n; j++ {
					gd[i*n+j] = 0
				}
				for j := 0; j < i; j++ {
					gd[j*n+i] = 0
				}
			}
		}
	}
	return g, p, nil
}
