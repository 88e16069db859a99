package rdm

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/job"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// Method names a dissimilarity measure, with rsatoolbox's names.
type Method string

// The dissimilarity measures of Calc and CalcUnbalanced.
const (
	MethodEuclidean   Method = "euclidean"
	MethodCorrelation Method = "correlation"
	MethodMahalanobis Method = "mahalanobis"
	MethodCrossnobis  Method = "crossnobis"
	MethodPoisson     Method = "poisson"
	MethodPoissonCV   Method = "poisson_cv"
)

// Methods lists every Method.
var Methods = []Method{MethodEuclidean, MethodCorrelation, MethodMahalanobis, MethodCrossnobis, MethodPoisson, MethodPoissonCV}

func (m Method) valid() bool {
	for _, v := range Methods {
		if m == v {
			return true
		}
	}
	return false
}

func (m Method) crossValidated() bool { return m == MethodCrossnobis || m == MethodPoissonCV }

// Prior is the prior of the Poisson measures: a count x becomes the rate
// q = (x + Lambda·Weight)/(1 + Weight).
type Prior struct{ Lambda, Weight float64 }

// DefaultPrior is rsatoolbox's prior_lambda = 1, prior_weight = 0.1.
var DefaultPrior = Prior{Lambda: 1, Weight: 0.1}

// Weighting selects how CalcUnbalanced weights pairs of observations.
type Weighting int

const (
	// WeightNumber weights each pair of observations by its number of
	// jointly finite channels (rsatoolbox weighting='number', the
	// default).
	WeightNumber Weighting = iota
	// WeightEqual gives each pair of observations the same weight
	// (rsatoolbox weighting='equal').
	WeightEqual
)

// Options configures Calc, CalcUnbalanced and CalcMovie. The zero value
// (with a Method) computes one RDM over the rows of the data.
type Options struct {
	// Method is the dissimilarity measure (required).
	Method Method
	// Conditions holds one label per observation (row): rows with equal
	// labels are averaged (Calc) or pooled (CalcUnbalanced) into one
	// condition. Calc orders the conditions by ascending label,
	// CalcUnbalanced by first appearance. nil: every row is its own
	// condition, in row order. Required by crossnobis and poisson_cv.
	Conditions []float64
	// Folds holds the cross-validation fold (run) of each row, for
	// crossnobis and poisson_cv. nil: Calc uses DefaultFolds;
	// CalcUnbalanced makes every observation its own fold.
	Folds []float64
	// Precision is the p × p noise precision P of mahalanobis and
	// crossnobis; nil means the identity.
	Precision mat.Matrix
	// FoldPrecisions gives crossnobis one p × p precision per fold, in
	// ascending order of the fold labels; it selects the pairwise-fold
	// estimator (see the package documentation). Calc only.
	FoldPrecisions []mat.Matrix
	// RemoveMean subtracts each pattern's mean over channels first.
	// It affects euclidean, mahalanobis and crossnobis; correlation
	// removes it anyway and the Poisson measures ignore it. Calc only.
	RemoveMean bool
	// Prior of poisson and poisson_cv; nil means DefaultPrior.
	Prior *Prior
	// Weighting of CalcUnbalanced (default WeightNumber).
	Weighting Weighting
	// Progress receives the number of columns processed; may be nil.
	Progress *job.Reporter
}

func (o *Options) prior() Prior {
	if o.Prior == nil {
		return DefaultPrior
	}
	return *o.Prior
}

// calc holds a validated Calc request.
type calc struct {
	x     data.Matrix
	nObs  int
	p     int
	opt   Options
	group *grouping
	folds *folding // crossnobis, poisson_cv
	prior Prior
	width int
}

func checkSquare(m mat.Matrix, p int, what string) error {
	if m == nil {
		return fmt.Errorf("%s is nil", what)
	}
	r, c := m.Dims()
	if r != p || c != p {
		return fmt.Errorf("%s is %d × %d; it must be p × p = %d × %d for data with %d channels", what, r, c, p, p, p)
	}
	for i := 0; i < p; i++ {
		for j := 0; j < p; j++ {
			if v := m.At(i, j); math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("%s has the non-finite value %v at (%d, %d)", what, v, i, j)
			}
		}
	}
	return nil
}

func checkPrior(pr Prior) error {
	if math.IsNaN(pr.Lambda) || math.IsInf(pr.Lambda, 0) || math.IsNaN(pr.Weight) || math.IsInf(pr.Weight, 0) {
		return fmt.Errorf("poisson prior (lambda %v, weight %v) must be finite", pr.Lambda, pr.Weight)
	}
	if pr.Weight < 0 || pr.Lambda < 0 {
		return fmt.Errorf("poisson prior (lambda %v, weight %v) must not be negative", pr.Lambda, pr.Weight)
	}
	return nil
}

func newCalc(x data.Matrix, opt Options) (*calc, error) {
	if x == nil {
		return nil, errors.New("no data")
	}
	if !opt.Method.valid() {
		return nil, fmt.Errorf("unknown dissimilarity method %q; use one of %v", opt.Method, Methods)
	}
	n, p := x.Dims()
	if p < 1 {
		return nil, fmt.Errorf("data have %d rows and no channels (columns)", n)
	}
	c := &calc{x: x, nObs: n, p: p, opt: opt, prior: opt.prior()}
	if opt.Conditions != nil {
		if err := checkLabels(opt.Conditions, n, "conditions"); err != nil {
			return nil, err
		}
		c.group = sortedGrouping(opt.Conditions)
	} else {
		if opt.Method.crossValidated() {
			return nil, fmt.Errorf("%s needs condition labels (Conditions): cross-validation averages repeated measurements of each condition", opt.Method)
		}
		c.group = identityGrouping(n)
	}
	if c.group.n() < 2 {
		return nil, fmt.Errorf("an RDM needs at least 2 conditions; the data have %d", c.group.n())
	}
	if opt.Folds != nil && !opt.Method.crossValidated() {
		return nil, fmt.Errorf("fold labels apply to crossnobis and poisson_cv, not %s", opt.Method)
	}
	if opt.Precision != nil && opt.Method != MethodMahalanobis && opt.Method != MethodCrossnobis {
		return nil, fmt.Errorf("a noise precision applies to mahalanobis and crossnobis, not %s", opt.Method)
	}
	if opt.Precision != nil {
		if err := checkSquare(opt.Precision, p, "noise precision"); err != nil {
			return nil, err
		}
	}
	if opt.FoldPrecisions != nil {
		if opt.Method != MethodCrossnobis {
			return nil, fmt.Errorf("per-fold precisions apply to crossnobis only, not %s", opt.Method)
		}
		if opt.Precision != nil {
			return nil, errors.New("give either one noise precision or one per fold, not both")
		}
	}
	if opt.Method == MethodPoisson || opt.Method == MethodPoissonCV {
		if err := checkPrior(c.prior); err != nil {
			return nil, err
		}
	}
	if opt.Method.crossValidated() {
		folds := opt.Folds
		if folds == nil {
			var err error
			if folds, err = DefaultFolds(opt.Conditions); err != nil {
				return nil, err
			}
		} else if err := checkLabels(folds, n, "folds"); err != nil {
			return nil, err
		}
		c.folds = sortedFolding(folds)
		if len(c.folds.values) < 2 {
			return nil, fmt.Errorf("%s needs at least 2 cross-validation folds; all rows are in fold %v", opt.Method, c.folds.values[0])
		}
		if opt.FoldPrecisions != nil {
			if len(opt.FoldPrecisions) != len(c.folds.values) {
				return nil, fmt.Errorf("%d per-fold precisions for %d folds; give one per fold in ascending fold order",
					len(opt.FoldPrecisions), len(c.folds.values))
			}
			for i, pm := range opt.FoldPrecisions {
				if err := checkSquare(pm, p, fmt.Sprintf("precision of fold %v", c.folds.values[i])); err != nil {
					return nil, err
				}
			}
		}
	}
	c.width = streamWidth(n, p)
	if opt.Precision != nil || opt.FoldPrecisions != nil {
		c.width = p // the precision mixes all channels: read the data whole
	}
	return c, nil
}

// Calc computes one RDM from the observations (rows) of x with the
// rsatoolbox definitions of rdm/calc.py::calc_rdm, described in the
// package documentation. Rows with equal Options.Conditions labels are
// averaged first and the RDM rows follow ascending label order
// (RDM.Labels). x is streamed in column blocks: the euclidean,
// correlation and Poisson measures, mahalanobis and crossnobis without a
// precision work on data larger than memory; a precision needs the data
// in memory.
//
// NaN values in x propagate: every dissimilarity of a pattern holding a
// NaN is NaN (use CalcUnbalanced for missing values), and a constant
// pattern has NaN correlation distances, as in rsatoolbox.
func Calc(ctx context.Context, x data.Matrix, opt Options) (*RDM, error) {
	c, err := newCalc(x, opt)
	if err != nil {
		return nil, err
	}
	if opt.Progress != nil {
		opt.Progress.SetTotal(c.p)
	}
	n := c.group.n()
	r := &RDM{N: n, Vec: make([]float64, Pairs(n)), Method: string(opt.Method), Labels: c.group.labels}
	switch {
	case opt.Method == MethodCorrelation:
		err = c.gramDistances(ctx, true, true, r.Vec)
	case opt.Method == MethodEuclidean || (opt.Method == MethodMahalanobis && opt.Precision == nil):
		err = c.gramDistances(ctx, opt.RemoveMean, false, r.Vec)
	case opt.Method == MethodMahalanobis:
		err = c.mahalanobis(ctx, r.Vec)
	case opt.Method == MethodPoisson:
		err = c.poisson(ctx, r.Vec)
	case opt.Method == MethodCrossnobis && opt.FoldPrecisions != nil:
		err = c.crossnobisFoldPrecisions(ctx, r.Vec)
	case opt.Method == MethodCrossnobis:
		err = c.crossnobis(ctx, r.Vec)
	case opt.Method == MethodPoissonCV:
		err = c.poissonCV(ctx, r.Vec)
	}
	if err != nil {
		return nil, err
	}
	return r, nil
}

// pass streams the data once, column-centring each block when colCentre
// is set and shifting rows with rc when it is not nil, and hands the
// prepared block to fn. If rc finds its one-pass correction inaccurate,
// reset is called and the data are streamed a second time with the exact
// row means.
func (c *calc) pass(ctx context.Context, colCentre bool, rc *rowCentring, reset func(), fn func(j0, j1 int, b *mat.Dense) error) error {
	var mean []float64
	var cnt []int
	if colCentre {
		mean = make([]float64, c.width)
		cnt = make([]int, c.width)
	}
	run := func() error {
		return stream(ctx, c.x, c.width, c.opt.Progress, func(j0, j1 int, b *mat.Dense) error {
			if colCentre {
				centreColumns(b, mean, cnt)
			}
			if rc != nil {
				rc.apply(j0, j1, b)
			}
			return fn(j0, j1, b)
		})
	}
	if err := run(); err != nil {
		return err
	}
	if rc == nil || rc.accurate() {
		return nil
	}
	if c.opt.Progress != nil {
		c.opt.Progress.SetTotal(2 * c.p)
	}
	reset()
	return run()
}

// means returns the condition means of the observation block b (the block
// itself when every row is a condition), using buf for storage.
func (c *calc) means(b *mat.Dense, buf []float64) *mat.Dense {
	g := c.group
	if g.identity() {
		return b
	}
	_, w := b.Dims()
	out := buf[:g.n()*w]
	clear(out)
	for a, k := range g.idx {
		dst := out[k*w : (k+1)*w]
		for j, v := range b.RawRowView(a) {
			dst[j] += v
		}
	}
	for k, cnt := range g.counts {
		inv := 1 / float64(cnt)
		dst := out[k*w : (k+1)*w]
		for j := range dst {
			dst[j] *= inv
		}
	}
	return mat.NewDense(g.n(), w, out)
}

// condMeansOf returns the mean of the per-observation values v over each
// condition.
func (c *calc) condMeansOf(v []float64) []float64 {
	g := c.group
	out := make([]float64, g.n())
	for a, k := range g.idx {
		out[k] += v[a]
	}
	for k, cnt := range g.counts {
		out[k] /= float64(cnt)
	}
	return out
}

// gramDistances accumulates G = M·Mᵀ of the condition means M and turns
// it into correlation distances (corr) or squared euclidean distances / p,
// removing row means first when centre is set.
func (c *calc) gramDistances(ctx context.Context, centre, corr bool, vec []float64) error {
	n := c.group.n()
	g := mat.NewSymDense(n, nil)
	var rc *rowCentring
	if centre {
		rc = newRowCentring(c.nObs, c.p)
	}
	var buf []float64
	if !c.group.identity() {
		buf = make([]float64, n*c.width)
	}
	reset := func() { g.Zero() }
	err := c.pass(ctx, !corr, rc, reset, func(j0, j1 int, b *mat.Dense) error {
		g.SymRankK(g, 1, c.means(b, buf))
		return nil
	})
	if err != nil {
		return err
	}
	gd := g.RawSymmetric().Data
	if centre {
		// G − (M1)(M1)ᵀ/p, with M1 the condition means of the row sums.
		s := c.condMeansOf(rc.sum)
		if c.group.identity() {
			s = rc.sum
		}
		inv := 1 / float64(c.p)
		for i := 0; i < n; i++ {
			for j := i; j < n; j++ {
				gd[i*n+j] -= s[i] * s[j] * inv
			}
		}
		if corr {
			// A constant pattern has no variance: make it exactly 0 so
			// that its distances are NaN.
			for k, cst := range c.constantConditions(rc) {
				if cst {
					gd[k*n+k] = 0
				}
			}
		}
	}
	if corr {
		correlationFromGram(n, gd, vec)
		return nil
	}
	inv := 1 / float64(c.p)
	idx := 0
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			vec[idx] = max(gd[i*n+i]+gd[j*n+j]-2*gd[i*n+j], 0) * inv
			idx++
		}
	}
	return nil
}

// constantConditions reports the conditions all of whose observations are
// constant rows.
func (c *calc) constantConditions(rc *rowCentring) []bool {
	out := make([]bool, c.group.n())
	for k := range out {
		out[k] = true
	}
	for a, k := range c.group.idx {
		if !rc.constant[a] {
			out[k] = false
		}
	}
	return out
}

// full reads the data whole (one block), with exact row centring when
// RemoveMean is set, and returns the prepared observations.
func (c *calc) full(ctx context.Context, colCentre bool) (*mat.Dense, error) {
	var x *mat.Dense
	var rc *rowCentring
	if c.opt.RemoveMean {
		rc = newRowCentring(c.nObs, c.p)
	}
	err := c.pass(ctx, colCentre, rc, func() {}, func(_, _ int, b *mat.Dense) error {
		x = b
		return nil
	})
	return x, err
}

// mahalanobis computes d_ij = (m_i − m_j)ᵀ P (m_i − m_j)/p from the kernel
// K = M P Mᵀ as K_ii + K_jj − 2K_ij (rsatoolbox calc_rdm_mahalanobis).
func (c *calc) mahalanobis(ctx context.Context, vec []float64) error {
	x, err := c.full(ctx, true)
	if err != nil {
		return err
	}
	n := c.group.n()
	m := c.means(x, make([]float64, n*c.p))
	var mp, k mat.Dense
	mp.Mul(m, c.opt.Precision)
	k.Mul(&mp, m.T())
	kd := k.RawMatrix().Data
	inv := 1 / float64(c.p)
	idx := 0
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			vec[idx] = (kd[i*n+i] + kd[j*n+j] - 2*kd[i*n+j]) * inv
			idx++
		}
	}
	return nil
}

// poissonRates applies the prior, q = (x + λw)/(1 + w), in place and,
// unless lg is nil, fills lg with log q and returns it as a matrix. A rate
// ≤ 0 (a negative count) is an error; NaN stays NaN.
func (c *calc) poissonRates(j0 int, q *mat.Dense, lg []float64) (*mat.Dense, error) {
	r, w := q.Dims()
	add := c.prior.Lambda * c.prior.Weight
	div := 1 + c.prior.Weight
	for i := 0; i < r; i++ {
		row := q.RawRowView(i)
		for j, v := range row {
			v = (v + add) / div
			if !(v > 0) && !math.IsNaN(v) {
				return nil, fmt.Errorf("%s: condition %s, channel %d has the rate %v after the prior; "+
					"the Poisson measures need non-negative counts and a positive prior",
					c.opt.Method, condName(c.group, i), j0+j, v)
			}
			row[j] = v
			if lg != nil {
				lg[i*w+j] = math.Log(v)
			}
		}
	}
	if lg == nil {
		return nil, nil
	}
	return mat.NewDense(r, w, lg[:r*w]), nil
}

// gemmAdd computes k += a·bᵀ for row-major a (r × w), b (r × w).
func gemmAdd(k []float64, a, b *mat.Dense) {
	ar, w := a.Dims()
	br, _ := b.Dims()
	ra, rb := a.RawMatrix(), b.RawMatrix()
	blas64.Gemm(blas.NoTrans, blas.Trans, 1,
		blas64.General{Rows: ar, Cols: w, Stride: ra.Stride, Data: ra.Data},
		blas64.General{Rows: br, Cols: w, Stride: rb.Stride, Data: rb.Data},
		1, blas64.General{Rows: ar, Cols: br, Stride: br, Data: k})
}

// poisson computes d_ij = (q_i − q_j)·(log q_i − log q_j)/p from K = Q·log(Q)ᵀ
// (rsatoolbox calc_rdm_poisson).
func (c *calc) poisson(ctx context.Context, vec []float64) error {
	n := c.group.n()
	k := make([]float64, n*n)
	qbuf := make([]float64, n*c.width)
	lbuf := make([]float64, n*c.width)
	err := c.pass(ctx, false, nil, nil, func(j0, j1 int, b *mat.Dense) error {
		m := c.means(b, qbuf)
		l, err := c.poissonRates(j0, m, lbuf)
		if err != nil {
			return err
		}
		gemmAdd(k, m, l)
		return nil
	})
	if err != nil {
		return err
	}
	fromKernel(n, k, false, 1/float64(c.p), vec)
	return nil
}

// foldSums holds, for one column block, the sum of the observations of
// each (fold, condition) cell and of each condition over all folds.
type foldSums struct {
	nf, nc, w int
	cell      []float64 // (f·nc + k)·w + j
	total     []float64 // k·w + j
	counts    [][]int
	totals    []int
}

func (c *calc) newFoldSums(counts [][]int) *foldSums {
	nf, nc := len(c.folds.values), c.group.n()
	fs := &foldSums{nf: nf, nc: nc, counts: counts, totals: make([]int, nc),
		cell: make([]float64, nf*nc*c.width), total: make([]float64, nc*c.width)}
	for _, row := range counts {
		for k, v := range row {
			fs.totals[k] += v
		}
	}
	return fs
}

func (fs *foldSums) add(c *calc, b *mat.Dense) {
	_, w := b.Dims()
	fs.w = w
	cell := fs.cell[:fs.nf*fs.nc*w]
	clear(cell)
	tot := fs.total[:fs.nc*w]
	clear(tot)
	for a, k := range c.group.idx {
		f := c.folds.idx[a]
		dst := cell[(f*fs.nc+k)*w : (f*fs.nc+k+1)*w]
		for j, v := range b.RawRowView(a) {
			dst[j] += v
		}
	}
	for f := 0; f < fs.nf; f++ {
		for k := 0; k < fs.nc; k++ {
			src := cell[(f*fs.nc+k)*w : (f*fs.nc+k+1)*w]
			dst := tot[k*w : (k+1)*w]
			for j, v := range src {
				dst[j] += v
			}
		}
	}
}

// test fills dst (nc × w) with the condition means within fold f.
func (fs *foldSums) test(f int, dst []float64) *mat.Dense {
	w := fs.w
	dst = dst[:fs.nc*w]
	for k := 0; k < fs.nc; k++ {
		inv := 1 / float64(fs.counts[f][k])
		src := fs.cell[(f*fs.nc+k)*w : (f*fs.nc+k+1)*w]
		d := dst[k*w : (k+1)*w]
		for j, v := range src {
			d[j] = v * inv
		}
	}
	return mat.NewDense(fs.nc, w, dst)
}

// train fills dst (nc × w) with the condition means over all folds but f,
// pooled (not an average of per-fold means).
func (fs *foldSums) train(f int, dst []float64) *mat.Dense {
	w := fs.w
	dst = dst[:fs.nc*w]
	for k := 0; k < fs.nc; k++ {
		inv := 1 / float64(fs.totals[k]-fs.counts[f][k])
		src := fs.cell[(f*fs.nc+k)*w : (f*fs.nc+k+1)*w]
		tot := fs.total[k*w : (k+1)*w]
		d := dst[k*w : (k+1)*w]
		for j, v := range src {
			d[j] = (tot[j] - v) * inv
		}
	}
	return mat.NewDense(fs.nc, w, dst)
}

// foldMeansOf averages the per-observation values v over the test
// observations (fold f) or the training observations (all other folds) of
// each condition.
func (c *calc) foldMeansOf(v []float64, f int, test bool) []float64 {
	nc := c.group.n()
	out := make([]float64, nc)
	cnt := make([]int, nc)
	for a, k := range c.group.idx {
		if (c.folds.idx[a] == f) == test {
			out[k] += v[a]
			cnt[k]++
		}
	}
	for k := range out {
		out[k] /= float64(cnt[k])
	}
	return out
}

// crossnobis computes, for each fold f, K_f = S_f P T_fᵀ with T_f the
// condition means of fold f and S_f those of all other rows, and averages
// d_f(i,j) = (K_ii + K_jj − K_ij − K_ji)/p over folds (rsatoolbox
// calc_rdm_crossnobis).
func (c *calc) crossnobis(ctx context.Context, vec []float64) error {
	counts, err := foldCounts(c.group, c.folds)
	if err != nil {
		return err
	}
	n, nf := c.group.n(), len(c.folds.values)
	ks := make([][]float64, nf)
	for f := range ks {
		ks[f] = make([]float64, n*n)
	}
	fs := c.newFoldSums(counts)
	sbuf := make([]float64, n*c.width)
	tbuf := make([]float64, n*c.width)
	var rc *rowCentring
	if c.opt.RemoveMean {
		rc = newRowCentring(c.nObs, c.p)
	}
	prec := c.opt.Precision
	var sp mat.Dense
	reset := func() {
		for _, k := range ks {
			clear(k)
		}
	}
	err = c.pass(ctx, true, rc, reset, func(j0, j1 int, b *mat.Dense) error {
		fs.add(c, b)
		for f := 0; f < nf; f++ {
			s := fs.train(f, sbuf)
			t := fs.test(f, tbuf)
			if prec != nil {
				sp.Reset()
				sp.Mul(s, prec)
				s = &sp
			}
			gemmAdd(ks[f], s, t)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if rc != nil && !rc.exact {
		// Streamed with the identity precision: remove the row means of
		// S and T through K − (S1)(T1)ᵀ/p.
		inv := 1 / float64(c.p)
		for f := 0; f < nf; f++ {
			ss := c.foldMeansOf(rc.sum, f, false)
			ts := c.foldMeansOf(rc.sum, f, true)
			for i := 0; i < n; i++ {
				for j := 0; j < n; j++ {
					ks[f][i*n+j] -= ss[i] * ts[j] * inv
				}
			}
		}
	}
	tmp := make([]float64, len(vec))
	for f := 0; f < nf; f++ {
		fromKernel(n, ks[f], false, 1/float64(c.p), tmp)
		for i, v := range tmp {
			vec[i] += v
		}
	}
	for i := range vec {
		vec[i] /= float64(nf)
	}
	return nil
}

// invert returns the inverse of the square matrix m.
func invert(m mat.Matrix, what string) (*mat.Dense, error) {
	var inv mat.Dense
	if err := inv.Inverse(m); err != nil {
		var ce mat.Condition
		if errors.As(err, &ce) && !math.IsInf(float64(ce), 1) {
			return &inv, nil // ill-conditioned but invertible, as np.linalg.inv
		}
		return nil, fmt.Errorf("%s is singular and cannot be inverted", what)
	}
	return &inv, nil
}

// crossnobisFoldPrecisions uses one precision per fold: for folds a < b,
// K = U_a P_ab U_bᵀ with U_f the condition means of fold f and
// P_ab = inv((inv(P_a) + inv(P_b))/2); d is the mean over fold pairs of
// (K_ii + K_jj − K_ij − K_ji)/p.
func (c *calc) crossnobisFoldPrecisions(ctx context.Context, vec []float64) error {
	counts, err := foldCounts(c.group, c.folds)
	if err != nil {
		return err
	}
	x, err := c.full(ctx, true)
	if err != nil {
		return err
	}
	n, nf := c.group.n(), len(c.folds.values)
	fs := c.newFoldSums(counts)
	fs.add(c, x)
	u := make([]*mat.Dense, nf)
	covs := make([]*mat.Dense, nf)
	for f := 0; f < nf; f++ {
		u[f] = fs.test(f, make([]float64, n*c.p))
		if covs[f], err = invert(c.opt.FoldPrecisions[f], fmt.Sprintf("precision of fold %v", c.folds.values[f])); err != nil {
			return err
		}
	}
	k := make([]float64, n*n)
	tmp := make([]float64, len(vec))
	pairs := 0
	for a := 0; a < nf; a++ {
		for b := a + 1; b < nf; b++ {
			if err := ctx.Err(); err != nil {
				return err
			}
			var avg mat.Dense
			avg.Add(covs[a], covs[b])
			avg.Scale(0.5, &avg)
			pab, err := invert(&avg, fmt.Sprintf("the mean noise covariance of folds %v and %v", c.folds.values[a], c.folds.values[b]))
			if err != nil {
				return err
			}
			var up mat.Dense
			up.Mul(u[a], pab)
			clear(k)
			gemmAdd(k, &up, u[b])
			fromKernel(n, k, false, 1/float64(c.p), tmp)
			for i, v := range tmp {
				vec[i] += v
			}
			pairs++
		}
	}
	for i := range vec {
		vec[i] /= float64(pairs)
	}
	return nil
}

// poissonCV follows rsatoolbox calc_rdm_poisson_cv, whose loop over folds
// keeps only the last one: with t the prior-transformed condition means of
// the last fold and s those of all other rows, K = s·log(t)ᵀ and
// d_ij = (K_ii + K_jj − K_ij − K_ji)/p = (s_i − s_j)·(log t_i − log t_j)/p.
func (c *calc) poissonCV(ctx context.Context, vec []float64) error {
	counts, err := foldCounts(c.group, c.folds)
	if err != nil {
		return err
	}
	n := c.group.n()
	last := len(c.folds.values) - 1
	k := make([]float64, n*n)
	fs := c.newFoldSums(counts)
	sbuf := make([]float64, n*c.width)
	tbuf := make([]float64, n*c.width)
	lbuf := make([]float64, n*c.width)
	err = c.pass(ctx, false, nil, nil, func(j0, j1 int, b *mat.Dense) error {
		fs.add(c, b)
		s := fs.train(last, sbuf)
		if _, err := c.poissonRates(j0, s, nil); err != nil {
			return err
		}
		t := fs.test(last, tbuf)
		lt, err := c.poissonRates(j0, t, lbuf)
		if err != nil {
			return err
		}
		gemmAdd(k, s, lt)
		return nil
	})
	if err != nil {
		return err
	}
	fromKernel(n, k, false, 1/float64(c.p), vec)
	return nil
}
