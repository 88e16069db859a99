package encoding

import (
	"context"
	"math"

	"github.com/alignscope/alignscope/core/job"
)

// u32 is the unit roundoff of float32, 2⁻²⁴.
const u32 = 1.0 / (1 << 24)

// fastState holds the float32 copy of the targets and the rounding bounds
// of Fast mode.
type fastState struct {
	y32   []float32
	t, nA int
	// bound[(k·nA+a)·t+j] bounds |SSE32 − SSE| for fold k, alpha a,
	// target j.
	bound []float64
}

func newFastState(y []float64, n, t, K, nA int) *fastState {
	fs := &fastState{y32: make([]float32, n*t), t: t, nA: nA, bound: make([]float64, K*nA*t)}
	for i, v := range y {
		fs.y32[i] = float32(v)
	}
	return fs
}

// scoreFold adds to sse (nA × t) the squared errors of fold d for every
// alpha, with the stacked products in float32, and records for each the
// bound 2·√SSE·ε + ε², ε = κ·u·‖S_a‖_F·‖y_j,tr‖ with κ = 4√n_tr + 8: a
// float32 product of length n_tr errs by at most about √n_tr·u·Σ|s||y|
// (statistical bound; Higham, Accuracy and Stability, §3.5), and
// Σ|s||y| ≤ ‖s‖‖y‖; the rounding of the inputs to float32 adds 2u.
func (fs *fastState) scoreFold(ctx context.Context, e *engine, k int, d *decomp, ybar []float64, sse []float64) error {
	nA, t := fs.nA, fs.t
	nTr, nTe := len(d.train), len(d.test)
	m := nA * nTe
	s, a1 := e.stackedMaps(k, d)
	e.keepStacked(k, s, a1)
	sNorm := make([]float64, nA)
	s32 := make([]float32, len(s))
	for a := 0; a < nA; a++ {
		blk := s[a*nTe*nTr : (a+1)*nTe*nTr]
		ss := 0.0
		for i, v := range blk {
			ss += v * v
			s32[a*nTe*nTr+i] = float32(v)
		}
		sNorm[a] = math.Sqrt(ss)
	}
	// ‖y_j,tr‖ over the training rows.
	yn := make([]float64, t)
	for _, i := range d.train {
		row := e.y[i*t : (i+1)*t]
		for j, v := range row {
			yn[j] += v * v
		}
	}
	kappa := 4*math.Sqrt(float64(nTr)) + 8
	w0 := blockWidth(m, t)
	c := make([]float32, m*w0)
	var buf []float32
	for j0 := 0; j0 < t; j0 += w0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		w := min(w0, t-j0)
		cb := c[:m*w]
		buf = mulRows32(m, w, s32, nTr, fs.y32, t, j0, d.train, d.runs, cb, w, buf)
		err := job.For(ctx, nA, func(a int) error {
			yb := ybar[j0 : j0+w]
			out := sse[a*t+j0 : a*t+j0+w]
			for i := 0; i < nTe; i++ {
				row := cb[(a*nTe+i)*w : (a*nTe+i+1)*w]
				yr := e.y[d.test[i]*t+j0 : d.test[i]*t+j0+w]
				c1 := a1[a*nTe+i]
				for j, v := range row {
					p := float64(v) - c1*yb[j]
					r := yr[j] - yb[j] - p
					out[j] += r * r
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	for a := 0; a < nA; a++ {
		off := (k*nA + a) * t
		for j := 0; j < t; j++ {
			eps := kappa * u32 * sNorm[a] * math.Sqrt(yn[j])
			fs.bound[off+j] = 2*math.Sqrt(sse[a*t+j])*eps + eps*eps
		}
	}
	return nil
}

// recheck re-scores in float64 every target whose chosen alpha could
// change within the rounding bounds: target j is re-scored when, for some
// alpha a ≠ best, sel_best − sel_a ≤ δ_best + δ_a, with sel the selection
// score (mean −MSE + slope) and δ the bound on its float32 error. It
// overwrites their errors in sse (K × nA × t) and returns their count.
func (fs *fastState) recheck(ctx context.Context, e *engine, sse []float64, best []int, ybars [][]float64) (int, error) {
	nA, t := fs.nA, fs.t
	K := len(e.folds)
	var redo []int
	sel := make([]float64, nA)
	del := make([]float64, nA)
	for j := 0; j < t; j++ {
		for a := 0; a < nA; a++ {
			var m, dm float64
			for k, f := range e.folds {
				idx := (k*nA+a)*t + j
				inv := 1 / float64(len(f.Test))
				m -= sse[idx] * inv
				dm += fs.bound[idx] * inv
			}
			sel[a] = m/float64(K) + logSlope(e.alphas[a])
			del[a] = dm / float64(K)
		}
		b := best[j]
		for a := 0; a < nA; a++ {
			if a != b && !(sel[b]-sel[a] > del[b]+del[a]) {
				redo = append(redo, j)
				break
			}
		}
	}
	if len(redo) == 0 {
		return 0, nil
	}
	n, tr := e.n, len(redo)
	sub := make([]float64, n*tr)
	for i := 0; i < n; i++ {
		for q, j := range redo {
			sub[i*tr+q] = e.y[i*t+j]
		}
	}
	for k := range e.folds {
		d, err := e.decomp(ctx, k)
		if err != nil {
			return 0, err
		}
		yb := make([]float64, tr)
		for q, j := range redo {
			yb[q] = ybars[k][j]
		}
		st := foldStats{sse: make([]float64, nA*tr)}
		if err := e.scoreFold(ctx, k, d, sub, tr, yb, st); err != nil {
			return 0, err
		}
		for a := 0; a < nA; a++ {
			for q, j := range redo {
				sse[(k*nA+a)*t+j] = st.sse[a*tr+q]
			}
		}
	}
	return len(redo), nil
}
