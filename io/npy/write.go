package npy

import (
	"archive/zip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"
	"unsafe"
)

// Float is the element type of arrays this package writes.
type Float interface{ ~float32 | ~float64 }

// encodeHeader returns the .npy header of a C-order array: magic, version,
// header length and the dictionary, space-padded so that the data start
// at a multiple of 64 bytes, as numpy does. Version 1.0 is used unless
// the dictionary needs more than 65535 bytes.
func encodeHeader(descr string, shape []int) ([]byte, error) {
	for _, d := range shape {
		if d < 0 {
			return nil, fmt.Errorf("npy: negative dimension in shape %v", shape)
		}
	}
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, shapeText(shape))
	pre := 10
	if len(dict)+1+pre+63 > math.MaxUint16 {
		pre = 12
	}
	total := (pre + len(dict) + 1 + 63) / 64 * 64
	hlen := total - pre
	out := make([]byte, 0, total)
	out = append(out, npyMagic...)
	if pre == 10 {
		out = append(out, 1, 0)
		out = binary.LittleEndian.AppendUint16(out, uint16(hlen))
	} else {
		out = append(out, 2, 0)
		out = binary.LittleEndian.AppendUint32(out, uint32(hlen))
	}
	out = append(out, dict...)
	out = append(out, strings.Repeat(" ", hlen-len(dict)-1)...)
	out = append(out, '\n')
	return out, nil
}

// Writer streams one C-order .npy array of float32 or float64 values
// ('<f4' or '<f8'): NewWriter writes the header, WriteValues the values in
// order, Close checks that exactly the number of elements of the shape
// was written. It does not close the underlying io.Writer.
type Writer[T Float] struct {
	w    io.Writer
	left int64
	buf  []byte
	err  error
}

// NewWriter writes the header of an array of the given shape to w and
// returns a Writer for its values.
func NewWriter[T Float](w io.Writer, shape []int) (*Writer[T], error) {
	var z T
	descr := "<f8"
	if unsafe.Sizeof(z) == 4 {
		descr = "<f4"
	}
	hdr, err := encodeHeader(descr, shape)
	if err != nil {
		return nil, err
	}
	n := int64(1)
	for _, d := range shape {
		if d != 0 && n > math.MaxInt64/8/int64(d) {
			return nil, fmt.Errorf("npy: shape %v is too large", shape)
		}
		n *= int64(d)
	}
	if _, err := w.Write(hdr); err != nil {
		return nil, err
	}
	return &Writer[T]{w: w, left: n}, nil
}

// WriteValues writes the next len(vals) values, little-endian.
func (w *Writer[T]) WriteValues(vals []T) error {
	if w.err != nil {
		return w.err
	}
	if int64(len(vals)) > w.left {
		w.err = fmt.Errorf("npy: %d values written beyond the %d left for the shape", len(vals), w.left)
		return w.err
	}
	var z T
	size := int(unsafe.Sizeof(z))
	const chunk = 1 << 14
	if w.buf == nil {
		w.buf = make([]byte, chunk*size)
	}
	for len(vals) > 0 {
		m := min(len(vals), chunk)
		b := w.buf[:m*size]
		if size == 4 {
			for i, v := range vals[:m] {
				binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(float32(v)))
			}
		} else {
			for i, v := range vals[:m] {
				binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(float64(v)))
			}
		}
		if _, err := w.w.Write(b); err != nil {
			w.err = err
			return err
		}
		w.left -= int64(m)
		vals = vals[m:]
	}
	return nil
}

// Close reports an error if fewer values were written than the shape
// holds (or if a write failed).
func (w *Writer[T]) Close() error {
	if w.err != nil {
		return w.err
	}
	if w.left != 0 {
		return fmt.Errorf("npy: %d values missing for the shape", w.left)
	}
	return nil
}

// WriteNPY writes data as a C-order .npy array of the given shape
// (float32 data as '<f4', float64 as '<f8'); len(data) must be the
// product of shape.
func WriteNPY[T Float](w io.Writer, shape []int, data []T) error {
	nw, err := NewWriter[T](w, shape)
	if err != nil {
		return err
	}
	if nw.left != int64(len(data)) {
		return fmt.Errorf("npy: shape %v needs %d values, got %d", shape, nw.left, len(data))
	}
	if err := nw.WriteValues(data); err != nil {
		return err
	}
	return nw.Close()
}

// zipTime is the fixed modification time of every member written by
// NPZWriter, so that archives are byte-for-byte reproducible.
var zipTime = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// NPZWriter writes an uncompressed .npz archive (as np.savez does), with
// fixed timestamps so that the same arrays give the same bytes.
type NPZWriter struct {
	zw    *zip.Writer
	names map[string]bool
}

// NewNPZWriter starts an .npz archive on w.
func NewNPZWriter(w io.Writer) *NPZWriter {
	return &NPZWriter{zw: zip.NewWriter(w), names: map[string]bool{}}
}

// Create starts the member name (stored as name + ".npy") and returns the
// writer for its .npy content, to be filled with WriteNPY or NewWriter
// before the next Create or Close.
func (z *NPZWriter) Create(name string) (io.Writer, error) {
	if name == "" || strings.HasSuffix(name, "/") {
		return nil, fmt.Errorf("npz: invalid array name %q", name)
	}
	if z.names[name] {
		return nil, fmt.Errorf("npz: array %q written twice", name)
	}
	z.names[name] = true
	fh := &zip.FileHeader{Name: name + ".npy", Method: zip.Store, Modified: zipTime}
	fh.SetMode(0o644)
	return z.zw.CreateHeader(fh)
}

// Close finishes the archive. It does not close the underlying writer.
func (z *NPZWriter) Close() error {
	if z.zw == nil {
		return errors.New("npz: writer already closed")
	}
	err := z.zw.Close()
	z.zw = nil
	return err
}
