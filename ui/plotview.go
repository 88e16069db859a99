package ui

import (
	"image"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// Mapper maps a pixel of a rendered figure to data coordinates; ok is
// false outside the data area.
type Mapper func(px, py float64) (x, y float64, ok bool)

// RenderFunc draws a figure at w × h pixels.
type RenderFunc func(w, h int) (image.Image, Mapper, error)

// PlotView shows a figure rendered at the widget's exact pixel size. It
// renders off the UI goroutine on every resize, and reports hover and tap
// positions in data coordinates.
type PlotView struct {
	widget.BaseWidget

	render RenderFunc
	img    *canvas.Image
	msg    *widget.Label
	mapper Mapper
	size   fyne.Size
	gen    atomic.Int64

	// OnTap receives the data coordinates of a tap inside the data area.
	OnTap func(x, y float64)
	// OnHover receives the data coordinates under the mouse (ok=false
	// outside the data area).
	OnHover func(x, y float64, ok bool)
}

// NewPlotView returns an empty view; SetRender gives it a figure.
func NewPlotView() *PlotView {
	v := &PlotView{img: canvas.NewImageFromImage(image.NewRGBA(image.Rect(0, 0, 1, 1))), msg: widget.NewLabel("")}
	v.img.FillMode = canvas.ImageFillStretch
	v.img.ScaleMode = canvas.ImageScaleFastest
	v.msg.Wrapping = fyne.TextWrapWord
	v.msg.Hide()
	v.ExtendBaseWidget(v)
	return v
}

// SetRender replaces the figure and redraws it.
func (v *PlotView) SetRender(r RenderFunc) {
	v.render = r
	v.redraw(v.Size())
}

// Mapper returns the current pixel → data mapping (nil before the first
// render).
func (v *PlotView) Mapper() Mapper { return v.mapper }

func (v *PlotView) scale() float32 {
	if c := fyne.CurrentApp().Driver().CanvasForObject(v); c != nil {
		return c.Scale()
	}
	return 1
}

func (v *PlotView) redraw(size fyne.Size) {
	if v.render == nil || size.Width < 10 || size.Height < 10 {
		return
	}
	s := v.scale()
	w, h := int(size.Width*s), int(size.Height*s)
	gen := v.gen.Add(1)
	render := v.render
	go func() {
		img, m, err := render(w, h)
		fyne.Do(func() {
			if v.gen.Load() != gen {
				return // a newer render is on its way
			}
			if err != nil {
				v.msg.SetText(err.Error())
				v.msg.Show()
				v.img.Hide()
				return
			}
			v.msg.Hide()
			v.img.Image = img
			v.img.Show()
			v.img.Refresh()
			v.mapper = m
		})
	}()
}

func (v *PlotView) toData(p fyne.Position) (float64, float64, bool) {
	if v.mapper == nil {
		return 0, 0, false
	}
	s := v.scale()
	return v.mapper(float64(p.X*s), float64(p.Y*s))
}

// Tapped implements fyne.Tappable.
func (v *PlotView) Tapped(e *fyne.PointEvent) {
	if x, y, ok := v.toData(e.Position); ok && v.OnTap != nil {
		v.OnTap(x, y)
	}
}

// MouseIn implements desktop.Hoverable.
func (v *PlotView) MouseIn(e *desktop.MouseEvent) { v.MouseMoved(e) }

// MouseMoved implements desktop.Hoverable.
func (v *PlotView) MouseMoved(e *desktop.MouseEvent) {
	if v.OnHover != nil {
		x, y, ok := v.toData(e.Position)
		v.OnHover(x, y, ok)
	}
}

// MouseOut implements desktop.Hoverable.
func (v *PlotView) MouseOut() {
	if v.OnHover != nil {
		v.OnHover(0, 0, false)
	}
}

// MinSize implements fyne.Widget.
func (v *PlotView) MinSize() fyne.Size { return fyne.NewSize(320, 240) }

// CreateRenderer implements fyne.Widget.
func (v *PlotView) CreateRenderer() fyne.WidgetRenderer { return &plotViewRenderer{v: v} }

type plotViewRenderer struct{ v *PlotView }

func (r *plotViewRenderer) Layout(size fyne.Size) {
	r.v.img.Resize(size)
	r.v.msg.Resize(size)
	if size != r.v.size {
		r.v.size = size
		r.v.redraw(size)
	}
}
func (r *plotViewRenderer) MinSize() fyne.Size { return r.v.MinSize() }
func (r *plotViewRenderer) Refresh()           { canvas.Refresh(r.v) }
func (r *plotViewRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.v.img, r.v.msg}
}
func (r *plotViewRenderer) Destroy() {}
