package encoding

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/job"
	"github.com/alignscope/alignscope/core/rdm"
	"gonum.org/v1/gonum/mat"
)

func nan() float64 { return math.NaN() }

func TestRidgeCVBruteForce(t *testing.T) {
	ctx := context.Background()
	alphas := DefaultAlphas(-2, 4, 7)
	for _, tc := range []struct {
		name  string
		n, p  int
		form  Form
		group []int
	}{
		{"primal", 37, 8, Auto, nil},
		{"kernel", 33, 60, Auto, nil},
		{"primal-as-kernel", 37, 8, Kernel, nil},
		{"groups", 36, 6, Auto, []int{0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 3, 3, 3, 3, 3, 3, 4, 0, 1, 2, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 0, 1, 2, 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x, y := randData(tc.n, tc.p, 6, 7)
			opt := &CVOptions{Alphas: alphas, K: 4, Form: tc.form}
			var err error
			if tc.group != nil {
				if opt.Folds, err = GroupFolds(tc.group); err != nil {
					t.Fatal(err)
				}
			}
			res, err := RidgeCV(ctx, data.Dense{M: x}, data.Dense{M: y}, opt, nil)
			if err != nil {
				t.Fatal(err)
			}
			S, best, oof := refCV(x, y, res.Folds, alphas)
			_, nt := y.Dims()
			for k := range res.Folds {
				for a := range alphas {
					for j := 0; j < nt; j++ {
						if !near(res.Score(k, a, j), S[k][a][j], 1e-9) {
							t.Fatalf("score[%d,%d,%d] = %v, want %v", k, a, j, res.Score(k, a, j), S[k][a][j])
						}
					}
				}
			}
			for j := range best {
				if res.AlphaIndex[j] != best[j] || res.Alpha[j] != alphas[best[j]] {
					t.Fatalf("target %d: alpha index %d, want %d", j, res.AlphaIndex[j], best[j])
				}
			}
			checkClose(t, "oof", res.Predictions.RawMatrix().Data, oof.RawMatrix().Data, 1e-9)
			r2, _ := R2(y, oof)
			r, _ := Pearson(y, oof)
			checkClose(t, "R2", res.R2, r2, 1e-9)
			checkClose(t, "R", res.R, r, 1e-9)
			var r2f, rf []float64
			for _, f := range res.Folds {
				a, _ := R2(rowsOf(y, f.Test), rowsOf(oof, f.Test))
				b, _ := Pearson(rowsOf(y, f.Test), rowsOf(oof, f.Test))
				if r2f == nil {
					r2f, rf = make([]float64, len(a)), make([]float64, len(a))
				}
				for j := range a {
					r2f[j] += a[j] / float64(len(res.Folds))
					rf[j] += b[j] / float64(len(res.Folds))
				}
			}
			checkClose(t, "R2FoldMean", res.R2FoldMean, r2f, 1e-9)
			checkClose(t, "RFoldMean", res.RFoldMean, rf, 1e-9)
			for j := range best {
				b, c := refRidge(x, mat.Col(nil, j, y), alphas[best[j]])
				coef, err := res.Model.Coefficients(ctx)
				if err != nil {
					t.Fatal(err)
				}
				checkClose(t, "coef", mat.Col(nil, j, coef), b, 1e-8)
				checkClose(t, "intercept", res.Model.Intercept[j:j+1], []float64{c}, 1e-8)
			}
			if h := res.AlphaHistogram(); len(h) != len(alphas) {
				t.Errorf("histogram %v", h)
			}
		})
	}
}

func TestRidgeCVFastMatchesExact(t *testing.T) {
	ctx := context.Background()
	x, y := randData(90, 200, 40, 3)
	opt := &CVOptions{Alphas: DefaultAlphas(-1, 5, 12), K: 5}
	exact, err := RidgeCV(ctx, data.Dense{M: x}, data.Dense{M: y}, opt, nil)
	if err != nil {
		t.Fatal(err)
	}
	fo := *opt
	fo.Fast = true
	fast, err := RidgeCV(ctx, data.Dense{M: x}, data.Dense{M: y}, &fo, nil)
	if err != nil {
		t.Fatal(err)
	}
	for j := range exact.AlphaIndex {
		if exact.AlphaIndex[j] != fast.AlphaIndex[j] {
			t.Fatalf("target %d: fast alpha %d, exact %d", j, fast.AlphaIndex[j], exact.AlphaIndex[j])
		}
	}
	checkClose(t, "R2", fast.R2, exact.R2, 1e-10)
	checkClose(t, "R", fast.R, exact.R, 1e-10)
	checkClose(t, "R2FoldMean", fast.R2FoldMean, exact.R2FoldMean, 1e-10)
	checkClose(t, "pred", fast.Predictions.RawMatrix().Data, exact.Predictions.RawMatrix().Data, 1e-10)
	// Off-choice scores carry float32 rounding only.
	checkClose(t, "scores", fast.Scores, exact.Scores, 1e-4)
}

func TestRidgeCVGramUncentred(t *testing.T) {
	ctx := context.Background()
	x, y := randData(40, 90, 5, 9)
	opt := &CVOptions{Alphas: DefaultAlphas(-1, 4, 6), K: 5, SkipRefit: true}
	ref, err := RidgeCV(ctx, data.Dense{M: x}, data.Dense{M: y}, opt, nil)
	if err != nil {
		t.Fatal(err)
	}
	g, _, err := rdm.Gram(ctx, data.Dense{M: x}, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := RidgeCVGram(ctx, g, data.Dense{M: y}, opt, nil)
	if err != nil {
		t.Fatal(err)
	}
	for j := range ref.AlphaIndex {
		if ref.AlphaIndex[j] != res.AlphaIndex[j] {
			t.Fatalf("target %d: alpha %d, want %d", j, res.AlphaIndex[j], ref.AlphaIndex[j])
		}
	}
	checkClose(t, "R2", res.R2, ref.R2, 1e-8)
	checkClose(t, "scores", res.Scores, ref.Scores, 1e-8)
}

func TestRidgeCVSpecialTargets(t *testing.T) {
	ctx := context.Background()
	x, y := randData(30, 5, 4, 2)
	y.Set(3, 1, math.NaN())
	y.Set(7, 2, math.Inf(1))
	for i := 0; i < 30; i++ {
		y.Set(i, 3, 2.5) // constant target
	}
	alphas := DefaultAlphas(-2, 2, 5)
	res, err := RidgeCV(ctx, data.Dense{M: x}, data.Dense{M: y}, &CVOptions{Alphas: alphas, K: 3}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Excluded) != 2 || res.Excluded[0] != 1 || res.Excluded[1] != 2 {
		t.Fatalf("excluded %v, want [1 2]", res.Excluded)
	}
	for _, j := range []int{1, 2} {
		tr := res.Target(j)
		if !tr.Excluded || !math.IsNaN(tr.R2) || !math.IsNaN(tr.Alpha) || tr.AlphaIndex != -1 {
			t.Errorf("excluded target %d: %+v", j, tr)
		}
		if !math.IsNaN(res.Model.Intercept[j]) || !math.IsNaN(res.Predictions.At(0, j)) {
			t.Errorf("excluded target %d has a fit", j)
		}
	}
	// A constant target: every alpha ties, the slope picks the largest;
	// R² is 0 by convention, r NaN; predictions equal the constant.
	if res.AlphaIndex[3] != len(alphas)-1 || res.R2[3] != 0 || !math.IsNaN(res.R[3]) {
		t.Errorf("constant target: alpha %d R² %v r %v", res.AlphaIndex[3], res.R2[3], res.R[3])
	}
	if p := res.Predictions.At(5, 3); math.Abs(p-2.5) > 1e-12 {
		t.Errorf("constant target predicted %v", p)
	}
	// Target 0 is regular.
	if res.Target(0).Excluded || math.IsNaN(res.R2[0]) {
		t.Errorf("target 0: %+v", res.Target(0))
	}
	if _, err := res.Ceil([]float64{0.5, 0.5, 0.5, 0.5}); err != nil || math.Abs(res.Ceiled[0]-res.R[0]*res.R[0]/0.5) > 1e-15 {
		t.Errorf("Ceil: %v %v", err, res.Ceiled)
	}
}

func TestRidgeCVErrors(t *testing.T) {
	ctx := context.Background()
	x, y := randData(4, 3, 2, 1)
	xb := mat.DenseCopyOf(x)
	xb.Set(0, 0, math.NaN())
	for _, tc := range []struct {
		x, y *mat.Dense
		opt  *CVOptions
		want string
	}{
		{x, y, &CVOptions{Alphas: []float64{1}, K: 5}, "fewer than the 5 folds"},
		{x, y, &CVOptions{Alphas: nil}, "no alphas"},
		{x, y, &CVOptions{Alphas: []float64{0, 1}}, "positive"},
		{x, y, nil, "no options"},
		{xb, y, &CVOptions{Alphas: []float64{1}, K: 2}, "NaN"},
		{x, mat.NewDense(3, 2, nil), &CVOptions{Alphas: []float64{1}, K: 2}, "stimuli"},
	} {
		_, err := RidgeCV(ctx, data.Dense{M: tc.x}, data.Dense{M: tc.y}, tc.opt, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want %q", err, tc.want)
		}
	}
	all := mat.NewDense(4, 2, []float64{nan(), 1, 2, nan(), 1, 1, 1, 1})
	if _, err := RidgeCV(ctx, data.Dense{M: x}, data.Dense{M: all}, &CVOptions{Alphas: []float64{1}, K: 2}, nil); err == nil {
		t.Error("all targets NaN: no error")
	}
}

func TestRidgeCVCancel(t *testing.T) {
	x, y := randData(60, 100, 50, 1)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := RidgeCV(ctx, data.Dense{M: x}, data.Dense{M: y}, &CVOptions{Alphas: []float64{1, 10}}, nil)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
}

func TestRidgeCVProgress(t *testing.T) {
	x, y := randData(40, 10, 3, 1)
	m := job.NewManager(nil)
	j := m.Start("cv", func(ctx context.Context, rep *job.Reporter) error {
		_, err := RidgeCV(ctx, data.Dense{M: x}, data.Dense{M: y}, &CVOptions{Alphas: []float64{1, 10}}, rep)
		return err
	}, nil)
	if err := j.Wait(); err != nil {
		t.Fatal(err)
	}
	if s := j.Status(); s.Total == 0 || s.Done != s.Total {
		t.Errorf("progress %d/%d", s.Done, s.Total)
	}
}

func TestNestedRidgeCV(t *testing.T) {
	ctx := context.Background()
	alphas := DefaultAlphas(-2, 4, 7)
	for _, tc := range []struct {
		name string
		p    int
	}{{"primal", 6}, {"kernel", 70}} {
		t.Run(tc.name, func(t *testing.T) {
			x, y := randData(50, tc.p, 4, 4)
			res, err := NestedRidgeCV(ctx, data.Dense{M: x}, data.Dense{M: y}, &NestedOptions{Alphas: alphas, KOuter: 5, KInner: 4}, nil)
			if err != nil {
				t.Fatal(err)
			}
			outer, _ := KFold(50, 5)
			want := mat.NewDense(50, 4, nil)
			for k, f := range outer {
				inner, _ := KFold(len(f.Train), 4)
				_, best, _ := refCV(rowsOf(x, f.Train), rowsOf(y, f.Train), inner, alphas)
				for j, b := range best {
					if res.Alpha.At(k, j) != alphas[b] {
						t.Fatalf("outer %d target %d: alpha %v, want %v", k, j, res.Alpha.At(k, j), alphas[b])
					}
					bb, c := refRidge(rowsOf(x, f.Train), mat.Col(nil, j, rowsOf(y, f.Train)), alphas[b])
					for _, i := range f.Test {
						want.Set(i, j, c+mat.Dot(mat.NewVecDense(len(bb), bb), x.RowView(i)))
					}
				}
			}
			checkClose(t, "pred", res.Predictions.RawMatrix().Data, want.RawMatrix().Data, 1e-8)
			r2, _ := R2(y, want)
			checkClose(t, "R2", res.R2, r2, 1e-8)
		})
	}
}

func TestRidgeLOOBruteForce(t *testing.T) {
	ctx := context.Background()
	x, y := randData(25, 6, 3, 8)
	alphas := DefaultAlphas(-2, 3, 6)
	res, err := RidgeLOO(ctx, data.Dense{M: x}, data.Dense{M: y}, alphas, nil)
	if err != nil {
		t.Fatal(err)
	}
	n, nt := y.Dims()
	folds := make([]Fold, n)
	for i := 0; i < n; i++ {
		folds[i].Test = []int{i}
		for l := 0; l < n; l++ {
			if l != i {
				folds[i].Train = append(folds[i].Train, l)
			}
		}
	}
	S, _, _ := refCV(x, y, folds, alphas)
	for a := range alphas {
		for j := 0; j < nt; j++ {
			m := 0.0
			for k := range folds {
				m -= S[k][a][j] / float64(n)
			}
			if !near(res.MSE.At(a, j), m, 1e-9) {
				t.Fatalf("MSE[%d,%d] = %v, want %v", a, j, res.MSE.At(a, j), m)
			}
		}
	}
	for j := 0; j < nt; j++ {
		b := 0
		for a := range alphas {
			if res.MSE.At(a, j) < res.MSE.At(b, j) {
				b = a
			}
		}
		if res.AlphaIndex[j] != b {
			t.Errorf("target %d: alpha %d, want first minimum %d", j, res.AlphaIndex[j], b)
		}
	}
}

func TestVariancePartition(t *testing.T) {
	// Y = A·wa + B·wb + noise with independent A, B: the unique parts
	// carry the variance of each set, the shared part is near 0.
	ctx := context.Background()
	n := 400
	a, _ := randData(n, 5, 1, 21)
	b, _ := randData(n, 4, 1, 22)
	_, noise := randData(n, 1, 2, 23)
	ac, bc := centreCols(a), centreCols(b)
	// Make B exactly uncorrelated with A: B ← B − A(AᵀA)⁻¹AᵀB.
	var ata, atb, coef, proj mat.Dense
	ata.Mul(ac.T(), ac)
	atb.Mul(ac.T(), bc)
	if err := coef.Solve(&ata, &atb); err != nil {
		t.Fatal(err)
	}
	proj.Mul(ac, &coef)
	bc.Sub(bc, &proj)
	b = bc
	y := mat.NewDense(n, 2, nil)
	for i := 0; i < n; i++ {
		sa, sb := 0.0, 0.0
		for k := 0; k < 5; k++ {
			sa += ac.At(i, k)
		}
		for k := 0; k < 4; k++ {
			sb += bc.At(i, k)
		}
		y.Set(i, 0, sa/3+noise.At(i, 0)/4)      // A only
		y.Set(i, 1, sa/3+sb/3+noise.At(i, 1)/4) // both
	}
	p, err := VariancePartition(ctx, data.Dense{M: a}, data.Dense{M: b}, data.Dense{M: y}, &CVOptions{Alphas: DefaultAlphas(-2, 3, 6)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.UniqueA[0] < 0.5 || math.Abs(p.UniqueB[0]) > 0.05 || math.Abs(p.Shared[0]) > 0.05 {
		t.Errorf("A-only target: unique A %v, unique B %v, shared %v", p.UniqueA[0], p.UniqueB[0], p.Shared[0])
	}
	if p.UniqueA[1] < 0.2 || p.UniqueB[1] < 0.2 || math.Abs(p.Shared[1]) > 0.05 {
		t.Errorf("mixed target: unique A %v, unique B %v, shared %v", p.UniqueA[1], p.UniqueB[1], p.Shared[1])
	}
	for j := 0; j < 2; j++ {
		if s := p.UniqueA[j] + p.UniqueB[j] + p.Shared[j]; math.Abs(s-p.R2AB[j]) > 1e-12 {
			t.Errorf("parts sum to %v, joint R² %v", s, p.R2AB[j])
		}
	}
}

// TestFastBound checks that the float32 squared errors of Fast mode stay
// within the bound that decides which targets are re-scored.
func TestFastBound(t *testing.T) {
	ctx := context.Background()
	n, p, nt := 120, 400, 200
	x, y := randData(n, p, nt, 17)
	alphas := DefaultAlphas(-3, 5, 9)
	g, err := streamGram(ctx, data.Dense{M: x}, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	tg, err := readTargets(data.Dense{M: y})
	if err != nil {
		t.Fatal(err)
	}
	folds, _ := KFold(n, 5)
	e := newEngine(&kernelSource{k: g.k, n: n}, folds, alphas, tg.y, n, nt, nil)
	fs := newFastState(tg.y, n, nt, len(folds), len(alphas))
	worst := 0.0
	for k := range folds {
		d, err := e.decomp(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		yb, _ := colMeans(ctx, tg.y, nt, d.train)
		s32 := make([]float64, len(alphas)*nt)
		if err := fs.scoreFold(ctx, e, k, d, yb, s32); err != nil {
			t.Fatal(err)
		}
		st := foldStats{sse: make([]float64, len(alphas)*nt)}
		if err := e.scoreFold(ctx, k, d, tg.y, nt, yb, st); err != nil {
			t.Fatal(err)
		}
		for i := range s32 {
			worst = math.Max(worst, math.Abs(s32[i]-st.sse[i])/fs.bound[k*len(alphas)*nt+i])
		}
	}
	if !(worst < 1) {
		t.Errorf("float32 error reaches %.3g of its bound", worst)
	}
}
