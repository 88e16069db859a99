package encoding

import (
	"context"
	"math"

	"github.com/alignscope/alignscope/core/job"
)

// engine runs per-target ridge cross-validation over a grid of alphas on
// the spectral fold decompositions of a source. Targets are the columns
// of y, an n × t row-major matrix already centred on its column means
// (which changes no prediction error but keeps products well scaled).
type engine struct {
	n, t   int
	alphas []float64
	folds  []Fold
	src    source
	cache  []*decomp
	keep   bool // keep decompositions between passes
	y      []float64
	pr     progress
	// stacked keeps the stacked maps of each fold for pass 2 (nil when
	// they would not fit in maxStackedBytes).
	stacked []stackedPair
}

type stackedPair struct{ s, a1 []float64 }

// maxStackedBytes bounds the memory of the stacked maps kept for pass 2.
const maxStackedBytes = 256 << 20

// maxCacheBytes bounds the memory kept for fold decompositions between
// passes; above it they are recomputed.
const maxCacheBytes = 1 << 30

func newEngine(src source, folds []Fold, alphas []float64, y []float64, n, t int, rep *job.Reporter) *engine {
	e := &engine{n: n, t: t, alphas: alphas, folds: folds, src: src, y: y, pr: progress{rep}}
	var total int64
	for _, f := range folds {
		total += decompBytes(f, src.rank(f))
	}
	e.keep = total <= maxCacheBytes
	e.cache = make([]*decomp, len(folds))
	var st int64
	for _, f := range folds {
		st += 8 * int64(len(alphas)*len(f.Test)+len(alphas)*len(f.Test)*len(f.Train))
	}
	if st <= maxStackedBytes {
		e.stacked = make([]stackedPair, len(folds))
	}
	return e
}

func (e *engine) decomp(ctx context.Context, k int) (*decomp, error) {
	if d := e.cache[k]; d != nil {
		return d, nil
	}
	d, err := e.src.decompose(ctx, e.folds[k])
	if err != nil {
		return nil, err
	}
	if e.keep {
		e.cache[k] = d
	}
	return d, nil
}

// useStacked reports whether the stacked form (A_α = R·diag(g_α)·Wᵀ formed
// for every α, then multiplied with Y_tr) costs fewer flops than the
// projected form (Z = Wᵀ·Y_tr once, then R·diag(g_α)·Z for every α).
func useStacked(d *decomp, nA, t int) bool {
	nTr, nTe, r := float64(len(d.train)), float64(len(d.test)), float64(d.rank)
	a, tt := float64(nA), float64(t)
	costA := a*nTe*nTr*tt + a*nTe*r*nTr
	costZ := r*nTr*tt + a*nTe*r*tt
	return costA <= costZ
}

// blockWidth is the number of targets processed together so that an
// m × w float64 buffer stays near 32 MB.
func blockWidth(m, t int) int {
	w := (4 << 20) / max(m, 1)
	w = max(w, 64)
	return min(w, t)
}

// foldStats accumulate, for one fold, per alpha a and target j (index
// a·t + j), with P the prediction minus ȳ_tr and y the true value:
// SSE = Σ(y − ŷ)², SP = ΣP, SPP = ΣP², SYP = Σ y·P. SP, SPP and SYP may be
// nil when only the errors are needed.
type foldStats struct{ sse, sp, spp, syp []float64 }

// stackedA returns the (nA·nTe) × nTr matrix of the stacked A_α and its
// row sums A_α·1.
func stackedA(d *decomp, alphas []float64) (s, a1 []float64) {
	nTr, nTe, r := len(d.train), len(d.test), d.rank
	m := len(alphas) * nTe
	s = make([]float64, m*nTr)
	g := make([]float64, r)
	rg := make([]float64, nTe*r)
	for a, alpha := range alphas {
		d.gain(alpha, g)
		for i := 0; i < nTe; i++ {
			src, dst := d.r[i*r:(i+1)*r], rg[i*r:(i+1)*r]
			for k, v := range src {
				dst[k] = v * g[k]
			}
		}
		gemm(false, false, nTe, nTr, r, 1, rg, r, d.wt, nTr, 0, s[a*nTe*nTr:], nTr)
	}
	a1 = make([]float64, m)
	for i := 0; i < m; i++ {
		sum := 0.0
		for _, v := range s[i*nTr : (i+1)*nTr] {
			sum += v
		}
		a1[i] = sum
	}
	return s, a1
}

// stackedB returns the (nA·nTe) × rank matrix of the stacked R·diag(g_α).
func stackedB(d *decomp, alphas []float64) []float64 {
	nTe, r := len(d.test), d.rank
	b := make([]float64, len(alphas)*nTe*r)
	g := make([]float64, r)
	for a, alpha := range alphas {
		d.gain(alpha, g)
		for i := 0; i < nTe; i++ {
			src, dst := d.r[i*r:(i+1)*r], b[(a*nTe+i)*r:(a*nTe+i+1)*r]
			for k, v := range src {
				dst[k] = v * g[k]
			}
		}
	}
	return b
}

// projectBlock computes Z = Wᵀ·(Y_tr[:, j0:j0+w] − 1·ȳ_trᵀ) into z
// (rank × w).
func projectBlock(d *decomp, y []float64, t, j0, w int, ybar []float64, z []float64, buf []float64) []float64 {
	nTr, r := len(d.train), d.rank
	buf = mulRows(r, w, d.wt, nTr, y, t, j0, d.train, d.runs, z, w, buf)
	for k := 0; k < r; k++ {
		row := z[k*w : (k+1)*w]
		c := d.wt1[k]
		yb := ybar[j0 : j0+w]
		for j := range row {
			row[j] -= c * yb[j]
		}
	}
	return buf
}

// accumulate adds to st the errors (and sums) of the predictions
// P = C − a1⊗ȳ held in c (rows a·nTe + i, w columns starting at target j0)
// for every alpha, in parallel over alphas.
func accumulate(ctx context.Context, c []float64, a1 []float64, d *decomp, nA int, y []float64, t, j0, w int, ybar []float64, st foldStats) error {
	nTe := len(d.test)
	return job.For(ctx, nA, func(a int) error {
		yb := ybar[j0 : j0+w]
		base := a*t + j0
		sse := st.sse[base : base+w]
		var sp, spp, syp []float64
		if st.sp != nil {
			sp, spp, syp = st.sp[base:base+w], st.spp[base:base+w], st.syp[base:base+w]
		}
		for i := 0; i < nTe; i++ {
			row := c[(a*nTe+i)*w : (a*nTe+i+1)*w]
			yr := y[d.test[i]*t+j0 : d.test[i]*t+j0+w]
			c1 := 0.0
			if a1 != nil {
				c1 = a1[a*nTe+i]
			}
			if sp == nil {
				for j, v := range row {
					p := v - c1*yb[j]
					e := yr[j] - yb[j] - p
					sse[j] += e * e
				}
				continue
			}
			for j, v := range row {
				p := v - c1*yb[j]
				e := yr[j] - yb[j] - p
				sse[j] += e * e
				sp[j] += p
				spp[j] += p * p
				syp[j] += yr[j] * p
			}
		}
		return nil
	})
}

// scoreFold evaluates every alpha on fold d for the t targets of y
// (n × t, row-major), adding to st (nA × t arrays).
func (e *engine) scoreFold(ctx context.Context, k int, d *decomp, y []float64, t int, ybar []float64, st foldStats) error {
	nA := len(e.alphas)
	nTe, r := len(d.test), d.rank
	m := nA * nTe
	w0 := blockWidth(m, t)
	c := make([]float64, m*w0)
	var buf []float64
	if useStacked(d, nA, t) {
		s, a1 := e.stackedMaps(k, d)
		e.keepStacked(k, s, a1)
		nTr := len(d.train)
		for j0 := 0; j0 < t; j0 += w0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			w := min(w0, t-j0)
			cb := c[:m*w]
			buf = mulRows(m, w, s, nTr, y, t, j0, d.train, d.runs, cb, w, buf)
			if err := accumulate(ctx, cb, a1, d, nA, y, t, j0, w, ybar, st); err != nil {
				return err
			}
		}
		return nil
	}
	b := stackedB(d, e.alphas)
	z := make([]float64, r*w0)
	for j0 := 0; j0 < t; j0 += w0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		w := min(w0, t-j0)
		zb, cb := z[:r*w], c[:m*w]
		buf = projectBlock(d, y, t, j0, w, ybar, zb, buf)
		gemm(false, false, m, w, r, 1, b, r, zb, w, 0, cb, w)
		if err := accumulate(ctx, cb, nil, d, nA, y, t, j0, w, ybar, st); err != nil {
			return err
		}
	}
	return nil
}

// stackedMaps returns the stacked A_α of fold k and their row sums, from
// the cache when pass 1 kept them.
func (e *engine) stackedMaps(k int, d *decomp) (s, a1 []float64) {
	if e.stacked != nil && e.stacked[k].s != nil {
		return e.stacked[k].s, e.stacked[k].a1
	}
	return stackedA(d, e.alphas)
}

// keepStacked stores the stacked maps of fold k for pass 2 when they fit
// in the budget.
func (e *engine) keepStacked(k int, s, a1 []float64) {
	if e.stacked == nil {
		return
	}
	e.stacked[k] = stackedPair{s, a1}
}

// grouped holds the targets reordered so that those sharing a chosen alpha
// are adjacent: column q of y is target perm[q], groups[a] = [c0, c1) the
// columns that chose alpha a.
type grouped struct {
	y      []float64 // n × t
	perm   []int
	best   []int // chosen alpha of each column
	groups [][2]int
}

func groupTargets(y []float64, n, t int, best []int, nA int) *grouped {
	g := &grouped{perm: make([]int, 0, t), best: make([]int, t), groups: make([][2]int, nA)}
	for a := 0; a < nA; a++ {
		c0 := len(g.perm)
		for j, b := range best {
			if b == a {
				g.perm = append(g.perm, j)
			}
		}
		g.groups[a] = [2]int{c0, len(g.perm)}
		for q := c0; q < len(g.perm); q++ {
			g.best[q] = a
		}
	}
	g.y = make([]float64, n*t)
	for i := 0; i < n; i++ {
		src, dst := y[i*t:(i+1)*t], g.y[i*t:(i+1)*t]
		for q, j := range g.perm {
			dst[q] = src[j]
		}
	}
	return g
}

// emitBlock adds the errors and sums of predictions P = C − a1⊗ȳ (c holds
// nTe rows of w columns starting at column j0 of g.y; a1 nil for zero)
// to st (indexed by column) and writes ȳ_tr + P into pred when not nil.
func emitBlock(ctx context.Context, c, a1 []float64, d *decomp, y []float64, t, j0, w int, ybar []float64, st foldStats, pred []float64) error {
	nTe := len(d.test)
	const chunk = 512
	nc := (w + chunk - 1) / chunk
	return job.For(ctx, nc, func(b int) error {
		c0, c1 := b*chunk, min((b+1)*chunk, w)
		yb := ybar[j0+c0 : j0+c1]
		sse, sp, spp, syp := st.sse[j0+c0:j0+c1], st.sp[j0+c0:j0+c1], st.spp[j0+c0:j0+c1], st.syp[j0+c0:j0+c1]
		for i := 0; i < nTe; i++ {
			row := c[i*w+c0 : i*w+c1]
			off := d.test[i]*t + j0
			yr := y[off+c0 : off+c1]
			c1v := 0.0
			if a1 != nil {
				c1v = a1[i]
			}
			var pr []float64
			if pred != nil {
				pr = pred[off+c0 : off+c1]
			}
			for j, v := range row {
				p := v - c1v*yb[j]
				e := yr[j] - yb[j] - p
				sse[j] += e * e
				sp[j] += p
				spp[j] += p * p
				syp[j] += yr[j] * p
				if pr != nil {
					pr[j] = yb[j] + p
				}
			}
		}
		return nil
	})
}

// predictFold computes the predictions of fold k at each column's chosen
// alpha (g.best) for the grouped targets g, adding the errors and sums to
// st (indexed by column of g.y) and, when pred (n × t, column order of
// g.y) is not nil, writing ȳ_tr + P into its test rows. ybar is in the
// column order of g.y.
func (e *engine) predictFold(ctx context.Context, k int, d *decomp, g *grouped, t int, ybar []float64, st foldStats, pred []float64) error {
	nA := len(e.alphas)
	nTe, nTr, r := len(d.test), len(d.train), d.rank
	cached := e.stacked != nil && e.stacked[k].s != nil
	costA := float64(nTe*nTr) * float64(t)
	if !cached {
		costA += float64(nA) * float64(nTe*r*nTr)
	}
	costZ := float64(r*nTr)*float64(t) + float64(nTe*r)*float64(t)
	if costA <= costZ {
		s, a1 := e.stackedMaps(k, d)
		w0 := blockWidth(nTe, t)
		c := make([]float64, nTe*w0)
		var buf []float64
		for a, gr := range g.groups {
			sa, a1a := s[a*nTe*nTr:(a+1)*nTe*nTr], a1[a*nTe:(a+1)*nTe]
			for j0 := gr[0]; j0 < gr[1]; j0 += w0 {
				if err := ctx.Err(); err != nil {
					return err
				}
				w := min(w0, gr[1]-j0)
				cb := c[:nTe*w]
				buf = mulRows(nTe, w, sa, nTr, g.y, t, j0, d.train, d.runs, cb, w, buf)
				if err := emitBlock(ctx, cb, a1a, d, g.y, t, j0, w, ybar, st, pred); err != nil {
					return err
				}
			}
		}
		return nil
	}
	gains := make([][]float64, nA)
	for ai, alpha := range e.alphas {
		gains[ai] = make([]float64, r)
		d.gain(alpha, gains[ai])
	}
	w0 := blockWidth(max(r, nTe), t)
	z := make([]float64, r*w0)
	c := make([]float64, nTe*w0)
	var buf []float64
	for j0 := 0; j0 < t; j0 += w0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		w := min(w0, t-j0)
		zb, cb := z[:r*w], c[:nTe*w]
		buf = projectBlock(d, g.y, t, j0, w, ybar, zb, buf)
		for q := 0; q < r; q++ {
			row := zb[q*w : (q+1)*w]
			for jj := range row {
				row[jj] *= gains[g.best[j0+jj]][q]
			}
		}
		gemm(false, false, nTe, w, r, 1, d.r, r, zb, w, 0, cb, w)
		if err := emitBlock(ctx, cb, nil, d, g.y, t, j0, w, ybar, st, pred); err != nil {
			return err
		}
	}
	return nil
}

// selectBest returns, per target, the first index of the largest
// m[a, j] + 1e-10·ln α_a, with m the unweighted mean over folds of the
// fold scores −SSE/n_k (himalaya's _select_best_alphas).
func selectBest(sse []float64, folds []Fold, alphas []float64, t int) (best []int, meanScore []float64) {
	nA, K := len(alphas), len(folds)
	meanScore = make([]float64, nA*t)
	for k, f := range folds {
		inv := 1 / float64(len(f.Test))
		for a := 0; a < nA; a++ {
			src := sse[(k*nA+a)*t : (k*nA+a+1)*t]
			dst := meanScore[a*t : (a+1)*t]
			for j, v := range src {
				dst[j] -= v * inv
			}
		}
	}
	for i := range meanScore {
		meanScore[i] /= float64(K)
	}
	best = make([]int, t)
	for j := 0; j < t; j++ {
		bi, bv := 0, math.Inf(-1)
		for a, alpha := range alphas {
			v := meanScore[a*t+j] + logSlope(alpha)
			if v > bv || (math.IsNaN(bv) && !math.IsNaN(v)) {
				bi, bv = a, v
			}
		}
		best[j] = bi
	}
	return best, meanScore
}
