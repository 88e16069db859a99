package noise

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// Method names a covariance estimator, with rsatoolbox's names.
type Method string

// The covariance estimators.
const (
	Full          Method = "full"
	Diag          Method = "diag"
	ShrinkageEye  Method = "shrinkage_eye"
	ShrinkageDiag Method = "shrinkage_diag"
)

// Methods lists every estimator.
var Methods = []Method{Full, Diag, ShrinkageEye, ShrinkageDiag}

func (m Method) valid() bool { return slices.Contains(Methods, m) }

// Covariance estimates the p × p noise covariance from the residuals r
// (n × p, rows are observations) with the given estimator (rsatoolbox
// cov_from_residuals). The column means of r are subtracted first. dof ≤ 0
// means the default n − 1.
func Covariance(r mat.Matrix, method Method, dof int) (*mat.SymDense, error) {
	x, err := residuals(r)
	if err != nil {
		return nil, err
	}
	n, _ := x.Dims()
	if n < 2 {
		return nil, fmt.Errorf("a covariance needs at least 2 residual rows, have %d", n)
	}
	demean(x)
	if dof <= 0 {
		dof = n - 1
	}
	return estimate(x, method, dof)
}

// Precision is the inverse of Covariance (rsatoolbox prec_from_residuals).
func Precision(r mat.Matrix, method Method, dof int) (*mat.SymDense, error) {
	c, err := Covariance(r, method, dof)
	if err != nil {
		return nil, err
	}
	return Invert(c)
}

// CovarianceFromMeasurements estimates the noise covariance from repeated
// measurements x (observations × channels) of conditions labelled by
// conditions, as rsatoolbox cov_from_measurements: every condition needs
// the same number r of observations; each observation minus its
// condition's mean (over the finite values) is a residual, rows with a NaN
// are dropped, and the estimator runs on the n remaining rows with
// dof = (n_cond − 1)·r (rsatoolbox's choice, kept for parity).
func CovarianceFromMeasurements(x mat.Matrix, conditions []float64, method Method) (*mat.SymDense, error) {
	if x == nil {
		return nil, errors.New("no measurements")
	}
	nObs, p := x.Dims()
	g, err := group(conditions, nObs)
	if err != nil {
		return nil, err
	}
	reps := g.counts[0]
	for k, c := range g.counts {
		if c != reps {
			return nil, fmt.Errorf("every condition needs the same number of repetitions: condition %v has %d, condition %v has %d",
				g.labels[0], reps, g.labels[k], c)
		}
	}
	if len(g.counts) < 2 {
		return nil, fmt.Errorf("need at least 2 conditions, have %d", len(g.counts))
	}
	// Condition means over finite values (np.nanmean).
	mean := mat.NewDense(len(g.counts), p, nil)
	cnt := mat.NewDense(len(g.counts), p, nil)
	for a, k := range g.idx {
		for j := 0; j < p; j++ {
			if v := x.At(a, j); !math.IsNaN(v) {
				mean.Set(k, j, mean.At(k, j)+v)
				cnt.Set(k, j, cnt.At(k, j)+1)
			}
		}
	}
	mean.DivElem(mean, cnt)
	var rows [][]float64
	for a, k := range g.idx {
		row := make([]float64, p)
		ok := true
		for j := range row {
			row[j] = x.At(a, j) - mean.At(k, j)
			if math.IsNaN(row[j]) {
				ok = false
			}
		}
		if ok {
			rows = append(rows, row)
		}
	}
	if len(rows) < 2 {
		return nil, fmt.Errorf("fewer than 2 measurements without NaN values")
	}
	res := mat.NewDense(len(rows), p, nil)
	for i, row := range rows {
		res.SetRow(i, row)
	}
	return estimate(res, method, (len(g.counts)-1)*reps)
}

// PrecisionFromMeasurements is the inverse of CovarianceFromMeasurements.
func PrecisionFromMeasurements(x mat.Matrix, conditions []float64, method Method) (*mat.SymDense, error) {
	c, err := CovarianceFromMeasurements(x, conditions, method)
	if err != nil {
		return nil, err
	}
	return Invert(c)
}

// Invert returns the inverse of a covariance matrix, by Cholesky
// factorisation. A covariance that is not positive definite (more
// channels than residuals with the full estimator, a channel without
// variance) is an error.
func Invert(c mat.Symmetric) (*mat.SymDense, error) {
	var ch mat.Cholesky
	if !ch.Factorize(c) {
		return nil, errors.New("the covariance is not positive definite and has no inverse; " +
			"use a shrinkage estimator (shrinkage_diag or shrinkage_eye), or more residuals than channels, and drop constant channels")
	}
	if cond := ch.Cond(); cond > 1e15 {
		return nil, fmt.Errorf("the covariance is numerically singular (condition number %.3g); use a shrinkage estimator", cond)
	}
	var inv mat.SymDense
	if err := ch.InverseTo(&inv); err != nil {
		return nil, fmt.Errorf("inverting the covariance: %w", err)
	}
	return &inv, nil
}

// residuals copies r into a new dense matrix and checks its values.
func residuals(r mat.Matrix) (*mat.Dense, error) {
	if r == nil {
		return nil, errors.New("no residuals")
	}
	n, p := r.Dims()
	if n == 0 || p == 0 {
		return nil, fmt.Errorf("residuals are %d × %d; need rows (observations) and columns (channels)", n, p)
	}
	x := mat.DenseCopyOf(r)
	for i := 0; i < n; i++ {
		for j, v := range x.RawRowView(i) {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("residual (%d, %d) is %v; residuals must be finite", i, j, v)
			}
		}
	}
	return x, nil
}

// demean subtracts the column means.
func demean(x *mat.Dense) {
	n, p := x.Dims()
	mean := make([]float64, p)
	for i := 0; i < n; i++ {
		for j, v := range x.RawRowView(i) {
			mean[j] += v
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	for i := 0; i < n; i++ {
		row := x.RawRowView(i)
		for j := range row {
			row[j] -= mean[j]
		}
	}
}

// estimate applies the estimator to the (already centred) rows of x.
func estimate(x *mat.Dense, method Method, dof int) (*mat.SymDense, error) {
	if !method.valid() {
		return nil, fmt.Errorf("unknown covariance estimator %q; use one of %v", method, Methods)
	}
	n, p := x.Dims()
	if dof <= 0 {
		return nil, fmt.Errorf("degrees of freedom must be positive, have %d", dof)
	}
	fn, fd := float64(n), float64(dof)
	xtx := mat.NewSymDense(p, nil)
	xtx.SymOuterK(1, x.T())
	switch method {
	case Full:
		xtx.ScaleSym(1/fd, xtx)
		return xtx, nil
	case Diag:
		d := mat.NewSymDense(p, nil)
		for i := 0; i < p; i++ {
			d.SetSym(i, i, xtx.At(i, i)/fd)
		}
		return d, nil
	}
	// Q = (R∘R)ᵀ(R∘R)
	x2 := mat.NewDense(n, p, nil)
	x2.MulElem(x, x)
	q := mat.NewSymDense(p, nil)
	q.SymOuterK(1, x2.T())
	out := mat.NewSymDense(p, nil)
	switch method {
	case ShrinkageEye:
		var tr, b2, d2 float64
		for i := 0; i < p; i++ {
			tr += xtx.At(i, i) / fn
		}
		m := tr / float64(p)
		for i := 0; i < p; i++ {
			for j := 0; j < p; j++ {
				s := xtx.At(i, j) / fn
				b2 += q.At(i, j)/fn - s*s
				e := s
				if i == j {
					e -= m
				}
				d2 += e * e
			}
		}
		b2 /= fn
		b2 = min(b2, d2)
		scale := fn / fd
		for i := 0; i < p; i++ {
			for j := i; j < p; j++ {
				s := xtx.At(i, j) / fn
				var v float64
				if d2 == 0 {
					v = s // S is already m·I: nothing to shrink
				} else {
					v = (d2 - b2) / d2 * s
					if i == j {
						v += b2 / d2 * m
					}
				}
				out.SetSym(i, j, v*scale)
			}
		}
		return out, nil
	case ShrinkageDiag:
		v := make([]float64, p)
		for i := range v {
			v[i] = xtx.At(i, i) / fd
			if !(v[i] > 0) {
				return nil, fmt.Errorf("channel %d has no variance in the residuals; drop it before estimating the covariance", i)
			}
		}
		var num, den float64
		for i := 0; i < p; i++ {
			for j := 0; j < p; j++ {
				if i == j {
					continue
				}
				r := xtx.At(i, j) / math.Sqrt(v[i]) / math.Sqrt(v[j]) / (fn - 1)
				r2 := q.At(i, j) / (v[i] * v[j]) / (fn - 1)
				num += fn / (fd * fd) * (r2 - r*r)
				den += r * r
			}
		}
		lambda := 0.0
		if p > 1 && den > 0 {
			lambda = min(max(num/den, 0), 1)
		} else if p > 1 {
			lambda = 1 // uncorrelated channels: shrink fully to the diagonal
		}
		for i := 0; i < p; i++ {
			for j := i; j < p; j++ {
				s := xtx.At(i, j) / fd
				if i != j {
					s *= 1 - lambda
				}
				out.SetSym(i, j, s)
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("unknown covariance estimator %q", method)
}
