package rdm

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/alignscope/alignscope/core/data"
	"gonum.org/v1/gonum/mat"
)

// balancedDesign returns conditions 0..nc−1 (first appearance ascending)
// repeated in nf folds, and random data.
func balancedDesign(r *rand.Rand, nc, nf, p int) (*mat.Dense, []float64, []float64) {
	var conds, folds []float64
	for f := 0; f < nf; f++ {
		for k := 0; k < nc; k++ {
			conds = append(conds, float64(k))
			folds = append(folds, float64(f))
		}
	}
	x := mat.NewDense(len(conds), p, nil)
	x.Apply(func(_, _ int, _ float64) float64 { return r.NormFloat64() }, x)
	return x, conds, folds
}

// TestUnbalancedEqualsBalanced checks the README's statement: for balanced
// data without NaNs, calc_rdm_unbalanced equals calc_rdm for euclidean and
// crossnobis.
func TestUnbalancedEqualsBalanced(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 3))
	x, conds, folds := balancedDesign(r, 5, 3, 8)
	prec := randomPrecision(r, 8)
	for _, opt := range []Options{
		{Method: MethodEuclidean, Conditions: conds},
		{Method: MethodEuclidean},
		{Method: MethodCrossnobis, Conditions: conds, Folds: folds},
		{Method: MethodCrossnobis, Conditions: conds, Folds: folds, Precision: prec},
	} {
		a, err := Calc(context.Background(), data.Dense{M: x}, opt)
		if err != nil {
			t.Fatal(err)
		}
		b, err := CalcUnbalanced(context.Background(), data.Dense{M: x}, opt)
		if err != nil {
			t.Fatal(err)
		}
		closeVec(t, string(opt.Method), b.Vec, a.Vec, 1e-10)
	}
}

// refUnbalanced is the observation-pair definition, channel by channel.
func refUnbalanced(x *mat.Dense, conds []float64, method Method) ([]float64, []float64) {
	n, p := x.Dims()
	var order []float64
	for _, c := range conds {
		if !slices.Contains(order, c) {
			order = append(order, c)
		}
	}
	nc := len(order)
	s := make([]float64, nc*nc)
	w := make([]float64, nc*nc)
	sim := func(a, b int) (float64, float64) {
		var sx, sy, sxx, syy, sxy, cnt float64
		for j := 0; j < p; j++ {
			u, v := x.At(a, j), x.At(b, j)
			if math.IsNaN(u) || math.IsNaN(v) {
				continue
			}
			sx, sy, sxx, syy, sxy, cnt = sx+u, sy+v, sxx+u*u, syy+v*v, sxy+u*v, cnt+1
		}
		if method == MethodEuclidean {
			return sxy, cnt
		}
		r := 1.0
		if sxx > 0 && syy > 0 {
			fp := float64(p)
			r = (sxy - sx*sy/fp) / math.Sqrt(sxx-sx*sx/fp) / math.Sqrt(syy-sy*sy/fp)
		}
		return r * float64(p) / 2, cnt
	}
	for a := 0; a < n; a++ {
		k := slices.Index(order, conds[a])
		v, c := sim(a, a)
		s[k*nc+k] += v / 2
		w[k*nc+k] += c / 2
		for b := a + 1; b < n; b++ {
			v, c := sim(a, b)
			if c == 0 {
				continue
			}
			l := slices.Index(order, conds[b])
			s[k*nc+l] += v
			w[k*nc+l] += c
			if k != l {
				s[l*nc+k] += v
				w[l*nc+k] += c
			}
		}
	}
	var out []float64
	for k := 0; k < nc; k++ {
		for l := k + 1; l < nc; l++ {
			sk, sl, skl := s[k*nc+k]/w[k*nc+k], s[l*nc+l]/w[l*nc+l], s[k*nc+l]/w[k*nc+l]
			out = append(out, sk+sl-2*skl)
		}
	}
	return out, order
}

func TestUnbalancedWithNaN(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	conds := []float64{3, 1, 3, 4, 2, 2, 1, 4, 4, 3}
	x := mat.NewDense(len(conds), 6, nil)
	x.Apply(func(_, _ int, _ float64) float64 { return r.NormFloat64() }, x)
	for _, ij := range [][2]int{{0, 1}, {3, 3}, {3, 4}, {7, 0}, {9, 5}} {
		x.Set(ij[0], ij[1], math.NaN())
	}
	for _, m := range []Method{MethodEuclidean, MethodCorrelation} {
		got, err := CalcUnbalanced(context.Background(), data.Dense{M: x}, Options{Method: m, Conditions: conds})
		if err != nil {
			t.Fatal(err)
		}
		want, order := refUnbalanced(x, conds, m)
		closeVec(t, string(m), got.Vec, want, 1e-12)
		if !slices.Equal(got.Labels, order) || !slices.Equal(order, []float64{3, 1, 4, 2}) {
			t.Fatalf("labels %v, want first-appearance order %v", got.Labels, order)
		}
	}
}

func TestUnbalancedErrors(t *testing.T) {
	x := mat.NewDense(3, 2, []float64{1, 2, math.NaN(), math.NaN(), 3, 4})
	_, err := CalcUnbalanced(context.Background(), data.Dense{M: x}, Options{Method: MethodEuclidean})
	if err == nil || !strings.Contains(err.Error(), "row) 1 has no finite value") {
		t.Fatalf("all-NaN row: %v", err)
	}
	y := mat.NewDense(3, 2, []float64{1, 2, 3, 4, 5, 6})
	for _, opt := range []Options{
		{Method: MethodEuclidean, RemoveMean: true},
		{Method: MethodEuclidean, Conditions: []float64{1, 1, 1}},
		{Method: MethodMahalanobis, Precision: mat.NewDense(3, 3, nil)},
		{Method: "nope"},
	} {
		if _, err := CalcUnbalanced(context.Background(), data.Dense{M: y}, opt); err == nil {
			t.Errorf("%+v: no error", opt)
		}
	}
}

func TestMovie(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 7))
	const n, p, nt = 6, 4, 3
	conds := []float64{2, 0, 1, 2, 0, 1}
	x := mat.NewDense(n, p*nt, nil)
	x.Apply(func(_, _ int, _ float64) float64 { return r.NormFloat64() }, x)
	times := []float64{0.5, 0.25, 1}
	mv, err := CalcMovie(context.Background(), x, MovieOptions{Options: Options{Method: MethodCorrelation, Conditions: conds}, Times: times})
	if err != nil {
		t.Fatal(err)
	}
	if len(mv.RDMs) != nt || !slices.Equal(mv.Times, times) {
		t.Fatalf("%d RDMs at %v", len(mv.RDMs), mv.Times)
	}
	frame := func(ts ...int) *mat.Dense {
		f := mat.NewDense(n, p, nil)
		for a := 0; a < n; a++ {
			for c := 0; c < p; c++ {
				var s float64
				for _, t := range ts {
					s += x.At(a, c*nt+t)
				}
				f.Set(a, c, s/float64(len(ts)))
			}
		}
		return f
	}
	for ti := 0; ti < nt; ti++ {
		want, _ := Calc(context.Background(), data.Dense{M: frame(ti)}, Options{Method: MethodCorrelation, Conditions: conds})
		closeVec(t, "frame", mv.RDMs[ti].Vec, want.Vec, 1e-14)
	}
	mv, err = CalcMovie(context.Background(), x, MovieOptions{Options: Options{Method: MethodEuclidean}, Times: times, Bins: [][]float64{{0.25, 1, 7}, {0.5}}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(mv.Times, []float64{0.625, 0.5}) {
		t.Fatalf("bin times %v", mv.Times)
	}
	want, _ := Calc(context.Background(), data.Dense{M: frame(1, 2)}, Options{Method: MethodEuclidean})
	closeVec(t, "bin", mv.RDMs[0].Vec, want.Vec, 1e-14)

	for _, mo := range []MovieOptions{
		{Options: Options{Method: MethodEuclidean}, Times: []float64{0, 0, 1}},
		{Options: Options{Method: MethodEuclidean}, Times: times, Bins: [][]float64{{9}}},
		{Options: Options{Method: MethodEuclidean}, Times: []float64{0, 1, 2, 3, 4}},
		{Options: Options{Method: MethodEuclidean}},
	} {
		if _, err := CalcMovie(context.Background(), x, mo); err == nil {
			t.Errorf("%+v: no error", mo)
		}
	}
}
