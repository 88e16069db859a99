package nifti

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"github.com/alignscope/alignscope/io/userfile"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/alignscope/alignscope/core/data"
)

// Image is an opened NIfTI image. Its values stay on disk (uncompressed
// .nii) or in memory (.nii.gz, decompressed once by Open) and are read on
// demand by Volume, EachVolume and Series. An Image is safe for
// concurrent reads.
type Image struct {
	Header
	// Source names the file in messages.
	Source string
	// Compressed is true when the file was gzip-compressed and its data
	// are held in memory.
	Compressed bool

	r      io.ReaderAt // the data; element 0 at offset VoxOffset
	closer io.Closer
}

// Close releases the file; reads of a file-backed image fail after it.
// Images held in memory (compressed files) stay readable.
func (im *Image) Close() error {
	if im.closer == nil {
		return nil
	}
	err := im.closer.Close()
	im.closer = nil
	return err
}

// isGzip reports whether b starts with the gzip signature.
func isGzip(b []byte) bool { return len(b) >= 2 && b[0] == 0x1f && b[1] == 0x8b }

// Open opens a NIfTI-1 or NIfTI-2 file (.nii, .nii.gz, or the .hdr of an
// .hdr/.img pair) and reads its header. Compression is recognised by the
// content, not the extension.
func Open(path string) (*Image, error) {
	f, size, err := userfile.Open(path, ".nii or .nii.gz file")
	if err != nil {
		return nil, err
	}
	im, err := openReaderAt(f, size, path)
	if err != nil {
		f.Close()
		return nil, err
	}
	if im.Compressed || !im.single() {
		f.Close()
	} else {
		im.closer = f
	}
	if !im.single() {
		if err := im.openPair(path); err != nil {
			return nil, err
		}
	}
	return im, nil
}

// openPair attaches the .img file of an .hdr/.img pair.
func (im *Image) openPair(hdr string) error {
	base := strings.TrimSuffix(hdr, ".gz")
	ext := filepath.Ext(base)
	if !strings.EqualFold(ext, ".hdr") {
		return fmt.Errorf("open %s: the header says the data are in a separate .img file (signature %q), but the file is not a .hdr; rename it to .hdr beside its .img", hdr, im.Magic)
	}
	stem := strings.TrimSuffix(base, ext)
	var tried []string
	for _, e := range []string{".img", ".IMG", ".img.gz"} {
		p := stem + e
		tried = append(tried, filepath.Base(p))
		f, err := os.Open(p)
		if err != nil {
			continue
		}
		fi, err := f.Stat()
		if err != nil {
			f.Close()
			return fmt.Errorf("open %s: %w", p, err)
		}
		var head [2]byte
		if n, _ := f.ReadAt(head[:], 0); n == 2 && isGzip(head[:]) {
			b, err := gunzip(f, p, -1)
			f.Close()
			if err != nil {
				return err
			}
			im.r, im.Compressed = bytes.NewReader(b), true
			return im.checkSize(int64(len(b)), p)
		}
		if err := im.checkSize(fi.Size(), p); err != nil {
			f.Close()
			return err
		}
		im.r, im.closer = f, f
		return nil
	}
	return fmt.Errorf("open %s: the header's data file is missing (looked for %s beside it); keep the .hdr and .img together", hdr, strings.Join(tried, ", "))
}

// ReadHeader reads only the header of a NIfTI file (of a .nii.gz, only
// the first bytes are decompressed), e.g. to copy its geometry.
func ReadHeader(path string) (*Header, error) {
	f, err := os.Open(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("open %s: %w; check the path and that you may read the file", path, err)
	}
	defer f.Close()
	var r io.Reader = bufio.NewReader(f)
	var magic [2]byte
	if n, _ := f.ReadAt(magic[:], 0); n == 2 && isGzip(magic[:]) {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, fmt.Errorf("open %s: the gzip stream is damaged (%v)", path, err)
		}
		r = zr
	}
	head := make([]byte, headerSize2)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("open %s: %v", path, gzErr(err))
	}
	if n == 0 {
		return nil, fmt.Errorf("open %s: the file is empty (0 bytes)", path)
	}
	return readHeader(head[:n], path)
}

// OpenFS opens a NIfTI file of a file system such as an embed.FS.
// Compressed files, and files that do not implement io.ReaderAt, are
// read into memory. Only single-file images (.nii, .nii.gz) are read.
func OpenFS(fsys fs.FS, name string) (*Image, error) {
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
		return nil, fmt.Errorf("open %s: it is a folder; choose a .nii or .nii.gz file", name)
	}
	var im *Image
	inMemory := false
	if ra, ok := f.(io.ReaderAt); ok {
		im, err = openReaderAt(ra, fi.Size(), name)
	} else {
		var b []byte
		if b, err = io.ReadAll(f); err == nil {
			inMemory = true
			im, err = openReaderAt(bytes.NewReader(b), int64(len(b)), name)
		}
	}
	if err == nil && !im.single() {
		err = fmt.Errorf("open %s: the data are in a separate .img file; convert the pair to a single .nii", name)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	if inMemory || im.Compressed {
		f.Close()
	} else {
		im.closer = f
	}
	return im, nil
}

// OpenBytes opens a NIfTI image held in memory (compressed or not).
func OpenBytes(b []byte, name string) (*Image, error) {
	im, err := openReaderAt(bytes.NewReader(b), int64(len(b)), name)
	if err != nil {
		return nil, err
	}
	if !im.single() {
		return nil, fmt.Errorf("open %s: the data are in a separate .img file; convert the pair to a single .nii", name)
	}
	return im, nil
}

// openReaderAt reads the header from r (size bytes) and, for gzip data,
// decompresses the image into memory.
func openReaderAt(r io.ReaderAt, size int64, name string) (*Image, error) {
	if size == 0 {
		return nil, fmt.Errorf("open %s: the file is empty (0 bytes); it was probably not saved completely", name)
	}
	var head [headerSize2]byte
	n, err := r.ReadAt(head[:min(size, int64(len(head)))], 0)
	if n < int(min(size, int64(len(head)))) {
		if err == nil {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("open %s: %w", name, err)
	}
	if isGzip(head[:n]) {
		return openGzip(io.NewSectionReader(r, 0, size), name)
	}
	h, err := readHeader(head[:n], name)
	if err != nil {
		return nil, err
	}
	im := &Image{Header: *h, Source: name, r: r}
	if im.single() {
		if err := im.checkSize(size, name); err != nil {
			return nil, err
		}
	}
	return im, nil
}

// readHeader parses the header at the start of b (which may hold more).
func readHeader(b []byte, name string) (*Header, error) {
	v, bo, err := headerVersion(b)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", name, err)
	}
	hs := headerSize1
	if v == 2 {
		hs = headerSize2
	}
	if len(b) < hs {
		return nil, fmt.Errorf("open %s: the file is truncated: %d bytes, shorter than the %d-byte NIfTI-%d header", name, len(b), hs, v)
	}
	h, err := parseHeader(b, v, bo)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", name, err)
	}
	return h, nil
}

// dataBytes is the size of the image data in bytes.
func (h *Header) dataBytes() int64 {
	return int64(h.Voxels()) * int64(h.Volumes()) * int64(h.Datatype.Size())
}

// checkSize reports a file too short for the data the header announces.
func (im *Image) checkSize(size int64, name string) error {
	need := im.VoxOffset + im.dataBytes()
	if size < need {
		return fmt.Errorf("open %s: the file is truncated: the header announces %s of %s values (%d bytes from offset %d), but the file holds %d bytes; it was probably not saved or copied completely", name, dimString(im.Dims), im.Datatype, im.dataBytes(), im.VoxOffset, size)
	}
	return nil
}

func dimString(d []int) string {
	p := make([]string, len(d))
	for i, v := range d {
		p[i] = fmt.Sprint(v)
	}
	return strings.Join(p, "×")
}

// openGzip decompresses a .nii.gz image into memory: the header first,
// then exactly the bytes up to the end of the data, then the rest of the
// stream (at most 1 MiB) to check its CRC.
func openGzip(r io.Reader, name string) (*Image, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("open %s: the gzip stream is damaged (%v); download or copy the file again", name, err)
	}
	var head [headerSize2]byte
	n, err := io.ReadFull(zr, head[:4])
	if err != nil {
		return nil, fmt.Errorf("open %s: the gzip data are truncated or damaged after %d decompressed bytes (%v); download or copy the file again", name, n, gzErr(err))
	}
	v, _, err := headerVersion(head[:4])
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", name, err)
	}
	hs := headerSize1
	if v == 2 {
		hs = headerSize2
	}
	if m, err := io.ReadFull(zr, head[4:hs]); err != nil {
		return nil, fmt.Errorf("open %s: the file is truncated: %d bytes, shorter than the %d-byte NIfTI-%d header (%v)", name, 4+m, hs, v, gzErr(err))
	}
	h, err := readHeader(head[:hs], name)
	if err != nil {
		return nil, err
	}
	im := &Image{Header: *h, Source: name, Compressed: true}
	if !im.single() {
		im.r = bytes.NewReader(nil)
		return im, nil
	}
	need := im.VoxOffset + im.dataBytes()
	buf := bytes.NewBuffer(make([]byte, 0, min(need, 1<<20))) // grows as data arrive
	buf.Write(head[:hs])
	got, err := io.CopyN(buf, zr, need-int64(hs))
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, im.checkSize(int64(hs)+got, name)
		}
		return nil, fmt.Errorf("open %s: the gzip stream is damaged after %d bytes (%v); download or copy the file again", name, int64(hs)+got, gzErr(err))
	}
	if _, err := io.Copy(io.Discard, io.LimitReader(zr, 1<<20)); err != nil {
		return nil, fmt.Errorf("open %s: the gzip stream is damaged (%v); download or copy the file again", name, gzErr(err))
	}
	im.r = bytes.NewReader(buf.Bytes())
	return im, nil
}

// gunzip decompresses r whole (at most limit bytes when limit ≥ 0).
func gunzip(r io.Reader, name string, limit int64) ([]byte, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("open %s: the gzip stream is damaged (%v)", name, err)
	}
	var src io.Reader = zr
	if limit >= 0 {
		src = io.LimitReader(zr, limit)
	}
	b, err := io.ReadAll(src)
	if err != nil {
		return nil, fmt.Errorf("open %s: the gzip stream is damaged (%v)", name, gzErr(err))
	}
	return b, nil
}

func gzErr(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return errors.New("the compressed data end early")
	}
	return err
}

// DType is the stored value type's name, for data.Recording.DType.
func (im *Image) DType() string { return im.Datatype.String() }

// scaling returns the slope and intercept to apply (1, 0 when none).
func (h *Header) scaling() (float64, float64) {
	s, i := h.SclSlope, h.SclInter
	if s == 0 || math.IsNaN(s) || math.IsInf(s, 0) {
		return 1, 0
	}
	if math.IsNaN(i) || math.IsInf(i, 0) {
		i = 0
	}
	return s, i
}

// Volume reads 3-D volume t (0 ≤ t < Volumes()) with scaling applied.
func (im *Image) Volume(t int) (*data.Volume, error) {
	nt := im.Volumes()
	if t < 0 || t >= nt {
		return nil, fmt.Errorf("%s: volume %d does not exist; the image has %d volume(s)", im.Source, t, nt)
	}
	v := im.newVolume()
	if err := im.readVolume(t, v.Values, nil); err != nil {
		return nil, err
	}
	return v, nil
}

// newVolume returns a zero volume on the image's grid.
func (im *Image) newVolume() *data.Volume {
	return &data.Volume{Dims: im.Grid(), Values: make([]float64, im.Voxels()), Affine: im.Affine}
}

// readVolume decodes volume t into dst (length Voxels()), using raw as
// the byte buffer when it is large enough.
func (im *Image) readVolume(t int, dst []float64, raw []byte) error {
	if im.r == nil {
		return fmt.Errorf("%s: the image is closed", im.Source)
	}
	size := im.Datatype.Size()
	nb := len(dst) * size
	if cap(raw) < nb {
		raw = make([]byte, nb)
	}
	raw = raw[:nb]
	off := im.VoxOffset + int64(t)*int64(im.Voxels())*int64(size)
	if err := readAt(im.r, raw, off); err != nil {
		return fmt.Errorf("%s: volume %d: %w", im.Source, t, err)
	}
	decode(dst, raw, im.Datatype, im.ByteOrder)
	im.scale(dst)
	return nil
}

func (im *Image) scale(x []float64) {
	s, c := im.scaling()
	if s == 1 && c == 0 {
		return
	}
	for i, v := range x {
		x[i] = v*s + c
	}
}

// EachVolume reads the volumes in order and calls fn with each (the slice
// is reused between calls): one sequential pass over the data.
func (im *Image) EachVolume(fn func(t int, values []float64) error) error {
	buf := make([]float64, im.Voxels())
	raw := make([]byte, im.Voxels()*im.Datatype.Size())
	for t := range im.Volumes() {
		if err := im.readVolume(t, buf, raw); err != nil {
			return err
		}
		if err := fn(t, buf); err != nil {
			return err
		}
	}
	return nil
}

// Mean returns the voxel-wise mean over volumes, of the finite values
// only (NaN where a voxel has none), and per voxel the number of
// non-finite (NaN or ±Inf) values.
func (im *Image) Mean() (*data.Volume, []int, error) {
	mean := im.newVolume()
	count := make([]int, im.Voxels())
	bad := make([]int, im.Voxels())
	err := im.EachVolume(func(_ int, x []float64) error {
		for i, v := range x {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				bad[i]++
				continue
			}
			count[i]++
			mean.Values[i] += (v - mean.Values[i]) / float64(count[i])
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	for i, c := range count {
		if c == 0 {
			mean.Values[i] = math.NaN()
		}
	}
	return mean, bad, nil
}

// VoxelSeries returns the values of voxel (i, j, k) in every volume.
func (im *Image) VoxelSeries(i, j, k int) ([]float64, error) {
	g := im.Grid()
	if i < 0 || j < 0 || k < 0 || i >= g[0] || j >= g[1] || k >= g[2] {
		return nil, fmt.Errorf("%s: voxel (%d, %d, %d) lies outside the grid %d×%d×%d", im.Source, i, j, k, g[0], g[1], g[2])
	}
	nt := im.Volumes()
	rows := make([]int, nt)
	for t := range rows {
		rows[t] = t
	}
	s, err := im.Series(rows, []int{i + g[0]*(j+g[1]*k)})
	if err != nil {
		return nil, err
	}
	out := make([]float64, nt)
	return out, s.ReadColumns(0, 1, out)
}

func readAt(r io.ReaderAt, b []byte, off int64) error {
	n, err := r.ReadAt(b, off)
	if n == len(b) {
		return nil
	}
	if err == nil || errors.Is(err, io.EOF) {
		err = fmt.Errorf("the file ends early (read %d of %d bytes at offset %d)", n, len(b), off)
	}
	return err
}

// decode converts the stored values src to float64 in dst.
func decode(dst []float64, src []byte, dt Datatype, bo binary.ByteOrder) {
	switch dt {
	case DTUint8:
		for i := range dst {
			dst[i] = float64(src[i])
		}
	case DTInt8:
		for i := range dst {
			dst[i] = float64(int8(src[i]))
		}
	case DTInt16:
		for i := range dst {
			dst[i] = float64(int16(bo.Uint16(src[2*i:])))
		}
	case DTUint16:
		for i := range dst {
			dst[i] = float64(bo.Uint16(src[2*i:]))
		}
	case DTInt32:
		for i := range dst {
			dst[i] = float64(int32(bo.Uint32(src[4*i:])))
		}
	case DTUint32:
		for i := range dst {
			dst[i] = float64(bo.Uint32(src[4*i:]))
		}
	case DTFloat32:
		for i := range dst {
			dst[i] = float64(math.Float32frombits(bo.Uint32(src[4*i:])))
		}
	case DTFloat64:
		for i := range dst {
			dst[i] = math.Float64frombits(bo.Uint64(src[8*i:]))
		}
	case DTInt64:
		for i := range dst {
			dst[i] = float64(int64(bo.Uint64(src[8*i:])))
		}
	case DTUint64:
		for i := range dst {
			dst[i] = float64(bo.Uint64(src[8*i:]))
		}
	}
}
