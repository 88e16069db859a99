package model

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// Options holds the settings of the fitting functions. A nil *Options
// means the defaults (no ridge, Σ_k = I, seed 0, 2k starts).
type Options struct {
	// Ridge is the ridge weight λ ≥ 0. FitRegress and FitRegressNN add
	// λI to X W Xᵀ; FitOptimize subtracts λ‖θ‖² from the mean similarity.
	Ridge float64
	// SigmaK is the n × n stimulus covariance Σ_k of the _cov methods
	// (nil: identity). Pass a diagonal matrix for per-stimulus variances.
	SigmaK *mat.Dense
	// Seed seeds the random starts of FitOptimize and FitOptimizePositive.
	Seed uint64
	// Starts is the number of random starts of FitOptimize (0: 2k, as
	// rsatoolbox).
	Starts int
}

func (o *Options) orDefault() *Options {
	if o == nil {
		return &Options{}
	}
	return o
}

func (o *Options) sigmaK() mat.Matrix {
	if o == nil || o.SigmaK == nil {
		return nil
	}
	return o.SigmaK
}

// checkData validates the data RDMs against a model over n conditions
// with m pairs.
func checkData(name string, data *mat.Dense, m int) error {
	if data == nil {
		return fmt.Errorf("model %q: no data RDMs", name)
	}
	nd, md := data.Dims()
	if nd == 0 {
		return fmt.Errorf("model %q: no data RDMs", name)
	}
	if md != m {
		nm, _ := NCondOf(m)
		nmd, err := NCondOf(md)
		if err != nil {
			return fmt.Errorf("model %q predicts RDMs of %d pairs (%d conditions); data RDMs have %d pairs: %w", name, m, nm, md, err)
		}
		return fmt.Errorf("model %q predicts RDMs over %d conditions, the data RDMs are over %d", name, nm, nmd)
	}
	return nil
}

// normalEquations returns Q = X W Xᵀ + λI and c = X W y of fit_regress.
func normalEquations(w *Weighted, data *mat.Dense, method string, opt *Options) (*mat.SymDense, []float64, error) {
	opt = opt.orDefault()
	if w == nil {
		return nil, nil, errors.New("no model to fit")
	}
	if !regressMethods[method] {
		return nil, nil, fmt.Errorf("model %q: the regression fit supports cosine, corr, cosine_cov and corr_cov, not %q (use FitOptimize)", w.name, method)
	}
	if opt.Ridge < 0 || math.IsNaN(opt.Ridge) || math.IsInf(opt.Ridge, 0) {
		return nil, nil, fmt.Errorf("model %q: ridge weight %v must be finite and ≥ 0", w.name, opt.Ridge)
	}
	k, m := w.r.Dims()
	if err := checkData(w.name, data, m); err != nil {
		return nil, nil, err
	}
	y, err := poolForFit(data, method, w.n, opt.sigmaK())
	if err != nil {
		return nil, nil, fmt.Errorf("model %q: %w", w.name, err)
	}
	// Pairs: those not NaN in the first component; every component and the
	// pooled data must be NaN exactly there (rsatoolbox _parse_nan_vectors).
	ok := make([]bool, m)
	var keep []int
	for j := range ok {
		ok[j] = !math.IsNaN(w.r.At(0, j))
		if ok[j] {
			keep = append(keep, j)
		}
	}
	for i := 0; i < k; i++ {
		for j := 0; j < m; j++ {
			if math.IsNaN(w.r.At(i, j)) == ok[j] {
				return nil, nil, fmt.Errorf("model %q: component RDMs 0 and %d are NaN at different pairs", w.name, i)
			}
		}
	}
	for j := 0; j < m; j++ {
		if math.IsNaN(y[j]) == ok[j] {
			return nil, nil, fmt.Errorf("model %q: the model and data RDMs are NaN at different pairs (first at pair %d)", w.name, j)
		}
	}
	if len(keep) == 0 {
		return nil, nil, fmt.Errorf("model %q: every pair is NaN", w.name)
	}
	x := make([][]float64, k)
	for i := range x {
		x[i] = make([]float64, len(keep))
		for t, j := range keep {
			x[i][t] = w.r.At(i, j)
		}
	}
	yv := make([]float64, len(keep))
	for t, j := range keep {
		yv[t] = y[j]
	}
	if method == "corr" || method == "corr_cov" {
		for i := range x {
			floats.AddConst(-floats.Sum(x[i])/float64(len(keep)), x[i])
		}
	}
	if method == "corr_cov" {
		floats.AddConst(-floats.Sum(yv)/float64(len(yv)), yv)
	}
	wx := x // W X rows
	if method == "cosine_cov" || method == "corr_cov" {
		vi, err := newVInv(w.n, opt.sigmaK(), ok)
		if err != nil {
			return nil, nil, fmt.Errorf("model %q (%s): %w", w.name, method, err)
		}
		wx = make([][]float64, k)
		for i := range x {
			if wx[i], err = vi.Apply(x[i]); err != nil {
				return nil, nil, fmt.Errorf("model %q (%s): %w", w.name, method, err)
			}
		}
	}
	q := mat.NewSymDense(k, nil)
	c := make([]float64, k)
	for i := 0; i < k; i++ {
		c[i] = floats.Dot(wx[i], yv)
		for j := i; j < k; j++ {
			v := (floats.Dot(x[i], wx[j]) + floats.Dot(wx[i], x[j])) / 2
			if i == j {
				v += opt.Ridge
			}
			q.SetSym(i, j, v)
		}
	}
	for i, v := range c {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, nil, fmt.Errorf("model %q: non-finite value in the normal equations (component %d)", w.name, i)
		}
	}
	return q, c, nil
}

// unitNorm scales θ to unit Euclidean norm in place; θ = 0 stays 0.
func unitNorm(theta []float64) []float64 {
	if nrm := floats.Norm(theta, 2); nrm > 0 {
		floats.Scale(1/nrm, theta)
	}
	return theta
}

// FitRegress fits the weights of a Weighted model in closed form
// (rsatoolbox fit_regress): θ solves (X W Xᵀ + λI) θ = X W y for the
// pooled data RDM y, and is returned with unit norm. method is one of
// "cosine", "corr", "cosine_cov", "corr_cov"; opt.Ridge is λ and
// opt.SigmaK the Σ_k of the _cov methods. See the package documentation
// for the pooling and normalisation.
func FitRegress(w *Weighted, data *mat.Dense, method string, opt *Options) ([]float64, error) {
	q, c, err := normalEquations(w, data, method, opt)
	if err != nil {
		return nil, err
	}
	var theta mat.VecDense
	if err := theta.SolveVec(q, mat.NewVecDense(len(c), c)); err != nil {
		return nil, fmt.Errorf("model %q: the component RDMs are linearly dependent after normalisation (%v); remove one or set a ridge weight", w.name, err)
	}
	return unitNorm(append([]float64(nil), theta.RawVector().Data...)), nil
}

// FitRegressNN fits the weights of a Weighted model under θ ≥ 0
// (rsatoolbox fit_regress_nn): it minimises ½θᵀQθ − cᵀθ with the Q and c
// of FitRegress by NNLS, and returns θ with unit norm (θ = 0 when no
// positive weight improves the fit).
func FitRegressNN(w *Weighted, data *mat.Dense, method string, opt *Options) ([]float64, error) {
	q, c, err := normalEquations(w, data, method, opt)
	if err != nil {
		return nil, err
	}
	theta, err := NNLS(q, c)
	if err != nil {
		return nil, fmt.Errorf("model %q: %w", w.name, err)
	}
	return unitNorm(theta), nil
}
