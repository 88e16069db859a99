package model

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// vInv applies the inverse of the RDM covariance V = Ξ∘Ξ, Ξ = C Σ_k Cᵀ
// (rsatoolbox util/matrix.py::get_v), restricted to a subset of the pairs,
// without forming the m × m matrix V (see the package documentation):
//
//	W = V⁻¹,  W a = triu(½ P A P),  P = Σ⁻¹ − Σ⁻¹11ᵀΣ⁻¹/(1ᵀΣ⁻¹1),
//	(V_oo)⁻¹ = W_oo − W_on W_nn⁻¹ W_no.
type vInv struct {
	n    int
	p    *mat.Dense // P, n × n
	keep []int      // kept pair positions (o), in order
	drop []int      // excluded pair positions (n)
	wnn  mat.Cholesky
	a    *mat.Dense // scratch n × n
	t    *mat.Dense // scratch n × n
}

// newVInv returns the operator for n conditions, stimulus covariance
// sigmaK (nil: identity) and the pairs with ok[j] true (nil: all pairs).
func newVInv(n int, sigmaK mat.Matrix, ok []bool) (*vInv, error) {
	m := n * (n - 1) / 2
	if ok != nil && len(ok) != m {
		return nil, fmt.Errorf("pair mask has %d entries, want %d", len(ok), m)
	}
	p := mat.NewDense(n, n, nil)
	if sigmaK == nil {
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				v := -1 / float64(n)
				if i == j {
					v++
				}
				p.Set(i, j, v)
			}
		}
	} else {
		r, c := sigmaK.Dims()
		if r != n || c != n {
			return nil, fmt.Errorf("Σ_k is %d × %d, want %d × %d (one row and column per condition)", r, c, n, n)
		}
		s := mat.NewSymDense(n, nil)
		for i := 0; i < n; i++ {
			for j := i; j < n; j++ {
				s.SetSym(i, j, (sigmaK.At(i, j)+sigmaK.At(j, i))/2)
			}
		}
		var ch mat.Cholesky
		if !ch.Factorize(s) {
			return nil, fmt.Errorf("Σ_k is not positive definite")
		}
		var si mat.SymDense
		if err := ch.InverseTo(&si); err != nil {
			return nil, fmt.Errorf("Σ_k: %w", err)
		}
		u := make([]float64, n) // Σ⁻¹1
		tot := 0.0
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				u[i] += si.At(i, j)
			}
			tot += u[i]
		}
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				p.Set(i, j, si.At(i, j)-u[i]*u[j]/tot)
			}
		}
	}
	v := &vInv{n: n, p: p, a: mat.NewDense(n, n, nil), t: mat.NewDense(n, n, nil)}
	for j := 0; j < m; j++ {
		if ok == nil || ok[j] {
			v.keep = append(v.keep, j)
		} else {
			v.drop = append(v.drop, j)
		}
	}
	if len(v.keep) == 0 {
		return nil, fmt.Errorf("every pair is excluded (NaN)")
	}
	if len(v.drop) > 0 {
		// W_nn[(k,l),(k',l')] = ½ (P_kk' P_ll' + P_kl' P_lk').
		ii, jj := pairIndices(n)
		d := len(v.drop)
		w := mat.NewSymDense(d, nil)
		for x := 0; x < d; x++ {
			k, l := ii[v.drop[x]], jj[v.drop[x]]
			for y := x; y < d; y++ {
				k2, l2 := ii[v.drop[y]], jj[v.drop[y]]
				w.SetSym(x, y, (p.At(k, k2)*p.At(l, l2)+p.At(k, l2)*p.At(l, k2))/2)
			}
		}
		if !v.wnn.Factorize(w) {
			return nil, fmt.Errorf("the pairs left after removing NaNs do not determine the RDM covariance")
		}
	}
	return v, nil
}

// pairIndices returns the row and column of every condensed position.
func pairIndices(n int) (ii, jj []int) {
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			ii = append(ii, i)
			jj = append(jj, j)
		}
	}
	return ii, jj
}

// applyFull sets dst = W x for full condensed vectors (length m).
func (v *vInv) applyFull(dst, x []float64) {
	n := v.n
	a := v.a.RawMatrix()
	k := 0
	for i := 0; i < n; i++ {
		a.Data[i*a.Stride+i] = 0
		for j := i + 1; j < n; j++ {
			a.Data[i*a.Stride+j] = x[k]
			a.Data[j*a.Stride+i] = x[k]
			k++
		}
	}
	v.t.Mul(v.p, v.a)
	v.a.Mul(v.t, v.p)
	k = 0
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			dst[k] = a.Data[i*a.Stride+j] / 2
			k++
		}
	}
}

// Len returns the number of kept pairs.
func (v *vInv) Len() int { return len(v.keep) }

// Apply returns (V_oo)⁻¹ x for x over the kept pairs (length Len()). It
// is not safe for concurrent use (it reuses scratch matrices).
func (v *vInv) Apply(x []float64) ([]float64, error) {
	m := v.n * (v.n - 1) / 2
	full := make([]float64, m)
	for i, j := range v.keep {
		full[j] = x[i]
	}
	y := make([]float64, m)
	v.applyFull(y, full)
	out := make([]float64, len(v.keep))
	for i, j := range v.keep {
		out[i] = y[j]
	}
	if len(v.drop) == 0 {
		return out, nil
	}
	yn := mat.NewVecDense(len(v.drop), nil)
	for i, j := range v.drop {
		yn.SetVec(i, y[j])
	}
	var z mat.VecDense
	if err := v.wnn.SolveVecTo(&z, yn); err != nil {
		if _, ill := err.(mat.Condition); !ill {
			return nil, err
		}
		return nil, fmt.Errorf("the pairs left after removing NaNs barely determine the RDM covariance (%v)", err)
	}
	for i := range full {
		full[i] = 0
	}
	for i, j := range v.drop {
		full[j] = z.AtVec(i)
	}
	v.applyFull(y, full)
	for i, j := range v.keep {
		out[i] -= y[j]
	}
	return out, nil
}
