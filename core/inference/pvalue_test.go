package inference

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestFDR(t *testing.T) {
	got := FDR([]float64{0.01, 0.04, 0.03, 0.005, math.NaN()})
	want := []float64{0.02, 0.04, 0.04, 0.02, math.NaN()}
	for i := range want {
		if !close(got[i], want[i], 1e-15) {
			t.Fatalf("FDR = %v, want %v", got, want)
		}
	}
	got = Bonferroni([]float64{0.01, 0.3, math.NaN()})
	want = []float64{0.02, 0.6, math.NaN()}
	for i := range want {
		if !close(got[i], want[i], 1e-15) {
			t.Fatalf("Bonferroni = %v, want %v", got, want)
		}
	}
	p := mat.NewSymDense(3, []float64{1, 0.01, 0.04, 0.01, 1, 0.03, 0.04, 0.03, 1})
	q := CorrectPairs(p, FDR)
	for _, c := range [][3]float64{{0, 1, 0.03}, {0, 2, 0.04}, {1, 2, 0.04}, {1, 1, 1}} {
		if got := q.At(int(c[0]), int(c[1])); !close(got, c[2], 1e-15) {
			t.Errorf("FDR pairs [%v,%v] = %v, want %v", c[0], c[1], got, c[2])
		}
	}
}

func TestFramedQuantile(t *testing.T) {
	s := make([]float64, 1000)
	for i := range s {
		s[i] = float64(i + 1)
	}
	// np.quantile(np.r_[-inf, 1:1001, inf], [0.025, 0.975])
	if lo, hi := framedQuantile(s, 0.025), framedQuantile(s, 0.975); !close(lo, 25.025, 1e-12) || !close(hi, 975.975, 1e-12) {
		t.Fatalf("quantiles %v %v", lo, hi)
	}
	if lo, hi := percentileCI(s[:10]); !math.IsInf(lo, -1) || !math.IsInf(hi, 1) {
		t.Fatalf("10 samples: CI [%v, %v], want ±Inf", lo, hi)
	}
}

func TestPercentileTests(t *testing.T) {
	x := mat.NewDense(3, 2, []float64{1, 2, -1, 3, 2, 2})
	pz, pn, pp := percentileTests(x, []float64{1.5, 1.5, 1.5})
	for _, c := range [][2]float64{{pz[0], 2.0 / 3}, {pz[1], 1.0 / 3}, {pn[0], 2.0 / 3}, {pn[1], 1}, {pp.At(0, 1), 1.0 / 3}, {pp.At(1, 1), 1}} {
		if !close(c[0], c[1], 1e-15) {
			t.Errorf("got %v, want %v", c[0], c[1])
		}
	}
}

// TestTTests uses the 95 % critical values of t(9): 1.833113 one-sided
// and 2.262157 two-sided.
func TestTTests(t *testing.T) {
	v := Variances{Model: []float64{0.04, 0.01}, Noise: []float64{0.04, 0.01}, Diff: mat.NewSymDense(2, []float64{0, 0.09, 0.09, 0})}
	mu := []float64{1.833113 * 0.2, 0.5 - 2.262157*0.1}
	pz, pn, pp := tTests(mu, v, 0.5, 9)
	if !close(pz[0], 0.05, 1e-6) || !close(pn[1], 0.05, 1e-6) {
		t.Errorf("p vs 0 %v, p vs ceiling %v; want 0.05", pz[0], pn[1])
	}
	want := 2 * tSurvival(math.Abs(mu[0]-mu[1])/0.3, 9)
	if !close(pp.At(0, 1), want, 1e-12) || pp.At(0, 0) != 1 {
		t.Errorf("pairs %v", mat.Formatted(pp))
	}
	if p, _, _ := tTests(mu, v, 0.5, 0); !math.IsNaN(p[0]) {
		t.Errorf("dof 0: p %v, want NaN", p[0])
	}
}
