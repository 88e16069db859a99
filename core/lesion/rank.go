package lesion

import (
	"math"
	"slices"
)

// ranker computes average ranks (scipy.stats.rankdata "average", 1-based)
// of long vectors by a bucket sort: the m values are spread over m buckets
// by the monotone map ⌊(v − min)·m/(max − min)⌋, counted and scattered
// (two linear passes), and each bucket — about one value on average — is
// sorted on its own (insertion sort, or a general sort for a crowded
// bucket). Equal values then form runs that share their mean rank. Its
// buffers are reused between calls.
type ranker struct {
	count []int32
	vals  []float64
	order []int32
}

// crowded is the bucket size above which a bucket is sorted with
// slices.SortFunc rather than by insertion.
const crowded = 32

// bucketRatio is the mean number of values per bucket.
const bucketRatio = 1

// rank writes the average ranks of x (no NaN) to dst.
func (r *ranker) rank(x, dst []float64) {
	m := len(x)
	if m == 0 {
		return
	}
	lo, hi := x[0], x[0]
	for _, v := range x {
		lo = min(lo, v)
		hi = max(hi, v)
	}
	if lo == hi || math.IsInf(hi-lo, 0) {
		if lo == hi {
			for i := range dst[:m] {
				dst[i] = float64(m+1) / 2
			}
			return
		}
	}
	if cap(r.vals) < m {
		r.vals, r.order, r.count = make([]float64, m), make([]int32, m), make([]int32, m+1)
	}
	nb := max(1, m/bucketRatio)
	vals, order, count := r.vals[:m], r.order[:m], r.count[:nb+1]
	clear(count)
	scale := float64(nb) / (hi - lo)
	if math.IsInf(scale, 0) || math.IsInf(hi-lo, 0) {
		scale = 0 // range overflow or underflow: one bucket, sorted whole
	}
	bucket := func(v float64) int {
		b := int((v - lo) * scale)
		return min(max(b, 0), nb-1)
	}
	for _, v := range x {
		count[bucket(v)+1]++
	}
	for b := 1; b <= nb; b++ {
		count[b] += count[b-1]
	}
	// count[b] is now the start of bucket b; scatter, advancing it.
	next := count[:nb]
	for i, v := range x {
		b := bucket(v)
		pos := next[b]
		next[b]++
		vals[pos] = v
		order[pos] = int32(i)
	}
	// After the scatter next[b] is the end of bucket b = start of b+1.
	start := int32(0)
	for b := 0; b < nb; b++ {
		end := next[b]
		if end-start > 1 {
			sortBucket(vals[start:end], order[start:end])
		}
		start = end
	}
	for a := 0; a < m; {
		b := a + 1
		for b < m && vals[b] == vals[a] {
			b++
		}
		rk := float64(a+b+1) / 2 // mean of ranks a+1 … b
		for t := a; t < b; t++ {
			dst[order[t]] = rk
		}
		a = b
	}
}

// sortBucket sorts v ascending, permuting idx alike.
func sortBucket(v []float64, idx []int32) {
	if len(v) <= crowded {
		for i := 1; i < len(v); i++ {
			x, k := v[i], idx[i]
			j := i - 1
			for j >= 0 && v[j] > x {
				v[j+1], idx[j+1] = v[j], idx[j]
				j--
			}
			v[j+1], idx[j+1] = x, k
		}
		return
	}
	type pair struct {
		v float64
		i int32
	}
	p := make([]pair, len(v))
	for k := range v {
		p[k] = pair{v[k], idx[k]}
	}
	slices.SortFunc(p, func(a, b pair) int {
		switch {
		case a.v < b.v:
			return -1
		case a.v > b.v:
			return 1
		}
		return 0
	})
	for k := range p {
		v[k], idx[k] = p[k].v, p[k].i
	}
}
