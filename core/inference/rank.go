package inference

import (
	"math"
	"slices"
)

type valIdx struct {
	v float64
	i int32
}

// lessVal orders non-NaN values.
func lessVal(a, b valIdx) int {
	switch {
	case a.v < b.v:
		return -1
	case a.v > b.v:
		return 1
	}
	return 0
}

// nanRank writes to dst the average ranks (1-based; ties share the mean of
// the ranks they span) of the non-NaN entries of x; NaN entries stay NaN.
// This is scipy.stats.rankdata on the non-NaN entries (rsatoolbox
// util/inference_util._nan_rank_data). buf is scratch space (may be nil).
func nanRank(x, dst []float64, buf []valIdx) []valIdx {
	buf = buf[:0]
	for i, v := range x {
		if math.IsNaN(v) {
			dst[i] = math.NaN()
			continue
		}
		buf = append(buf, valIdx{v, int32(i)})
	}
	slices.SortFunc(buf, lessVal)
	for k := 0; k < len(buf); {
		j := k + 1
		for j < len(buf) && buf[j].v == buf[k].v {
			j++
		}
		r := float64(k+j+1) / 2 // mean of ranks k+1 … j
		for t := k; t < j; t++ {
			dst[buf[t].i] = r
		}
		k = j
	}
	return buf
}

// argsort returns the indices of the non-NaN entries of x in ascending
// order of value.
func argsort(x []float64) []int32 {
	buf := make([]valIdx, 0, len(x))
	for i, v := range x {
		if !math.IsNaN(v) {
			buf = append(buf, valIdx{v, int32(i)})
		}
	}
	slices.SortFunc(buf, lessVal)
	out := make([]int32, len(buf))
	for k, b := range buf {
		out[k] = b.i
	}
	return out
}

// weightedRanks writes to r the average ranks that the entries of x would
// have in a vector holding entry c exactly w[c] times:
//
//	r_c = Σ_{q: x_q < x_c} w_q + (Σ_{q: x_q = x_c} w_q + 1)/2.
//
// order lists the entries in ascending order of x (argsort). Entries with
// w = 0 get a rank but take no room. This ranks a stimulus-bootstrap sample
// in O(m) from the ranking of the full RDM, without sorting again.
func weightedRanks(x []float64, order []int32, w, r []float64) {
	below := 0.0
	for k := 0; k < len(order); {
		v := x[order[k]]
		j := k
		tie := 0.0
		for j < len(order) && x[order[j]] == v {
			tie += w[order[j]]
			j++
		}
		rk := below + (tie+1)/2
		for t := k; t < j; t++ {
			r[order[t]] = rk
		}
		below += tie
		k = j
	}
}

// sortKey maps a non-NaN float64 to a uint64 whose unsigned order is the
// order of the floats.
func sortKey(v float64) uint64 {
	b := math.Float64bits(v)
	if b>>63 != 0 {
		return ^b
	}
	return b | 1<<63
}

// radixBuf is scratch space for sortByValue.
type radixBuf struct {
	k, k2 []uint64
	i2    []int32
}

// sortByValue sorts the indices ord by ascending x[ord[k]] (no NaN), by
// a least-significant-digit radix sort on 8-bit digits of sortKey, skipping
// digits that all keys share.
func sortByValue(ord []int32, x []float64, b *radixBuf) {
	n := len(ord)
	if n < 2 {
		return
	}
	b.k, b.k2, b.i2 = grow(b.k, n), grow(b.k2, n), grow(b.i2, n)
	var hist [8][256]int32
	for t, i := range ord {
		key := sortKey(x[i])
		b.k[t] = key
		for d := 0; d < 8; d++ {
			hist[d][byte(key>>(8*d))]++
		}
	}
	k, k2, i1, i2 := b.k, b.k2, ord, b.i2
	for d := 0; d < 8; d++ {
		h := &hist[d]
		if h[byte(k[0]>>(8*d))] == int32(n) {
			continue // every key has this digit
		}
		var pos [256]int32
		sum := int32(0)
		for v := 0; v < 256; v++ {
			pos[v] = sum
			sum += h[v]
		}
		shift := 8 * d
		for t, key := range k {
			dg := byte(key >> shift)
			p := pos[dg]
			pos[dg]++
			k2[p] = key
			i2[p] = i1[t]
		}
		k, k2 = k2, k
		i1, i2 = i2, i1
	}
	if &i1[0] != &ord[0] {
		copy(ord, i1) // the sorted indices ended in the scratch buffer
	}
}
