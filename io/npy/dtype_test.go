package npy

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"testing"
)

// encodeAs stores vals with the numpy type string descr.
func encodeAs(descr string, vals []float64) []byte {
	var bo binary.AppendByteOrder = binary.LittleEndian
	if descr[0] == '>' {
		bo = binary.BigEndian
	}
	var b []byte
	for _, v := range vals {
		switch descr[1:] {
		case "b1", "?":
			if v != 0 {
				b = append(b, 1)
			} else {
				b = append(b, 0)
			}
		case "i1":
			b = append(b, byte(int8(v)))
		case "u1":
			b = append(b, byte(v))
		case "i2":
			b = bo.AppendUint16(b, uint16(int16(v)))
		case "u2":
			b = bo.AppendUint16(b, uint16(v))
		case "i4":
			b = bo.AppendUint32(b, uint32(int32(v)))
		case "u4":
			b = bo.AppendUint32(b, uint32(v))
		case "i8":
			b = bo.AppendUint64(b, uint64(int64(v)))
		case "u8":
			b = bo.AppendUint64(b, uint64(v))
		case "f2": // exact for the small integers used below
			h := uint16(0)
			if v != 0 {
				e := math.Floor(math.Log2(math.Abs(v)))
				frac := math.Abs(v)/math.Pow(2, e) - 1
				h = uint16(e+15)<<10 | uint16(frac*1024)
				if v < 0 {
					h |= 0x8000
				}
			}
			b = bo.AppendUint16(b, h)
		case "f4":
			b = bo.AppendUint32(b, math.Float32bits(float32(v)))
		case "f8":
			b = bo.AppendUint64(b, math.Float64bits(v))
		}
	}
	return b
}

func TestAllDTypes(t *testing.T) {
	signed := []float64{0, 1, -2, 3, 100, -128}
	unsigned := []float64{0, 1, 2, 3, 100, 255}
	for _, descr := range []string{
		"|b1", "|?", "|i1", "|u1",
		"<i2", ">i2", "<u2", ">u2", "<i4", ">i4", "<u4", ">u4",
		"<i8", ">i8", "<u8", ">u8", "<f2", ">f2", "<f4", ">f4", "<f8", ">f8",
	} {
		vals := signed
		switch descr[1] {
		case 'u':
			vals = unsigned
		case 'b', '?':
			vals = []float64{0, 1, 1, 0, 1, 1}
		}
		payload := encodeAs(descr, vals)
		b := npyBytes(1, fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': (2, 3), }\n", descr), payload)
		f, err := OpenReaderAt(bytes.NewReader(b), int64(len(b)), "t.npy")
		if err != nil {
			t.Errorf("%s: %v", descr, err)
			continue
		}
		a := f.Arrays[0]
		if int(a.Size) != len(payload) {
			t.Errorf("%s: Size %d, want %d", descr, a.Size, len(payload))
		}
		if (descr[0] == '>') != (a.ByteOrder == BigEndian) {
			t.Errorf("%s: ByteOrder %v", descr, a.ByteOrder)
		}
		m, _ := a.Matrix()
		if got := readAll(t, m); !sameFloats(got, vals) {
			t.Errorf("%s: got %v, want %v", descr, got, vals)
		}
	}
}

func TestCorruptCompressedMember(t *testing.T) {
	vals := make([]float64, 20000)
	for i := range vals {
		vals[i] = math.Sin(float64(i))
	}
	var npyb bytes.Buffer
	if err := WriteNPY(&npyb, []int{100, 200}, vals); err != nil {
		t.Fatal(err)
	}
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: "x.npy", Method: zip.Deflate})
	w.Write(npyb.Bytes())
	zw.Close()
	b := zb.Bytes()
	// Flip bytes in the middle of the compressed data: the header (at the
	// start) still decompresses, the values do not, or fail the checksum.
	for i := len(b) / 2; i < len(b)/2+8; i++ {
		b[i] ^= 0x5a
	}
	f, err := OpenReaderAt(bytes.NewReader(b), int64(len(b)), "c.npz")
	if err != nil {
		t.Skipf("corruption detected at open: %v", err)
	}
	m, err := f.Arrays[0].Matrix()
	if err != nil {
		t.Fatal(err)
	}
	n, p := m.Dims()
	for range 2 {
		if err := m.ReadColumns(0, p, make([]float64, n*p)); err == nil {
			t.Fatal("corrupt member read without error")
		}
	}
}
