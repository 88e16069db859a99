package ui

import (
	"image/color"
	"math"
	"math/rand/v2"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

func TestHeatmapCellMappingAndColours(t *testing.T) {
	test.NewTempApp(t)
	n := 92
	vals := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			vals[i*n+j] = math.Abs(float64(i - j))
		}
	}
	vals[50*n+70] = math.NaN()
	order := make([]int, n)
	for i := range order {
		order[i] = n - 1 - i // reversed display order
	}
	strips := make([]color.Color, n)
	for i := range strips {
		strips[i] = okabeIto[i%3]
	}
	h := NewHeatmap()
	w := test.NewTempWindow(t, h)
	w.Resize(fyne.NewSize(500, 500))
	h.Set(n, vals, order, strips)
	var got [3]float64
	h.OnHover = func(i, j int, v float64, ok bool) { got = [3]float64{float64(i), float64(j), v} }
	for _, c := range [][2]int{{0, 0}, {91, 91}, {3, 40}, {50, 70}} {
		pos := h.CellCentre(c[0], c[1])
		i, j, ok := h.CellAt(pos)
		if !ok || i != c[0] || j != c[1] {
			t.Fatalf("CellAt(CellCentre(%v)) = %d,%d,%v", c, i, j, ok)
		}
		test.MoveMouse(w.Canvas(), pos.Add(insetOf(w)))
		if int(got[0]) != c[0] || int(got[1]) != c[1] {
			t.Fatalf("hover at %v reported %v", c, got)
		}
	}
	img := h.cells.Image
	// display row 0 is matrix row 91 (reversed order); the NaN cell is grey
	if r, g, b, _ := img.At(91-70, 91-50).RGBA(); r != g || g != b {
		t.Errorf("NaN cell is not grey")
	}
	if img.At(0, 0) == img.At(10, 0) {
		t.Errorf("cells of different value share a colour")
	}
	if _, _, ok := h.CellAt(fyne.NewPos(1, 1)); ok {
		t.Error("a point on the category strip mapped to a cell")
	}
}

func insetOf(w fyne.Window) fyne.Position {
	inset, _ := w.Canvas().InteractiveArea()
	return inset.Add(fyne.NewPos(0, 0))
}

// BenchmarkHeatmapRender is the redraw of a 1000 × 1000 RDM (goal under
// 100 ms).
func BenchmarkHeatmapRender(b *testing.B) {
	test.NewTempApp(b)
	n := 1000
	r := rand.New(rand.NewPCG(1, 1))
	vals := make([]float64, n*n)
	for i := range vals {
		vals[i] = r.Float64()
	}
	h := NewHeatmap()
	h.Set(n, vals, nil, nil)
	for b.Loop() {
		h.render()
	}
}
