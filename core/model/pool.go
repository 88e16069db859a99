package model

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// regressMethods are the comparison methods with a closed-form fit.
var regressMethods = map[string]bool{"cosine": true, "corr": true, "cosine_cov": true, "corr_cov": true}

// poolForFit returns the pooled data RDM that fit_regress regresses on
// (rsatoolbox util/pooling.py::pool_rdm; see the package documentation).
func poolForFit(data *mat.Dense, method string, n int, sigmaK mat.Matrix) ([]float64, error) {
	nd, m := data.Dims()
	rows := make([][]float64, nd)
	for d := range rows {
		rows[d] = append([]float64(nil), data.RawRowView(d)...)
		mean, cnt := 0.0, 0
		for _, v := range rows[d] {
			if !math.IsNaN(v) {
				mean += v
				cnt++
			}
		}
		if cnt == 0 {
			return nil, fmt.Errorf("data RDM %d is all NaN", d)
		}
		mean /= float64(cnt)
		switch method {
		case "cosine":
			ss := 0.0
			for _, v := range rows[d] {
				if !math.IsNaN(v) {
					ss += v * v
				}
			}
			if ss == 0 {
				return nil, fmt.Errorf("data RDM %d is all zeros: it has no direction to fit (cosine)", d)
			}
			scaleRow(rows[d], 1/math.Sqrt(ss/float64(cnt)))
		case "corr":
			ss := 0.0
			for j, v := range rows[d] {
				rows[d][j] = v - mean
				if !math.IsNaN(v) {
					ss += (v - mean) * (v - mean)
				}
			}
			if ss == 0 {
				return nil, fmt.Errorf("data RDM %d is constant: its correlation with any model is undefined", d)
			}
			scaleRow(rows[d], 1/math.Sqrt(ss/float64(cnt)))
		case "corr_cov":
			for j := range rows[d] {
				rows[d][j] -= mean
			}
		}
	}
	if method == "cosine_cov" || method == "corr_cov" {
		// V restricted to the pairs finite in every data RDM.
		ok := make([]bool, m)
		for j := range ok {
			ok[j] = true
			for d := range rows {
				if math.IsNaN(rows[d][j]) || math.IsInf(rows[d][j], 0) {
					ok[j] = false
					break
				}
			}
		}
		vi, err := newVInv(n, sigmaK, ok)
		if err != nil {
			return nil, fmt.Errorf("pool data RDMs (%s): %w", method, err)
		}
		x := make([]float64, vi.Len())
		for d := range rows {
			for i, j := range vi.keep {
				x[i] = rows[d][j]
			}
			wx, err := vi.Apply(x)
			if err != nil {
				return nil, fmt.Errorf("pool data RDMs (%s): %w", method, err)
			}
			q := 0.0
			for i := range x {
				q += x[i] * wx[i]
			}
			if !(q > 0) {
				return nil, fmt.Errorf("data RDM %d has zero norm under the RDM covariance (%s)", d, method)
			}
			scaleRow(rows[d], 1/math.Sqrt(q))
		}
	}
	// _nan_mean: positions that are NaN in the first data RDM stay NaN;
	// elsewhere the plain mean (NaN if any RDM is NaN there).
	y := make([]float64, m)
	for j := range y {
		if math.IsNaN(rows[0][j]) {
			y[j] = math.NaN()
			continue
		}
		for d := range rows {
			y[j] += rows[d][j]
		}
		y[j] /= float64(nd)
	}
	if method == "corr" || method == "corr_cov" {
		lo := math.Inf(1)
		for _, v := range y {
			if v < lo {
				lo = v
			}
		}
		for j := range y {
			y[j] += 0.01 - lo
		}
	}
	return y, nil
}

func scaleRow(r []float64, s float64) {
	for j := range r {
		r[j] *= s
	}
}
