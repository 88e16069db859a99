package model

import (
	"context"
	"errors"
	"math"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/optimize"
)

// bfgsGTol is scipy.optimize.minimize(method='BFGS', tol=1e-6)'s stop
// rule, which rsatoolbox's fit_optimize uses: ‖∇f‖∞ < 1e-6.
const bfgsGTol = 1e-6

// gradient returns the central finite-difference gradient of f at x
// (gonum diff/fd, fd.Central with its absolute step 6e-6), as scipy's BFGS
// uses when no gradient is given.
func gradient(f func([]float64) float64, x []float64) []float64 {
	return fd.Gradient(nil, f, x, &fd.Settings{Formula: fd.Central})
}

// errCancelled stops gonum's optimiser when the context is done.
var errCancelled = errors.New("cancelled")

// minimizeBFGS minimises f from x0 with gonum/optimize's BFGS (a
// quasi-Newton method with a More–Thuente line search), stopping when
// ‖∇f‖∞ < 1e-6 or after 200·k iterations (scipy's default maxiter). It
// returns the best point and its value; ctx is checked at every function
// evaluation.
func minimizeBFGS(ctx context.Context, f func([]float64) float64, x0 []float64) ([]float64, float64, error) {
	k := len(x0)
	p := optimize.Problem{
		Func: f,
		Grad: func(grad, x []float64) { copy(grad, gradient(f, x)) },
		Status: func() (optimize.Status, error) {
			if ctx.Err() != nil {
				return optimize.Failure, errCancelled
			}
			return optimize.NotTerminated, nil
		},
	}
	settings := &optimize.Settings{
		GradientThreshold: bfgsGTol,
		MajorIterations:   200 * k,
		Converger:         &optimize.FunctionConverge{Absolute: 1e-12, Iterations: 50},
		Concurrent:        1,
	}
	res, err := optimize.Minimize(p, x0, settings, &optimize.BFGS{})
	if cerr := ctx.Err(); cerr != nil {
		return nil, 0, cerr
	}
	if res == nil {
		return nil, 0, err
	}
	// A line search that cannot improve ends the run with an error, but
	// the location reached is still the best found, as with scipy.
	if math.IsNaN(res.F) {
		return append([]float64(nil), x0...), f(x0), nil
	}
	return res.X, res.F, nil
}
