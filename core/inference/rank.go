package inference

import (
	"math"
	mathbits "math/bits"
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
// order lists the entries in ascending order of x (argsort) and xs the
// sorted values, xs[k] = x[order[k]]; only equality of neighbours in xs is
// used, so xs may be any order-preserving key. Entries with w = 0 get a
// rank but take no room. This ranks a stimulus-bootstrap sample in O(m)
// from the ranking of the full RDM, without sorting again.
func weightedRanks[T comparable](order []int32, xs []T, w, r []float64) {
	below := 0.0
	for k := 0; k < len(order); {
		j := k
		tie := 0.0
		for j < len(order) && xs[j] == xs[k] {
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

// radixBuf is scratch space for sortByKey.
type radixBuf struct {
	k, k2    []uint64
	i2, hist []int32
}

// sortByKey sorts the indices ord by ascending keys[ord[t]] with a
// least-significant-digit radix sort, in as few passes of at most 11 bits
// as the largest key needs, and returns the sorted keys (aligned with ord;
// the slice is scratch space of b).
func sortByKey(ord []int32, keys []uint64, b *radixBuf) []uint64 {
	n := len(ord)
	b.k, b.k2, b.i2 = grow(b.k, n), grow(b.k2, n), grow(b.i2, n)
	var hi uint64
	for t, i := range ord {
		key := keys[i]
		b.k[t] = key
		hi |= key
	}
	bits := 64 - mathbits.LeadingZeros64(hi)
	if n < 2 || bits == 0 {
		return b.k
	}
	passes := (bits + 10) / 11
	width := (bits + passes - 1) / passes
	mask := uint64(1)<<width - 1
	b.hist = grow(b.hist, passes<<width)
	clear(b.hist)
	for _, key := range b.k {
		for d := 0; d < passes; d++ {
			b.hist[d<<width+int((key>>(d*width))&mask)]++
		}
	}
	k, k2, i1, i2 := b.k, b.k2, ord, b.i2
	for d := 0; d < passes; d++ {
		h := b.hist[d<<width : (d+1)<<width]
		sum := int32(0)
		for v, c := range h {
			h[v] = sum
			sum += c
		}
		shift := d * width
		for t, key := range k {
			dg := (key >> shift) & mask
			p := h[dg]
			h[dg]++
			k2[p] = key
			i2[p] = i1[t]
		}
		k, k2 = k2, k
		i1, i2 = i2, i1
	}
	if &i1[0] != &ord[0] {
		copy(ord, i1) // the sorted indices ended in the scratch buffer
	}
	return k
}
