package figure

import (
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/alignscope/alignscope/core/lesion"
)

// LesionCurve draws one effect of a lesion analysis against the fraction
// lesioned: the targeted lesion's change from the intact score (line and
// dots) over the random-lesion null band (grey: 2.5–97.5 % of the random
// draws, dashed: their median); fractions where the targeted lesion hurts
// significantly more than random (permutation p < alpha) get a star. The
// x axis places the fractions at equal steps, labelled in percent.
func LesionCurve(res *lesion.Result, effect int, alpha float64) (*plot.Plot, error) {
	if res == nil || effect < 0 || effect >= len(res.Effects) {
		return nil, fmt.Errorf("no lesion effect %d", effect)
	}
	if alpha <= 0 {
		alpha = 0.05
	}
	e := res.Effects[effect]
	what := "RDM similarity (" + e.Measure + ")"
	if e.Kind == "decoding" {
		what = "decoding accuracy"
	}
	unit := "units"
	if res.Channels {
		unit = "channels"
	}
	p := newPlot(fmt.Sprintf("%s: %s lesions vs %d random", e.Name, res.Plan, res.Draws))
	p.Y.Label.Text = "change in " + what
	p.X.Label.Text = fmt.Sprintf("%s lesioned (%s)", unit, res.Fill)
	p.Add(hgrid())
	n := len(res.Fractions)
	ext := newExtent()
	ext.add(0)
	band := make(plotter.XYs, 0, 2*n)
	for i := 0; i < n; i++ {
		band = append(band, plotter.XY{X: float64(i), Y: e.NullHigh[i]})
		ext.add(e.NullHigh[i], e.NullLow[i], e.Targeted[i])
	}
	for i := n - 1; i >= 0; i-- {
		band = append(band, plotter.XY{X: float64(i), Y: e.NullLow[i]})
	}
	if poly, err := plotter.NewPolygon(finiteXYs(band)); err == nil {
		poly.Color = color.Gray{0xD8}
		poly.LineStyle.Width = 0
		p.Add(poly)
		p.Legend.Add("random 95 % band", poly)
	}
	med := make(plotter.XYs, n)
	tgt := make(plotter.XYs, n)
	for i := 0; i < n; i++ {
		med[i] = plotter.XY{X: float64(i), Y: e.NullMedian[i]}
		tgt[i] = plotter.XY{X: float64(i), Y: e.Targeted[i]}
	}
	if l, err := plotter.NewLine(finiteXYs(med)); err == nil {
		l.Color = color.Gray{0x70}
		l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		l.Width = vg.Points(1.2)
		p.Add(l)
		p.Legend.Add("random median", l)
	}
	if lp, pts, err := plotter.NewLinePoints(finiteXYs(tgt)); err == nil {
		lp.Color = colorOf(3)
		lp.Width = vg.Points(1.8)
		pts.Color = colorOf(3)
		pts.Shape = draw.CircleGlyph{}
		pts.Radius = vg.Points(2.8)
		p.Add(lp, pts)
		p.Legend.Add("targeted ("+res.Plan+")", lp)
	}
	var stars plotter.XYs
	top := ext.hi + 0.06*(ext.hi-ext.lo+1e-12)
	for i := 0; i < n; i++ {
		if e.P[i] < alpha {
			stars = append(stars, plotter.XY{X: float64(i), Y: top})
		}
	}
	if len(stars) > 0 {
		s, err := plotter.NewScatter(stars)
		if err == nil {
			s.Shape = draw.PyramidGlyph{}
			s.Color = ink
			s.Radius = vg.Points(3)
			p.Add(s)
			p.Legend.Add(fmt.Sprintf("targeted < random, p < %s", fmtP(alpha)), s)
		}
	}
	labels := make([]string, n)
	for i, f := range res.Fractions {
		labels[i] = fmt.Sprintf("%g %%", 100*f)
	}
	p.NominalX(labels...)
	p.X.Min, p.X.Max = -0.5, float64(n)-0.5
	p.Y.Min, p.Y.Max = ext.lo-0.05*(ext.hi-ext.lo+1e-12), top+0.05*(ext.hi-ext.lo+1e-12)
	p.Legend.Top = false
	p.Legend.Left = true
	return p, nil
}

func finiteXYs(xy plotter.XYs) plotter.XYs {
	out := make(plotter.XYs, 0, len(xy))
	for _, v := range xy {
		if finite(v.X) && finite(v.Y) {
			out = append(out, v)
		}
	}
	return out
}
