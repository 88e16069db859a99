package encoding

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// randData returns features with column offsets and scales and targets
// with a linear signal of varying strength plus offsets.
func randData(n, p, t int, seed uint64) (*mat.Dense, *mat.Dense) {
	rng := rand.New(rand.NewPCG(seed, 11))
	x := mat.NewDense(n, p, nil)
	for j := 0; j < p; j++ {
		off, sc := rng.NormFloat64(), math.Exp(rng.NormFloat64()/2)
		for i := 0; i < n; i++ {
			x.Set(i, j, off+sc*rng.NormFloat64())
		}
	}
	y := mat.NewDense(n, t, nil)
	for j := 0; j < t; j++ {
		w := make([]float64, p)
		for k := range w {
			w[k] = rng.NormFloat64()
		}
		amp := float64(j%5) / 4 / math.Sqrt(float64(p))
		off := 5 * rng.NormFloat64()
		for i := 0; i < n; i++ {
			s := 0.0
			for k := 0; k < p; k++ {
				s += x.At(i, k) * w[k]
			}
			y.Set(i, j, off+amp*s+rng.NormFloat64())
		}
	}
	return x, y
}

// refRidge solves the normal equations (XcᵀXc + αI) b = Xcᵀyc for one
// target, with intercept.
func refRidge(x *mat.Dense, y []float64, alpha float64) (b []float64, c float64) {
	n, p := x.Dims()
	xm := colMeanDense(x)
	ym := 0.0
	for _, v := range y {
		ym += v
	}
	ym /= float64(n)
	xc := centreCols(x)
	var a mat.Dense
	a.Mul(xc.T(), xc)
	for k := 0; k < p; k++ {
		a.Set(k, k, a.At(k, k)+alpha)
	}
	yc := mat.NewVecDense(n, nil)
	for i := range y {
		yc.SetVec(i, y[i]-ym)
	}
	var rhs, sol mat.VecDense
	rhs.MulVec(xc.T(), yc)
	if err := sol.SolveVec(&a, &rhs); err != nil {
		panic(err)
	}
	b = sol.RawVector().Data
	c = ym
	for k := range b {
		c -= xm[k] * b[k]
	}
	return b, c
}

// refCV is the brute-force K-fold search: per fold and alpha a normal-
// equation fit; returns S[k][a][j], the chosen indices and the OOF
// predictions.
func refCV(x, y *mat.Dense, folds []Fold, alphas []float64) ([][][]float64, []int, *mat.Dense) {
	n, t := y.Dims()
	S := make([][][]float64, len(folds))
	preds := make([][]*mat.Dense, len(folds))
	for k, f := range folds {
		xtr, xte := rowsOf(x, f.Train), rowsOf(x, f.Test)
		S[k] = make([][]float64, len(alphas))
		preds[k] = make([]*mat.Dense, len(alphas))
		for a, al := range alphas {
			S[k][a] = make([]float64, t)
			preds[k][a] = mat.NewDense(len(f.Test), t, nil)
			for j := 0; j < t; j++ {
				ytr := mat.Col(nil, j, rowsOf(y, f.Train))
				b, c := refRidge(xtr, ytr, al)
				for q, i := range f.Test {
					pv := c + mat.Dot(mat.NewVecDense(len(b), b), xte.RowView(q))
					preds[k][a].Set(q, j, pv)
					d := y.At(i, j) - pv
					S[k][a][j] -= d * d / float64(len(f.Test))
				}
			}
		}
	}
	best := make([]int, t)
	for j := 0; j < t; j++ {
		bv := math.Inf(-1)
		for a, al := range alphas {
			m := 0.0
			for k := range folds {
				m += S[k][a][j]
			}
			m = m/float64(len(folds)) + 1e-10*math.Log(al)
			if m > bv {
				bv, best[j] = m, a
			}
		}
	}
	oof := mat.NewDense(n, t, nil)
	for k, f := range folds {
		for q, i := range f.Test {
			for j := 0; j < t; j++ {
				oof.Set(i, j, preds[k][best[j]].At(q, j))
			}
		}
	}
	return S, best, oof
}

func near(a, b, tol float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) <= tol*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

func checkClose(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if !near(got[i], want[i], tol) {
			t.Fatalf("%s[%d] = %.15g, want %.15g", what, i, got[i], want[i])
		}
	}
}
