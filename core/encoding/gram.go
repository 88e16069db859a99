package encoding

import (
	"context"
	"fmt"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/job"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// LinearGram returns the linear kernel of the rows of X with every column
// (feature) centred on its mean over the rows,
//
//	K = Xc·Xcᵀ,  Xc = X − 1·x̄ᵀ,  x̄_j = (1/n) Σ_i X_ij,
//
// accumulated in float64 over streamed column blocks with a BLAS rank-k
// update, so X may be larger than memory (a float32 layer read from disk):
// each block holds whole columns, whose means are removed exactly before
// the update. This is the doubly centred kernel that himalaya's
// KernelCenterer gives; ridge cross-validation re-centres it per fold.
// (core/rdm.Gram centres rows, not columns; its uncentred Gram,
// centre=false, may also be given to RidgeCVGram.) Progress counts
// columns read.
func LinearGram(ctx context.Context, X data.Matrix, rep *job.Reporter) (*mat.SymDense, error) {
	g, err := streamGram(ctx, X, true, rep)
	if err != nil {
		return nil, err
	}
	return mat.NewSymDense(g.n, g.k), nil
}

// gramStream is the result of streamGram.
type gramStream struct {
	n, p  int
	k     []float64 // n × n, both triangles
	xmean []float64 // p column means (zero when not centred)
	v     []float64 // v_i = x̄·(x_i − x̄) (zero when not centred)
}

// streamGram computes K = Xc Xcᵀ (Xc = X − 1 x̄ᵀ when centre, else X) over
// column blocks read in a background goroutine while the previous block
// is multiplied, together with the column means and v = Xc x̄.
func streamGram(ctx context.Context, X data.Matrix, centre bool, rep *job.Reporter) (*gramStream, error) {
	if X == nil {
		return nil, fmt.Errorf("no feature matrix")
	}
	n, p := X.Dims()
	if n < 1 || p < 1 {
		return nil, fmt.Errorf("feature matrix is %d × %d; need at least one stimulus and one feature", n, p)
	}
	pr := progress{rep}
	pr.total(p)
	g := &gramStream{n: n, p: p, k: make([]float64, n*n), xmean: make([]float64, p), v: make([]float64, n)}
	width := data.BlockColumns(n, p)
	if width > 2048 {
		width = 2048 // 16 MB at n = 1000: two buffers in flight
	}
	type block struct {
		j0, j1 int
		buf    []float64
		err    error
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	free := make(chan []float64, 2)
	free <- make([]float64, n*width)
	free <- make([]float64, n*width)
	full := make(chan block, 1)
	go func() {
		defer close(full)
		for j0 := 0; j0 < p; j0 += width {
			j1 := min(j0+width, p)
			var buf []float64
			select {
			case <-ctx.Done():
				return
			case buf = <-free:
			}
			b := buf[:n*(j1-j0)]
			err := X.ReadColumns(j0, j1, b)
			select {
			case <-ctx.Done():
				return
			case full <- block{j0, j1, b, err}:
			}
			if err != nil {
				return
			}
		}
	}()
	for b := range full {
		if b.err != nil {
			return nil, fmt.Errorf("read columns %d..%d: %w", b.j0, b.j1-1, b.err)
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		w := b.j1 - b.j0
		if centre {
			m := g.xmean[b.j0:b.j1]
			for i := 0; i < n; i++ {
				row := b.buf[i*w : (i+1)*w]
				for j, x := range row {
					m[j] += x
				}
			}
			inv := 1 / float64(n)
			for j := range m {
				m[j] *= inv
			}
			for i := 0; i < n; i++ {
				row := b.buf[i*w : (i+1)*w]
				s := 0.0
				for j := range row {
					row[j] -= m[j]
					s += row[j] * m[j]
				}
				g.v[i] += s
			}
		}
		blas64.Syrk(blas.NoTrans, 1, blas64.General{Rows: n, Cols: w, Stride: w, Data: b.buf},
			1, blas64.Symmetric{Uplo: blas.Upper, N: n, Stride: n, Data: g.k})
		pr.add(w)
		free <- b.buf[:cap(b.buf)]
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			g.k[j*n+i] = g.k[i*n+j]
		}
	}
	return g, nil
}

// CrossGram returns the m × n matrix A·Bcᵀ or, when centre is true,
// (A − 1·b̄ᵀ)(B − 1·b̄ᵀ)ᵀ with b̄ the column means of B: the kernel between
// new rows A and training rows B that Model.PredictGram needs, streamed
// over column blocks of both.
func CrossGram(ctx context.Context, A, B data.Matrix, centre bool, rep *job.Reporter) (*mat.Dense, error) {
	var mean []float64
	if centre {
		_, p := B.Dims()
		mean = make([]float64, p)
		n, _ := B.Dims()
		err := data.EachBlock(B, 0, func(j0, j1 int, blk *mat.Dense) error {
			w := j1 - j0
			raw := blk.RawMatrix().Data
			for i := 0; i < n; i++ {
				for j := 0; j < w; j++ {
					mean[j0+j] += raw[i*w+j]
				}
			}
			return ctx.Err()
		})
		if err != nil {
			return nil, err
		}
		for j := range mean {
			mean[j] /= float64(n)
		}
	}
	return crossGram(ctx, A, B, mean, mean, rep)
}

// crossGram returns (A − 1·ma)(B − 1·mb)ᵀ, ma and mb nil for no shift.
func crossGram(ctx context.Context, A, B data.Matrix, ma, mb []float64, rep *job.Reporter) (*mat.Dense, error) {
	m, pa := A.Dims()
	n, pb := B.Dims()
	if pa != pb {
		return nil, fmt.Errorf("new features have %d columns, training features %d", pa, pb)
	}
	out := make([]float64, m*n)
	width := min(data.BlockColumns(max(m, n), pa), 2048)
	ba := make([]float64, m*width)
	bb := make([]float64, n*width)
	pr := progress{rep}
	pr.total(pa)
	for j0 := 0; j0 < pa; j0 += width {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		j1 := min(j0+width, pa)
		w := j1 - j0
		xa, xb := ba[:m*w], bb[:n*w]
		if err := A.ReadColumns(j0, j1, xa); err != nil {
			return nil, err
		}
		if err := B.ReadColumns(j0, j1, xb); err != nil {
			return nil, err
		}
		shift := func(x []float64, rows int, mu []float64) {
			if mu == nil {
				return
			}
			for i := 0; i < rows; i++ {
				r := x[i*w : (i+1)*w]
				for j := range r {
					r[j] -= mu[j0+j]
				}
			}
		}
		shift(xa, m, ma)
		shift(xb, n, mb)
		gemm(false, true, m, n, w, 1, xa, w, xb, w, 1, out, n)
		pr.add(w)
	}
	return mat.NewDense(m, n, out), nil
}
