package ui

import (
	"fmt"
	"math/rand/v2"
	"os"
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
	"github.com/alignscope/alignscope/io/npy"
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

// TestEncodingUnitMap: a recording opened with unit coordinates gets a
// unit map instead of brain slices.
func TestEncodingUnitMap(t *testing.T) {
	mw, ws := newWindow(t)
	dir := t.TempDir()
	n, p, v := 40, 12, 6
	r := rand.New(rand.NewPCG(2, 3))
	x := make([]float32, n*p)
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	y := make([]float32, n*v)
	for i := 0; i < n; i++ {
		for j := 0; j < v; j++ {
			y[i*v+j] = x[i*p+j] + 0.3*float32(r.NormFloat64())
		}
	}
	write := func(name string, shape []int, vals []float32) string {
		path := filepath.Join(dir, name)
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := npy.WriteNPY(f, shape, vals); err != nil {
			t.Fatal(err)
		}
		return path
	}
	units := filepath.Join(dir, "units.csv")
	csv := "x,y,z\n"
	for j := 0; j < v; j++ {
		csv += fmt.Sprintf("%d,%d,0\n", j*10, (j%2)*20)
	}
	os.WriteFile(units, []byte(csv), 0o644)
	mw.Load(LoadRequest{Kind: loader.KindModel, Path: write("layer.npy", []int{n, p}, x), Name: "net"})
	idle(t, ws)
	mw.Load(LoadRequest{Kind: loader.KindRecording, Path: write("probe.npy", []int{n, v}, y), Name: "monkey", Region: "IT", Units: units})
	idle(t, ws)
	if text := overlayText(t, mw.Win); text != "" {
		t.Fatalf("dialog: %s", text)
	}
	pg := mw.Encoding()
	test.Tap(pg.run)
	idle(t, ws)
	if pg.Result() == nil || pg.unitMap.Hidden || pg.slices.Visible() {
		t.Fatalf("unit map not shown: %s / result %v / dialog %q / run %q / layers %v subjects %v", pg.mapInfo.Text, pg.Result() != nil, overlayText(t, mw.Win), pg.runInfo.Text, pg.layers.Selected, pg.subjects.Selected)
	}
	waitRendered(t, pg.unitMap)
	// a coordinate file with the wrong number of rows is refused
	os.WriteFile(units, []byte("x,y,z\n1,2,3\n"), 0o644)
	before := ws.Project()
	mw.Load(LoadRequest{Kind: loader.KindRecording, Path: filepath.Join(dir, "probe.npy"), Name: "monkey2", Region: "IT", Units: units})
	idle(t, ws)
	if !strings.Contains(overlayText(t, mw.Win), "unit coordinates") || ws.Project() != before {
		t.Fatalf("bad units: %q", overlayText(t, mw.Win))
	}
}
