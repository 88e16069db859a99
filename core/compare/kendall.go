package compare

import (
	"context"
	"math"
	"slices"
	"sync"

	"gonum.org/v1/gonum/mat"
)

// TauA returns Kendall's tau-a of a and b over their jointly non-NaN
// entries (rsatoolbox rdm/compare.py::_tau_a):
//
//	τ_a = (C − D) / (n(n−1)/2)
//
// where C and D count the concordant and discordant pairs of entries;
// pairs tied in a or in b count as neither. The result is clipped to
// [−1, 1]; a constant vector gives 0, fewer than 2 entries NaN. It runs
// in O(n log n) (Knight's algorithm).
func TauA(a, b []float64) float64 {
	x, y := finitePairs(a, b)
	px, py := newTauPrep(x), newTauPrep(y)
	return tauOf(tauCount(px, py, new(tauBuf)), false)
}

// TauB returns Kendall's tau-b of a and b over their jointly non-NaN
// entries, as scipy.stats.kendalltau (rsatoolbox "kendall"):
//
//	τ_b = (C − D) / √((n₀ − n₁)(n₀ − n₂))
//
// with n₀ = n(n−1)/2 and n₁, n₂ the pairs tied in a and in b (joint
// ties counted in both). It is NaN when either vector is constant or
// has fewer than 2 entries. O(n log n).
func TauB(a, b []float64) float64 {
	x, y := finitePairs(a, b)
	px, py := newTauPrep(x), newTauPrep(y)
	return tauOf(tauCount(px, py, new(tauBuf)), true)
}

// tauPrep holds what Knight's algorithm needs of one vector, computed
// once per RDM: its values, an ascending order, the sorted values and its
// tied pairs.
type tauPrep struct {
	v      []float64
	order  []int32
	sorted []float64
	ties   int64 // Σ t(t−1)/2 over groups of equal values
}

func newTauPrep(v []float64) *tauPrep {
	p := &tauPrep{v: v, order: make([]int32, len(v)), sorted: make([]float64, len(v))}
	sortOrder(v, p.order)
	for k, o := range p.order {
		p.sorted[k] = v[o]
	}
	for i := 0; i < len(v); {
		j := i + 1
		for j < len(v) && p.sorted[j] == p.sorted[i] {
			j++
		}
		t := int64(j - i)
		p.ties += t * (t - 1) / 2
		i = j
	}
	return p
}

// floatKey maps a non-NaN float64 to a uint64 of the same order.
func floatKey(x float64) uint64 {
	if x == 0 {
		x = 0 // −0 sorts with +0
	}
	b := math.Float64bits(x)
	if b>>63 == 1 {
		return ^b
	}
	return b | 1<<63
}

// sortOrder fills order with indices of v in ascending order of value (not
// stable). Long vectors use an LSD radix sort on the order-preserving bit
// pattern, 8 bits a pass, skipping bytes that are the same everywhere.
func sortOrder(v []float64, order []int32) {
	n := len(v)
	if n < 512 {
		for i := range order {
			order[i] = int32(i)
		}
		slices.SortFunc(order, func(a, b int32) int { return cmpFloat(v[a], v[b]) })
		return
	}
	type ki struct {
		k uint64
		i int32
	}
	a := make([]ki, n)
	b := make([]ki, n)
	var count [8][256]int
	for i, x := range v {
		k := floatKey(x)
		a[i] = ki{k, int32(i)}
		for d := 0; d < 8; d++ {
			count[d][byte(k>>(8*d))]++
		}
	}
	for d := 0; d < 8; d++ {
		c := &count[d]
		if c[byte(a[0].k>>(8*d))] == n {
			continue // every key has the same byte d
		}
		sum := 0
		for j := range c {
			c[j], sum = sum, sum+c[j]
		}
		shift := 8 * d
		for _, e := range a {
			j := byte(e.k >> shift)
			b[c[j]] = e
			c[j]++
		}
		a, b = b, a
	}
	for k, e := range a {
		order[k] = e.i
	}
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// tauCounts are the pair counts of Knight's algorithm.
type tauCounts struct {
	n0, xTies, yTies, jointTies, discordant int64
}

// tauBuf is scratch space reused across pairs.
type tauBuf struct {
	ys, tmp []float64
}

var tauPool = sync.Pool{New: func() any { return new(tauBuf) }}

// tauCount orders the pairs (x_k, y_k) by x then y and counts the
// inversions of the resulting y sequence by merge sort: those are the
// discordant pairs (Knight 1966, as scipy.stats.kendalltau). Pairs tied
// in x are sorted by y first, so they never count as inversions; pairs
// tied in y are not inversions either.
func tauCount(px, py *tauPrep, buf *tauBuf) tauCounts {
	n := len(px.v)
	c := tauCounts{n0: int64(n) * int64(n-1) / 2, xTies: px.ties, yTies: py.ties}
	if cap(buf.ys) < n {
		buf.ys = make([]float64, n)
		buf.tmp = make([]float64, n)
	}
	ys, tmp := buf.ys[:n], buf.tmp[:n]
	y := py.v
	for k, o := range px.order {
		ys[k] = y[o]
	}
	xs := px.sorted
	for i := 0; i < n; {
		j := i + 1
		for j < n && xs[j] == xs[i] {
			j++
		}
		if j-i > 1 {
			g := ys[i:j]
			slices.Sort(g)
			for s := 0; s < len(g); {
				t := s + 1
				for t < len(g) && g[t] == g[s] {
					t++
				}
				k := int64(t - s)
				c.jointTies += k * (k - 1) / 2
				s = t
			}
		}
		i = j
	}
	c.discordant = countInversions(ys, tmp)
	return c
}

// tauOf turns the counts into tau-a or tau-b (scipy's formulas, clipped
// to [−1, 1]).
func tauOf(c tauCounts, b bool) float64 {
	if c.n0 == 0 {
		return math.NaN()
	}
	cmd := float64(c.n0 - c.xTies - c.yTies + c.jointTies - 2*c.discordant)
	var tau float64
	if b {
		if c.xTies == c.n0 || c.yTies == c.n0 {
			return math.NaN()
		}
		tau = cmd / math.Sqrt(float64(c.n0-c.xTies)) / math.Sqrt(float64(c.n0-c.yTies))
	} else {
		tau = cmd / float64(c.n0)
	}
	return min(1, max(-1, tau))
}

// countInversions sorts v ascending and returns the number of pairs
// k < l with v[k] > v[l] (equal values are not inversions). tmp is
// scratch of len(v).
func countInversions(v, tmp []float64) int64 {
	n := len(v)
	if n < 2 {
		return 0
	}
	var inv int64
	// Insertion-sort runs of 16, counting the moves.
	const run = 16
	for lo := 0; lo < n; lo += run {
		hi := min(lo+run, n)
		for k := lo + 1; k < hi; k++ {
			x := v[k]
			l := k
			for l > lo && v[l-1] > x {
				v[l] = v[l-1]
				l--
			}
			v[l] = x
			inv += int64(k - l)
		}
	}
	src, dst := v, tmp
	for width := run; width < n; width *= 2 {
		for lo := 0; lo < n; lo += 2 * width {
			mid := min(lo+width, n)
			hi := min(lo+2*width, n)
			i, j, k := lo, mid, lo
			for i < mid && j < hi {
				if src[j] < src[i] {
					dst[k] = src[j]
					j++
					inv += int64(mid - i)
				} else {
					dst[k] = src[i]
					i++
				}
				k++
			}
			k += copy(dst[k:], src[i:mid])
			copy(dst[k:], src[j:hi])
		}
		src, dst = dst, src
	}
	if &src[0] != &v[0] {
		copy(v, src)
	}
	return inv
}

// compareTau fills the tau-a or tau-b matrix of the rows of x and y.
func compareTau(ctx context.Context, x, y *mat.Dense, b bool) (*mat.Dense, error) {
	n1, m := x.Dims()
	n2, _ := y.Dims()
	px := make([]*tauPrep, n1)
	for i := range px {
		px[i] = newTauPrep(x.RawRowView(i))
	}
	py := make([]*tauPrep, n2)
	for j := range py {
		py[j] = newTauPrep(y.RawRowView(j))
	}
	out := mat.NewDense(n1, n2, nil)
	cost := float64(m) * math.Log2(float64(m)+2) * 4
	err := pairwise(ctx, out, cost, func(i, j int) (float64, error) {
		buf := tauPool.Get().(*tauBuf)
		defer tauPool.Put(buf)
		return tauOf(tauCount(px[i], py[j], buf), b), nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
