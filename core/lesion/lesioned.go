package lesion

import (
	"context"
	"fmt"

	"github.com/alignscope/alignscope/core/data"
	"gonum.org/v1/gonum/mat"
)

// Lesioned is a layer with some units silenced, as a lazily read
// data.Matrix: the activations to recompute anything from scratch, export,
// or re-fit a model on.
type Lesioned struct {
	x     data.Matrix
	value []float64 // replacement of each silenced unit
	off   []bool    // silenced
}

var _ data.Matrix = (*Lesioned)(nil)

// NewLesioned silences units of x with fill. For Mean it reads the
// silenced columns once for their means.
func NewLesioned(ctx context.Context, x data.Matrix, units []int, fill Fill) (*Lesioned, error) {
	n, p := x.Dims()
	if len(units) == 0 {
		return nil, fmt.Errorf("the list of units to lesion is empty; pick at least one unit")
	}
	l := &Lesioned{x: x, value: make([]float64, p), off: make([]bool, p)}
	for _, u := range units {
		if u < 0 || u >= p {
			return nil, fmt.Errorf("unit %d does not exist: the layer has units 0 … %d", u, p-1)
		}
		l.off[u] = true
	}
	if fill == Mean {
		sums := make([]float64, p)
		err := readSpans(ctx, x, spans(l.off, readWidth(n, p)), func(j0, j1 int, b *mat.Dense) error {
			for i := 0; i < n; i++ {
				for k, v := range b.RawRowView(i) {
					sums[j0+k] += v
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		for u := range sums {
			if l.off[u] {
				l.value[u] = sums[u] / float64(n)
			}
		}
	}
	return l, nil
}

// Dims returns the dimensions of the layer.
func (l *Lesioned) Dims() (int, int) { return l.x.Dims() }

// ReadColumns reads columns [j0, j1) with the silenced units replaced.
func (l *Lesioned) ReadColumns(j0, j1 int, dst []float64) error {
	if err := l.x.ReadColumns(j0, j1, dst); err != nil {
		return err
	}
	n, _ := l.x.Dims()
	w := j1 - j0
	for k := 0; k < w; k++ {
		if !l.off[j0+k] {
			continue
		}
		v := l.value[j0+k]
		for i := 0; i < n; i++ {
			dst[i*w+k] = v
		}
	}
	return nil
}
