package model

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"

	"github.com/alignscope/alignscope/core/compare"
	"github.com/alignscope/alignscope/core/job"
	"gonum.org/v1/gonum/mat"
)

// seedStream is the second PCG word of the random starts, so that the
// stream differs from other users of the same seed.
const seedStream = 0x6d6f64656c666974 // "modelfit"

// objective evaluates the mean similarity of predictions with the data.
// It is safe for concurrent use.
type objective struct {
	data   *mat.Dense
	method string
	copt   *compare.Options
	m      int

	mu  sync.Mutex
	err error // first comparison error
}

func newObjective(data *mat.Dense, method string, opt *Options) *objective {
	_, m := data.Dims()
	o := &objective{data: data, method: method, m: m}
	if s := opt.sigmaK(); s != nil {
		o.copt = &compare.Options{SigmaK: opt.SigmaK}
	}
	return o
}

// mean returns mean_d compare(pred, D_d).
func (o *objective) mean(pred []float64) (float64, error) {
	s, err := compare.Compare(mat.NewDense(1, o.m, pred), o.data, o.method, o.copt)
	if err != nil {
		return math.NaN(), err
	}
	_, nd := s.Dims()
	sum := 0.0
	for j := 0; j < nd; j++ {
		sum += s.At(0, j)
	}
	return sum / float64(nd), nil
}

// loss is −mean similarity + ridge·‖θ‖² of prediction pred; a comparison
// error is remembered and makes the loss +Inf, as does a NaN similarity.
func (o *objective) loss(pred, theta []float64, ridge float64) float64 {
	s, err := o.mean(pred)
	if err != nil {
		o.mu.Lock()
		if o.err == nil {
			o.err = err
		}
		o.mu.Unlock()
		return math.Inf(1)
	}
	if math.IsNaN(s) {
		return math.Inf(1)
	}
	r := 0.0
	for _, t := range theta {
		r += t * t
	}
	return -s + ridge*r
}

func (o *objective) firstErr() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.err
}

// checkFit validates a model/data/method combination by one evaluation.
func checkFit(name string, m int, data *mat.Dense, method string, opt *Options) (*objective, error) {
	if err := checkData(name, data, m); err != nil {
		return nil, err
	}
	if opt != nil && (opt.Ridge < 0 || math.IsNaN(opt.Ridge) || math.IsInf(opt.Ridge, 0)) {
		return nil, fmt.Errorf("model %q: ridge weight %v must be finite and ≥ 0", name, opt.Ridge)
	}
	return newObjective(data, method, opt), nil
}

// multiStart minimises f from every start in parallel (job.For) and
// returns the best final point, the first on ties.
func multiStart(ctx context.Context, f func([]float64) float64, starts [][]float64) ([]float64, float64, error) {
	xs := make([][]float64, len(starts))
	fs := make([]float64, len(starts))
	err := job.For(ctx, len(starts), func(i int) error {
		x, v, err := minimizeBFGS(ctx, f, starts[i])
		if err != nil {
			return err
		}
		xs[i], fs[i] = x, v
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	best := -1
	for i := range fs {
		if !math.IsNaN(fs[i]) && (best < 0 || fs[i] < fs[best]) {
			best = i
		}
	}
	if best < 0 {
		return nil, 0, errors.New("no start reached a finite loss")
	}
	return xs[best], fs[best], nil
}

// FitOptimize fits the weights of a Weighted model by numerical
// optimisation (rsatoolbox fit_optimize): BFGS on
// −mean_d compare(Σ_k θ_k r_k, D_d) + λ‖θ‖² from opt.Starts (default 2k)
// random starts θ₀ ~ U[0,1)ᵏ drawn with opt.Seed; the best end point is
// returned with unit norm. Any comparison method of core/compare may be
// used; a NaN similarity counts as the worst loss. Rank-based measures
// (spearman, rho-a, tau-a, kendall) are piecewise constant in θ, so their
// finite-difference gradient is almost always 0 and the result is the
// best start, as with rsatoolbox. The starts run in parallel; ctx cancels.
func FitOptimize(ctx context.Context, w *Weighted, data *mat.Dense, method string, opt *Options) ([]float64, error) {
	if w == nil {
		return nil, errors.New("no model to fit")
	}
	k, m := w.r.Dims()
	obj, err := checkFit(w.name, m, data, method, opt)
	if err != nil {
		return nil, err
	}
	opt = opt.orDefault()
	f := func(theta []float64) float64 {
		return obj.loss(w.weightedSum(theta), theta, opt.Ridge)
	}
	n := opt.Starts
	if n <= 0 {
		n = 2 * k
	}
	rng := rand.New(rand.NewPCG(opt.Seed, seedStream))
	starts := make([][]float64, n)
	for i := range starts {
		starts[i] = make([]float64, k)
		for j := range starts[i] {
			starts[i][j] = rng.Float64()
		}
	}
	if f(starts[0]); obj.firstErr() != nil {
		return nil, fmt.Errorf("model %q: %w", w.name, obj.firstErr())
	}
	theta, _, err := multiStart(ctx, f, starts)
	if err != nil {
		return nil, fmt.Errorf("model %q: fit_optimize: %w", w.name, err)
	}
	if err := obj.firstErr(); err != nil {
		return nil, fmt.Errorf("model %q: %w", w.name, err)
	}
	return unitNorm(theta), nil
}

// FitOptimizePositive fits non-negative weights of a Weighted model
// (rsatoolbox fit_optimize_positive): BFGS over φ with θ = φ∘φ, from the
// k starts φ₀ = e_i + 0.001 (the other entries) and one random start
// φ₀ ~ U[0,1)ᵏ (seeded by opt.Seed); θ = 0 competes too. The best θ is
// returned with unit norm (θ = 0 as is).
func FitOptimizePositive(ctx context.Context, w *Weighted, data *mat.Dense, method string, opt *Options) ([]float64, error) {
	if w == nil {
		return nil, errors.New("no model to fit")
	}
	k, m := w.r.Dims()
	obj, err := checkFit(w.name, m, data, method, opt)
	if err != nil {
		return nil, err
	}
	opt = opt.orDefault()
	f := func(phi []float64) float64 {
		theta := make([]float64, len(phi))
		for i, v := range phi {
			theta[i] = v * v
		}
		return obj.loss(w.weightedSum(theta), theta, opt.Ridge)
	}
	zero := make([]float64, k)
	f0 := f(zero)
	if err := obj.firstErr(); err != nil {
		return nil, fmt.Errorf("model %q: %w", w.name, err)
	}
	rng := rand.New(rand.NewPCG(opt.Seed, seedStream))
	starts := make([][]float64, 0, k+1)
	r := make([]float64, k)
	for j := range r {
		r[j] = rng.Float64()
	}
	starts = append(starts, r)
	for i := 0; i < k; i++ {
		s := make([]float64, k)
		for j := range s {
			s[j] = 0.001
		}
		s[i] = 1
		starts = append(starts, s)
	}
	phi, fb, err := multiStart(ctx, f, starts)
	if err != nil {
		return nil, fmt.Errorf("model %q: fit_optimize_positive: %w", w.name, err)
	}
	if err := obj.firstErr(); err != nil {
		return nil, fmt.Errorf("model %q: %w", w.name, err)
	}
	theta := make([]float64, k)
	if fb < f0 {
		for i, v := range phi {
			theta[i] = v * v
		}
	}
	return unitNorm(theta), nil
}
