package encoding

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/alignscope/alignscope/core/blas"
	"github.com/alignscope/alignscope/core/data"
	"gonum.org/v1/gonum/mat"
)

func benchData(n, p, t int) (*mat.Dense, *mat.Dense) {
	rng := rand.New(rand.NewPCG(uint64(n), uint64(p)))
	x := mat.NewDense(n, p, nil)
	for i := range x.RawMatrix().Data {
		x.RawMatrix().Data[i] = rng.NormFloat64() + 0.3
	}
	y := mat.NewDense(n, t, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < t; j++ {
			y.Set(i, j, x.At(i, j%p)*float64(j%3)+rng.NormFloat64())
		}
	}
	return x, y
}

// BenchmarkRidgeCV times per-target 5-fold ridge CV over 10 alphas
// without refit or stored predictions (what `alignscope encode` does);
// the kernel sizes are a fifth of the encode benchmark in each dimension
// of n and t.
func BenchmarkRidgeCV(b *testing.B) {
	blas.Use()
	for _, bc := range []struct {
		name    string
		n, p, t int
		fast    bool
	}{
		{"primal/n=500,p=100,t=2000", 500, 100, 2000, false},
		{"kernel/n=400,p=2000,t=4000", 400, 2000, 4000, false},
		{"kernel-fast/n=400,p=2000,t=4000", 400, 2000, 4000, true},
	} {
		x, y := benchData(bc.n, bc.p, bc.t)
		opt := &CVOptions{Alphas: DefaultAlphas(-2, 5, 10), K: 5, SkipRefit: true, SkipPredictions: true, Fast: bc.fast}
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := RidgeCV(context.Background(), data.Dense{M: x}, data.Dense{M: y}, opt, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRidgeCVRefit includes the refit and the out-of-fold
// predictions (the library defaults).
func BenchmarkRidgeCVRefit(b *testing.B) {
	blas.Use()
	x, y := benchData(400, 2000, 4000)
	opt := &CVOptions{Alphas: DefaultAlphas(-2, 5, 10), K: 5}
	for b.Loop() {
		if _, err := RidgeCV(context.Background(), data.Dense{M: x}, data.Dense{M: y}, opt, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLinearGram reports GFLOP/s as n²·p / t (dsyrk).
func BenchmarkLinearGram(b *testing.B) {
	blas.Use()
	for _, sz := range []struct{ n, p int }{{500, 20000}, {1000, 8000}} {
		x, _ := benchData(sz.n, sz.p, 1)
		b.Run(fmt.Sprintf("n=%d,p=%d", sz.n, sz.p), func(b *testing.B) {
			for b.Loop() {
				if _, err := LinearGram(context.Background(), data.Dense{M: x}, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(sz.n*sz.n)*float64(sz.p)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

func BenchmarkRidgeLOO(b *testing.B) {
	blas.Use()
	x, y := benchData(500, 200, 1000)
	for b.Loop() {
		if _, err := RidgeLOO(context.Background(), data.Dense{M: x}, data.Dense{M: y}, DefaultAlphas(-2, 5, 10), nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPLS is Brain-Score's pls metric on one split.
func BenchmarkPLS(b *testing.B) {
	blas.Use()
	x, y := benchData(300, 1000, 100)
	for b.Loop() {
		if _, err := PLS(context.Background(), x, y, PLSOptions{Components: 25}); err != nil {
			b.Fatal(err)
		}
	}
}
