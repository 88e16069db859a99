package ui

import (
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"
	"gonum.org/v1/gonum/mat"

	"github.com/alignscope/alignscope/core/data"
)

// MDSView places each stimulus at its 2-D MDS coordinates, as its
// thumbnail when there is one, otherwise as a dot in its category colour.
type MDSView struct {
	widget.BaseWidget
	x       *mat.Dense
	objs    []fyne.CanvasObject
	caption *widget.Label
}

// NewMDSView returns an empty view.
func NewMDSView() *MDSView {
	v := &MDSView{caption: widget.NewLabel("")}
	v.ExtendBaseWidget(v)
	return v
}

// Set shows coordinates x (n × 2) of the stimuli.
func (v *MDSView) Set(x *mat.Dense, stim *data.Stimuli, colours []color.Color, caption string) {
	v.x = x
	n, _ := x.Dims()
	v.objs = v.objs[:0]
	for i := 0; i < n; i++ {
		if stim != nil && stim.Thumbnails != nil && i < len(stim.Thumbnails) && stim.Thumbnails[i] != nil {
			img := canvas.NewImageFromImage(stim.Thumbnails[i])
			img.FillMode = canvas.ImageFillContain
			v.objs = append(v.objs, img)
			continue
		}
		c := color.Color(color.NRGBA{0x56, 0xB4, 0xE9, 0xff})
		if colours != nil {
			c = colours[i]
		}
		v.objs = append(v.objs, canvas.NewCircle(c))
	}
	v.caption.SetText(caption)
	v.Refresh()
}

// SetError shows why no MDS could be drawn.
func (v *MDSView) SetError(err error) {
	v.x = nil
	v.objs = nil
	v.caption.SetText("no MDS: " + err.Error())
	v.Refresh()
}

// CreateRenderer implements fyne.Widget.
func (v *MDSView) CreateRenderer() fyne.WidgetRenderer { return &mdsRenderer{v: v} }

type mdsRenderer struct{ v *MDSView }

func (r *mdsRenderer) Layout(size fyne.Size) {
	v := r.v
	v.caption.Move(fyne.NewPos(0, size.Height-v.caption.MinSize().Height))
	v.caption.Resize(fyne.NewSize(size.Width, v.caption.MinSize().Height))
	if v.x == nil {
		return
	}
	n, _ := v.x.Dims()
	lo, hi := [2]float64{math.Inf(1), math.Inf(1)}, [2]float64{math.Inf(-1), math.Inf(-1)}
	for i := 0; i < n; i++ {
		for d := 0; d < 2; d++ {
			lo[d] = math.Min(lo[d], v.x.At(i, d))
			hi[d] = math.Max(hi[d], v.x.At(i, d))
		}
	}
	icon := float32(math.Max(12, math.Min(56, float64(size.Width)/math.Sqrt(float64(n))/1.6)))
	area := fyne.NewSize(size.Width-icon, size.Height-icon-v.caption.MinSize().Height)
	span := math.Max(hi[0]-lo[0], hi[1]-lo[1])
	if span == 0 {
		span = 1
	}
	side := fyne.Min(area.Width, area.Height)
	for i, o := range v.objs {
		if i >= n {
			break
		}
		px := float32((v.x.At(i, 0)-lo[0])/span) * side
		py := float32((v.x.At(i, 1)-lo[1])/span) * side
		s := icon
		if _, dot := o.(*canvas.Circle); dot {
			s = 10
		}
		o.Resize(fyne.NewSize(s, s))
		o.Move(fyne.NewPos(px+(icon-s)/2, py+(icon-s)/2))
	}
}

func (r *mdsRenderer) MinSize() fyne.Size { return fyne.NewSize(240, 240) }
func (r *mdsRenderer) Refresh() {
	r.Layout(r.v.Size())
	for _, o := range r.v.objs {
		o.Refresh()
	}
	r.v.caption.Refresh()
	canvas.Refresh(r.v)
}
func (r *mdsRenderer) Objects() []fyne.CanvasObject {
	return append(append([]fyne.CanvasObject{}, r.v.objs...), r.v.caption)
}
func (r *mdsRenderer) Destroy() {}
