package nifti

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strings"
)

// Datatype is the NIfTI datatype code of the stored voxel values.
type Datatype int16

// The datatype codes of nifti1.h. Those with a Size are read; the others
// (binary, complex, RGB, float128) are recognised only to name them in
// errors.
const (
	DTBinary     Datatype = 1
	DTUint8      Datatype = 2
	DTInt16      Datatype = 4
	DTInt32      Datatype = 8
	DTFloat32    Datatype = 16
	DTComplex64  Datatype = 32
	DTFloat64    Datatype = 64
	DTRGB24      Datatype = 128
	DTInt8       Datatype = 256
	DTUint16     Datatype = 512
	DTUint32     Datatype = 768
	DTInt64      Datatype = 1024
	DTUint64     Datatype = 1280
	DTFloat128   Datatype = 1536
	DTComplex128 Datatype = 1792
	DTComplex256 Datatype = 2048
	DTRGBA32     Datatype = 2304
)

var dtNames = map[Datatype]string{
	DTBinary: "binary (1 bit)", DTUint8: "uint8", DTInt16: "int16", DTInt32: "int32",
	DTFloat32: "float32", DTComplex64: "complex64", DTFloat64: "float64",
	DTRGB24: "RGB24", DTInt8: "int8", DTUint16: "uint16", DTUint32: "uint32",
	DTInt64: "int64", DTUint64: "uint64", DTFloat128: "float128",
	DTComplex128: "complex128", DTComplex256: "complex256", DTRGBA32: "RGBA32",
}

// String is the type's name, "float32", "int16", …
func (d Datatype) String() string {
	if s, ok := dtNames[d]; ok {
		return s
	}
	return fmt.Sprintf("unknown datatype %d", int(d))
}

// Size is the number of bytes of one value, or 0 when the type cannot be
// read as real numbers.
func (d Datatype) Size() int {
	switch d {
	case DTUint8, DTInt8:
		return 1
	case DTInt16, DTUint16:
		return 2
	case DTInt32, DTUint32, DTFloat32:
		return 4
	case DTFloat64, DTInt64, DTUint64:
		return 8
	}
	return 0
}

// Transform codes (qform_code, sform_code): what world space the affine
// maps to.
const (
	XformUnknown     = 0
	XformScannerAnat = 1
	XformAlignedAnat = 2
	XformTalairach   = 3
	XformMNI152      = 4
)

// Header is what a NIfTI-1 or NIfTI-2 header says about an image.
type Header struct {
	// Version is 1 (348-byte header) or 2 (540-byte header).
	Version int
	// ByteOrder is the byte order of the header and data.
	ByteOrder binary.ByteOrder
	// Magic is the stored signature without NULs: "n+1", "ni1", "n+2" or
	// "ni2" (the "i" forms keep the data in a separate .img file).
	Magic string
	// Dims are the sizes along each axis, dim[1..dim[0]]: x, y, z, then
	// t (volumes) and u.
	Dims []int
	// PixDim are the voxel spacings along each axis, pixdim[1..dim[0]].
	PixDim []float64
	// QFac is pixdim[0]: −1 flips the third axis of the qform, anything
	// else is +1.
	QFac float64
	// Datatype and BitPix describe the stored values.
	Datatype Datatype
	BitPix   int
	// VoxOffset is the byte offset of the data in the file.
	VoxOffset int64
	// SclSlope and SclInter scale the stored values: value = stored ·
	// SclSlope + SclInter, unless SclSlope is 0 or not finite.
	SclSlope, SclInter float64
	CalMin, CalMax     float64
	// XYZTUnits codes the units of PixDim (see SpatialUnits).
	XYZTUnits   int
	IntentCode  int
	IntentName  string
	Description string
	// QFormCode, Quatern (b, c, d) and QOffset define the qform.
	QFormCode int
	Quatern   [3]float64
	QOffset   [3]float64
	// SFormCode and SRow (srow_x, srow_y, srow_z) define the sform.
	SFormCode int
	SRow      [3][4]float64
	// Affine maps voxel indices (i, j, k, 1) to world coordinates: the
	// sform when SFormCode > 0, else the qform when QFormCode > 0, else
	// diag(PixDim[0:3]) without offset (NIfTI "method 1").
	Affine [4][4]float64
	// AffineFrom says which: "sform", "qform" or "pixdim".
	AffineFrom string
}

// Grid returns the sizes of the first three axes (1 for absent axes).
func (h *Header) Grid() [3]int {
	g := [3]int{1, 1, 1}
	for d := 0; d < 3 && d < len(h.Dims); d++ {
		g[d] = h.Dims[d]
	}
	return g
}

// VoxelSize returns the spacing along the first three axes (1 for absent
// axes).
func (h *Header) VoxelSize() [3]float64 {
	s := [3]float64{1, 1, 1}
	for d := 0; d < 3 && d < len(h.PixDim); d++ {
		s[d] = h.PixDim[d]
	}
	return s
}

// Voxels is the number of voxels of one 3-D volume.
func (h *Header) Voxels() int {
	g := h.Grid()
	return g[0] * g[1] * g[2]
}

// Volumes is the number of 3-D volumes: the product of the sizes of the
// fourth and fifth axes (1 for a 3-D image). Volume t of a 5-D image is
// (t mod dim4, t div dim4).
func (h *Header) Volumes() int {
	n := 1
	for d := 3; d < len(h.Dims); d++ {
		n *= h.Dims[d]
	}
	return n
}

// SpatialUnits names the unit of the spatial spacings and of the world
// coordinates: "mm", "m", "µm" or "" when unknown.
func (h *Header) SpatialUnits() string {
	switch h.XYZTUnits & 0x07 {
	case 1:
		return "m"
	case 2:
		return "mm"
	case 3:
		return "µm"
	}
	return ""
}

// GridString formats the grid for messages: "48×56×40 at 3×3×3 mm".
func (h *Header) GridString() string {
	return gridString(h.Grid(), h.VoxelSize(), h.SpatialUnits())
}

func gridString(g [3]int, s [3]float64, unit string) string {
	if unit == "" {
		unit = "mm"
	}
	return fmt.Sprintf("%d×%d×%d at %s×%s×%s %s", g[0], g[1], g[2], fmtNum(s[0]), fmtNum(s[1]), fmtNum(s[2]), unit)
}

func fmtNum(v float64) string { return fmt.Sprintf("%.4g", v) }

// The sizes of the two headers and the data offsets written by default.
const (
	headerSize1 = 348
	headerSize2 = 540
	voxOffset1  = 352
	voxOffset2  = 544
)

// maxDims is the largest number of axes read: x, y, z, t, u. Axes 6 and 7
// are accepted when their size is 1.
const maxDims = 5

// maxElements bounds the number of values of an image (2⁴⁰), so that byte
// counts never overflow.
const maxElements = 1 << 40

var errNotNIfTI = errors.New("not a NIfTI file")

// headerVersion reads the first four bytes (sizeof_hdr) and returns the
// NIfTI version and byte order, or an error.
func headerVersion(b []byte) (int, binary.ByteOrder, error) {
	if len(b) < 4 {
		return 0, nil, fmt.Errorf("%w: only %d bytes", errNotNIfTI, len(b))
	}
	le, be := binary.LittleEndian.Uint32(b), binary.BigEndian.Uint32(b)
	switch {
	case le == headerSize1:
		return 1, binary.LittleEndian, nil
	case be == headerSize1:
		return 1, binary.BigEndian, nil
	case le == headerSize2:
		return 2, binary.LittleEndian, nil
	case be == headerSize2:
		return 2, binary.BigEndian, nil
	}
	return 0, nil, fmt.Errorf("%w: the header size field is %d, not 348 (NIfTI-1) or 540 (NIfTI-2)%s", errNotNIfTI, le, sniff(b))
}

// sniff names a few formats that are mistaken for NIfTI.
func sniff(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("\x1f\x8b")):
		return "; it is gzip-compressed data that does not decompress to a NIfTI file"
	case bytes.HasPrefix(b, []byte("\x93NUMPY")):
		return "; it is a NumPy .npy file: open it as a recording instead"
	case bytes.HasPrefix(b, []byte("PK")):
		return "; it is a zip archive (an .npz?): open it as a recording instead"
	case bytes.HasPrefix(b, []byte("DICM")) || len(b) > 132 && bytes.Equal(b[128:132], []byte("DICM")):
		return "; it is a DICOM file: convert the series to NIfTI first (e.g. with dcm2niix)"
	}
	return ""
}

// parseHeader decodes a header of the given version from b, which holds
// at least the header's size in bytes.
func parseHeader(b []byte, version int, bo binary.ByteOrder) (*Header, error) {
	h := &Header{Version: version, ByteOrder: bo}
	var dim [8]int64
	var pixdim [8]float64
	i16 := func(off int) int { return int(int16(bo.Uint16(b[off:]))) }
	i32 := func(off int) int { return int(int32(bo.Uint32(b[off:]))) }
	f32 := func(off int) float64 { return float64(math.Float32frombits(bo.Uint32(b[off:]))) }
	f64 := func(off int) float64 { return math.Float64frombits(bo.Uint64(b[off:])) }
	str := func(off, n int) string {
		s := b[off : off+n]
		if k := bytes.IndexByte(s, 0); k >= 0 {
			s = s[:k]
		}
		return strings.TrimSpace(strings.ToValidUTF8(string(s), "?"))
	}
	switch version {
	case 1:
		for d := range dim {
			dim[d] = int64(i16(40 + 2*d))
		}
		h.IntentCode = i16(68)
		h.Datatype = Datatype(i16(70))
		h.BitPix = i16(72)
		for d := range pixdim {
			pixdim[d] = f32(76 + 4*d)
		}
		vo := f32(108)
		if !(vo >= 0 && vo < 1<<31) {
			return nil, fmt.Errorf("the data offset (vox_offset) %g is invalid", vo)
		}
		h.VoxOffset = int64(vo)
		h.SclSlope, h.SclInter = f32(112), f32(116)
		h.XYZTUnits = int(b[123])
		h.CalMax, h.CalMin = f32(124), f32(128)
		h.Description = str(148, 80)
		h.QFormCode, h.SFormCode = i16(252), i16(254)
		for k := range 3 {
			h.Quatern[k] = f32(256 + 4*k)
			h.QOffset[k] = f32(268 + 4*k)
		}
		for r := range 3 {
			for c := range 4 {
				h.SRow[r][c] = f32(280 + 16*r + 4*c)
			}
		}
		h.IntentName = str(328, 16)
		h.Magic = str(344, 4)
	case 2:
		h.Magic = str(4, 8)
		h.Datatype = Datatype(i16(12))
		h.BitPix = i16(14)
		for d := range dim {
			dim[d] = int64(bo.Uint64(b[16+8*d:]))
		}
		for d := range pixdim {
			pixdim[d] = f64(104 + 8*d)
		}
		h.VoxOffset = int64(bo.Uint64(b[168:]))
		h.SclSlope, h.SclInter = f64(176), f64(184)
		h.CalMax, h.CalMin = f64(192), f64(200)
		h.Description = str(240, 80)
		h.QFormCode, h.SFormCode = i32(344), i32(348)
		for k := range 3 {
			h.Quatern[k] = f64(352 + 8*k)
			h.QOffset[k] = f64(376 + 8*k)
		}
		for r := range 3 {
			for c := range 4 {
				h.SRow[r][c] = f64(400 + 32*r + 8*c)
			}
		}
		h.XYZTUnits = i32(500)
		h.IntentCode = i32(504)
		h.IntentName = str(508, 16)
	}
	if err := h.checkMagic(); err != nil {
		return nil, err
	}
	if err := h.setDims(dim, pixdim); err != nil {
		return nil, err
	}
	if h.Datatype.Size() == 0 {
		return nil, unsupportedType(h.Datatype)
	}
	hs := int64(headerSize1)
	def := int64(voxOffset1)
	if version == 2 {
		hs, def = headerSize2, voxOffset2
	}
	if h.VoxOffset == 0 && h.single() {
		h.VoxOffset = def // some writers leave it 0; the spec's minimum
	}
	if h.single() && h.VoxOffset < hs {
		return nil, fmt.Errorf("the data offset (vox_offset) %d lies inside the %d-byte header", h.VoxOffset, hs)
	}
	if h.VoxOffset < 0 || h.VoxOffset > 1<<40 {
		return nil, fmt.Errorf("the data offset (vox_offset) %d is invalid", h.VoxOffset)
	}
	h.setAffine()
	return h, nil
}

// single reports whether header and data share one file (.nii).
func (h *Header) single() bool { return strings.HasPrefix(h.Magic, "n+") }

func (h *Header) checkMagic() error {
	want := fmt.Sprint(h.Version)
	switch h.Magic {
	case "n+" + want, "ni" + want:
		return nil
	case "":
		if h.Version == 1 {
			return errors.New("the header has no NIfTI signature: it is an old ANALYZE 7.5 file, whose orientation is ambiguous; convert it to NIfTI (e.g. with FSL fslchfiletype NIFTI_GZ or nibabel)")
		}
	}
	return fmt.Errorf("the header signature is %q, not the NIfTI-%d signature \"n+%d\"", h.Magic, h.Version, h.Version)
}

func (h *Header) setDims(dim [8]int64, pixdim [8]float64) error {
	nd := dim[0]
	if nd < 1 || nd > 7 {
		return fmt.Errorf("the number of dimensions (dim[0]) is %d, not 1 to 7", nd)
	}
	total := int64(1)
	for d := int64(1); d <= nd; d++ {
		s := dim[d]
		if s < 1 {
			return fmt.Errorf("axis %d has size %d; every axis needs at least one element", d, s)
		}
		if d > maxDims && s != 1 {
			return fmt.Errorf("the image has %d dimensions with axis %d of size %d; at most %d (x, y, z, t, u) are read", nd, d, s, maxDims)
		}
		if s > maxElements/total {
			return fmt.Errorf("the image sizes %v hold more than 2^40 values", dim[1:nd+1])
		}
		total *= s
	}
	keep := min(nd, maxDims)
	h.Dims = make([]int, keep)
	h.PixDim = make([]float64, keep)
	for d := range keep {
		h.Dims[d] = int(dim[d+1])
		h.PixDim[d] = pixdim[d+1]
	}
	h.QFac = 1
	if pixdim[0] < 0 {
		h.QFac = -1
	}
	return nil
}

func unsupportedType(dt Datatype) error {
	switch dt {
	case DTComplex64, DTComplex128, DTComplex256:
		return fmt.Errorf("the values are complex numbers (NIfTI datatype %d, %s), which cannot be analysed as brain responses; save the magnitude (or real part) as float32, e.g. with nibabel: nib.save(nib.Nifti1Image(np.abs(img.get_fdata(dtype=np.complex64)).astype(np.float32), img.affine), path)", int16(dt), dt)
	case DTRGB24, DTRGBA32:
		return fmt.Errorf("the values are colours (NIfTI datatype %d, %s), not numbers; save a scalar image (float32 or int16) instead", int16(dt), dt)
	case DTBinary:
		return fmt.Errorf("the values are single bits (NIfTI datatype %d), which are not read; save the mask as uint8 or int16 (e.g. fslmaths in -bin out -odt char)", int16(dt))
	case DTFloat128:
		return fmt.Errorf("the values are 128-bit floats (NIfTI datatype %d); save them as float32 or float64 (e.g. fslmaths in out -odt float)", int16(dt))
	}
	return fmt.Errorf("the NIfTI datatype code %d is not a known type; the file may be damaged, or save it again as float32 (e.g. fslmaths in out -odt float)", int16(dt))
}

// setAffine chooses the voxel-to-world transform.
func (h *Header) setAffine() {
	finite := true
	for _, row := range h.SRow {
		for _, v := range row {
			finite = finite && !math.IsNaN(v) && !math.IsInf(v, 0)
		}
	}
	switch {
	case h.SFormCode > 0 && finite:
		for r := range 3 {
			h.Affine[r] = h.SRow[r]
		}
		h.Affine[3] = [4]float64{0, 0, 0, 1}
		h.AffineFrom = "sform"
	case h.QFormCode > 0:
		h.Affine = quaternToAffine(h.Quatern, h.QOffset, h.VoxelSize(), h.QFac)
		h.AffineFrom = "qform"
	default:
		s := h.VoxelSize()
		for d := range 3 {
			if !(s[d] > 0) || math.IsInf(s[d], 0) {
				s[d] = 1
			}
		}
		h.Affine = [4][4]float64{{s[0], 0, 0, 0}, {0, s[1], 0, 0}, {0, 0, s[2], 0}, {0, 0, 0, 1}}
		h.AffineFrom = "pixdim"
	}
}
