package mds

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/alignscope/alignscope/core/rdm"
	"gonum.org/v1/gonum/mat"
)

// Result is an embedding of the conditions of an RDM.
type Result struct {
	// X holds one row of coordinates per condition (n × dim), centred and
	// on its principal axes.
	X *mat.Dense
	// Stress is the raw stress σ = Σ_{i<j} w_ij (δ_ij − ‖x_i − x_j‖)² of X.
	Stress float64
	// Stress1 is Kruskal's stress-1, √(σ / Σ w_ij δ_ij²) (0 when every
	// δ is 0).
	Stress1 float64
	// Iter is the number of SMACOF iterations of the winning start (0 for
	// classical scaling).
	Iter int
	// History is the raw stress of the start configuration and after each
	// SMACOF iteration of the winning start (nil for classical scaling).
	History []float64
	// Eigenvalues are all n eigenvalues of the double-centred matrix B in
	// descending order (classical scaling only). Large negative ones mean
	// the dissimilarities are far from Euclidean.
	Eigenvalues []float64
}

// dissimilarities validates r and returns its condensed vector with
// negative values set to 0 (NaN kept).
func dissimilarities(r *rdm.RDM, dim int) ([]float64, error) {
	if r == nil {
		return nil, errors.New("mds: no RDM")
	}
	if r.N < 3 {
		return nil, fmt.Errorf("mds: an RDM needs at least 3 conditions, have %d", r.N)
	}
	if len(r.Vec) != rdm.Pairs(r.N) {
		return nil, fmt.Errorf("mds: RDM over %d conditions has %d dissimilarities, want %d", r.N, len(r.Vec), rdm.Pairs(r.N))
	}
	if dim < 1 || dim >= r.N {
		return nil, fmt.Errorf("mds: cannot embed %d conditions in %d dimensions (want 1 … %d)", r.N, dim, r.N-1)
	}
	d := make([]float64, len(r.Vec))
	nan := 0
	for k, v := range r.Vec {
		switch {
		case math.IsInf(v, 0):
			i, j := pairOf(r.N, k)
			return nil, fmt.Errorf("mds: dissimilarity of conditions %d and %d is infinite", i, j)
		case math.IsNaN(v):
			nan++
			d[k] = v
		default:
			d[k] = max(v, 0)
		}
	}
	if nan == len(d) {
		return nil, errors.New("mds: every dissimilarity is NaN")
	}
	return d, nil
}

// pairOf returns (i, j) of condensed position k.
func pairOf(n, k int) (int, int) {
	for i := 0; i < n; i++ {
		row := n - 1 - i
		if k < row {
			return i, i + 1 + k
		}
		k -= row
	}
	return -1, -1
}

// Distances returns the condensed vector of Euclidean distances between
// the rows of x (upper triangle, row-major, i < j).
func Distances(x mat.Matrix) []float64 {
	n, dim := x.Dims()
	out := make([]float64, 0, rdm.Pairs(n))
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			s := 0.0
			for c := 0; c < dim; c++ {
				t := x.At(i, c) - x.At(j, c)
				s += t * t
			}
			out = append(out, math.Sqrt(s))
		}
	}
	return out
}

// stress returns σ and Σ w δ² of configuration distances dist.
func stress(delta, w, dist []float64) (sigma, eta2 float64) {
	for k, d := range delta {
		if math.IsNaN(d) {
			continue
		}
		wk := 1.0
		if w != nil {
			wk = w[k]
		}
		e := d - dist[k]
		sigma += wk * e * e
		eta2 += wk * d * d
	}
	return sigma, eta2
}

// canonical centres x and rotates it to its principal axes in place
// (largest variance first), then makes each column's entry of largest
// magnitude positive.
func canonical(x *mat.Dense) {
	n, dim := x.Dims()
	for c := 0; c < dim; c++ {
		m := 0.0
		for i := 0; i < n; i++ {
			m += x.At(i, c)
		}
		m /= float64(n)
		for i := 0; i < n; i++ {
			x.Set(i, c, x.At(i, c)-m)
		}
	}
	if dim > 1 {
		var cov mat.SymDense
		cov.SymOuterK(1, x.T())
		var eig mat.EigenSym
		if eig.Factorize(&cov, true) {
			var u mat.Dense
			eig.VectorsTo(&u)
			vals := eig.Values(nil)
			order := make([]int, dim)
			for i := range order {
				order[i] = i
			}
			sort.SliceStable(order, func(a, b int) bool { return vals[order[a]] > vals[order[b]] })
			r := mat.NewDense(dim, dim, nil)
			for c, o := range order {
				for i := 0; i < dim; i++ {
					r.Set(i, c, u.At(i, o))
				}
			}
			var rot mat.Dense
			rot.Mul(x, r)
			x.Copy(&rot)
		}
	}
	fixSigns(x)
}

// fixSigns flips each column so that its first entry of largest
// magnitude is positive.
func fixSigns(x *mat.Dense) {
	n, dim := x.Dims()
	for c := 0; c < dim; c++ {
		best, at := -1.0, 0
		for i := 0; i < n; i++ {
			if a := math.Abs(x.At(i, c)); a > best*(1+1e-12) {
				best, at = a, i
			}
		}
		if x.At(at, c) < 0 {
			for i := 0; i < n; i++ {
				x.Set(i, c, -x.At(i, c))
			}
		}
	}
}

func finish(x *mat.Dense, delta, w []float64) *Result {
	canonical(x)
	sigma, eta2 := stress(delta, w, Distances(x))
	res := &Result{X: x, Stress: sigma}
	if eta2 > 0 {
		res.Stress1 = math.Sqrt(sigma / eta2)
	}
	return res
}

// Classical returns the classical (Torgerson) scaling of r in dim
// dimensions: the top dim eigenvectors of B = −½ H Δ² H scaled by the
// square roots of their (non-negative) eigenvalues. It needs every
// dissimilarity (NaN is an error); negative ones count as 0.
func Classical(r *rdm.RDM, dim int) (*Result, error) {
	delta, err := dissimilarities(r, dim)
	if err != nil {
		return nil, err
	}
	n := r.N
	for k, v := range delta {
		if math.IsNaN(v) {
			i, j := pairOf(n, k)
			return nil, fmt.Errorf("mds: classical scaling needs every dissimilarity; conditions %d and %d have NaN (use SMACOF, which skips them)", i, j)
		}
	}
	// B = −½ H Δ² H: double centring of the squared dissimilarities.
	a := make([]float64, n*n)
	k := 0
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			v := -0.5 * delta[k] * delta[k]
			a[i*n+j], a[j*n+i] = v, v
			k++
		}
	}
	row := make([]float64, n)
	all := 0.0
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			row[i] += a[i*n+j]
		}
		all += row[i]
		row[i] /= float64(n)
	}
	all /= float64(n * n)
	b := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			b.SetSym(i, j, a[i*n+j]-row[i]-row[j]+all)
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(b, true) {
		return nil, errors.New("mds: eigen-decomposition did not converge")
	}
	vals := eig.Values(nil) // ascending
	var u mat.Dense
	eig.VectorsTo(&u)
	x := mat.NewDense(n, dim, nil)
	for c := 0; c < dim; c++ {
		col := n - 1 - c
		s := math.Sqrt(max(vals[col], 0))
		for i := 0; i < n; i++ {
			x.Set(i, c, u.At(i, col)*s)
		}
	}
	desc := make([]float64, n)
	for i := range desc {
		desc[i] = vals[n-1-i]
	}
	res := finish(x, delta, nil)
	res.Eigenvalues = desc
	return res, nil
}
