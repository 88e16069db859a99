package rdm

import (
	"context"
	"math"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/job"
	"gonum.org/v1/gonum/mat"
)

// blockBytes is the target size of one float64 column block. Two blocks
// are in memory at once (one being read, one being multiplied); 16 MiB
// keeps the BLAS rank-k update efficient (k ≥ 2000 columns for 1000
// stimuli) while memory stays far below the size of a large layer.
const blockBytes = 16 << 20

// minBlockColumns keeps the rank-k update efficient when n is large
// (1024 columns reach full dsyrk speed for n = 1000).
const minBlockColumns = 512

// testWidth, when positive, overrides the block width (tests only).
var testWidth int

// streamWidth is the column-block width used for an n × p matrix: about
// blockBytes of float64, at least minBlockColumns and at most p.
func streamWidth(n, p int) int {
	if testWidth > 0 {
		return max(min(testWidth, p), 1)
	}
	w := blockBytes / (8 * max(n, 1))
	w = max(w, minBlockColumns)
	return max(min(w, p), 1)
}

// stream calls fn for consecutive column blocks of m of width at most
// width, in order. A background goroutine reads the next block while fn
// works on the current one (two buffers), so reading and computing
// overlap. fn must not keep b after it returns. Progress (columns
// processed) goes to rep; cancelling ctx stops the stream with ctx.Err().
// stream returns only after the reader goroutine has finished.
func stream(ctx context.Context, m data.Matrix, width int, rep *job.Reporter, fn func(j0, j1 int, b *mat.Dense) error) error {
	n, p := m.Dims()
	if n == 0 || p == 0 {
		return ctx.Err()
	}
	if width <= 0 || width > p {
		width = p
	}
	if width == p {
		// One block: nothing to overlap.
		if err := ctx.Err(); err != nil {
			return err
		}
		buf := make([]float64, n*p)
		if err := m.ReadColumns(0, p, buf); err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fn(0, p, mat.NewDense(n, p, buf)); err != nil {
			return err
		}
		if rep != nil {
			rep.Add(p)
		}
		return nil
	}
	type block struct {
		j0, j1 int
		buf    []float64
		err    error
	}
	ctx, cancel := context.WithCancel(ctx)
	free := make(chan []float64, 2)
	free <- make([]float64, n*width)
	free <- make([]float64, n*width)
	full := make(chan block, 1)
	go func() {
		defer close(full)
		for j0 := 0; j0 < p; j0 += width {
			var buf []float64
			select {
			case buf = <-free:
			case <-ctx.Done():
				return
			}
			j1 := min(j0+width, p)
			err := m.ReadColumns(j0, j1, buf[:n*(j1-j0)])
			select {
			case full <- block{j0, j1, buf, err}:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	finish := func(err error) error {
		cancel()
		for range full { // wait for the reader to stop
		}
		return err
	}
	done := 0
	for b := range full {
		if b.err != nil {
			return finish(b.err)
		}
		if err := ctx.Err(); err != nil {
			return finish(err)
		}
		w := b.j1 - b.j0
		if err := fn(b.j0, b.j1, mat.NewDense(n, w, b.buf[:n*w])); err != nil {
			return finish(err)
		}
		done += w
		if rep != nil {
			rep.Add(w)
		}
		free <- b.buf
	}
	if done < p {
		// The reader stopped early: the context was cancelled.
		if err := ctx.Err(); err != nil {
			return finish(err)
		}
	}
	return finish(nil)
}

// maxShiftRatio bounds the cancellation allowed when row means are
// removed after the products have been accumulated: with r_a the row sum
// of the shifted row a and S_a its sum of squares, the centred sum of
// squares is S_a − r_a²/p, and ρ_a = (r_a²/p)/(S_a − r_a²/p) multiplies
// the rounding error of the centred products. Above this bound a second
// pass with the exact row means is made.
const maxShiftRatio = 1e4

// rowCentring removes each observation row's mean over all p columns from
// streamed column blocks in one pass. Each row a is shifted by c_a, the
// mean of its values in the first block (exact when the first block is the
// whole matrix); the running sums r_a = Σ_j (x_aj − c_a) then give the
// exact correction of any product of linear combinations of rows:
//
//	(L − μ_L 1ᵀ)(R − μ_R 1ᵀ)ᵀ = L Rᵀ − (L1)(R1)ᵀ/p
//
// which is accurate because the shift has already removed most of the
// mean. If it has not (ρ_a > maxShiftRatio, see accurate), the caller
// makes a second pass with shift = the exact means.
type rowCentring struct {
	p     int
	shift []float64 // c_a
	sum   []float64 // Σ_j (x_aj − c_a)
	sumsq []float64 // Σ_j (x_aj − c_a)²
	// constant[a] is true while every value of row a seen so far equals
	// first[a].
	constant []bool
	first    []float64
	exact    bool // shift is the exact row mean
}

func newRowCentring(n, p int) *rowCentring {
	return &rowCentring{p: p, sum: make([]float64, n), sumsq: make([]float64, n),
		constant: make([]bool, n), first: make([]float64, n)}
}

// apply shifts the rows of block b (columns [j0, j1)) in place and
// accumulates the row sums.
func (rc *rowCentring) apply(j0, j1 int, b *mat.Dense) {
	n, w := b.Dims()
	if rc.shift == nil {
		rc.shift = make([]float64, n)
		for i := 0; i < n; i++ {
			row := b.RawRowView(i)
			var s float64
			for _, v := range row {
				s += v
			}
			rc.shift[i] = s / float64(w)
			rc.first[i] = row[0]
			rc.constant[i] = true
		}
		rc.exact = w == rc.p
	}
	for i := 0; i < n; i++ {
		row := b.RawRowView(i)
		c, f, same := rc.shift[i], rc.first[i], rc.constant[i]
		var s, ss float64
		for k, v := range row {
			if same && v != f {
				same = false
			}
			v -= c
			row[k] = v
			s += v
			ss += v * v
		}
		rc.constant[i] = same
		rc.sum[i] += s
		rc.sumsq[i] += ss
	}
}

// accurate reports whether the one-pass correction is accurate for every
// row; otherwise it sets the shift to the exact means and resets the sums
// for a second pass.
func (rc *rowCentring) accurate() bool {
	if rc.exact || rc.shift == nil {
		return true
	}
	p := float64(rc.p)
	ok := true
	for a, r := range rc.sum {
		if rc.constant[a] || math.IsNaN(r) || math.IsInf(r, 0) || math.IsInf(rc.sumsq[a], 0) {
			continue // constant rows are handled apart; NaN stays NaN
		}
		m2 := r * r / p
		cs := rc.sumsq[a] - m2
		if !(cs > 0) || m2 > maxShiftRatio*cs {
			ok = false
			break
		}
	}
	if ok {
		return true
	}
	for a := range rc.shift {
		rc.shift[a] += rc.sum[a] / p
		rc.sum[a], rc.sumsq[a] = 0, 0
	}
	rc.exact = true
	return false
}

// centreColumns subtracts from every row of b its column means over the
// rows, ignoring NaN values so that a NaN stays in its own pattern. mean
// and cnt are scratch space of at least the block width. Distances between
// differences of rows are unchanged; the products that give them lose
// less to rounding.
func centreColumns(b *mat.Dense, mean []float64, cnt []int) {
	n, w := b.Dims()
	mean, cnt = mean[:w], cnt[:w]
	clear(mean)
	clear(cnt)
	for i := 0; i < n; i++ {
		for k, v := range b.RawRowView(i) {
			if v == v { // not NaN
				mean[k] += v
				cnt[k]++
			}
		}
	}
	for k, c := range cnt {
		if c > 0 {
			mean[k] /= float64(c)
		}
	}
	for i := 0; i < n; i++ {
		row := b.RawRowView(i)
		for k := range row {
			row[k] -= mean[k]
		}
	}
}
