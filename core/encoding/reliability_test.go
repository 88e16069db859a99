package encoding

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/alignscope/alignscope/core/data"
	"gonum.org/v1/gonum/mat"
)

func TestSpearmanBrown(t *testing.T) {
	for _, tc := range []struct{ r, n, want float64 }{
		{0.5, 2, 2.0 / 3}, {0, 2, 0}, {1, 2, 1}, {-0.2, 2, -0.4 / 0.8}, {0.3, 3, 0.9 / 1.6},
	} {
		if got := SpearmanBrown(tc.r, tc.n); math.Abs(got-tc.want) > 1e-15 {
			t.Errorf("SpearmanBrown(%v, %v) = %v, want %v", tc.r, tc.n, got, tc.want)
		}
	}
}

func TestHalves(t *testing.T) {
	h := EvenOddHalves(7)
	if len(h.A) != 4 || len(h.B) != 3 || h.A[3] != 6 || h.B[0] != 1 {
		t.Errorf("EvenOddHalves(7) = %+v", h)
	}
	hs := RandomHalves(9, 5, 1)
	again := RandomHalves(9, 5, 1)
	for s, h := range hs {
		if len(h.A) != 4 || len(h.B) != 5 {
			t.Fatalf("split %d: %+v", s, h)
		}
		seen := map[int]bool{}
		for _, i := range append(append([]int(nil), h.A...), h.B...) {
			seen[i] = true
		}
		if len(seen) != 9 {
			t.Fatalf("split %d does not cover the repetitions: %+v", s, h)
		}
		for q := range h.A {
			if h.A[q] != again[s].A[q] {
				t.Fatal("RandomHalves is not deterministic for a seed")
			}
		}
	}
}

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		x    []float64
		want float64
	}{
		{[]float64{3, 1, 2}, 2}, {[]float64{4, 1, 3, 2}, 2.5}, {[]float64{math.NaN(), 1, 3}, 2}, {[]float64{math.NaN()}, math.NaN()},
	} {
		if got := Median(tc.x); !(got == tc.want || math.IsNaN(got) && math.IsNaN(tc.want)) {
			t.Errorf("Median(%v) = %v, want %v", tc.x, got, tc.want)
		}
	}
}

// repeated returns R repetitions of S × T responses mu + noise_t·eps.
func repeated(R, S, T int, noise []float64, seed uint64) ([]data.Matrix, *mat.Dense) {
	rng := rand.New(rand.NewPCG(seed, 3))
	mu := mat.NewDense(S, T, nil)
	for i := range mu.RawMatrix().Data {
		mu.RawMatrix().Data[i] = rng.NormFloat64()
	}
	reps := make([]data.Matrix, R)
	for r := range reps {
		m := mat.NewDense(S, T, nil)
		for i := 0; i < S; i++ {
			for j := 0; j < T; j++ {
				m.Set(i, j, mu.At(i, j)+noise[j]*rng.NormFloat64())
			}
		}
		reps[r] = data.Dense{M: m}
	}
	return reps, mu
}

func TestSplitHalf(t *testing.T) {
	reps, _ := repeated(6, 400, 3, []float64{0, 1, 100}, 1)
	c, err := SplitHalf(reps, []Halves{EvenOddHalves(6), {A: []int{0, 1, 2}, B: []int{3, 4, 5}}})
	if err != nil {
		t.Fatal(err)
	}
	for s := 0; s < 2; s++ {
		if math.Abs(c.R.At(s, 0)-1) > 1e-12 || math.Abs(c.RSB.At(s, 0)-1) > 1e-12 {
			t.Errorf("noiseless target: r %v", c.R.At(s, 0))
		}
		// Noise variance 1 against signal 1 averaged over 3 reps: half
		// reliability 1/(1+1/3) = 0.75, Spearman–Brown 6/7.
		if math.Abs(c.R.At(s, 1)-0.75) > 0.06 || math.Abs(c.RSB.At(s, 1)-6.0/7) > 0.06 {
			t.Errorf("noisy target: r %v rSB %v", c.R.At(s, 1), c.RSB.At(s, 1))
		}
		if math.Abs(c.R.At(s, 2)) > 0.2 {
			t.Errorf("noise target: r %v", c.R.At(s, 2))
		}
		if c.MedianPerSplit[s] != c.RSB.At(s, 1) {
			t.Errorf("median %v", c.MedianPerSplit[s])
		}
	}
	if math.Abs(c.Ceiling-(c.MedianPerSplit[0]+c.MedianPerSplit[1])/2) > 1e-15 {
		t.Errorf("ceiling %v", c.Ceiling)
	}
	for _, bad := range [][]Halves{nil, {{A: nil, B: []int{1}}}, {{A: []int{0}, B: []int{9}}}} {
		if _, err := SplitHalf(reps, bad); err == nil {
			t.Errorf("halves %v: no error", bad)
		}
	}
	if _, err := SplitHalf(reps[:1], []Halves{EvenOddHalves(1)}); err == nil {
		t.Error("one repetition: no error")
	}
}

func TestCrossRegressedCorrelationAndCeiling(t *testing.T) {
	ctx := context.Background()
	reps, mu := repeated(4, 120, 5, []float64{0.3, 0.5, 0.7, 1, 1.2}, 2)
	// Features: the true responses plus a little noise, so ridge recovers
	// them well.
	x := mat.DenseCopyOf(mu)
	rng := rand.New(rand.NewPCG(5, 5))
	for i := range x.RawMatrix().Data {
		x.RawMatrix().Data[i] += 0.1 * rng.NormFloat64()
	}
	target, _ := data.ReadAll(data.Mean{Parts: reps})
	var splits []Fold
	for s := 0; s < 4; s++ {
		var f Fold
		for i := 0; i < 120; i++ {
			if i%4 == s {
				f.Test = append(f.Test, i)
			} else {
				f.Train = append(f.Train, i)
			}
		}
		splits = append(splits, f)
	}
	p, err := CrossRegressedCorrelation(ctx, x, target, splits, RidgeRegressor(1), nil)
	if err != nil {
		t.Fatal(err)
	}
	c, err := SplitHalf(reps, []Halves{EvenOddHalves(4), {A: []int{0, 3}, B: []int{1, 2}}})
	if err != nil {
		t.Fatal(err)
	}
	s, err := Ceiled(p, c)
	if err != nil {
		t.Fatal(err)
	}
	if p.Raw < 0.5 || p.Raw > 1 {
		t.Errorf("raw %v", p.Raw)
	}
	if math.Abs(s.Current-p.Raw*p.Raw/c.Ceiling) > 1e-15 || math.Abs(s.Legacy-math.Pow(p.Raw/c.Ceiling, 2)) > 1e-15 {
		t.Errorf("scores %+v", s)
	}
	pp, err := CrossRegressedCorrelation(ctx, x, target, splits, PLSRegressor(PLSOptions{Components: 3}), nil)
	if err != nil {
		t.Fatal(err)
	}
	if pp.Raw < 0.5 {
		t.Errorf("PLS raw %v", pp.Raw)
	}
}

func TestPLS(t *testing.T) {
	ctx := context.Background()
	x, y := randData(60, 12, 4, 31)
	xt, _ := randData(10, 12, 1, 32)
	// With as many components as features, PLS equals least squares.
	for _, alg := range []PLSAlgorithm{NIPALS, ExactSVD} {
		m, err := PLS(ctx, x, y, PLSOptions{Components: 12, Algorithm: alg})
		if err != nil {
			t.Fatal(err)
		}
		got, err := m.Predict(xt)
		if err != nil {
			t.Fatal(err)
		}
		ls, err := Ridge(ctx, data.Dense{M: x}, data.Dense{M: y}, []float64{1e-10}, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := ls.Predict(ctx, data.Dense{M: xt})
		checkClose(t, "full-rank PLS", got.RawMatrix().Data, want.RawMatrix().Data, 1e-6)
	}
	// One target: NIPALS stops after one pass and equals the SVD form.
	y1 := mat.DenseCopyOf(y.Slice(0, 60, 0, 1))
	a, _ := PLS(ctx, x, y1, PLSOptions{Components: 3})
	b, _ := PLS(ctx, x, y1, PLSOptions{Components: 3, Algorithm: ExactSVD})
	checkClose(t, "single target", a.Coef.RawMatrix().Data, b.Coef.RawMatrix().Data, 1e-10)
	for _, it := range a.NIter {
		if it != 1 {
			t.Errorf("single-target NIPALS took %d passes", it)
		}
	}
	if _, err := PLS(ctx, x, y, PLSOptions{Components: 13}); err == nil {
		t.Error("13 components for 12 features: no error")
	}
}
