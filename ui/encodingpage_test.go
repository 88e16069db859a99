package ui

import (
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"gonum.org/v1/plot/vg"

	"github.com/alignscope/alignscope/core/voxelwise"
	"github.com/alignscope/alignscope/io/export"
	"github.com/alignscope/alignscope/io/loader"
	"github.com/alignscope/alignscope/io/nifti"
)

func runDemoEncoding(t *testing.T) (*MainWindow, *EncodingPage) {
	t.Helper()
	mw, ws := newWindow(t)
	mw.OpenDemo()
	idle(t, ws)
	mw.ShowPage("Encoding")
	pg := mw.Encoding()
	if len(pg.layers.Selected) != 10 || len(pg.regions.Selected) != 3 || len(pg.subjects.Selected) != 4 {
		t.Fatalf("defaults: %v %v %v", pg.layers.Selected, pg.regions.Selected, pg.subjects.Selected)
	}
	test.Tap(pg.run)
	idle(t, ws)
	if text := overlayText(t, mw.Win); text != "" {
		t.Fatalf("dialog after the fit: %s", text)
	}
	if pg.Result() == nil {
		t.Fatal("no encoding result")
	}
	return mw, pg
}

// TestEncodingPageShowsTheDemoAnswer: the best-layer map puts V1's voxels
// with an early gabornet layer and IT's with a late one, the fit map is
// drawn on the demo brain, hover names the voxel's region, the map
// exports as NIfTI on the grid.
func TestEncodingPageShowsTheDemoAnswer(t *testing.T) {
	mw, pg := runDemoEncoding(t)
	r := pg.Result()
	share := func(region string, layers ...string) float64 {
		best, score := r.Best("sub-01", region, voxelwise.R2)
		hit, all := 0, 0
		for j, b := range best {
			if b < 0 || !(score[j] > 0) {
				continue
			}
			all++
			for _, l := range layers {
				if r.Spec.Layers[b].Layer == l {
					hit++
				}
			}
		}
		return float64(hit) / float64(max(all, 1))
	}
	if s := share("V1", "conv1", "conv2"); s < 0.6 {
		t.Errorf("only %.0f%% of V1 voxels are best predicted by conv1/conv2", 100*s)
	}
	if s := share("IT", "fc", "readout", "conv3"); s < 0.6 {
		t.Errorf("only %.0f%% of IT voxels are best predicted by late layers", 100*s)
	}
	if !pg.slices.Visible() || pg.slices.bg == nil || pg.slices.bg.Dims != [3]int{48, 58, 44} {
		t.Fatalf("fit map not on the demo brain: %s", pg.mapInfo.Text)
	}
	// hover a V1 voxel: its coordinates, region and value
	f := r.Fit(r.Spec.Layers[0], pg.mapSubject.Selected, "V1")
	vox := f.Geometry.Voxels[0]
	pg.slices.SetCross(vox)
	pos := pg.slices.VoxelCentre(Axial, vox)
	pg.slices.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: pos}})
	if !strings.Contains(pg.mapHover.Text, "V1") || !strings.Contains(pg.mapHover.Text, "mm") {
		t.Errorf("hover text %q", pg.mapHover.Text)
	}
	capture(t, mw.Win, "encoding-fit-map")
	pg.views.SelectIndex(1)
	capture(t, mw.Win, "encoding-best-layer")
	for i, v := range []*PlotView{pg.dist, pg.prof, pg.scatter, pg.alphas} {
		pg.views.SelectIndex(2 + i)
		waitRendered(t, v)
	}
	pg.views.SelectIndex(2)
	capture(t, mw.Win, "encoding-distributions")
	// export the map and read it back on the same grid
	g, values, err := pg.mapGeometry()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "map.nii.gz")
	if err := loader.WriteMap(path, g, values, ""); err != nil {
		t.Fatal(err)
	}
	im, err := nifti.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	vol, err := im.Volume(0)
	if err != nil {
		t.Fatal(err)
	}
	if vol.Dims != g.Grid.Dims || float32(vol.At(vox[0], vox[1], vox[2])) != float32(values[0]) {
		t.Errorf("exported map: dims %v, value %v want %v", vol.Dims, vol.At(vox[0], vox[1], vox[2]), values[0])
	}
}

func TestEncodingExports(t *testing.T) {
	_, pg := runDemoEncoding(t)
	dir := t.TempDir()
	for _, view := range []string{"dist", "profile", "scatter", "alphas"} {
		p, name, err := pg.figureFor(view)
		if err != nil {
			t.Fatalf("%s: %v", view, err)
		}
		for _, ext := range []string{".png", ".svg", ".pdf"} {
			if err := export.SavePlot(p, filepath.Join(dir, filepath.Base(name)+ext), 16*vg.Centimeter, 10*vg.Centimeter); err != nil {
				t.Fatalf("%s%s: %v", view, ext, err)
			}
		}
	}
	img := pg.slices.Composite(4)
	if b := img.Bounds(); b.Dx() < 3*4*44 || b.Dy() < 4*44 {
		t.Fatalf("slices composite %v", b)
	}
	if err := export.WriteEncodingTable(filepath.Join(dir, "t.csv"), pg.Result().Table()); err != nil {
		t.Fatal(err)
	}
}
