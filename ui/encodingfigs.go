package ui

import (
	"fmt"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/voxelwise"
	"github.com/alignscope/alignscope/io/export"
	"github.com/alignscope/alignscope/io/loader"
	"github.com/alignscope/alignscope/ui/figure"
)

func (pg *EncodingPage) showDist() {
	r := pg.result
	if r == nil {
		return
	}
	region, metric := pg.distRegion.Selected, voxelwise.Metric(pg.distMetric.Selected)
	pg.dist.SetRender(plotRender(func() (*plot.Plot, error) { return figure.ScoreHistograms(r, region, metric) }))
}

func (pg *EncodingPage) showProfile() {
	r := pg.result
	if r == nil {
		return
	}
	model, metric := pg.profModel.Selected, voxelwise.Metric(pg.distMetric.Selected)
	pg.prof.SetRender(plotRender(func() (*plot.Plot, error) { return figure.EncodingProfile(r, model, metric) }))
}

func (pg *EncodingPage) showScatter() {
	r := pg.result
	if r == nil {
		return
	}
	a := r.Fit(layerRef(pg.cmpA.Selected), pg.cmpSubject.Selected, pg.cmpRegion.Selected)
	b := r.Fit(layerRef(pg.cmpB.Selected), pg.cmpSubject.Selected, pg.cmpRegion.Selected)
	metric := voxelwise.Metric(pg.mapMetric.Selected)
	nameA, nameB := pg.cmpA.Selected, pg.cmpB.Selected
	pg.scatter.SetRender(plotRender(func() (*plot.Plot, error) {
		if a == nil || b == nil {
			return nil, fmt.Errorf("no fit of %s and %s to %s / %s", nameA, nameB, pg.cmpSubject.Selected, pg.cmpRegion.Selected)
		}
		return figure.ScoreScatter(a, b, metric, nameA, nameB)
	}))
}

func (pg *EncodingPage) alphaFit() *voxelwise.Fit {
	r := pg.result
	for _, sr := range r.Recordings() {
		if sr[0]+" / "+sr[1] == pg.alphaRec.Selected {
			return r.Fit(layerRef(pg.alphaLayer.Selected), sr[0], sr[1])
		}
	}
	return nil
}

func (pg *EncodingPage) showAlphas() {
	if pg.result == nil {
		return
	}
	f := pg.alphaFit()
	pg.alphas.SetRender(plotRender(func() (*plot.Plot, error) {
		if f == nil {
			return nil, fmt.Errorf("no fit of %s to %s", pg.alphaLayer.Selected, pg.alphaRec.Selected)
		}
		return figure.AlphaHistogram(f)
	}))
	pg.alphaInfo.SetText("How many targets chose each penalty. Many targets at either end of the grid suggest widening it.")
}

// mapGeometry merges the voxels of a subject's fits of one layer (the fit
// map) into one geometry with their scores.
func (pg *EncodingPage) mapGeometry() (*data.Geometry, []float64, error) {
	if pg.result == nil {
		return nil, nil, fmt.Errorf("fit the encoding models first")
	}
	fits, grid := pg.subjectFits(layerRef(pg.mapLayer.Selected), pg.mapSubject.Selected)
	if grid == nil {
		return nil, nil, fmt.Errorf("%s's recordings have no voxel positions, so there is no map to write", pg.mapSubject.Selected)
	}
	g := &data.Geometry{Grid: grid, Source: "fit map"}
	var values []float64
	metric := voxelwise.Metric(pg.mapMetric.Selected)
	for _, f := range fits {
		g.Voxels = append(g.Voxels, f.Geometry.Voxels...)
		values = append(values, f.Score(metric)...)
	}
	return g, values, nil
}

// exportMap writes the fit map as a 3-D NIfTI image on the recording's
// grid, for the user's usual viewer.
func (pg *EncodingPage) exportMap() {
	g, values, err := pg.mapGeometry()
	if err != nil {
		showError(pg.mw.Win, "Cannot export the map", err, "")
		return
	}
	name := fmt.Sprintf("%s_%s_%s.nii.gz", pg.mapSubject.Selected, filepath.Base(pg.mapLayer.Selected), metricFile(pg.mapMetric.Selected))
	saveDialog(pg.mw, name, []string{".gz", ".nii"}, func(path string) error {
		return loader.WriteMap(path, g, values, "")
	})
}

func metricFile(m string) string {
	switch voxelwise.Metric(m) {
	case voxelwise.R:
		return "r"
	case voxelwise.Ceiled:
		return "ceiled"
	}
	return "r2"
}

// exportTable writes the per-target table as CSV.
func (pg *EncodingPage) exportTable() {
	if pg.result == nil {
		return
	}
	rows := pg.result.Table()
	saveDialog(pg.mw, "encoding-results.csv", []string{".csv"}, func(path string) error {
		return export.WriteEncodingTable(path, rows)
	})
}

// figureFor builds the figure of a plot view for export.
func (pg *EncodingPage) figureFor(view string) (*plot.Plot, string, error) {
	r := pg.result
	if r == nil {
		return nil, "", fmt.Errorf("fit the encoding models first")
	}
	metric := voxelwise.Metric(pg.distMetric.Selected)
	switch view {
	case "dist":
		p, err := figure.ScoreHistograms(r, pg.distRegion.Selected, metric)
		return p, "encoding-distributions-" + pg.distRegion.Selected, err
	case "profile":
		p, err := figure.EncodingProfile(r, pg.profModel.Selected, metric)
		return p, "encoding-profile-" + pg.profModel.Selected, err
	case "scatter":
		a := r.Fit(layerRef(pg.cmpA.Selected), pg.cmpSubject.Selected, pg.cmpRegion.Selected)
		b := r.Fit(layerRef(pg.cmpB.Selected), pg.cmpSubject.Selected, pg.cmpRegion.Selected)
		if a == nil || b == nil {
			return nil, "", fmt.Errorf("no fits of %s and %s to %s / %s", pg.cmpA.Selected, pg.cmpB.Selected, pg.cmpSubject.Selected, pg.cmpRegion.Selected)
		}
		p, err := figure.ScoreScatter(a, b, voxelwise.Metric(pg.mapMetric.Selected), pg.cmpA.Selected, pg.cmpB.Selected)
		return p, "encoding-compare", err
	default:
		f := pg.alphaFit()
		if f == nil {
			return nil, "", fmt.Errorf("no fit of %s to %s", pg.alphaLayer.Selected, pg.alphaRec.Selected)
		}
		p, err := figure.AlphaHistogram(f)
		return p, "encoding-penalties", err
	}
}

// exportFigure asks for a file (.png, .svg or .pdf) and writes a view's
// figure at 16 × 10 cm.
func (pg *EncodingPage) exportFigure(view string) {
	p, name, err := pg.figureFor(view)
	if err != nil {
		showError(pg.mw.Win, "Cannot export", err, "")
		return
	}
	saveDialog(pg.mw, filepath.Base(name)+".pdf", []string{".png", ".svg", ".pdf"}, func(path string) error {
		return export.SavePlot(p, path, 16*vg.Centimeter, 10*vg.Centimeter)
	})
}

// exportSlices writes the three slices of the fit map side by side as a
// PNG, each voxel drawn as a 6 × 6 pixel block.
func (pg *EncodingPage) exportSlices() {
	if pg.slices.bg == nil {
		showError(pg.mw.Win, "Cannot export", fmt.Errorf("there is no brain map to export"), "")
		return
	}
	img := pg.slices.Composite(6)
	saveDialog(pg.mw, "fit-map-slices.png", []string{".png"}, func(path string) error {
		return export.WritePNG(path, img)
	})
}
