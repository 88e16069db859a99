package encoding

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/job"
	"gonum.org/v1/gonum/mat"
)

// SpearmanBrown predicts the reliability of a test n times as long from
// the reliability r of one part: n·r / (1 + (n−1)·r). There is no
// clipping, so r < 0 gives a negative value (Brain-Score's
// SpearmanBrownCorrection).
func SpearmanBrown(r, n float64) float64 { return n * r / (1 + (n-1)*r) }

// Halves is one split of the repetitions into two halves.
type Halves struct{ A, B []int }

// EvenOddHalves returns the split A = {0, 2, 4, …}, B = {1, 3, 5, …} of
// nReps repetitions (A holds one more when nReps is odd).
func EvenOddHalves(nReps int) Halves {
	var h Halves
	for r := 0; r < nReps; r++ {
		if r%2 == 0 {
			h.A = append(h.A, r)
		} else {
			h.B = append(h.B, r)
		}
	}
	return h
}

// RandomHalves returns nSplits random splits of nReps repetitions into
// halves of ⌊nReps/2⌋ and the rest, from a PCG generator seeded with seed
// (Brain-Score draws them with scikit-learn's ShuffleSplit(train_size=0.5,
// random_state=1); this generator does not reproduce numpy's, so give the
// halves explicitly to match published numbers).
func RandomHalves(nReps, nSplits int, seed uint64) []Halves {
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	out := make([]Halves, nSplits)
	for s := range out {
		perm := rng.Perm(nReps)
		a := slices.Clone(perm[:nReps/2])
		b := slices.Clone(perm[nReps/2:])
		slices.Sort(a)
		slices.Sort(b)
		out[s] = Halves{A: a, B: b}
	}
	return out
}

// Consistency is the split-half reliability of every target.
type Consistency struct {
	// R and RSB (splits × T) hold the Pearson r of the half means across
	// stimuli and its Spearman–Brown correction 2r/(1+r).
	R, RSB *mat.Dense
	// MedianPerSplit is the median over targets of RSB for each split;
	// Ceiling their mean over splits (Brain-Score's InternalConsistency
	// ceiling). NaN values are skipped, as xarray does.
	MedianPerSplit []float64
	Ceiling        float64
	// PerTarget is the mean over splits of RSB, per target (NaN skipped).
	PerTarget []float64
}

// SplitHalf computes the split-half reliability of repeated recordings:
// reps[r] is the S × T response of repetition r (stimuli × targets). For
// each split, a and b are the means over the repetitions of its two
// halves; r_j = Pearson(a[:, j], b[:, j]) across stimuli and
// r_SB = SpearmanBrown(r_j, 2), with n = 2 even for halves of unequal size
// (Brain-Score brainscore_vision/metrics/internal_consistency/ceiling.py).
// Targets constant in a half give NaN.
func SplitHalf(reps []data.Matrix, halves []Halves) (*Consistency, error) {
	if len(reps) < 2 {
		return nil, fmt.Errorf("split-half reliability needs at least 2 repetitions, have %d", len(reps))
	}
	if len(halves) == 0 {
		return nil, fmt.Errorf("no halves given")
	}
	S, T := reps[0].Dims()
	for r, m := range reps {
		if s, t := m.Dims(); s != S || t != T {
			return nil, fmt.Errorf("repetition %d is %d × %d, repetition 0 is %d × %d", r, s, t, S, T)
		}
	}
	if S < 2 {
		return nil, fmt.Errorf("need at least 2 stimuli, have %d", S)
	}
	c := &Consistency{R: mat.NewDense(len(halves), T, nil), RSB: mat.NewDense(len(halves), T, nil),
		MedianPerSplit: make([]float64, len(halves)), PerTarget: make([]float64, T)}
	for s, h := range halves {
		if len(h.A) == 0 || len(h.B) == 0 {
			return nil, fmt.Errorf("split %d has an empty half", s+1)
		}
		for _, i := range append(slices.Clone(h.A), h.B...) {
			if i < 0 || i >= len(reps) {
				return nil, fmt.Errorf("split %d names repetition %d; there are %d", s+1, i, len(reps))
			}
		}
		a, err := meanReps(reps, h.A)
		if err != nil {
			return nil, err
		}
		b, err := meanReps(reps, h.B)
		if err != nil {
			return nil, err
		}
		r, err := Pearson(a, b)
		if err != nil {
			return nil, err
		}
		for j, v := range r {
			c.R.Set(s, j, v)
			c.RSB.Set(s, j, SpearmanBrown(v, 2))
		}
		c.MedianPerSplit[s] = Median(c.RSB.RawRowView(s))
	}
	for j := range c.PerTarget {
		c.PerTarget[j] = nanMean(mat.Col(nil, j, c.RSB))
	}
	c.Ceiling = nanMean(c.MedianPerSplit)
	return c, nil
}

func meanReps(reps []data.Matrix, idx []int) (*mat.Dense, error) {
	parts := make([]data.Matrix, len(idx))
	for k, i := range idx {
		parts[k] = reps[i]
	}
	return data.ReadAll(data.Mean{Parts: parts})
}

// Regressor fits on training rows and predicts test rows; PLSRegressor and
// RidgeRegressor give Brain-Score's pls and ridge metrics.
type Regressor func(ctx context.Context, xTrain, yTrain, xTest *mat.Dense) (*mat.Dense, error)

// PLSRegressor is PLS with the given options (Brain-Score's pls metric:
// 25 components, NIPALS).
func PLSRegressor(opt PLSOptions) Regressor {
	return func(ctx context.Context, xTrain, yTrain, xTest *mat.Dense) (*mat.Dense, error) {
		m, err := PLS(ctx, xTrain, yTrain, opt)
		if err != nil {
			return nil, err
		}
		return m.Predict(xTest)
	}
}

// RidgeRegressor is ridge with one fixed alpha and an intercept
// (Brain-Score's ridge metric: sklearn Ridge(alpha=1)).
func RidgeRegressor(alpha float64) Regressor {
	return func(ctx context.Context, xTrain, yTrain, xTest *mat.Dense) (*mat.Dense, error) {
		m, err := Ridge(ctx, data.Dense{M: xTrain}, data.Dense{M: yTrain}, []float64{alpha}, nil, nil)
		if err != nil {
			return nil, err
		}
		return m.Predict(ctx, data.Dense{M: xTest})
	}
}

// Predictivity is Brain-Score's cross-validated neural predictivity.
type Predictivity struct {
	// R (splits × T) is the Pearson r over the test stimuli of each split.
	R *mat.Dense
	// MedianPerSplit is the median of R over targets; Raw their mean over
	// splits. NaN values (constant predictions) are skipped, as xarray
	// does.
	MedianPerSplit []float64
	Raw            float64
	// PerTarget is the mean over splits of R (NaN skipped).
	PerTarget []float64
}

// CrossRegressedCorrelation fits reg on the training stimuli of each split
// and correlates its predictions with the targets over the test stimuli
// (Brain-Score CrossRegressedCorrelation with CrossValidation: median over
// neuroids, mean over splits). target is S × T (the mean over
// repetitions), X is S × p. Splits run in parallel.
func CrossRegressedCorrelation(ctx context.Context, X, target *mat.Dense, splits []Fold, reg Regressor, rep *job.Reporter) (*Predictivity, error) {
	S, _ := X.Dims()
	st, T := target.Dims()
	if S != st {
		return nil, fmt.Errorf("features have %d stimuli but targets %d", S, st)
	}
	if len(splits) == 0 {
		return nil, fmt.Errorf("no splits")
	}
	for s, f := range splits {
		if len(f.Train) < 2 || len(f.Test) < 2 {
			return nil, fmt.Errorf("split %d has %d training and %d test stimuli; need at least 2 of each", s+1, len(f.Train), len(f.Test))
		}
		for _, i := range append(slices.Clone(f.Train), f.Test...) {
			if i < 0 || i >= S {
				return nil, fmt.Errorf("split %d names stimulus %d; there are %d", s+1, i, S)
			}
		}
	}
	p := &Predictivity{R: mat.NewDense(len(splits), T, nil), MedianPerSplit: make([]float64, len(splits)), PerTarget: make([]float64, T)}
	pr := progress{rep}
	pr.total(len(splits))
	err := job.For(ctx, len(splits), func(s int) error {
		f := splits[s]
		pred, err := reg(ctx, rowsOf(X, f.Train), rowsOf(target, f.Train), rowsOf(X, f.Test))
		if err != nil {
			return fmt.Errorf("split %d: %w", s+1, err)
		}
		r, err := Pearson(rowsOf(target, f.Test), pred)
		if err != nil {
			return err
		}
		p.R.SetRow(s, r)
		pr.add(1)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for s := range splits {
		p.MedianPerSplit[s] = Median(p.R.RawRowView(s))
	}
	for j := range p.PerTarget {
		p.PerTarget[j] = nanMean(mat.Col(nil, j, p.R))
	}
	p.Raw = nanMean(p.MedianPerSplit)
	return p, nil
}

// CeiledScore is a predictivity normalised by the noise ceiling.
type CeiledScore struct {
	// Current = raw²/ceiling: brainscore_vision
	// benchmark_helpers/neural_common.py explained_variance since commit
	// e376e306 (2026-01).
	Current float64
	// Legacy = (raw/ceiling)², the formula before that commit, behind
	// most published Brain-Score numbers.
	Legacy float64
	// PerTarget = mean_j (mean_s r_sj)² / ceiling_j, the cross-validated
	// form of Brain-Score's neuroid_wise_explained_var.
	PerTarget float64
}

// Ceiled normalises predictivity p by the split-half ceiling c.
func Ceiled(p *Predictivity, c *Consistency) (CeiledScore, error) {
	if len(p.PerTarget) != len(c.PerTarget) {
		return CeiledScore{}, fmt.Errorf("predictivity has %d targets, the ceiling %d", len(p.PerTarget), len(c.PerTarget))
	}
	s := CeiledScore{Current: p.Raw * p.Raw / c.Ceiling, Legacy: math.Pow(p.Raw/c.Ceiling, 2)}
	for j, r := range p.PerTarget {
		s.PerTarget += r * r / c.PerTarget[j]
	}
	s.PerTarget /= float64(len(p.PerTarget))
	return s, nil
}
