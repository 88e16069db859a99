package nifti

import (
	"fmt"
	"slices"

	"github.com/alignscope/alignscope/core/data"
)

// Series is a lazily read matrix over an image's volumes and voxels: row
// r is volume Rows[r], column c is the voxel with storage index Cols[c]
// (i + nx·(j + ny·k)). It implements data.Matrix, so a region's voxel
// responses to the stimuli (one volume per stimulus) are read in column
// blocks without loading the 4-D image.
type Series struct {
	im   *Image
	rows []int
	cols []int
}

// Series returns the matrix of volumes rows × voxels cols (storage
// indices). The slices are copied.
func (im *Image) Series(rows, cols []int) (*Series, error) {
	nt, nv := im.Volumes(), im.Voxels()
	for _, t := range rows {
		if t < 0 || t >= nt {
			return nil, fmt.Errorf("%s: volume %d does not exist; the image has %d volume(s)", im.Source, t, nt)
		}
	}
	for _, v := range cols {
		if v < 0 || v >= nv {
			return nil, fmt.Errorf("%s: voxel index %d lies outside the %d voxels of the grid", im.Source, v, nv)
		}
	}
	return &Series{im: im, rows: slices.Clone(rows), cols: slices.Clone(cols)}, nil
}

// Dims returns the number of volumes and voxels.
func (s *Series) Dims() (int, int) { return len(s.rows), len(s.cols) }

// Image returns the image the series reads.
func (s *Series) Image() *Image { return s.im }

// Voxels returns the storage indices of the columns (not a copy).
func (s *Series) Voxels() []int { return s.cols }

// Read sizes: voxels closer than gapElems in storage order are read in one
// run (reading a small gap costs less than another read call), and one
// run covers at most spanElems elements.
const (
	gapElems  = 1024
	spanElems = 1 << 16
)

// ReadColumns fills dst with columns [j0, j1) in row-major order. For each
// volume, the block's voxels are read in runs of nearby storage indices,
// one ReadAt per run. It is safe for concurrent use.
func (s *Series) ReadColumns(j0, j1 int, dst []float64) error {
	if err := data.CheckBlock(s, j0, j1, dst); err != nil {
		return err
	}
	w := j1 - j0
	if w == 0 || len(s.rows) == 0 {
		return nil
	}
	// the block's voxels in storage order, with their column positions
	order := make([]int, w)
	for c := range order {
		order[c] = j0 + c
	}
	slices.SortFunc(order, func(a, b int) int { return s.cols[a] - s.cols[b] })
	type run struct{ first, last, lo, hi int } // storage span, positions in order
	var runs []run
	for p, c := range order {
		v := s.cols[c]
		if n := len(runs); n > 0 && v-runs[n-1].last <= gapElems && v-runs[n-1].first < spanElems {
			runs[n-1].last, runs[n-1].hi = v, p+1
			continue
		}
		runs = append(runs, run{v, v, p, p + 1})
	}
	im := s.im
	size := im.Datatype.Size()
	nv := int64(im.Voxels())
	maxSpan := 0
	for _, r := range runs {
		maxSpan = max(maxSpan, r.last-r.first+1)
	}
	raw := make([]byte, maxSpan*size)
	vals := make([]float64, maxSpan)
	for r, t := range s.rows {
		base := im.VoxOffset + int64(t)*nv*int64(size)
		for _, ru := range runs {
			n := ru.last - ru.first + 1
			if err := readAt(im.r, raw[:n*size], base+int64(ru.first)*int64(size)); err != nil {
				return fmt.Errorf("%s: volume %d: %w", im.Source, t, err)
			}
			decode(vals[:n], raw[:n*size], im.Datatype, im.ByteOrder)
			for _, c := range order[ru.lo:ru.hi] {
				dst[r*w+c-j0] = vals[s.cols[c]-ru.first]
			}
		}
		im.scale(dst[r*w : (r+1)*w])
	}
	return nil
}
