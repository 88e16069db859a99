package loader

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/io/nifti"
	"github.com/alignscope/alignscope/io/npy"
)

const niftiData = "../nifti/testdata"

func nd(name string) string { return filepath.Join(niftiData, name) }

// betaVolumes reads every volume of the test betas.
func betaVolumes(t *testing.T, name string) [][]float64 {
	t.Helper()
	im, err := nifti.Open(nd(name))
	if err != nil {
		t.Fatal(err)
	}
	defer im.Close()
	var out [][]float64
	err = im.EachVolume(func(_ int, v []float64) error {
		out = append(out, slices.Clone(v))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestLoadNIfTI checks regions, NaN exclusion, values and geometry, for
// one and two repetitions in both volume orders, .nii and .nii.gz.
func TestLoadNIfTI(t *testing.T) {
	vols := betaVolumes(t, "betas.nii")
	tests := []struct {
		betas     string
		reps      int
		stimMajor bool
	}{
		{"betas.nii", 1, false},
		{"betas.nii.gz", 1, false},
		{"betas.nii", 2, false},
		{"betas.nii.gz", 2, true},
		{"betas.nii", 3, true},
	}
	for _, tt := range tests {
		res, err := LoadNIfTI(NIfTIOptions{Betas: nd(tt.betas), Atlas: nd("atlas.nii.gz"), Labels: nd("atlas.tsv"), Reps: tt.reps, StimMajor: tt.stimMajor})
		if err != nil {
			t.Fatal(err)
		}
		n := 6 / tt.reps
		if res.Stimuli != n || len(res.Regions) != 2 || res.Regions[0].Region != "A" || res.Regions[1].Region != "B" {
			t.Fatalf("%+v: %d stimuli, regions %v", tt, res.Stimuli, res.Regions)
		}
		// A loses voxel (1,0,0), NaN in volume 4; C (all NaN) is skipped
		if len(res.Warnings) != 2 || !strings.Contains(res.Warnings[0], "1 of 7 voxels") || !strings.Contains(res.Warnings[1], "region C") {
			t.Errorf("warnings %q", res.Warnings)
		}
		a := res.Regions[0]
		if a.Channels() != 6 || a.Geometry.Voxels[0] != [3]int{0, 0, 0} || a.Geometry.Voxels[1] != [3]int{0, 1, 0} {
			t.Errorf("A: %d channels at %v", a.Channels(), a.Geometry.Voxels)
		}
		for _, r := range res.Regions {
			g := r.Geometry
			if err := g.Check(r.Channels()); err != nil {
				t.Fatal(err)
			}
			if g.Grid != res.Background || g.Grid.Dims != [3]int{5, 4, 3} || g.Grid.Affine[0][3] != -6 {
				t.Errorf("%s: grid %v", r.Region, g.Grid.Dims)
			}
			if (tt.reps > 1) != (len(r.Reps) == tt.reps) || r.DType != "float32" {
				t.Errorf("%s: %d reps, dtype %s", r.Region, len(r.Reps), r.DType)
			}
			got, err := data.ReadAll(r.Data)
			if err != nil {
				t.Fatal(err)
			}
			for s := range n {
				for c, ijk := range g.Voxels {
					idx := g.Grid.Index(ijk[0], ijk[1], ijk[2])
					var want float64
					for rep := range tt.reps {
						vol := rep*n + s
						if tt.stimMajor {
							vol = s*tt.reps + rep
						}
						want += vols[vol][idx]
					}
					want /= float64(tt.reps)
					if math.Abs(got.At(s, c)-want) > 1e-12 {
						t.Fatalf("%+v %s: (%d,%d) = %g, want %g", tt, r.Region, s, c, got.At(s, c), want)
					}
				}
			}
		}
		// background: the mean over volumes, 0 where all NaN
		bg := res.Background
		if bg.At(2, 3, 0) != 0 {
			t.Errorf("background at the all-NaN voxel: %g", bg.At(2, 3, 0))
		}
		var m float64
		for _, v := range vols {
			m += v[0]
		}
		if math.Abs(bg.Values[0]-m/6) > 1e-12 {
			t.Errorf("background[0] = %g, want %g", bg.Values[0], m/6)
		}
	}

	recs, err := LoadNIfTIRecordings(nd("betas.nii"), nd("atlas.nii.gz"), "", 1)
	if err != nil || len(recs) != 2 || recs[0].Region != "label 1" || recs[1].Region != "label 2" {
		t.Fatalf("without labels: %v %v", recs, err)
	}
	res, err := LoadNIfTI(NIfTIOptions{Betas: nd("betas.nii"), Atlas: nd("atlas.nii.gz"), Anat: nd("atlas.nii.gz")})
	if err != nil || res.Background.At(4, 3, 2) != 2 {
		t.Fatalf("anat background: %v", err)
	}
	res, err = LoadNIfTI(NIfTIOptions{Betas: nd("betas.nii"), Atlas: nd("atlas.nii.gz"), Labels: nd("atlas_extra.csv")})
	if err != nil || len(res.Warnings) != 3 || !strings.Contains(strings.Join(res.Warnings, "|"), "3 unused") {
		t.Fatalf("extra label warning: %q %v", res.Warnings, err)
	}
}

func TestLoadMask(t *testing.T) {
	r, err := LoadMask(nd("betas.nii"), nd("atlas.nii.gz"), "", 2)
	if err != nil {
		t.Fatal(err)
	}
	if r.Region != "atlas" || r.Channels() != 11 || len(r.Reps) != 2 {
		t.Fatalf("mask region %q, %d channels, %d reps", r.Region, r.Channels(), len(r.Reps))
	}
	if r, err := LoadMask(nd("betas.nii"), nd("u8_pixdim.nii.gz"), "x", 1); err == nil {
		t.Fatalf("mask on another grid: %v", r)
	}
}

func TestLoadNIfTIErrors(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.nii")
	if err := nifti.Write(empty, &data.Volume{Dims: [3]int{5, 4, 3}, Values: make([]float64, 60), Affine: [4][4]float64{{3, 0, 0, -6}, {0, 3, 0, -4.5}, {0, 0, 3, -3}, {0, 0, 0, 1}}}, nil); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		opt  NIfTIOptions
		want []string
	}{
		{NIfTIOptions{Atlas: nd("atlas.nii.gz")}, []string{"beta"}},
		{NIfTIOptions{Betas: nd("betas.nii")}, []string{"atlas", "mask"}},
		{NIfTIOptions{Betas: nd("betas.nii"), Atlas: nd("atlas.nii.gz"), Reps: 4}, []string{"6 volumes", "4 repetitions"}},
		{NIfTIOptions{Betas: nd("betas.nii"), Atlas: nd("atlas_other_grid.nii")}, []string{"atlas_other_grid.nii", "5×4×2", "betas.nii", "5×4×3", "resample"}},
		{NIfTIOptions{Betas: nd("betas.nii"), Atlas: nd("atlas_shifted.nii")}, []string{"atlas_shifted.nii", "betas.nii", "differently in space"}},
		{NIfTIOptions{Betas: nd("betas.nii"), Atlas: nd("atlas.nii.gz"), Labels: nd("atlas_missing.tsv")}, []string{"2, 4", "atlas_missing.tsv"}},
		{NIfTIOptions{Betas: nd("betas.nii"), Atlas: nd("betas.nii")}, []string{"6 volumes", "3-D"}},
		{NIfTIOptions{Betas: nd("betas.nii"), Atlas: empty}, []string{"no region"}},
		{NIfTIOptions{Betas: nd("betas.nii"), Mask: empty}, []string{"no voxel"}},
		{NIfTIOptions{Betas: nd("betas.nii"), Atlas: nd("atlas.nii.gz"), Anat: nd("atlas_other_grid.nii")}, []string{"atlas_other_grid.nii", "5×4×2"}},
		{NIfTIOptions{Betas: nd("truncated.nii"), Atlas: nd("atlas.nii.gz")}, []string{"truncated"}},
		{NIfTIOptions{Betas: nd("betas.nii"), Atlas: nd("atlas.nii.gz"), Labels: nd("none.tsv")}, []string{"none.tsv"}},
	}
	for _, tt := range tests {
		_, err := LoadNIfTI(tt.opt)
		if err == nil {
			t.Errorf("%+v: no error", tt.opt)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%+v: error %q lacks %q", tt.opt, err, w)
			}
		}
	}
	// a region of only all-NaN voxels
	if _, err := LoadMask(nd("betas.nii"), onlyC(t, dir), "C", 1); err == nil || !strings.Contains(err.Error(), "no region has a voxel") {
		t.Errorf("all-NaN mask: %v", err)
	}
}

// onlyC writes a mask of atlas region C (voxel (2,3,0), NaN in the betas).
func onlyC(t *testing.T, dir string) string {
	t.Helper()
	v := &data.Volume{Dims: [3]int{5, 4, 3}, Values: make([]float64, 60), Affine: [4][4]float64{{3, 0, 0, -6}, {0, 3, 0, -4.5}, {0, 0, 3, -3}, {0, 0, 0, 1}}}
	v.Values[v.Index(2, 3, 0)] = 1
	p := filepath.Join(dir, "c.nii")
	if err := nifti.Write(p, v, nil); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestWriteMap(t *testing.T) {
	res, err := LoadNIfTI(NIfTIOptions{Betas: nd("betas.nii"), Atlas: nd("atlas.nii.gz"), Labels: nd("atlas.tsv")})
	if err != nil {
		t.Fatal(err)
	}
	b := res.Regions[1]
	vals := make([]float64, b.Channels())
	for c := range vals {
		vals[c] = float64(c+1) / 10
	}
	vals[2] = math.NaN()
	dir := t.TempDir()
	for _, like := range []string{nd("betas.nii"), nd("atlas.nii.gz"), ""} {
		p := filepath.Join(dir, "map.nii.gz")
		if err := WriteMap(p, b.Geometry, vals, like); err != nil {
			t.Fatal(err)
		}
		im, err := nifti.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		v, err := im.Volume(0)
		if err != nil {
			t.Fatal(err)
		}
		if !nifti.SameGrid(v.Dims, v.Affine, b.Geometry.Grid.Dims, b.Geometry.Grid.Affine, 1e-4) {
			t.Errorf("like %q: affine %v", like, v.Affine)
		}
		if like != "" && im.SFormCode != 4 {
			t.Errorf("like %q: sform code %d, want the reference's 4", like, im.SFormCode)
		}
		inside := 0
		for i, x := range v.Values {
			if x != 0 {
				inside++
			}
			_ = i
		}
		if inside != len(vals) {
			t.Errorf("%d non-zero voxels, want %d", inside, len(vals))
		}
		for c, ijk := range b.Geometry.Voxels {
			got := v.At(ijk[0], ijk[1], ijk[2])
			if want := float64(float32(vals[c])); !(got == want || math.IsNaN(got) && math.IsNaN(want)) {
				t.Errorf("voxel %v = %g, want %g", ijk, got, want)
			}
		}
	}
	if err := WriteMap(filepath.Join(dir, "x.nii"), b.Geometry, vals[:2], ""); err == nil || !strings.Contains(err.Error(), "2 values for 5 voxels") {
		t.Errorf("short values: %v", err)
	}
	if err := WriteMap(filepath.Join(dir, "x.nii"), &data.Geometry{Units: [][3]float64{{1, 2, 3}}}, []float64{1}, ""); err == nil || !strings.Contains(err.Error(), "no voxel grid") {
		t.Errorf("units geometry: %v", err)
	}
	if err := WriteMap(filepath.Join(dir, "x.nii"), b.Geometry, vals, nd("atlas_other_grid.nii")); err == nil || !strings.Contains(err.Error(), "5×4×2") {
		t.Errorf("reference on another grid: %v", err)
	}
}

// writeAtlasFolder makes a data folder whose recordings hold regions A
// (7 channels) and B (bChannels) and copies the test atlas into it.
func writeAtlasFolder(t *testing.T, bChannels int, labels string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "recordings"), 0o755); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	z := npy.NewNPZWriter(&buf)
	for _, r := range []struct {
		name string
		v    int
	}{{"A", 7}, {"B", bChannels}, {"V9", 3}} {
		w, err := z.Create(r.name)
		if err != nil {
			t.Fatal(err)
		}
		x := make([]float32, 2*4*r.v)
		for i := range x {
			x[i] = float32(i % 5)
		}
		if err := npy.WriteNPY(w, []int{2, 4, r.v}, x); err != nil {
			t.Fatal(err)
		}
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "recordings", "sub-01.npz"), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "atlas.nii.gz"), mustReadFile(t, nd("atlas.nii.gz")), 0o644); err != nil {
		t.Fatal(err)
	}
	if labels != "" {
		if err := os.WriteFile(filepath.Join(dir, "atlas.tsv"), []byte(labels), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func mustReadFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestFolderGeometry(t *testing.T) {
	dir := writeAtlasFolder(t, 5, "index\tname\n1\tA\n2\tB\n4\tC\n")
	for _, load := range []func() (*data.Project, error){
		func() (*data.Project, error) { return LoadFolder(dir) },
		func() (*data.Project, error) { return LoadFolderFS(os.DirFS(dir), "demo") },
	} {
		p, err := load()
		if err != nil {
			t.Fatal(err)
		}
		s := p.Subject("sub-01")
		a, b, v9 := s.Region("A"), s.Region("B"), s.Region("V9")
		if a.Geometry == nil || b.Geometry == nil || v9.Geometry != nil {
			t.Fatalf("geometries %v %v %v", a.Geometry, b.Geometry, v9.Geometry)
		}
		if a.Geometry.Grid.Dims != [3]int{5, 4, 3} || a.Geometry.Voxels[2] != [3]int{0, 1, 0} || len(a.Geometry.Voxels) != 7 {
			t.Errorf("A geometry %v %v", a.Geometry.Grid.Dims, a.Geometry.Voxels)
		}
		if a.Geometry.Grid.At(4, 3, 2) != 2 { // no anat: the atlas is the background
			t.Errorf("background %g", a.Geometry.Grid.At(4, 3, 2))
		}
	}
	// an anatomical image on the grid becomes the background
	anat := &data.Volume{Dims: [3]int{5, 4, 3}, Values: make([]float64, 60), Affine: [4][4]float64{{3, 0, 0, -6}, {0, 3, 0, -4.5}, {0, 0, 3, -3}, {0, 0, 0, 1}}}
	anat.Values[7] = 500
	if err := nifti.Write(filepath.Join(dir, "anat.nii.gz"), anat, nil); err != nil {
		t.Fatal(err)
	}
	p, err := LoadFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	if g := p.Subject("sub-01").Region("B").Geometry.Grid; g.Values[7] != 500 {
		t.Errorf("anat background not used")
	}

	// counts that disagree
	dir = writeAtlasFolder(t, 4, "index\tname\n1\tA\n2\tB\n4\tC\n")
	_, err = LoadFolder(dir)
	for _, w := range []string{"sub-01.npz", "region B", "4 channels", "5 voxels"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("count mismatch: error %v lacks %q", err, w)
		}
	}
	// no label table
	dir = writeAtlasFolder(t, 5, "")
	if _, err = LoadFolder(dir); err == nil || !strings.Contains(err.Error(), "atlas.tsv") {
		t.Errorf("missing atlas.tsv: %v", err)
	}
	// an anatomical image on another grid
	dir = writeAtlasFolder(t, 5, "1\tA\n2\tB\n4\tC\n")
	if err := os.WriteFile(filepath.Join(dir, "anat.nii"), mustReadFile(t, nd("atlas_other_grid.nii")), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err = LoadFolder(dir); err == nil || !strings.Contains(err.Error(), "anat.nii") || !strings.Contains(err.Error(), dir) {
		t.Errorf("anat on another grid: %v", err)
	}
}
