package inference

import (
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Scheme is how an evaluation resamples the data.
type Scheme int

const (
	// Fixed evaluates on the data as they are (rsatoolbox eval_fixed);
	// the uncertainty comes from the spread over subjects.
	Fixed Scheme = iota
	// Stimuli bootstraps the conditions (eval_bootstrap_pattern).
	Stimuli
	// Subjects bootstraps the data RDMs (eval_bootstrap_rdm).
	Subjects
	// Both bootstraps conditions and RDMs together (eval_bootstrap).
	Both
	// Dual runs the three bootstraps above on the same draws and combines
	// their variances with the correction of Schütt et al. (2023)
	// (eval_dual_bootstrap with k_pattern = k_rdm = 1).
	Dual
)

func (s Scheme) String() string {
	switch s {
	case Fixed:
		return "fixed"
	case Stimuli:
		return "bootstrap over stimuli"
	case Subjects:
		return "bootstrap over subjects"
	case Both:
		return "bootstrap over stimuli and subjects"
	case Dual:
		return "corrected dual bootstrap"
	}
	return "unknown scheme"
}

// Test selects how the p-values of a Result are computed.
type Test int

const (
	// TTest uses t-tests with the (corrected) bootstrap variances, as
	// rsatoolbox's default test_type='t-test'.
	TTest Test = iota
	// Percentile counts bootstrap samples on the wrong side, as
	// rsatoolbox's test_type='bootstrap'. Not available for Fixed.
	Percentile
)

func (t Test) String() string {
	if t == Percentile {
		return "bootstrap percentile"
	}
	return "t-test"
}

// Settings records how a Result was computed.
type Settings struct {
	Method string // comparison method (core/compare)
	Scheme Scheme
	Test   Test
	// Samples is the number of bootstrap samples drawn (0 for Fixed) and
	// Valid the number used: samples with fewer than 3 distinct stimuli
	// (groups), or with a NaN score or noise ceiling, are dropped.
	Samples, Valid int
	Seed           uint64
	// DoF are the degrees of freedom of the t-tests: subjects − 1 (Fixed,
	// Subjects), stimuli − 1 (Stimuli), min(subjects, stimuli) − 1 (Both,
	// Dual), counted in resampled units (groups).
	DoF int
	// Subjects and Stimuli are the numbers of resampled units (groups of
	// data RDMs and of conditions).
	Subjects, Stimuli int
}

// ModelScore is the evaluation of one model.
type ModelScore struct {
	// Mean is the score drawn as the bar: the mean over valid bootstrap
	// samples (rsatoolbox Result.get_means; for Dual the mean of the three
	// bootstraps), or the mean over subjects for Fixed.
	Mean float64
	// Observed is the mean over subjects of PerSubject.
	Observed float64
	// SE is the standard error, √(model variance) after the correction of
	// the scheme (see Variances).
	SE float64
	// CILow and CIHigh bound the 95 % interval: the 2.5 and 97.5 %
	// percentiles of the bootstrap distribution (framed by ±∞ as
	// rsatoolbox, so ±Inf when there are too few samples; for Dual the
	// distribution of the per-sample mean of the three bootstraps, as
	// rsatoolbox), or the t-interval Mean ± t_{0.975,DoF}·SE for Fixed.
	CILow, CIHigh float64
	// PerSubject holds compare(model, data RDM s) for every data RDM s of
	// the full data.
	PerSubject []float64
	// PZero tests score > 0 (one-sided). PNoise tests the score against
	// the lower noise ceiling: two-sided for TTest, one-sided "below the
	// lower bound" for Percentile (as rsatoolbox). Uncorrected.
	PZero, PNoise float64
}

// Variances are the variance estimates behind the tests (rsatoolbox
// Result.model_var, diff_var, noise_ceil_var[:, 0]).
type Variances struct {
	Model []float64     // Var(score_i)
	Diff  *mat.SymDense // Var(score_i − score_j); zero diagonal
	Noise []float64     // Var(score_i − lower ceiling)
}

// Result is an evaluation of a set of models against data RDMs, shaped
// for a model-comparison chart: one bar per model with error bars, the
// noise-ceiling band, and significance marks.
type Result struct {
	Settings Settings
	Models   []ModelScore
	// NoiseCeiling is the band drawn on the chart: the mean over valid
	// bootstrap samples of each sample's leave-one-out ceiling
	// (rsatoolbox), or the leave-one-out ceiling for Fixed. NaN when the
	// method has no pooling rule or there is only one subject group.
	NoiseCeiling Ceiling
	// ObservedCeiling is the leave-one-out ceiling of the full data.
	ObservedCeiling Ceiling
	Var             Variances
	// PPair holds the uncorrected two-sided p-values of every pair of
	// models (ones on the diagonal); PPairFDR and PPairBonferroni are
	// corrected over the k(k−1)/2 pairs.
	PPair, PPairFDR, PPairBonferroni *mat.SymDense
	// Samples (valid samples × models) and CeilingSamples (valid samples
	// × [lower, upper]) are the bootstrap distributions; nil for Fixed.
	Samples, CeilingSamples *mat.Dense
}

// extractVariances turns the covariance V of (score_1 … score_k[, lower,
// upper]) into model, pairwise-difference and ceiling-difference variances
// (rsatoolbox inference_util.extract_variances). Without the ceiling
// columns the ceiling is taken as fixed: Noise = Model.
func extractVariances(V *mat.SymDense, k int) Variances {
	nc := V.SymmetricDim() > k
	v := Variances{Model: make([]float64, k), Noise: make([]float64, k), Diff: mat.NewSymDense(k, nil)}
	for i := 0; i < k; i++ {
		v.Model[i] = V.At(i, i)
		v.Noise[i] = V.At(i, i)
		if nc {
			v.Noise[i] += -2*V.At(i, k) + V.At(k, k)
		}
		for j := i + 1; j < k; j++ {
			v.Diff.SetSym(i, j, V.At(i, i)+V.At(j, j)-2*V.At(i, j))
		}
	}
	return v
}

// mapVariances applies f to every entry of the variance sets (all of the
// same shape).
func mapVariances(f func(x []float64) float64, vs ...Variances) Variances {
	k := len(vs[0].Model)
	out := Variances{Model: make([]float64, k), Noise: make([]float64, k), Diff: mat.NewSymDense(k, nil)}
	x := make([]float64, len(vs))
	for i := 0; i < k; i++ {
		for t, v := range vs {
			x[t] = v.Model[i]
		}
		out.Model[i] = f(x)
		for t, v := range vs {
			x[t] = v.Noise[i]
		}
		out.Noise[i] = f(x)
		for j := i + 1; j < k; j++ {
			for t, v := range vs {
				x[t] = v.Diff.At(i, j)
			}
			out.Diff.SetSym(i, j, f(x))
		}
	}
	return out
}

// scaleVariances multiplies by n/(n−1), rsatoolbox's small-sample
// correction of a bootstrap variance over n units (_correct_1d).
func scaleVariances(v Variances, n int) Variances {
	c := float64(n) / float64(n-1)
	return mapVariances(func(x []float64) float64 { return c * x[0] }, v)
}

// dualVariances combines the variances of the bootstrap over both factors
// (vb), over subjects (vr) and over stimuli (vp) with the small-sample
// formula of rsatoolbox inference_util._dual_bootstrap (Schütt et al.
// 2023), with a = n_r/(n_r−1), b = n_p/(n_p−1):
//
//	v = a·vr + b·vp − a·b·(vb − vr − vp),  clipped to [max(a·vr, b·vp), vb].
func dualVariances(vb, vr, vp Variances, nr, np int) Variances {
	a := float64(nr) / float64(nr-1)
	b := float64(np) / float64(np-1)
	return mapVariances(func(x []float64) float64 {
		v := a*x[1] + b*x[2] - a*b*(x[0]-x[1]-x[2])
		v = max(v, a*x[1], b*x[2])
		return min(v, x[0])
	}, vb, vr, vp)
}

// finish fills the scores, tests and corrections of r from the means mu,
// the variances r.Var and the lower ceiling.
func (r *Result) finish(mu []float64) {
	k := len(mu)
	lower := r.NoiseCeiling.Lower
	for i := 0; i < k; i++ {
		r.Models[i].Mean = mu[i]
		r.Models[i].SE = math.Sqrt(max(r.Var.Model[i], 0))
	}
	var pz, pn []float64
	if r.Settings.Test == Percentile && r.Samples != nil {
		lows := make([]float64, r.CeilingSamples.RawMatrix().Rows)
		for s := range lows {
			lows[s] = r.CeilingSamples.At(s, 0)
		}
		pz, pn, r.PPair = percentileTests(r.Samples, lows)
	} else {
		r.Settings.Test = TTest
		pz, pn, r.PPair = tTests(mu, r.Var, lower, r.Settings.DoF)
	}
	for i := 0; i < k; i++ {
		r.Models[i].PZero = pz[i]
		r.Models[i].PNoise = pn[i]
		if math.IsNaN(lower) {
			r.Models[i].PNoise = math.NaN()
		}
	}
	r.PPairFDR = CorrectPairs(r.PPair, FDR)
	r.PPairBonferroni = CorrectPairs(r.PPair, Bonferroni)
	if r.Samples != nil {
		col := make([]float64, r.Samples.RawMatrix().Rows)
		for i := 0; i < k; i++ {
			mat.Col(col, i, r.Samples)
			r.Models[i].CILow, r.Models[i].CIHigh = percentileCI(col)
		}
		return
	}
	t := math.NaN()
	if r.Settings.DoF >= 1 {
		t = distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(r.Settings.DoF)}.Quantile(0.975)
	}
	for i := 0; i < k; i++ {
		m := &r.Models[i]
		m.CILow, m.CIHigh = m.Mean-t*m.SE, m.Mean+t*m.SE
	}
}
