package ui

import (
	"fmt"
	"image"
	"math"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"github.com/alignscope/alignscope/io/export"
	"github.com/alignscope/alignscope/ui/figure"
)

// plotRender turns a figure builder into a PlotView render function.
func plotRender(build func() (*plot.Plot, error)) RenderFunc {
	return func(w, h int) (image.Image, Mapper, error) {
		p, err := build()
		if err != nil {
			return nil, nil, err
		}
		img, frame, err := export.Render(p, w, h)
		if err != nil {
			return nil, nil, err
		}
		return img, func(px, py float64) (float64, float64, bool) {
			if !frame.Contains(px, py) {
				return 0, 0, false
			}
			x, y := frame.PixelToData(px, py)
			return x, y, true
		}, nil
	}
}

func (pg *RSAPage) showComparison() {
	r := pg.result
	if r == nil {
		return
	}
	region := pg.compRegion.Selected
	var layout *figure.ComparisonLayout
	pg.comparison.SetRender(plotRender(func() (*plot.Plot, error) {
		// on screen, fewer Nili bars keep the bars large; the export has all
		p, l, err := figure.ModelComparison(r, region, figure.ComparisonOptions{MaxPairs: 12})
		layout = l
		return p, err
	}))
	pg.compLayout = func() *figure.ComparisonLayout { return layout }
	rr := r.Region(region)
	info := "Click a bar to open the two RDMs behind it."
	if rr != nil && rr.Eval != nil {
		info = fmt.Sprintf("%s · %d subjects · noise ceiling %.3f–%.3f · %s. %s",
			region, len(rr.Subjects), rr.Eval.NoiseCeiling.Lower, rr.Eval.NoiseCeiling.Upper, schemeName(r.Spec.Scheme), info)
	}
	pg.compInfo.SetText(info)
}

func (pg *RSAPage) barAt(x, y float64) (int, bool) {
	if pg.compLayout == nil || pg.compLayout() == nil {
		return 0, false
	}
	return pg.compLayout().BarAt(x, y)
}

func (pg *RSAPage) tapBar(x, y float64) {
	if i, ok := pg.barAt(x, y); ok {
		pg.rdms.ShowPair(i, pg.compRegion.Selected)
		pg.views.SelectIndex(3)
	}
}

func (pg *RSAPage) hoverBar(x, y float64, ok bool) {
	r := pg.result
	if !ok || r == nil {
		return
	}
	i, on := pg.barAt(x, y)
	rr := r.Region(pg.compRegion.Selected)
	if !on || rr == nil || rr.Eval == nil || i >= len(rr.Eval.Models) {
		return
	}
	m := rr.Eval.Models[i]
	pg.compInfo.SetText(fmt.Sprintf("%s vs %s: %.4f [95%% CI %.4f, %.4f] · p(>0) = %.3g · p(vs lower ceiling) = %.3g · click for its RDMs",
		r.Spec.Layers[i], rr.Region, m.Mean, m.CILow, m.CIHigh, m.PZero, m.PNoise))
}

func (pg *RSAPage) showProfile() {
	r := pg.result
	if r == nil {
		return
	}
	model := pg.profModel.Selected
	pg.profile.SetRender(plotRender(func() (*plot.Plot, error) { return figure.LayerProfile(r, model) }))
	pg.profInfo.SetText("Score against layer for " + model + ", one line per region with its 95 % interval; dashed: the region's lower noise ceiling.")
}

func (pg *RSAPage) showMatrix() {
	r := pg.result
	if r == nil {
		return
	}
	model := pg.matModel.Selected
	pg.matrix.SetRender(plotRender(func() (*plot.Plot, error) { return figure.LayerRegionMatrix(r, model) }))
	var best []string
	for _, region := range r.Spec.Regions {
		if i, ok := r.Best(region)[model]; ok && i >= 0 {
			best = append(best, fmt.Sprintf("%s: %s", region, r.Spec.Layers[i].Layer))
		}
	}
	pg.matInfo.SetText("Best layer per region — " + strings.Join(best, " · ") + ". Click a cell to open its comparison.")
}

// tapMatrix opens the comparison chart of the tapped cell's region. The
// matrix has layers on x and regions on y, cell centres at integers.
func (pg *RSAPage) tapMatrix(x, y float64) {
	r := pg.result
	if r == nil {
		return
	}
	ri := int(math.Round(y))
	if ri < 0 || ri >= len(r.Spec.Regions) {
		return
	}
	pg.compRegion.SetSelected(r.Spec.Regions[ri])
	pg.views.SelectIndex(0)
}

// figureFor builds the figure of a view for export.
func (pg *RSAPage) figureFor(view string) (*plot.Plot, string, error) {
	r := pg.result
	switch view {
	case "comparison":
		p, _, err := figure.ModelComparison(r, pg.compRegion.Selected, figure.ComparisonOptions{})
		return p, "rsa-comparison-" + pg.compRegion.Selected, err
	case "profile":
		p, err := figure.LayerProfile(r, pg.profModel.Selected)
		return p, "rsa-profile-" + pg.profModel.Selected, err
	default:
		p, err := figure.LayerRegionMatrix(r, pg.matModel.Selected)
		return p, "rsa-layers-regions-" + pg.matModel.Selected, err
	}
}

// exportFigure asks for a size and a file (.png, .svg or .pdf) and writes
// the figure of a view.
func (pg *RSAPage) exportFigure(view string) {
	if pg.result == nil {
		return
	}
	width, height := widget.NewEntry(), widget.NewEntry()
	width.SetText("16")
	height.SetText("10")
	items := []*widget.FormItem{
		widget.NewFormItem("Width (cm)", width),
		widget.NewFormItem("Height (cm)", height),
		widget.NewFormItem("", widget.NewLabel("The file type follows the name: .png, .svg or .pdf.")),
	}
	dialog.ShowForm("Export figure", "Choose file…", "Cancel", items, func(ok bool) {
		if !ok {
			return
		}
		var w, h float64
		if _, err := fmt.Sscan(width.Text, &w); err != nil || w < 2 || w > 200 {
			showError(pg.mw.Win, "Cannot export", fmt.Errorf("width %q is not a number of centimetres from 2 to 200", width.Text), "")
			return
		}
		if _, err := fmt.Sscan(height.Text, &h); err != nil || h < 2 || h > 200 {
			showError(pg.mw.Win, "Cannot export", fmt.Errorf("height %q is not a number of centimetres from 2 to 200", height.Text), "")
			return
		}
		p, name, err := pg.figureFor(view)
		if err != nil {
			showError(pg.mw.Win, "Cannot export", err, "")
			return
		}
		saveDialog(pg.mw, name+".pdf", []string{".png", ".svg", ".pdf"}, func(path string) error {
			return export.SavePlot(p, path, vg.Length(w)*vg.Centimeter, vg.Length(h)*vg.Centimeter)
		})
	}, pg.mw.Win)
}

// exportTable writes the numbers behind the figures as CSV.
func (pg *RSAPage) exportTable() {
	if pg.result == nil {
		return
	}
	rows := pg.result.Table()
	saveDialog(pg.mw, "rsa-results.csv", []string{".csv"}, func(path string) error {
		return export.WriteRSATable(path, rows)
	})
}

// saveDialog asks for a file to write and runs write on it, reporting
// errors in a dialog.
func saveDialog(mw *MainWindow, name string, exts []string, write func(path string) error) {
	d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil {
			showError(mw.Win, "Cannot export", err, "")
			return
		}
		if wc == nil {
			return
		}
		path := wc.URI().Path()
		wc.Close()
		if err := write(path); err != nil {
			showError(mw.Win, "Could not write "+filepath.Base(path), err, "Choose another folder or file name.")
			return
		}
		showInfo(mw.Win, "Exported", "Wrote "+path)
	}, mw.Win)
	d.SetFileName(name)
	d.SetFilter(storage.NewExtensionFileFilter(exts))
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}
