package encoding

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/job"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// DefaultAlphas returns the log grid np.logspace(lo, hi, num):
// α_k = 10^(lo + k·(hi−lo)/(num−1)), the last exponent exactly hi (as
// np.linspace).
func DefaultAlphas(lo, hi float64, num int) []float64 {
	if num <= 0 {
		return nil
	}
	if num == 1 {
		return []float64{math.Pow(10, lo)}
	}
	out := make([]float64, num)
	step := (hi - lo) / float64(num-1)
	for k := range out {
		e := float64(k)*step + lo
		if k == num-1 {
			e = hi
		}
		out[k] = math.Pow(10, e)
	}
	return out
}

// CVOptions are the options of RidgeCV and RidgeCVGram.
type CVOptions struct {
	// Alphas is the grid of penalties (each positive and finite),
	// usually a log grid in increasing order (DefaultAlphas). Required.
	Alphas []float64
	// K is the number of contiguous folds (KFold) when Folds is nil;
	// 0 means 5.
	K int
	// Folds, when given, replace the contiguous folds, e.g. GroupFolds
	// over runs or sessions. Their test sets must partition the rows.
	Folds []Fold
	// Form selects primal or kernel solving (Auto: primal when p ≤ n).
	Form Form
	// SkipRefit leaves Model nil (no fit on all rows).
	SkipRefit bool
	// SkipPredictions leaves Predictions nil (the scores are still
	// computed, from sums accumulated during the search).
	SkipPredictions bool
	// Fast scores the alpha grid with float32 matrix products (about
	// twice the speed on large problems), then re-scores in float64 every
	// target whose choice is not certain under a rounding bound (see the
	// package documentation). Chosen alphas, R², r, predictions and the
	// score at the chosen alpha are float64 results; the other grid
	// scores carry float32 rounding (about 1e-7 relative). It applies to
	// the stacked form only and is ignored otherwise.
	Fast bool
}

// CVResult is the outcome of a per-target ridge cross-validation.
type CVResult struct {
	// Alphas is the grid searched.
	Alphas []float64
	// Folds are the folds used.
	Folds []Fold
	// Form is the form actually used (Primal or Kernel).
	Form Form
	// AlphaIndex is, per target, the index of its chosen alpha in Alphas
	// (-1 for excluded targets); Alpha the chosen value (NaN).
	AlphaIndex []int
	Alpha      []float64
	// Scores holds the fold scores −MSE, Scores[(k·len(Alphas)+a)·T + j]
	// for fold k, alpha a, target j (see Score); NaN for excluded
	// targets.
	Scores []float64
	// MeanScore (len(Alphas) × T) is the unweighted mean of the fold
	// scores, without the tie-break slope: the data of the alpha
	// diagnostic (score against alpha per target).
	MeanScore *mat.Dense
	// R2 and R are the pooled out-of-fold R² and Pearson r; R2FoldMean
	// and RFoldMean their unweighted means over the test folds.
	R2, R2FoldMean, R, RFoldMean []float64
	// Ceiled is the ceiling-normalised score per target, set by Ceil
	// (nil until then).
	Ceiled []float64
	// Predictions (n × T) holds the out-of-fold predictions at each
	// target's alpha (NaN columns for excluded targets), nil with
	// SkipPredictions.
	Predictions *mat.Dense
	// Model is the refit on all rows at each target's alpha, nil with
	// SkipRefit.
	Model *Model
	// Excluded lists the targets left out because they hold NaN or
	// infinite values.
	Excluded []int
	// Rescored counts the targets re-scored in float64 in Fast mode.
	Rescored int
}

// Score returns the score −MSE of fold k, alpha index a, target j.
func (r *CVResult) Score(k, a, j int) float64 {
	t := len(r.AlphaIndex)
	return r.Scores[(k*len(r.Alphas)+a)*t+j]
}

// TargetResult summarises one target of a CVResult.
type TargetResult struct {
	Target     int
	Excluded   bool
	AlphaIndex int
	Alpha      float64
	R2, R      float64
	// Ceiled is the ceiling-normalised score (NaN when not set).
	Ceiled float64
}

// Target returns the summary of target j.
func (r *CVResult) Target(j int) TargetResult {
	tr := TargetResult{Target: j, AlphaIndex: r.AlphaIndex[j], Alpha: r.Alpha[j], R2: r.R2[j], R: r.R[j], Ceiled: math.NaN()}
	tr.Excluded = tr.AlphaIndex < 0
	if r.Ceiled != nil {
		tr.Ceiled = r.Ceiled[j]
	}
	return tr
}

// AlphaHistogram counts the targets that chose each alpha of the grid.
func (r *CVResult) AlphaHistogram() []int {
	h := make([]int, len(r.Alphas))
	for _, a := range r.AlphaIndex {
		if a >= 0 {
			h[a]++
		}
	}
	return h
}

// Ceil sets Ceiled_j = r_j² / ceiling_j, the per-target explained
// variance normalised by the split-half reliability (Brain-Score's
// neuroid-wise explained variance; see CeiledScores), and returns it.
func (r *CVResult) Ceil(ceiling []float64) ([]float64, error) {
	if len(ceiling) != len(r.R) {
		return nil, fmt.Errorf("%d ceilings for %d targets", len(ceiling), len(r.R))
	}
	r.Ceiled = make([]float64, len(r.R))
	for j, v := range r.R {
		r.Ceiled[j] = v * v / ceiling[j]
	}
	return r.Ceiled, nil
}

func (o *CVOptions) folds(n int) ([]Fold, error) {
	if o.Folds != nil {
		if err := checkFolds(o.Folds, n, 2); err != nil {
			return nil, err
		}
		return o.Folds, nil
	}
	k := o.K
	if k == 0 {
		k = 5
	}
	f, err := KFold(n, k)
	if err != nil {
		return nil, err
	}
	return f, checkFolds(f, n, 2)
}

func checkAlphas(alphas []float64) error {
	if len(alphas) == 0 {
		return fmt.Errorf("no alphas to search")
	}
	for _, a := range alphas {
		if !(a > 0) || math.IsInf(a, 0) {
			return fmt.Errorf("alpha %v must be positive and finite", a)
		}
	}
	return nil
}

// RidgeCV fits ridge regression from features X (n × p) to targets Y
// (n × t), choosing for every target its own alpha from opt.Alphas by
// K-fold cross-validation with himalaya's semantics (solve_ridge_cv_svd,
// solve_kernel_ridge_cv_eigenvalues; see the package documentation):
// per-fold centring, fold score −MSE, unweighted mean over folds plus
// 1e-10·ln α, first argmax. It reports out-of-fold predictions and
// scores at the chosen alphas and refits on all rows. Targets holding NaN
// or ±Inf are excluded (listed in Excluded, NaN results). Features must be
// finite. In the kernel form X is streamed in column blocks: only the
// n × n Gram matrix and the targets are held in memory.
func RidgeCV(ctx context.Context, X, Y data.Matrix, opt *CVOptions, rep *job.Reporter) (*CVResult, error) {
	if opt == nil {
		return nil, fmt.Errorf("no options: give at least the alphas")
	}
	n, p, _, err := checkXY(X, Y)
	if err != nil {
		return nil, err
	}
	if err := checkAlphas(opt.Alphas); err != nil {
		return nil, err
	}
	folds, err := opt.folds(n)
	if err != nil {
		return nil, err
	}
	pr := progress{rep}
	form := opt.Form.resolve(n, p)
	var src source
	var gram *gramStream
	var x []float64
	if form == Primal {
		pr.msg("reading features")
		xm, err := data.ReadAll(X)
		if err != nil {
			return nil, fmt.Errorf("read features: %w", err)
		}
		x = xm.RawMatrix().Data
		if bad := countNonFinite(x); bad > 0 {
			return nil, fmt.Errorf("features hold %d NaN or infinite values", bad)
		}
		src = &primalSource{x: x, n: n, p: p}
	} else {
		pr.msg("streaming the Gram matrix of %d × %d features", n, p)
		if gram, err = streamGram(ctx, X, true, rep); err != nil {
			return nil, err
		}
		if bad := countNonFinite(gram.k); bad > 0 {
			return nil, fmt.Errorf("features hold NaN or infinite values (the Gram matrix has %d non-finite entries)", bad)
		}
		src = &kernelSource{k: gram.k, n: n}
	}
	res, tg, best, err := runCV(ctx, src, Y, folds, opt, form, rep)
	if err != nil {
		return nil, err
	}
	if !opt.SkipRefit {
		pr.msg("refit on all %d stimuli", n)
		if res.Model, err = refit(ctx, tg, best, opt.Alphas, form, x, p, gram, X); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// RidgeCVGram is RidgeCV in the kernel form on a precomputed linear
// kernel K = X·Xᵀ of the n stimuli (LinearGram, or core/rdm.Gram with
// centre=false: any column centring of X gives the same results, since
// every fold re-centres K on its training rows; a centred Gram keeps more
// digits). The refit Model predicts through PredictGram.
func RidgeCVGram(ctx context.Context, K *mat.SymDense, Y data.Matrix, opt *CVOptions, rep *job.Reporter) (*CVResult, error) {
	if opt == nil {
		return nil, fmt.Errorf("no options: give at least the alphas")
	}
	if K == nil || Y == nil {
		return nil, fmt.Errorf("missing Gram matrix or targets")
	}
	n := K.SymmetricDim()
	ny, t := Y.Dims()
	if n != ny {
		return nil, fmt.Errorf("Gram matrix is %d × %d but targets have %d stimuli", n, n, ny)
	}
	if n < 1 || t < 1 {
		return nil, fmt.Errorf("need at least one stimulus and one target")
	}
	if err := checkAlphas(opt.Alphas); err != nil {
		return nil, err
	}
	folds, err := opt.folds(n)
	if err != nil {
		return nil, err
	}
	k := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			v := K.At(i, j)
			k[i*n+j], k[j*n+i] = v, v
		}
	}
	if bad := countNonFinite(k); bad > 0 {
		return nil, fmt.Errorf("Gram matrix holds %d NaN or infinite values", bad)
	}
	res, tg, best, err := runCV(ctx, &kernelSource{k: k, n: n}, Y, folds, opt, Kernel, rep)
	if err != nil {
		return nil, err
	}
	if !opt.SkipRefit {
		if res.Model, err = refit(ctx, tg, best, opt.Alphas, Kernel, nil, 0, &gramStream{n: n, k: k}, nil); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// cvTargets holds the kept (finite) targets, centred.
type cvTargets struct {
	y     []float64 // n × t kept columns, centred on the column means
	mean  []float64 // column means
	keep  []int     // original index of each kept column
	all   int       // number of targets in Y
	excl  []int
	n, t  int
	konst []bool // column constant
}

func readTargets(Y data.Matrix) (*cvTargets, error) {
	n, T := Y.Dims()
	ym, err := data.ReadAll(Y)
	if err != nil {
		return nil, fmt.Errorf("read targets: %w", err)
	}
	raw := ym.RawMatrix().Data
	bad := make([]bool, T)
	for i := 0; i < n; i++ {
		for j, v := range raw[i*T : (i+1)*T] {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				bad[j] = true
			}
		}
	}
	tg := &cvTargets{n: n, all: T}
	for j, b := range bad {
		if b {
			tg.excl = append(tg.excl, j)
		} else {
			tg.keep = append(tg.keep, j)
		}
	}
	t := len(tg.keep)
	tg.t = t
	if t == 0 {
		return nil, fmt.Errorf("all %d targets hold NaN or infinite values", T)
	}
	y := raw
	if t != T {
		y = make([]float64, n*t)
		for i := 0; i < n; i++ {
			src, dst := raw[i*T:(i+1)*T], y[i*t:(i+1)*t]
			for q, j := range tg.keep {
				dst[q] = src[j]
			}
		}
	}
	tg.mean = make([]float64, t)
	for i := 0; i < n; i++ {
		floats.Add(tg.mean, y[i*t:(i+1)*t])
	}
	floats.Scale(1/float64(n), tg.mean)
	tg.konst = make([]bool, t)
	for j := range tg.konst {
		tg.konst[j] = true
	}
	for i := 0; i < n; i++ {
		row := y[i*t : (i+1)*t]
		for j := range row {
			if row[j] != y[j] {
				tg.konst[j] = false
			}
			row[j] -= tg.mean[j]
		}
	}
	tg.y = y
	return tg, nil
}

// pipelineDecomp overlaps the decomposition of fold k+1 with the scoring
// of fold k.
var pipelineDecomp = true

func runCV(ctx context.Context, src source, Y data.Matrix, folds []Fold, opt *CVOptions, form Form, rep *job.Reporter) (*CVResult, *cvTargets, []int, error) {
	tg, err := readTargets(Y)
	if err != nil {
		return nil, nil, nil, err
	}
	n, t := tg.n, tg.t
	K, nA := len(folds), len(opt.Alphas)
	alphas := opt.Alphas
	e := newEngine(src, folds, alphas, tg.y, n, t, rep)
	pr := progress{rep}
	steps := K
	if !opt.SkipPredictions || opt.Fast {
		steps += K
	}
	pr.total(steps)

	sz := K * nA * t
	st := foldStats{sse: make([]float64, sz)}
	exactStats := !opt.Fast
	if exactStats {
		st.sp, st.spp, st.syp = make([]float64, sz), make([]float64, sz), make([]float64, sz)
	}
	ybars := make([][]float64, K)
	fast := false
	var fs *fastState
	// The decomposition of the next fold runs while this fold is scored
	// (its reduction to tridiagonal form is bound by memory bandwidth, the
	// scoring by arithmetic).
	type decompResult struct {
		d   *decomp
		err error
	}
	prefetch := func(k int) chan decompResult {
		if k >= K || !pipelineDecomp {
			return nil
		}
		ch := make(chan decompResult, 1)
		go func() {
			d, err := e.decomp(ctx, k)
			ch <- decompResult{d, err}
		}()
		return ch
	}
	next := prefetch(0)
	defer func() {
		if next != nil {
			<-next // let a running prefetch finish before returning
		}
	}()
	for k := range folds {
		pr.msg("fold %d of %d: decomposition", k+1, K)
		var dr decompResult
		if next != nil {
			dr = <-next
		} else {
			dr.d, dr.err = e.decomp(ctx, k)
		}
		next = prefetch(k + 1)
		if dr.err != nil {
			return nil, nil, nil, fmt.Errorf("fold %d: %w", k+1, dr.err)
		}
		d := dr.d
		var err error
		if ybars[k], err = colMeans(ctx, tg.y, t, d.train); err != nil {
			return nil, nil, nil, err
		}
		pr.msg("fold %d of %d: scoring %d alphas × %d targets", k+1, K, nA, t)
		off := k * nA * t
		fst := foldStats{sse: st.sse[off : off+nA*t]}
		if exactStats {
			fst.sp, fst.spp, fst.syp = st.sp[off:off+nA*t], st.spp[off:off+nA*t], st.syp[off:off+nA*t]
		}
		if opt.Fast && useStacked(d, nA, t) {
			if fs == nil {
				fs = newFastState(tg.y, n, t, K, nA)
			}
			fast = true
			if err := fs.scoreFold(ctx, e, k, d, ybars[k], fst.sse); err != nil {
				return nil, nil, nil, err
			}
		} else {
			if err := e.scoreFold(ctx, k, d, tg.y, t, ybars[k], fst); err != nil {
				return nil, nil, nil, err
			}
		}
		pr.add(1)
	}
	best, meanScore := selectBest(st.sse, folds, alphas, t)
	rescored := 0
	if fast {
		var err error
		if rescored, err = fs.recheck(ctx, e, st.sse, best, ybars); err != nil {
			return nil, nil, nil, err
		}
		best, meanScore = selectBest(st.sse, folds, alphas, t)
	}

	// Scores at the chosen alphas: from the exact sums, or from a float64
	// pass at the chosen alphas (which also gives the predictions).
	bst := foldStats{sse: make([]float64, K*t), sp: make([]float64, K*t), spp: make([]float64, K*t), syp: make([]float64, K*t)}
	var pred []float64
	if !opt.SkipPredictions {
		pred = make([]float64, n*t)
	}
	if !exactStats || pred != nil {
		fs = nil // the float32 targets are no longer needed
		g := groupTargets(tg.y, n, t, best, nA)
		var gpred []float64
		if pred != nil {
			gpred = make([]float64, n*t)
		}
		gst := foldStats{sse: make([]float64, t), sp: make([]float64, t), spp: make([]float64, t), syp: make([]float64, t)}
		gybar := make([]float64, t)
		for k := range folds {
			pr.msg("fold %d of %d: predictions at the chosen alphas", k+1, K)
			d, err := e.decomp(ctx, k)
			if err != nil {
				return nil, nil, nil, fmt.Errorf("fold %d: %w", k+1, err)
			}
			for q, j := range g.perm {
				gybar[q] = ybars[k][j]
			}
			for _, v := range [][]float64{gst.sse, gst.sp, gst.spp, gst.syp} {
				clear(v)
			}
			if err := e.predictFold(ctx, k, d, g, t, gybar, gst, gpred); err != nil {
				return nil, nil, nil, err
			}
			off := k * t
			for q, j := range g.perm {
				bst.sse[off+j], bst.sp[off+j], bst.spp[off+j], bst.syp[off+j] = gst.sse[q], gst.sp[q], gst.spp[q], gst.syp[q]
			}
			pr.add(1)
		}
		if pred != nil {
			for i := 0; i < n; i++ {
				src, dst := gpred[i*t:(i+1)*t], pred[i*t:(i+1)*t]
				for q, j := range g.perm {
					dst[j] = src[q]
				}
			}
		}
	}
	if exactStats {
		for k := range folds {
			for j, a := range best {
				src := (k*nA+a)*t + j
				bst.sse[k*t+j], bst.sp[k*t+j], bst.spp[k*t+j], bst.syp[k*t+j] = st.sse[src], st.sp[src], st.spp[src], st.syp[src]
			}
		}
	} else {
		// The float64 errors at the chosen alphas replace the float32 ones.
		for k := range folds {
			for j, a := range best {
				st.sse[(k*nA+a)*t+j] = bst.sse[k*t+j]
			}
		}
		_, meanScore = selectBest(st.sse, folds, alphas, t)
	}
	e.cache = nil

	res := newResult(tg, folds, alphas, form)
	res.Rescored = rescored
	res.fill(tg, st.sse, meanScore, best, bst, ybars, pred)
	return res, tg, best, nil
}

func newResult(tg *cvTargets, folds []Fold, alphas []float64, form Form) *CVResult {
	T := tg.all
	nan := func() []float64 {
		v := make([]float64, T)
		for j := range v {
			v[j] = math.NaN()
		}
		return v
	}
	r := &CVResult{Alphas: slices.Clone(alphas), Folds: folds, Form: form, Excluded: tg.excl,
		AlphaIndex: make([]int, T), Alpha: nan(), R2: nan(), R2FoldMean: nan(), R: nan(), RFoldMean: nan()}
	for j := range r.AlphaIndex {
		r.AlphaIndex[j] = -1
	}
	return r
}

// fill computes the result fields from the fold sums at the chosen alphas.
func (r *CVResult) fill(tg *cvTargets, sse, meanScore []float64, best []int, bst foldStats, ybars [][]float64, pred []float64) {
	n, t, T := tg.n, tg.t, tg.all
	K, nA := len(r.Folds), len(r.Alphas)
	r.Scores = make([]float64, K*nA*T)
	for i := range r.Scores {
		r.Scores[i] = math.NaN()
	}
	ms := make([]float64, nA*T)
	for i := range ms {
		ms[i] = math.NaN()
	}
	for k, f := range r.Folds {
		inv := 1 / float64(len(f.Test))
		for a := 0; a < nA; a++ {
			for q, j := range tg.keep {
				r.Scores[(k*nA+a)*T+j] = -sse[(k*nA+a)*t+q] * inv
			}
		}
	}
	for a := 0; a < nA; a++ {
		for q, j := range tg.keep {
			ms[a*T+j] = meanScore[a*t+q]
		}
	}
	r.MeanScore = mat.NewDense(nA, T, ms)
	y := tg.y
	for q, j := range tg.keep {
		r.AlphaIndex[j] = best[q]
		r.Alpha[j] = r.Alphas[best[q]]
		// Pooled: SStot around the mean of all n rows (y is centred on it).
		var sstot, sy float64
		for i := 0; i < n; i++ {
			v := y[i*t+q]
			sy += v
		}
		my := sy / float64(n)
		for i := 0; i < n; i++ {
			d := y[i*t+q] - my
			sstot += d * d
		}
		var sse, sh, shh, syh float64
		var r2f, rf float64
		for k, f := range r.Folds {
			nk := float64(len(f.Test))
			yb := ybars[k][q]
			e, sp, spp, syp := bst.sse[k*t+q], bst.sp[k*t+q], bst.spp[k*t+q], bst.syp[k*t+q]
			var fy float64
			fconst := true
			y0 := y[f.Test[0]*t+q]
			for _, i := range f.Test {
				v := y[i*t+q]
				fy += v
				if v != y0 {
					fconst = false
				}
			}
			fm := fy / nk
			var fss float64
			for _, i := range f.Test {
				d := y[i*t+q] - fm
				fss += d * d
			}
			sse += e
			sh += nk*yb + sp
			shh += nk*yb*yb + 2*yb*sp + spp
			syh += yb*fy + syp
			if fconst || fss == 0 {
				// r2 of this fold is 0 by convention
			} else {
				r2f += 1 - e/fss
			}
			cov := syp - fy*sp/nk
			vp := spp - sp*sp/nk
			if fconst || fss == 0 || !(vp > 0) {
				rf += math.NaN()
			} else {
				rf += cov / math.Sqrt(fss*vp)
			}
		}
		r.R2FoldMean[j] = r2f / float64(K)
		r.RFoldMean[j] = rf / float64(K)
		if tg.konst[q] || sstot == 0 {
			r.R2[j] = 0
			r.R[j] = math.NaN()
		} else {
			r.R2[j] = 1 - sse/sstot
			cov := syh - sy*sh/float64(n)
			vh := shh - sh*sh/float64(n)
			if vh > 0 {
				r.R[j] = cov / math.Sqrt(sstot*vh)
			} else {
				r.R[j] = math.NaN()
			}
		}
	}
	if pred != nil {
		out := make([]float64, n*T)
		for i := range out {
			out[i] = math.NaN()
		}
		for i := 0; i < n; i++ {
			for q, j := range tg.keep {
				out[i*T+j] = pred[i*t+q] + tg.mean[q]
			}
		}
		r.Predictions = mat.NewDense(n, T, out)
	}
}

// refit fits all rows at each kept target's chosen alpha and expands the
// model to every target (NaN columns for excluded ones).
func refit(ctx context.Context, tg *cvTargets, best []int, grid []float64, form Form, x []float64, p int, gram *gramStream, X data.Matrix) (*Model, error) {
	n, t := tg.n, tg.t
	al := make([]float64, t)
	for q, b := range best {
		al[q] = grid[b]
	}
	var m *Model
	var err error
	if form == Primal {
		if m, err = fitPrimal(ctx, x, n, p, tg.y, t, al, true); err != nil {
			return nil, err
		}
	} else {
		if m, err = fitKernel(ctx, gram.k, n, tg.y, t, al, true); err != nil {
			return nil, err
		}
		if X != nil {
			m.X, m.XMean = X, gram.xmean
			m.GramMean = nil
		}
		dual := m.Dual.RawMatrix().Data
		for q := 0; q < t; q++ {
			s := 0.0
			for i := 0; i < n; i++ {
				w := 0.0
				if X != nil {
					w = gram.v[i]
				} else {
					w = m.GramMean[i]
				}
				s += w * dual[i*t+q]
			}
			m.Intercept[q] = m.YMean[q] - s
		}
	}
	for q := range m.Intercept {
		m.Intercept[q] += tg.mean[q]
		m.YMean[q] += tg.mean[q]
	}
	if t == tg.all {
		return m, nil
	}
	// Expand to all targets.
	T := tg.all
	expandCols := func(d *mat.Dense) *mat.Dense {
		if d == nil {
			return nil
		}
		r, _ := d.Dims()
		out := mat.NewDense(r, T, nil)
		raw := out.RawMatrix().Data
		for i := range raw {
			raw[i] = math.NaN()
		}
		for i := 0; i < r; i++ {
			for q, j := range tg.keep {
				raw[i*T+j] = d.At(i, q)
			}
		}
		return out
	}
	expand := func(v []float64) []float64 {
		out := make([]float64, T)
		for j := range out {
			out[j] = math.NaN()
		}
		for q, j := range tg.keep {
			out[j] = v[q]
		}
		return out
	}
	m.Coef, m.Dual = expandCols(m.Coef), expandCols(m.Dual)
	m.Alpha, m.Intercept, m.YMean = expand(m.Alpha), expand(m.Intercept), expand(m.YMean)
	return m, nil
}
