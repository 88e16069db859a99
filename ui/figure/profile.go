package figure

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/alignscope/alignscope/core/rsa"
)

// modelLayers returns the indices into Spec.Layers of model's layers, in
// spec order.
func modelLayers(res *rsa.Result, model string) ([]int, error) {
	if res == nil {
		return nil, errors.New("no analysis result")
	}
	var idx []int
	for i, l := range res.Spec.Layers {
		if l.Model == model {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		return nil, fmt.Errorf("the analysis has no layer of model %q", model)
	}
	return idx, nil
}

// compareMethod is the comparison method of the result, for axis labels.
func compareMethod(res *rsa.Result) string {
	for _, rr := range res.Regions {
		if rr.Eval != nil && rr.Eval.Settings.Method != "" {
			return rr.Eval.Settings.Method
		}
	}
	return res.Spec.Compare
}

// LayerProfile draws, for one model, the score of each layer against
// layer depth (layers in Spec.Layers order on the x axis), one line per
// region in the Okabe–Ito colours, with the 95 % interval as a shaded
// band (error bars where a layer's neighbours have no finite interval)
// and each region's lower noise ceiling as a dashed line in the region's
// colour. Regions that could not be evaluated are named in the caption.
func LayerProfile(res *rsa.Result, model string) (*plot.Plot, error) {
	idx, err := modelLayers(res, model)
	if err != nil {
		return nil, err
	}
	m := len(idx)
	p := newPlot(fmt.Sprintf("%s · score by layer", model))
	p.Y.Label.Text = fmt.Sprintf("RDM similarity (%s)", compareMethod(res))
	p.X.Label.Text = "layer"
	p.Y.Tick.Marker = niceTicker(math.Inf(1))
	ticks := make([]plot.Tick, m)
	labels := make([]string, m)
	for j, i := range idx {
		ticks[j] = plot.Tick{Value: float64(j), Label: res.Spec.Layers[i].Layer}
		labels[j] = ticks[j].Label
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	if !tickLabelsFit(labels) {
		rotateXTicks(p)
	}
	x0, x1 := -0.3, float64(m-1)+0.3
	p.X.Min, p.X.Max = x0, x1
	p.Add(hgrid())

	hdr := &header{}
	var failed []string
	var bands, lines []plot.Plotter
	drawn := 0
	infinite := false
	for r, rr := range res.Regions {
		if rr.Err != nil || rr.Eval == nil || len(rr.Eval.Models) != len(res.Spec.Layers) {
			why := "no evaluation"
			if rr.Err != nil {
				why = rr.Err.Error()
			}
			failed = append(failed, fmt.Sprintf("%s (%s)", rr.Region, why))
			continue
		}
		col := colorOf(r)
		ev := rr.Eval
		pts := make(plotter.XYs, 0, m)
		for j, i := range idx {
			if v := ev.Models[i].Mean; finite(v) {
				pts = append(pts, plotter.XY{X: float64(j), Y: v})
			}
		}
		// Interval: bands over runs of finite intervals, error bars for
		// isolated ones.
		var run plotter.XYs
		var runLo []float64
		flush := func() {
			switch {
			case len(run) >= 2:
				ring := make(plotter.XYs, 0, 2*len(run))
				for t := range run {
					ring = append(ring, plotter.XY{X: run[t].X, Y: runLo[t]})
				}
				for t := len(run) - 1; t >= 0; t-- {
					ring = append(ring, run[t])
				}
				bands = append(bands, &plotter.Polygon{XYs: []plotter.XYs{ring}, Color: withAlpha(col, 0.16)})
			case len(run) == 1:
				lines = append(lines, &plotter.YErrorBars{
					XYs:       plotter.XYs{{X: run[0].X, Y: (run[0].Y + runLo[0]) / 2}},
					YErrors:   plotter.YErrors{{Low: (run[0].Y - runLo[0]) / 2, High: (run[0].Y - runLo[0]) / 2}},
					LineStyle: draw.LineStyle{Color: col, Width: vg.Points(1)},
					CapWidth:  vg.Points(4),
				})
			}
			run, runLo = run[:0:0], runLo[:0:0]
		}
		for j, i := range idx {
			s := ev.Models[i]
			if finite(s.Mean) && !(finite(s.CILow) && finite(s.CIHigh)) {
				infinite = true
			}
			if finite(s.CILow) && finite(s.CIHigh) {
				run = append(run, plotter.XY{X: float64(j), Y: s.CIHigh})
				runLo = append(runLo, s.CILow)
				continue
			}
			flush()
		}
		flush()
		var ln *plotter.Line
		var sc *plotter.Scatter
		if len(pts) > 0 {
			ln, sc, err = plotter.NewLinePoints(pts)
			if err != nil {
				return nil, err
			}
			ln.LineStyle = draw.LineStyle{Color: col, Width: vg.Points(1.6)}
			sc.GlyphStyle = draw.GlyphStyle{Color: col, Radius: vg.Points(2.6), Shape: draw.CircleGlyph{}}
			lines = append(lines, ln, sc)
		}
		if lo := ev.NoiseCeiling.Lower; finite(lo) {
			nc, _ := plotter.NewLine(plotter.XYs{{X: x0, Y: lo}, {X: x1, Y: lo}})
			nc.LineStyle = draw.LineStyle{Color: col, Width: vg.Points(1), Dashes: []vg.Length{vg.Points(4), vg.Points(3)}}
			lines = append(lines, nc)
		}
		if ln != nil {
			hdr.items = append(hdr.items, legendItem{thumbs{ln, sc}, rr.Region})
		} else {
			hdr.items = append(hdr.items, legendItem{patch(col), rr.Region})
		}
		drawn++
	}
	if drawn == 0 {
		return nil, fmt.Errorf("no region could be evaluated: %s", strings.Join(failed, "; "))
	}
	p.Add(bands...)
	p.Add(lines...)
	ncl, _ := plotter.NewLine(plotter.XYs{{}, {X: 1}})
	ncl.LineStyle = draw.LineStyle{Color: ink, Width: vg.Points(1), Dashes: []vg.Length{vg.Points(4), vg.Points(3)}}
	hdr.items = append(hdr.items, legendItem{ncl, "lower noise ceiling"}, legendItem{patch(withAlpha(ink, 0.16)), "95% CI"})
	p.Add(hdr)
	// Keep 0 in view and a little air above.
	p.Y.Min = min(p.Y.Min, 0)
	rng := p.Y.Max - p.Y.Min
	if rng > 0 {
		p.Y.Max += 0.04 * rng
	}
	if infinite {
		p.X.Label.Text += "\n" + "No interval where it is infinite (too few valid bootstrap samples)."
	}
	if len(failed) > 0 {
		p.X.Label.Text += "\n" + wrap("Not evaluated: "+strings.Join(failed, "; "), 95)
	}
	return p, nil
}

// thumbs draws several thumbnails on top of each other.
type thumbs []plot.Thumbnailer

func (t thumbs) Thumbnail(c *draw.Canvas) {
	for _, th := range t {
		if th != nil {
			th.Thumbnail(c)
		}
	}
}
