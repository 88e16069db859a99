package figure

import (
	"image"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// scale maps values in [lo, hi] to colours sampled from a Moreland colour
// map; values outside are clamped, NaN gets the nan colour.
type scale struct {
	lo, hi float64
	colors []color.Color
	nan    color.Color
}

// newScale samples cm, whose range must contain [lo, hi], at 256 points
// of [lo, hi].
func newScale(cm palette.ColorMap, lo, hi float64, nan color.Color) *scale {
	const n = 256
	s := &scale{lo: lo, hi: hi, colors: make([]color.Color, n), nan: nan}
	for i := range n {
		v := lo + (hi-lo)*float64(i)/(n-1)
		v = max(cm.Min(), min(cm.Max(), v))
		c, err := cm.At(v)
		if err != nil {
			c = nan
		}
		s.colors[i] = c
	}
	return s
}

func (s *scale) at(v float64) color.Color {
	if math.IsNaN(v) {
		return s.nan
	}
	k := int(math.Round((v - s.lo) / (s.hi - s.lo) * float64(len(s.colors)-1)))
	return s.colors[max(0, min(len(s.colors)-1, k))]
}

// cellMap draws a grid of coloured unit cells centred on integer
// coordinates (what plotter.HeatMap draws), without the hairline seams
// that antialiasing leaves between abutting rectangles: each cell
// overlaps its right and upper neighbours, which are drawn after it, by
// a fraction of a point. Large grids are drawn as one image.
type cellMap struct {
	g      grid
	s      *scale
	raster bool
}

func (m *cellMap) Plot(c draw.Canvas, p *plot.Plot) {
	cols, rows := m.g.Dims()
	if m.raster {
		img := image.NewNRGBA(image.Rect(0, 0, cols, rows))
		for i := range cols {
			for j := range rows {
				img.Set(i, rows-1-j, m.s.at(m.g.Z(i, j)))
			}
		}
		plotter.NewImage(img, -0.5, -0.5, float64(cols)-0.5, float64(rows)-0.5).Plot(c, p)
		return
	}
	trX, trY := p.Transforms(&c)
	const ov = vg.Length(0.6)
	for i := range cols {
		for j := range rows {
			x0, x1 := trX(float64(i)-0.5), trX(float64(i)+0.5)
			y0, y1 := trY(float64(j)-0.5), trY(float64(j)+0.5)
			if i < cols-1 {
				x1 += ov
			}
			if j < rows-1 {
				y1 += ov
			}
			c.FillPolygon(m.s.at(m.g.Z(i, j)), []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}})
		}
	}
}

func (m *cellMap) DataRange() (xmin, xmax, ymin, ymax float64) {
	cols, rows := m.g.Dims()
	return -0.5, float64(cols) - 0.5, -0.5, float64(rows) - 0.5
}
