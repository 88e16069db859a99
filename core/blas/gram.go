package blas

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// GramAdd accumulates G += X·Xᵀ for a block X (n × b), updating the upper
// triangle of the symmetric n × n matrix g with a rank-b update (dsyrk).
func GramAdd(g *mat.SymDense, x mat.Matrix) {
	g.SymRankK(g, 1, x)
}

// Gram64 returns the upper triangle of G = X·Xᵀ (row-major n × n) for a
// row-major n × p float64 matrix, with dsyrk.
func Gram64(n, p int, x []float64) []float64 {
	g := make([]float64, n*n)
	blas64.Syrk(blas.NoTrans, 1,
		blas64.General{Rows: n, Cols: p, Stride: p, Data: x}, 0,
		blas64.Symmetric{Uplo: blas.Upper, N: n, Stride: n, Data: g})
	return g
}

// Gram32 returns the upper triangle of G = X·Xᵀ (row-major n × n) for a
// row-major n × p float32 matrix, with ssyrk.
func Gram32(n, p int, x []float32) []float32 {
	g := make([]float32, n*n)
	blas32.Syrk(blas.NoTrans, 1,
		blas32.General{Rows: n, Cols: p, Stride: p, Data: x}, 0,
		blas32.Symmetric{Uplo: blas.Upper, N: n, Stride: n, Data: g})
	return g
}
