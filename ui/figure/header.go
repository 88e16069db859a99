package figure

import (
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// legendItem is one entry of a header legend.
type legendItem struct {
	thumb plot.Thumbnailer
	text  string
}

// markRow is a row of significance marks over the bars at data x
// coordinates xs.
type markRow struct {
	glyph draw.GlyphStyle
	xs    []float64
}

// span is a Nili bar: a significant difference between the bars at data
// x coordinates X1 < X2.
type span struct{ X1, X2 float64 }

// header draws above the data area, in a strip it reserves through a
// glyph box at the top of the plot; from the bottom up: rows of
// significance marks, the Nili bars stacked one per pair (Nili et al.
// 2014, rsatoolbox plot_nili_bars), and a row (or rows) of legend
// entries under the title. Sizes are in points, so marks never collide
// with data whatever the output size, and the legend never covers data.
type header struct {
	items []legendItem
	marks []markRow
	spans []span
}

const (
	// nominalWidth is the data-area width assumed when the strip's
	// height is reserved (before the output size is known); narrower
	// outputs shrink the legend font to keep the reserved rows.
	nominalWidth = vg.Length(260)
	thumbWidth   = vg.Length(14)
	thumbGap     = vg.Length(4)
	itemGap      = vg.Length(12)
	niliGap      = vg.Length(5)
	headerPad    = vg.Length(4)
	markStep     = vg.Length(9)
)

// niliStep is the vertical distance between stacked Nili bars.
func (h *header) niliStep() vg.Length {
	if len(h.spans) > 8 {
		return 3
	}
	return 4
}

func (h *header) style(size vg.Length) text.Style { return textStyle(size, false) }

// rowHeight is the height of one legend row at font size size.
func (h *header) rowHeight(size vg.Length) vg.Length {
	return h.style(size).FontExtents().Height * 1.3
}

// layout breaks the items into rows no wider than w and returns, per
// item, its row and x offset.
func (h *header) layout(size, w vg.Length) (row []int, x []vg.Length, rows int) {
	sty := h.style(size)
	row = make([]int, len(h.items))
	x = make([]vg.Length, len(h.items))
	if len(h.items) == 0 {
		return row, x, 0
	}
	var cur vg.Length
	r := 0
	for i, it := range h.items {
		iw := thumbWidth + thumbGap + sty.Width(it.text)
		if cur > 0 && cur+iw > w {
			r++
			cur = 0
		}
		row[i], x[i] = r, cur
		cur += iw + itemGap
	}
	return row, x, r + 1
}

// legendRows is the number of rows reserved for the legend.
func (h *header) legendRows() int {
	_, _, n := h.layout(legendSize, nominalWidth)
	return n
}

// height is the height of the reserved strip.
func (h *header) height() vg.Length {
	var H vg.Length
	if n := h.legendRows(); n > 0 {
		H += vg.Length(n)*h.rowHeight(legendSize) + headerPad
	}
	return H + h.lowerHeight()
}

// lowerHeight is the height of the marks and Nili bars.
func (h *header) lowerHeight() vg.Length {
	H := vg.Length(len(h.marks)) * markStep
	if len(h.spans) > 0 {
		H += niliGap + vg.Length(len(h.spans))*h.niliStep()
	}
	return H
}

// GlyphBoxes reserves the strip: a zero-width box on top of the data
// area, which makes the plot lower its data area by the strip's height.
func (h *header) GlyphBoxes(*plot.Plot) []plot.GlyphBox {
	H := h.height()
	if H == 0 {
		return nil
	}
	return []plot.GlyphBox{{X: 0.5, Y: 1, Rectangle: vg.Rectangle{Max: vg.Point{Y: H + 2}}}}
}

// Plot draws the strip above the data canvas c.
func (h *header) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	for r, row := range h.marks {
		y := c.Max.Y + vg.Length(r)*markStep + markStep/2
		for _, x := range row.xs {
			c.DrawGlyphNoClip(row.glyph, vg.Point{X: trX(x), Y: y})
		}
	}
	base := c.Max.Y + vg.Length(len(h.marks))*markStep
	if len(h.spans) > 0 {
		step := h.niliStep()
		sty := draw.LineStyle{Color: ink, Width: vg.Points(0.8)}
		tick := vg.Points(1.5)
		for k, s := range h.spans {
			y := base + niliGap + vg.Length(k)*step
			x1, x2 := trX(s.X1), trX(s.X2)
			c.StrokeLines(sty, []vg.Point{{X: x1, Y: y - tick}, {X: x1, Y: y}, {X: x2, Y: y}, {X: x2, Y: y - tick}})
		}
	}
	if len(h.items) == 0 {
		return
	}
	reserved := h.legendRows()
	size := vg.Length(legendSize)
	w := c.Max.X - c.Min.X
	row, xs, rows := h.layout(size, w)
	for rows > reserved && size > 6 {
		size -= 0.5
		row, xs, rows = h.layout(size, w)
	}
	if rows > reserved {
		// Still too narrow: one row per reserved row, overflowing to the
		// right rather than into the title.
		row, xs, rows = h.layout(size, vg.Length(math.Inf(1)))
	}
	sty := h.style(size)
	rh := h.rowHeight(legendSize)
	// The rows sit right above the Nili bars; rows reserved but not
	// needed at this width are left empty under the title.
	top := c.Max.Y + h.lowerHeight() + headerPad + vg.Length(rows)*rh
	desc := sty.FontExtents().Descent
	for i, it := range h.items {
		yBase := top - vg.Length(row[i]+1)*rh
		x := c.Min.X + xs[i]
		th := sty.FontExtents().Ascent
		tc := draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
			Min: vg.Point{X: x, Y: yBase + desc},
			Max: vg.Point{X: x + thumbWidth, Y: yBase + desc + th},
		}}
		it.thumb.Thumbnail(&tc)
		c.FillText(sty, vg.Point{X: x + thumbWidth + thumbGap, Y: yBase + desc}, it.text)
	}
}
