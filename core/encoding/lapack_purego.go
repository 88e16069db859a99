//go:build purego

package encoding

import (
	"errors"

	"gonum.org/v1/gonum/mat"
)

const lapackName = "gonum LAPACK (pure Go)"

// eigSym: see lapack_openblas.go. Pure-Go fallback with gonum's EigenSym.
func eigSym(n int, a, w []float64) error {
	if n == 0 {
		return nil
	}
	var es mat.EigenSym
	if !es.Factorize(mat.NewSymDense(n, a), true) {
		return errors.New("eigendecomposition did not converge")
	}
	es.Values(w)
	var v mat.Dense
	es.VectorsTo(&v)
	for k := 0; k < n; k++ {
		for i := 0; i < n; i++ {
			a[k*n+i] = v.At(i, k)
		}
	}
	return nil
}

// svdThin: see lapack_openblas.go. Pure-Go fallback with gonum's SVD.
func svdThin(m, n int, a []float64) (u, s, vt []float64, err error) {
	k := min(m, n)
	if k == 0 {
		return nil, nil, nil, nil
	}
	var sv mat.SVD
	if !sv.Factorize(mat.NewDense(m, n, a), mat.SVDThin) {
		return nil, nil, nil, errors.New("SVD did not converge")
	}
	s = sv.Values(nil)
	var um, vm mat.Dense
	sv.UTo(&um)
	sv.VTo(&vm)
	u = make([]float64, m*k)
	for i := 0; i < m; i++ {
		copy(u[i*k:(i+1)*k], um.RawRowView(i)[:k])
	}
	vt = make([]float64, k*n)
	for j := 0; j < n; j++ {
		for i := 0; i < k; i++ {
			vt[i*n+j] = vm.At(j, i)
		}
	}
	return u, s, vt, nil
}
