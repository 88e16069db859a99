package inference

import (
	"context"
	"errors"
	"math"
	"sync"

	"github.com/alignscope/alignscope/core/compare"
	"gonum.org/v1/gonum/mat"
)

// engine evaluates models and the noise ceiling on one bootstrap sample.
//
// The generic path builds the sample exactly as rsatoolbox does
// (RDMs.subsample / subsample_pattern: conditions sorted, NaN for the
// dissimilarity between two copies of a condition) and calls Compare and
// the pooling of NoiseCeiling with the user's method.
//
// The fast path serves the methods that treat an RDM as a plain vector of
// entries (cosine, corr, spearman, rho-a, tau-a, kendall) when every RDM
// has the same NaN entries. Their value does not depend on the order of
// the entries and rsatoolbox drops NaN entries before comparing, so a
// sample is the multiset of the original entries, entry (i, j) repeated
// c_i·c_j times (c = how often each condition was drawn), with the common
// NaN entries and the copies of a condition with itself left out. Work
// done once per sample instead of per comparison:
//
//   - rank methods rank every RDM of the sample in O(m) from the sorting of
//     the full RDM (weightedRanks), and Compare receives ranks (Spearman's
//     ρ is Pearson's r of the ranks, so spearman is compared as "corr" of
//     ranks; the other rank methods are unchanged by ranking);
//   - copies of a data RDM are compared once and weighted by their count;
//     samples that keep all stimuli take the model scores from the full
//     comparison (full);
//   - the pooled RDMs of the leave-one-out ceiling are built on the
//     distinct entries (weighted normalisation, exact integer keys for
//     ranking the spearman pools) from running sums of the normalised
//     RDMs: pool(¬g) = (Σ_all − Σ_g)/(S − S_g);
//   - models and pooled RDMs go to Compare together in one call for the
//     methods whose cost is a matrix product (cosine, corr, rho-a);
//   - for corr (and spearman on ranks) every row is centred once when it
//     is built and Compare takes cosines (Pearson's r is the cosine of the
//     centred vectors; a constant row gives 0 either way).
//
// Tests check the fast path against the generic one on the same draws.
type engine struct {
	method, cmp string
	kind        poolKind // pooling normalisation applied to prepared rows
	fast, rank  bool
	rankPool    bool // rank pooled RDMs before Compare (spearman as corr)
	centre      bool // rows are centred for Compare (corr as cosine)
	ceiling     bool // a noise ceiling can be computed
	n           int  // conditions
	models      *mat.Dense
	data        *mat.Dense
	subj, stim  *grouping

	// fast path
	mc      int
	allCols []int32
	ones    []float64
	pi, pj  []int32     // column → pair (i < j)
	vm, vd  [][]float64 // values per row, column layout
	rm, rd  [][]float64 // ranks of the full RDMs (rank methods)
	om, od  [][]int32   // argsort of every row (rank methods)
	sm, sd  [][]float64 // sorted values of every row (rank methods)
	full    *mat.Dense  // model × data scores on all stimuli
	zd      [][]float64 // normalised data RDMs on all stimuli (pooling)
	scratch sync.Pool
}

var vectorMethods = map[string]bool{
	"cosine": true, "corr": true, "spearman": true, "rho-a": true,
	"tau-a": true, "kendall": true, "tau-b": true,
}

func newEngine(models, data *mat.Dense, n int, method string, subj, stim *grouping) (e *engine, err error) {
	e = &engine{method: method, cmp: method, kind: poolKindOf(method), n: n,
		models: models, data: data, subj: subj, stim: stim}
	e.ceiling = e.kind != poolNone && len(subj.uniq) >= 2
	e.fast = vectorMethods[method] && sameNaN(models, data)
	if !e.fast {
		return e, nil
	}
	e.rank = e.kind == poolRank
	if method == "spearman" {
		e.cmp, e.rankPool = "corr", true
	}
	if e.cmp == "corr" {
		// Pearson's r is the cosine of the centred vectors: centre every
		// row once when it is built and let Compare take cosines.
		e.cmp, e.centre = "cosine", true
	}
	ref := data.RawRowView(0)
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			if !math.IsNaN(ref[pairIndex(n, i, j)]) {
				e.pi = append(e.pi, int32(i))
				e.pj = append(e.pj, int32(j))
			}
		}
	}
	e.mc = len(e.pi)
	e.allCols = make([]int32, e.mc)
	e.ones = make([]float64, e.mc)
	for c := range e.allCols {
		e.allCols[c] = int32(c)
		e.ones[c] = 1
	}
	prep := func(a *mat.Dense) (v, r, xs [][]float64, o [][]int32) {
		rows, _ := a.Dims()
		var buf []valIdx
		for k := 0; k < rows; k++ {
			src := a.RawRowView(k)
			x := make([]float64, e.mc)
			for c := range x {
				x[c] = src[pairIndex(n, int(e.pi[c]), int(e.pj[c]))]
			}
			v = append(v, x)
			if e.rank {
				rk := make([]float64, e.mc)
				buf = nanRank(x, rk, buf)
				r = append(r, rk)
				ord := argsort(x)
				sorted := make([]float64, len(ord))
				for t, i := range ord {
					sorted[t] = x[i]
				}
				o = append(o, ord)
				xs = append(xs, sorted)
			}
		}
		return v, r, xs, o
	}
	e.vm, e.rm, e.sm, e.om = prep(models)
	e.vd, e.rd, e.sd, e.od = prep(data)
	if e.rank {
		e.kind = poolMean // rows are ranks already: pooling averages them
	}
	// Normalised data RDMs on all stimuli, for the samples that keep them
	// all (nil when an RDM cannot be normalised).
	if e.ceiling {
		for _, v := range e.vd {
			z := make([]float64, e.mc)
			if !normaliseWeighted(v, e.allCols, e.ones, z, e.kind) {
				z = nil
			}
			e.zd = append(e.zd, z)
		}
		if e.rank {
			for k, r := range e.rd {
				e.zd[k] = r
			}
		}
	}
	// Scores on all stimuli, for the samples that keep them all.
	stack := func(rows [][]float64) *mat.Dense {
		a := mat.NewDense(len(rows), e.mc, nil)
		for k, r := range rows {
			copy(a.RawRowView(k), r)
			if e.centre {
				centre(a.RawRowView(k))
			}
		}
		return a
	}
	pm, pd := stack(e.vm), stack(e.vd)
	if e.rank {
		pm, pd = stack(e.rm), stack(e.rd)
	}
	if e.full, err = compare.Compare(pm, pd, e.cmp, nil); err != nil {
		return nil, err
	}
	return e, nil
}

// centre subtracts the mean of x from every entry.
func centre(x []float64) {
	s := 0.0
	for _, v := range x {
		s += v
	}
	mu := s / float64(len(x))
	for i := range x {
		x[i] -= mu
	}
}

// sameNaN reports whether every row of a and b has NaN at the same
// entries.
func sameNaN(a, b *mat.Dense) bool {
	ref := a.RawRowView(0)
	for _, x := range []*mat.Dense{a, b} {
		r, _ := x.Dims()
		for k := 0; k < r; k++ {
			for j, v := range x.RawRowView(k) {
				if math.IsNaN(v) != math.IsNaN(ref[j]) {
					return false
				}
			}
		}
	}
	return true
}

// eval returns the mean score of every model over the sampled data RDMs
// and the sample's leave-one-group-out noise ceiling. rows are data-RDM
// indices sorted by subject group (copies included); stim are condition
// indices sorted ascending (copies included), or nil for all conditions.
func (e *engine) eval(ctx context.Context, rows, stim []int) ([]float64, Ceiling, error) {
	if err := ctx.Err(); err != nil {
		return nil, Ceiling{}, err
	}
	if e.fast {
		sc, _ := e.scratch.Get().(*scratch)
		if sc == nil {
			sc = &scratch{}
		}
		defer e.scratch.Put(sc)
		return e.evalFast(ctx, sc, rows, stim)
	}
	return e.evalGeneric(ctx, rows, stim)
}

type scratch struct {
	cnt, rcnt, dr, starts []int
	wr, gn                []float64
	w, rk, uw             []float64
	cols, ucol, uidx, ord []int32
	ms, ds, z, gsum       []float64
	sum, pool, first, urk []float64
	buf                   []valIdx
	radix                 radixBuf
	keys                  []uint64
}

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

func (e *engine) evalFast(ctx context.Context, sc *scratch, rows, stim []int) ([]float64, Ceiling, error) {
	nanC := Ceiling{math.NaN(), math.NaN()}
	M := len(e.vm)

	// Copies of a data RDM give the same comparisons: keep the distinct
	// RDMs dr (still grouped) with their multiplicities wr.
	sc.rcnt = grow(sc.rcnt, len(e.vd))
	clear(sc.rcnt)
	for _, r := range rows {
		sc.rcnt[r]++
	}
	dr, wr := sc.dr[:0], sc.wr[:0]
	for _, r := range rows {
		if sc.rcnt[r] > 0 {
			dr = append(dr, r)
			wr = append(wr, float64(sc.rcnt[r]))
			sc.rcnt[r] = 0
		}
	}
	sc.dr, sc.wr = dr, wr
	S, D := float64(len(rows)), len(dr)
	// Runs of equal subject groups in dr, and their sizes with copies.
	starts, gn := sc.starts[:0], sc.gn[:0]
	for k := range dr {
		if k == 0 || e.subj.labels[dr[k]] != e.subj.labels[dr[k-1]] {
			starts = append(starts, k)
			gn = append(gn, 0)
		}
		gn[len(gn)-1] += wr[k]
	}
	starts = append(starts, D)
	sc.starts, sc.gn = starts, gn
	G := len(gn)

	// The sample as columns: ucol are the distinct columns drawn, uw their
	// multiplicities c_i·c_j; cols (length mm) lists every copy and uidx
	// the position in ucol of every copy.
	cols, ucol, uidx, uw := e.allCols, e.allCols, e.allCols, e.ones
	weighted := stim != nil
	if weighted {
		sc.cnt = grow(sc.cnt, e.n)
		clear(sc.cnt)
		for _, s := range stim {
			sc.cnt[s]++
		}
		sc.w = grow(sc.w, e.mc)
		cols, ucol, uidx, uw = sc.cols[:0], sc.ucol[:0], sc.uidx[:0], sc.uw[:0]
		for c := 0; c < e.mc; c++ {
			w := sc.cnt[e.pi[c]] * sc.cnt[e.pj[c]]
			sc.w[c] = float64(w)
			if w == 0 {
				continue
			}
			u := int32(len(ucol))
			ucol = append(ucol, int32(c))
			uw = append(uw, float64(w))
			for ; w > 0; w-- {
				cols = append(cols, int32(c))
				uidx = append(uidx, u)
			}
		}
		sc.cols, sc.ucol, sc.uidx, sc.uw = cols, ucol, uidx, uw
		if e.rank {
			sc.rk = grow(sc.rk, e.mc)
		}
	}
	mm, U := len(cols), len(ucol)

	// Rows compared with the data RDMs in one Compare call: the models
	// (unless all stimuli are kept: their scores are e.full) and, when the
	// method's cost is a matrix product, the pooled RDMs of the ceiling
	// (tau-a and kendall compare the pools group by group instead).
	withModels := weighted
	combined := e.ceiling && (e.cmp == "corr" || e.cmp == "cosine" || e.cmp == "rho-a")
	nA := 0
	if withModels {
		nA = M
	}
	p0 := nA // first pooled row
	if combined {
		nA++
		if G > 1 {
			nA += G
		}
	}
	if e.ceiling {
		sc.gsum = grow(sc.gsum, G*U)
		clear(sc.gsum)
		sc.z = grow(sc.z, U)
	}
	sc.ms = grow(sc.ms, max(nA, 1)*mm)
	sc.ds = grow(sc.ds, D*mm)
	gather := func(dst []float64, v, r, xs []float64, o []int32) []float64 {
		src := v
		switch {
		case e.rank && weighted:
			weightedRanks(o, xs, sc.w, sc.rk)
			src = sc.rk
		case e.rank:
			src = r
		}
		for k, c := range cols {
			dst[k] = src[c]
		}
		if e.centre {
			centre(dst)
		}
		return src
	}
	for k := 0; withModels && k < M; k++ {
		var r, xs []float64
		var o []int32
		if e.rank {
			r, xs, o = e.rm[k], e.sm[k], e.om[k]
		}
		gather(sc.ms[k*mm:(k+1)*mm], e.vm[k], r, xs, o)
	}
	// The pooled RDMs are built on the distinct entries: every data RDM is
	// normalised with weights uw (the statistics of the sample with its
	// copies) and added, with its multiplicity, to the sum of its group.
	degenerate := false
	g := 0
	for k, row := range dr {
		var r, xs []float64
		var o []int32
		if e.rank {
			r, xs, o = e.rd[row], e.sd[row], e.od[row]
		}
		src := gather(sc.ds[k*mm:(k+1)*mm], e.vd[row], r, xs, o)
		if !e.ceiling || degenerate {
			continue
		}
		for k >= starts[g+1] {
			g++
		}
		z := sc.z
		if weighted {
			degenerate = !normaliseWeighted(src, ucol, uw, z, e.kind)
		} else {
			z = e.zd[row]
			degenerate = z == nil
		}
		gs := sc.gsum[g*U : (g+1)*U]
		for u, v := range z {
			gs[u] += wr[k] * v
		}
	}
	Ds := mat.NewDense(D, mm, sc.ds)
	// scores returns the model scores, from the first M rows of cm or
	// from e.full, averaged over the data RDMs with their multiplicities.
	scores := func(cm *mat.Dense) []float64 {
		ev := make([]float64, M)
		for k := range ev {
			for d, w := range wr {
				if withModels {
					ev[k] += w * cm.At(k, d)
				} else {
					ev[k] += w * e.full.At(k, dr[d])
				}
			}
			ev[k] /= S
		}
		return ev
	}
	compareA := func(n int) (*mat.Dense, error) {
		if n == 0 {
			return nil, nil
		}
		return compare.Compare(mat.NewDense(n, mm, sc.ms[:n*mm]), Ds, e.cmp, nil)
	}
	if !e.ceiling {
		cm, err := compareA(nA)
		if err != nil {
			return nil, nanC, err
		}
		return scores(cm), nanC, nil
	}

	if degenerate {
		cm, err := compareA(p0)
		if err != nil {
			return nil, nanC, err
		}
		return scores(cm), nanC, nil
	}
	sc.sum = grow(sc.sum, U)
	clear(sc.sum)
	for g := 0; g < G; g++ {
		for j, v := range sc.gsum[g*U : (g+1)*U] {
			sc.sum[j] += v
		}
	}
	sc.pool = grow(sc.pool, U)
	if e.rankPool {
		sc.keys = grow(sc.keys, U)
		sc.urk = grow(sc.urk, U)
		sc.ord = grow(sc.ord, U)
	}
	// pooled writes to dst pool(RDMs ∉ group drop), or of all RDMs for
	// drop < 0, ready for Compare (ranked for spearman).
	pooled := func(drop int, dst []float64) {
		n := S
		copy(sc.pool, sc.sum)
		if drop >= 0 {
			n -= gn[drop]
			for j, v := range sc.gsum[drop*U : (drop+1)*U] {
				sc.pool[j] -= v
			}
		}
		if e.rankPool {
			// The pool is a sum of ranks (multiples of ½) with integer
			// weights: 2·sum is an exact integer key of its order.
			for u, v := range sc.pool {
				sc.keys[u] = uint64(math.Round(2 * v))
			}
		}
		finishPool(sc.pool, sc.pool, n, e.kind)
		val := sc.pool
		if e.rankPool {
			// Rank the pooled RDM on the distinct entries with their
			// multiplicities.
			for u := range sc.ord {
				sc.ord[u] = int32(u)
			}
			ks := sortByKey(sc.ord, sc.keys, &sc.radix)
			weightedRanks(sc.ord, ks, uw, sc.urk)
			val = sc.urk
		}
		for k, u := range uidx {
			dst[k] = val[u]
		}
		if e.centre {
			centre(dst)
		}
	}
	// groupMean is the mean of c over the RDMs of group g with copies.
	groupMean := func(c []float64, g int) float64 {
		s := 0.0
		for d := starts[g]; d < starts[g+1]; d++ {
			s += wr[d] * c[d]
		}
		return s / gn[g]
	}
	var lo, up float64
	if combined {
		pooled(-1, sc.ms[p0*mm:(p0+1)*mm])
		for g := 0; g < G && G > 1; g++ {
			pooled(g, sc.ms[(p0+1+g)*mm:(p0+2+g)*mm])
		}
		cm, err := compareA(nA)
		if err != nil {
			return nil, nanC, err
		}
		for g := 0; g < G; g++ {
			up += groupMean(cm.RawRowView(p0), g)
			if G > 1 {
				lo += groupMean(cm.RawRowView(p0+1+g), g)
			}
		}
		if G == 1 {
			lo = math.NaN()
		}
		return scores(cm), Ceiling{lo / float64(G), up / float64(G)}, nil
	}
	cm, err := compareA(p0)
	if err != nil {
		return nil, nanC, err
	}
	ev := scores(cm)
	sc.first = grow(sc.first, mm)
	poolM := mat.NewDense(1, mm, sc.first)
	pooled(-1, sc.first)
	cu, err := compare.Compare(poolM, Ds, e.cmp, nil)
	if err != nil {
		return nil, nanC, err
	}
	for g := 0; g < G; g++ {
		up += groupMean(cu.RawRowView(0), g)
		if G == 1 {
			lo = math.NaN()
			break
		}
		if err := ctx.Err(); err != nil {
			return nil, nanC, err
		}
		pooled(g, sc.first)
		test := Ds.Slice(starts[g], starts[g+1], 0, mm).(*mat.Dense)
		cl, err := compare.Compare(poolM, test, e.cmp, nil)
		if err != nil {
			return nil, nanC, err
		}
		c := make([]float64, D)
		copy(c[starts[g]:], cl.RawRowView(0))
		lo += groupMean(c, g)
	}
	return ev, Ceiling{lo / float64(G), up / float64(G)}, nil
}

// subsamplePattern is rsatoolbox's RDMs.subsample_pattern('index', sel)
// for sorted sel: the RDM over the conditions sel (copies kept), with NaN
// between two copies of the same condition.
func subsamplePattern(a *mat.Dense, n int, sel []int) *mat.Dense {
	r, _ := a.Dims()
	L := len(sel)
	out := mat.NewDense(r, L*(L-1)/2, nil)
	for k := 0; k < r; k++ {
		src, dst := a.RawRowView(k), out.RawRowView(k)
		t := 0
		for x := 0; x < L; x++ {
			for y := x + 1; y < L; y++ {
				if sel[x] == sel[y] {
					dst[t] = math.NaN()
				} else {
					dst[t] = src[pairIndex(n, sel[x], sel[y])]
				}
				t++
			}
		}
	}
	return out
}

func (e *engine) evalGeneric(ctx context.Context, rows, stim []int) ([]float64, Ceiling, error) {
	nanC := Ceiling{math.NaN(), math.NaN()}
	Ms, Ds := e.models, rowsOf(e.data, rows)
	if stim != nil {
		Ms, Ds = subsamplePattern(Ms, e.n, stim), subsamplePattern(Ds, e.n, stim)
	}
	cm, err := compare.Compare(Ms, Ds, e.method, nil)
	if err != nil {
		return nil, nanC, err
	}
	ev := rowMeans(cm)
	if !e.ceiling {
		return ev, nanC, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, nanC, err
	}
	lab := make([]int, len(rows))
	for k, r := range rows {
		lab[k] = e.subj.labels[r]
	}
	g, _ := newGrouping(lab, len(rows), "RDM")
	c, err := ceilingOf(Ds, g, e.method)
	if errors.Is(err, errDegenerate) {
		return ev, nanC, nil
	}
	return ev, c, err
}
