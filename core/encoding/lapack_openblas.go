//go:build !purego

package encoding

/*
#cgo LDFLAGS: -lopenblas
#include <stddef.h>

extern void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a,
	const int *lda, double *w, double *work, const int *lwork, int *iwork,
	const int *liwork, int *info, size_t ljobz, size_t luplo);
extern void dgesdd_(const char *jobz, const int *m, const int *n, double *a,
	const int *lda, double *s, double *u, const int *ldu, double *vt,
	const int *ldvt, double *work, const int *lwork, int *iwork, int *info,
	size_t ljobz);
*/
import "C"

import (
	"fmt"
	"math"
	"unsafe"
)

// lapackName is the eigen/SVD back end, for messages and benchmarks.
const lapackName = "OpenBLAS LAPACK (dsyevd, dgesdd)"

// eigSym computes the eigendecomposition of the symmetric n × n matrix
// stored row-major in a (both triangles must hold the matrix) with LAPACK's
// divide-and-conquer dsyevd. On return w holds the eigenvalues in
// ascending order and a holds the eigenvectors as ROWS: a[k*n+i] is
// component i of eigenvector k (so a, read row-major, is Vᵀ).
func eigSym(n int, a, w []float64) error {
	if n == 0 {
		return nil
	}
	if n > math.MaxInt32/n {
		return fmt.Errorf("eigendecomposition of %d × %d is too large for LAPACK", n, n)
	}
	jobz, uplo := C.char('V'), C.char('U')
	cn := C.int(n)
	var info C.int
	lwork, liwork := C.int(-1), C.int(-1)
	var wq C.double
	var iq C.int
	C.dsyevd_(&jobz, &uplo, &cn, (*C.double)(unsafe.Pointer(&a[0])), &cn, (*C.double)(unsafe.Pointer(&w[0])),
		&wq, &lwork, &iq, &liwork, &info, 1, 1)
	if info != 0 {
		return fmt.Errorf("dsyevd workspace query failed (info %d)", int(info))
	}
	work := make([]float64, int(wq)+1)
	iwork := make([]int32, int(iq)+1)
	lwork, liwork = C.int(len(work)), C.int(len(iwork))
	C.dsyevd_(&jobz, &uplo, &cn, (*C.double)(unsafe.Pointer(&a[0])), &cn, (*C.double)(unsafe.Pointer(&w[0])),
		(*C.double)(unsafe.Pointer(&work[0])), &lwork, (*C.int)(unsafe.Pointer(&iwork[0])), &liwork, &info, 1, 1)
	if info != 0 {
		return fmt.Errorf("eigendecomposition did not converge (dsyevd info %d)", int(info))
	}
	return nil
}

// svdThin computes the thin SVD A = U diag(s) Vᵀ of the row-major m × n
// matrix a (destroyed) with LAPACK's dgesdd. k = min(m, n). It returns U
// as a row-major m × k slice, s (k, descending) and Vᵀ as a row-major
// k × n slice.
func svdThin(m, n int, a []float64) (u, s, vt []float64, err error) {
	k := min(m, n)
	if k == 0 {
		return nil, nil, nil, nil
	}
	if m > math.MaxInt32/n {
		return nil, nil, nil, fmt.Errorf("SVD of %d × %d is too large for LAPACK", m, n)
	}
	// Row-major A (m × n) is column-major Aᵀ (n × m). The SVD of Aᵀ =
	// V diag(s) Uᵀ gives, column-major, "U" = V (n × k) and "Vᵀ" = Uᵀ
	// (k × m); read row-major these are Vᵀ (k × n) and U (m × k).
	jobz := C.char('S')
	cm, cn := C.int(n), C.int(m) // dimensions of Aᵀ
	lda := cm
	s = make([]float64, k)
	vtOut := make([]float64, k*n) // column-major n × k  == row-major k × n: Vᵀ
	uOut := make([]float64, m*k)  // column-major k × m  == row-major m × k: U
	ldu := cm
	ldvt := C.int(k)
	iwork := make([]int32, 8*k)
	var info C.int
	lwork := C.int(-1)
	var wq C.double
	C.dgesdd_(&jobz, &cm, &cn, (*C.double)(unsafe.Pointer(&a[0])), &lda, (*C.double)(unsafe.Pointer(&s[0])),
		(*C.double)(unsafe.Pointer(&vtOut[0])), &ldu, (*C.double)(unsafe.Pointer(&uOut[0])), &ldvt,
		&wq, &lwork, (*C.int)(unsafe.Pointer(&iwork[0])), &info, 1)
	if info != 0 {
		return nil, nil, nil, fmt.Errorf("dgesdd workspace query failed (info %d)", int(info))
	}
	work := make([]float64, int(wq)+1)
	lwork = C.int(len(work))
	C.dgesdd_(&jobz, &cm, &cn, (*C.double)(unsafe.Pointer(&a[0])), &lda, (*C.double)(unsafe.Pointer(&s[0])),
		(*C.double)(unsafe.Pointer(&vtOut[0])), &ldu, (*C.double)(unsafe.Pointer(&uOut[0])), &ldvt,
		(*C.double)(unsafe.Pointer(&work[0])), &lwork, (*C.int)(unsafe.Pointer(&iwork[0])), &info, 1)
	if info != 0 {
		return nil, nil, nil, fmt.Errorf("SVD did not converge (dgesdd info %d)", int(info))
	}
	return uOut, s, vtOut, nil
}
