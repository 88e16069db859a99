package ui

import (
	"fmt"
	"image"
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
)

// Heatmap shows an n × n matrix (an RDM) with one crisp pixel block per
// cell (nearest-neighbour scaling), optional category colour strips on the
// top and left, and reports the cell under the mouse and the tapped cell.
// Rows and columns are drawn in Order (display position → matrix index).
type Heatmap struct {
	widget.BaseWidget

	n      int
	values []float64 // row-major n × n
	order  []int
	strips []color.Color // per matrix index, nil for none
	lo, hi float64
	cmap   palette.ColorMap

	// OnHover is called with matrix indices (i, j) and the value under the
	// mouse, or ok=false when the mouse leaves the cells.
	OnHover func(i, j int, v float64, ok bool)
	// OnTap is called with the tapped cell.
	OnTap func(i, j int, v float64)

	cells, top, left *canvas.Image
}

// stripFrac is the width of a category strip relative to the cell area.
const stripFrac = 0.035

// NewHeatmap returns an empty heatmap; call Set to give it values.
func NewHeatmap() *Heatmap {
	h := &Heatmap{cmap: moreland.ExtendedBlackBody()}
	h.cells = pixelImage()
	h.top = pixelImage()
	h.left = pixelImage()
	h.ExtendBaseWidget(h)
	return h
}

func pixelImage() *canvas.Image {
	img := canvas.NewImageFromImage(image.NewRGBA(image.Rect(0, 0, 1, 1)))
	img.ScaleMode = canvas.ImageScalePixels
	img.FillMode = canvas.ImageFillStretch
	return img
}

// Set gives the heatmap an n × n row-major matrix, a display order (nil:
// identity) and a colour per index for the category strips (nil: none).
// The colour scale spans the finite values.
func (h *Heatmap) Set(n int, values []float64, order []int, strips []color.Color) {
	h.n, h.values, h.strips = n, values, strips
	if order == nil {
		order = make([]int, n)
		for i := range order {
			order[i] = i
		}
	}
	h.order = order
	h.lo, h.hi = math.Inf(1), math.Inf(-1)
	for _, v := range values {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			h.lo, h.hi = math.Min(h.lo, v), math.Max(h.hi, v)
		}
	}
	if !(h.hi > h.lo) {
		h.hi = h.lo + 1
	}
	h.cmap.SetMin(h.lo)
	h.cmap.SetMax(h.hi)
	h.render()
	h.Refresh()
}

// Range returns the values at the two ends of the colour scale.
func (h *Heatmap) Range() (lo, hi float64) { return h.lo, h.hi }

// Colour returns the colour of value v on the heatmap's scale (NaN grey).
func (h *Heatmap) Colour(v float64) color.Color {
	if math.IsNaN(v) {
		return color.Gray{Y: 128}
	}
	c, err := h.cmap.At(math.Min(math.Max(v, h.lo), h.hi))
	if err != nil {
		return color.Gray{Y: 128}
	}
	return c
}

func (h *Heatmap) render() {
	n := h.n
	if n == 0 {
		return
	}
	// A 1024-entry colour table makes the redraw of a 1000 × 1000 RDM a
	// table look-up per cell instead of a colour-map evaluation.
	const levels = 1024
	var lut [levels][4]uint8
	for k := range lut {
		r, g, b, a := h.Colour(h.lo + (h.hi-h.lo)*float64(k)/(levels-1)).RGBA()
		lut[k] = [4]uint8{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), uint8(a >> 8)}
	}
	nr, ng, nb, na := h.Colour(math.NaN()).RGBA()
	nan := [4]uint8{uint8(nr >> 8), uint8(ng >> 8), uint8(nb >> 8), uint8(na >> 8)}
	scale := (levels - 1) / (h.hi - h.lo)
	img := image.NewRGBA(image.Rect(0, 0, n, n))
	for r := 0; r < n; r++ {
		row := h.values[h.order[r]*n : h.order[r]*n+n]
		pix := img.Pix[r*img.Stride : r*img.Stride+4*n]
		for c := 0; c < n; c++ {
			v := row[h.order[c]]
			px := nan
			if !math.IsNaN(v) {
				k := int((v - h.lo) * scale)
				px = lut[min(max(k, 0), levels-1)]
			}
			copy(pix[4*c:4*c+4], px[:])
		}
	}
	h.cells.Image = img
	h.cells.Refresh()
	if h.strips != nil {
		top := image.NewRGBA(image.Rect(0, 0, n, 1))
		left := image.NewRGBA(image.Rect(0, 0, 1, n))
		for k := 0; k < n; k++ {
			top.Set(k, 0, h.strips[h.order[k]])
			left.Set(0, k, h.strips[h.order[k]])
		}
		h.top.Image, h.left.Image = top, left
		h.top.Show()
		h.left.Show()
	} else {
		h.top.Hide()
		h.left.Hide()
	}
	h.top.Refresh()
	h.left.Refresh()
}

// cellArea returns the square in widget coordinates that holds the cells.
func (h *Heatmap) cellArea(size fyne.Size) (fyne.Position, float32) {
	side := fyne.Min(size.Width, size.Height)
	strip := float32(0)
	if h.strips != nil {
		strip = side * stripFrac
	}
	cell := side - strip - 2
	return fyne.NewPos(strip+2, strip+2), cell
}

// CellAt maps a position in the widget to matrix indices.
func (h *Heatmap) CellAt(p fyne.Position) (i, j int, ok bool) {
	if h.n == 0 {
		return 0, 0, false
	}
	origin, side := h.cellArea(h.Size())
	u := (p.X - origin.X) / side
	v := (p.Y - origin.Y) / side
	if u < 0 || v < 0 || u >= 1 || v >= 1 {
		return 0, 0, false
	}
	r := min(int(v*float32(h.n)), h.n-1)
	c := min(int(u*float32(h.n)), h.n-1)
	return h.order[r], h.order[c], true
}

// CellCentre is the widget position of the centre of cell (i, j), matrix
// indices; the inverse of CellAt (used by tests).
func (h *Heatmap) CellCentre(i, j int) fyne.Position {
	origin, side := h.cellArea(h.Size())
	var r, c int
	for k, o := range h.order {
		if o == i {
			r = k
		}
		if o == j {
			c = k
		}
	}
	cs := side / float32(h.n)
	return fyne.NewPos(origin.X+(float32(c)+0.5)*cs, origin.Y+(float32(r)+0.5)*cs)
}

func (h *Heatmap) value(i, j int) float64 { return h.values[i*h.n+j] }

// MouseIn implements desktop.Hoverable.
func (h *Heatmap) MouseIn(e *desktop.MouseEvent) { h.MouseMoved(e) }

// MouseMoved implements desktop.Hoverable.
func (h *Heatmap) MouseMoved(e *desktop.MouseEvent) {
	if h.OnHover == nil {
		return
	}
	i, j, ok := h.CellAt(e.Position)
	if !ok {
		h.OnHover(0, 0, 0, false)
		return
	}
	h.OnHover(i, j, h.value(i, j), true)
}

// MouseOut implements desktop.Hoverable.
func (h *Heatmap) MouseOut() {
	if h.OnHover != nil {
		h.OnHover(0, 0, 0, false)
	}
}

// Tapped implements fyne.Tappable.
func (h *Heatmap) Tapped(e *fyne.PointEvent) {
	if i, j, ok := h.CellAt(e.Position); ok && h.OnTap != nil {
		h.OnTap(i, j, h.value(i, j))
	}
}

// MinSize keeps a heatmap large enough to point at cells.
func (h *Heatmap) MinSize() fyne.Size { return fyne.NewSize(240, 240) }

// CreateRenderer implements fyne.Widget.
func (h *Heatmap) CreateRenderer() fyne.WidgetRenderer {
	return &heatmapRenderer{h: h}
}

type heatmapRenderer struct{ h *Heatmap }

func (r *heatmapRenderer) Layout(size fyne.Size) {
	h := r.h
	origin, side := h.cellArea(size)
	h.cells.Move(origin)
	h.cells.Resize(fyne.NewSize(side, side))
	strip := origin.X - 2
	h.top.Move(fyne.NewPos(origin.X, 0))
	h.top.Resize(fyne.NewSize(side, strip))
	h.left.Move(fyne.NewPos(0, origin.Y))
	h.left.Resize(fyne.NewSize(strip, side))
}

func (r *heatmapRenderer) MinSize() fyne.Size { return r.h.MinSize() }
func (r *heatmapRenderer) Refresh() {
	r.Layout(r.h.Size())
	canvas.Refresh(r.h)
}
func (r *heatmapRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.h.cells, r.h.top, r.h.left}
}
func (r *heatmapRenderer) Destroy() {}

// ColourBar draws the heatmap's colour scale with its end values.
func ColourBar(h *Heatmap) fyne.CanvasObject {
	lo, hi := h.Range()
	const steps = 256
	img := image.NewRGBA(image.Rect(0, 0, 1, steps))
	for k := 0; k < steps; k++ {
		v := hi - (hi-lo)*float64(k)/float64(steps-1)
		img.Set(0, k, h.Colour(v))
	}
	bar := canvas.NewImageFromImage(img)
	bar.ScaleMode = canvas.ImageScaleSmooth
	bar.FillMode = canvas.ImageFillStretch
	bar.SetMinSize(fyne.NewSize(14, 200))
	top := widget.NewLabel(fmt.Sprintf("%.3g", hi))
	bottom := widget.NewLabel(fmt.Sprintf("%.3g", lo))
	return fyneBorder(top, bottom, bar)
}
