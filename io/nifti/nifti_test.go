package nifti

import (
	"compress/gzip"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/alignscope/alignscope/core/data"
)

type expectedImage struct {
	Dims     []int
	Datatype string
	Affine   [][]float64
	Values   []string
}

func loadExpected(t testing.TB) map[string]expectedImage {
	t.Helper()
	b, err := os.ReadFile("testdata/expected.json")
	if err != nil {
		t.Fatal(err)
	}
	var e map[string]expectedImage
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatal(err)
	}
	return e
}

func parseValues(t testing.TB, s []string) []float64 {
	t.Helper()
	out := make([]float64, len(s))
	for i, v := range s {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = f
	}
	return out
}

func same(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return a == b || math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(b))
}

// TestReadExpected reads every generated file and compares the grid,
// type, affine and every value with what make_testdata.py wrote.
func TestReadExpected(t *testing.T) {
	for name, want := range loadExpected(t) {
		t.Run(name, func(t *testing.T) {
			im, err := Open(filepath.Join("testdata", name))
			if err != nil {
				t.Fatal(err)
			}
			defer im.Close()
			if dimString(im.Dims) != dimString(want.Dims) {
				t.Fatalf("dims %v, want %v", im.Dims, want.Dims)
			}
			if im.DType() != want.Datatype {
				t.Errorf("datatype %s, want %s", im.DType(), want.Datatype)
			}
			for r := range 4 {
				for c := range 4 {
					if math.Abs(im.Affine[r][c]-want.Affine[r][c]) > 1e-6 {
						t.Fatalf("affine (%s)\n%v\nwant\n%v", im.AffineFrom, im.Affine, want.Affine)
					}
				}
			}
			vals := parseValues(t, want.Values)
			nv := im.Voxels()
			if im.Volumes()*nv != len(vals) {
				t.Fatalf("%d volumes × %d voxels, want %d values", im.Volumes(), nv, len(vals))
			}
			for vol := range im.Volumes() {
				v, err := im.Volume(vol)
				if err != nil {
					t.Fatal(err)
				}
				if v.Dims != im.Grid() || v.Affine != im.Affine {
					t.Fatalf("volume grid %v affine %v", v.Dims, v.Affine)
				}
				for i, x := range v.Values {
					if !same(x, vals[vol*nv+i]) {
						t.Fatalf("volume %d voxel %d = %v, want %v", vol, i, x, vals[vol*nv+i])
					}
				}
			}
		})
	}
}

func openTest(t testing.TB, name string) *Image {
	t.Helper()
	im, err := Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { im.Close() })
	return im
}

func TestHeaderFields(t *testing.T) {
	im := openTest(t, "i16_be_4d.nii")
	if im.Version != 1 || im.ByteOrder.String() != "BigEndian" || im.Magic != "n+1" {
		t.Errorf("version %d %v %q", im.Version, im.ByteOrder, im.Magic)
	}
	if im.Volumes() != 5 || im.Voxels() != 24 || im.QFac != -1 || im.AffineFrom != "qform" {
		t.Errorf("volumes %d voxels %d qfac %g from %s", im.Volumes(), im.Voxels(), im.QFac, im.AffineFrom)
	}
	if im.SclSlope != 0.5 || im.SclInter != 10 || im.SpatialUnits() != "mm" || im.Description != "alignscope test" {
		t.Errorf("scaling %g %g units %q descrip %q", im.SclSlope, im.SclInter, im.SpatialUnits(), im.Description)
	}
	if g := im.GridString(); g != "4×3×2 at 1.5×2×3 mm" {
		t.Errorf("grid string %q", g)
	}
	im2 := openTest(t, "i32_nifti2_be.nii.gz")
	if im2.Version != 2 || !im2.Compressed || im2.Magic != "n+2" {
		t.Errorf("nifti2: version %d compressed %v magic %q", im2.Version, im2.Compressed, im2.Magic)
	}
	if openTest(t, "f32_sform.nii").AffineFrom != "sform" || openTest(t, "u8_pixdim.nii.gz").AffineFrom != "pixdim" {
		t.Error("affine source")
	}
	if openTest(t, "dt_int8.nii").VoxOffset != 352 {
		t.Error("vox_offset 0 not read as 352")
	}
}

// TestSeries reads arbitrary voxel columns in blocks, concurrently, and
// compares them with whole volumes.
func TestSeries(t *testing.T) {
	for _, name := range []string{"i16_be_4d.nii", "f64_nifti2.nii", "betas.nii", "betas.nii.gz", "five_d.nii"} {
		im := openTest(t, name)
		nt, nv := im.Volumes(), im.Voxels()
		all := make([][]float64, nt)
		for vol := range nt {
			v, err := im.Volume(vol)
			if err != nil {
				t.Fatal(err)
			}
			all[vol] = v.Values
		}
		rows := []int{nt - 1, 0}
		if nt > 2 {
			rows = append(rows, nt/2, 1)
		}
		cols := []int{nv - 1, 0, 3, 3, nv / 2, 1, nv - 2}
		s, err := im.Series(rows, cols)
		if err != nil {
			t.Fatal(err)
		}
		if n, p := s.Dims(); n != len(rows) || p != len(cols) {
			t.Fatalf("%s: dims %d×%d", name, n, p)
		}
		var wg sync.WaitGroup
		for w := 1; w <= len(cols); w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				got, err := data.ReadAll(blockMatrix{s, w})
				if err != nil {
					t.Error(err)
					return
				}
				for r, vol := range rows {
					for c, vox := range cols {
						if !same(got.At(r, c), all[vol][vox]) {
							t.Errorf("%s width %d: (%d,%d) = %g, want %g", name, w, r, c, got.At(r, c), all[vol][vox])
						}
					}
				}
			}(w)
		}
		wg.Wait()
		if _, err := im.Series([]int{nt}, cols); err == nil {
			t.Errorf("%s: volume %d accepted", name, nt)
		}
		if _, err := im.Series(rows, []int{nv}); err == nil {
			t.Errorf("%s: voxel %d accepted", name, nv)
		}
		if err := s.ReadColumns(0, 2, make([]float64, 1)); err == nil {
			t.Errorf("%s: short buffer accepted", name)
		}
	}
}

// blockMatrix reads m through EachBlock with a fixed width.
type blockMatrix struct {
	m data.Matrix
	w int
}

func (b blockMatrix) Dims() (int, int) { return b.m.Dims() }
func (b blockMatrix) ReadColumns(j0, j1 int, dst []float64) error {
	n, _ := b.m.Dims()
	w := j1 - j0
	for c0 := j0; c0 < j1; c0 += b.w {
		c1 := min(c0+b.w, j1)
		buf := make([]float64, n*(c1-c0))
		if err := b.m.ReadColumns(c0, c1, buf); err != nil {
			return err
		}
		for i := range n {
			copy(dst[i*w+c0-j0:i*w+c1-j0], buf[i*(c1-c0):(i+1)*(c1-c0)])
		}
	}
	return nil
}

func TestSeriesRuns(t *testing.T) {
	// a grid wider than a run, so that columns span several reads
	const nx = 2 * spanElems
	v := &data.Volume{Dims: [3]int{256, 256, nx / (256 * 256)}, Values: make([]float64, nx), Affine: [4][4]float64{{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}}}
	for i := range v.Values {
		v.Values[i] = float64(i)
	}
	path := filepath.Join(t.TempDir(), "wide.nii")
	if err := Write(path, v, nil); err != nil {
		t.Fatal(err)
	}
	im, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer im.Close()
	cols := []int{nx - 1, 0, 5, 5 + gapElems, 5 + 2*gapElems + 1, spanElems + 7, 100}
	s, err := im.Series([]int{0}, cols)
	if err != nil {
		t.Fatal(err)
	}
	got := make([]float64, len(cols))
	if err := s.ReadColumns(0, len(cols), got); err != nil {
		t.Fatal(err)
	}
	for c, vox := range cols {
		if got[c] != float64(vox) {
			t.Errorf("column %d = %g, want %d", c, got[c], vox)
		}
	}
}

func TestVoxelSeriesAndMean(t *testing.T) {
	im := openTest(t, "betas.nii")
	want := parseValues(t, loadExpected(t)["betas.nii"].Values)
	nv := im.Voxels()
	x, err := im.VoxelSeries(1, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	for vol, v := range x {
		if !same(v, want[vol*nv+1]) {
			t.Errorf("series[%d] = %g, want %g", vol, v, want[vol*nv+1])
		}
	}
	if _, err := im.VoxelSeries(5, 0, 0); err == nil {
		t.Error("voxel outside the grid accepted")
	}
	mean, bad, err := im.Mean()
	if err != nil {
		t.Fatal(err)
	}
	for i := range nv {
		var s float64
		n := 0
		for vol := range im.Volumes() {
			if v := want[vol*nv+i]; !math.IsNaN(v) {
				s += v
				n++
			}
		}
		if bad[i] != im.Volumes()-n {
			t.Errorf("voxel %d: %d non-finite, want %d", i, bad[i], im.Volumes()-n)
		}
		w := s / float64(n)
		if n == 0 {
			w = math.NaN()
		}
		if !(same(mean.Values[i], w) || math.Abs(mean.Values[i]-w) < 1e-12) {
			t.Errorf("mean[%d] = %g, want %g", i, mean.Values[i], w)
		}
	}
	if _, err := im.Volume(6); err == nil {
		t.Error("volume 6 of 6 accepted")
	}
}

func TestOpenFSAndBytes(t *testing.T) {
	for _, name := range []string{"betas.nii", "betas.nii.gz"} {
		a, err := OpenFS(os.DirFS("testdata"), name)
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		c, err := OpenBytes(b, name)
		if err != nil {
			t.Fatal(err)
		}
		va, err := a.Volume(3)
		if err != nil {
			t.Fatal(err)
		}
		vc, err := c.Volume(3)
		if err != nil {
			t.Fatal(err)
		}
		for i := range va.Values {
			if !same(va.Values[i], vc.Values[i]) {
				t.Fatalf("%s: OpenFS and OpenBytes differ at %d", name, i)
			}
		}
		a.Close()
		c.Close()
	}
	if _, err := OpenFS(os.DirFS("testdata"), "pair.hdr"); err == nil || !strings.Contains(err.Error(), "separate .img") {
		t.Errorf("pair through OpenFS: %v", err)
	}
	if _, err := OpenFS(os.DirFS("."), "testdata"); err == nil || !strings.Contains(err.Error(), "folder") {
		t.Errorf("folder through OpenFS: %v", err)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good, err := os.ReadFile("testdata/f32_sform.nii")
	if err != nil {
		t.Fatal(err)
	}
	mod := func(off int, b ...byte) []byte {
		c := append([]byte(nil), good...)
		copy(c[off:], b)
		return c
	}
	tests := []struct {
		path string
		want string
	}{
		{"testdata/truncated.nii", "truncated"},
		{"testdata/truncated.nii.gz", "truncated"},
		{"testdata/complex.nii", "datatype 32"},
		{"testdata/analyze.hdr", "ANALYZE"},
		{"testdata/nonexistent.nii", "no such file"},
		{"testdata", "folder"},
		{write("empty.nii", nil), "empty"},
		{write("short.nii", good[:100]), "truncated"},
		{write("text.nii", []byte("hello world, this is not an image")), "not a NIfTI file"},
		{write("npy.nii", append([]byte("\x93NUMPY"), make([]byte, 400)...)), "NumPy"},
		{write("baddt.nii", mod(70, 99, 0)), "datatype code 99"},
		{write("rgb.nii", mod(70, 128, 0)), "colours"},
		{write("ndim.nii", mod(40, 9, 0)), "dimensions"},
		{write("zerodim.nii", mod(42, 0, 0)), "size 0"},
		{write("magic.nii", mod(344, 'x', 'y', 'z')), "signature"},
		{write("voxoff.nii", mod(108, 0, 0, 0x80, 0x42)), "inside"},
		{write("badgz.nii.gz", []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255, 1, 2, 3}), "gzip"},
	}
	for _, tt := range tests {
		_, err := Open(tt.path)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one containing %q", filepath.Base(tt.path), err, tt.want)
		}
	}
	if _, err := Open(write("lone.hdr", mustRead(t, "testdata/pair.hdr"))); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("lone .hdr: %v", err)
	}
}

func mustRead(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestFiveDOrder(t *testing.T) {
	im := openTest(t, "five_d.nii")
	// values are 0..23 in storage order: volume t holds 4t … 4t+3, with
	// t = t4 + 3·t5
	for vol := range 6 {
		v, err := im.Volume(vol)
		if err != nil {
			t.Fatal(err)
		}
		if v.Values[0] != float64(4*vol) {
			t.Errorf("volume %d starts with %g", vol, v.Values[0])
		}
	}
}

func TestPairGzipImg(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "p.hdr"), mustRead(t, "testdata/pair.hdr"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(dir, "p.img.gz"))
	if err != nil {
		t.Fatal(err)
	}
	zw := gzip.NewWriter(f)
	zw.Write(mustRead(t, "testdata/pair.img"))
	zw.Close()
	f.Close()
	a, b := openTest(t, "pair.hdr"), func() *Image {
		im, err := Open(filepath.Join(dir, "p.hdr"))
		if err != nil {
			t.Fatal(err)
		}
		return im
	}()
	va, _ := a.Volume(0)
	vb, err := b.Volume(0)
	if err != nil || !b.Compressed {
		t.Fatal(err)
	}
	for i := range va.Values {
		if va.Values[i] != vb.Values[i] {
			t.Fatalf("voxel %d: %g vs %g", i, va.Values[i], vb.Values[i])
		}
	}
	s, err := a.Series([]int{0}, []int{2, 1})
	if err != nil || s.Image() != a || len(s.Voxels()) != 2 {
		t.Fatal("series accessors", err)
	}
	// a truncated .img
	if err := os.WriteFile(filepath.Join(dir, "p.img"), []byte{1, 2, 3}, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(filepath.Join(dir, "p.hdr")); err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("short .img: %v", err)
	}
}

func TestReadHeader(t *testing.T) {
	for _, name := range []string{"betas.nii", "betas.nii.gz", "i32_nifti2_be.nii.gz", "pair.hdr"} {
		h, err := ReadHeader(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		if im := openTest(t, name); h.Affine != im.Affine || dimString(h.Dims) != dimString(im.Dims) {
			t.Errorf("%s: header %v %v, image %v %v", name, h.Dims, h.Affine, im.Dims, im.Affine)
		}
	}
	for _, name := range []string{"analyze.hdr", "none.nii", "complex.nii"} {
		if _, err := ReadHeader(filepath.Join("testdata", name)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
