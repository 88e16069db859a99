package npy

import (
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/alignscope/alignscope/core/data"
)

// View is a 2-D, lazily read view of an Array: an n × p data.Matrix. Rows
// are the array's first axis (after the repetition axis for Sub), columns
// the remaining axes flattened in C order, as numpy's x.reshape(n, -1).
// A View is safe for concurrent use.
type View struct {
	a    *Array
	src  string
	n, p int
	// base is the element offset of X[0, 0]; rowStride the element
	// distance between rows. C order stores each row's columns
	// contiguously; Fortran order stores column j at colOffset(j) with its
	// rows rowStride apart.
	base, rowStride int64
	tdims           []int   // trailing (column) dims, Fortran only
	tstrides        []int64 // their element strides, Fortran only
}

var _ data.Matrix = (*View)(nil)

// Dims returns n rows and p columns.
func (v *View) Dims() (n, p int) { return v.n, v.p }

// Source names the view in messages: the array's Source, followed by
// "[i]" for a Sub view.
func (v *View) Source() string { return v.src }

// Array returns the array the view reads.
func (v *View) Array() *Array { return v.a }

// Matrix returns the 2-D view of a: rows = Shape[0], columns = the product
// of Shape[1:]. A 1-D array is an n × 1 matrix; a 0-D array is an error.
func (a *Array) Matrix() (*View, error) {
	if a.Err != nil {
		return nil, a.Err
	}
	if len(a.Shape) == 0 {
		return nil, fmt.Errorf("%s: array %q is a single number (shape ()), not a matrix; save an array with one row per stimulus", a.Source, a.Name)
	}
	n := a.Shape[0]
	p := prod(a.Shape[1:])
	v := &View{a: a, src: a.Source, n: n, p: p}
	if a.Fortran {
		v.rowStride = 1
		v.tdims = a.Shape[1:]
		v.tstrides = fortranStrides(a.Shape)[1:]
	} else {
		v.rowStride = int64(p)
	}
	return v, nil
}

// Sub returns the i-th slab of an array with at least 3 dimensions,
// r × n × …, as an n × p matrix (p the product of Shape[2:]), read lazily:
// repetition i of a recording stored as repetitions × stimuli × channels.
func (a *Array) Sub(i int) (*View, error) {
	if a.Err != nil {
		return nil, a.Err
	}
	if len(a.Shape) < 3 {
		return nil, fmt.Errorf("%s: array %q has shape %s; repetitions need 3 dimensions (repetitions × stimuli × channels)",
			a.Source, a.Name, shapeText(a.Shape))
	}
	r := a.Shape[0]
	if i < 0 || i >= r {
		return nil, fmt.Errorf("%s: repetition %d outside 0..%d", a.Source, i, r-1)
	}
	n := a.Shape[1]
	p := prod(a.Shape[2:])
	v := &View{a: a, src: fmt.Sprintf("%s[%d]", a.Source, i), n: n, p: p}
	if a.Fortran {
		st := fortranStrides(a.Shape)
		v.base = int64(i)
		v.rowStride = st[1]
		v.tdims = a.Shape[2:]
		v.tstrides = st[2:]
	} else {
		v.base = int64(i) * int64(n) * int64(p)
		v.rowStride = int64(p)
	}
	return v, nil
}

// Subs returns Sub(i) for every i of the first axis.
func (a *Array) Subs() ([]data.Matrix, error) {
	if a.Err != nil {
		return nil, a.Err
	}
	if len(a.Shape) < 3 {
		_, err := a.Sub(0)
		return nil, err
	}
	out := make([]data.Matrix, a.Shape[0])
	for i := range out {
		v, err := a.Sub(i)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

func prod(s []int) int {
	p := 1
	for _, d := range s {
		p *= d // newArray has checked that the full product fits
	}
	return p
}

func fortranStrides(shape []int) []int64 {
	st := make([]int64, len(shape))
	s := int64(1)
	for i, d := range shape {
		st[i] = s
		s *= int64(d)
	}
	return st
}

// colOffset is the element offset of column j (Fortran order): j is
// unravelled in C order over the trailing dims.
func (v *View) colOffset(j int) int64 {
	var off int64
	for k := len(v.tdims) - 1; k >= 0; k-- {
		d := v.tdims[k]
		off += int64(j%d) * v.tstrides[k]
		j /= d
	}
	return off
}

// chunkBytes bounds the bytes read by one ReadAt and the per-call buffer.
const chunkBytes = 1 << 20

var bufPool = sync.Pool{New: func() any { b := make([]byte, chunkBytes); return &b }}

// ReadColumns fills dst (length n·(j1-j0)) with columns [j0, j1) in
// row-major order, converted to float64. Data in C order are read with one
// ReadAt per row (or per run of rows when the block covers most of each
// row); in Fortran order a run of columns is one contiguous range.
func (v *View) ReadColumns(j0, j1 int, dst []float64) error {
	if err := data.CheckBlock(v, j0, j1, dst); err != nil {
		return fmt.Errorf("read %s: %w", v.src, err)
	}
	if j1 == j0 || v.n == 0 {
		return nil
	}
	r, off, err := v.a.data()
	if err != nil {
		return err
	}
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	if v.a.Fortran {
		err = v.readFortran(r, off, j0, j1, dst, *bp)
	} else {
		err = v.readC(r, off, j0, j1, dst, *bp)
	}
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Errorf("read %s: %w: the file is shorter than its header says; was it changed or truncated after opening? Open it again", v.src, ErrTruncated)
		}
		return fmt.Errorf("read %s: %w", v.src, err)
	}
	return nil
}

func readAt(r io.ReaderAt, b []byte, off int64) error {
	n, err := r.ReadAt(b, off)
	if n == len(b) {
		return nil
	}
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return err
}

func (v *View) readC(r io.ReaderAt, off int64, j0, j1 int, dst []float64, buf []byte) error {
	isz := int64(v.a.dt.size)
	c := v.a.dt.code
	w := j1 - j0
	rowBytes := v.rowStride * isz
	if 2*int64(w) >= v.rowStride && rowBytes <= chunkBytes {
		// The block covers most of each row: read runs of whole rows.
		per := int(chunkBytes / rowBytes)
		for i0 := 0; i0 < v.n; i0 += per {
			i1 := min(v.n, i0+per)
			start := off + (v.base+int64(i0)*v.rowStride+int64(j0))*isz
			length := (int64(i1-i0-1)*v.rowStride + int64(w)) * isz
			if err := readAt(r, buf[:length], start); err != nil {
				return err
			}
			for i := i0; i < i1; i++ {
				decode(dst[i*w:(i+1)*w], buf[int64(i-i0)*rowBytes:], c)
			}
		}
		return nil
	}
	per := int(chunkBytes / isz) // elements per ReadAt
	for i := 0; i < v.n; i++ {
		row := off + (v.base+int64(i)*v.rowStride)*isz
		out := dst[i*w : (i+1)*w]
		for c0 := 0; c0 < w; c0 += per {
			c1 := min(w, c0+per)
			b := buf[:int64(c1-c0)*isz]
			if err := readAt(r, b, row+int64(j0+c0)*isz); err != nil {
				return err
			}
			decode(out[c0:c1], b, c)
		}
	}
	return nil
}

func (v *View) readFortran(r io.ReaderAt, off int64, j0, j1 int, dst []float64, buf []byte) error {
	isz := int64(v.a.dt.size)
	c := v.a.dt.code
	w := j1 - j0
	n := int64(v.n)
	// tmp holds decoded values of one chunk: at most chunkBytes/8 values,
	// and no more than the block needs.
	tmp := make([]float64, min(chunkBytes/8, int64(w)*n*max(1, v.rowStride)))
	if v.rowStride == 1 {
		// Each column is n contiguous elements; gather runs of columns
		// that are adjacent in the file and read them as one range.
		for j := j0; j < j1; {
			start := v.base + v.colOffset(j)
			k := 1
			for j+k < j1 && v.colOffset(j+k) == start-v.base+int64(k)*n {
				k++
			}
			total := int64(k) * n
			per := int64(len(tmp))
			for e0 := int64(0); e0 < total; e0 += per {
				e1 := min(total, e0+per)
				b := buf[:(e1-e0)*isz]
				if err := readAt(r, b, off+(start+e0)*isz); err != nil {
					return err
				}
				t := tmp[:e1-e0]
				decode(t, b, c)
				col, row := int(e0/n), int(e0%n)
				for _, x := range t {
					dst[row*w+(j-j0)+col] = x
					row++
					if row == v.n {
						row = 0
						col++
					}
				}
			}
			j += k
		}
		return nil
	}
	// Rows are rowStride elements apart (a Sub view of a Fortran array):
	// read the span of each column chunk and pick every rowStride-th.
	rs := v.rowStride
	per := max(1, int64(len(tmp))/rs) // rows per chunk
	for j := j0; j < j1; j++ {
		start := v.base + v.colOffset(j)
		for i0 := int64(0); i0 < n; i0 += per {
			i1 := min(n, i0+per)
			span := (i1-i0-1)*rs + 1
			b := buf[:span*isz]
			if err := readAt(r, b, off+(start+i0*rs)*isz); err != nil {
				return err
			}
			t := tmp[:span]
			decode(t, b, c)
			for i := i0; i < i1; i++ {
				dst[int(i)*w+(j-j0)] = t[(i-i0)*rs]
			}
		}
	}
	return nil
}
