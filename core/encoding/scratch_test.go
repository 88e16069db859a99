package encoding

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/alignscope/alignscope/core/blas"
	"gonum.org/v1/gonum/blas/blas64"
	gblas "gonum.org/v1/gonum/blas"
)

func TestScratchSpeed(t *testing.T) {
	blas.Use()
	rng := rand.New(rand.NewPCG(1, 2))
	fill := func(n int) []float64 { x := make([]float64, n); for i := range x { x[i] = rng.NormFloat64() }; return x }
	m, k, n := 2000, 800, 10000
	a, b, c := fill(m*k), fill(k*n), make([]float64, m*n)
	for rep := 0; rep < 2; rep++ {
		t0 := time.Now()
		blas64.Gemm(gblas.NoTrans, gblas.NoTrans, 1, blas64.General{Rows: m, Cols: k, Stride: k, Data: a}, blas64.General{Rows: k, Cols: n, Stride: n, Data: b}, 0, blas64.General{Rows: m, Cols: n, Stride: n, Data: c})
		dt := time.Since(t0).Seconds()
		t.Logf("gemm %dx%dx%d: %.3f s, %.1f GF/s", m, k, n, dt, 2*float64(m*k*n)/dt/1e9)
	}
	nn := 800
	x := fill(nn * 4096)
	g := make([]float64, nn*nn)
	blas64.Gemm(gblas.NoTrans, gblas.Trans, 1, blas64.General{Rows: nn, Cols: 4096, Stride: 4096, Data: x}, blas64.General{Rows: nn, Cols: 4096, Stride: 4096, Data: x}, 0, blas64.General{Rows: nn, Cols: nn, Stride: nn, Data: g})
	for rep := 0; rep < 2; rep++ {
		aa := append([]float64(nil), g...)
		w := make([]float64, nn)
		t0 := time.Now()
		if err := eigSym(nn, aa, w); err != nil { t.Fatal(err) }
		t.Logf("eigSym %d: %.3f s (%s)", nn, time.Since(t0).Seconds(), lapackName)
	}
	// float32
	a32, b32, c32 := make([]float32, m*k), make([]float32, k*n), make([]float32, m*n)
	for i := range a32 { a32[i] = float32(a[i]) }
	for i := range b32 { b32[i] = float32(b[i]) }
	_ = c32
	t0 := time.Now()
	sg(m, k, n, a32, b32, c32)
	dt := time.Since(t0).Seconds()
	t.Logf("sgemm: %.3f s, %.1f GF/s", dt, 2*float64(m*k*n)/dt/1e9)
}
