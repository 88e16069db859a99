package nifti

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/alignscope/alignscope/core/data"
)

// WriteOptions chooses how a volume is written.
type WriteOptions struct {
	// Datatype of the stored values: DTFloat32 (the default when 0),
	// DTFloat64, DTUint8, DTInt8, DTInt16, DTUint16, DTInt32 or DTUint32.
	// Integer types need whole, finite values within the type's range.
	Datatype Datatype
	// Description is stored in the header's descrip field (at most 80
	// bytes); empty gives "Alignscope".
	Description string
	// IntentName is stored in intent_name (at most 16 bytes), e.g.
	// "Label" for an atlas.
	IntentName string
}

// Write writes v as a 3-D float32 NIfTI-1 image, compressed when path ends
// in ".gz", with the geometry of the reference header like (or of
// v.Affine when like is nil); see WriteWith.
func Write(path string, v *data.Volume, like *Header) error {
	return WriteWith(path, v, like, WriteOptions{})
}

// WriteWith writes v as a 3-D NIfTI-1 image (see Encode); the file is
// gzip-compressed (best compression, no name, zero time, so the bytes are
// reproducible) when path ends in ".gz". The file is replaced atomically:
// the data go to a temporary file in the same folder, renamed to path
// once complete, so a failed write leaves any previous file intact.
func WriteWith(path string, v *data.Volume, like *Header, opt WriteOptions) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w; choose a folder you may write to", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<16)
	var w io.Writer = bw
	var zw *gzip.Writer
	if strings.HasSuffix(strings.ToLower(path), ".gz") {
		zw, _ = gzip.NewWriterLevel(bw, gzip.BestCompression) // the level is valid
		w = zw
	}
	if err := Encode(w, v, like, opt); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if zw != nil {
		if err := zw.Close(); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(tmp, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// Encode writes v as an uncompressed single-file NIfTI-1 image
// (little-endian, 348-byte header, 4 bytes of empty extension, data at
// offset 352) to w.
//
// Geometry: when like is non-nil its grid must be v's, and its qform and
// sform (codes, quaternion, offsets, srow rows), voxel sizes, qfac and
// spatial units are copied, so the map overlays the reference image in any
// viewer. Otherwise the sform and qform are both v.Affine with code 2
// (aligned anatomical): the qform is the nearest rigid transform with the
// column norms as voxel sizes; an all-zero affine writes codes 0 and
// 1 mm voxels. scl_slope is 1 and scl_inter 0.
func Encode(w io.Writer, v *data.Volume, like *Header, opt WriteOptions) error {
	if v == nil {
		return fmt.Errorf("no volume to write")
	}
	nvox := v.Dims[0] * v.Dims[1] * v.Dims[2]
	if v.Dims[0] < 1 || v.Dims[1] < 1 || v.Dims[2] < 1 || v.Dims[0] > math.MaxInt16 || v.Dims[1] > math.MaxInt16 || v.Dims[2] > math.MaxInt16 {
		return fmt.Errorf("the grid %d×%d×%d cannot be stored in a NIfTI-1 header (each size 1 to 32767)", v.Dims[0], v.Dims[1], v.Dims[2])
	}
	if len(v.Values) != nvox {
		return fmt.Errorf("the volume holds %d values for a %d×%d×%d grid (%d voxels)", len(v.Values), v.Dims[0], v.Dims[1], v.Dims[2], nvox)
	}
	dt := opt.Datatype
	if dt == 0 {
		dt = DTFloat32
	}
	lo, hi, integer := dtRange(dt)
	if dt.Size() == 0 || dt == DTInt64 || dt == DTUint64 {
		return fmt.Errorf("cannot write NIfTI datatype %d (%s); use float32, float64 or an integer type up to 32 bits", int16(dt), dt)
	}
	if integer {
		for i, x := range v.Values {
			if x != math.Trunc(x) || x < lo || x > hi {
				g := v.Dims
				return fmt.Errorf("voxel (%d, %d, %d) holds %g, which %s cannot store; write float32 instead", i%g[0], i/g[0]%g[1], i/(g[0]*g[1]), x, dt)
			}
		}
	}

	h := make([]byte, voxOffset1)
	le := binary.LittleEndian
	put16 := func(off int, x int) { le.PutUint16(h[off:], uint16(int16(x))) }
	putF := func(off int, x float64) { le.PutUint32(h[off:], math.Float32bits(float32(x))) }
	le.PutUint32(h[0:], headerSize1)
	h[38] = 'r' // "regular", as ANALYZE readers expect
	put16(40, 3)
	for d := range 3 {
		put16(42+2*d, v.Dims[d])
	}
	for d := 3; d < 7; d++ {
		put16(42+2*d, 1)
	}
	put16(70, int(dt))
	put16(72, 8*dt.Size())
	putF(108, voxOffset1)
	putF(112, 1)
	desc := opt.Description
	if desc == "" {
		desc = "Alignscope"
	}
	copy(h[148:148+79], desc)
	copy(h[328:328+15], opt.IntentName)
	copy(h[344:], "n+1\x00")

	var pix [3]float64
	qfac := 1.0
	var quat, qoff [3]float64
	var srow [3][4]float64
	qcode, scode, units := 0, 0, 2 // mm
	switch {
	case like != nil:
		if like.Grid() != v.Dims {
			return fmt.Errorf("the volume's grid %d×%d×%d differs from the reference image's %s", v.Dims[0], v.Dims[1], v.Dims[2], like.GridString())
		}
		pix, qfac, quat, qoff, srow = like.VoxelSize(), like.QFac, like.Quatern, like.QOffset, like.SRow
		qcode, scode = like.QFormCode, like.SFormCode
		if u := like.XYZTUnits & 0x07; u != 0 {
			units = u
		}
	case v.Affine != [4][4]float64{}:
		if !validAffine(v.Affine) {
			return fmt.Errorf("the volume's affine %v is not an invertible finite transform", v.Affine)
		}
		quat, qoff, pix, qfac = affineToQuatern(v.Affine)
		for r := range 3 {
			srow[r] = v.Affine[r]
		}
		qcode, scode = XformAlignedAnat, XformAlignedAnat
	default:
		pix = [3]float64{1, 1, 1}
	}
	putF(76, qfac)
	for d := range 3 {
		putF(80+4*d, pix[d])
	}
	h[123] = byte(units)
	put16(252, qcode)
	put16(254, scode)
	for k := range 3 {
		putF(256+4*k, quat[k])
		putF(268+4*k, qoff[k])
	}
	for r := range 3 {
		for c := range 4 {
			putF(280+16*r+4*c, srow[r][c])
		}
	}
	if _, err := w.Write(h); err != nil {
		return err
	}

	size := dt.Size()
	buf := make([]byte, 0, 1<<16)
	for _, x := range v.Values {
		if len(buf)+size > cap(buf) {
			if _, err := w.Write(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
		buf = appendValue(buf, x, dt)
	}
	_, err := w.Write(buf)
	return err
}

// dtRange returns the range of an integer type, and whether it is one.
func dtRange(dt Datatype) (lo, hi float64, integer bool) {
	switch dt {
	case DTUint8:
		return 0, math.MaxUint8, true
	case DTInt8:
		return math.MinInt8, math.MaxInt8, true
	case DTInt16:
		return math.MinInt16, math.MaxInt16, true
	case DTUint16:
		return 0, math.MaxUint16, true
	case DTInt32:
		return math.MinInt32, math.MaxInt32, true
	case DTUint32:
		return 0, math.MaxUint32, true
	}
	return 0, 0, false
}

func appendValue(b []byte, x float64, dt Datatype) []byte {
	le := binary.LittleEndian
	switch dt {
	case DTUint8:
		return append(b, uint8(x))
	case DTInt8:
		return append(b, uint8(int8(x)))
	case DTInt16:
		return le.AppendUint16(b, uint16(int16(x)))
	case DTUint16:
		return le.AppendUint16(b, uint16(x))
	case DTInt32:
		return le.AppendUint32(b, uint32(int32(x)))
	case DTUint32:
		return le.AppendUint32(b, uint32(x))
	case DTFloat64:
		return le.AppendUint64(b, math.Float64bits(x))
	}
	return le.AppendUint32(b, math.Float32bits(float32(x)))
}
