package encoding

import (
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/mat"
)

// R2 returns, per column j, the coefficient of determination of the
// predictions yhat for y over the rows:
//
//	R²_j = 1 − Σ_i (y_ij − ŷ_ij)² / Σ_i (y_ij − ȳ_j)²,
//
// and 0 when column j of y is constant (SStot = 0), as
// himalaya.scoring.r2_score. Columns holding NaN give NaN.
func R2(y, yhat mat.Matrix) ([]float64, error) {
	n, t := y.Dims()
	if n2, t2 := yhat.Dims(); n2 != n || t2 != t {
		return nil, fmt.Errorf("targets are %d × %d but predictions %d × %d", n, t, n2, t2)
	}
	out := make([]float64, t)
	for j := 0; j < t; j++ {
		mean := 0.0
		for i := 0; i < n; i++ {
			mean += y.At(i, j)
		}
		mean /= float64(n)
		var res, tot float64
		constant := true
		y0 := y.At(0, j)
		for i := 0; i < n; i++ {
			v := y.At(i, j)
			d := v - yhat.At(i, j)
			res += d * d
			c := v - mean
			tot += c * c
			if v != y0 {
				constant = false
			}
		}
		switch {
		case math.IsNaN(res) || math.IsNaN(tot):
			out[j] = math.NaN()
		case constant || tot == 0:
			out[j] = 0
		default:
			out[j] = 1 - res/tot
		}
	}
	return out, nil
}

// Pearson returns, per column j, the Pearson correlation over the rows of
// column j of a and of b:
//
//	r_j = Σ_i (a_ij − ā_j)(b_ij − b̄_j) / √(Σ_i (a_ij − ā_j)² Σ_i (b_ij − b̄_j)²),
//
// NaN when either column is constant.
func Pearson(a, b mat.Matrix) ([]float64, error) {
	n, t := a.Dims()
	if n2, t2 := b.Dims(); n2 != n || t2 != t {
		return nil, fmt.Errorf("matrices are %d × %d and %d × %d", n, t, n2, t2)
	}
	out := make([]float64, t)
	for j := 0; j < t; j++ {
		var ma, mb float64
		for i := 0; i < n; i++ {
			ma += a.At(i, j)
			mb += b.At(i, j)
		}
		ma /= float64(n)
		mb /= float64(n)
		var sab, saa, sbb float64
		ca, cb := true, true
		a0, b0 := a.At(0, j), b.At(0, j)
		for i := 0; i < n; i++ {
			va, vb := a.At(i, j), b.At(i, j)
			if va != a0 {
				ca = false
			}
			if vb != b0 {
				cb = false
			}
			da, db := va-ma, vb-mb
			sab += da * db
			saa += da * da
			sbb += db * db
		}
		if ca || cb || saa == 0 || sbb == 0 {
			out[j] = math.NaN()
			continue
		}
		out[j] = sab / math.Sqrt(saa*sbb)
	}
	return out, nil
}

// Median is the median of the non-NaN values of x (the mean of the two
// middle values for an even count), NaN when there are none: xarray's
// default median(skipna=True), which Brain-Score uses over neuroids.
func Median(x []float64) float64 {
	v := make([]float64, 0, len(x))
	for _, f := range x {
		if !math.IsNaN(f) {
			v = append(v, f)
		}
	}
	if len(v) == 0 {
		return math.NaN()
	}
	sort.Float64s(v)
	m := len(v) / 2
	if len(v)%2 == 1 {
		return v[m]
	}
	return (v[m-1] + v[m]) / 2
}

// nanMean is the mean of the non-NaN values of x (NaN when there are
// none), as xarray's mean(skipna=True) that Brain-Score aggregates with.
func nanMean(x []float64) float64 {
	s, c := 0.0, 0
	for _, v := range x {
		if !math.IsNaN(v) {
			s += v
			c++
		}
	}
	if c == 0 {
		return math.NaN()
	}
	return s / float64(c)
}

// mean is the arithmetic mean of x (NaN propagates, as numpy's mean).
func mean(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}
