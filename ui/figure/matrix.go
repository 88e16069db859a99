package figure

import (
	"fmt"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/alignscope/alignscope/core/rsa"
)

// grid is a plotter.GridXYZ over a row-major table whose row 0 is drawn
// at the top.
type grid struct {
	rows, cols int
	z          []float64 // z[r*cols+c], r = 0 at the top
}

func (g grid) Dims() (c, r int)        { return g.cols, g.rows }
func (g grid) Z(c, r int) float64      { return g.z[(g.rows-1-r)*g.cols+c] }
func (g grid) X(c int) float64         { return float64(c) }
func (g grid) Y(r int) float64         { return float64(r) }
func (g grid) at(row, col int) float64 { return g.z[row*g.cols+col] }

// LayerRegionMatrix draws, for one model, a layer × region heat map of
// the scores (layers in Spec.Layers order from the top, regions in
// result order from the left) on Moreland's diverging blue–grey–red
// scale centred on 0 (only its grey–red half, from 0, when no score is
// negative), with each value written in its cell and the best layer
// of each region outlined in bold (rsa.Result.Best). Regions that could
// not be evaluated are white columns marked n/a.
func LayerRegionMatrix(res *rsa.Result, model string) (*plot.Plot, error) {
	idx, err := modelLayers(res, model)
	if err != nil {
		return nil, err
	}
	if len(res.Regions) == 0 {
		return nil, fmt.Errorf("the result has no regions")
	}
	rows, cols := len(idx), len(res.Regions)
	g := grid{rows: rows, cols: cols, z: make([]float64, rows*cols)}
	best := make([]int, cols) // row of the best layer, or -1
	m := 0.0
	ok, neg := false, false
	for c, rr := range res.Regions {
		best[c] = -1
		good := rr.Err == nil && rr.Eval != nil && len(rr.Eval.Models) == len(res.Spec.Layers)
		for r, i := range idx {
			v := math.NaN()
			if good {
				v = rr.Eval.Models[i].Mean
			}
			g.z[r*cols+c] = v
			if finite(v) {
				m = max(m, math.Abs(v))
				neg = neg || v < 0
				ok = true
			}
		}
		if good {
			if b, found := res.Best(rr.Region)[model]; found && b >= 0 {
				for r, i := range idx {
					if i == b {
						best[c] = r
					}
				}
			}
		}
	}
	if !ok {
		return nil, fmt.Errorf("model %s has no finite score in any region", model)
	}
	if m == 0 {
		m = 1
	}
	// Diverging blue–grey–red centred on 0 when scores go negative;
	// otherwise only its grey–red half, over [0, max], so the whole
	// colour range shows differences.
	cmap := moreland.SmoothBlueRed()
	cmap.SetMin(-m)
	cmap.SetMax(m)
	lo := 0.0
	if neg {
		lo = -m
	}
	sc := newScale(cmap, lo, m, color.White)

	p := newPlot(fmt.Sprintf("%s · score by layer and region", model))
	p.X.Label.Text = "region"
	p.Y.Label.Text = "layer"
	xt := make([]plot.Tick, cols)
	xl := make([]string, cols)
	for c, rr := range res.Regions {
		xt[c] = plot.Tick{Value: float64(c), Label: rr.Region}
		xl[c] = rr.Region
	}
	yt := make([]plot.Tick, rows)
	for r, i := range idx {
		yt[r] = plot.Tick{Value: float64(rows - 1 - r), Label: res.Spec.Layers[i].Layer}
	}
	p.X.Tick.Marker = plot.ConstantTicks(xt)
	p.Y.Tick.Marker = plot.ConstantTicks(yt)
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Width = 0
		a.Tick.Length = 0
		a.Padding = vg.Points(2)
	}
	if !tickLabelsFit(xl) {
		rotateXTicks(p)
	}
	p.Add(&cellMap{g: g, s: sc})
	p.Add(&cellText{g: g, best: best, s: sc})
	p.Add(&colorBar{s: sc, label: fmt.Sprintf("RDM similarity (%s)", compareMethod(res))})
	p.X.Label.Text += "\n" + "bold outline: best layer of each region; n/a: not evaluated"
	return p, nil
}

// cellText writes the value of each heat-map cell in it (black or white
// for contrast) and outlines the best cell of each column.
type cellText struct {
	g    grid
	best []int
	s    *scale
}

func (t *cellText) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	cw := trX(1) - trX(0)
	ch := trY(1) - trY(0)
	size := vg.Length(min(9, float64(ch)*0.45, float64(cw)/4))
	writeText := size >= 5
	for col := 0; col < t.g.cols; col++ {
		for row := 0; row < t.g.rows; row++ {
			v := t.g.at(row, col)
			x, y := trX(float64(col)), trY(float64(t.g.rows-1-row))
			bold := t.best[col] == row
			if writeText && !finite(v) {
				sty := textStyle(size, false)
				sty.XAlign, sty.YAlign = draw.XCenter, draw.YCenter
				sty.Color = color.Gray{0x80}
				c.FillText(sty, vg.Point{X: x, Y: y}, "n/a")
			}
			if writeText && finite(v) {
				sty := textStyle(size, bold)
				sty.XAlign, sty.YAlign = draw.XCenter, draw.YCenter
				if luminance(t.s.at(v)) < 0.5 {
					sty.Color = color.White
				}
				c.FillText(sty, vg.Point{X: x, Y: y}, strconv.FormatFloat(v, 'f', 3, 64))
			}
			if bold {
				inset := vg.Points(1.2)
				x0, x1 := x-cw/2+inset, x+cw/2-inset
				y0, y1 := y-ch/2+inset, y+ch/2-inset
				c.StrokeLines(draw.LineStyle{Color: ink, Width: vg.Points(2.2)},
					[]vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}, {X: x0, Y: y0}})
			}
		}
	}
}
