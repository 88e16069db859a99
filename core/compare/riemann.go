package compare

import (
	"context"
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// refKernel returns the (n−1) × (n−1) second moment of an RDM with
// condition 0 as the reference (rsatoolbox compare_neg_riemannian_distance):
//
//	G_ii = d_0i,   G_ij = (d_0i + d_0j − d_ij)/2,   i, j = 1 … n−1
func refKernel(v []float64, n int) *mat.SymDense {
	g := mat.NewSymDense(n-1, nil)
	d0 := v[:n-1] // pairs (0,1) … (0,n−1)
	k := n - 1
	for i := 1; i < n; i++ {
		g.SetSym(i-1, i-1, d0[i-1])
		for j := i + 1; j < n; j++ {
			g.SetSym(i-1, j-1, (d0[i-1]+d0[j-1]-v[k])/2)
			k++
		}
	}
	return g
}

// riemannPair is the objective of one pair of RDMs: with G₂ = LLᵀ,
// f(θ) = √(Σ log² λ) over the eigenvalues λ of
// L⁻¹(e^{θ₁}G₁ + e^{θ₂}Σ̂)L⁻ᵀ, the generalised eigenvalues of
// (e^{θ₁}G₁ + e^{θ₂}Σ̂, G₂).
type riemannPair struct {
	g1, sh *mat.SymDense
	l      blas64.Triangular
	a      []float64
	eig    mat.EigenSym
}

func (p *riemannPair) f(t []float64) float64 {
	n := p.g1.SymmetricDim()
	e1, e2 := math.Exp(t[0]), math.Exp(t[1])
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			p.a[i*n+j] = e1*p.g1.At(i, j) + e2*p.sh.At(i, j)
		}
	}
	// A ← L⁻¹ A L⁻ᵀ = L⁻¹ (L⁻¹ A)ᵀ, A symmetric.
	am := blas64.General{Rows: n, Cols: n, Stride: n, Data: p.a}
	blas64.Trsm(blas.Left, blas.NoTrans, 1, p.l, am)
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			p.a[i*n+j], p.a[j*n+i] = p.a[j*n+i], p.a[i*n+j]
		}
	}
	blas64.Trsm(blas.Left, blas.NoTrans, 1, p.l, am)
	s := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			s.SetSym(i, j, (p.a[i*n+j]+p.a[j*n+i])/2)
		}
	}
	if !p.eig.Factorize(s, false) {
		return math.NaN()
	}
	ss := 0.0
	for _, l := range p.eig.Values(nil) {
		lg := math.Log(l)
		ss += lg * lg
	}
	return math.Sqrt(ss)
}

// compareRiemann fills −min_θ f(θ) for every pair (rsatoolbox
// _riemannian_distance), minimising with scipy's default Nelder–Mead
// from θ = (0, 0).
func compareRiemann(ctx context.Context, x, y *mat.Dense, n int, sigma *mat.SymDense) (*mat.Dense, error) {
	n1, _ := x.Dims()
	n2, _ := y.Dims()
	// Σ̂ = PΣPᵀ with P = [−1 | I].
	sh := mat.NewSymDense(n-1, nil)
	for i := 1; i < n; i++ {
		for j := i; j < n; j++ {
			sh.SetSym(i-1, j-1, sigma.At(i, j)-sigma.At(0, j)-sigma.At(i, 0)+sigma.At(0, 0))
		}
	}
	g1 := make([]*mat.SymDense, n1)
	for i := range g1 {
		g1[i] = refKernel(x.RawRowView(i), n)
	}
	l2 := make([]blas64.Triangular, n2)
	for j := range l2 {
		var c mat.Cholesky
		if !c.Factorize(refKernel(y.RawRowView(j), n)) {
			return nil, fmt.Errorf("compare neg_riem_dist: RDM %d of the second set is not a Euclidean distance matrix of full rank (its second moment is not positive definite)", j)
		}
		var lt mat.TriDense
		c.LTo(&lt)
		l2[j] = lt.RawTriangular()
	}
	out := mat.NewDense(n1, n2, nil)
	nf := float64(n)
	err := pairwise(ctx, out, 400*10*nf*nf*nf, func(i, j int) (float64, error) {
		p := &riemannPair{g1: g1[i], sh: sh, l: l2[j], a: make([]float64, (n-1)*(n-1))}
		_, fmin := NelderMead(p.f, []float64{0, 0}, 1e-4, 1e-4, 0)
		return -fmin, nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// NelderMead minimises f from x0 exactly as scipy.optimize.minimize(f,
// x0, method='Nelder-Mead') does with its defaults (non-adaptive:
// reflection 1, expansion 2, contraction 0.5, shrink 0.5; initial simplex
// x0 plus 5% of each nonzero coordinate or 0.00025 for a zero one; stop
// when max|x_k − x_0| ≤ xatol and max|f_k − f_0| ≤ fatol, or after
// maxIter iterations or function calls, 200·len(x0) when maxIter ≤ 0).
// It returns the best vertex and the smallest function value.
func NelderMead(f func([]float64) float64, x0 []float64, xatol, fatol float64, maxIter int) ([]float64, float64) {
	const rho, chi, psi, sigma = 1.0, 2.0, 0.5, 0.5
	n := len(x0)
	if maxIter <= 0 {
		maxIter = 200 * n
	}
	maxFun := maxIter
	calls := 0
	errMax := false
	fn := func(x []float64) float64 {
		if calls >= maxFun {
			errMax = true
			return math.NaN()
		}
		calls++
		return f(x)
	}
	sim := make([][]float64, n+1)
	fsim := make([]float64, n+1)
	sim[0] = append([]float64(nil), x0...)
	for k := 0; k < n; k++ {
		y := append([]float64(nil), x0...)
		if y[k] != 0 {
			y[k] *= 1.05
		} else {
			y[k] = 0.00025
		}
		sim[k+1] = y
	}
	for k := range sim {
		fsim[k] = fn(sim[k])
	}
	sortSimplex(sim, fsim)
	comb := func(a float64, x []float64, b float64, y []float64) []float64 {
		out := make([]float64, n)
		for i := range out {
			out[i] = a*x[i] + b*y[i]
		}
		return out
	}
	for it := 1; calls < maxFun && it < maxIter; it++ {
		dx, df := 0.0, 0.0
		for k := 1; k <= n; k++ {
			for i := 0; i < n; i++ {
				dx = max(dx, math.Abs(sim[k][i]-sim[0][i]))
			}
			df = max(df, math.Abs(fsim[0]-fsim[k]))
		}
		if dx <= xatol && df <= fatol {
			break
		}
		xbar := make([]float64, n)
		for k := 0; k < n; k++ {
			for i := range xbar {
				xbar[i] += sim[k][i] / float64(n)
			}
		}
		last := sim[n]
		xr := comb(1+rho, xbar, -rho, last)
		fxr := fn(xr)
		if errMax {
			break
		}
		shrink := false
		if fxr < fsim[0] {
			xe := comb(1+rho*chi, xbar, -rho*chi, last)
			fxe := fn(xe)
			if errMax {
				break
			}
			if fxe < fxr {
				sim[n], fsim[n] = xe, fxe
			} else {
				sim[n], fsim[n] = xr, fxr
			}
		} else if fxr < fsim[n-1] {
			sim[n], fsim[n] = xr, fxr
		} else {
			if fxr < fsim[n] {
				xc := comb(1+psi*rho, xbar, -psi*rho, last)
				fxc := fn(xc)
				if errMax {
					break
				}
				if fxc <= fxr {
					sim[n], fsim[n] = xc, fxc
				} else {
					shrink = true
				}
			} else {
				xcc := comb(1-psi, xbar, psi, last)
				fxcc := fn(xcc)
				if errMax {
					break
				}
				if fxcc < fsim[n] {
					sim[n], fsim[n] = xcc, fxcc
				} else {
					shrink = true
				}
			}
			if shrink {
				for k := 1; k <= n; k++ {
					sim[k] = comb(1-sigma, sim[0], sigma, sim[k])
					v := fn(sim[k])
					if errMax {
						break
					}
					fsim[k] = v
				}
				if errMax {
					break
				}
			}
		}
		sortSimplex(sim, fsim)
	}
	best := fsim[0] // np.min: NaN if any value is NaN
	for _, v := range fsim {
		if v < best || math.IsNaN(v) {
			best = v
		}
		if math.IsNaN(best) {
			break
		}
	}
	return sim[0], best
}

// sortSimplex orders the vertices by function value (stable, NaN last, as
// numpy's argsort).
func sortSimplex(sim [][]float64, fsim []float64) {
	less := func(a, b float64) bool {
		if math.IsNaN(b) {
			return !math.IsNaN(a)
		}
		return a < b
	}
	for k := 1; k < len(fsim); k++ {
		for l := k; l > 0 && less(fsim[l], fsim[l-1]); l-- {
			fsim[l], fsim[l-1] = fsim[l-1], fsim[l]
			sim[l], sim[l-1] = sim[l-1], sim[l]
		}
	}
}
