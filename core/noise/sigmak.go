package noise

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// grouping assigns rows to labels in ascending label order.
type grouping struct {
	idx    []int
	labels []float64
	counts []int
}

func group(labels []float64, n int) (*grouping, error) {
	if len(labels) != n {
		return nil, fmt.Errorf("%d labels for %d observations (rows); give one label per row", len(labels), n)
	}
	for i, v := range labels {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("label of row %d is %v; labels must be finite numbers", i, v)
		}
	}
	u := slices.Clone(labels)
	slices.Sort(u)
	u = slices.Compact(u)
	g := &grouping{idx: make([]int, n), labels: u, counts: make([]int, len(u))}
	for i, v := range labels {
		k, _ := slices.BinarySearch(u, v)
		g.idx[i] = k
		g.counts[k]++
	}
	return g, nil
}

// SigmaK estimates the noise covariance of the condition patterns,
// n_cond × n_cond in ascending order of the condition labels (returned
// too), from measurements x (observations × channels) with
// cross-validation folds (runs), as rsatoolbox sigmak_from_measurements:
//
//	Σ_k = Σ_f (U_f − U)(U_f − U)ᵀ / (n_f − 1) / p
//
// where W = x·P^{1/2} are the measurements whitened by the noise
// precision P (nil means the identity; P^{1/2} is the symmetric square
// root), U the condition means of W, U_f those within fold f, and n_f
// the number of folds in which both conditions of a cell occur. A cell
// with fewer than 2 such folds is NaN.
func SigmaK(x mat.Matrix, conditions, folds []float64, precision mat.Matrix) (*mat.SymDense, []float64, error) {
	if x == nil {
		return nil, nil, errors.New("no measurements")
	}
	nObs, p := x.Dims()
	if p == 0 {
		return nil, nil, errors.New("measurements have no channels")
	}
	gc, err := group(conditions, nObs)
	if err != nil {
		return nil, nil, fmt.Errorf("conditions: %w", err)
	}
	gf, err := group(folds, nObs)
	if err != nil {
		return nil, nil, fmt.Errorf("folds: %w", err)
	}
	if len(gf.counts) < 2 {
		return nil, nil, fmt.Errorf("Σ_k needs at least 2 folds; all observations are in fold %v", gf.labels[0])
	}
	w := mat.DenseCopyOf(x)
	if precision != nil {
		r, c := precision.Dims()
		if r != p || c != p {
			return nil, nil, fmt.Errorf("noise precision is %d × %d; it must be %d × %d", r, c, p, p)
		}
		root, err := sqrtSym(precision)
		if err != nil {
			return nil, nil, err
		}
		w.Mul(w, root)
	}
	nc, nf := len(gc.counts), len(gf.counts)
	u := mat.NewDense(nc, p, nil)
	for a, k := range gc.idx {
		row := u.RawRowView(k)
		for j, v := range w.RawRowView(a) {
			row[j] += v
		}
	}
	for k, c := range gc.counts {
		row := u.RawRowView(k)
		for j := range row {
			row[j] /= float64(c)
		}
	}
	sum := mat.NewDense(nc, nc, nil)
	npair := mat.NewDense(nc, nc, nil)
	uf := mat.NewDense(nc, p, nil)
	cnt := make([]int, nc)
	for f := 0; f < nf; f++ {
		uf.Zero()
		clear(cnt)
		for a, k := range gc.idx {
			if gf.idx[a] != f {
				continue
			}
			row := uf.RawRowView(k)
			for j, v := range w.RawRowView(a) {
				row[j] += v
			}
			cnt[k]++
		}
		for k, c := range cnt {
			if c == 0 {
				continue
			}
			row, mu := uf.RawRowView(k), u.RawRowView(k)
			for j := range row {
				row[j] = row[j]/float64(c) - mu[j]
			}
		}
		for k := 0; k < nc; k++ {
			if cnt[k] == 0 {
				continue
			}
			for l := k; l < nc; l++ {
				if cnt[l] == 0 {
					continue
				}
				sum.Set(k, l, sum.At(k, l)+mat.Dot(uf.RowView(k), uf.RowView(l)))
				npair.Set(k, l, npair.At(k, l)+1)
			}
		}
	}
	out := mat.NewSymDense(nc, nil)
	for k := 0; k < nc; k++ {
		for l := k; l < nc; l++ {
			v := math.NaN()
			if np := npair.At(k, l); np >= 2 {
				v = sum.At(k, l) / (np - 1) / float64(p)
			}
			out.SetSym(k, l, v)
		}
	}
	return out, gc.labels, nil
}

// sqrtSym returns the symmetric square root U·diag(√λ)·Uᵀ of a symmetric
// positive semi-definite matrix (scipy.linalg.sqrtm for such matrices).
func sqrtSym(m mat.Matrix) (*mat.Dense, error) {
	p, _ := m.Dims()
	s := mat.NewSymDense(p, nil)
	for i := 0; i < p; i++ {
		for j := i; j < p; j++ {
			s.SetSym(i, j, (m.At(i, j)+m.At(j, i))/2)
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(s, true) {
		return nil, errors.New("the noise precision could not be decomposed")
	}
	vals := eig.Values(nil)
	var vec mat.Dense
	eig.VectorsTo(&vec)
	for i, v := range vals {
		if v < -1e-10*math.Abs(vals[len(vals)-1]) {
			return nil, fmt.Errorf("the noise precision is not positive semi-definite (eigenvalue %g)", v)
		}
		vals[i] = math.Sqrt(max(v, 0))
	}
	var tmp, out mat.Dense
	tmp.Mul(&vec, mat.NewDiagDense(p, vals))
	out.Mul(&tmp, vec.T())
	return &out, nil
}
