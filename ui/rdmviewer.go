package ui

import (
	"context"
	"fmt"
	"image/color"
	"math"
	"sort"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/alignscope/alignscope/core/mds"
	"github.com/alignscope/alignscope/core/rdm"
	"github.com/alignscope/alignscope/core/rsa"
)

// okabeIto is a colour-blind-safe palette for categories.
var okabeIto = []color.Color{
	color.NRGBA{0xE6, 0x9F, 0x00, 0xff}, color.NRGBA{0x56, 0xB4, 0xE9, 0xff}, color.NRGBA{0x00, 0x9E, 0x73, 0xff},
	color.NRGBA{0xF0, 0xE4, 0x42, 0xff}, color.NRGBA{0x00, 0x72, 0xB2, 0xff}, color.NRGBA{0xD5, 0x5E, 0x00, 0xff},
	color.NRGBA{0xCC, 0x79, 0xA7, 0xff}, color.NRGBA{0x99, 0x99, 0x99, 0xff},
}

// rdmSide is one of the two RDMs of the viewer: a chooser, a heatmap or
// an MDS plot, and a colour bar.
type rdmSide struct {
	choose  *widget.Select
	heat    *Heatmap
	bar     *fyne.Container
	mds     *MDSView
	title   *widget.Label
	current *rdm.RDM
	label   string
}

// RDMViewer shows a model RDM and a brain RDM side by side, sorted by a
// stimulus descriptor with category strips, raw or rank-transformed, with
// their comparison value; hover shows the stimulus pair with thumbnails,
// a tap pins it. Either side can be shown as an MDS arrangement instead.
type RDMViewer struct {
	mw          *MainWindow
	root        fyne.CanvasObject
	res         *rsa.Result
	left, right *rdmSide
	sortBy      *widget.Select
	asRank      *widget.Check
	asMDS       *widget.Check
	value       *widget.Label
	hover       *widget.Label
	pinned      *widget.Label
	thumbA      *canvas.Image
	thumbB      *canvas.Image
	names       map[string]func() (*rdm.RDM, string)
}

// NewRDMViewer returns an empty viewer.
func NewRDMViewer(mw *MainWindow) *RDMViewer {
	v := &RDMViewer{mw: mw, names: map[string]func() (*rdm.RDM, string){}}
	mk := func() *rdmSide {
		s := &rdmSide{heat: NewHeatmap(), title: widget.NewLabel(""), bar: container.NewStack(), mds: NewMDSView()}
		s.title.Alignment = fyne.TextAlignCenter
		s.choose = widget.NewSelect(nil, func(string) { v.redraw() })
		return s
	}
	v.left, v.right = mk(), mk()
	v.sortBy = widget.NewSelect(nil, func(string) { v.redraw() })
	v.asRank = widget.NewCheck("Rank-transform", func(bool) { v.redraw() })
	v.asMDS = widget.NewCheck("Show as MDS", func(bool) { v.redraw() })
	v.value = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	v.hover = widget.NewLabel("Point at a cell to see the two stimuli; click to pin.")
	v.pinned = widget.NewLabel("")
	v.thumbA, v.thumbB = canvas.NewImageFromResource(nil), canvas.NewImageFromResource(nil)
	for _, t := range []*canvas.Image{v.thumbA, v.thumbB} {
		t.FillMode = canvas.ImageFillContain
		t.SetMinSize(fyne.NewSize(64, 64))
	}
	for _, s := range []*rdmSide{v.left, v.right} {
		side := s
		s.heat.OnHover = func(i, j int, val float64, ok bool) { v.showPair(side, i, j, val, ok, false) }
		s.heat.OnTap = func(i, j int, val float64) { v.showPair(side, i, j, val, true, true) }
	}
	pane := func(s *rdmSide) fyne.CanvasObject {
		return container.NewBorder(container.NewVBox(s.choose, s.title), nil, nil, s.bar,
			container.NewStack(s.heat, s.mds))
	}
	top := container.NewHBox(widget.NewLabel("Sort by"), v.sortBy, v.asRank, v.asMDS)
	info := container.NewBorder(nil, nil, container.NewHBox(v.thumbA, v.thumbB), nil,
		container.NewVBox(v.value, v.hover, v.pinned))
	v.root = container.NewBorder(top, info, nil, nil, container.NewGridWithColumns(2, pane(v.left), pane(v.right)))
	return v
}

func (v *RDMViewer) refreshOptions() {
	cols := []string{"stimulus order"}
	if s := v.mw.ws.Project().Stimuli; s != nil {
		cols = append(cols, s.Columns...)
	}
	hadColumns := len(v.sortBy.Options) > 1
	v.sortBy.Options = cols
	if !contains(cols, v.sortBy.Selected) || (!hadColumns && len(cols) > 1) {
		def := "stimulus order"
		if len(cols) > 1 {
			def = cols[1]
		}
		v.sortBy.Selected = def
	}
	v.sortBy.Refresh()
}

func (v *RDMViewer) setResult(r *rsa.Result) {
	v.res = r
	v.names = map[string]func() (*rdm.RDM, string){}
	var left, right []string
	for i, l := range r.Spec.Layers {
		i := i
		name := l.String()
		left = append(left, name)
		v.names[name] = func() (*rdm.RDM, string) { return r.Models[i], name }
	}
	for _, rr := range r.Regions {
		for k, s := range rr.Subjects {
			rr, k := rr, k
			name := s + " / " + rr.Region
			right = append(right, name)
			v.names[name] = func() (*rdm.RDM, string) { return rr.Data[k], name }
		}
	}
	v.left.choose.Options, v.right.choose.Options = left, right
	if !contains(left, v.left.choose.Selected) {
		v.left.choose.Selected = left[0]
	}
	if !contains(right, v.right.choose.Selected) {
		v.right.choose.Selected = right[0]
	}
	v.left.choose.Refresh()
	v.right.choose.Refresh()
	v.refreshOptions()
	v.redraw()
}

// ShowPair selects the RDM of a layer (index into Spec.Layers) and the
// first subject's RDM of a region.
func (v *RDMViewer) ShowPair(layer int, region string) {
	if v.res == nil || layer < 0 || layer >= len(v.res.Spec.Layers) {
		return
	}
	v.left.choose.SetSelected(v.res.Spec.Layers[layer].String())
	if rr := v.res.Region(region); rr != nil && len(rr.Subjects) > 0 {
		v.right.choose.SetSelected(rr.Subjects[0] + " / " + region)
	}
}

// order returns the display order for the chosen descriptor and the
// category colours.
func (v *RDMViewer) order(n int) ([]int, []color.Color) {
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	s := v.mw.ws.Project().Stimuli
	if s == nil || v.sortBy.Selected == "stimulus order" || s.Descriptor(v.sortBy.Selected) == nil {
		return order, nil
	}
	vals := s.Descriptor(v.sortBy.Selected)
	levels := s.Levels(v.sortBy.Selected)
	rank := map[string]int{}
	for i, l := range levels {
		rank[l] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return rank[vals[order[a]]] < rank[vals[order[b]]] })
	strips := make([]color.Color, n)
	for i := range strips {
		strips[i] = okabeIto[rank[vals[i]]%len(okabeIto)]
	}
	return order, strips
}

func (v *RDMViewer) redraw() {
	if v.res == nil {
		return
	}
	for _, s := range []*rdmSide{v.left, v.right} {
		get := v.names[s.choose.Selected]
		if get == nil {
			continue
		}
		r, label := get()
		s.current, s.label = r, label
		vec := r.Vec
		what := "dissimilarity (" + v.res.Spec.Distance + ")"
		if v.asRank.Checked {
			vec = rdm.Rank(r.Vec, rdm.TiesAverage)
			what = "rank of dissimilarity"
		}
		sq := (&rdm.RDM{N: r.N, Vec: vec}).Square()
		vals := make([]float64, r.N*r.N)
		for i := 0; i < r.N; i++ {
			for j := 0; j < r.N; j++ {
				vals[i*r.N+j] = sq.At(i, j)
			}
		}
		order, strips := v.order(r.N)
		s.heat.Set(r.N, vals, order, strips)
		s.bar.Objects = []fyne.CanvasObject{ColourBar(s.heat)}
		s.bar.Refresh()
		s.title.SetText(label + " · " + what)
		if v.asMDS.Checked {
			s.heat.Hide()
			s.mds.Show()
			v.mds(s, r, strips)
		} else {
			s.mds.Hide()
			s.heat.Show()
		}
	}
	v.value.SetText(v.comparisonText())
}

// mds computes a classical MDS of r in the background and shows it.
func (v *RDMViewer) mds(s *rdmSide, r *rdm.RDM, colours []color.Color) {
	stim := stimuliOf(v.mw.ws.Project())
	go func() {
		res, err := mds.SMACOF(context.Background(), r, &mds.Options{Dim: 2, Seed: 1}, nil)
		fyne.Do(func() {
			if err != nil {
				s.mds.SetError(err)
				return
			}
			s.mds.Set(res.X, stim, colours, fmt.Sprintf("metric MDS (SMACOF), stress-1 %.3f", res.Stress1))
		})
	}()
}

// comparisonText gives the similarity of the two RDMs shown when the
// right one is a subject RDM the left layer was evaluated against.
func (v *RDMViewer) comparisonText() string {
	if v.res == nil {
		return ""
	}
	li := -1
	for i, l := range v.res.Spec.Layers {
		if l.String() == v.left.choose.Selected {
			li = i
		}
	}
	for _, rr := range v.res.Regions {
		for k, s := range rr.Subjects {
			if s+" / "+rr.Region == v.right.choose.Selected && li >= 0 && rr.Eval != nil {
				return fmt.Sprintf("%s similarity (%s) of %s and %s: %.4f",
					v.res.Spec.Compare, v.res.Spec.Distance, v.left.choose.Selected, v.right.choose.Selected,
					rr.Eval.Models[li].PerSubject[k])
			}
		}
	}
	return ""
}

func (v *RDMViewer) showPair(s *rdmSide, i, j int, val float64, ok, pin bool) {
	if !ok {
		v.hover.SetText("Point at a cell to see the two stimuli; click to pin.")
		return
	}
	st := stimuliOf(v.mw.ws.Project())
	name := func(k int) string {
		if k < st.Len() {
			return st.Names[k]
		}
		return fmt.Sprint(k + 1)
	}
	text := fmt.Sprintf("%s: %s × %s = %s", s.label, name(i), name(j), fmtValue(val))
	if pin {
		v.pinned.SetText("Pinned — " + text)
	} else {
		v.hover.SetText(text)
	}
	if st.Thumbnails != nil && i < len(st.Thumbnails) && j < len(st.Thumbnails) {
		v.thumbA.Image, v.thumbB.Image = st.Thumbnails[i], st.Thumbnails[j]
		v.thumbA.Refresh()
		v.thumbB.Refresh()
	}
}

func fmtValue(v float64) string {
	if math.IsNaN(v) {
		return "NaN (left out)"
	}
	return fmt.Sprintf("%.4g", v)
}
