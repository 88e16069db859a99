package rdm

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/alignscope/alignscope/core/data"
	"gonum.org/v1/gonum/mat"
)

// CalcUnbalanced computes one RDM from individual observations with the
// rsatoolbox definitions of rdm/calc_unbalanced.py::calc_rdm_unbalanced
// (cengine/similarity.pyx::calc), which tolerate NaN values and unequal
// numbers of observations per condition. The conditions follow the order
// in which their labels first appear (RDM.Labels); without labels every
// row is a condition.
//
// For every pair of observations a < b — skipping pairs in the same fold
// when cross-validating, i.e. when Folds are given or the method is
// crossnobis or poisson_cv (each observation then being its own fold
// unless Folds say otherwise) — a similarity s(a,b) and a weight w(a,b) >
// 0 are added to the cell {k(a), k(b)}; without cross-validation every
// observation also adds s(a,a)/2 and w(a,a)/2 to its own cell. The cell
// value is S_kl = Σs/Σw (NaN for a cell without weight) and
// d_kl = S_kk + S_ll − 2S_kl. With WeightEqual every pair adds s/w and 1.
// The similarities, over the channels where both observations are finite:
//
//	euclidean    s = Σ x_a·x_b,  w = number of those channels
//	correlation  s = r·p/2 with r = (Σxy − ΣxΣy/p)/√((Σx² − (Σx)²/p)(Σy² − (Σy)²/p)),
//	             p the total channel count, r = 1 if Σx² or Σy² is 0
//	mahalanobis, crossnobis
//	             s = x_aᵀ P x_b (P restricted to those channels), w = p;
//	             without P as euclidean
//	poisson, poisson_cv
//	             s = Σ (q_b − q_a)(log q_a − log q_b)/2 on prior-transformed
//	             rates q, w = number of those channels
//
// An observation without any finite value is an error (rsatoolbox would
// add its self term s(a,a)/2 with zero weight, biasing its condition).
// RemoveMean and FoldPrecisions are not supported. The data are read
// whole.
func CalcUnbalanced(ctx context.Context, x data.Matrix, opt Options) (*RDM, error) {
	if x == nil {
		return nil, errors.New("no data")
	}
	if !opt.Method.valid() {
		return nil, fmt.Errorf("unknown dissimilarity method %q; use one of %v", opt.Method, Methods)
	}
	if opt.RemoveMean {
		return nil, errors.New("RemoveMean is not supported for unbalanced data; remove the means before")
	}
	if opt.FoldPrecisions != nil {
		return nil, errors.New("per-fold precisions are not supported for unbalanced data; give one precision")
	}
	if opt.Weighting != WeightNumber && opt.Weighting != WeightEqual {
		return nil, fmt.Errorf("unknown weighting %d", opt.Weighting)
	}
	nObs, p := x.Dims()
	if p < 1 {
		return nil, fmt.Errorf("data have %d rows and no channels (columns)", nObs)
	}
	var g *grouping
	if opt.Conditions != nil {
		if err := checkLabels(opt.Conditions, nObs, "conditions"); err != nil {
			return nil, err
		}
		g = firstAppearanceGrouping(opt.Conditions)
	} else {
		g = identityGrouping(nObs)
	}
	nc := g.n()
	if nc < 2 {
		return nil, fmt.Errorf("an RDM needs at least 2 conditions; the data have %d", nc)
	}
	var fold []int
	if opt.Folds != nil {
		if err := checkLabels(opt.Folds, nObs, "folds"); err != nil {
			return nil, err
		}
		fold = sortedFolding(opt.Folds).idx
	} else if opt.Method.crossValidated() {
		fold = make([]int, nObs)
		for a := range fold {
			fold[a] = a
		}
	}
	prec := opt.Precision
	if prec != nil {
		if opt.Method != MethodMahalanobis && opt.Method != MethodCrossnobis {
			return nil, fmt.Errorf("a noise precision applies to mahalanobis and crossnobis, not %s", opt.Method)
		}
		if err := checkSquare(prec, p, "noise precision"); err != nil {
			return nil, err
		}
	}
	if opt.Progress != nil {
		opt.Progress.SetTotal(nObs)
	}
	xd, err := data.ReadAll(x)
	if err != nil {
		return nil, err
	}
	u := &unbal{x: xd, n: nObs, p: p, method: opt.Method}
	switch opt.Method {
	case MethodPoisson, MethodPoissonCV:
		pr := opt.prior()
		if err := checkPrior(pr); err != nil {
			return nil, err
		}
		if err := u.poissonRates(pr); err != nil {
			return nil, err
		}
	case MethodMahalanobis, MethodCrossnobis:
		if prec != nil {
			u.prec = mat.DenseCopyOf(prec)
		} else {
			u.method = MethodEuclidean
		}
	}
	if err := u.prepare(); err != nil {
		return nil, err
	}

	values := make([]float64, nc*nc) // symmetric cells, row-major
	weights := make([]float64, nc*nc)
	add := func(k, l int, s, w float64, self bool) {
		if opt.Weighting == WeightEqual {
			s, w = s/w, 1
		}
		if self {
			s, w = s/2, w/2
		}
		values[k*nc+l] += s
		weights[k*nc+l] += w
		if k != l {
			values[l*nc+k] += s
			weights[l*nc+k] += w
		}
	}
	for a := 0; a < nObs; a++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		ka := g.idx[a]
		if fold == nil {
			s, w := u.sim(a, a)
			add(ka, ka, s, w, true)
		}
		for b := a + 1; b < nObs; b++ {
			if fold != nil && fold[a] == fold[b] {
				continue
			}
			if s, w := u.sim(a, b); w > 0 {
				add(ka, g.idx[b], s, w, false)
			}
		}
		if opt.Progress != nil {
			opt.Progress.Add(1)
		}
	}
	for i := range values {
		if weights[i] > 0 {
			values[i] /= weights[i]
		} else {
			values[i] = math.NaN()
		}
	}
	r := &RDM{N: nc, Vec: make([]float64, Pairs(nc)), Method: string(opt.Method), Labels: g.labels}
	idx := 0
	for k := 0; k < nc; k++ {
		for l := k + 1; l < nc; l++ {
			r.Vec[idx] = values[k*nc+k] + values[l*nc+l] - 2*values[k*nc+l]
			idx++
		}
	}
	return r, nil
}

// unbal computes the per-observation similarities of CalcUnbalanced.
// Pairs of fully finite observations use kernels computed with BLAS;
// pairs involving NaNs are summed channel by channel.
type unbal struct {
	x      *mat.Dense // observations (Poisson: rates q)
	logx   *mat.Dense // log q (Poisson)
	prec   *mat.Dense
	n, p   int
	method Method
	finite []bool    // row without NaN
	k      []float64 // kernel for finite rows, n × n
	rsum   []float64 // row sums (correlation)
	rss    []float64 // row sums of squares (correlation)
}

func (u *unbal) poissonRates(pr Prior) error {
	add, div := pr.Lambda*pr.Weight, 1+pr.Weight
	u.logx = mat.NewDense(u.n, u.p, nil)
	for a := 0; a < u.n; a++ {
		row := u.x.RawRowView(a)
		lg := u.logx.RawRowView(a)
		for j, v := range row {
			if math.IsNaN(v) {
				lg[j] = v
				continue
			}
			q := (v + add) / div
			if !(q > 0) {
				return fmt.Errorf("%s: observation %d, channel %d has the rate %v after the prior; "+
					"the Poisson measures need non-negative counts and a positive prior", u.method, a, j, q)
			}
			row[j] = q
			lg[j] = math.Log(q)
		}
	}
	return nil
}

func (u *unbal) prepare() error {
	u.finite = make([]bool, u.n)
	var rows []int
	for a := 0; a < u.n; a++ {
		nan := 0
		for _, v := range u.x.RawRowView(a) {
			if math.IsNaN(v) {
				nan++
			}
		}
		if nan == u.p {
			return fmt.Errorf("observation (row) %d has no finite value; remove it", a)
		}
		u.finite[a] = nan == 0
		if u.finite[a] {
			rows = append(rows, a)
		}
	}
	if len(rows) == 0 {
		return nil
	}
	// Kernel of the finite rows, scattered to n × n.
	f := mat.NewDense(len(rows), u.p, nil)
	for i, a := range rows {
		f.SetRow(i, u.x.RawRowView(a))
	}
	var k mat.Dense
	switch u.method {
	case MethodPoisson, MethodPoissonCV:
		lf := mat.NewDense(len(rows), u.p, nil)
		for i, a := range rows {
			lf.SetRow(i, u.logx.RawRowView(a))
		}
		k.Mul(f, lf.T()) // K_ab = q_a · log q_b
	case MethodMahalanobis, MethodCrossnobis:
		var fp mat.Dense
		fp.Mul(f, u.prec)
		k.Mul(&fp, f.T())
	default:
		k.Mul(f, f.T())
	}
	u.k = make([]float64, u.n*u.n)
	for i, a := range rows {
		for j, b := range rows {
			u.k[a*u.n+b] = k.At(i, j)
		}
	}
	if u.method == MethodCorrelation {
		u.rsum = make([]float64, u.n)
		u.rss = make([]float64, u.n)
		for _, a := range rows {
			for _, v := range u.x.RawRowView(a) {
				u.rsum[a] += v
			}
			u.rss[a] = u.k[a*u.n+a]
		}
	}
	return nil
}

// sim returns s(a, b) and w(a, b).
func (u *unbal) sim(a, b int) (s, w float64) {
	p := float64(u.p)
	if u.finite[a] && u.finite[b] {
		n := u.n
		switch u.method {
		case MethodEuclidean:
			return u.k[a*n+b], p
		case MethodMahalanobis, MethodCrossnobis:
			return u.k[a*n+b], p
		case MethodPoisson, MethodPoissonCV:
			// Σ (q_b − q_a)(log q_a − log q_b)/2
			return (u.k[b*n+a] - u.k[b*n+b] - u.k[a*n+a] + u.k[a*n+b]) / 2, p
		case MethodCorrelation:
			return corrSim(u.k[a*n+b], u.rsum[a], u.rsum[b], u.rss[a], u.rss[b], p), p
		}
	}
	xa, xb := u.x.RawRowView(a), u.x.RawRowView(b)
	switch u.method {
	case MethodEuclidean:
		for j, v := range xa {
			if y := xb[j]; !math.IsNaN(v) && !math.IsNaN(y) {
				s += v * y
				w++
			}
		}
		return s, w
	case MethodCorrelation:
		var si, sj, si2, sj2, sij float64
		for j, v := range xa {
			if y := xb[j]; !math.IsNaN(v) && !math.IsNaN(y) {
				si += v
				sj += y
				si2 += v * v
				sj2 += y * y
				sij += v * y
				w++
			}
		}
		return corrSim(sij, si, sj, si2, sj2, p), w
	case MethodPoisson, MethodPoissonCV:
		la, lb := u.logx.RawRowView(a), u.logx.RawRowView(b)
		for j, v := range xa {
			if y := xb[j]; !math.IsNaN(v) && !math.IsNaN(y) {
				s += (y - v) * (la[j] - lb[j])
				w++
			}
		}
		return s / 2, w
	case MethodMahalanobis, MethodCrossnobis:
		// Restrict P to the jointly finite channels.
		var idx []int
		for j, v := range xa {
			if !math.IsNaN(v) && !math.IsNaN(xb[j]) {
				idx = append(idx, j)
			}
		}
		for _, i := range idx {
			pr := u.prec.RawRowView(i)
			var t float64
			for _, j := range idx {
				t += pr[j] * xb[j]
			}
			s += xa[i] * t
		}
		return s, p
	}
	return math.NaN(), 0
}

// corrSim is rsatoolbox's correlation similarity r·p/2 from the sums of
// x, y, x², y², xy over the jointly finite channels; p is the total
// channel count.
func corrSim(sij, si, sj, si2, sj2, p float64) float64 {
	r := 1.0
	if si2 > 0 && sj2 > 0 {
		r = (sij - si*sj/p) / math.Sqrt(si2-si*si/p) / math.Sqrt(sj2-sj*sj/p)
	}
	return r * p / 2
}
