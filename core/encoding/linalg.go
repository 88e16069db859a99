package encoding

import (
	"context"
	"math"

	"github.com/alignscope/alignscope/core/job"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
)

// gemm computes C = alpha·op(A)·op(B) + beta·C on row-major slices.
func gemm(tA, tB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		if beta == 0 {
			for i := 0; i < m; i++ {
				clear(c[i*ldc : i*ldc+n])
			}
		}
		return
	}
	ta, tb := blas.NoTrans, blas.NoTrans
	ar, ac := m, k
	if tA {
		ta, ar, ac = blas.Trans, k, m
	}
	br, bc := k, n
	if tB {
		tb, br, bc = blas.Trans, n, k
	}
	blas64.Gemm(ta, tb, alpha,
		blas64.General{Rows: ar, Cols: ac, Stride: lda, Data: a[:(ar-1)*lda+ac]},
		blas64.General{Rows: br, Cols: bc, Stride: ldb, Data: b[:(br-1)*ldb+bc]},
		beta, blas64.General{Rows: m, Cols: n, Stride: ldc, Data: c[:(m-1)*ldc+n]})
}

// gemm32 is gemm in float32.
func gemm32(m, n, k int, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 || k == 0 {
		return
	}
	blas32.Gemm(blas.NoTrans, blas.NoTrans, 1,
		blas32.General{Rows: m, Cols: k, Stride: lda, Data: a[:(m-1)*lda+k]},
		blas32.General{Rows: k, Cols: n, Stride: ldb, Data: b[:(k-1)*ldb+n]},
		beta, blas32.General{Rows: m, Cols: n, Stride: ldc, Data: c[:(m-1)*ldc+n]})
}

// maxRuns is the number of row runs above which the training rows are
// gathered into a contiguous buffer instead of multiplying run by run.
const maxRuns = 8

// mulRows computes C (m × w) = S[:, rows] · Y[rows, j0:j0+w] where the
// rows are given as runs of the full matrix Y (row stride ldy) and S is
// m × len(rows) (stride lds). buf is scratch for gathering when there are
// many runs; it is grown as needed and returned.
func mulRows(m, w int, s []float64, lds int, y []float64, ldy, j0 int, rows []int, runs []run, c []float64, ldc int, buf []float64) []float64 {
	if len(runs) <= maxRuns {
		for r, ru := range runs {
			beta := 1.0
			if r == 0 {
				beta = 0
			}
			gemm(false, false, m, w, ru.len, 1, s[ru.pos:], lds, y[ru.start*ldy+j0:], ldy, beta, c, ldc)
		}
		return buf
	}
	need := len(rows) * w
	if cap(buf) < need {
		buf = make([]float64, need)
	}
	buf = buf[:need]
	for p, i := range rows {
		copy(buf[p*w:(p+1)*w], y[i*ldy+j0:i*ldy+j0+w])
	}
	gemm(false, false, m, w, len(rows), 1, s, lds, buf, w, 0, c, ldc)
	return buf
}

// mulRows32 is mulRows in float32.
func mulRows32(m, w int, s []float32, lds int, y []float32, ldy, j0 int, rows []int, runs []run, c []float32, ldc int, buf []float32) []float32 {
	if len(runs) <= maxRuns {
		for r, ru := range runs {
			var beta float32 = 1
			if r == 0 {
				beta = 0
			}
			gemm32(m, w, ru.len, s[ru.pos:], lds, y[ru.start*ldy+j0:], ldy, beta, c, ldc)
		}
		return buf
	}
	need := len(rows) * w
	if cap(buf) < need {
		buf = make([]float32, need)
	}
	buf = buf[:need]
	for p, i := range rows {
		copy(buf[p*w:(p+1)*w], y[i*ldy+j0:i*ldy+j0+w])
	}
	gemm32(m, w, len(rows), s, lds, buf, w, 0, c, ldc)
	return buf
}

// colMeans returns the mean over the given rows of each column of the
// row-major matrix y with t columns, in parallel over column blocks.
func colMeans(ctx context.Context, y []float64, t int, rows []int) ([]float64, error) {
	out := make([]float64, t)
	const bw = 2048
	nb := (t + bw - 1) / bw
	inv := 1 / float64(len(rows))
	err := job.For(ctx, nb, func(b int) error {
		j0, j1 := b*bw, min((b+1)*bw, t)
		o := out[j0:j1]
		for _, i := range rows {
			r := y[i*t+j0 : i*t+j1]
			for j, v := range r {
				o[j] += v
			}
		}
		for j := range o {
			o[j] *= inv
		}
		return nil
	})
	return out, err
}

// transpose returns the row-major transpose (c × r) of the r × c matrix a.
func transpose(r, c int, a []float64) []float64 {
	out := make([]float64, r*c)
	const bs = 32
	for i0 := 0; i0 < r; i0 += bs {
		for j0 := 0; j0 < c; j0 += bs {
			for i := i0; i < min(i0+bs, r); i++ {
				for j := j0; j < min(j0+bs, c); j++ {
					out[j*r+i] = a[i*c+j]
				}
			}
		}
	}
	return out
}

// logSlope is himalaya's tie-break: 1e-10·ln α is added to the mean CV
// score before the argmax, so that exact ties go to the larger alpha.
func logSlope(alpha float64) float64 { return 1e-10 * math.Log(alpha) }

// progress is a nil-safe view of a *job.Reporter.
type progress struct{ r *job.Reporter }

func (p progress) total(n int) {
	if p.r != nil {
		p.r.SetTotal(n)
		p.r.Set(0)
	}
}

func (p progress) add(n int) {
	if p.r != nil {
		p.r.Add(n)
	}
}

func (p progress) msg(format string, args ...any) {
	if p.r != nil {
		p.r.Message(format, args...)
	}
}
