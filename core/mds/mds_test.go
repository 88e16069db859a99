package mds

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/alignscope/alignscope/core/job"
	"github.com/alignscope/alignscope/core/rdm"
	"gonum.org/v1/gonum/mat"
)

// pointsRDM returns n random points in dim dimensions and the RDM of
// their Euclidean distances.
func pointsRDM(seed uint64, n, dim int) (*mat.Dense, *rdm.RDM) {
	rng := rand.New(rand.NewPCG(seed, 1))
	x := mat.NewDense(n, dim, nil)
	for i := range x.RawMatrix().Data {
		x.RawMatrix().Data[i] = rng.NormFloat64()
	}
	return x, &rdm.RDM{N: n, Vec: Distances(x)}
}

func maxDiff(a, b []float64) float64 {
	m := 0.0
	for i := range a {
		m = math.Max(m, math.Abs(a[i]-b[i]))
	}
	return m
}

func TestClassicalRecoversConfiguration(t *testing.T) {
	for _, tc := range []struct {
		name      string
		n, dim    int
		seed      uint64
		transform func(x *mat.Dense) *mat.Dense
	}{
		{"2-D points", 12, 2, 1, nil},
		{"rotated, reflected, shifted", 20, 2, 2, func(x *mat.Dense) *mat.Dense {
			c, s := math.Cos(1.1), math.Sin(1.1)
			r := mat.NewDense(2, 2, []float64{c, s, s, -c}) // a reflection
			var y mat.Dense
			y.Mul(x, r)
			for i := 0; i < y.RawMatrix().Rows; i++ {
				y.Set(i, 0, y.At(i, 0)+5)
			}
			return &y
		}},
		{"3-D points", 15, 3, 3, nil},
		{"92 stimuli", 92, 2, 4, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x, r := pointsRDM(tc.seed, tc.n, tc.dim)
			if tc.transform != nil {
				r = &rdm.RDM{N: tc.n, Vec: Distances(tc.transform(x))}
			}
			res, err := Classical(r, tc.dim)
			if err != nil {
				t.Fatal(err)
			}
			if d := maxDiff(Distances(res.X), r.Vec); d > 1e-9 {
				t.Errorf("distances differ by %g", d)
			}
			if res.Stress > 1e-16*float64(len(r.Vec)) {
				t.Errorf("stress %g", res.Stress)
			}
			// Exactly dim positive eigenvalues; the rest ≈ 0.
			for i, v := range res.Eigenvalues {
				if i < tc.dim && v <= 1e-9 || i >= tc.dim && math.Abs(v) > 1e-9 {
					t.Errorf("eigenvalue %d = %g", i, v)
				}
			}
			// Same input, same output (signs fixed).
			again, _ := Classical(r, tc.dim)
			if !mat.Equal(again.X, res.X) {
				t.Error("not deterministic")
			}
		})
	}
}

// A configuration that differs only by an orthogonal transform gives the
// same classical coordinates (principal axes and fixed signs).
func TestClassicalCanonical(t *testing.T) {
	x, r := pointsRDM(7, 10, 2)
	c, s := math.Cos(0.4), math.Sin(0.4)
	var y mat.Dense
	y.Mul(x, mat.NewDense(2, 2, []float64{c, -s, s, c}))
	a, _ := Classical(r, 2)
	b, _ := Classical(&rdm.RDM{N: 10, Vec: Distances(&y)}, 2)
	if !mat.EqualApprox(a.X, b.X, 1e-9) {
		t.Error("rotated input gives different coordinates")
	}
	for c := 0; c < 2; c++ {
		sum := 0.0
		for i := 0; i < 10; i++ {
			sum += a.X.At(i, c)
		}
		if math.Abs(sum) > 1e-9 {
			t.Errorf("column %d not centred: %g", c, sum)
		}
	}
}

func TestSMACOF(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name      string
		n, dim    int
		seed      uint64
		nanPairs  []int
		wantExact bool
	}{
		{"embeddable 2-D", 15, 2, 1, nil, true},
		{"embeddable 2-D with NaN pairs", 15, 2, 2, []int{0, 7, 30}, true},
		{"10-D points in 2-D", 30, 10, 3, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, r := pointsRDM(tc.seed, tc.n, tc.dim)
			for _, k := range tc.nanPairs {
				r.Vec[k] = math.NaN()
			}
			opt := &Options{Seed: 5, Starts: 4, MaxIter: 3000, Tol: 1e-12}
			res, err := SMACOF(ctx, r, opt, nil)
			if err != nil {
				t.Fatal(err)
			}
			h := res.History
			t.Logf("%d iterations, stress-1 %.3g, raw stress %.3g → %.3g", res.Iter, res.Stress1, h[0], h[len(h)-1])
			if len(h) != res.Iter+1 || res.Iter == 0 {
				t.Fatalf("history %d entries for %d iterations", len(h), res.Iter)
			}
			for i := 1; i < len(h); i++ {
				if h[i] > h[i-1]*(1+1e-12)+1e-20 {
					t.Fatalf("stress rose at iteration %d: %g → %g", i, h[i-1], h[i])
				}
			}
			if res.Stress1 < 0 || math.Abs(res.Stress-h[len(h)-1]) > 1e-9*(1+h[len(h)-1]) {
				t.Errorf("reported stress %g, last of history %g", res.Stress, h[len(h)-1])
			}
			if tc.wantExact && res.Stress1 > 1e-4 {
				t.Errorf("stress-1 %g on embeddable data", res.Stress1)
			}
			if !tc.wantExact && res.Stress1 < 0.01 {
				t.Errorf("stress-1 %g: 10-D data cannot be embedded exactly", res.Stress1)
			}
			again, _ := SMACOF(ctx, r, opt, nil)
			if !mat.Equal(again.X, res.X) {
				t.Error("same seed, different output")
			}
		})
	}
}

// Starting from the classical solution, SMACOF can only improve it.
func TestSMACOFFromClassical(t *testing.T) {
	_, r := pointsRDM(9, 25, 6)
	cl, err := Classical(r, 2)
	if err != nil {
		t.Fatal(err)
	}
	res, err := SMACOF(context.Background(), r, &Options{Init: cl.X}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Stress > cl.Stress || res.History[0] != cl.Stress && math.Abs(res.History[0]-cl.Stress) > 1e-9*cl.Stress {
		t.Errorf("SMACOF from classical: stress %g (start %g), classical %g", res.Stress, res.History[0], cl.Stress)
	}
}

func TestSMACOFCancelAndProgress(t *testing.T) {
	_, r := pointsRDM(1, 40, 8)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := SMACOF(ctx, r, nil, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v", err)
	}
	var rep job.Reporter
	if _, err := SMACOF(context.Background(), r, &Options{Starts: 2}, &rep); err != nil {
		t.Fatal(err)
	}
}

func TestErrors(t *testing.T) {
	_, good := pointsRDM(1, 5, 2)
	split := &rdm.RDM{N: 4, Vec: []float64{1, math.NaN(), math.NaN(), math.NaN(), math.NaN(), 1}}
	for _, tc := range []struct {
		name string
		f    func() error
	}{
		{"nil RDM", func() error { _, err := Classical(nil, 2); return err }},
		{"2 conditions", func() error { _, err := Classical(&rdm.RDM{N: 2, Vec: []float64{1}}, 1); return err }},
		{"wrong length", func() error { _, err := Classical(&rdm.RDM{N: 4, Vec: []float64{1, 2}}, 2); return err }},
		{"dim too large", func() error { _, err := Classical(good, 5); return err }},
		{"dim 0", func() error { _, err := SMACOF(context.Background(), good, &Options{Dim: -1}, nil); return err }},
		{"NaN in classical", func() error {
			_, err := Classical(&rdm.RDM{N: 3, Vec: []float64{1, math.NaN(), 1}}, 2)
			return err
		}},
		{"infinite", func() error { _, err := Classical(&rdm.RDM{N: 3, Vec: []float64{1, math.Inf(1), 1}}, 2); return err }},
		{"all NaN", func() error {
			_, err := SMACOF(context.Background(), &rdm.RDM{N: 3, Vec: []float64{math.NaN(), math.NaN(), math.NaN()}}, nil, nil)
			return err
		}},
		{"NaN splits the conditions", func() error { _, err := SMACOF(context.Background(), split, nil, nil); return err }},
		{"wrong weights", func() error {
			_, err := SMACOF(context.Background(), good, &Options{Weights: []float64{1}}, nil)
			return err
		}},
		{"negative weight", func() error {
			w := make([]float64, 10)
			w[3] = -1
			_, err := SMACOF(context.Background(), good, &Options{Weights: w}, nil)
			return err
		}},
		{"init of wrong shape", func() error {
			_, err := SMACOF(context.Background(), good, &Options{Init: mat.NewDense(4, 2, nil)}, nil)
			return err
		}},
	} {
		if tc.f() == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
	// Negative dissimilarities count as 0; all-zero RDMs give a point.
	res, err := Classical(&rdm.RDM{N: 3, Vec: []float64{-1, 0, 0}}, 2)
	if err != nil || mat.Max(res.X) != 0 || mat.Min(res.X) != 0 {
		t.Errorf("zero RDM: %v, %v", res, err)
	}
	if _, err := SMACOF(context.Background(), &rdm.RDM{N: 3, Vec: []float64{0, 0, 0}}, nil, nil); err != nil {
		t.Errorf("zero RDM SMACOF: %v", err)
	}
}

func BenchmarkSMACOF92(b *testing.B) {
	// 92 stimuli in 10 dimensions shown in 2: the realistic, non-embeddable
	// case. Default options (300 iterations at most, tol 1e-6).
	_, r := pointsRDM(1, 92, 10)
	ctx := context.Background()
	var iter int
	for b.Loop() {
		res, err := SMACOF(ctx, r, &Options{Seed: 1}, nil)
		if err != nil {
			b.Fatal(err)
		}
		iter = res.Iter
	}
	b.ReportMetric(float64(iter), "iter")
}

func BenchmarkSMACOF92Weighted(b *testing.B) {
	// The same with NaN pairs: the V⁺ path.
	_, r := pointsRDM(1, 92, 10)
	r.Vec[0], r.Vec[100] = math.NaN(), math.NaN()
	ctx := context.Background()
	var iter int
	for b.Loop() {
		res, err := SMACOF(ctx, r, &Options{Seed: 1}, nil)
		if err != nil {
			b.Fatal(err)
		}
		iter = res.Iter
	}
	b.ReportMetric(float64(iter), "iter")
}

func BenchmarkClassical92(b *testing.B) {
	_, r := pointsRDM(1, 92, 10)
	for b.Loop() {
		if _, err := Classical(r, 2); err != nil {
			b.Fatal(err)
		}
	}
}
