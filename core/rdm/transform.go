package rdm

import (
	"fmt"
	"math"
	"slices"
	"sort"

	"gonum.org/v1/gonum/mat"
)

// Ties says how Rank ranks equal values (scipy.stats.rankdata's method).
type Ties int

const (
	// TiesAverage gives tied values the mean of the ranks they span.
	TiesAverage Ties = iota
	// TiesMin gives tied values the lowest rank they span.
	TiesMin
	// TiesMax gives tied values the highest rank they span.
	TiesMax
	// TiesDense numbers the distinct values 1, 2, 3, … with no gaps.
	TiesDense
	// TiesOrdinal ranks tied values in their order of appearance.
	TiesOrdinal
)

// ParseTies maps scipy's names "average", "min", "max", "dense" and
// "ordinal" to a Ties value.
func ParseTies(s string) (Ties, error) {
	switch s {
	case "average", "":
		return TiesAverage, nil
	case "min":
		return TiesMin, nil
	case "max":
		return TiesMax, nil
	case "dense":
		return TiesDense, nil
	case "ordinal":
		return TiesOrdinal, nil
	}
	return 0, fmt.Errorf("rank: unknown tie method %q (want average, min, max, dense or ordinal)", s)
}

// String returns scipy's name of the tie method.
func (t Ties) String() string {
	switch t {
	case TiesAverage:
		return "average"
	case TiesMin:
		return "min"
	case TiesMax:
		return "max"
	case TiesDense:
		return "dense"
	case TiesOrdinal:
		return "ordinal"
	}
	return fmt.Sprintf("Ties(%d)", int(t))
}

// Rank returns the 1-based ranks of x among its non-NaN entries, as
// scipy.stats.rankdata(x, method, nan_policy='omit'); NaN entries stay
// NaN. The sort is stable, so TiesOrdinal ranks equal values in order of
// appearance.
func Rank(x []float64, ties Ties) []float64 {
	r := make([]float64, len(x))
	idx := make([]int, 0, len(x))
	for i, v := range x {
		if math.IsNaN(v) {
			r[i] = math.NaN()
			continue
		}
		idx = append(idx, i)
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case x[a] < x[b]:
			return -1
		case x[a] > x[b]:
			return 1
		}
		return 0
	})
	dense := 0
	for i := 0; i < len(idx); {
		j := i + 1
		for j < len(idx) && x[idx[j]] == x[idx[i]] {
			j++
		}
		dense++
		for k := i; k < j; k++ {
			var v float64
			switch ties {
			case TiesMin:
				v = float64(i + 1)
			case TiesMax:
				v = float64(j)
			case TiesDense:
				v = float64(dense)
			case TiesOrdinal:
				v = float64(k + 1)
			default:
				v = float64(i+j+1) / 2 // mean of ranks i+1 … j
			}
			r[idx[k]] = v
		}
		i = j
	}
	return r
}

// eachRow returns a copy of rdms with fn applied to every row.
func eachRow(rdms *mat.Dense, fn func(dst, src []float64)) *mat.Dense {
	r, c := rdms.Dims()
	out := mat.NewDense(r, c, nil)
	for i := 0; i < r; i++ {
		fn(out.RawRowView(i), rdms.RawRowView(i))
	}
	return out
}

// RankTransform replaces every RDM (row) of rdms by its ranks, computed
// among its non-NaN entries (rsatoolbox rdm/transform.py::rank_transform).
func RankTransform(rdms *mat.Dense, ties Ties) *mat.Dense {
	return eachRow(rdms, func(dst, src []float64) { copy(dst, Rank(src, ties)) })
}

// PositiveTransform sets negative dissimilarities to 0: d ← max(d, 0)
// (rsatoolbox positive_transform). NaN stays NaN.
func PositiveTransform(rdms *mat.Dense) *mat.Dense {
	return eachRow(rdms, func(dst, src []float64) {
		for k, v := range src {
			if v < 0 {
				v = 0
			}
			dst[k] = v
		}
	})
}

// SqrtTransform returns √max(d, 0) elementwise (rsatoolbox
// sqrt_transform): negative entries, e.g. of crossnobis RDMs, become 0.
func SqrtTransform(rdms *mat.Dense) *mat.Dense {
	return eachRow(rdms, func(dst, src []float64) {
		for k, v := range src {
			if v < 0 {
				v = 0
			}
			dst[k] = math.Sqrt(v)
		}
	})
}

// nanMinMax returns the smallest and largest non-NaN entries of x (NaN,
// NaN when there are none).
func nanMinMax(x []float64) (lo, hi float64) {
	lo, hi = math.NaN(), math.NaN()
	for _, v := range x {
		if math.IsNaN(v) {
			continue
		}
		if math.IsNaN(lo) || v < lo {
			lo = v
		}
		if math.IsNaN(hi) || v > hi {
			hi = v
		}
	}
	return lo, hi
}

// MinMaxTransform rescales every RDM to [0, 1]: d ← (d − min)/(max − min)
// (rsatoolbox minmax_transform). The extremes are taken over the non-NaN
// entries and NaN stays NaN (rsatoolbox, using max/min, would make the
// whole RDM NaN). A constant RDM gives 0/0 = NaN everywhere, as in
// rsatoolbox.
func MinMaxTransform(rdms *mat.Dense) *mat.Dense {
	return eachRow(rdms, func(dst, src []float64) {
		lo, hi := nanMinMax(src)
		for k, v := range src {
			dst[k] = (v - lo) / (hi - lo)
		}
	})
}

// Quantile returns the q-quantile (0 ≤ q ≤ 1) of the non-NaN entries of
// x with numpy's default "linear" rule: with the values sorted,
// h = (n−1)q and Q = x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋]). It returns NaN
// when x has no non-NaN entry. (gonum's stat.LinInterp interpolates a
// different empirical distribution function.)
func Quantile(x []float64, q float64) float64 {
	s := make([]float64, 0, len(x))
	for _, v := range x {
		if !math.IsNaN(v) {
			s = append(s, v)
		}
	}
	if len(s) == 0 || math.IsNaN(q) {
		return math.NaN()
	}
	sort.Float64s(s)
	q = min(max(q, 0), 1)
	h := float64(len(s)-1) * q
	lo := int(math.Floor(h))
	if lo >= len(s)-1 {
		return s[len(s)-1]
	}
	f := h - float64(lo)
	return s[lo] + f*(s[lo+1]-s[lo])
}

// GeotopologicalTransform applies the geo-topological transform of Lin &
// Kriegeskorte (2023) (rsatoolbox geotopological_transform(rdms, low,
// up)). The quantiles lo = Q(low) and hi = Q(up) are taken over all
// entries of all RDMs together (numpy linear rule, NaN entries ignored;
// rsatoolbox's np.quantile would return NaN and leave such RDMs
// untransformed). Then, in place and in this order:
//
//	d < lo        → 0
//	lo ≤ d ≤ hi   → (d − lo)/(hi − lo)
//	d > hi        → 1
//
// The third step sees the already rescaled values, so when hi < 1 the
// rescaled values above hi also become 1 — rsatoolbox's behaviour, kept.
func GeotopologicalTransform(rdms *mat.Dense, low, up float64) (*mat.Dense, error) {
	if !(low >= 0 && low <= 1 && up >= 0 && up <= 1) {
		return nil, fmt.Errorf("geotopological transform: quantiles must lie in [0, 1], have low=%g up=%g", low, up)
	}
	if low > up {
		return nil, fmt.Errorf("geotopological transform: lower quantile %g exceeds upper quantile %g", low, up)
	}
	r, c := rdms.Dims()
	all := make([]float64, 0, r*c)
	for i := 0; i < r; i++ {
		all = append(all, rdms.RawRowView(i)...)
	}
	lo, hi := Quantile(all, low), Quantile(all, up)
	out := eachRow(rdms, func(dst, src []float64) { copy(dst, src) })
	for i := 0; i < r; i++ {
		row := out.RawRowView(i)
		for k, v := range row {
			if v < lo {
				row[k] = 0
			}
		}
		for k, v := range row {
			if v >= lo && v <= hi {
				row[k] = (v - lo) / (hi - lo)
			}
		}
		for k, v := range row {
			if v > hi {
				row[k] = 1
			}
		}
	}
	return out, nil
}

// GeodesicTransform replaces each RDM by graph geodesic distances
// (rsatoolbox geodesic_transform): the RDM is min-max scaled to [0, 1],
// every pair whose scaled value is neither 0 nor 1 becomes an edge of
// that weight (networkx has no edge for weight 0, and rsatoolbox removes
// the weight-1 edges), and the result is the all-pairs shortest path
// length (Floyd–Warshall). Pairs with no connecting path get +Inf; NaN
// entries are treated as absent edges. A constant RDM gives NaN, as its
// min-max scaling does.
func GeodesicTransform(rdms *mat.Dense) (*mat.Dense, error) {
	r, m := rdms.Dims()
	n, err := Conditions(m)
	if err != nil {
		return nil, fmt.Errorf("geodesic transform: %w", err)
	}
	mm := MinMaxTransform(rdms)
	out := mat.NewDense(r, m, nil)
	d := make([]float64, n*n)
	for i := 0; i < r; i++ {
		v := mm.RawRowView(i)
		dst := out.RawRowView(i)
		if lo, _ := nanMinMax(v); math.IsNaN(lo) || anyNaNNotIn(v, rdms.RawRowView(i)) {
			for k := range dst {
				dst[k] = math.NaN()
			}
			continue
		}
		for a := range d {
			d[a] = math.Inf(1)
		}
		for a := 0; a < n; a++ {
			d[a*n+a] = 0
		}
		k := 0
		for a := 0; a < n; a++ {
			for b := a + 1; b < n; b++ {
				if w := v[k]; w != 0 && w != 1 && !math.IsNaN(w) {
					d[a*n+b], d[b*n+a] = w, w
				}
				k++
			}
		}
		for c := 0; c < n; c++ {
			rc := d[c*n : (c+1)*n]
			for a := 0; a < n; a++ {
				dac := d[a*n+c]
				if math.IsInf(dac, 1) {
					continue
				}
				ra := d[a*n : (a+1)*n]
				for b, dcb := range rc {
					if s := dac + dcb; s < ra[b] {
						ra[b] = s
					}
				}
			}
		}
		k = 0
		for a := 0; a < n; a++ {
			for b := a + 1; b < n; b++ {
				dst[k] = d[a*n+b]
				k++
			}
		}
	}
	return out, nil
}

// anyNaNNotIn reports whether scaled has a NaN where orig has none (the
// 0/0 of a constant RDM).
func anyNaNNotIn(scaled, orig []float64) bool {
	for k, v := range scaled {
		if math.IsNaN(v) && !math.IsNaN(orig[k]) {
			return true
		}
	}
	return false
}
