package rdm

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/alignscope/alignscope/core/data"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

// Reference implementations, straight from the definitions in doc.go.

func refMeans(x *mat.Dense, labels []float64, rows []bool) (*mat.Dense, []float64) {
	_, p := x.Dims()
	var u []float64
	for i, v := range labels {
		if rows == nil || rows[i] {
			u = append(u, v)
		}
	}
	slices.Sort(u)
	u = slices.Compact(u)
	m := mat.NewDense(len(u), p, nil)
	cnt := make([]float64, len(u))
	for i, v := range labels {
		if rows != nil && !rows[i] {
			continue
		}
		k := slices.Index(u, v)
		cnt[k]++
		for j := 0; j < p; j++ {
			m.Set(k, j, m.At(k, j)+x.At(i, j))
		}
	}
	for k := range u {
		for j := 0; j < p; j++ {
			m.Set(k, j, m.At(k, j)/cnt[k])
		}
	}
	return m, u
}

func centreRows(m *mat.Dense) *mat.Dense {
	out := mat.DenseCopyOf(m)
	r, _ := out.Dims()
	for i := 0; i < r; i++ {
		row := out.RawRowView(i)
		mu := stat.Mean(row, nil)
		for j := range row {
			row[j] -= mu
		}
	}
	return out
}

// refCross is Σ_c (a_i − a_j)_c · (P(b_i − b_j))_c / p over pairs.
func refCross(a, b *mat.Dense, prec mat.Matrix, f func(float64) float64) []float64 {
	n, p := a.Dims()
	var out []float64
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			da := make([]float64, p)
			db := make([]float64, p)
			for c := 0; c < p; c++ {
				da[c] = a.At(i, c) - a.At(j, c)
				db[c] = f(b.At(i, c)) - f(b.At(j, c))
			}
			v := mat.NewVecDense(p, db)
			if prec != nil {
				var pv mat.VecDense
				pv.MulVec(prec, v)
				v = &pv
			}
			out = append(out, mat.Dot(mat.NewVecDense(p, da), v)/float64(p))
		}
	}
	return out
}

func identity(x float64) float64 { return x }

func refCalc(x *mat.Dense, opt Options) []float64 {
	n, p := x.Dims()
	labels := opt.Conditions
	if labels == nil {
		labels = make([]float64, n)
		for i := range labels {
			labels[i] = float64(i)
		}
	}
	pr := opt.prior()
	rate := func(m *mat.Dense) *mat.Dense {
		out := mat.DenseCopyOf(m)
		out.Apply(func(_, _ int, v float64) float64 { return (v + pr.Lambda*pr.Weight) / (1 + pr.Weight) }, out)
		return out
	}
	switch opt.Method {
	case MethodEuclidean, MethodMahalanobis:
		m, _ := refMeans(x, labels, nil)
		if opt.RemoveMean {
			m = centreRows(m)
		}
		return refCross(m, m, opt.Precision, identity)
	case MethodCorrelation:
		m, _ := refMeans(x, labels, nil)
		var out []float64
		r, _ := m.Dims()
		for i := 0; i < r; i++ {
			for j := i + 1; j < r; j++ {
				out = append(out, 1-stat.Correlation(m.RawRowView(i), m.RawRowView(j), nil))
			}
		}
		return out
	case MethodPoisson:
		m, _ := refMeans(x, labels, nil)
		m = rate(m)
		return refCross(m, m, nil, math.Log)
	}
	folds := opt.Folds
	if folds == nil {
		folds, _ = DefaultFolds(labels)
	}
	fv := slices.Clone(folds)
	slices.Sort(fv)
	fv = slices.Compact(fv)
	in := func(f float64, test bool) []bool {
		sel := make([]bool, n)
		for i, v := range folds {
			sel[i] = (v == f) == test
		}
		return sel
	}
	if opt.Method == MethodPoissonCV {
		last := fv[len(fv)-1]
		t, _ := refMeans(x, labels, in(last, true))
		s, _ := refMeans(x, labels, in(last, false))
		return refCross(rate(s), rate(t), nil, math.Log)
	}
	var sum []float64
	for _, f := range fv {
		t, _ := refMeans(x, labels, in(f, true))
		s, _ := refMeans(x, labels, in(f, false))
		if opt.RemoveMean {
			t, s = centreRows(t), centreRows(s)
		}
		d := refCross(s, t, opt.Precision, identity)
		if sum == nil {
			sum = make([]float64, len(d))
		}
		for i, v := range d {
			sum[i] += v
		}
	}
	for i := range sum {
		sum[i] /= float64(len(fv))
	}
	_ = p
	return sum
}

func randomPrecision(r *rand.Rand, p int) *mat.SymDense {
	a := mat.NewDense(p, p, nil)
	for i := 0; i < p; i++ {
		for j := 0; j < p; j++ {
			a.Set(i, j, r.NormFloat64())
		}
	}
	s := mat.NewSymDense(p, nil)
	s.SymOuterK(1/float64(p), a)
	for i := 0; i < p; i++ {
		s.SetSym(i, i, s.At(i, i)+1)
	}
	return s
}

func closeVec(t *testing.T, name string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", name, len(got), len(want))
	}
	for i := range want {
		if d := math.Abs(got[i] - want[i]); d > tol*(1+math.Abs(want[i])) || math.IsNaN(got[i]) != math.IsNaN(want[i]) {
			t.Fatalf("%s: [%d] = %v, want %v", name, i, got[i], want[i])
		}
	}
}

// TestCalcByDefinition checks every method against the definitions, with
// shuffled labels, in one block and in many small streamed blocks.
func TestCalcByDefinition(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const nCond, nRuns, p = 6, 3, 23
	labels := []float64{7, -2, 30, 4, 11, 0}
	var conds, runs []float64
	for run := 0; run < nRuns; run++ {
		for k := 0; k < nCond; k++ {
			conds = append(conds, labels[k])
			runs = append(runs, float64(10-run))
		}
	}
	// Two extra repetitions inside runs: unbalanced counts.
	conds = append(conds, 7, 4)
	runs = append(runs, 9, 10)
	perm := r.Perm(len(conds))
	c2, r2 := make([]float64, len(conds)), make([]float64, len(conds))
	for i, j := range perm {
		c2[i], r2[i] = conds[j], runs[j]
	}
	conds, runs = c2, r2
	n := len(conds)
	x := mat.NewDense(n, p, nil)
	counts := mat.NewDense(n, p, nil)
	for i := 0; i < n; i++ {
		off := 5 * r.NormFloat64()
		for j := 0; j < p; j++ {
			x.Set(i, j, r.NormFloat64()+off+3)
			counts.Set(i, j, float64(r.IntN(9)))
		}
	}
	prec := randomPrecision(r, p)
	prior := &Prior{Lambda: 0.7, Weight: 0.3}
	cases := []struct {
		name string
		x    *mat.Dense
		opt  Options
	}{
		{"euclidean rows", x, Options{Method: MethodEuclidean}},
		{"euclidean", x, Options{Method: MethodEuclidean, Conditions: conds}},
		{"euclidean remove mean", x, Options{Method: MethodEuclidean, Conditions: conds, RemoveMean: true}},
		{"correlation rows", x, Options{Method: MethodCorrelation}},
		{"correlation", x, Options{Method: MethodCorrelation, Conditions: conds}},
		{"mahalanobis identity", x, Options{Method: MethodMahalanobis, Conditions: conds}},
		{"mahalanobis", x, Options{Method: MethodMahalanobis, Conditions: conds, Precision: prec}},
		{"mahalanobis remove mean", x, Options{Method: MethodMahalanobis, Conditions: conds, Precision: prec, RemoveMean: true}},
		{"crossnobis", x, Options{Method: MethodCrossnobis, Conditions: conds, Folds: runs}},
		{"crossnobis remove mean", x, Options{Method: MethodCrossnobis, Conditions: conds, Folds: runs, RemoveMean: true}},
		{"crossnobis precision", x, Options{Method: MethodCrossnobis, Conditions: conds, Folds: runs, Precision: prec}},
		{"crossnobis precision remove mean", x, Options{Method: MethodCrossnobis, Conditions: conds, Folds: runs, Precision: prec, RemoveMean: true}},
		{"poisson rows", counts, Options{Method: MethodPoisson}},
		{"poisson", counts, Options{Method: MethodPoisson, Conditions: conds, Prior: prior}},
		{"poisson_cv", counts, Options{Method: MethodPoissonCV, Conditions: conds, Folds: runs, Prior: prior}},
	}
	defer func() { testWidth = 0 }()
	for _, tc := range cases {
		want := refCalc(tc.x, tc.opt)
		for _, w := range []int{0, 1, 5} {
			testWidth = w
			got, err := Calc(context.Background(), data.Dense{M: tc.x}, tc.opt)
			if err != nil {
				t.Fatalf("%s (width %d): %v", tc.name, w, err)
			}
			closeVec(t, fmt.Sprintf("%s (width %d)", tc.name, w), got.Vec, want, 1e-10)
			if tc.opt.Conditions != nil && !slices.Equal(got.Labels, []float64{-2, 0, 4, 7, 11, 30}) {
				t.Fatalf("%s: labels %v not ascending", tc.name, got.Labels)
			}
		}
	}
}

// TestCrossnobisFoldPrecisions checks the pairwise-fold estimator.
func TestCrossnobisFoldPrecisions(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	const nCond, nFold, p = 4, 3, 5
	var conds, folds []float64
	for f := 0; f < nFold; f++ {
		for k := 0; k < nCond; k++ {
			conds = append(conds, float64(k))
			folds = append(folds, float64(f))
		}
	}
	x := mat.NewDense(len(conds), p, nil)
	x.Apply(func(_, _ int, _ float64) float64 { return r.NormFloat64() }, x)
	precs := []mat.Matrix{randomPrecision(r, p), randomPrecision(r, p), randomPrecision(r, p)}
	got, err := Calc(context.Background(), data.Dense{M: x}, Options{Method: MethodCrossnobis, Conditions: conds, Folds: folds, FoldPrecisions: precs})
	if err != nil {
		t.Fatal(err)
	}
	var want []float64
	pairs := 0
	for a := 0; a < nFold; a++ {
		for b := a + 1; b < nFold; b++ {
			var ca, cb, avg, pab mat.Dense
			ca.Inverse(precs[a])
			cb.Inverse(precs[b])
			avg.Add(&ca, &cb)
			avg.Scale(0.5, &avg)
			pab.Inverse(&avg)
			sel := func(f int) []bool {
				s := make([]bool, len(folds))
				for i, v := range folds {
					s[i] = int(v) == f
				}
				return s
			}
			ua, _ := refMeans(x, conds, sel(a))
			ub, _ := refMeans(x, conds, sel(b))
			d := refCross(ua, ub, &pab, identity)
			if want == nil {
				want = make([]float64, len(d))
			}
			for i, v := range d {
				want[i] += v
			}
			pairs++
		}
	}
	for i := range want {
		want[i] /= float64(pairs)
	}
	closeVec(t, "fold precisions", got.Vec, want, 1e-10)
}

// TestRowCentringFallback makes the first block (one column) an outlier,
// so that the shift says nothing about the row means: the cancellation
// factor ρ reaches its bound p/w and the second pass with exact means must
// take over.
func TestRowCentringFallback(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 9))
	const n, p = 3, 40000
	x := mat.NewDense(n, p, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < p; j++ {
			x.Set(i, j, r.NormFloat64())
		}
		x.Set(i, 0, 1e6)
	}
	defer func() { testWidth = 0 }()
	testWidth = 1
	rc := newRowCentring(n, p)
	c := &calc{x: data.Dense{M: x}, nObs: n, p: p, group: identityGrouping(n), width: 1}
	if err := c.pass(context.Background(), false, rc, func() {}, func(int, int, *mat.Dense) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if !rc.exact {
		t.Fatal("the second pass with exact means was not made")
	}
	got, err := Correlation(context.Background(), data.Dense{M: x}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := refCalc(x, Options{Method: MethodCorrelation})
	closeVec(t, "correlation", got.Vec, want, 1e-11)
}

// TestOnePassCentringReLU checks the one-pass correction on ReLU-like
// activations (the realistic case) against the two-pass definition.
func TestOnePassCentringReLU(t *testing.T) {
	r := rand.New(rand.NewPCG(10, 11))
	const n, p = 40, 3000
	x := mat.NewDense(n, p, nil)
	for j := 0; j < p; j++ {
		bias, scale := r.NormFloat64()-0.3, r.ExpFloat64()
		for i := 0; i < n; i++ {
			x.Set(i, j, max(0, r.NormFloat64()+bias)*scale)
		}
	}
	defer func() { testWidth = 0 }()
	testWidth = 256
	rc := newRowCentring(n, p)
	c := &calc{x: data.Dense{M: x}, nObs: n, p: p, group: identityGrouping(n), width: 256}
	if err := c.pass(context.Background(), false, rc, func() {}, func(int, int, *mat.Dense) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if rc.exact {
		t.Fatal("ReLU activations needed a second pass")
	}
	got, err := Correlation(context.Background(), data.Dense{M: x}, nil)
	if err != nil {
		t.Fatal(err)
	}
	closeVec(t, "correlation", got.Vec, refCalc(x, Options{Method: MethodCorrelation}), 1e-12)
}

func TestConstantPatternIsNaN(t *testing.T) {
	x := mat.NewDense(3, 4, []float64{
		0.1, 0.1, 0.1, 0.1,
		1, 2, 3, 5,
		2, 1, 0, 4,
	})
	for _, w := range []int{0, 1} {
		testWidth = w
		r, err := Correlation(context.Background(), data.Dense{M: x}, nil)
		testWidth = 0
		if err != nil {
			t.Fatal(err)
		}
		if !math.IsNaN(r.At(0, 1)) || !math.IsNaN(r.At(0, 2)) || math.IsNaN(r.At(1, 2)) {
			t.Fatalf("width %d: %v", w, r.Vec)
		}
	}
}

func TestCalcErrors(t *testing.T) {
	x := mat.NewDense(4, 3, []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 2, 4})
	d := data.Dense{M: x}
	bad := []struct {
		name string
		opt  Options
		want string
	}{
		{"method", Options{Method: "cosine"}, "unknown dissimilarity"},
		{"label length", Options{Method: MethodEuclidean, Conditions: []float64{1, 2}}, "2 labels for 4"},
		{"NaN label", Options{Method: MethodEuclidean, Conditions: []float64{1, 2, math.NaN(), 1}}, "finite"},
		{"one condition", Options{Method: MethodEuclidean, Conditions: []float64{1, 1, 1, 1}}, "at least 2 conditions"},
		{"precision size", Options{Method: MethodMahalanobis, Precision: mat.NewDense(2, 2, nil)}, "p × p"},
		{"precision method", Options{Method: MethodEuclidean, Precision: mat.NewDense(3, 3, nil)}, "not euclidean"},
		{"folds method", Options{Method: MethodCorrelation, Folds: []float64{1, 1, 2, 2}}, "fold labels apply"},
		{"crossnobis without conditions", Options{Method: MethodCrossnobis}, "needs condition labels"},
		{"default folds unequal", Options{Method: MethodCrossnobis, Conditions: []float64{1, 1, 1, 2}}, "same number of observations"},
		{"one fold", Options{Method: MethodCrossnobis, Conditions: []float64{1, 2, 1, 2}, Folds: []float64{0, 0, 0, 0}}, "at least 2"},
		{"missing in fold", Options{Method: MethodCrossnobis, Conditions: []float64{1, 2, 1, 1}, Folds: []float64{0, 0, 1, 1}}, "no observation in fold"},
		{"fold precisions count", Options{Method: MethodCrossnobis, Conditions: []float64{1, 2, 1, 2}, Folds: []float64{0, 0, 1, 1},
			FoldPrecisions: []mat.Matrix{mat.NewDense(3, 3, nil)}}, "1 per-fold precisions for 2 folds"},
		{"negative prior", Options{Method: MethodPoisson, Prior: &Prior{Lambda: 1, Weight: -2}}, "must not be negative"},
	}
	for _, tc := range bad {
		_, err := Calc(context.Background(), d, tc.opt)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
	neg := mat.NewDense(2, 2, []float64{1, -3, 2, 2})
	if _, err := Calc(context.Background(), data.Dense{M: neg}, Options{Method: MethodPoisson}); err == nil || !strings.Contains(err.Error(), "non-negative counts") {
		t.Errorf("negative counts: %v", err)
	}
	if _, err := Calc(context.Background(), data.Dense{M: mat.NewDense(1, 3, nil)}, Options{Method: MethodEuclidean}); err == nil {
		t.Error("one row: no error")
	}
}

// cancelMatrix cancels its context on the third block read and records
// reads made after the computation returned.
type cancelMatrix struct {
	data.Dense
	cancel   context.CancelFunc
	reads    atomic.Int32
	returned atomic.Bool
	late     atomic.Int32
}

func (m *cancelMatrix) ReadColumns(j0, j1 int, dst []float64) error {
	if m.returned.Load() {
		m.late.Add(1)
	}
	if m.reads.Add(1) == 3 {
		m.cancel()
	}
	return m.Dense.ReadColumns(j0, j1, dst)
}

func TestCancelMidStream(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	x := mat.NewDense(4, 100, nil)
	m := &cancelMatrix{Dense: data.Dense{M: x}, cancel: cancel}
	testWidth = 10
	_, err := Calc(ctx, m, Options{Method: MethodCorrelation})
	testWidth = 0
	m.returned.Store(true)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	if m.late.Load() != 0 || m.reads.Load() >= 10 {
		t.Fatalf("reads: %d total, %d after return", m.reads.Load(), m.late.Load())
	}
}

type failMatrix struct{ data.Dense }

func (m failMatrix) ReadColumns(j0, j1 int, dst []float64) error {
	if j0 > 0 {
		return errors.New("disk on fire")
	}
	return m.Dense.ReadColumns(j0, j1, dst)
}

func TestReadErrorStops(t *testing.T) {
	testWidth = 10
	defer func() { testWidth = 0 }()
	_, err := Calc(context.Background(), failMatrix{data.Dense{M: mat.NewDense(3, 50, nil)}}, Options{Method: MethodEuclidean})
	if err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("error %v", err)
	}
}

func TestDefaultFoldsAndLabels(t *testing.T) {
	f, err := DefaultFolds([]float64{3, 1, 1, 3, 2, 2})
	if err != nil || !slices.Equal(f, []float64{0, 0, 1, 1, 0, 1}) {
		t.Fatalf("DefaultFolds = %v, %v", f, err)
	}
	codes, names := LabelsFromStrings([]string{"face", "body", "face", "Zebra"})
	if !slices.Equal(names, []string{"Zebra", "body", "face"}) || !slices.Equal(codes, []float64{2, 1, 2, 0}) {
		t.Fatalf("LabelsFromStrings = %v %v", codes, names)
	}
}

func TestGramCentred(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	x := mat.NewDense(6, 90, nil)
	x.Apply(func(i, _ int, _ float64) float64 { return r.NormFloat64() + float64(i*i) }, x)
	want := mat.NewSymDense(6, nil)
	want.SymOuterK(1, centreRows(x))
	for _, w := range []int{0, 7} {
		testWidth = w
		g, p, err := Gram(context.Background(), data.Dense{M: x}, true, nil)
		testWidth = 0
		if err != nil || p != 90 {
			t.Fatal(err, p)
		}
		if !mat.EqualApprox(g, want, 1e-10) {
			t.Fatalf("width %d: centred Gram differs", w)
		}
	}
}

// TestNaNStaysInItsPattern: a NaN makes the dissimilarities of its own
// condition NaN and leaves the others as they are (rsatoolbox).
func TestNaNStaysInItsPattern(t *testing.T) {
	r := rand.New(rand.NewPCG(12, 13))
	x := mat.NewDense(4, 30, nil)
	x.Apply(func(_, _ int, _ float64) float64 { return r.NormFloat64() }, x)
	clean := mat.DenseCopyOf(x)
	x.Set(2, 17, math.NaN())
	defer func() { testWidth = 0 }()
	for _, m := range []Method{MethodEuclidean, MethodCorrelation, MethodMahalanobis} {
		for _, w := range []int{0, 8} {
			testWidth = w
			got, err := Calc(context.Background(), data.Dense{M: x}, Options{Method: m, RemoveMean: true})
			if err != nil {
				t.Fatal(err)
			}
			want, _ := Calc(context.Background(), data.Dense{M: clean}, Options{Method: m, RemoveMean: true})
			for i := 0; i < 4; i++ {
				for j := i + 1; j < 4; j++ {
					g := got.At(i, j)
					if (i == 2 || j == 2) != math.IsNaN(g) {
						t.Fatalf("%s width %d: d(%d,%d) = %v", m, w, i, j, g)
					}
					if !math.IsNaN(g) && math.Abs(g-want.At(i, j)) > 1e-12 {
						t.Fatalf("%s width %d: d(%d,%d) = %v, want %v", m, w, i, j, g, want.At(i, j))
					}
				}
			}
		}
	}
}
