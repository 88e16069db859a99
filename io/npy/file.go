package npy

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"github.com/alignscope/alignscope/io/userfile"
	"io"
	"io/fs"
	"path"
	"strings"
	"sync"
)

// File is an opened .npy or .npz file: its arrays, whose data stay on disk
// until read.
type File struct {
	// Name is the path (or the name given to OpenReaderAt).
	Name string
	// Kind is "npy" or "npz".
	Kind string
	// Arrays lists the arrays in file order: one for .npy, the archive
	// order for .npz.
	Arrays []*Array
	// Skipped lists members of an .npz archive that are not .npy arrays
	// and were ignored.
	Skipped []string

	closer io.Closer
}

// Close releases the underlying file. Arrays must not be read afterwards.
func (f *File) Close() error {
	if f == nil || f.closer == nil {
		return nil
	}
	c := f.closer
	f.closer = nil
	return c.Close()
}

// Array returns the array called name, or nil.
func (f *File) Array(name string) *Array {
	for _, a := range f.Arrays {
		if a.Name == name {
			return a
		}
	}
	return nil
}

// Names lists the array names in file order.
func (f *File) Names() []string {
	out := make([]string, len(f.Arrays))
	for i, a := range f.Arrays {
		out[i] = a.Name
	}
	return out
}

// Array describes one stored numpy array. Opening reads only its header;
// the values are read by the Matrix and Sub views.
type Array struct {
	// Name is the file's base name or the .npz key, without ".npy".
	Name string
	// Shape is the numpy shape; empty for a 0-D (scalar) array.
	Shape []int
	// DType is the numpy element type name: "float32", "int16", "bool", …
	DType string
	// Descr is the type string as stored, e.g. "<f4" or ">f8".
	Descr string
	// Fortran is true when the data are stored in column-major order.
	Fortran bool
	// ByteOrder of the stored elements.
	ByteOrder ByteOrder
	// Size is the size of the data in bytes (without the header).
	Size int64
	// Source names the array in messages: "dir/file.npy" or
	// "dir/file.npz:key".
	Source string
	// Compressed is true for members of np.savez_compressed archives,
	// which are decompressed into memory on first read.
	Compressed bool
	// Version is the .npy format version, "1.0", "2.0" or "3.0".
	Version string
	// Err is non-nil when the element type cannot be read as numbers
	// (complex, object, string, structured, …). Only .npz members can
	// carry an Err; such a .npy file fails to open.
	Err error

	dt dtype

	// Uncompressed data: offset of the first element in r.
	r   io.ReaderAt
	off int64

	// Compressed data: the zip member, the header length inside it, and
	// the data once decompressed.
	zf      *zip.File
	hdrLen  int64
	once    sync.Once
	mem     *bytes.Reader
	memErr  error
	memSize int64
}

// Elements is the number of elements, the product of the shape.
func (a *Array) Elements() int64 {
	if a.dt.size == 0 {
		return 0
	}
	return a.Size / int64(a.dt.size)
}

// ItemSize is the number of bytes of one stored element.
func (a *Array) ItemSize() int { return a.dt.size }

// Open opens a .npy or .npz file, reading only the headers. The kind is
// decided by the file's first bytes, not its extension. Close the File
// when done with its arrays.
func Open(name string) (*File, error) {
	f, size, err := userfile.Open(name, ".npy or .npz file")
	if err != nil {
		return nil, err
	}
	out, err := OpenReaderAt(f, size, name)
	if err != nil {
		f.Close()
		return nil, err
	}
	out.closer = f
	return out, nil
}

// OpenFS opens a .npy or .npz file of a file system such as an embed.FS.
// Files that do not implement io.ReaderAt are read into memory.
func OpenFS(fsys fs.FS, name string) (*File, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", name, err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open %s: %w", name, err)
	}
	if fi.IsDir() {
		f.Close()
		return nil, fmt.Errorf("open %s: it is a folder; choose a .npy or .npz file inside it", name)
	}
	var ra io.ReaderAt
	size := fi.Size()
	if r, ok := f.(io.ReaderAt); ok {
		ra = r
	} else {
		b, err := io.ReadAll(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("open %s: %w", name, err)
		}
		ra, size = bytes.NewReader(b), int64(len(b))
	}
	out, err := OpenReaderAt(ra, size, name)
	if err != nil {
		f.Close()
		return nil, err
	}
	out.closer = f
	return out, nil
}

// OpenReaderAt opens the .npy or .npz data of r, which holds size bytes;
// name is used for array names and messages. The kind is decided by the
// first bytes: "PK" for a zip (.npz), "\x93NUMPY" for .npy. The returned
// File's Close does not close r.
func OpenReaderAt(r io.ReaderAt, size int64, name string) (*File, error) {
	if size < 0 {
		return nil, fmt.Errorf("open %s: negative size %d", name, size)
	}
	if size == 0 {
		return nil, fmt.Errorf("open %s: %w (0 bytes); it was probably not saved completely: save the array again with np.save or np.savez", name, ErrEmpty)
	}
	var head [8]byte
	n, err := r.ReadAt(head[:min(size, int64(len(head)))], 0)
	if n < int(min(size, int64(len(head)))) {
		if err == nil {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("open %s: %w", name, err)
	}
	h := head[:n]
	switch {
	case bytes.HasPrefix(h, []byte("PK\x03\x04")) || bytes.HasPrefix(h, []byte("PK\x05\x06")) || bytes.HasPrefix(h, []byte("PK\x07\x08")):
		return openNPZ(r, size, name)
	case bytes.HasPrefix(npyMagic, h) || bytes.HasPrefix(h, npyMagic):
		a, err := openNPY(r, 0, size, name, strings.TrimSuffix(path.Base(toSlash(name)), ".npy"))
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", name, err)
		}
		if a.Err != nil {
			return nil, a.Err
		}
		return &File{Name: name, Kind: "npy", Arrays: []*Array{a}}, nil
	}
	return nil, fmt.Errorf("open %s: %w%s", name, ErrNotNumPy, guessFormat(h))
}

func toSlash(name string) string { return strings.ReplaceAll(name, "\\", "/") }

// guessFormat recognises a few formats users confuse with NumPy files and
// says what to do.
func guessFormat(h []byte) string {
	switch {
	case bytes.HasPrefix(h, []byte("\x89HDF")):
		return ": it is an HDF5 file (.h5, .hdf5, or a MATLAB v7.3 .mat); open it as a .mat file, or save the arrays with np.save"
	case bytes.HasPrefix(h, []byte("MATLAB")):
		return ": it is a MATLAB .mat file; open it as a .mat file"
	case len(h) > 0 && h[0] == 0x80:
		return ": it looks like a Python pickle (pickle.dump or torch.save); convert the arrays with np.save(path, x)"
	case bytes.HasPrefix(h, []byte("\x1f\x8b")):
		return ": it is gzip-compressed; decompress it first (gunzip) and open the .npy inside"
	case bytes.HasPrefix(h, []byte("\xef\xbb\xbf")) || isText(h):
		return ": it looks like a text file; open tables as CSV/TSV, or save arrays with np.save(path, x)"
	}
	return "; save arrays with numpy: np.save(path, x) or np.savez(path, name=x)"
}

func isText(h []byte) bool {
	if len(h) == 0 {
		return false
	}
	for _, c := range h {
		if c < 0x09 || (c > 0x0d && c < 0x20) || c == 0x7f {
			return false
		}
	}
	return true
}

// openNPY parses the .npy stream at offset base of r, which holds at
// least size bytes from base, and checks that the data fit.
func openNPY(r io.ReaderAt, base, size int64, source, name string) (*Array, error) {
	h, err := readHeader(io.NewSectionReader(r, base, size))
	if err != nil {
		return nil, err
	}
	a, err := newArray(h, source, name)
	if err != nil {
		return nil, err
	}
	a.r, a.off = r, base+h.dataOff
	if a.Err != nil && !a.isString() {
		// Object and structured arrays have no fixed size to check.
		return a, nil
	}
	if avail := size - h.dataOff; avail < a.Size {
		return nil, truncError(a, max(avail, 0))
	}
	return a, nil
}

func truncError(a *Array, avail int64) error {
	return fmt.Errorf("%w: the header promises shape %s of %s, %d bytes of data, but only %d bytes follow it; "+
		"the file was cut short while saving or copying: copy it again or save the array again with np.save",
		ErrTruncated, shapeText(a.Shape), a.DType, a.Size, avail)
}

// newArray builds the Array of a parsed header, checking the shape.
func newArray(h *header, source, name string) (*Array, error) {
	a := &Array{
		Name:    name,
		Shape:   h.shape,
		Fortran: h.fortran,
		Source:  source,
		Version: fmt.Sprintf("%d.%d", h.major, h.minor),
	}
	if h.structured != "" {
		a.DType, a.Descr = "structured", h.structured
		a.dt = dtype{name: "structured", str: h.structured}
		a.Err = fmt.Errorf("%s: %w: array %q has a structured dtype %s, which Alignscope cannot use as numbers; "+
			"save each field as its own float32 or float64 array with numpy: np.save(path, x['field'].astype(np.float32))",
			source, ErrUnsupported, name, h.structured)
		return a, nil
	}
	dt, err := parseDescr(h.descr)
	if err != nil {
		return nil, err
	}
	a.dt, a.DType, a.Descr, a.ByteOrder = dt, dt.name, dt.str, dt.order
	// The product of the non-zero dimensions bounds every partial product
	// (rows, columns, slabs), so checking it keeps them all from
	// overflowing, even when a zero dimension makes the array empty.
	nz, elems := int64(1), int64(1)
	for _, d := range h.shape {
		if d != 0 && nz > (1<<62)/int64(d) {
			return nil, fmt.Errorf("%w: shape %s is larger than any file can hold; the header is damaged: %s",
				ErrHeader, shapeText(h.shape), resave)
		}
		if d != 0 {
			nz *= int64(d)
		}
		elems *= int64(d)
	}
	if dt.size > 0 && nz > (1<<62)/int64(dt.size) {
		return nil, fmt.Errorf("%w: shape %s of %s is larger than any file can hold; the header is damaged: %s",
			ErrHeader, shapeText(h.shape), dt.name, resave)
	}
	a.Size = elems * int64(dt.size)
	if dt.code == cBad {
		a.Err = unsupportedError(source, name, dt)
	}
	return a, nil
}

// shapeText formats a shape as Python does: (3, 4), (5,), ().
func shapeText(s []int) string {
	var b strings.Builder
	b.WriteByte('(')
	for i, d := range s {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprint(&b, d)
	}
	if len(s) == 1 {
		b.WriteByte(',')
	}
	b.WriteByte(')')
	return b.String()
}

// deflateMaxRatio bounds how much deflate can expand data (1032:1 in
// theory); a member claiming more is corrupt.
const deflateMaxRatio = 1100

func openNPZ(r io.ReaderAt, size int64, name string) (*File, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil && !(errors.Is(err, zip.ErrInsecurePath) && zr != nil) {
		return nil, fmt.Errorf("open %s: %w: it starts like a zip (.npz) archive but cannot be read as one (%v); "+
			"the file may be truncated: copy it again or save it again with np.savez", name, ErrNotNumPy, err)
	}
	out := &File{Name: name, Kind: "npz"}
	seen := map[string]bool{}
	for _, zf := range zr.File {
		if strings.HasSuffix(zf.Name, "/") {
			continue
		}
		if !strings.HasSuffix(zf.Name, ".npy") {
			out.Skipped = append(out.Skipped, zf.Name)
			continue
		}
		key := strings.TrimSuffix(zf.Name, ".npy")
		if seen[key] {
			return nil, fmt.Errorf("open %s: %w: the archive holds two arrays called %q; save it again with np.savez", name, ErrNotNumPy, key)
		}
		seen[key] = true
		a, err := openMember(r, size, zf, name, key)
		if err != nil {
			return nil, fmt.Errorf("open %s: array %q: %w", name, key, err)
		}
		out.Arrays = append(out.Arrays, a)
	}
	if len(out.Arrays) == 0 {
		what := "it has no members"
		if len(out.Skipped) > 0 {
			list := out.Skipped
			if len(list) > 5 {
				list = append(list[:5:5], "…")
			}
			what = fmt.Sprintf("none of its members is a .npy array (it holds %s)", strings.Join(list, ", "))
			for _, s := range out.Skipped {
				if strings.HasSuffix(s, "data.pkl") {
					what += "; it looks like a PyTorch file (torch.save): convert tensors with np.save(path, t.numpy())"
					break
				}
			}
		}
		return nil, fmt.Errorf("open %s: %w: it is a zip archive but not a NumPy .npz: %s; save arrays with np.savez(path, name=x)",
			name, ErrNotNumPy, what)
	}
	return out, nil
}

func openMember(r io.ReaderAt, size int64, zf *zip.File, file, key string) (*Array, error) {
	source := file + ":" + key
	if zf.Flags&1 != 0 {
		return nil, errors.New("the member is encrypted; save the arrays again with np.savez, without a password")
	}
	switch zf.Method {
	case zip.Store:
		off, err := zf.DataOffset()
		if err != nil {
			return nil, fmt.Errorf("%w: the zip entry is damaged (%v); copy the file again or save it again with np.savez", ErrTruncated, err)
		}
		msize := int64(zf.CompressedSize64)
		if zf.CompressedSize64 > uint64(size) || off > size-msize {
			return nil, fmt.Errorf("%w: the zip entry extends past the end of the file; copy the file again or save it again with np.savez", ErrTruncated)
		}
		if zf.UncompressedSize64 != zf.CompressedSize64 {
			return nil, fmt.Errorf("%w: the stored zip entry has inconsistent sizes; save it again with np.savez", ErrHeader)
		}
		a, err := openNPY(r, off, msize, source, key)
		if err != nil {
			return nil, err
		}
		return a, nil
	case zip.Deflate:
		rc, err := zf.Open()
		if err != nil {
			return nil, fmt.Errorf("%w: the zip entry is damaged (%v); copy the file again or save it again with np.savez", ErrTruncated, err)
		}
		h, err := readHeader(rc)
		rc.Close()
		if err != nil {
			return nil, err
		}
		a, err := newArray(h, source, key)
		if err != nil {
			return nil, err
		}
		if a.Err != nil && !a.isString() {
			return a, nil
		}
		need := h.dataOff + a.Size
		usize := int64(min(zf.UncompressedSize64, 1<<62))
		if need > usize {
			return nil, truncError(a, max(usize-h.dataOff, 0))
		}
		if limit := int64(min(zf.CompressedSize64, 1<<40))*deflateMaxRatio + 1<<16; need > limit {
			return nil, fmt.Errorf("%w: the compressed entry is too small to hold %d bytes; the archive is damaged: save it again with np.savez_compressed",
				ErrTruncated, need)
		}
		a.Compressed, a.zf, a.hdrLen = true, zf, h.dataOff
		return a, nil
	}
	return nil, fmt.Errorf("the member uses zip compression method %d, which Alignscope cannot read; save the arrays with np.savez or np.savez_compressed", zf.Method)
}

// data returns the reader and offset of the array's first element. A
// compressed member is decompressed into memory on the first call.
func (a *Array) data() (io.ReaderAt, int64, error) {
	if a.zf == nil {
		return a.r, a.off, nil
	}
	a.once.Do(a.inflate)
	if a.memErr != nil {
		return nil, 0, a.memErr
	}
	return a.mem, 0, nil
}

func (a *Array) inflate() {
	rc, err := a.zf.Open()
	if err != nil {
		a.memErr = fmt.Errorf("read %s: %w", a.Source, err)
		return
	}
	defer rc.Close()
	if _, err := io.CopyN(io.Discard, rc, a.hdrLen); err != nil {
		a.memErr = fmt.Errorf("read %s: decompress: %w; copy the file again or save it again with np.savez_compressed", a.Source, err)
		return
	}
	buf := make([]byte, a.Size)
	if _, err := io.ReadFull(rc, buf); err != nil {
		a.memErr = fmt.Errorf("read %s: decompress: %w; copy the file again or save it again with np.savez_compressed", a.Source, err)
		return
	}
	// Read to the end so that the zip checksum is verified.
	if _, err := io.Copy(io.Discard, rc); err != nil {
		a.memErr = fmt.Errorf("read %s: decompress: %w; copy the file again or save it again with np.savez_compressed", a.Source, err)
		return
	}
	a.mem = bytes.NewReader(buf)
	a.memSize = int64(len(buf))
}
