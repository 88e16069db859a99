package data

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Matrix is an n × p array read lazily in column blocks. Rows are stimuli,
// columns are units (of a layer) or voxels/neurons (of a recording).
//
// ReadColumns fills dst, which has length n·(j1-j0), with columns [j0, j1)
// in row-major order: dst[i*(j1-j0)+(j-j0)] = X[i, j]. Implementations must
// be safe for concurrent use by several goroutines.
type Matrix interface {
	Dims() (n, p int)
	ReadColumns(j0, j1 int, dst []float64) error
}

// Dense adapts an in-memory *mat.Dense to Matrix.
type Dense struct{ M *mat.Dense }

// Dims returns the dimensions of the wrapped matrix.
func (d Dense) Dims() (int, int) { return d.M.Dims() }

// ReadColumns copies columns [j0, j1) into dst.
func (d Dense) ReadColumns(j0, j1 int, dst []float64) error {
	n, p := d.M.Dims()
	if err := checkBlock(n, p, j0, j1, len(dst)); err != nil {
		return err
	}
	w := j1 - j0
	for i := 0; i < n; i++ {
		copy(dst[i*w:(i+1)*w], d.M.RawRowView(i)[j0:j1])
	}
	return nil
}

func checkBlock(n, p, j0, j1, ld int) error {
	if j0 < 0 || j1 > p || j0 > j1 {
		return fmt.Errorf("column block [%d,%d) outside 0..%d", j0, j1, p)
	}
	if ld != n*(j1-j0) {
		return fmt.Errorf("column block [%d,%d) of %d rows needs %d values, buffer holds %d", j0, j1, n, n*(j1-j0), ld)
	}
	return nil
}

// CheckBlock validates a ReadColumns request; implementations of Matrix use
// it so every reader reports the same error.
func CheckBlock(m Matrix, j0, j1 int, dst []float64) error {
	n, p := m.Dims()
	return checkBlock(n, p, j0, j1, len(dst))
}

// BlockColumns is the default width of a column block: about 32 MiB of
// float64 for n rows, at least 1 and at most p.
func BlockColumns(n, p int) int {
	if n < 1 {
		n = 1
	}
	b := (32 << 20) / (8 * n)
	if b < 1 {
		b = 1
	}
	if b > p {
		b = p
	}
	return b
}

// EachBlock calls fn for consecutive column blocks of m of width at most
// width (BlockColumns when width ≤ 0). The block is a n × (j1-j0) view that
// is reused between calls.
func EachBlock(m Matrix, width int, fn func(j0, j1 int, block *mat.Dense) error) error {
	n, p := m.Dims()
	if p == 0 || n == 0 {
		return nil
	}
	if width <= 0 {
		width = BlockColumns(n, p)
	}
	buf := make([]float64, n*width)
	for j0 := 0; j0 < p; j0 += width {
		j1 := min(j0+width, p)
		b := buf[:n*(j1-j0)]
		if err := m.ReadColumns(j0, j1, b); err != nil {
			return err
		}
		if err := fn(j0, j1, mat.NewDense(n, j1-j0, b)); err != nil {
			return err
		}
	}
	return nil
}

// ReadAll reads m whole into a new n × p *mat.Dense. Use it only for
// matrices known to be small.
func ReadAll(m Matrix) (*mat.Dense, error) {
	n, p := m.Dims()
	if n == 0 || p == 0 {
		return &mat.Dense{}, nil
	}
	buf := make([]float64, n*p)
	if err := m.ReadColumns(0, p, buf); err != nil {
		return nil, err
	}
	return mat.NewDense(n, p, buf), nil
}

// CountNonFinite returns how many entries of m are NaN or ±Inf, streaming
// column blocks.
func CountNonFinite(m Matrix) (int, error) {
	count := 0
	err := EachBlock(m, 0, func(_, _ int, b *mat.Dense) error {
		for _, v := range b.RawMatrix().Data {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				count++
			}
		}
		return nil
	})
	return count, err
}

// Mean is the element-wise mean of several matrices of equal dimensions,
// read lazily: the average over repetitions of a recording.
type Mean struct{ Parts []Matrix }

// Dims returns the common dimensions of the parts.
func (m Mean) Dims() (int, int) {
	if len(m.Parts) == 0 {
		return 0, 0
	}
	return m.Parts[0].Dims()
}

// ReadColumns averages columns [j0, j1) over the parts.
func (m Mean) ReadColumns(j0, j1 int, dst []float64) error {
	if err := CheckBlock(m, j0, j1, dst); err != nil {
		return err
	}
	if len(m.Parts) == 0 {
		return nil
	}
	if err := m.Parts[0].ReadColumns(j0, j1, dst); err != nil {
		return err
	}
	tmp := make([]float64, len(dst))
	for _, p := range m.Parts[1:] {
		if err := p.ReadColumns(j0, j1, tmp); err != nil {
			return err
		}
		for i, v := range tmp {
			dst[i] += v
		}
	}
	inv := 1 / float64(len(m.Parts))
	for i := range dst {
		dst[i] *= inv
	}
	return nil
}
