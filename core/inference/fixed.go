package inference

import (
	"errors"
	"fmt"
	"math"

	"github.com/alignscope/alignscope/core/compare"
	"gonum.org/v1/gonum/mat"
)

// FixedEval is the evaluation of fixed models on every data RDM, without
// resampling (rsatoolbox inference/evaluate.py eval_fixed).
type FixedEval struct {
	Method     string
	Conditions int // number of conditions (stimuli) of the RDMs
	// Evaluations[k, s] = compare(model_k, data_s) (models × data RDMs).
	Evaluations *mat.Dense
	// NoiseCeiling is the leave-one-RDM-out ceiling (NoiseCeiling with
	// groups nil); NaN when there is a single data RDM or the method has
	// no pooling rule.
	NoiseCeiling Ceiling
	// Variances is the covariance of the model scores over data RDMs with
	// ddof 0, divided by the number S of data RDMs:
	//
	//	V_kl = (1/S)·(1/S) Σ_s (e_ks − ē_k)(e_ls − ē_l)
	//
	// (np.cov(evaluations, ddof=0)/n_rdm). nil when S = 1.
	Variances *mat.SymDense
}

// EvalFixed evaluates the model RDMs (rows of models) on the data RDMs
// (rows of data) with a comparison method of core/compare, as rsatoolbox's
// eval_fixed(models, data, method): the evaluations, the noise ceiling of
// the data and the variances of the model scores. Both stacks must have
// the same number of entries n(n−1)/2, n ≥ 3.
func EvalFixed(models, data *mat.Dense, method string) (*FixedEval, error) {
	n, err := checkRDMs(models, "model")
	if err != nil {
		return nil, fmt.Errorf("evaluate models: %w", err)
	}
	if _, err := checkRDMs(data, "data"); err != nil {
		return nil, fmt.Errorf("evaluate models: %w", err)
	}
	_, mm := models.Dims()
	S, md := data.Dims()
	if mm != md {
		return nil, fmt.Errorf("evaluate models: model RDMs have %d entries and data RDMs %d: they are not over the same stimuli", mm, md)
	}
	ev, err := compare.Compare(models, data, method, nil)
	if err != nil {
		return nil, fmt.Errorf("evaluate models: %w", err)
	}
	f := &FixedEval{Method: method, Conditions: n, Evaluations: ev, NoiseCeiling: Ceiling{math.NaN(), math.NaN()}}
	if S >= 2 {
		c, err := NoiseCeiling(data, method, nil)
		switch {
		case err == nil:
			f.NoiseCeiling = c
		case !errors.Is(err, ErrNoPooling):
			return nil, fmt.Errorf("evaluate models: %w", err)
		}
		f.Variances = covariance(ev, 0)
		f.Variances.ScaleSym(1/float64(S), f.Variances)
	}
	return f, nil
}

// covariance returns the covariance of the rows of x (variables) over its
// columns (observations) with the given delta degrees of freedom, as
// np.cov(x, ddof=ddof).
func covariance(x *mat.Dense, ddof int) *mat.SymDense {
	k, n := x.Dims()
	mu := rowMeans(x)
	c := mat.NewSymDense(k, nil)
	for i := 0; i < k; i++ {
		a := x.RawRowView(i)
		for j := i; j < k; j++ {
			b := x.RawRowView(j)
			s := 0.0
			for t := 0; t < n; t++ {
				s += (a[t] - mu[i]) * (b[t] - mu[j])
			}
			c.SetSym(i, j, s/float64(n-ddof))
		}
	}
	return c
}

// nanMean is np.nanmean (NaN when every entry is NaN).
func nanMean(x []float64) float64 {
	s, n := 0.0, 0
	for _, v := range x {
		if !math.IsNaN(v) {
			s += v
			n++
		}
	}
	return s / float64(n)
}

// Result summarises the fixed evaluation for the model-comparison chart
// as rsatoolbox's Result for cv_method 'fixed': Mean is the mean score
// over data RDMs, the model variances are Variances·S/(S−1) (so SE is the
// standard error of the mean over subjects), the ceiling is treated as
// fixed, and the tests are t-tests with S − 1 degrees of freedom. The
// confidence interval is the t-interval.
func (f *FixedEval) Result() *Result {
	k, S := f.Evaluations.Dims()
	r := &Result{
		Settings:        Settings{Method: f.Method, Scheme: Fixed, Test: TTest, DoF: S - 1, Subjects: S, Stimuli: f.Conditions},
		Models:          make([]ModelScore, k),
		NoiseCeiling:    f.NoiseCeiling,
		ObservedCeiling: f.NoiseCeiling,
	}
	mu := make([]float64, k)
	for i := range r.Models {
		row := f.Evaluations.RawRowView(i)
		r.Models[i].PerSubject = append([]float64(nil), row...)
		r.Models[i].Observed = nanMean(row)
		mu[i] = r.Models[i].Observed
	}
	if f.Variances != nil {
		r.Var = scaleVariances(extractVariances(f.Variances, k), S)
	} else {
		nan := mat.NewSymDense(k, nil)
		for i := 0; i < k; i++ {
			for j := i; j < k; j++ {
				nan.SetSym(i, j, math.NaN())
			}
		}
		r.Var = extractVariances(nan, k)
	}
	r.finish(mu)
	return r
}
