package nifti

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// quaternToAffine builds the qform affine (nifti1_io.c
// nifti_quatern_to_mat44): with a = √(1 − b² − c² − d²) (a = 0 and (b, c,
// d) normalised when that is below 1e-7),
//
//	R = ⎡a²+b²−c²−d²   2(bc−ad)     2(bd+ac)   ⎤
//	    ⎢2(bc+ad)      a²+c²−b²−d²  2(cd−ab)   ⎥
//	    ⎣2(bd−ac)      2(cd+ab)     a²+d²−c²−b²⎦
//
// and the affine's columns are R's scaled by the voxel sizes (dz times
// qfac), its last column the offsets. Non-positive sizes count as 1.
func quaternToAffine(q, off [3]float64, size [3]float64, qfac float64) [4][4]float64 {
	b, c, d := q[0], q[1], q[2]
	a := 1 - (b*b + c*c + d*d)
	if a < 1e-7 {
		n := math.Sqrt(b*b + c*c + d*d)
		if n > 0 {
			b, c, d = b/n, c/n, d/n
		}
		a = 0
	} else {
		a = math.Sqrt(a)
	}
	for k := range size {
		if !(size[k] > 0) {
			size[k] = 1
		}
	}
	if qfac < 0 {
		size[2] = -size[2]
	}
	r := [3][3]float64{
		{a*a + b*b - c*c - d*d, 2 * (b*c - a*d), 2 * (b*d + a*c)},
		{2 * (b*c + a*d), a*a + c*c - b*b - d*d, 2 * (c*d - a*b)},
		{2 * (b*d - a*c), 2 * (c*d + a*b), a*a + d*d - c*c - b*b},
	}
	var m [4][4]float64
	for i := range 3 {
		for j := range 3 {
			m[i][j] = r[i][j] * size[j]
		}
		m[i][3] = off[i]
	}
	m[3] = [4]float64{0, 0, 0, 1}
	for i := range 3 {
		for j := range 4 {
			if math.IsNaN(m[i][j]) || math.IsInf(m[i][j], 0) {
				return [4][4]float64{{size[0], 0, 0, 0}, {0, math.Abs(size[1]), 0, 0}, {0, 0, math.Abs(size[2]), 0}, {0, 0, 0, 1}}
			}
		}
	}
	return m
}

// affineToQuatern is the inverse (nifti1_io.c nifti_mat44_to_quatern):
// the voxel sizes are the column norms of the 3×3 part, the rotation is
// the orthogonal matrix nearest to the normalised columns (polar
// decomposition, U·Vᵀ of their SVD), qfac = −1 when its determinant is
// negative (the third column is then flipped), and (b, c, d) follow from
// the rotation with a ≥ 0.
func affineToQuatern(m [4][4]float64) (q, off, size [3]float64, qfac float64) {
	off = [3]float64{m[0][3], m[1][3], m[2][3]}
	var r [3][3]float64
	for j := range 3 {
		n := math.Sqrt(m[0][j]*m[0][j] + m[1][j]*m[1][j] + m[2][j]*m[2][j])
		if n == 0 || math.IsNaN(n) || math.IsInf(n, 0) {
			n = 1
			for i := range 3 {
				r[i][j] = 0
			}
			r[j][j] = 1
		} else {
			for i := range 3 {
				r[i][j] = m[i][j] / n
			}
		}
		size[j] = n
	}
	// nearest orthogonal matrix
	a := mat.NewDense(3, 3, []float64{r[0][0], r[0][1], r[0][2], r[1][0], r[1][1], r[1][2], r[2][0], r[2][1], r[2][2]})
	var svd mat.SVD
	if svd.Factorize(a, mat.SVDFull) {
		var u, v, o mat.Dense
		svd.UTo(&u)
		svd.VTo(&v)
		o.Mul(&u, v.T())
		for i := range 3 {
			for j := range 3 {
				r[i][j] = o.At(i, j)
			}
		}
	}
	det := r[0][0]*(r[1][1]*r[2][2]-r[1][2]*r[2][1]) - r[0][1]*(r[1][0]*r[2][2]-r[1][2]*r[2][0]) + r[0][2]*(r[1][0]*r[2][1]-r[1][1]*r[2][0])
	qfac = 1
	if det < 0 {
		qfac = -1
		for i := range 3 {
			r[i][2] = -r[i][2]
		}
	}
	var qa, qb, qc, qd float64
	tr := r[0][0] + r[1][1] + r[2][2] + 1
	if tr > 0.5 {
		qa = 0.5 * math.Sqrt(tr)
		qb = 0.25 * (r[2][1] - r[1][2]) / qa
		qc = 0.25 * (r[0][2] - r[2][0]) / qa
		qd = 0.25 * (r[1][0] - r[0][1]) / qa
	} else {
		xd := 1 + r[0][0] - (r[1][1] + r[2][2])
		yd := 1 + r[1][1] - (r[0][0] + r[2][2])
		zd := 1 + r[2][2] - (r[0][0] + r[1][1])
		switch {
		case xd > 1:
			qb = 0.5 * math.Sqrt(xd)
			qc = 0.25 * (r[0][1] + r[1][0]) / qb
			qd = 0.25 * (r[0][2] + r[2][0]) / qb
			qa = 0.25 * (r[2][1] - r[1][2]) / qb
		case yd > 1:
			qc = 0.5 * math.Sqrt(yd)
			qb = 0.25 * (r[0][1] + r[1][0]) / qc
			qd = 0.25 * (r[1][2] + r[2][1]) / qc
			qa = 0.25 * (r[0][2] - r[2][0]) / qc
		default:
			qd = 0.5 * math.Sqrt(zd)
			qb = 0.25 * (r[0][2] + r[2][0]) / qd
			qc = 0.25 * (r[1][2] + r[2][1]) / qd
			qa = 0.25 * (r[1][0] - r[0][1]) / qd
		}
		if qa < 0 {
			qb, qc, qd = -qb, -qc, -qd
		}
	}
	return [3]float64{qb, qc, qd}, off, size, qfac
}

// validAffine reports whether m is finite with an invertible 3×3 part.
func validAffine(m [4][4]float64) bool {
	for i := range 3 {
		for j := range 4 {
			if math.IsNaN(m[i][j]) || math.IsInf(m[i][j], 0) {
				return false
			}
		}
	}
	det := m[0][0]*(m[1][1]*m[2][2]-m[1][2]*m[2][1]) - m[0][1]*(m[1][0]*m[2][2]-m[1][2]*m[2][0]) + m[0][2]*(m[1][0]*m[2][1]-m[1][1]*m[2][0])
	return det != 0 && !math.IsNaN(det)
}

// SameGrid reports whether two grids have the same sizes and affines that
// agree within tol (in world units, typically mm) at every corner of the
// grid.
func SameGrid(dims1 [3]int, a1 [4][4]float64, dims2 [3]int, a2 [4][4]float64, tol float64) bool {
	if dims1 != dims2 {
		return false
	}
	for c := range 8 {
		ijk := [3]float64{}
		for d := range 3 {
			if c>>d&1 == 1 {
				ijk[d] = float64(dims1[d] - 1)
			}
		}
		for r := range 3 {
			w1 := a1[r][0]*ijk[0] + a1[r][1]*ijk[1] + a1[r][2]*ijk[2] + a1[r][3]
			w2 := a2[r][0]*ijk[0] + a2[r][1]*ijk[1] + a2[r][2]*ijk[2] + a2[r][3]
			if !(math.Abs(w1-w2) <= tol) {
				return false
			}
		}
	}
	return true
}
