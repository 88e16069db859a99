package export

import (
	"bytes"
	"encoding/xml"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	stdfont "golang.org/x/image/font"
)

var red = color.RGBA{R: 220, G: 30, B: 40, A: 255}

// testPlot has a title, axis labels and a red rectangle over data
// [1, 3] × [1, 2] in the range [0, 4] × [0, 3].
func testPlot(t *testing.T) *plot.Plot {
	t.Helper()
	p := plot.New()
	p.Title.Text = "IT · sub-01 — Schütt et al. ≥ 0.05 −1"
	p.Title.TextStyle.Font.Weight = stdfont.WeightBold
	p.X.Label.Text = "layer"
	p.Y.Label.Text = "RDM similarity (ρ)"
	p.Y.Label.TextStyle.Font = font.Font{Typeface: "Liberation", Variant: "Sans", Style: stdfont.StyleItalic, Size: 10}
	p.Add(plotter.NewGrid())
	p.Add(&plotter.Polygon{XYs: []plotter.XYs{{{X: 1, Y: 1}, {X: 3, Y: 1}, {X: 3, Y: 2}, {X: 1, Y: 2}}}, Color: red})
	p.X.Min, p.X.Max = 0, 4
	p.Y.Min, p.Y.Max = 0, 3
	return p
}

func TestSavePlotFormats(t *testing.T) {
	dir := t.TempDir()
	p := testPlot(t)
	for _, ext := range []string{".png", ".svg", ".pdf", ".PDF"} {
		path := filepath.Join(dir, "fig"+ext)
		if err := SavePlot(p, path, 4*vg.Inch, 3*vg.Inch); err != nil {
			t.Fatalf("%s: %v", ext, err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		switch strings.ToLower(ext) {
		case ".png":
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			if got := img.Bounds().Size(); got != (image.Point{X: 4 * PNGDPI, Y: 3 * PNGDPI}) {
				t.Errorf("PNG is %v pixels, want %d dpi", got, PNGDPI)
			}
		case ".svg":
			d := xml.NewDecoder(bytes.NewReader(b))
			for {
				if _, err := d.Token(); err == io.EOF {
					break
				} else if err != nil {
					t.Fatalf("SVG does not parse: %v", err)
				}
			}
			if !bytes.Contains(b, []byte("font-family:'Liberation Serif','Times New Roman',Times,serif;")) ||
				!bytes.Contains(b, []byte("font-family:'Liberation Sans',Arial,Helvetica,sans-serif;")) {
				t.Error("SVG font families lack their fallbacks")
			}
			if bytes.Contains(b, []byte("font-family:Liberation")) {
				t.Error("SVG font family without fallback left")
			}
		case ".pdf":
			if !bytes.HasPrefix(b, []byte("%PDF")) {
				t.Fatal("PDF does not start with %PDF")
			}
			if !bytes.Contains(b, []byte("/FontFile2")) {
				t.Error("PDF fonts not embedded")
			}
		}
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 3 { // fig.pdf and fig.PDF are one file on case-insensitive systems only
		if len(ents) != 4 {
			t.Fatalf("files left: %v", ents)
		}
	}
	if err := SavePlotDPI(p, filepath.Join(dir, "hi.png"), 2*vg.Inch, vg.Inch, 300); err != nil {
		t.Fatal(err)
	}
	f, _ := os.Open(filepath.Join(dir, "hi.png"))
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil || cfg.Width != 600 || cfg.Height != 300 {
		t.Fatalf("300 dpi PNG: %d × %d, %v", cfg.Width, cfg.Height, err)
	}
}

func TestSavePlotErrors(t *testing.T) {
	dir := t.TempDir()
	p := testPlot(t)
	for _, name := range []string{"fig.jpg", "fig.eps", "fig", "fig.png.txt"} {
		err := SavePlot(p, filepath.Join(dir, name), 4*vg.Inch, 3*vg.Inch)
		if err == nil {
			t.Errorf("%s accepted", name)
			continue
		}
		for _, f := range PlotFormats {
			if !strings.Contains(err.Error(), f) {
				t.Errorf("%s: error %q does not name %s", name, err, f)
			}
		}
	}
	if err := SavePlot(p, filepath.Join(dir, "a.png"), 0, 3*vg.Inch); err == nil {
		t.Error("zero width accepted")
	}
	if err := SavePlot(nil, filepath.Join(dir, "a.png"), vg.Inch, vg.Inch); err == nil {
		t.Error("nil plot accepted")
	}
	if err := SavePlot(p, filepath.Join(dir, "missing", "a.svg"), vg.Inch, vg.Inch); err == nil {
		t.Error("write into a missing folder succeeded")
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Fatalf("files left after failed saves: %v", ents)
	}
}

func TestToCP1252(t *testing.T) {
	for in, want := range map[string]string{
		"plain":         "plain",
		"Schütt · é":    "Sch\xfctt \xb7 \xe9",
		"p ≤ 0.05 ≥ −":  "p <= 0.05 >= -",
		"● ○ — …":       "\x95 o \x97 \x85",
		"漢":             "?",
		"a − b ≥ c × d": "a - b >= c \xd7 d",
		"10⁶ ∞":         "106 inf",
	} {
		if got := toCP1252(in); got != want {
			t.Errorf("toCP1252(%q) = %q, want %q", in, got, want)
		}
	}
}

func sameColor(a, b color.Color) bool {
	r1, g1, b1, _ := a.RGBA()
	r2, g2, b2, _ := b.RGBA()
	d := func(x, y uint32) bool { return max(x, y)-min(x, y) < 0x0300 }
	return d(r1, r2) && d(g1, g2) && d(b1, b2)
}

// TestFrameMapsPixels renders the red rectangle and checks, at each of its
// edges, that the pixel 2 px inside (by the frame's mapping) is red and
// the pixel 2 px outside is not: the mapping is exact to a pixel.
func TestFrameMapsPixels(t *testing.T) {
	for _, size := range []image.Point{{640, 480}, {333, 517}, {1200, 300}} {
		p := testPlot(t)
		img, fr, err := Render(p, size.X, size.Y)
		if err != nil {
			t.Fatal(err)
		}
		if got := img.Bounds().Size(); got != size {
			t.Fatalf("rendered %v, want %v", got, size)
		}
		if fr2, err := DataRect(p, size.X, size.Y); err != nil || fr2 != fr {
			t.Fatalf("DataRect %+v, Render frame %+v (%v)", fr2, fr, err)
		}
		if fr.Left <= 0 || fr.Top <= 0 || fr.Right >= float64(size.X) || fr.Bottom >= float64(size.Y) || fr.Left >= fr.Right || fr.Top >= fr.Bottom {
			t.Fatalf("frame %+v outside a %v image", fr, size)
		}
		at := func(px, py float64) color.Color { return img.At(int(math.Floor(px)), int(math.Floor(py))) }
		l, tp := fr.DataToPixel(1, 2)
		r, bt := fr.DataToPixel(3, 1)
		cx, cy := (l+r)/2, (tp+bt)/2
		for _, c := range []struct {
			name    string
			in, out [2]float64
		}{
			{"left", [2]float64{l + 2, cy}, [2]float64{l - 2, cy}},
			{"right", [2]float64{r - 2, cy}, [2]float64{r + 2, cy}},
			{"top", [2]float64{cx, tp + 2}, [2]float64{cx, tp - 2}},
			{"bottom", [2]float64{cx, bt - 2}, [2]float64{cx, bt + 2}},
		} {
			if !sameColor(at(c.in[0], c.in[1]), red) {
				t.Errorf("%v: 2 px inside the %s edge is %v", size, c.name, at(c.in[0], c.in[1]))
			}
			if sameColor(at(c.out[0], c.out[1]), red) {
				t.Errorf("%v: 2 px outside the %s edge is red", size, c.name)
			}
		}
		// Round trips.
		for _, d := range [][2]float64{{0, 0}, {4, 3}, {1.25, 2.5}} {
			px, py := fr.DataToPixel(d[0], d[1])
			x, y := fr.PixelToData(px, py)
			if math.Abs(x-d[0]) > 1e-12 || math.Abs(y-d[1]) > 1e-12 {
				t.Errorf("round trip of %v: %g, %g", d, x, y)
			}
		}
		if px, py := fr.DataToPixel(0, 3); px != fr.Left || py != fr.Top || !fr.Contains(px, py) {
			t.Errorf("(XMin, YMax) maps to %g, %g, frame %+v", px, py, fr)
		}
		if fr.Contains(fr.Left-1, cy) || fr.Contains(cx, fr.Bottom+1) {
			t.Error("Contains accepts points outside the data area")
		}
		// The image shown at double size.
		s := fr.Scale(2, 2)
		if x, y := s.PixelToData(2*cx, 2*cy); math.Abs(x-2) > 1e-9 || math.Abs(y-1.5) > 1e-9 {
			t.Errorf("scaled frame maps the centre to %g, %g", x, y)
		}
	}
}

func TestRenderErrors(t *testing.T) {
	if _, err := RenderPNG(nil, 10, 10); err == nil {
		t.Error("nil plot rendered")
	}
	if _, err := RenderPNG(testPlot(t), 0, 10); err == nil {
		t.Error("zero width rendered")
	}
	p := testPlot(t)
	p.Y.Scale = plot.LogScale{}
	p.Y.Min = 0.1
	if _, err := DataRect(p, 100, 100); err == nil {
		t.Error("log axis mapped as linear")
	}
}
