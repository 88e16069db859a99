package lesion

import (
	"context"

	"github.com/alignscope/alignscope/core/data"
	"gonum.org/v1/gonum/mat"
)

// maxGap is the largest run of unwanted columns read through rather than
// skipped: reading a C-order file costs one ReadAt per row per range, so
// joining two ranges across a gap of g columns trades n calls for n·g
// extra values, a good trade while g is a few hundred float32s.
const maxGap = 256

// readBytes bounds one read block (float64 values) at about 96 MiB.
const readBytes = 96 << 20

// minReadColumns keeps blocks wide enough for efficient rank-k updates.
const minReadColumns = 512

// readWidth is the widest block read at once for n rows.
func readWidth(n, p int) int {
	w := readBytes / (8 * max(n, 1))
	return max(1, min(p, max(w, minReadColumns)))
}

// spans coalesces the columns marked in need (length p) into ranges
// [j0, j1) to read: runs of needed columns are joined across gaps of at
// most maxGap columns, and no range is wider than width.
func spans(need []bool, width int) [][2]int {
	var out [][2]int
	p := len(need)
	j := 0
	for j < p {
		for j < p && !need[j] {
			j++
		}
		if j == p {
			break
		}
		start, last := j, j
		for j < p && j-start < width {
			if need[j] {
				last = j
			} else if j-last > maxGap {
				break
			}
			j++
		}
		out = append(out, [2]int{start, last + 1})
		j = last + 1
	}
	return out
}

// readSpans reads the ranges of x in order and calls fn for each with
// the n × (j1−j0) block. A goroutine reads the next range while fn works
// on the current one. fn must not keep b. Cancelling ctx stops the reads.
func readSpans(ctx context.Context, x data.Matrix, ranges [][2]int, fn func(j0, j1 int, b *mat.Dense) error) error {
	n, _ := x.Dims()
	if len(ranges) == 0 {
		return ctx.Err()
	}
	width := 0
	for _, r := range ranges {
		width = max(width, r[1]-r[0])
	}
	type block struct {
		j0, j1 int
		buf    []float64
		err    error
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	free := make(chan []float64, 2)
	free <- make([]float64, n*width)
	free <- make([]float64, n*width)
	full := make(chan block, 1)
	go func() {
		defer close(full)
		for _, r := range ranges {
			var buf []float64
			select {
			case buf = <-free:
			case <-ctx.Done():
				return
			}
			buf = buf[:n*(r[1]-r[0])]
			err := x.ReadColumns(r[0], r[1], buf)
			select {
			case full <- block{r[0], r[1], buf, err}:
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
		for range full { // let the reader stop
		}
		return err
	}
	count := 0
	for b := range full {
		if b.err != nil {
			return finish(b.err)
		}
		if err := ctx.Err(); err != nil {
			return finish(err)
		}
		if err := fn(b.j0, b.j1, mat.NewDense(n, b.j1-b.j0, b.buf)); err != nil {
			return finish(err)
		}
		free <- b.buf[:cap(b.buf)]
		count++
	}
	if count < len(ranges) {
		return finish(ctx.Err())
	}
	return finish(nil)
}
