package encoding

import (
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/alignscope/alignscope/core/blas"
)

func TestGemmTmp(t *testing.T) {
	if os.Getenv("PHASES") == "" {
		t.Skip()
	}
	blas.Use()
	rng := rand.New(rand.NewPCG(1, 2))
	m, k, n := 2000, 800, 2097
	a, b, c := make([]float64, m*k), make([]float64, k*n), make([]float64, m*n)
	for i := range a {
		a[i] = rng.NormFloat64()
	}
	for i := range b {
		b[i] = rng.NormFloat64()
	}
	a32, b32, c32 := make([]float32, m*k), make([]float32, k*n), make([]float32, m*n)
	for i := range a32 {
		a32[i] = float32(a[i])
	}
	for i := range b32 {
		b32[i] = float32(b[i])
	}
	for rep := 0; rep < 3; rep++ {
		t0 := time.Now()
		for i := 0; i < 5; i++ {
			gemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n)
		}
		d := time.Since(t0).Seconds()
		t1 := time.Now()
		for i := 0; i < 5; i++ {
			gemm32(m, n, k, a32, k, b32, n, 0, c32, n)
		}
		s := time.Since(t1).Seconds()
		t.Logf("dgemm %.1f GF/s, sgemm %.1f GF/s", 10*float64(m*n*k)/d/1e9, 10*float64(m*n*k)/s/1e9)
	}
	nn := 800
	x := make([]float64, nn*nn)
	for i := 0; i < nn; i++ {
		for j := 0; j <= i; j++ {
			v := rng.NormFloat64()
			x[i*nn+j], x[j*nn+i] = v, v
		}
	}
	for rep := 0; rep < 3; rep++ {
		aa := append([]float64(nil), x...)
		w := make([]float64, nn)
		t0 := time.Now()
		eigSym(nn, aa, w)
		t.Logf("eigSym 800: %.3f s", time.Since(t0).Seconds())
	}
}
