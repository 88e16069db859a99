package demogen

import (
	"context"
	"math"
	"path/filepath"
	"slices"
	"testing"

	"github.com/alignscope/alignscope/core/compare"
	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/rdm"
	"github.com/alignscope/alignscope/io/loader"
	"github.com/alignscope/alignscope/io/nifti"
	"gonum.org/v1/gonum/mat"
)

// connected reports whether the voxels form one 26-connected set.
func connected(vox []int, g [3]int) bool {
	if len(vox) == 0 {
		return false
	}
	in := map[int]bool{}
	for _, v := range vox {
		in[v] = true
	}
	seen := map[int]bool{vox[0]: true}
	stack := []int{vox[0]}
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		i, j, k := v%g[0], v/g[0]%g[1], v/(g[0]*g[1])
		for dk := -1; dk <= 1; dk++ {
			for dj := -1; dj <= 1; dj++ {
				for di := -1; di <= 1; di++ {
					a, b, c := i+di, j+dj, k+dk
					if a < 0 || b < 0 || c < 0 || a >= g[0] || b >= g[1] || c >= g[2] {
						continue
					}
					n := a + g[0]*(b+g[1]*c)
					if in[n] && !seen[n] {
						seen[n] = true
						stack = append(stack, n)
					}
				}
			}
		}
	}
	return len(seen) == len(vox)
}

// TestBrain checks the atlas against the recordings and the anatomy:
// voxel counts, storage order, one connected blob per hemisphere, and
// plausible places on grey matter.
func TestBrain(t *testing.T) {
	d := testDemo(t)
	b := d.Brain
	g := b.Dims
	if len(b.Anat) != g[0]*g[1]*g[2] || len(b.Atlas) != len(b.Anat) {
		t.Fatalf("volumes of %d and %d values for grid %v", len(b.Anat), len(b.Atlas), g)
	}
	brain := 0
	for i, v := range b.Anat {
		if v != math.Trunc(v) || v < 0 || v > 1000 {
			t.Fatalf("anat voxel %d = %g, want a whole number in 0…1000", i, v)
		}
		if v > 0 {
			brain++
		}
	}
	// a brain of roughly 1.1–1.6 litres
	if ml := float64(brain) * 27 / 1000; ml < 900 || ml > 1800 {
		t.Errorf("brain volume %.0f ml", ml)
	}
	want := map[string]struct{ xlo, xhi, ylo, yhi, zlo, zhi float64 }{
		"V1": {0, 20, -105, -85, -12, 15},
		"V4": {15, 45, -90, -60, -25, 0},
		"IT": {25, 55, -50, -15, -45, -15},
	}
	for r, spec := range d.Truth {
		vox := b.Regions[r]
		if len(vox) != spec.Voxels {
			t.Errorf("%s: %d atlas voxels, ground truth %d", spec.Name, len(vox), spec.Voxels)
		}
		for _, s := range d.Subjects {
			if _, v := s.Region(spec.Name).Reps[0].Dims(); v != len(vox) {
				t.Errorf("%s %s: %d channels, atlas %d voxels", s.Name, spec.Name, v, len(vox))
			}
		}
		if !slices.IsSorted(vox) {
			t.Errorf("%s: voxels not in storage order", spec.Name)
		}
		var hemi [2][]int
		var grey float64
		for _, idx := range vox {
			if b.Atlas[idx] != float64(RegionPlaces()[r].Index) {
				t.Fatalf("%s: voxel %d labelled %g", spec.Name, idx, b.Atlas[idx])
			}
			w := world(idx%g[0], idx/g[0]%g[1], idx/(g[0]*g[1]), 0, 0, 0)
			h := 0
			if w[0] > 0 {
				h = 1
			}
			hemi[h] = append(hemi[h], idx)
			grey += b.Anat[idx] / float64(len(vox))
		}
		for h, hv := range hemi {
			if len(hv) != spec.Voxels/2 && len(hv) != spec.Voxels-spec.Voxels/2 {
				t.Errorf("%s: %d voxels in hemisphere %d", spec.Name, len(hv), h)
			}
			if !connected(hv, g) {
				t.Errorf("%s: hemisphere %d blob is not connected", spec.Name, h)
			}
			var c [3]float64
			for _, idx := range hv {
				w := world(idx%g[0], idx/g[0]%g[1], idx/(g[0]*g[1]), 0, 0, 0)
				for a := range 3 {
					c[a] += w[a] / float64(len(hv))
				}
			}
			p := want[spec.Name]
			if x := math.Abs(c[0]); x < p.xlo || x > p.xhi || c[1] < p.ylo || c[1] > p.yhi || c[2] < p.zlo || c[2] > p.zhi {
				t.Errorf("%s: hemisphere %d centred at %.0f, outside its plausible place", spec.Name, h, c)
			}
		}
		// cortex: darker than white matter, brighter than CSF on average
		if grey < intensityCSF+100 || grey > intensityWM-100 {
			t.Errorf("%s: mean anatomical intensity %.0f, not grey matter", spec.Name, grey)
		}
	}
}

// TestV4Gradient checks that posterior V4 is more conv2-like and anterior
// V4 more conv3-like, as the ground truth says.
func TestV4Gradient(t *testing.T) {
	d := testDemo(t)
	r := slices.IndexFunc(d.Truth, func(s RegionSpec) bool { return s.Name == "V4" })
	pos := d.Brain.posteriorAnterior(r)
	net := d.Model("gabornet")
	conv2, conv3 := corrRDM(t, net.Layer("conv2").Data), corrRDM(t, net.Layer("conv3").Data)
	part := func(m *mat.Dense, keep func(t float64) bool) []float64 {
		n, _ := m.Dims()
		var cols []int
		for c, tv := range pos {
			if keep(tv) {
				cols = append(cols, c)
			}
		}
		sub := mat.NewDense(n, len(cols), nil)
		for i := range n {
			for k, c := range cols {
				sub.Set(i, k, m.At(i, c))
			}
		}
		v, err := rdm.Correlation(context.Background(), data.Dense{M: sub}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return v.Vec
	}
	var post, ant float64 // ρ(conv2) − ρ(conv3)
	for _, s := range d.Subjects {
		m := meanReps(s.Region("V4"))
		p := part(m, func(v float64) bool { return v < -1.0/3 })
		a := part(m, func(v float64) bool { return v > 1.0/3 })
		post += (compare.Spearman(p, conv2) - compare.Spearman(p, conv3)) / float64(len(d.Subjects))
		ant += (compare.Spearman(a, conv2) - compare.Spearman(a, conv3)) / float64(len(d.Subjects))
	}
	t.Logf("V4 ρ(conv2) − ρ(conv3): posterior third %.3f, anterior third %.3f", post, ant)
	if post < ant+0.03 {
		t.Errorf("V4 shows no posterior–anterior gradient: posterior %.3f, anterior %.3f", post, ant)
	}
}

// TestBrainFiles reads anat.nii.gz, atlas.nii.gz and atlas.tsv back with
// the app's readers, and opens the written demo as a data folder: every
// recording gets its region's voxels on the anatomy.
func TestBrainFiles(t *testing.T) {
	d := testDemo(t)
	dir, _ := writeDemo(t, d)
	for _, f := range []struct {
		name string
		want []float64
	}{{"anat.nii.gz", d.Brain.Anat}, {"atlas.nii.gz", d.Brain.Atlas}} {
		im, err := nifti.Open(filepath.Join(dir, f.name))
		if err != nil {
			t.Fatal(err)
		}
		if im.Datatype != nifti.DTInt16 || im.Grid() != BrainDims || im.Volumes() != 1 || im.Affine != BrainAffine() || im.AffineFrom != "sform" {
			t.Errorf("%s: %s %v × %d volumes, affine %v from %s", f.name, im.Datatype, im.Grid(), im.Volumes(), im.Affine, im.AffineFrom)
		}
		v, err := im.Volume(0)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(v.Values, f.want) {
			t.Errorf("%s: values differ from the in-memory demo", f.name)
		}
	}
	labels, err := nifti.ReadLabels(filepath.Join(dir, "atlas.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	for _, pl := range RegionPlaces() {
		if n, ok := labels.Name(pl.Index); !ok || n != pl.Name {
			t.Errorf("atlas.tsv: label %d is %q, want %s", pl.Index, n, pl.Name)
		}
	}

	p, err := loader.LoadFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range p.Subjects {
		for r, spec := range d.Truth {
			reg := s.Region(spec.Name)
			if reg == nil || reg.Geometry == nil || reg.Geometry.Grid == nil {
				t.Fatalf("%s %s: no geometry", s.Name, spec.Name)
			}
			g := reg.Geometry
			if len(g.Voxels) != reg.Channels() || !slices.Equal(g.Grid.Values, d.Brain.Anat) {
				t.Errorf("%s %s: %d voxels for %d channels, background is not anat", s.Name, spec.Name, len(g.Voxels), reg.Channels())
			}
			for c, ijk := range g.Voxels {
				if g.Grid.Index(ijk[0], ijk[1], ijk[2]) != d.Brain.Regions[r][c] {
					t.Fatalf("%s %s: channel %d at %v, want storage index %d", s.Name, spec.Name, c, ijk, d.Brain.Regions[r][c])
				}
			}
		}
	}
}
