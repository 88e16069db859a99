package encoding

import (
	"context"
	"fmt"
	"math"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/job"
	"gonum.org/v1/gonum/mat"
)

// Form selects how ridge is solved.
type Form int

const (
	// Auto solves in the primal (thin SVD of the features) when there
	// are no more features than stimuli, p ≤ n, and in the kernel (dual)
	// form otherwise.
	Auto Form = iota
	// Primal always uses the thin SVD of the n × p feature matrix.
	Primal
	// Kernel always uses the eigendecomposition of the n × n linear
	// kernel, streamed from the features.
	Kernel
)

func (f Form) String() string {
	switch f {
	case Primal:
		return "primal"
	case Kernel:
		return "kernel"
	}
	return "auto"
}

func (f Form) resolve(n, p int) Form {
	if f == Auto {
		if p <= n {
			return Primal
		}
		return Kernel
	}
	return f
}

// Model is a fitted ridge regression: per target j, coefficients b_j and
// an intercept c_j with ŷ_j(x) = xᵀ·b_j + c_j. Primal fits hold the p × t
// coefficients; kernel fits hold the n × t dual coefficients a_j with
// b_j = Xcᵀ·a_j, Xc the centred training features (never formed: a layer
// of 100,000 units × 10,000 targets would not fit in memory).
type Model struct {
	// Alpha is the penalty of each target.
	Alpha []float64
	// Coef (p × t) holds the coefficients of primal fits, nil otherwise.
	Coef *mat.Dense
	// Dual (n × t) holds the dual coefficients of kernel fits,
	// a_j = (Kc + α_j·I)⁻¹·(y_j − ȳ_j), nil otherwise.
	Dual *mat.Dense
	// Intercept is c_j = ȳ_j − x̄ᵀ·b_j (0 without intercept). For a fit
	// on a Gram matrix, x̄ is in the coordinates of that Gram matrix.
	Intercept []float64
	// YMean are the training target means (zero without intercept).
	YMean []float64
	// XMean are the training feature means (nil for Gram fits; zero
	// without intercept).
	XMean []float64
	// X are the training features of kernel fits (nil for Gram fits).
	X data.Matrix
	// GramMean holds, for fits on a Gram matrix K, the column means of K
	// (for PredictGram).
	GramMean []float64
}

// Predict returns the m × t predictions for new rows Xnew (m × p, read in
// column blocks). For kernel fits it streams the cross kernel
// (Xnew − x̄)·Xcᵀ, so neither layer has to fit in memory.
func (m *Model) Predict(ctx context.Context, Xnew data.Matrix) (*mat.Dense, error) {
	rows, p := Xnew.Dims()
	t := len(m.Intercept)
	switch {
	case m.Coef != nil:
		pc, _ := m.Coef.Dims()
		if p != pc {
			return nil, fmt.Errorf("new features have %d columns, the model %d", p, pc)
		}
		out := mat.NewDense(rows, t, nil)
		coef := m.Coef.RawMatrix()
		err := data.EachBlock(Xnew, 0, func(j0, j1 int, b *mat.Dense) error {
			gemm(false, false, rows, t, j1-j0, 1, b.RawMatrix().Data, j1-j0, coef.Data[j0*coef.Stride:], coef.Stride, 1, out.RawMatrix().Data, t)
			return ctx.Err()
		})
		if err != nil {
			return nil, err
		}
		addRow(out, m.Intercept)
		return out, nil
	case m.Dual != nil && m.X != nil:
		kx, err := crossGram(ctx, Xnew, m.X, m.XMean, m.XMean, nil)
		if err != nil {
			return nil, err
		}
		var out mat.Dense
		out.Mul(kx, m.Dual)
		addRow(&out, m.YMean)
		return &out, nil
	case m.Dual != nil:
		return nil, fmt.Errorf("the model was fitted on a Gram matrix: use PredictGram with the kernel between the new and the training rows")
	}
	return nil, fmt.Errorf("empty model")
}

// Coefficients returns the p × t coefficients b_j: Coef for primal fits,
// and b_j = Xcᵀ·a_j streamed over column blocks of the training features
// for kernel fits (p·t values: mind the memory for large layers). Fits on
// a Gram matrix have no feature coordinates and give an error.
func (m *Model) Coefficients(ctx context.Context) (*mat.Dense, error) {
	if m.Coef != nil {
		return m.Coef, nil
	}
	if m.Dual == nil || m.X == nil {
		return nil, fmt.Errorf("the model was fitted on a Gram matrix: it has no coefficients in feature space")
	}
	n, p := m.X.Dims()
	_, t := m.Dual.Dims()
	out := mat.NewDense(p, t, nil)
	dual := m.Dual.RawMatrix()
	err := data.EachBlock(m.X, 0, func(j0, j1 int, b *mat.Dense) error {
		w := j1 - j0
		raw := b.RawMatrix().Data
		if m.XMean != nil {
			for i := 0; i < n; i++ {
				row := raw[i*w : (i+1)*w]
				for j := range row {
					row[j] -= m.XMean[j0+j]
				}
			}
		}
		gemm(true, false, w, t, n, 1, raw, w, dual.Data, dual.Stride, 0, out.RawMatrix().Data[j0*t:], t)
		return ctx.Err()
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// PredictGram returns predictions from the kernel Kx (m × n) between new
// rows and the n training rows, computed in the same coordinates as the
// Gram matrix the model was fitted on (for LinearGram: features centred
// on the training means, as CrossGram(ctx, Xnew, X, true, nil) gives):
//
//	ŷ = (Kx − 1·k̄ᵀ)·A + 1·ȳᵀ,
//
// k̄ the column means of the training Gram matrix, A the dual coefficients.
func (m *Model) PredictGram(kx *mat.Dense) (*mat.Dense, error) {
	if m.Dual == nil {
		return nil, fmt.Errorf("not a kernel fit")
	}
	_, n := kx.Dims()
	if nd, _ := m.Dual.Dims(); nd != n {
		return nil, fmt.Errorf("kernel has %d columns, the model %d training rows", n, nd)
	}
	k := mat.DenseCopyOf(kx)
	if m.GramMean != nil {
		r, _ := k.Dims()
		for i := 0; i < r; i++ {
			row := k.RawRowView(i)
			for j := range row {
				row[j] -= m.GramMean[j]
			}
		}
	}
	var out mat.Dense
	out.Mul(k, m.Dual)
	addRow(&out, m.YMean)
	return &out, nil
}

func addRow(m *mat.Dense, v []float64) {
	r, _ := m.Dims()
	for i := 0; i < r; i++ {
		row := m.RawRowView(i)
		for j := range row {
			row[j] += v[j]
		}
	}
}

// RidgeOptions are the options of Ridge.
type RidgeOptions struct {
	// NoIntercept fits ŷ = X·b on the raw features and targets, without
	// centring (fit_intercept=False).
	NoIntercept bool
	// Form selects primal or kernel solving (Auto: primal when p ≤ n).
	Form Form
}

// Ridge fits ridge regression with fixed penalties: per target j,
//
//	b_j = argmin_b ‖Xc·b − yc_j‖² + α_j‖b‖² = (XcᵀXc + α_j I)⁻¹Xcᵀyc_j
//	    = Xcᵀ(XcXcᵀ + α_j I)⁻¹yc_j,   c_j = ȳ_j − x̄ᵀb_j,
//
// with Xc, yc centred on the training means (raw X, y and c_j = 0 with
// NoIntercept). The loss is a sum of squares, so α is not scaled by n
// (himalaya.ridge.Ridge, sklearn.linear_model.Ridge). alpha holds one
// value for every target or one per target; each must be positive and
// finite. The primal form uses the thin SVD Xc = U·diag(s)·Vᵀ,
// b_j = V·diag(s/(s²+α_j))·Uᵀyc_j (himalaya solve_ridge_svd); the kernel
// form the eigendecomposition Kc = V·diag(λ)·Vᵀ, a_j = V·diag(1/(λ+α_j))·Vᵀyc_j,
// streaming X (progress: columns read).
func Ridge(ctx context.Context, X, Y data.Matrix, alpha []float64, opt *RidgeOptions, rep *job.Reporter) (*Model, error) {
	if opt == nil {
		opt = &RidgeOptions{}
	}
	n, p, t, err := checkXY(X, Y)
	if err != nil {
		return nil, err
	}
	alphas, err := perTarget(alpha, t)
	if err != nil {
		return nil, err
	}
	if n < 2 && !opt.NoIntercept {
		return nil, fmt.Errorf("need at least 2 stimuli to fit an intercept, have %d", n)
	}
	y, err := data.ReadAll(Y)
	if err != nil {
		return nil, fmt.Errorf("read targets: %w", err)
	}
	if bad := countNonFinite(y.RawMatrix().Data); bad > 0 {
		return nil, fmt.Errorf("targets hold %d NaN or infinite values", bad)
	}
	intercept := !opt.NoIntercept
	if opt.Form.resolve(n, p) == Primal {
		x, err := data.ReadAll(X)
		if err != nil {
			return nil, fmt.Errorf("read features: %w", err)
		}
		if bad := countNonFinite(x.RawMatrix().Data); bad > 0 {
			return nil, fmt.Errorf("features hold %d NaN or infinite values", bad)
		}
		return fitPrimal(ctx, x.RawMatrix().Data, n, p, y.RawMatrix().Data, t, alphas, intercept)
	}
	g, err := streamGram(ctx, X, intercept, rep)
	if err != nil {
		return nil, err
	}
	if bad := countNonFinite(g.k); bad > 0 {
		return nil, fmt.Errorf("features hold NaN or infinite values")
	}
	m, err := fitKernel(ctx, g.k, n, y.RawMatrix().Data, t, alphas, intercept)
	if err != nil {
		return nil, err
	}
	m.X = X
	m.XMean = g.xmean
	if intercept {
		// c_j = ȳ_j − x̄ᵀXcᵀa_j = ȳ_j − vᵀa_j with v_i = x̄·(x_i − x̄).
		for j := 0; j < t; j++ {
			s := 0.0
			for i := 0; i < n; i++ {
				s += g.v[i] * m.Dual.At(i, j)
			}
			m.Intercept[j] = m.YMean[j] - s
		}
	}
	return m, nil
}

func checkXY(X, Y data.Matrix) (n, p, t int, err error) {
	if X == nil || Y == nil {
		return 0, 0, 0, fmt.Errorf("missing features or targets")
	}
	n, p = X.Dims()
	ny, t := Y.Dims()
	if n != ny {
		return 0, 0, 0, fmt.Errorf("features have %d stimuli (rows) but targets %d", n, ny)
	}
	if n < 1 || p < 1 || t < 1 {
		return 0, 0, 0, fmt.Errorf("features are %d × %d and targets %d × %d; need at least one stimulus, feature and target", n, p, ny, t)
	}
	return n, p, t, nil
}

func perTarget(alpha []float64, t int) ([]float64, error) {
	var out []float64
	switch len(alpha) {
	case 1:
		out = make([]float64, t)
		for j := range out {
			out[j] = alpha[0]
		}
	case t:
		out = append([]float64(nil), alpha...)
	default:
		return nil, fmt.Errorf("%d alphas for %d targets: give one alpha or one per target", len(alpha), t)
	}
	for j, a := range out {
		if !(a > 0) || math.IsInf(a, 0) {
			return nil, fmt.Errorf("alpha %v (target %d) must be positive and finite", a, j)
		}
	}
	return out, nil
}

func countNonFinite(v []float64) int {
	c := 0
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			c++
		}
	}
	return c
}

// fitPrimal fits ridge by the thin SVD of the (centred) n × p features x
// for the t targets y (n × t, row-major), target j with penalty alphas[j].
func fitPrimal(ctx context.Context, x []float64, n, p int, y []float64, t int, alphas []float64, intercept bool) (*Model, error) {
	xc := make([]float64, n*p)
	copy(xc, x)
	xm := make([]float64, p)
	ym := make([]float64, t)
	if intercept {
		all := allRows(n)
		var err error
		if xm, err = colMeans(ctx, x, p, all); err != nil {
			return nil, err
		}
		if ym, err = colMeans(ctx, y, t, all); err != nil {
			return nil, err
		}
		for i := 0; i < n; i++ {
			row := xc[i*p : (i+1)*p]
			for j := range row {
				row[j] -= xm[j]
			}
		}
	}
	u, s, vt, err := svdThin(n, p, xc)
	if err != nil {
		return nil, err
	}
	r := len(s)
	// Z = Uᵀ(Y − 1ȳᵀ) = UᵀY − (Uᵀ1)ȳᵀ, scaled by s/(s²+α_j).
	z := make([]float64, r*t)
	gemm(true, false, r, t, n, 1, u, r, y, t, 0, z, t)
	u1 := make([]float64, r)
	for i := 0; i < n; i++ {
		for k, v := range u[i*r : (i+1)*r] {
			u1[k] += v
		}
	}
	for k := 0; k < r; k++ {
		row := z[k*t : (k+1)*t]
		for j := range row {
			row[j] = (row[j] - u1[k]*ym[j]) * s[k] / (s[k]*s[k] + alphas[j])
		}
	}
	coef := make([]float64, p*t)
	gemm(true, false, p, t, r, 1, vt, p, z, t, 0, coef, t)
	icpt := make([]float64, t)
	if intercept {
		for j := 0; j < t; j++ {
			icpt[j] = ym[j]
		}
		for l := 0; l < p; l++ {
			if xm[l] == 0 {
				continue
			}
			row := coef[l*t : (l+1)*t]
			for j, b := range row {
				icpt[j] -= xm[l] * b
			}
		}
	}
	return &Model{Alpha: alphas, Coef: mat.NewDense(p, t, coef), Intercept: icpt, YMean: ym, XMean: xm}, nil
}

// fitKernel fits kernel ridge on the n × n linear kernel k (both
// triangles; doubly centred here when intercept) for targets y (n × t).
// The intercept is left at ȳ (the caller corrects it for x̄).
func fitKernel(ctx context.Context, k []float64, n int, y []float64, t int, alphas []float64, intercept bool) (*Model, error) {
	kc := make([]float64, n*n)
	ym := make([]float64, t)
	var gramMean []float64
	if intercept {
		ks := &kernelSource{k: k, n: n}
		all := Fold{Train: allRows(n)}
		kc, _ = ks.centredBlocks(all)
		gramMean = make([]float64, n)
		for i := 0; i < n; i++ {
			s := 0.0
			for _, v := range k[i*n : (i+1)*n] {
				s += v
			}
			gramMean[i] = s / float64(n)
		}
		var err error
		if ym, err = colMeans(ctx, y, t, allRows(n)); err != nil {
			return nil, err
		}
	} else {
		copy(kc, k)
	}
	lam := make([]float64, n)
	if err := eigSym(n, kc, lam); err != nil {
		return nil, err
	}
	vt := kc // n × n, rows are eigenvectors
	z := make([]float64, n*t)
	gemm(false, false, n, t, n, 1, vt, n, y, t, 0, z, t)
	v1 := make([]float64, n)
	for q := 0; q < n; q++ {
		s := 0.0
		for _, v := range vt[q*n : (q+1)*n] {
			s += v
		}
		v1[q] = s
	}
	for q := 0; q < n; q++ {
		row := z[q*t : (q+1)*t]
		for j := range row {
			row[j] = (row[j] - v1[q]*ym[j]) / (lam[q] + alphas[j])
		}
	}
	dual := make([]float64, n*t)
	gemm(true, false, n, t, n, 1, vt, n, z, t, 0, dual, t)
	return &Model{Alpha: alphas, Dual: mat.NewDense(n, t, dual), Intercept: append([]float64(nil), ym...), YMean: ym, GramMean: gramMean}, nil
}

func allRows(n int) []int {
	r := make([]int, n)
	for i := range r {
		r[i] = i
	}
	return r
}
