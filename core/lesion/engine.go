package lesion

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/alignscope/alignscope/core/decode"
	"github.com/alignscope/alignscope/core/job"
	"gonum.org/v1/gonum/mat"
)

// evaluator scores lesioned Gram matrices of one layer: RSA agreement
// with each region, then the decoding accuracy (when a readout is set).
type evaluator struct {
	lg      *layerGram
	regions []*rsaScorer
	encs    []*encScorer
	dec     *decode.Plan
	// pool hands out per-worker scratch space.
	pool chan *evalBuf
	// empty is a set of no units.
	empty *setSums
	// spare and spare32 are accumulators kept for the next batch (reused
	// rather than allocated and faulted in again).
	spare   []*setSums
	spare32 [][]float32
}

// getSums returns a cleared set accumulator.
func (e *evaluator) getSums() *setSums {
	if k := len(e.spare); k > 0 {
		s := e.spare[k-1]
		e.spare = e.spare[:k-1]
		s.reset()
		return s
	}
	return newSetSums(e.lg.n)
}

// getAcc returns a cleared float32 accumulator (flush leaves them clear).
func (e *evaluator) getAcc() []float32 {
	if k := len(e.spare32); k > 0 {
		a := e.spare32[k-1]
		e.spare32 = e.spare32[:k-1]
		return a
	}
	return make([]float32, e.lg.n*e.lg.n)
}

// evalBuf is one worker's scratch space.
type evalBuf struct {
	g        *mat.SymDense
	constant []bool
	muL      []float64
	kenc     *mat.SymDense
	vec      []float64
	score    scoreBuf
	gather   []float64
	cols     [][]int
	z32      []float32
}

func newEvaluator(lg *layerGram, regions []*rsaScorer, encs []*encScorer, dec *decode.Plan, workers int) *evaluator {
	e := &evaluator{lg: lg, regions: regions, encs: encs, dec: dec, pool: make(chan *evalBuf, workers), empty: newSetSums(lg.n)}
	// Regions with the same valid pairs share one mask, so the layer
	// RDM's ranks are computed once for all of them.
	for i, r := range regions {
		for _, q := range regions[:i] {
			if slices.Equal(q.valid, r.valid) {
				r.valid = q.valid
				break
			}
		}
	}
	for w := 0; w < workers; w++ {
		e.pool <- &evalBuf{}
	}
	return e
}

func (e *evaluator) effects() int {
	k := len(e.regions) + len(e.encs)
	if e.dec != nil {
		k++
	}
	return k
}

func (e *evaluator) get() *evalBuf {
	b := <-e.pool
	n := e.lg.n
	if b.g == nil {
		b.g = mat.NewSymDense(n, nil)
		b.constant = make([]bool, n)
		b.muL = make([]float64, n)
		b.vec = make([]float64, n*(n-1)/2)
	}
	return b
}

func (e *evaluator) put(b *evalBuf) { e.pool <- b }

// eval scores the lesioned Gram g (upper triangle) with constant
// patterns marked and the lesioned row means in b.muL; scores get one
// value per effect: the RSA regions, the encoding regions, the readout.
// It fills b.vec with the lesioned layer's correlation RDM.
func (e *evaluator) eval(ctx context.Context, g *mat.SymDense, constant []bool, b *evalBuf, scores []float64) error {
	if len(e.regions) > 0 {
		correlationRDM(g, constant, b.vec)
		b.score.gen++
	}
	for r, sc := range e.regions {
		v, err := sc.score(b.vec, &b.score)
		if err != nil {
			return err
		}
		scores[r] = v
	}
	if len(e.encs) > 0 {
		if b.kenc == nil {
			b.kenc = mat.NewSymDense(e.lg.n, nil)
		}
		e.lg.encodingKernel(g, b.muL, b.kenc)
		for k, sc := range e.encs {
			v, err := sc.score(ctx, b.kenc)
			if err != nil {
				return err
			}
			scores[len(e.regions)+k] = v
		}
	}
	if e.dec != nil {
		res, err := e.dec.Kernel(ctx, g)
		if err != nil {
			return fmt.Errorf("decoding: %w", err)
		}
		scores[len(e.regions)+len(e.encs)] = res.Accuracy
	}
	return nil
}

// binLayout says how the lesions at counts k_1 … k_F of G groups are
// built from the segments ("bins") of an order of the groups.
//
// Counts up to G/2 are prefixes of the order: bin j holds the groups
// π[K_{j−1} : K_j] of the distinct prefix counts K_1 < K_2 < …, and the
// lesion of K_j is the sum of bins 1 … j. Larger counts (below G) are read
// from the other end: bin holds π[L_j : L_{j+1}] (π[L_last : G] for the
// last), and the units kept by the lesion of L_j are the sum of the bins
// from j on. So no unit is read twice and at most about half of the units
// is read for each count: G_L comes from C_T when fewer units are kept
// than silenced. A count of 0 is the intact layer, G all units silenced.
type binLayout struct {
	groups int
	prefix []int // distinct prefix counts, ascending
	suffix []int // distinct suffix counts, ascending
	// per fraction: kind 0 intact, 1 prefix bin, 2 suffix bin, 3 all;
	// bin the index of the bin (prefix: into prefix; suffix: into suffix).
	kind, bin []int
}

func newBinLayout(groups int, counts []int) *binLayout {
	b := &binLayout{groups: groups, kind: make([]int, len(counts)), bin: make([]int, len(counts))}
	for _, k := range counts {
		switch {
		case k == 0 || k == groups:
		case 2*k <= groups:
			if !slices.Contains(b.prefix, k) {
				b.prefix = append(b.prefix, k)
			}
		default:
			if !slices.Contains(b.suffix, k) {
				b.suffix = append(b.suffix, k)
			}
		}
	}
	slices.Sort(b.prefix)
	slices.Sort(b.suffix)
	for f, k := range counts {
		switch {
		case k == 0:
			b.kind[f] = 0
		case k == groups:
			b.kind[f] = 3
		case 2*k <= groups:
			b.kind[f], b.bin[f] = 1, slices.Index(b.prefix, k)
		default:
			b.kind[f], b.bin[f] = 2, slices.Index(b.suffix, k)
		}
	}
	return b
}

func (b *binLayout) bins() int { return len(b.prefix) + len(b.suffix) }

// binOf marks each unit with its bin under order (groups in lesion order),
// −1 for units not read.
func (b *binLayout) binOf(order [][]int, p int) []int16 {
	out := make([]int16, p)
	for i := range out {
		out[i] = -1
	}
	lo := 0
	for j, k := range b.prefix {
		for _, g := range order[lo:k] {
			for _, u := range g {
				out[u] = int16(j)
			}
		}
		lo = k
	}
	for j, k := range b.suffix {
		hi := b.groups
		if j+1 < len(b.suffix) {
			hi = b.suffix[j+1]
		}
		for _, g := range order[k:hi] {
			for _, u := range g {
				out[u] = int16(len(b.prefix) + j)
			}
		}
	}
	return out
}

// evalOrders evaluates, for each order (a permutation of the groups), the
// lesions at counts. It reads each needed column of the layer once for
// all orders (coalesced ranges, see spans), accumulates each order's bins
// with rank-k updates, then evaluates the lesions in parallel. scores[o][f]
// receives the effects of order o at count f. keep, if not nil, is called
// with each lesioned Gram (valid only during the call). Progress: one
// step per lesion evaluated. With single, the products of the silenced
// (or kept) units are formed in float32 (addUnits32).
func (e *evaluator) evalOrders(ctx context.Context, orders [][][]int, counts []int, single bool, scores [][][]float64,
	keep func(o, f int, g *mat.SymDense, constant []bool), rep *job.Reporter) error {
	lg := e.lg
	n, p := lg.n, lg.p
	if len(orders) == 0 {
		return nil
	}
	lay := newBinLayout(len(orders[0]), counts)
	nb := lay.bins()
	binOf := make([][]int16, len(orders))
	need := make([]bool, p)
	for o, ord := range orders {
		binOf[o] = lay.binOf(ord, p)
		for u, b := range binOf[o] {
			if b >= 0 {
				need[u] = true
			}
		}
	}
	sums := make([][]*setSums, len(orders))
	var accs [][]acc32
	if single {
		accs = make([][]acc32, len(orders))
	}
	for o := range sums {
		sums[o] = make([]*setSums, nb)
		for j := range sums[o] {
			sums[o][j] = e.getSums()
		}
		if single {
			accs[o] = make([]acc32, nb)
			for j := range accs[o] {
				accs[o][j].c = e.getAcc()
			}
		}
	}
	defer func() {
		for o := range sums {
			for _, s := range sums[o] {
				e.spare = append(e.spare, s)
			}
		}
	}()
	var z32 []float32 // the block centred and rounded to float32, shared by the orders
	if nb > 0 {
		err := readSpans(ctx, lg.x, spans(need, lg.width), func(j0, j1 int, blk *mat.Dense) error {
			if single {
				w := j1 - j0
				if cap(z32) < n*w {
					z32 = make([]float32, n*lg.width)
				}
				z32 = z32[:n*w]
				parallelRows(n, n*w, func(i0, i1 int) {
					for i := i0; i < i1; i++ {
						row, dst, m := blk.RawRowView(i), z32[i*w:(i+1)*w], lg.mu[i]
						for k, v := range row {
							dst[k] = float32(v - m)
						}
					}
				})
			}
			return forEach(ctx, len(orders), func(o int) error {
				b := e.get()
				defer e.put(b)
				if len(b.cols) < nb {
					b.cols = make([][]int, nb)
				}
				cols := b.cols[:nb]
				for j := range cols {
					cols[j] = cols[j][:0]
				}
				bo := binOf[o][j0:j1]
				for c, bin := range bo {
					if bin >= 0 {
						cols[bin] = append(cols[bin], c)
					}
				}
				for j, cs := range cols {
					if len(cs) == 0 {
						continue
					}
					if single {
						lg.addUnits32(sums[o][j], &accs[o][j], z32, j1-j0, j0, cs, &b.z32)
						continue
					}
					if len(b.gather) < n*len(cs) {
						b.gather = make([]float64, n*(j1-j0))
					}
					lg.addUnits(sums[o][j], blk, j0, cs, b.gather)
				}
				return nil
			})
		})
		if err != nil {
			return err
		}
	}
	// Cumulative sums: prefix bins forwards, suffix bins backwards.
	for o := range orders {
		if single {
			for j := range accs[o] {
				accs[o][j].flush(sums[o][j])
				e.spare32 = append(e.spare32, accs[o][j].c)
			}
			accs[o] = nil
		}
		s := sums[o]
		for j := 1; j < len(lay.prefix); j++ {
			s[j].add(s[j-1])
		}
		np := len(lay.prefix)
		for j := len(lay.suffix) - 2; j >= 0; j-- {
			s[np+j].add(s[np+j+1])
		}
	}
	F := len(counts)
	return job.For(ctx, len(orders)*F, func(t int) error {
		o, f := t/F, t%F
		b := e.get()
		defer e.put(b)
		var (
			s    *setSums
			kept bool
		)
		switch lay.kind[f] {
		case 0:
			s = e.empty
		case 1:
			s = sums[o][lay.bin[f]]
		case 2:
			s, kept = sums[o][len(lay.prefix)+lay.bin[f]], true
		case 3:
			s, kept = e.empty, true
		}
		lg.lesioned(b.g, s, kept, b.constant, b.muL)
		if err := e.eval(ctx, b.g, b.constant, b, scores[o][f]); err != nil {
			return err
		}
		if keep != nil {
			keep(o, f, b.g, b.constant)
		}
		if rep != nil {
			rep.Add(1)
		}
		return nil
	})
}

// nanScores allocates orders × fractions × effects scores.
func nanScores(orders, fractions, effects int) [][][]float64 {
	out := make([][][]float64, orders)
	for o := range out {
		out[o] = make([][]float64, fractions)
		for f := range out[o] {
			out[o][f] = make([]float64, effects)
			for k := range out[o][f] {
				out[o][f][k] = math.NaN()
			}
		}
	}
	return out
}

// forEach runs fn for 0 … n−1 in order (BLAS does the parallel work).
func forEach(ctx context.Context, n int, fn func(i int) error) error {
	for i := 0; i < n; i++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fn(i); err != nil {
			return err
		}
	}
	return nil
}
