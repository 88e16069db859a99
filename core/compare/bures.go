package compare

import (
	"context"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Kernel returns the double-centred second-moment matrix G = H(−D/2)H of
// an RDM vector over n conditions, D the full symmetric matrix with zero
// diagonal and H = I − 11ᵀ/n:
//
//	G_ij = −(d_ij − d̄_i· − d̄_·j + d̄··)/2
func Kernel(v []float64, n int) *mat.SymDense {
	d := make([]float64, n*n)
	for i, k := 0, 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			d[i*n+j], d[j*n+i] = v[k], v[k]
			k++
		}
	}
	row := make([]float64, n)
	all := 0.0
	for i := 0; i < n; i++ {
		for _, x := range d[i*n : (i+1)*n] {
			row[i] += x
		}
		all += row[i]
		row[i] /= float64(n)
	}
	all /= float64(n * n)
	g := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			g.SetSym(i, j, -(d[i*n+j]-row[i]-row[j]+all)/2)
		}
	}
	return g
}

// psdSqrt returns A^{1/2} = U diag(√max(λ, 0)) Uᵀ.
func psdSqrt(a *mat.SymDense) (*mat.SymDense, error) {
	var e mat.EigenSym
	if !e.Factorize(a, true) {
		return nil, fmt.Errorf("eigendecomposition failed")
	}
	var u mat.Dense
	e.VectorsTo(&u)
	vals := e.Values(nil)
	n := len(vals)
	us := mat.NewDense(n, n, nil)
	us.Copy(&u)
	for j, l := range vals {
		s := math.Sqrt(math.Sqrt(max(l, 0))) // (UΛ^{1/4})(UΛ^{1/4})ᵀ = UΛ^{1/2}Uᵀ
		for i := 0; i < n; i++ {
			us.Set(i, j, us.At(i, j)*s)
		}
	}
	out := mat.NewSymDense(n, nil)
	out.SymOuterK(1, us)
	return out, nil
}

// BuresNuclear returns tr((A^{1/2} B A^{1/2})^{1/2}) = Σ √max(λ, 0) over
// the eigenvalues λ of A^{1/2}BA^{1/2}, given sa = A^{1/2}: the fidelity
// term of the Bures distance, equal to the nuclear norm of A^{1/2}B^{1/2}.
func BuresNuclear(sa, b *mat.SymDense) (float64, error) {
	n := sa.SymmetricDim()
	var t, c mat.Dense
	t.Mul(sa, b)
	c.Mul(&t, sa)
	cs := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			cs.SetSym(i, j, (c.At(i, j)+c.At(j, i))/2)
		}
	}
	var e mat.EigenSym
	if !e.Factorize(cs, false) {
		return 0, fmt.Errorf("eigendecomposition failed")
	}
	s := 0.0
	for _, l := range e.Values(nil) {
		s += math.Sqrt(max(l, 0))
	}
	return s, nil
}

// compareBures fills the bures similarity (or the squared Bures distance
// when metric) of the rows of x and y.
func compareBures(ctx context.Context, x, y *mat.Dense, n int, metric bool) (*mat.Dense, error) {
	n1, _ := x.Dims()
	n2, _ := y.Dims()
	sa := make([]*mat.SymDense, n1)
	ta := make([]float64, n1)
	for i := range sa {
		g := Kernel(x.RawRowView(i), n)
		ta[i] = mat.Trace(g)
		var err error
		if sa[i], err = psdSqrt(g); err != nil {
			return nil, fmt.Errorf("compare bures: RDM %d of the first set: %w", i, err)
		}
	}
	gb := make([]*mat.SymDense, n2)
	tb := make([]float64, n2)
	for j := range gb {
		gb[j] = Kernel(y.RawRowView(j), n)
		tb[j] = mat.Trace(gb[j])
	}
	out := mat.NewDense(n1, n2, nil)
	nf := float64(n)
	err := pairwise(ctx, out, 12*nf*nf*nf, func(i, j int) (float64, error) {
		nuc, err := BuresNuclear(sa[i], gb[j])
		if err != nil {
			return 0, fmt.Errorf("compare bures: RDMs %d and %d: %w", i, j, err)
		}
		if metric {
			return ta[i] + tb[j] - 2*nuc, nil
		}
		return nuc / math.Sqrt(ta[i]*tb[j]), nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
