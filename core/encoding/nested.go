package encoding

import (
	"context"
	"fmt"
	"math"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/job"
	"gonum.org/v1/gonum/mat"
)

// NestedOptions are the options of NestedRidgeCV.
type NestedOptions struct {
	// Alphas is the grid searched inside every outer fold. Required.
	Alphas []float64
	// KOuter and KInner are the numbers of contiguous outer and inner
	// folds (0 means 5). OuterFolds, when given, replace the outer folds.
	KOuter, KInner int
	OuterFolds     []Fold
	// Form selects primal or kernel solving (Auto: primal when p ≤ n).
	Form Form
}

// NestedResult is the outcome of NestedRidgeCV.
type NestedResult struct {
	Alphas []float64
	Folds  []Fold // outer folds
	// Alpha (outer folds × T) holds the alpha chosen by the inner search
	// of each outer fold for each target (NaN for excluded targets).
	Alpha *mat.Dense
	// Predictions (n × T) are the outer held-out predictions.
	Predictions *mat.Dense
	// Pooled and fold-mean R² and Pearson r of Predictions, as CVResult.
	R2, R2FoldMean, R, RFoldMean []float64
	Excluded                     []int
}

// NestedRidgeCV gives unbiased held-out scores for per-target ridge: for
// each outer fold it runs RidgeCV (inner contiguous KInner folds over the
// outer training rows, kept in their original order and renumbered) to
// choose each target's alpha, refits on the whole outer training set and
// predicts the outer test rows. Scores follow CVResult on the outer
// predictions. In the kernel form the Gram matrix of all rows is streamed
// once and every outer fold works on its sub-blocks.
func NestedRidgeCV(ctx context.Context, X, Y data.Matrix, opt *NestedOptions, rep *job.Reporter) (*NestedResult, error) {
	if opt == nil {
		return nil, fmt.Errorf("no options: give at least the alphas")
	}
	n, p, T, err := checkXY(X, Y)
	if err != nil {
		return nil, err
	}
	if err := checkAlphas(opt.Alphas); err != nil {
		return nil, err
	}
	outer := opt.OuterFolds
	if outer == nil {
		ko := opt.KOuter
		if ko == 0 {
			ko = 5
		}
		if outer, err = KFold(n, ko); err != nil {
			return nil, err
		}
	}
	if err := checkFolds(outer, n, 2); err != nil {
		return nil, err
	}
	ki := opt.KInner
	if ki == 0 {
		ki = 5
	}
	tg, err := readTargets(Y)
	if err != nil {
		return nil, err
	}
	t := tg.t
	y := mat.NewDense(n, t, tg.y) // centred kept targets
	form := opt.Form.resolve(n, p)
	var x *mat.Dense
	var gram *gramStream
	if form == Primal {
		if x, err = data.ReadAll(X); err != nil {
			return nil, fmt.Errorf("read features: %w", err)
		}
		if bad := countNonFinite(x.RawMatrix().Data); bad > 0 {
			return nil, fmt.Errorf("features hold %d NaN or infinite values", bad)
		}
	} else {
		if gram, err = streamGram(ctx, X, true, nil); err != nil {
			return nil, err
		}
	}
	pred := make([]float64, n*t)
	chosen := mat.NewDense(len(outer), T, nil)
	for i := range chosen.RawMatrix().Data {
		chosen.RawMatrix().Data[i] = math.NaN()
	}
	pr := progress{rep}
	pr.total(len(outer))
	for k, f := range outer {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if len(f.Train) < ki {
			return nil, fmt.Errorf("outer fold %d trains on %d stimuli, fewer than the %d inner folds", k+1, len(f.Train), ki)
		}
		pr.msg("outer fold %d of %d", k+1, len(outer))
		inner := &CVOptions{Alphas: opt.Alphas, K: ki, SkipPredictions: true}
		ytr := data.Dense{M: rowsOf(y, f.Train)}
		var res *CVResult
		var pte *mat.Dense
		if form == Primal {
			inner.Form = Primal
			if res, err = RidgeCV(ctx, data.Dense{M: rowsOf(x, f.Train)}, ytr, inner, nil); err != nil {
				return nil, fmt.Errorf("outer fold %d: %w", k+1, err)
			}
			if pte, err = res.Model.Predict(ctx, data.Dense{M: rowsOf(x, f.Test)}); err != nil {
				return nil, err
			}
		} else {
			ktr := mat.NewSymDense(len(f.Train), nil)
			for a, i := range f.Train {
				for b := a; b < len(f.Train); b++ {
					ktr.SetSym(a, b, gram.k[i*n+f.Train[b]])
				}
			}
			if res, err = RidgeCVGram(ctx, ktr, ytr, inner, nil); err != nil {
				return nil, fmt.Errorf("outer fold %d: %w", k+1, err)
			}
			kte := mat.NewDense(len(f.Test), len(f.Train), nil)
			for a, i := range f.Test {
				for b, j := range f.Train {
					kte.Set(a, b, gram.k[i*n+j])
				}
			}
			if pte, err = res.Model.PredictGram(kte); err != nil {
				return nil, err
			}
		}
		for a, i := range f.Test {
			copy(pred[i*t:(i+1)*t], pte.RawRowView(a))
		}
		for q, j := range tg.keep {
			chosen.Set(k, j, res.Alpha[q])
		}
		pr.add(1)
	}
	pm := mat.NewDense(n, t, pred)
	out := &NestedResult{Alphas: append([]float64(nil), opt.Alphas...), Folds: outer, Alpha: chosen, Excluded: tg.excl}
	if err := scorePredictions(y, pm, outer, tg, &out.R2, &out.R2FoldMean, &out.R, &out.RFoldMean); err != nil {
		return nil, err
	}
	full := mat.NewDense(n, T, nil)
	fr := full.RawMatrix().Data
	for i := range fr {
		fr[i] = math.NaN()
	}
	for i := 0; i < n; i++ {
		for q, j := range tg.keep {
			fr[i*T+j] = pred[i*t+q] + tg.mean[q]
		}
	}
	out.Predictions = full
	return out, nil
}

// rowsOf returns the rows idx of m as a new matrix.
func rowsOf(m *mat.Dense, idx []int) *mat.Dense {
	_, c := m.Dims()
	out := mat.NewDense(len(idx), c, nil)
	for a, i := range idx {
		copy(out.RawRowView(a), m.RawRowView(i))
	}
	return out
}

// scorePredictions computes pooled and fold-mean R² and Pearson r of
// predictions for the kept targets and spreads them over all targets.
func scorePredictions(y, pred *mat.Dense, folds []Fold, tg *cvTargets, r2, r2f, r, rf *[]float64) error {
	T := tg.all
	nan := func() []float64 {
		v := make([]float64, T)
		for j := range v {
			v[j] = math.NaN()
		}
		return v
	}
	*r2, *r2f, *r, *rf = nan(), nan(), nan(), nan()
	a, err := R2(y, pred)
	if err != nil {
		return err
	}
	b, err := Pearson(y, pred)
	if err != nil {
		return err
	}
	t := tg.t
	af, bf := make([]float64, t), make([]float64, t)
	for _, f := range folds {
		yf, pf := rowsOf(y, f.Test), rowsOf(pred, f.Test)
		x1, _ := R2(yf, pf)
		x2, _ := Pearson(yf, pf)
		for q := 0; q < t; q++ {
			af[q] += x1[q] / float64(len(folds))
			bf[q] += x2[q] / float64(len(folds))
		}
	}
	for q, j := range tg.keep {
		if tg.konst[q] {
			a[q], b[q] = 0, math.NaN()
		}
		(*r2)[j], (*r)[j], (*r2f)[j], (*rf)[j] = a[q], b[q], af[q], bf[q]
	}
	return nil
}
