package encoding

import (
	"gonum.org/v1/gonum/blas/blas32"
	gblas "gonum.org/v1/gonum/blas"
)

func sg(m, k, n int, a, b, c []float32) {
	blas32.Gemm(gblas.NoTrans, gblas.NoTrans, 1, blas32.General{Rows: m, Cols: k, Stride: k, Data: a}, blas32.General{Rows: k, Cols: n, Stride: n, Data: b}, 0, blas32.General{Rows: m, Cols: n, Stride: n, Data: c})
}
