package blas

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	gblas "gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

func randMat(n, p int, seed uint64) []float64 {
	r := rand.New(rand.NewPCG(seed, 1))
	x := make([]float64, n*p)
	for i := range x {
		x[i] = r.NormFloat64()
	}
	return x
}

// TestSameAsPureGo checks that the installed BLAS (OpenBLAS unless built
// with -tags purego) and gonum's pure-Go kernels give the same Gram matrix.
func TestSameAsPureGo(t *testing.T) {
	Use()
	for _, sz := range []struct{ n, p int }{{1, 1}, {7, 3}, {50, 300}, {92, 1000}} {
		x := randMat(sz.n, sz.p, 3)
		got := Gram64(sz.n, sz.p, x)
		want := make([]float64, sz.n*sz.n)
		gonum.Implementation{}.Dsyrk(gblas.Upper, gblas.NoTrans, sz.n, sz.p, 1, x, sz.p, 0, want, sz.n)
		x32 := make([]float32, len(x))
		for i, v := range x {
			x32[i] = float32(v)
		}
		got32 := Gram32(sz.n, sz.p, x32)
		for i := 0; i < sz.n; i++ {
			for j := i; j < sz.n; j++ {
				k := i*sz.n + j
				if d := math.Abs(got[k] - want[k]); d > 1e-10*(1+math.Abs(want[k])) {
					t.Fatalf("%s n=%d p=%d: G[%d,%d] = %v, pure Go %v", Name, sz.n, sz.p, i, j, got[k], want[k])
				}
				if d := math.Abs(float64(got32[k]) - want[k]); d > 1e-3*(1+math.Abs(want[k])) {
					t.Fatalf("%s float32 n=%d p=%d: G[%d,%d] = %v, want %v", Name, sz.n, sz.p, i, j, got32[k], want[k])
				}
			}
		}
	}
}

// BenchmarkGram reports GFLOP/s (2·n²·p per Gram matrix, the gemm count)
// of X·Xᵀ for an n × p matrix through the installed BLAS.
func BenchmarkGram(b *testing.B) {
	Use()
	b.Logf("BLAS: %s", Name)
	for _, sz := range []struct{ n, p int }{{92, 10000}, {1000, 10000}} {
		x := randMat(sz.n, sz.p, 1)
		x32 := make([]float32, len(x))
		for i, v := range x {
			x32[i] = float32(v)
		}
		flops := 2 * float64(sz.n) * float64(sz.n) * float64(sz.p)
		b.Run(fmt.Sprintf("float64/%dx%d", sz.n, sz.p), func(b *testing.B) {
			for b.Loop() {
				Gram64(sz.n, sz.p, x)
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
		b.Run(fmt.Sprintf("float32/%dx%d", sz.n, sz.p), func(b *testing.B) {
			for b.Loop() {
				Gram32(sz.n, sz.p, x32)
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
