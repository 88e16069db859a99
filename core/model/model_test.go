package model

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// randComponents returns k squared-Euclidean RDMs over n conditions of
// random points (positive, like real model RDMs).
func randComponents(rng *rand.Rand, k, n int) *mat.Dense {
	m := n * (n - 1) / 2
	out := mat.NewDense(k, m, nil)
	for c := 0; c < k; c++ {
		pts := make([][3]float64, n)
		for i := range pts {
			for d := range pts[i] {
				pts[i][d] = rng.NormFloat64()
			}
		}
		p := 0
		for i := 0; i < n; i++ {
			for j := i + 1; j < n; j++ {
				s := 0.0
				for d := 0; d < 3; d++ {
					s += (pts[i][d] - pts[j][d]) * (pts[i][d] - pts[j][d])
				}
				out.Set(c, p, s)
				p++
			}
		}
	}
	return out
}

// mix returns nd data RDMs Σ w_k r_k + noise·|N(0,1)|·mean.
func mix(rng *rand.Rand, comps *mat.Dense, w []float64, nd int, noise float64) *mat.Dense {
	_, m := comps.Dims()
	mean := mat.Sum(comps) / float64(len(w)*m)
	out := mat.NewDense(nd, m, nil)
	for d := 0; d < nd; d++ {
		for j := 0; j < m; j++ {
			v := 0.0
			for k, wk := range w {
				v += wk * comps.At(k, j)
			}
			out.Set(d, j, v+noise*math.Abs(rng.NormFloat64())*mean)
		}
	}
	return out
}

func setNaN(m *mat.Dense, cols ...int) {
	r, _ := m.Dims()
	for i := 0; i < r; i++ {
		for _, j := range cols {
			m.Set(i, j, math.NaN())
		}
	}
}

func near(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if math.Abs(got[i]-want[i]) > tol || math.IsNaN(got[i]) != math.IsNaN(want[i]) {
			t.Fatalf("%s: got %v, want %v (tol %g)", what, got, want, tol)
		}
	}
}

func TestPredict(t *testing.T) {
	comps := mat.NewDense(2, 3, []float64{1, 2, 3, 10, 20, math.NaN()})
	w, err := NewWeighted("w", comps)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := NewInterpolate("i", comps)
	s, _ := NewSelect("s", comps)
	f, _ := NewFixed("f", comps)
	for _, tc := range []struct {
		name  string
		m     Model
		theta []float64
		want  []float64
	}{
		{"weighted", w, []float64{0.5, -1}, []float64{-9.5, -19, math.NaN()}},
		{"weighted zero weight keeps NaN", w, []float64{1, 0}, []float64{1, 2, math.NaN()}},
		{"interpolate clamps negative θ", p, []float64{0.5, -1}, []float64{0.5, 1, math.NaN()}},
		{"select", s, []float64{1}, []float64{10, 20, math.NaN()}},
		{"fixed is the mean", f, nil, []float64{5.5, 11, math.NaN()}},
	} {
		got, err := tc.m.Predict(tc.theta)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		near(t, tc.name, got, tc.want, 1e-15)
	}
	for _, tc := range []struct {
		name  string
		m     Model
		theta []float64
	}{
		{"weighted θ too short", w, []float64{1}},
		{"weighted θ NaN", w, []float64{1, math.NaN()}},
		{"select index out of range", s, []float64{2}},
		{"select index not integer", s, []float64{0.5}},
	} {
		if _, err := tc.m.Predict(tc.theta); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
	if w.NParam() != 2 || s.NParam() != 1 || f.NParam() != 0 || w.NCond() != 3 {
		t.Error("NParam/NCond")
	}
}

func TestNewErrors(t *testing.T) {
	if _, err := NewWeighted("x", mat.NewDense(2, 4, nil)); err == nil {
		t.Error("4 pairs is no RDM: no error")
	}
	if _, err := NewWeighted("x", mat.NewDense(2, 1, nil)); err == nil {
		t.Error("2 conditions: no error")
	}
	if _, err := NewInterpolate("x", mat.NewDense(1, 3, nil)); err == nil {
		t.Error("interpolation of one RDM: no error")
	}
	if _, err := NewWeighted("x", nil); err == nil {
		t.Error("nil components: no error")
	}
}

// TestFitRegressRecovers: on noise-free data Σ w_k r_k every method's
// normalisation leaves the direction of w, so θ = w/‖w‖ exactly, with and
// without NaN pairs and ridge 0.
func TestFitRegressRecovers(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	comps := randComponents(rng, 3, 9)
	wTrue := []float64{0.6, 0.3, 0.1}
	data := mix(rng, comps, wTrue, 4, 0)
	want := unitNorm(append([]float64(nil), wTrue...))
	compsNaN, dataNaN := mat.DenseCopyOf(comps), mat.DenseCopyOf(data)
	setNaN(compsNaN, 0, 5, 17)
	setNaN(dataNaN, 0, 5, 17)
	for _, method := range []string{"cosine", "corr", "cosine_cov", "corr_cov"} {
		for _, nan := range []bool{false, true} {
			c, d := comps, data
			if nan {
				c, d = compsNaN, dataNaN
			}
			w, _ := NewWeighted("w", c)
			got, err := FitRegress(w, d, method, nil)
			if err != nil {
				t.Fatalf("%s nan=%v: %v", method, nan, err)
			}
			near(t, method, got, want, 1e-10)
			got, err = FitRegressNN(w, d, method, nil)
			if err != nil {
				t.Fatalf("%s nan=%v nn: %v", method, nan, err)
			}
			near(t, method+" nn", got, want, 1e-10)
		}
	}
}

// TestFitRegressCovDense checks the _cov fits with NaN pairs, Σ_k and a
// ridge against the normal equations written with the dense V.
func TestFitRegressCovDense(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const n = 7
	comps := randComponents(rng, 3, n)
	data := mix(rng, comps, []float64{0.2, 0.5, 0.3}, 5, 0.5)
	setNaN(comps, 3, 10)
	setNaN(data, 3, 10)
	a := mat.NewDense(n, n, nil)
	for i := range n * n {
		a.RawMatrix().Data[i] = rng.NormFloat64()
	}
	var sigma mat.Dense
	sigma.Mul(a, a.T())
	for i := 0; i < n; i++ {
		sigma.Set(i, i, sigma.At(i, i)+n)
	}
	for _, method := range []string{"cosine_cov", "corr_cov"} {
		for _, sig := range []*mat.Dense{nil, &sigma} {
			opt := &Options{Ridge: 0.7, SigmaK: sig}
			want := denseRegress(comps, data, method, sig, opt.Ridge)
			w, _ := NewWeighted("w", comps)
			got, err := FitRegress(w, data, method, opt)
			if err != nil {
				t.Fatal(err)
			}
			near(t, method, got, want, 1e-9)
		}
	}
}

// denseRegress is fit_regress for the _cov methods written plainly with
// the dense restricted V (README section E).
func denseRegress(comps, data *mat.Dense, method string, sigma *mat.Dense, ridge float64) []float64 {
	k, m := comps.Dims()
	nd, _ := data.Dims()
	n, _ := NCondOf(m)
	var sig mat.Matrix
	if sigma != nil {
		sig = sigma
	}
	v := denseV(n, sig)
	var keep []int
	for j := 0; j < m; j++ {
		if !math.IsNaN(comps.At(0, j)) {
			keep = append(keep, j)
		}
	}
	vo := mat.NewDense(len(keep), len(keep), nil)
	for x, j := range keep {
		for y, l := range keep {
			vo.Set(x, y, v.At(j, l))
		}
	}
	var vi mat.Dense
	if err := vi.Inverse(vo); err != nil {
		panic(err)
	}
	sub := func(row []float64) *mat.VecDense {
		out := mat.NewVecDense(len(keep), nil)
		for x, j := range keep {
			out.SetVec(x, row[j])
		}
		return out
	}
	centre := func(v *mat.VecDense) {
		s := mat.Sum(v) / float64(v.Len())
		for i := 0; i < v.Len(); i++ {
			v.SetVec(i, v.AtVec(i)-s)
		}
	}
	y := mat.NewVecDense(len(keep), nil)
	for d := 0; d < nd; d++ {
		r := sub(data.RawRowView(d))
		if method == "corr_cov" {
			centre(r)
		}
		q := mat.Inner(r, &vi, r)
		y.AddScaledVec(y, 1/math.Sqrt(q)/float64(nd), r)
	}
	if method == "corr_cov" {
		centre(y) // the −min+0.01 shift disappears in the centring
	}
	x := mat.NewDense(k, len(keep), nil)
	for i := 0; i < k; i++ {
		r := sub(comps.RawRowView(i))
		if method == "corr_cov" {
			centre(r)
		}
		x.SetRow(i, r.RawVector().Data)
	}
	var xv, q mat.Dense
	xv.Mul(x, &vi)
	q.Mul(&xv, x.T())
	for i := 0; i < k; i++ {
		q.Set(i, i, q.At(i, i)+ridge)
	}
	var c, theta mat.VecDense
	c.MulVec(&xv, y)
	if err := theta.SolveVec(&q, &c); err != nil {
		panic(err)
	}
	return unitNorm(theta.RawVector().Data)
}

func TestFitRegressErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	comps := randComponents(rng, 2, 5)
	w, _ := NewWeighted("w", comps)
	data := mix(rng, comps, []float64{1, 1}, 2, 0.1)
	otherNaN := mat.DenseCopyOf(data)
	setNaN(otherNaN, 2)
	constant := mat.NewDense(1, 10, []float64{2, 2, 2, 2, 2, 2, 2, 2, 2, 2})
	dup, _ := NewWeighted("dup", mat.NewDense(2, 3, []float64{1, 2, 3, 2, 4, 6}))
	for _, tc := range []struct {
		name   string
		w      *Weighted
		data   *mat.Dense
		method string
		opt    *Options
	}{
		{"unknown method", w, data, "spearman", nil},
		{"sizes differ", w, mat.NewDense(2, 6, nil), "cosine", nil},
		{"negative ridge", w, data, "cosine", &Options{Ridge: -1}},
		{"NaN only in data", w, otherNaN, "cosine", nil},
		{"constant data, corr", w, constant, "corr", nil},
		{"zero data, cosine", w, mat.NewDense(1, 10, nil), "cosine", nil},
		{"collinear components", dup, mat.NewDense(1, 3, []float64{1, 2, 4}), "cosine", nil},
		{"Σ_k of wrong size", w, data, "cosine_cov", &Options{SigmaK: mat.NewDense(3, 3, nil)}},
		{"nil data", w, nil, "cosine", nil},
	} {
		if _, err := FitRegress(tc.w, tc.data, tc.method, tc.opt); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
	// A ridge makes collinear components solvable.
	if _, err := FitRegress(dup, mat.NewDense(1, 3, []float64{1, 2, 4}), "cosine", &Options{Ridge: 1}); err != nil {
		t.Errorf("collinear with ridge: %v", err)
	}
}

// TestNNLS checks the KKT conditions of the solution and compares with the
// best of all 2ᵏ active sets.
func TestNNLS(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for trial := 0; trial < 50; trial++ {
		k := 1 + trial%6
		a := mat.NewDense(k+3, k, nil)
		for i := range a.RawMatrix().Data {
			a.RawMatrix().Data[i] = rng.NormFloat64()
		}
		b := make([]float64, k+3)
		for i := range b {
			b[i] = rng.NormFloat64()
		}
		var q mat.SymDense
		q.SymOuterK(1, a.T())
		c := make([]float64, k)
		cv := mat.NewVecDense(k, c)
		cv.MulVec(a.T(), mat.NewVecDense(k+3, b))
		x, err := NNLS(&q, c)
		if err != nil {
			t.Fatal(err)
		}
		obj := func(x []float64) float64 {
			xv := mat.NewVecDense(k, x)
			return 0.5*mat.Inner(xv, &q, xv) - floats.Dot(c, x)
		}
		best := math.Inf(1)
		for set := 0; set < 1<<k; set++ {
			var idx []int
			for i := 0; i < k; i++ {
				if set&(1<<i) != 0 {
					idx = append(idx, i)
				}
			}
			cand := make([]float64, k)
			if len(idx) > 0 {
				sub := mat.NewSymDense(len(idx), nil)
				rhs := mat.NewVecDense(len(idx), nil)
				for u, i := range idx {
					rhs.SetVec(u, c[i])
					for v, j := range idx {
						sub.SetSym(u, v, q.At(i, j))
					}
				}
				var s mat.VecDense
				if s.SolveVec(sub, rhs) != nil {
					continue
				}
				ok := true
				for u, i := range idx {
					cand[i] = s.AtVec(u)
					ok = ok && cand[i] >= 0
				}
				if !ok {
					continue
				}
			}
			best = math.Min(best, obj(cand))
		}
		for i, v := range x {
			if v < 0 {
				t.Fatalf("x[%d] = %g < 0", i, v)
			}
		}
		if got := obj(x); got > best+1e-10*math.Max(1, math.Abs(best)) {
			t.Fatalf("trial %d: objective %g, best active set %g", trial, got, best)
		}
	}
	if _, err := NNLS(mat.NewSymDense(2, nil), []float64{1}); err == nil {
		t.Error("size mismatch: no error")
	}
	if _, err := NNLS(mat.NewSymDense(1, []float64{1}), []float64{math.NaN()}); err == nil {
		t.Error("NaN: no error")
	}
	x, err := NNLS(mat.NewSymDense(2, []float64{1, 0, 0, 1}), []float64{-1, -2})
	if err != nil || x[0] != 0 || x[1] != 0 {
		t.Errorf("all-negative c: x = %v, %v; want 0", x, err)
	}
}

func TestBoundedMin(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    func(float64) float64
		want float64
	}{
		{"interior", func(x float64) float64 { return (x - 0.3) * (x - 0.3) }, 0.3},
		{"lower bound", func(x float64) float64 { return x }, 0},
		{"upper bound", func(x float64) float64 { return -x }, 1},
		{"non-smooth", func(x float64) float64 { return math.Abs(x - 0.77) }, 0.77},
	} {
		x, _ := BoundedMin(tc.f, 0, 1, 1e-5, 500)
		if math.Abs(x-tc.want) > 1e-4 {
			t.Errorf("%s: x = %g, want %g", tc.name, x, tc.want)
		}
	}
}

func TestFitOptimize(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	comps := randComponents(rng, 3, 10)
	data := mix(rng, comps, []float64{0.6, 0.3, 0.1}, 6, 0.3)
	w, _ := NewWeighted("w", comps)
	ctx := context.Background()
	want, err := FitRegress(w, data, "cosine", nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := FitOptimize(ctx, w, data, "cosine", &Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "optimize vs regress (cosine)", got, want, 1e-4)
	again, _ := FitOptimize(ctx, w, data, "cosine", &Options{Seed: 1})
	near(t, "same seed", again, got, 0)

	pos, err := FitOptimizePositive(ctx, w, data, "cosine", &Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	nn, _ := FitRegressNN(w, data, "cosine", nil)
	near(t, "optimize positive vs regress_nn (cosine)", pos, nn, 1e-4)

	// Fitting for corr: the optimum has zero gradient of mean corr.
	th, err := FitOptimize(ctx, w, data, "corr", &Options{Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	obj := newObjective(data, "corr", nil)
	f := func(theta []float64) float64 { return obj.loss(w.weightedSum(theta), theta, 0) }
	if g := gradient(f, th); floats.Norm(g, math.Inf(1)) > 1e-5 {
		t.Errorf("corr optimum has gradient %v", g)
	}

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := FitOptimize(cctx, w, data, "cosine", nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v", err)
	}
	if _, err := FitOptimize(ctx, w, data, "no-such-method", nil); err == nil {
		t.Error("unknown method: no error")
	}
}

func TestFitInterpolateAndSelect(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	comps := randComponents(rng, 4, 8)
	data := mix(rng, comps, []float64{0, 0.7, 0.3, 0}, 3, 0)
	p, _ := NewInterpolate("i", comps)
	got, err := FitInterpolate(context.Background(), p, data, "cosine", nil)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "interpolate", got, []float64{0, 0.7, 0.3, 0}, 1e-4)

	s, _ := NewSelect("s", comps)
	sel := mix(rng, comps, []float64{0, 0, 1, 0}, 3, 0.2)
	for _, method := range []string{"cosine", "corr", "spearman"} {
		i, err := FitSelect(s, sel, method, nil)
		if err != nil || i != 2 {
			t.Errorf("select %s: %d, %v; want 2", method, i, err)
		}
	}
	theta, err := Fit(context.Background(), s, sel, "corr", nil)
	if err != nil || len(theta) != 1 || theta[0] != 2 {
		t.Errorf("Fit(select) = %v, %v", theta, err)
	}
	f, _ := NewFixed("f", comps)
	if theta, err := Fit(context.Background(), f, sel, "corr", nil); err != nil || theta != nil {
		t.Errorf("Fit(fixed) = %v, %v", theta, err)
	}
	if _, err := Fit(context.Background(), f, mat.NewDense(1, 3, nil), "corr", nil); err == nil {
		t.Error("Fit(fixed) with data of another size: no error")
	}
}
