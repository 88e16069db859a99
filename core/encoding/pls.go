package encoding

import (
	"context"
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// PLSAlgorithm selects how PLS finds each component's weights.
type PLSAlgorithm int

const (
	// NIPALS is scikit-learn's default power iteration (tolerance 1e-6 on
	// the squared change of the x-weights, at most 500 iterations).
	NIPALS PLSAlgorithm = iota
	// ExactSVD takes the leading left singular vector of Xkᵀ·Yk.
	ExactSVD
)

// PLSOptions are the options of PLS.
type PLSOptions struct {
	// Components is the number of components (Brain-Score: 25).
	Components int
	Algorithm  PLSAlgorithm
	// MaxIter and Tol control NIPALS (0 means 500 and 1e-6).
	MaxIter int
	Tol     float64
}

// PLSModel is a fitted PLS2 regression.
type PLSModel struct {
	// Coef (p × t) maps centred features to centred targets.
	Coef         *mat.Dense
	XMean, YMean []float64
	// NIter holds the NIPALS iterations of each component.
	NIter []int
	// Components is the number of components actually extracted (fewer
	// than asked when the target residual became zero).
	Components int
}

// Predict returns (Xnew − x̄)·Coef + ȳ.
func (m *PLSModel) Predict(Xnew *mat.Dense) (*mat.Dense, error) {
	_, p := Xnew.Dims()
	if pc, _ := m.Coef.Dims(); pc != p {
		return nil, fmt.Errorf("new features have %d columns, the model %d", p, pc)
	}
	xc := mat.DenseCopyOf(Xnew)
	r, _ := xc.Dims()
	for i := 0; i < r; i++ {
		row := xc.RawRowView(i)
		for j := range row {
			row[j] -= m.XMean[j]
		}
	}
	var out mat.Dense
	out.Mul(xc, m.Coef)
	addRow(&out, m.YMean)
	return &out, nil
}

// PLS fits scikit-learn's PLSRegression(n_components, scale=False): PLS2,
// mode A, regression deflation, as Brain-Score's pls metric. With
// X0 = X − x̄ and Y0 = Y − ȳ (no scaling), for k = 1..Components:
//
//	zero the columns of Yk whose entries are all below 10·eps in size;
//	w = the x-weights: NIPALS (u = first column of Yk with an entry above
//	    eps, w_old = 100; repeat w = Xkᵀu/(uᵀu), w /= ‖w‖+eps, s = Xk·w,
//	    c = Ykᵀs/(sᵀs), u = Yk·c/(cᵀc+eps) until ‖w−w_old‖² < tol or Y
//	    has one column, at most MaxIter times), or the leading left
//	    singular vector of XkᵀYk (ExactSVD);
//	flip w so that its largest |entry| is positive;
//	s = Xk·w, p = Xkᵀs/(sᵀs), q = Ykᵀs/(sᵀs), Xk −= s·pᵀ, Yk −= s·qᵀ;
//
// then B = W·(PᵀW)⁺·Qᵀ and ŷ = (x − x̄)·B + ȳ
// (sklearn/cross_decomposition/_pls.py, _PLS.fit and
// _get_first_singular_vectors_power_method). eps = 2.22e-16.
func PLS(ctx context.Context, X, Y *mat.Dense, opt PLSOptions) (*PLSModel, error) {
	n, p := X.Dims()
	ny, q := Y.Dims()
	if n != ny {
		return nil, fmt.Errorf("features have %d stimuli but targets %d", n, ny)
	}
	nc := opt.Components
	if nc < 1 || nc > p {
		return nil, fmt.Errorf("%d PLS components for %d features: need 1 to %d", nc, p, p)
	}
	if n < 2 {
		return nil, fmt.Errorf("PLS needs at least 2 stimuli, have %d", n)
	}
	if countNonFinite(X.RawMatrix().Data) > 0 || countNonFinite(Y.RawMatrix().Data) > 0 {
		return nil, fmt.Errorf("PLS needs finite features and targets")
	}
	maxIter, tol := opt.MaxIter, opt.Tol
	if maxIter == 0 {
		maxIter = 500
	}
	if tol == 0 {
		tol = 1e-6
	}
	const eps = 0x1p-52
	xk := centreCols(X)
	yk := centreCols(Y)
	m := &PLSModel{XMean: colMeanDense(X), YMean: colMeanDense(Y)}
	W := mat.NewDense(p, nc, nil)
	P := mat.NewDense(p, nc, nil)
	Q := mat.NewDense(q, nc, nil)
	w := mat.NewVecDense(p, nil)
	s := mat.NewVecDense(n, nil)
	pl := mat.NewVecDense(p, nil)
	ql := mat.NewVecDense(q, nil)
	for k := 0; k < nc; k++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if opt.Algorithm == NIPALS {
			for j := 0; j < q; j++ {
				small := true
				for i := 0; i < n; i++ {
					if math.Abs(yk.At(i, j)) >= 10*eps {
						small = false
						break
					}
				}
				if small {
					for i := 0; i < n; i++ {
						yk.Set(i, j, 0)
					}
				}
			}
			it, err := nipals(xk, yk, w, maxIter, tol, eps)
			if errors.Is(err, errConstantY) {
				break
			}
			if err != nil {
				return nil, err
			}
			m.NIter = append(m.NIter, it)
		} else {
			var c mat.Dense
			c.Mul(xk.T(), yk)
			var sv mat.SVD
			if !sv.Factorize(&c, mat.SVDThin) {
				return nil, fmt.Errorf("PLS component %d: SVD did not converge", k+1)
			}
			var u mat.Dense
			sv.UTo(&u)
			for i := 0; i < p; i++ {
				w.SetVec(i, u.At(i, 0))
			}
		}
		// Sign flip: largest |w_i| (first on ties) positive.
		bi, bv := 0, -1.0
		for i := 0; i < p; i++ {
			if a := math.Abs(w.AtVec(i)); a > bv {
				bi, bv = i, a
			}
		}
		if w.AtVec(bi) < 0 {
			w.ScaleVec(-1, w)
		}
		s.MulVec(xk, w)
		ss := mat.Dot(s, s)
		pl.MulVec(xk.T(), s)
		pl.ScaleVec(1/ss, pl)
		ql.MulVec(yk.T(), s)
		ql.ScaleVec(1/ss, ql)
		xk.RankOne(xk, -1, s, pl)
		yk.RankOne(yk, -1, s, ql)
		W.SetCol(k, w.RawVector().Data)
		P.SetCol(k, pl.RawVector().Data)
		Q.SetCol(k, ql.RawVector().Data)
		m.Components = k + 1
	}
	// B = W (PᵀW)⁺ Qᵀ.
	var ptw mat.Dense
	ptw.Mul(P.T(), W)
	pinv, err := pseudoInverse(&ptw)
	if err != nil {
		return nil, err
	}
	var rot, coef mat.Dense
	rot.Mul(W, pinv)
	coef.Mul(&rot, Q.T())
	m.Coef = &coef
	return m, nil
}

var errConstantY = errors.New("Y residual is constant")

// nipals runs the NIPALS power iteration for the first pair of singular
// vectors of XkᵀYk, writing the x-weights into w; it returns the number of
// iterations.
func nipals(xk, yk *mat.Dense, w *mat.VecDense, maxIter int, tol, eps float64) (int, error) {
	n, q := yk.Dims()
	_, p := xk.Dims()
	u := mat.NewVecDense(n, nil)
	found := false
	for j := 0; j < q && !found; j++ {
		for i := 0; i < n; i++ {
			if math.Abs(yk.At(i, j)) > eps {
				found = true
				break
			}
		}
		if found {
			for i := 0; i < n; i++ {
				u.SetVec(i, yk.At(i, j))
			}
		}
	}
	if !found {
		return 0, errConstantY
	}
	wOld := make([]float64, p)
	for i := range wOld {
		wOld[i] = 100
	}
	s := mat.NewVecDense(n, nil)
	c := mat.NewVecDense(q, nil)
	it := 0
	for it = 0; it < maxIter; it++ {
		w.MulVec(xk.T(), u)
		w.ScaleVec(1/mat.Dot(u, u), w)
		w.ScaleVec(1/(math.Sqrt(mat.Dot(w, w))+eps), w)
		s.MulVec(xk, w)
		c.MulVec(yk.T(), s)
		c.ScaleVec(1/mat.Dot(s, s), c)
		u.MulVec(yk, c)
		u.ScaleVec(1/(mat.Dot(c, c)+eps), u)
		d2 := 0.0
		wd := w.RawVector().Data
		for i := range wOld {
			d := wd[i] - wOld[i]
			d2 += d * d
		}
		if d2 < tol || q == 1 {
			break
		}
		copy(wOld, wd)
	}
	if it == maxIter {
		it--
	}
	return it + 1, nil
}

// pseudoInverse returns the Moore–Penrose inverse of a by SVD, with
// singular values below max(dims)·eps·σ_max treated as zero (scipy pinv).
func pseudoInverse(a *mat.Dense) (*mat.Dense, error) {
	r, c := a.Dims()
	var sv mat.SVD
	if !sv.Factorize(a, mat.SVDThin) {
		return nil, fmt.Errorf("pseudo-inverse: SVD did not converge")
	}
	vals := sv.Values(nil)
	var u, v mat.Dense
	sv.UTo(&u)
	sv.VTo(&v)
	cut := 0.0
	if len(vals) > 0 {
		cut = float64(max(r, c)) * 0x1p-52 * vals[0]
	}
	out := mat.NewDense(c, r, nil)
	for k, s := range vals {
		if s <= cut {
			continue
		}
		for i := 0; i < c; i++ {
			for j := 0; j < r; j++ {
				out.Set(i, j, out.At(i, j)+v.At(i, k)*u.At(j, k)/s)
			}
		}
	}
	return out, nil
}

func colMeanDense(a *mat.Dense) []float64 {
	n, p := a.Dims()
	m := make([]float64, p)
	for i := 0; i < n; i++ {
		for j, v := range a.RawRowView(i) {
			m[j] += v
		}
	}
	for j := range m {
		m[j] /= float64(n)
	}
	return m
}

func centreCols(a *mat.Dense) *mat.Dense {
	m := colMeanDense(a)
	c := mat.DenseCopyOf(a)
	n, _ := c.Dims()
	for i := 0; i < n; i++ {
		row := c.RawRowView(i)
		for j := range row {
			row[j] -= m[j]
		}
	}
	return c
}
