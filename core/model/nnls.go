package model

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// NNLS solves the non-negative least-squares problem in its normal-equation
// form,
//
//	minimise ½ xᵀQx − cᵀx  subject to x ≥ 0,
//
// with Q (k × k) symmetric positive semi-definite. For the least-squares
// problem min ‖Ax − b‖² this is Q = AᵀA, c = Aᵀb (a ridge adds λI to Q).
//
// The algorithm is Lawson & Hanson's active-set method (Solving Least
// Squares Problems, 1974, ch. 23, algorithm NNLS) in the normal-equation
// form of Bro & de Jong (J. Chemometrics 11, 1997), which rsatoolbox's
// fitter._nn_least_squares implements:
//
//  1. x = 0, passive set P = ∅; gradient w = c − Qx.
//  2. While some j ∉ P has w_j > tol: move the j ∉ P with the largest w_j
//     into P.
//  3. Solve Q_PP s_P = c_P (s = 0 off P). While some s_j ≤ 0 on P: step
//     x ← x + α(s − x) with the largest α ∈ (0,1] keeping x ≥ 0, move the
//     indices where x reached 0 out of P, and solve again.
//  4. x = s; w = c − Qx; back to 2.
//
// At the solution w_j ≤ tol off P and w_j ≈ 0 on P (the KKT conditions).
// tol is 10·k·ε times the largest |Q_ij| or |c_i|. NNLS returns an error
// if the inputs are not finite or the method does not converge within 3k
// outer iterations (Lawson & Hanson's limit, raised to at least 30).
func NNLS(q mat.Symmetric, c []float64) ([]float64, error) {
	k := q.SymmetricDim()
	if len(c) != k {
		return nil, fmt.Errorf("nnls: c has %d entries, Q is %d × %d", len(c), k, k)
	}
	scale := 0.0
	for i := 0; i < k; i++ {
		if math.IsNaN(c[i]) || math.IsInf(c[i], 0) {
			return nil, errors.New("nnls: non-finite value in c")
		}
		scale = max(scale, math.Abs(c[i]))
		for j := 0; j < k; j++ {
			v := q.At(i, j)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, errors.New("nnls: non-finite value in Q")
			}
			scale = max(scale, math.Abs(v))
		}
	}
	x := make([]float64, k)
	if k == 0 || scale == 0 {
		return x, nil
	}
	tol := 10 * float64(k) * 2.220446049250313e-16 * scale
	passive := make([]bool, k)
	w := make([]float64, k)
	grad := func() {
		for i := 0; i < k; i++ {
			s := c[i]
			for j := 0; j < k; j++ {
				s -= q.At(i, j) * x[j]
			}
			w[i] = s
		}
	}
	solve := func() ([]float64, error) {
		var idx []int
		for i, p := range passive {
			if p {
				idx = append(idx, i)
			}
		}
		a := mat.NewSymDense(len(idx), nil)
		b := mat.NewVecDense(len(idx), nil)
		for u, i := range idx {
			b.SetVec(u, c[i])
			for v := u; v < len(idx); v++ {
				a.SetSym(u, v, q.At(i, idx[v]))
			}
		}
		var sol mat.VecDense
		if err := sol.SolveVec(a, b); err != nil {
			return nil, fmt.Errorf("nnls: singular subproblem on %d variables (%v); the regressors are linearly dependent, set a ridge weight", len(idx), err)
		}
		s := make([]float64, k)
		for u, i := range idx {
			s[i] = sol.AtVec(u)
		}
		return s, nil
	}
	maxIter := max(3*k, 30)
	grad()
	for iter := 0; ; iter++ {
		t, best := -1, tol
		for j := 0; j < k; j++ {
			if !passive[j] && w[j] > best {
				t, best = j, w[j]
			}
		}
		if t < 0 {
			return x, nil
		}
		if iter >= maxIter {
			return nil, fmt.Errorf("nnls: no convergence in %d iterations", maxIter)
		}
		passive[t] = true
		s, err := solve()
		if err != nil {
			return nil, err
		}
		for inner := 0; ; inner++ {
			alpha, at := 1.0, -1
			for j := 0; j < k; j++ {
				if passive[j] && s[j] <= 0 {
					if a := x[j] / (x[j] - s[j]); at < 0 || a < alpha {
						alpha, at = a, j
					}
				}
			}
			if at < 0 {
				break
			}
			if inner > k {
				return nil, fmt.Errorf("nnls: no convergence of the inner loop")
			}
			for j := 0; j < k; j++ {
				if passive[j] {
					x[j] += alpha * (s[j] - x[j])
				}
			}
			// The index attaining α reaches its bound exactly; others may
			// reach it within rounding (they are caught by the next solve).
			x[at] = 0
			for j := 0; j < k; j++ {
				if passive[j] && x[j] <= 0 {
					x[j] = 0
					passive[j] = false
				}
			}
			if s, err = solve(); err != nil {
				return nil, err
			}
		}
		copy(x, s)
		grad()
	}
}
