package model

import (
	"context"
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// FitInterpolate fits an Interpolate model (rsatoolbox fit_interpolate):
// for each neighbouring pair (k, k+1) of components it finds w ∈ [0,1]
// maximising mean_d compare(w·r_k + (1−w)·r_{k+1}, D_d) by a bounded
// Brent search (xatol 1e-5), keeps the pair with the best value (the first
// on ties) and returns θ with θ_k = w, θ_{k+1} = 1 − w, zero elsewhere.
// A NaN similarity counts as the worst value.
func FitInterpolate(ctx context.Context, p *Interpolate, data *mat.Dense, method string, opt *Options) ([]float64, error) {
	if p == nil {
		return nil, errors.New("no model to fit")
	}
	k, m := p.r.Dims()
	obj, err := checkFit(p.name, m, data, method, opt)
	if err != nil {
		return nil, err
	}
	bestF, bestK, bestW := math.Inf(1), -1, 0.0
	theta := make([]float64, k)
	for pair := 0; pair < k-1; pair++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		f := func(w float64) float64 {
			for i := range theta {
				theta[i] = 0
			}
			theta[pair], theta[pair+1] = w, 1-w
			pred, _ := p.Predict(theta)
			return obj.loss(pred, nil, 0)
		}
		w, fw := BoundedMin(f, 0, 1, 1e-5, 500)
		if err := obj.firstErr(); err != nil {
			return nil, fmt.Errorf("model %q: %w", p.name, err)
		}
		if bestK < 0 || fw < bestF {
			bestF, bestK, bestW = fw, pair, w
		}
	}
	out := make([]float64, k)
	out[bestK], out[bestK+1] = bestW, 1-bestW
	return out, nil
}

// BoundedMin minimises f over [a, b] by Brent's method for a bounded
// interval (golden-section search with parabolic interpolation; Forsythe,
// Malcolm & Moler, Computer Methods for Mathematical Computations, 1977,
// procedure fmin), as scipy.optimize.minimize_scalar(method='bounded',
// options={'xatol': xatol, 'maxiter': maxIter}). It returns the abscissa
// and value of the minimum found. It stops when the bracket around the
// best point is within 2·(√ε|x| + xatol/3), or after maxIter evaluations.
func BoundedMin(f func(float64) float64, a, b, xatol float64, maxIter int) (float64, float64) {
	sqrtEps := math.Sqrt(2.2e-16)
	golden := 0.5 * (3 - math.Sqrt(5))
	fulc := a + golden*(b-a)
	nfc, xf := fulc, fulc
	rat, e := 0.0, 0.0
	x := xf
	fx := f(x)
	num := 1
	ffulc, fnfc := fx, fx
	xm := 0.5 * (a + b)
	tol1 := sqrtEps*math.Abs(xf) + xatol/3
	tol2 := 2 * tol1
	sign := func(v float64) float64 {
		if v < 0 {
			return -1
		}
		return 1 // sign(v) + (v == 0) of scipy
	}
	for math.Abs(xf-xm) > tol2-0.5*(b-a) {
		useGolden := true
		if math.Abs(e) > tol1 {
			useGolden = false
			r := (xf - nfc) * (fx - ffulc)
			q := (xf - fulc) * (fx - fnfc)
			p := (xf-fulc)*q - (xf-nfc)*r
			q = 2 * (q - r)
			if q > 0 {
				p = -p
			}
			q = math.Abs(q)
			r = e
			e = rat
			if math.Abs(p) < math.Abs(0.5*q*r) && p > q*(a-xf) && p < q*(b-xf) {
				// Parabolic step.
				rat = p / q
				x = xf + rat
				if x-a < tol2 || b-x < tol2 {
					rat = tol1 * sign(xm-xf)
				}
			} else {
				useGolden = true
			}
		}
		if useGolden {
			if xf >= xm {
				e = a - xf
			} else {
				e = b - xf
			}
			rat = golden * e
		}
		x = xf + sign(rat)*math.Max(math.Abs(rat), tol1)
		fu := f(x)
		num++
		if fu <= fx {
			if x >= xf {
				a = xf
			} else {
				b = xf
			}
			fulc, ffulc = nfc, fnfc
			nfc, fnfc = xf, fx
			xf, fx = x, fu
		} else {
			if x < xf {
				a = x
			} else {
				b = x
			}
			if fu <= fnfc || nfc == xf {
				fulc, ffulc = nfc, fnfc
				nfc, fnfc = x, fu
			} else if fu <= ffulc || fulc == xf || fulc == nfc {
				fulc, ffulc = x, fu
			}
		}
		xm = 0.5 * (a + b)
		tol1 = sqrtEps*math.Abs(xf) + xatol/3
		tol2 = 2 * tol1
		if num >= maxIter {
			break
		}
	}
	return xf, fx
}

// FitSelect fits a Select model (rsatoolbox fit_select): it returns the
// index of the component with the highest mean similarity to the data
// RDMs, the first one on ties. Components whose similarity is NaN are
// passed over (numpy's argmax would pick the first NaN); if every one is
// NaN, FitSelect returns an error.
func FitSelect(s *Select, data *mat.Dense, method string, opt *Options) (int, error) {
	if s == nil {
		return 0, errors.New("no model to fit")
	}
	k, m := s.r.Dims()
	obj, err := checkFit(s.name, m, data, method, opt)
	if err != nil {
		return 0, err
	}
	best, bestV := -1, math.Inf(-1)
	for i := 0; i < k; i++ {
		v, err := obj.mean(s.r.RawRowView(i))
		if err != nil {
			return 0, fmt.Errorf("model %q: %w", s.name, err)
		}
		if !math.IsNaN(v) && (best < 0 || v > bestV) {
			best, bestV = i, v
		}
	}
	if best < 0 {
		return 0, fmt.Errorf("model %q: every component's similarity to the data is NaN (%s)", s.name, method)
	}
	return best, nil
}

// Fit fits m with its default fitting function, as rsatoolbox's
// Model.fit: a Fixed model has no parameters (nil), a Select model
// returns [index] (FitSelect), a Weighted model FitOptimize and an
// Interpolate model FitInterpolate.
func Fit(ctx context.Context, m Model, data *mat.Dense, method string, opt *Options) ([]float64, error) {
	switch t := m.(type) {
	case *Fixed:
		if t == nil {
			return nil, errors.New("no model to fit")
		}
		if err := checkData(t.name, data, len(t.rdm)); err != nil {
			return nil, err
		}
		return nil, nil
	case *Select:
		i, err := FitSelect(t, data, method, opt)
		if err != nil {
			return nil, err
		}
		return []float64{float64(i)}, nil
	case *Weighted:
		return FitOptimize(ctx, t, data, method, opt)
	case *Interpolate:
		return FitInterpolate(ctx, t, data, method, opt)
	case nil:
		return nil, errors.New("no model to fit")
	default:
		return nil, fmt.Errorf("model %q: no default fitting function for %T", m.Name(), m)
	}
}
