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

	"github.com/alignscope/alignscope/core/data"
)

// Planes of a SliceView, in display order.
const (
	Axial = iota
	Coronal
	Sagittal
)

// SliceView shows three orthogonal slices (axial, coronal, sagittal)
// through a crosshair voxel of a background volume, with a map of values
// over it: continuous values above a threshold in a colour scale, or
// categories (e.g. the best layer per voxel) in their colours with the
// score as opacity. A tap moves the crosshair; hover reports the voxel.
// Voxels marked NaN in the map (excluded targets) are drawn grey.
type SliceView struct {
	widget.BaseWidget

	bg      *data.Volume
	values  []float64 // per grid voxel; NaN: excluded; ±Inf or absent: no value
	present []bool    // voxel has a channel
	cats    []int     // per voxel category (−1 none), for categorical maps
	colours []color.Color
	lo, hi  float64
	thresh  float64
	cmap    palette.ColorMap
	cross   [3]int
	bgmax   float64

	// OnHover reports the voxel under the mouse (ok=false when none).
	OnHover func(v [3]int, ok bool)
	// OnCross reports a new crosshair voxel after a tap.
	OnCross func(v [3]int)

	imgs  [3]*canvas.Image
	lines [6]*canvas.Line
	names [3]*canvas.Text
}

// NewSliceView returns an empty view.
func NewSliceView() *SliceView {
	v := &SliceView{cmap: moreland.ExtendedBlackBody()}
	for p := range v.imgs {
		v.imgs[p] = canvas.NewImageFromImage(image.NewRGBA(image.Rect(0, 0, 1, 1)))
		v.imgs[p].ScaleMode = canvas.ImageScalePixels
		v.imgs[p].FillMode = canvas.ImageFillStretch
		v.names[p] = canvas.NewText([]string{"axial", "coronal", "sagittal"}[p], color.NRGBA{0xcc, 0xcc, 0xcc, 0xff})
		v.names[p].TextSize = 11
	}
	for i := range v.lines {
		v.lines[i] = canvas.NewLine(color.NRGBA{0x00, 0xff, 0x80, 0xc0})
		v.lines[i].StrokeWidth = 1
	}
	v.ExtendBaseWidget(v)
	return v
}

// SetVolume sets the background volume and puts the crosshair at its
// centre.
func (v *SliceView) SetVolume(bg *data.Volume) {
	v.bg = bg
	v.bgmax = volumeMax(bg)
	v.cross = [3]int{bg.Dims[0] / 2, bg.Dims[1] / 2, bg.Dims[2] / 2}
	n := bg.Dims[0] * bg.Dims[1] * bg.Dims[2]
	v.values, v.present, v.cats = make([]float64, n), make([]bool, n), nil
	v.render()
}

// SetMap shows continuous values at voxels (one per entry of voxels);
// values below threshold are not coloured.
func (v *SliceView) SetMap(voxels [][3]int, values []float64, threshold float64) {
	v.clearMap()
	v.cats = nil
	v.lo, v.hi = math.Inf(1), math.Inf(-1)
	for c, vox := range voxels {
		k := v.bg.Index(vox[0], vox[1], vox[2])
		v.values[k], v.present[k] = values[c], true
		if !math.IsNaN(values[c]) {
			v.lo, v.hi = math.Min(v.lo, values[c]), math.Max(v.hi, values[c])
		}
	}
	v.lo = math.Max(v.lo, threshold)
	if !(v.hi > v.lo) {
		v.hi = v.lo + 1
	}
	v.thresh = threshold
	v.cmap.SetMin(v.lo)
	v.cmap.SetMax(v.hi)
	v.render()
}

// SetCategories shows a category per voxel (index into colours, −1 for
// none) with opacity from score (scaled to the largest score).
func (v *SliceView) SetCategories(voxels [][3]int, cats []int, score []float64, colours []color.Color) {
	v.clearMap()
	v.cats = make([]int, len(v.values))
	for i := range v.cats {
		v.cats[i] = -1
	}
	v.colours = colours
	v.hi = 0
	for c, vox := range voxels {
		k := v.bg.Index(vox[0], vox[1], vox[2])
		v.cats[k], v.values[k], v.present[k] = cats[c], score[c], true
		if !math.IsNaN(score[c]) {
			v.hi = math.Max(v.hi, score[c])
		}
	}
	v.render()
}

func (v *SliceView) clearMap() {
	for i := range v.values {
		v.values[i], v.present[i] = 0, false
	}
}

// Cross returns the crosshair voxel.
func (v *SliceView) Cross() [3]int { return v.cross }

// SetCross moves the crosshair.
func (v *SliceView) SetCross(c [3]int) {
	for d := 0; d < 3; d++ {
		c[d] = min(max(c[d], 0), v.bg.Dims[d]-1)
	}
	v.cross = c
	v.render()
	v.Refresh()
}

// Value returns the map value at voxel c and whether the voxel has one.
func (v *SliceView) Value(c [3]int) (float64, bool) {
	k := v.bg.Index(c[0], c[1], c[2])
	return v.values[k], v.present[k]
}

// planeAxes gives the volume axes shown horizontally and vertically in a
// plane and the axis held fixed.
func planeAxes(p int) (h, vert, fixed int) {
	switch p {
	case Axial:
		return 0, 1, 2
	case Coronal:
		return 0, 2, 1
	}
	return 1, 2, 0
}

func (v *SliceView) colourAt(k int) color.Color {
	bgv := v.bg.Values[k]
	lo, hi := 0.0, 1.0
	if v.bgmax > 0 {
		hi = v.bgmax
	}
	g := uint8(255 * math.Min(math.Max((bgv-lo)/(hi-lo), 0), 1) * 0.8)
	base := color.NRGBA{g, g, g, 0xff}
	if !v.present[k] {
		return base
	}
	val := v.values[k]
	if math.IsNaN(val) {
		return color.NRGBA{0x90, 0x90, 0x90, 0xff}
	}
	if v.cats != nil {
		c := v.cats[k]
		if c < 0 || v.hi <= 0 {
			return base
		}
		alpha := math.Min(math.Max(val/v.hi, 0.15), 1)
		return blend(base, v.colours[c%len(v.colours)], alpha)
	}
	if val < v.thresh {
		return base
	}
	c, err := v.cmap.At(math.Min(math.Max(val, v.lo), v.hi))
	if err != nil {
		return base
	}
	return blend(base, c, 0.9)
}

func blend(a color.NRGBA, c color.Color, alpha float64) color.NRGBA {
	r, g, b, _ := c.RGBA()
	mix := func(x uint8, y uint32) uint8 { return uint8(float64(x)*(1-alpha) + float64(y>>8)*alpha) }
	return color.NRGBA{mix(a.R, r), mix(a.G, g), mix(a.B, b), 0xff}
}

func volumeMax(vol *data.Volume) float64 {
	m := 0.0
	for _, x := range vol.Values {
		if !math.IsNaN(x) {
			m = math.Max(m, x)
		}
	}
	return m
}

func (v *SliceView) render() {
	if v.bg == nil {
		return
	}
	for p := 0; p < 3; p++ {
		h, vert, fixed := planeAxes(p)
		w, ht := v.bg.Dims[h], v.bg.Dims[vert]
		img := image.NewNRGBA(image.Rect(0, 0, w, ht))
		var ijk [3]int
		ijk[fixed] = v.cross[fixed]
		for y := 0; y < ht; y++ {
			for x := 0; x < w; x++ {
				ijk[h], ijk[vert] = x, ht-1-y // superior / anterior up
				img.Set(x, y, v.colourAt(v.bg.Index(ijk[0], ijk[1], ijk[2])))
			}
		}
		v.imgs[p].Image = img
		v.imgs[p].Refresh()
	}
}

// panel returns the rectangle of plane p in widget coordinates: three
// panels in a row in a wide widget, a 2 × 2 grid (axial, coronal above,
// sagittal below) in a tall one, whichever draws the slices larger.
func (v *SliceView) panel(p int, size fyne.Size) (fyne.Position, fyne.Size) {
	if v.bg == nil {
		return fyne.Position{}, fyne.Size{}
	}
	fit := func(p int, cellW, cellH float32) (float32, float32) {
		h, vert, _ := planeAxes(p)
		aspect := float32(v.bg.Dims[vert]) / float32(v.bg.Dims[h])
		w := cellW - 8
		ht := w * aspect
		if ht > cellH-16 {
			ht = cellH - 16
			w = ht / aspect
		}
		return w, ht
	}
	// one choice for all three planes: the arrangement whose smallest
	// slice is larger
	smallest := func(cellW, cellH float32) float32 {
		m := float32(math.MaxFloat32)
		for q := 0; q < 3; q++ {
			w, ht := fit(q, cellW, cellH)
			m = fyne.Min(m, w*ht)
		}
		return m
	}
	if smallest(size.Width/2, size.Height/2) > smallest(size.Width/3, size.Height) {
		cellW, cellH := size.Width/2, size.Height/2
		w, ht := fit(p, cellW, cellH)
		col, row := float32(p%2), float32(p/2)
		return fyne.NewPos(col*cellW+(cellW-w)/2, row*cellH+16), fyne.NewSize(w, ht)
	}
	cellW := size.Width / 3
	w, ht := fit(p, cellW, size.Height)
	return fyne.NewPos(float32(p)*cellW+(cellW-w)/2, 16), fyne.NewSize(w, ht)
}

// VoxelAt maps a widget position to a voxel.
func (v *SliceView) VoxelAt(pos fyne.Position) ([3]int, bool) {
	if v.bg == nil {
		return [3]int{}, false
	}
	for p := 0; p < 3; p++ {
		o, s := v.panel(p, v.Size())
		if pos.X < o.X || pos.Y < o.Y || pos.X >= o.X+s.Width || pos.Y >= o.Y+s.Height {
			continue
		}
		h, vert, _ := planeAxes(p)
		c := v.cross
		c[h] = min(int((pos.X-o.X)/s.Width*float32(v.bg.Dims[h])), v.bg.Dims[h]-1)
		c[vert] = v.bg.Dims[vert] - 1 - min(int((pos.Y-o.Y)/s.Height*float32(v.bg.Dims[vert])), v.bg.Dims[vert]-1)
		return c, true
	}
	return [3]int{}, false
}

// VoxelCentre is the widget position of voxel c in plane p (for tests).
func (v *SliceView) VoxelCentre(p int, c [3]int) fyne.Position {
	o, s := v.panel(p, v.Size())
	h, vert, _ := planeAxes(p)
	x := o.X + (float32(c[h])+0.5)/float32(v.bg.Dims[h])*s.Width
	y := o.Y + (float32(v.bg.Dims[vert]-1-c[vert])+0.5)/float32(v.bg.Dims[vert])*s.Height
	return fyne.NewPos(x, y)
}

// Tapped implements fyne.Tappable: move the crosshair.
func (v *SliceView) Tapped(e *fyne.PointEvent) {
	if c, ok := v.VoxelAt(e.Position); ok {
		v.SetCross(c)
		if v.OnCross != nil {
			v.OnCross(c)
		}
	}
}

// MouseIn implements desktop.Hoverable.
func (v *SliceView) MouseIn(e *desktop.MouseEvent) { v.MouseMoved(e) }

// MouseMoved implements desktop.Hoverable.
func (v *SliceView) MouseMoved(e *desktop.MouseEvent) {
	if v.OnHover != nil {
		c, ok := v.VoxelAt(e.Position)
		v.OnHover(c, ok)
	}
}

// MouseOut implements desktop.Hoverable.
func (v *SliceView) MouseOut() {
	if v.OnHover != nil {
		v.OnHover([3]int{}, false)
	}
}

// MinSize implements fyne.Widget.
func (v *SliceView) MinSize() fyne.Size { return fyne.NewSize(480, 200) }

// CreateRenderer implements fyne.Widget.
func (v *SliceView) CreateRenderer() fyne.WidgetRenderer { return &sliceRenderer{v: v} }

type sliceRenderer struct{ v *SliceView }

func (r *sliceRenderer) Layout(size fyne.Size) {
	v := r.v
	for p := 0; p < 3; p++ {
		o, s := v.panel(p, size)
		v.imgs[p].Move(o)
		v.imgs[p].Resize(s)
		v.names[p].Move(fyne.NewPos(o.X, o.Y-16))
		if v.bg == nil {
			continue
		}
		h, vert, _ := planeAxes(p)
		cx := o.X + (float32(v.cross[h])+0.5)/float32(v.bg.Dims[h])*s.Width
		cy := o.Y + (float32(v.bg.Dims[vert]-1-v.cross[vert])+0.5)/float32(v.bg.Dims[vert])*s.Height
		v.lines[2*p].Position1, v.lines[2*p].Position2 = fyne.NewPos(cx, o.Y), fyne.NewPos(cx, o.Y+s.Height)
		v.lines[2*p+1].Position1, v.lines[2*p+1].Position2 = fyne.NewPos(o.X, cy), fyne.NewPos(o.X+s.Width, cy)
	}
}
func (r *sliceRenderer) MinSize() fyne.Size { return r.v.MinSize() }
func (r *sliceRenderer) Refresh() {
	r.Layout(r.v.Size())
	for _, l := range r.v.lines {
		l.Refresh()
	}
	canvas.Refresh(r.v)
}
func (r *sliceRenderer) Objects() []fyne.CanvasObject {
	out := []fyne.CanvasObject{}
	for p := 0; p < 3; p++ {
		out = append(out, r.v.imgs[p], r.v.names[p])
	}
	for _, l := range r.v.lines {
		out = append(out, l)
	}
	return out
}
func (r *sliceRenderer) Destroy() {}

// describeVoxel formats a voxel's coordinates (voxel and world).
func describeVoxel(bg *data.Volume, c [3]int) string {
	w := bg.World(c[0], c[1], c[2])
	return fmt.Sprintf("voxel (%d, %d, %d) · (%.0f, %.0f, %.0f) mm", c[0], c[1], c[2], w[0], w[1], w[2])
}

// Composite draws the three slices side by side on a black background,
// each voxel as a scale × scale block (nearest neighbour), for export.
func (v *SliceView) Composite(scale int) image.Image {
	var w, h int
	for p := 0; p < 3; p++ {
		b := v.imgs[p].Image.Bounds()
		w += b.Dx()*scale + 8
		h = max(h, b.Dy()*scale)
	}
	out := image.NewNRGBA(image.Rect(0, 0, w, h))
	for i := 3; i < len(out.Pix); i += 4 {
		out.Pix[i] = 0xff
	}
	x0 := 0
	for p := 0; p < 3; p++ {
		src := v.imgs[p].Image
		b := src.Bounds()
		for y := 0; y < b.Dy()*scale; y++ {
			for x := 0; x < b.Dx()*scale; x++ {
				out.Set(x0+x, y, src.At(b.Min.X+x/scale, b.Min.Y+y/scale))
			}
		}
		x0 += b.Dx()*scale + 8
	}
	return out
}
