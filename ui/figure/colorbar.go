package figure

import (
	"image"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// colorBar draws a vertical colour scale to the right of the data area,
// in a strip it reserves through a glyph box, with tick labels and an
// optional title rotated along it.
type colorBar struct {
	s     *scale
	label string
}

const (
	cbGap   = vg.Length(8)
	cbWidth = vg.Length(10)
)

func (b *colorBar) ticks() []plot.Tick {
	lo, hi := b.s.lo, b.s.hi
	var out []plot.Tick
	for _, t := range (plot.DefaultTicks{}).Ticks(lo, hi) {
		if t.Label != "" && t.Value >= lo-1e-12*math.Abs(hi-lo) && t.Value <= hi+1e-12*math.Abs(hi-lo) {
			out = append(out, t)
		}
	}
	if len(out) < 2 {
		out = []plot.Tick{{Value: lo, Label: fmtTick(lo)}, {Value: hi, Label: fmtTick(hi)}}
	}
	return out
}

func fmtTick(v float64) string { return strconv.FormatFloat(v, 'g', 3, 64) }

// width is the width of the reserved strip.
func (b *colorBar) width() vg.Length {
	sty := textStyle(tickSize, false)
	var lw vg.Length
	for _, t := range b.ticks() {
		lw = max(lw, sty.Width(t.Label))
	}
	w := cbGap + cbWidth + 3 + lw
	if b.label != "" {
		w += 4 + textStyle(labelSize, false).Height(b.label)
	}
	return w
}

// GlyphBoxes reserves the strip right of the data area (zero height:
// it does not take part in the vertical padding).
func (b *colorBar) GlyphBoxes(*plot.Plot) []plot.GlyphBox {
	return []plot.GlyphBox{{X: 1, Y: 0.5, Rectangle: vg.Rectangle{Max: vg.Point{X: b.width()}}}}
}

// Plot draws the bar beside the data canvas c, as tall as c.
func (b *colorBar) Plot(c draw.Canvas, _ *plot.Plot) {
	const n = 256
	img := image.NewNRGBA(image.Rect(0, 0, 1, n))
	lo, hi := b.s.lo, b.s.hi
	for i := range n {
		img.Set(0, n-1-i, b.s.at(lo+(hi-lo)*(float64(i)+0.5)/n))
	}
	x0 := c.Max.X + cbGap
	r := vg.Rectangle{Min: vg.Point{X: x0, Y: c.Min.Y}, Max: vg.Point{X: x0 + cbWidth, Y: c.Max.Y}}
	c.DrawImage(r, img)
	frame := draw.LineStyle{Color: ink, Width: vg.Points(0.5)}
	c.StrokeLines(frame, []vg.Point{r.Min, {X: r.Max.X, Y: r.Min.Y}, r.Max, {X: r.Min.X, Y: r.Max.Y}, r.Min})
	sty := textStyle(tickSize, false)
	sty.YAlign = draw.YCenter
	var lw vg.Length
	for _, t := range b.ticks() {
		y := c.Min.Y + vg.Length((t.Value-lo)/(hi-lo))*(c.Max.Y-c.Min.Y)
		c.StrokeLine2(frame, r.Max.X, y, r.Max.X+2, y)
		c.FillText(sty, vg.Point{X: r.Max.X + 3, Y: y}, t.Label)
		lw = max(lw, sty.Width(t.Label))
	}
	if b.label != "" {
		ls := textStyle(labelSize, false)
		ls.Rotation = math.Pi / 2
		ls.XAlign = draw.XCenter
		ls.YAlign = draw.YTop
		c.FillText(ls, vg.Point{X: r.Max.X + 3 + lw + 4, Y: (c.Min.Y + c.Max.Y) / 2}, b.label)
	}
}
