package rdm

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/alignscope/alignscope/core/blas"
	"github.com/alignscope/alignscope/core/data"
)

// float32Matrix is an in-memory row-major float32 layer read through
// data.Matrix, as a .npy float32 layer is: every block is converted to
// float64.
type float32Matrix struct {
	n, p int
	x    []float32
}

func (m *float32Matrix) Dims() (int, int) { return m.n, m.p }

func (m *float32Matrix) ReadColumns(j0, j1 int, dst []float64) error {
	if err := data.CheckBlock(m, j0, j1, dst); err != nil {
		return err
	}
	w := j1 - j0
	for i := 0; i < m.n; i++ {
		src := m.x[i*m.p+j0 : i*m.p+j1]
		out := dst[i*w : (i+1)*w]
		for k, v := range src {
			out[k] = float64(v)
		}
	}
	return nil
}

// reluLayer returns n × p ReLU activations with per-unit bias and scale
// and shared low-rank structure over stimuli.
func reluLayer(n, p int, seed uint64) *float32Matrix {
	r := rand.New(rand.NewPCG(seed, 1))
	const rank = 8
	f := make([]float64, n*rank)
	for i := range f {
		f[i] = r.NormFloat64()
	}
	m := &float32Matrix{n: n, p: p, x: make([]float32, n*p)}
	w := make([]float64, rank)
	for j := 0; j < p; j++ {
		for k := range w {
			w[k] = r.NormFloat64() / 3
		}
		bias, scale := r.NormFloat64()*0.5-0.2, r.ExpFloat64()
		for i := 0; i < n; i++ {
			z := bias + 0.5*r.NormFloat64()
			for k, v := range w {
				z += f[i*rank+k] * v
			}
			m.x[i*p+j] = float32(max(z, 0) * scale)
		}
	}
	return m
}

// BenchmarkCorrelationRDMLarge streams a 1000 × 20000 float32 ReLU layer
// (80 MB) through Correlation with OpenBLAS. GFLOP/s counts the n²·p
// multiply-adds of the Gram matrix (dsyrk) as 2 flops each.
func BenchmarkCorrelationRDMLarge(b *testing.B) {
	blas.Use()
	const n, p = 1000, 20000
	m := reluLayer(n, p, 1)
	b.SetBytes(int64(n) * p * 4)
	b.ResetTimer()
	for b.Loop() {
		if _, err := Correlation(context.Background(), m, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(2*float64(n)*float64(n)*p*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}
