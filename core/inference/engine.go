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
//   - the pooled RDMs of the leave-one-out ceiling come from one running
//     sum of the normalised RDMs: pool(¬g) = (Σ_all − Σ_g)/(S − S_g).
type engine struct {
	method, cmp string
	kind        poolKind // pooling normalisation applied to prepared rows
	fast, rank  bool
	rankPool    bool // rank pooled RDMs before Compare (spearman as corr)
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
	scratch sync.Pool
}

var vectorMethods = map[string]bool{
	"cosine": true, "corr": true, "spearman": true, "rho-a": true,
	"tau-a": true, "kendall": true, "tau-b": true,
}

func newEngine(models, data *mat.Dense, n int, method string, subj, stim *grouping) *engine {
	e := &engine{method: method, cmp: method, kind: poolKindOf(method), n: n,
		models: models, data: data, subj: subj, stim: stim}
	e.ceiling = e.kind != poolNone && len(subj.uniq) >= 2
	e.fast = vectorMethods[method] && sameNaN(models, data)
	if !e.fast {
		return e
	}
	e.rank = e.kind == poolRank
	if method == "spearman" {
		e.cmp, e.rankPool = "corr", true
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
	prep := func(a *mat.Dense) (v, r [][]float64, o [][]int32) {
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
				o = append(o, argsort(x))
			}
		}
		return v, r, o
	}
	e.vm, e.rm, e.om = prep(models)
	e.vd, e.rd, e.od = prep(data)
	if e.rank {
		e.kind = poolMean // rows are ranks already: pooling averages them
	}
	return e
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
	cnt                   []int
	w, rk, uw             []float64
	cols, ucol, uidx, ord []int32
	base                  []int32
	ms, ds, z, gsum       []float64
	sum, pool, first, urk []float64
	buf                   []valIdx
	radix                 radixBuf
}

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

func (e *engine) evalFast(ctx context.Context, sc *scratch, rows, stim []int) ([]float64, Ceiling, error) {
	nanC := Ceiling{math.NaN(), math.NaN()}
	M, S := len(e.vm), len(rows)

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

	// Runs of equal subject groups in rows.
	var starts []int
	for k := range rows {
		if k == 0 || e.subj.labels[rows[k]] != e.subj.labels[rows[k-1]] {
			starts = append(starts, k)
		}
	}
	starts = append(starts, S)
	G := len(starts) - 1
	uniqueSums := e.ceiling && e.rankPool
	if uniqueSums {
		sc.gsum = grow(sc.gsum, G*U)
		clear(sc.gsum)
	}

	// One Compare call serves the models and every pooled RDM when the
	// method's cost is a matrix product (few passes over the data);
	// tau-a and kendall compare the pools group by group instead.
	combined := e.ceiling && (e.cmp == "corr" || e.cmp == "cosine" || e.cmp == "rho-a")
	nA := M
	if combined {
		nA = M + 1
		if G > 1 {
			nA += G
		}
	}
	sc.ms = grow(sc.ms, nA*mm)
	sc.ds = grow(sc.ds, S*mm)
	gather := func(dst []float64, v, r []float64, o []int32) []float64 {
		src := v
		switch {
		case e.rank && weighted:
			weightedRanks(v, o, sc.w, sc.rk)
			src = sc.rk
		case e.rank:
			src = r
		}
		for k, c := range cols {
			dst[k] = src[c]
		}
		return src
	}
	for k := 0; k < M; k++ {
		var r []float64
		var o []int32
		if e.rank {
			r, o = e.rm[k], e.om[k]
		}
		gather(sc.ms[k*mm:(k+1)*mm], e.vm[k], r, o)
	}
	g := 0
	for k, row := range rows {
		var r []float64
		var o []int32
		if e.rank {
			r, o = e.rd[row], e.od[row]
		}
		src := gather(sc.ds[k*mm:(k+1)*mm], e.vd[row], r, o)
		if uniqueSums {
			for k >= starts[g+1] {
				g++
			}
			gs := sc.gsum[g*U : (g+1)*U]
			for u, c := range ucol {
				gs[u] += src[c]
			}
		}
	}
	Ds := mat.NewDense(S, mm, sc.ds)
	scores := func(nA int) (*mat.Dense, error) {
		return compare.Compare(mat.NewDense(nA, mm, sc.ms[:nA*mm]), Ds, e.cmp, nil)
	}
	if !e.ceiling {
		cm, err := scores(M)
		if err != nil {
			return nil, nanC, err
		}
		return rowMeans(cm), nanC, nil
	}

	// Sums of the normalised RDMs, per group and in all.
	width := mm
	if uniqueSums {
		width = U
	} else {
		sc.z = grow(sc.z, mm)
		sc.gsum = grow(sc.gsum, G*mm)
		clear(sc.gsum)
		for g := 0; g < G; g++ {
			gs := sc.gsum[g*mm : (g+1)*mm]
			for k := starts[g]; k < starts[g+1]; k++ {
				var ok bool
				ok, sc.buf = normalise(Ds.RawRowView(k), sc.z, e.kind, sc.buf)
				if !ok {
					cm, err := scores(M)
					if err != nil {
						return nil, nanC, err
					}
					return rowMeans(cm), nanC, nil
				}
				for j, v := range sc.z {
					gs[j] += v
				}
			}
		}
	}
	sc.sum = grow(sc.sum, width)
	clear(sc.sum)
	for g := 0; g < G; g++ {
		for j, v := range sc.gsum[g*width : (g+1)*width] {
			sc.sum[j] += v
		}
	}
	sc.pool = grow(sc.pool, width)
	if uniqueSums {
		sc.first = grow(sc.first, mm)
		sc.urk = grow(sc.urk, U)
		sc.ord = grow(sc.ord, U)
		sc.base = grow(sc.base, U)
	}
	// pooled writes to dst pool(RDMs ∉ group drop), or of all RDMs for
	// drop < 0, ready for Compare (ranked for spearman).
	pooled := func(drop int, dst []float64) {
		n := S
		copy(sc.pool, sc.sum)
		if drop >= 0 {
			n -= starts[drop+1] - starts[drop]
			for j, v := range sc.gsum[drop*width : (drop+1)*width] {
				sc.pool[j] -= v
			}
		}
		finishPool(sc.pool, sc.pool, float64(n), e.kind)
		if !uniqueSums {
			copy(dst, sc.pool)
			return
		}
		// Rank the pooled RDM on the distinct entries with their
		// multiplicities, starting from the order of the full pool (the
		// leave-one-out pools are nearly in that order).
		if drop < 0 {
			for u := range sc.base {
				sc.base[u] = int32(u)
			}
		}
		copy(sc.ord, sc.base)
		sortByValue(sc.ord, sc.pool, &sc.radix)
		if drop < 0 {
			copy(sc.base, sc.ord)
		}
		weightedRanks(sc.pool, sc.ord, uw, sc.urk)
		for k, u := range uidx {
			dst[k] = sc.urk[u]
		}
	}
	var lo, up float64
	if combined {
		pooled(-1, sc.ms[M*mm:(M+1)*mm])
		for g := 0; g < G && G > 1; g++ {
			pooled(g, sc.ms[(M+1+g)*mm:(M+2+g)*mm])
		}
		cm, err := scores(nA)
		if err != nil {
			return nil, nanC, err
		}
		u := cm.RawRowView(M)
		for g := 0; g < G; g++ {
			up += mean(u[starts[g]:starts[g+1]])
			if G > 1 {
				lo += mean(cm.RawRowView(M + 1 + g)[starts[g]:starts[g+1]])
			}
		}
		if G == 1 {
			lo = math.NaN()
		}
		return rowMeans(cm.Slice(0, M, 0, S).(*mat.Dense)), Ceiling{lo / float64(G), up / float64(G)}, nil
	}
	cm, err := scores(M)
	if err != nil {
		return nil, nanC, err
	}
	ev := rowMeans(cm)
	sc.first = grow(sc.first, mm)
	poolM := mat.NewDense(1, mm, sc.first)
	pooled(-1, sc.first)
	cu, err := compare.Compare(poolM, Ds, e.cmp, nil)
	if err != nil {
		return nil, nanC, err
	}
	u := cu.RawRowView(0)
	for g := 0; g < G; g++ {
		up += mean(u[starts[g]:starts[g+1]])
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
		lo += mean(cl.RawRowView(0))
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
