package decode

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/alignscope/alignscope/core/blas"

	"github.com/alignscope/alignscope/core/data"
	"gonum.org/v1/gonum/mat"
)

// patterns returns n stimuli × p units: 4 levels, each with a mean
// pattern of strength sep plus unit-variance noise.
func patterns(n, p int, sep float64, seed uint64) (*mat.Dense, []string) {
	r := rand.New(rand.NewPCG(seed, 7))
	names := []string{"face", "fish", "house", "car"}
	means := mat.NewDense(4, p, nil)
	for i := range means.RawMatrix().Data {
		means.RawMatrix().Data[i] = sep * r.NormFloat64()
	}
	x := mat.NewDense(n, p, nil)
	labels := make([]string, n)
	for i := 0; i < n; i++ {
		c := i % 4
		labels[i] = names[c]
		for j := 0; j < p; j++ {
			x.Set(i, j, means.At(c, j)+r.NormFloat64())
		}
	}
	return x, labels
}

func TestSeparableVersusRandom(t *testing.T) {
	ctx := context.Background()
	for _, method := range Methods {
		for _, tc := range []struct {
			sep      float64
			min, max float64
		}{
			{sep: 1.5, min: 0.95, max: 1}, // separable
			{sep: 0, min: 0, max: 0.5},    // no information: near chance (0.25)
		} {
			x, labels := patterns(80, 200, tc.sep, 3)
			res, err := Patterns(ctx, data.Dense{M: x}, labels, Options{Method: method, Seed: 1}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.Accuracy < tc.min || res.Accuracy > tc.max {
				t.Errorf("%s sep %g: accuracy %.3f outside [%g, %g]", method, tc.sep, res.Accuracy, tc.min, tc.max)
			}
			if res.Chance != 0.25 {
				t.Errorf("chance %g", res.Chance)
			}
			total := 0.0
			for _, v := range res.Confusion.RawMatrix().Data {
				total += v
			}
			diag := 0.0
			for c := 0; c < 4; c++ {
				diag += res.Confusion.At(c, c)
				rowSum := mat.Sum(res.Confusion.RowView(c))
				if rowSum != 20 {
					t.Errorf("row %d of the confusion matrix sums to %g, want 20", c, rowSum)
				}
			}
			if total != 80 || math.Abs(diag/total-res.Accuracy) > 1e-15 {
				t.Errorf("confusion total %g diag %g accuracy %g", total, diag, res.Accuracy)
			}
		}
	}
}

// The kernel ridge classifier predicts exactly as the primal ridge fit on
// the row-centred patterns (the scikit-learn RidgeClassifier).
func TestRidgeMatchesPrimal(t *testing.T) {
	x, labels := patterns(40, 15, 0.5, 11)
	n, p := x.Dims()
	// Row-centre.
	xc := mat.DenseCopyOf(x)
	for i := 0; i < n; i++ {
		row := xc.RawRowView(i)
		m := 0.0
		for _, v := range row {
			m += v
		}
		m /= float64(p)
		for j := range row {
			row[j] -= m
		}
	}
	plan, err := NewPlan(labels, Options{Seed: 5, Alpha: 0.3})
	if err != nil {
		t.Fatal(err)
	}
	var k mat.SymDense
	k.SymOuterK(1, xc)
	res, err := plan.Kernel(context.Background(), &k)
	if err != nil {
		t.Fatal(err)
	}
	for f := 0; f < plan.k; f++ {
		tr, te := plan.train[f], plan.test[f]
		// Training features centred by their mean.
		mean := make([]float64, p)
		for _, i := range tr {
			for j := 0; j < p; j++ {
				mean[j] += xc.At(i, j) / float64(len(tr))
			}
		}
		xt := mat.NewDense(len(tr), p, nil)
		for a, i := range tr {
			for j := 0; j < p; j++ {
				xt.Set(a, j, xc.At(i, j)-mean[j])
			}
		}
		ybar := make([]float64, 4)
		for _, i := range tr {
			ybar[plan.y[i]] += 1 / float64(len(tr))
		}
		y := mat.NewDense(len(tr), 4, nil)
		for a, i := range tr {
			for c := 0; c < 4; c++ {
				y.Set(a, c, -ybar[c])
			}
			y.Set(a, plan.y[i], y.At(a, plan.y[i])+1)
		}
		var xtx mat.SymDense
		xtx.SymOuterK(1, xt.T())
		var kk mat.SymDense
		kk.SymOuterK(1, xt)
		lambda := 0.3 * mat.Trace(&kk) / float64(len(tr))
		for j := 0; j < p; j++ {
			xtx.SetSym(j, j, xtx.At(j, j)+lambda)
		}
		var xty, w mat.Dense
		xty.Mul(xt.T(), y)
		if err := w.Solve(&xtx, &xty); err != nil {
			t.Fatal(err)
		}
		for _, i := range te {
			best, bv := 0, math.Inf(-1)
			for c := 0; c < 4; c++ {
				v := ybar[c]
				for j := 0; j < p; j++ {
					v += (xc.At(i, j) - mean[j]) * w.At(j, c)
				}
				if v > bv {
					best, bv = c, v
				}
			}
			if res.Predicted[i] != best {
				t.Errorf("fold %d stimulus %d: kernel form predicts %d, primal %d", f, i, res.Predicted[i], best)
			}
		}
	}
}

func TestFoldsStratifiedAndSeeded(t *testing.T) {
	labels := make([]string, 0, 30)
	for i := 0; i < 30; i++ {
		labels = append(labels, []string{"a", "b", "c"}[i%3])
	}
	p1, err := NewPlan(labels, Options{Folds: 5, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	p2, _ := NewPlan(labels, Options{Folds: 5, Seed: 1})
	p3, _ := NewPlan(labels, Options{Folds: 5, Seed: 2})
	if fmt.Sprint(p1.fold) != fmt.Sprint(p2.fold) {
		t.Error("same seed, different folds")
	}
	if fmt.Sprint(p1.fold) == fmt.Sprint(p3.fold) {
		t.Error("different seeds, same folds")
	}
	for f := 0; f < 5; f++ {
		count := map[string]int{}
		for _, i := range p1.test[f] {
			count[labels[i]]++
		}
		for _, l := range []string{"a", "b", "c"} {
			if count[l] != 2 {
				t.Errorf("fold %d holds %d of level %s, want 2", f, count[l], l)
			}
		}
		if len(p1.train[f])+len(p1.test[f]) != 30 {
			t.Errorf("fold %d: train %d + test %d", f, len(p1.train[f]), len(p1.test[f]))
		}
	}
}

func TestErrors(t *testing.T) {
	ctx := context.Background()
	k := mat.NewSymDense(6, nil)
	for i := 0; i < 6; i++ {
		k.SetSym(i, i, 1)
	}
	for _, tc := range []struct {
		labels []string
		opt    Options
		want   string
	}{
		{[]string{"a", "a", "a", "a", "a", "a"}, Options{Folds: 2}, "only one level"},
		{[]string{"a", "b", "a", "b", "a", "c"}, Options{Folds: 2}, `level "c" has 1 stimuli`},
		{[]string{"a", "b", "a", "b", "a", "b"}, Options{Folds: 1}, "at least 2"},
		{[]string{"a", "b", "a", "b", "a", "b"}, Options{Folds: 2, Method: "svm"}, "unknown classifier"},
		{[]string{"a", "b", "a", "b", "a", "b"}, Options{Folds: 2, Alpha: -1}, "penalty"},
		{[]string{"a", "b", "a", "b"}, Options{Folds: 2}, "kernel is 6 × 6 for 4"},
	} {
		_, err := Kernel(ctx, k, tc.labels, tc.opt)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v %+v: error %v, want %q", tc.labels, tc.opt, err, tc.want)
		}
	}
	k.SetSym(0, 1, math.NaN())
	if _, err := Kernel(ctx, k, []string{"a", "b", "a", "b", "a", "b"}, Options{Folds: 2}); err == nil || !strings.Contains(err.Error(), "non-finite") {
		t.Errorf("NaN kernel: %v", err)
	}
}

func BenchmarkKernelRidge(b *testing.B) {
	for _, n := range []int{92, 1000} {
		x, labels := patterns(n, 300, 0.3, 1)
		var k mat.SymDense
		k.SymOuterK(1, x)
		plan, err := NewPlan(labels, Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				if _, err := plan.Kernel(context.Background(), &k); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestMain(m *testing.M) {
	blas.Use()
	os.Exit(m.Run())
}
