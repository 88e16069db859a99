package model

import (
	"context"
	"math"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/floats"
)

// bfgsSettings are those of scipy.optimize.minimize(method='BFGS',
// tol=1e-6), which rsatoolbox's fit_optimize uses.
const (
	bfgsGTol  = 1e-6 // stop when ‖∇f‖∞ < gtol
	wolfeC1   = 1e-4 // sufficient decrease
	wolfeC2   = 0.9  // curvature
	lsMaxIter = 30
)

// gradient returns the central finite-difference gradient of f at x
// (gonum diff/fd, fd.Central with its absolute step 6e-6).
func gradient(f func([]float64) float64, x []float64) []float64 {
	return fd.Gradient(nil, f, x, &fd.Settings{Formula: fd.Central})
}

// minimizeBFGS minimises f from x0 by the BFGS quasi-Newton method with
// a strong-Wolfe line search (Nocedal & Wright, Numerical Optimization,
// 2nd ed., algorithms 6.1, 3.5 and 3.6; H₀ scaled by (6.20) after the
// first step; the update is skipped when sᵀy ≤ 0). Gradients are central
// finite differences, as scipy's BFGS uses when no gradient is given. It
// stops when ‖∇f‖∞ < 1e-6, the line search makes no progress, or after
// 200·k iterations (scipy's default maxiter), and returns the last point
// and its value. ctx is checked every iteration.
//
// gonum/optimize's BFGS would do the same, but that package imports
// gonum/stat/distmv and with it golang.org/x/tools, which this module does
// not require.
func minimizeBFGS(ctx context.Context, f func([]float64) float64, x0 []float64) ([]float64, float64, error) {
	k := len(x0)
	x := append([]float64(nil), x0...)
	fx := f(x)
	g := gradient(f, x)
	h := identity(k)
	p := make([]float64, k)
	xn := make([]float64, k)
	for it := 0; it < 200*k; it++ {
		if err := ctx.Err(); err != nil {
			return nil, 0, err
		}
		if floats.Norm(g, math.Inf(1)) < bfgsGTol || math.IsInf(fx, 0) || math.IsNaN(fx) {
			break
		}
		matVec(p, h, g)
		floats.Scale(-1, p)
		if floats.Dot(g, p) >= 0 { // not a descent direction: restart
			h = identity(k)
			copy(p, g)
			floats.Scale(-1, p)
		}
		alpha, fn, gn, ok := wolfeSearch(f, x, fx, g, p)
		if !ok {
			break
		}
		s := make([]float64, k)
		floats.ScaleTo(s, alpha, p)
		floats.AddTo(xn, x, s)
		y := make([]float64, k)
		floats.SubTo(y, gn, g)
		sy := floats.Dot(s, y)
		if sy > 0 {
			if it == 0 {
				h = identity(k)
				for i := 0; i < k; i++ {
					h[i*k+i] = sy / floats.Dot(y, y)
				}
			}
			bfgsUpdate(h, s, y, sy)
		}
		decrease := fx - fn
		copy(x, xn)
		fx, g = fn, gn
		if decrease <= 1e-15*math.Max(1, math.Abs(fx)) && floats.Norm(s, math.Inf(1)) <= 1e-14*math.Max(1, floats.Norm(x, math.Inf(1))) {
			break
		}
	}
	return x, fx, nil
}

func identity(k int) []float64 {
	h := make([]float64, k*k)
	for i := 0; i < k; i++ {
		h[i*k+i] = 1
	}
	return h
}

func matVec(dst, h, v []float64) {
	k := len(v)
	for i := 0; i < k; i++ {
		dst[i] = floats.Dot(h[i*k:(i+1)*k], v)
	}
}

// bfgsUpdate sets H ← (I − ρsyᵀ) H (I − ρysᵀ) + ρssᵀ, ρ = 1/sᵀy.
func bfgsUpdate(h, s, y []float64, sy float64) {
	k := len(s)
	rho := 1 / sy
	hy := make([]float64, k)
	matVec(hy, h, y) // H symmetric: yᵀH = (Hy)ᵀ
	yhy := floats.Dot(y, hy)
	for i := 0; i < k; i++ {
		for j := 0; j < k; j++ {
			h[i*k+j] += -rho*(hy[i]*s[j]+s[i]*hy[j]) + (rho*rho*yhy+rho)*s[i]*s[j]
		}
	}
}

// wolfeSearch finds a step α along p satisfying the strong Wolfe
// conditions (Nocedal & Wright algorithms 3.5 and 3.6, with safeguarded
// quadratic interpolation in the zoom). It returns α, f and ∇f at
// x + αp, and false if no step decreases f.
func wolfeSearch(f func([]float64) float64, x []float64, f0 float64, g0, p []float64) (float64, float64, []float64, bool) {
	k := len(x)
	xa := make([]float64, k)
	d0 := floats.Dot(g0, p)
	phi := func(a float64) float64 {
		floats.AddScaledTo(xa, x, a, p)
		return f(xa)
	}
	dphi := func(a float64) (float64, []float64) {
		floats.AddScaledTo(xa, x, a, p)
		g := gradient(f, xa)
		return floats.Dot(g, p), g
	}
	type pt struct {
		a, f, d float64
	}
	zoom := func(lo, hi pt) (float64, float64, []float64, bool) {
		for i := 0; i < lsMaxIter; i++ {
			// Minimiser of the quadratic through φ(lo), φ'(lo), φ(hi),
			// kept inside the middle 80 % of the bracket.
			w := hi.a - lo.a
			a := lo.a - lo.d*w*w/(2*(hi.f-lo.f-lo.d*w))
			l, u := math.Min(lo.a, hi.a), math.Max(lo.a, hi.a)
			if math.IsNaN(a) || a < l+0.1*(u-l) || a > u-0.1*(u-l) {
				a = (lo.a + hi.a) / 2
			}
			fa := phi(a)
			if fa > f0+wolfeC1*a*d0 || fa >= lo.f {
				hi = pt{a, fa, math.NaN()}
				continue
			}
			da, ga := dphi(a)
			if math.Abs(da) <= -wolfeC2*d0 {
				return a, fa, ga, true
			}
			if da*(hi.a-lo.a) >= 0 {
				hi = lo
			}
			lo = pt{a, fa, da}
			if math.Abs(hi.a-lo.a) <= 1e-16*math.Max(1, math.Abs(lo.a)) {
				break
			}
		}
		if lo.a > 0 && lo.f < f0 { // sufficient decrease without curvature
			_, g := dphi(lo.a)
			return lo.a, lo.f, g, true
		}
		return 0, f0, nil, false
	}
	prev := pt{0, f0, d0}
	a := 1.0
	for i := 0; i < lsMaxIter; i++ {
		fa := phi(a)
		if fa > f0+wolfeC1*a*d0 || (i > 0 && fa >= prev.f) || math.IsNaN(fa) {
			if math.IsNaN(fa) {
				fa = math.Inf(1)
			}
			return zoom(prev, pt{a, fa, math.NaN()})
		}
		da, ga := dphi(a)
		if math.Abs(da) <= -wolfeC2*d0 {
			return a, fa, ga, true
		}
		if da >= 0 {
			return zoom(pt{a, fa, da}, prev)
		}
		prev = pt{a, fa, da}
		a *= 2
	}
	_, g := dphi(prev.a)
	return prev.a, prev.f, g, prev.f < f0
}
