package nifti

import (
	"bytes"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alignscope/alignscope/core/data"
)

func testVolume(dims [3]int, affine [4][4]float64, f func(i int) float64) *data.Volume {
	v := &data.Volume{Dims: dims, Values: make([]float64, dims[0]*dims[1]*dims[2]), Affine: affine}
	for i := range v.Values {
		v.Values[i] = f(i)
	}
	return v
}

// TestWriteLike writes a map with the geometry of each reference image
// and reads it back: same grid, affine, qform and sform.
func TestWriteLike(t *testing.T) {
	for _, ref := range []string{"f32_sform.nii", "i16_be_4d.nii", "u8_pixdim.nii.gz", "i32_nifti2_be.nii.gz", "atlas.nii.gz"} {
		like := openTest(t, ref)
		v := testVolume(like.Grid(), like.Affine, func(i int) float64 { return float64(i) / 3 })
		v.Values[1] = math.NaN()
		for _, ext := range []string{".nii", ".nii.gz"} {
			path := filepath.Join(t.TempDir(), "map"+ext)
			if err := Write(path, v, &like.Header); err != nil {
				t.Fatal(err)
			}
			got, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			if got.Grid() != like.Grid() || got.Datatype != DTFloat32 || got.Volumes() != 1 || got.Compressed != (ext == ".nii.gz") {
				t.Fatalf("%s%s: grid %v type %s volumes %d", ref, ext, got.Grid(), got.Datatype, got.Volumes())
			}
			if got.QFormCode != like.QFormCode || got.SFormCode != like.SFormCode || got.AffineFrom != like.AffineFrom || got.QFac != like.QFac {
				t.Errorf("%s%s: codes q%d s%d (%s) qfac %g, want q%d s%d (%s) %g", ref, ext, got.QFormCode, got.SFormCode, got.AffineFrom, got.QFac, like.QFormCode, like.SFormCode, like.AffineFrom, like.QFac)
			}
			if !SameGrid(got.Grid(), got.Affine, like.Grid(), like.Affine, 1e-4) {
				t.Errorf("%s%s: affine %v, want %v", ref, ext, got.Affine, like.Affine)
			}
			back, err := got.Volume(0)
			if err != nil {
				t.Fatal(err)
			}
			for i, x := range back.Values {
				if !same(x, float64(float32(v.Values[i]))) {
					t.Fatalf("%s%s: voxel %d = %g, want %g", ref, ext, i, x, v.Values[i])
				}
			}
			got.Close()
		}
	}
}

// TestWriteAffine writes without a reference: sform is the affine and the
// qform its rigid part, for rotations with and without a reflection.
func TestWriteAffine(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 40 {
		// random rotation from a random unit quaternion
		q := [4]float64{r.NormFloat64(), r.NormFloat64(), r.NormFloat64(), r.NormFloat64()}
		n := math.Sqrt(q[0]*q[0] + q[1]*q[1] + q[2]*q[2] + q[3]*q[3])
		if q[0] < 0 {
			n = -n
		}
		size := [3]float64{0.5 + 3*r.Float64(), 0.5 + 3*r.Float64(), 0.5 + 3*r.Float64()}
		qfac := 1.0
		if trial%2 == 1 {
			qfac = -1
		}
		off := [3]float64{r.NormFloat64() * 50, r.NormFloat64() * 50, r.NormFloat64() * 50}
		if trial == 0 { // a 180° rotation about x (a = 0)
			q, n = [4]float64{0, 1, 0, 0}, 1
		}
		m := quaternToAffine([3]float64{q[1] / n, q[2] / n, q[3] / n}, off, size, qfac)
		qb, qo, qs, qf := affineToQuatern(m)
		m2 := quaternToAffine(qb, qo, qs, qf)
		for i := range 3 {
			for j := range 4 {
				if math.Abs(m[i][j]-m2[i][j]) > 1e-9 {
					t.Fatalf("trial %d: round trip\n%v\n%v", trial, m, m2)
				}
			}
		}
		if qf != qfac {
			t.Errorf("trial %d: qfac %g, want %g", trial, qf, qfac)
		}

		v := testVolume([3]int{3, 4, 5}, m, func(i int) float64 { return float64(i) })
		var buf bytes.Buffer
		if err := Encode(&buf, v, nil, WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		im, err := OpenBytes(buf.Bytes(), "mem.nii")
		if err != nil {
			t.Fatal(err)
		}
		if im.SFormCode != XformAlignedAnat || im.QFormCode != XformAlignedAnat {
			t.Errorf("codes %d %d", im.QFormCode, im.SFormCode)
		}
		qa := quaternToAffine(im.Quatern, im.QOffset, im.VoxelSize(), im.QFac)
		if !SameGrid(v.Dims, m, im.Grid(), im.Affine, 1e-3) || !SameGrid(v.Dims, m, v.Dims, qa, 1e-3) {
			t.Errorf("trial %d: sform %v qform %v, want %v", trial, im.Affine, qa, m)
		}
	}
}

func TestWriteTypes(t *testing.T) {
	v := testVolume([3]int{2, 3, 4}, [4][4]float64{}, func(i int) float64 { return float64(i - 5) })
	for _, dt := range []Datatype{DTFloat32, DTFloat64, DTInt8, DTInt16, DTInt32} {
		var buf bytes.Buffer
		if err := Encode(&buf, v, nil, WriteOptions{Datatype: dt, Description: "d", IntentName: "Label"}); err != nil {
			t.Fatal(err)
		}
		im, err := OpenBytes(buf.Bytes(), "mem.nii")
		if err != nil {
			t.Fatal(err)
		}
		got, err := im.Volume(0)
		if err != nil {
			t.Fatal(err)
		}
		if im.Datatype != dt || im.AffineFrom != "pixdim" || im.Description != "d" || im.IntentName != "Label" {
			t.Errorf("%s: type %s from %s %q %q", dt, im.Datatype, im.AffineFrom, im.Description, im.IntentName)
		}
		for i := range v.Values {
			if got.Values[i] != v.Values[i] {
				t.Fatalf("%s: voxel %d = %g", dt, i, got.Values[i])
			}
		}
	}
	for _, dt := range []Datatype{DTUint8, DTUint16, DTUint32} {
		if err := Encode(new(bytes.Buffer), v, nil, WriteOptions{Datatype: dt}); err == nil || !strings.Contains(err.Error(), "cannot store") {
			t.Errorf("%s with negative values: %v", dt, err)
		}
	}
	v.Values[3] = 0.5
	if err := Encode(new(bytes.Buffer), v, nil, WriteOptions{Datatype: DTInt16}); err == nil || !strings.Contains(err.Error(), "voxel (1, 1, 0)") {
		t.Errorf("fraction as int16: %v", err)
	}
	for _, dt := range []Datatype{DTComplex64, DTInt64, 99} {
		if err := Encode(new(bytes.Buffer), v, nil, WriteOptions{Datatype: dt}); err == nil {
			t.Errorf("%s accepted", dt)
		}
	}
	if err := Encode(new(bytes.Buffer), &data.Volume{Dims: [3]int{2, 2, 2}, Values: make([]float64, 7)}, nil, WriteOptions{}); err == nil {
		t.Error("short volume accepted")
	}
	like := openTest(t, "atlas.nii.gz")
	if err := Encode(new(bytes.Buffer), testVolume([3]int{2, 2, 2}, [4][4]float64{}, func(int) float64 { return 0 }), &like.Header, WriteOptions{}); err == nil || !strings.Contains(err.Error(), "5×4×3") {
		t.Errorf("grid mismatch: %v", err)
	}
	bad := [4][4]float64{{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 1}}
	if err := Encode(new(bytes.Buffer), testVolume([3]int{2, 2, 2}, bad, func(int) float64 { return 0 }), nil, WriteOptions{}); err == nil {
		t.Error("singular affine accepted")
	}
}

// TestWriteAtomic checks that the .nii.gz bytes are reproducible, that no
// temporary file is left, and that a failed write keeps the old file.
func TestWriteAtomic(t *testing.T) {
	dir := t.TempDir()
	like := openTest(t, "atlas.nii.gz")
	v := testVolume(like.Grid(), like.Affine, func(i int) float64 { return float64(i % 7) })
	p := filepath.Join(dir, "map.nii.gz")
	if err := Write(p, v, &like.Header); err != nil {
		t.Fatal(err)
	}
	first := mustRead(t, p)
	if err := Write(p, v, &like.Header); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, mustRead(t, p)) {
		t.Error("two writes of the same volume differ")
	}
	// gzip header: no name, zero time
	if first[3]&0x08 != 0 || !bytes.Equal(first[4:8], []byte{0, 0, 0, 0}) {
		t.Errorf("gzip header %x", first[:10])
	}
	short := &data.Volume{Dims: v.Dims, Values: v.Values[:5]}
	if err := Write(p, short, nil); err == nil {
		t.Fatal("bad volume written")
	}
	if !bytes.Equal(first, mustRead(t, p)) {
		t.Error("a failed write changed the previous file")
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) != 1 {
		t.Errorf("files left: %v", ents)
	}
	if err := Write(filepath.Join(dir, "no", "such", "dir.nii"), v, nil); err == nil {
		t.Error("write into a missing folder succeeded")
	}
}
