package figure

import (
	"bytes"
	"encoding/xml"
	"image/color"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"github.com/alignscope/alignscope/core/inference"
	"github.com/alignscope/alignscope/io/export"
)

// artifacts is where the tests leave the PNGs for a human to look at.
const artifacts = "../../artifacts/figures"

// saveAll writes p as PNG, SVG and PDF into a temporary folder, checks
// the files, and copies the PNG to artifacts/figures/name.png.
func saveAll(t *testing.T, p *plot.Plot, name string, w, h vg.Length) {
	t.Helper()
	dir := t.TempDir()
	for _, ext := range []string{".png", ".svg", ".pdf"} {
		path := filepath.Join(dir, name+ext)
		if err := export.SavePlot(p, path, w, h); err != nil {
			t.Fatalf("%s: %v", ext, err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) < 500 {
			t.Fatalf("%s: only %d bytes", ext, len(b))
		}
		switch ext {
		case ".png":
			if !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) {
				t.Fatalf("%s is not a PNG", path)
			}
			if st, err := os.Stat(filepath.Dir(artifacts)); err == nil && st.IsDir() {
				if err := os.MkdirAll(artifacts, 0o755); err == nil {
					os.WriteFile(filepath.Join(artifacts, name+".png"), b, 0o644)
				}
			}
		case ".svg":
			d := xml.NewDecoder(bytes.NewReader(b))
			for {
				_, err := d.Token()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("%s does not parse as XML: %v", path, err)
				}
			}
		case ".pdf":
			if !bytes.HasPrefix(b, []byte("%PDF")) {
				t.Fatalf("%s does not start with %%PDF", path)
			}
		}
	}
}

func TestModelComparison(t *testing.T) {
	for _, tc := range []struct {
		name   string
		s      synth
		region string
		opt    ComparisonOptions
		w, h   vg.Length
	}{
		{"comparison_one_model", synth{models: []string{"alexnet"}, layers: 8, regions: []string{"IT", "V1"}, subjects: 10, scheme: inference.Both}, "IT", ComparisonOptions{Selected: []int{5}}, 6 * vg.Inch, 4.5 * vg.Inch},
		{"comparison_three_models", synth{models: []string{"alexnet", "vgg16", "random"}, layers: 8, regions: []string{"IT"}, subjects: 12, scheme: inference.Dual}, "IT", ComparisonOptions{}, 8 * vg.Inch, 5 * vg.Inch},
		{"comparison_two_models", synth{models: []string{"alexnet", "vgg16"}, layers: 4, regions: []string{"IT"}, subjects: 10, scheme: inference.Subjects}, "IT", ComparisonOptions{}, 5 * vg.Inch, 4.5 * vg.Inch},
		{"comparison_column", synth{models: []string{"alexnet"}, layers: 6, regions: []string{"IT"}, subjects: 10, scheme: inference.Subjects}, "IT", ComparisonOptions{HideCaption: true, MaxPairs: 8}, 3.4 * vg.Inch, 3 * vg.Inch},
		{"comparison_fixed_no_ceiling", synth{models: []string{"a", "b"}, layers: 3, regions: []string{"V4"}, subjects: 1, scheme: inference.Fixed, noCeiling: true, infCI: true}, "V4", ComparisonOptions{}, 5 * vg.Inch, 4 * vg.Inch},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := tc.s.build()
			p, lay, err := ModelComparison(res, tc.region, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			k := len(res.Spec.Layers)
			if len(lay.Bars) != k {
				t.Fatalf("%d bars for %d layers", len(lay.Bars), k)
			}
			for i, b := range lay.Bars {
				if b.Ref != res.Spec.Layers[i] {
					t.Errorf("bar %d is %v, want %v", i, b.Ref, res.Spec.Layers[i])
				}
				if i > 0 && b.X-b.HalfWidth <= lay.Bars[i-1].X+lay.Bars[i-1].HalfWidth {
					t.Errorf("bars %d and %d overlap", i-1, i)
				}
				if got, ok := lay.BarAt(b.X, (lay.YMin+lay.YMax)/2); !ok || got != i {
					t.Errorf("BarAt(centre of %d) = %d, %v", i, got, ok)
				}
				if _, ok := lay.BarAt(b.X+b.HalfWidth+0.05, 0); ok {
					t.Errorf("BarAt just right of bar %d hit a bar", i)
				}
			}
			if _, ok := lay.BarAt(lay.Bars[0].X, lay.YMax+1); ok {
				t.Error("BarAt above the data area hit a bar")
			}
			if tc.opt.MaxPairs == 0 && len(lay.Pairs) > 30 {
				t.Errorf("%d Nili bars drawn, limit 30", len(lay.Pairs))
			}
			if len(lay.Pairs) > lay.Significant {
				t.Errorf("%d pairs drawn, %d significant", len(lay.Pairs), lay.Significant)
			}
			// The marks agree with the corrected table.
			rows := res.Table()
			for i, b := range lay.Bars {
				var r = rows[i]
				if want := r.PCorrected < 0.05 && r.Score > 0; b.Above0 != want {
					t.Errorf("bar %d: Above0 = %v, table p_corrected %g", i, b.Above0, r.PCorrected)
				}
			}
			if !strings.Contains(p.Title.Text, tc.region) {
				t.Errorf("title %q lacks the region", p.Title.Text)
			}
			if !strings.HasPrefix(p.Y.Label.Text, "RDM similarity (corr)") {
				t.Errorf("y label %q", p.Y.Label.Text)
			}
			saveAll(t, p, tc.name, tc.w, tc.h)
		})
	}
}

func TestModelComparisonManyPairs(t *testing.T) {
	res := synth{models: []string{"alexnet", "vgg16", "resnet50"}, layers: 12, regions: []string{"IT"}, subjects: 15, scheme: inference.Both}.build()
	p, lay, err := ModelComparison(res, "IT", ComparisonOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if lay.Significant <= 30 || len(lay.Pairs) != 30 {
		t.Fatalf("significant %d, drawn %d; want > 30 and 30", lay.Significant, len(lay.Pairs))
	}
	if !strings.Contains(p.X.Label.Text, "30 most significant shown") {
		t.Errorf("caption does not say the Nili bars are limited:\n%s", p.X.Label.Text)
	}
	// The drawn pairs are the most significant ones.
	pc := res.Regions[0].Eval.PPairFDR
	worstDrawn := 0.0
	drawn := map[[2]int]bool{}
	for _, pr := range lay.Pairs {
		worstDrawn = max(worstDrawn, pc.At(pr[0], pr[1]))
		drawn[pr] = true
	}
	for i := 0; i < 36; i++ {
		for j := i + 1; j < 36; j++ {
			if !drawn[[2]int{i, j}] && pc.At(i, j) < worstDrawn {
				t.Fatalf("pair %d,%d (p %g) left out for one with p %g", i, j, pc.At(i, j), worstDrawn)
			}
		}
	}
	saveAll(t, p, "comparison_36_bars", 10*vg.Inch, 5.5*vg.Inch)

	_, lay, err = ModelComparison(res, "IT", ComparisonOptions{MaxPairs: -1})
	if err != nil || len(lay.Pairs) != 0 {
		t.Fatalf("MaxPairs -1: %d pairs, %v", len(lay.Pairs), err)
	}
}

func TestModelComparisonErrors(t *testing.T) {
	res := synth{models: []string{"m"}, layers: 3, regions: []string{"IT", "V1"}, subjects: 1, scheme: inference.Subjects, failRegion: "V1"}.build()
	_, _, err := ModelComparison(res, "V1", ComparisonOptions{})
	if err == nil || !strings.Contains(err.Error(), "at least 2 subjects") || !strings.Contains(err.Error(), "V1") {
		t.Fatalf("failed region: %v", err)
	}
	if _, _, err := ModelComparison(res, "MT", ComparisonOptions{}); err == nil {
		t.Fatal("unknown region accepted")
	}
	if _, _, err := ModelComparison(nil, "IT", ComparisonOptions{}); err == nil {
		t.Fatal("nil result accepted")
	}
	res.Regions[0].Eval.Models = res.Regions[0].Eval.Models[:2]
	if _, _, err := ModelComparison(res, "IT", ComparisonOptions{}); err == nil {
		t.Fatal("scores of the wrong length accepted")
	}
	var nilLay *ComparisonLayout
	if _, ok := nilLay.BarAt(0, 0); ok {
		t.Fatal("nil layout hit a bar")
	}
}

// TestClickMapsToBar renders a chart, maps the centre of each bar to a
// pixel as a click would land, maps the pixel back and checks that the
// layout names the same bar and that the pixel is painted in the bar's
// colour; a few pixels beyond each bar's edge must not be.
func TestClickMapsToBar(t *testing.T) {
	res := synth{models: []string{"alexnet", "vgg16"}, layers: 5, regions: []string{"IT"}, subjects: 8, scheme: inference.Both, noCeiling: true}.build()
	p, lay, err := ModelComparison(res, "IT", ComparisonOptions{HideSubjects: true})
	if err != nil {
		t.Fatal(err)
	}
	img, fr, err := export.Render(p, 900, 560)
	if err != nil {
		t.Fatal(err)
	}
	same := func(a, b color.Color) bool {
		r1, g1, b1, _ := a.RGBA()
		r2, g2, b2, _ := b.RGBA()
		d := func(x, y uint32) bool { return max(x, y)-min(x, y) < 0x0300 }
		return d(r1, r2) && d(g1, g2) && d(b1, b2)
	}
	for i, b := range lay.Bars {
		want := colorOf(i / 5)
		// The centre of the left half of the bar, at a quarter of its
		// height (clear of the error bar and the marks).
		x, y := b.X-b.HalfWidth/2, b.Score/4
		px, py := fr.DataToPixel(x, y)
		ix, iy := int(px), int(py)
		gx, gy := fr.PixelToData(float64(ix)+0.5, float64(iy)+0.5)
		if got, ok := lay.BarAt(gx, gy); !ok || got != i {
			t.Errorf("bar %d: pixel (%d, %d) maps to (%g, %g), bar %d %v", i, ix, iy, gx, gy, got, ok)
		}
		if c := img.At(ix, iy); !same(c, want) {
			t.Errorf("bar %d: pixel (%d, %d) is %v, want the bar colour %v", i, ix, iy, c, want)
		}
		// Exactness: 2 px inside the edges is bar, 2 px outside is not.
		lx, _ := fr.DataToPixel(b.X-b.HalfWidth, y)
		rx, _ := fr.DataToPixel(b.X+b.HalfWidth, y)
		if !same(img.At(int(math.Floor(lx+2)), iy), want) || !same(img.At(int(math.Floor(rx-2)), iy), want) {
			t.Errorf("bar %d: 2 px inside its edges is not bar-coloured", i)
		}
		if same(img.At(int(math.Floor(lx-2)), iy), want) || same(img.At(int(math.Floor(rx+2)), iy), want) {
			t.Errorf("bar %d: 2 px outside its edges is bar-coloured", i)
		}
	}
}

func TestLayerProfile(t *testing.T) {
	res := synth{models: []string{"alexnet", "vgg16"}, layers: 8, regions: []string{"V1", "V4", "IT", "LOC"}, subjects: 10, scheme: inference.Both, failRegion: "LOC"}.build()
	p, err := LayerProfile(res, "alexnet")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(p.X.Label.Text, "LOC") {
		t.Errorf("failed region not named in the caption: %q", p.X.Label.Text)
	}
	saveAll(t, p, "layer_profile", 6.5*vg.Inch, 4.5*vg.Inch)

	res = synth{models: []string{"net"}, layers: 7, regions: []string{"IT"}, subjects: 10, scheme: inference.Stimuli, infCI: true}.build()
	p, err = LayerProfile(res, "net")
	if err != nil {
		t.Fatal(err)
	}
	saveAll(t, p, "layer_profile_inf_ci", 5*vg.Inch, 3.5*vg.Inch)

	if _, err := LayerProfile(res, "nope"); err == nil {
		t.Fatal("unknown model accepted")
	}
	bad := synth{models: []string{"m"}, layers: 2, regions: []string{"IT"}, subjects: 1, scheme: inference.Subjects, failRegion: "IT"}.build()
	if _, err := LayerProfile(bad, "m"); err == nil || !strings.Contains(err.Error(), "IT") {
		t.Fatalf("all regions failed: %v", err)
	}
}

func TestLayerRegionMatrix(t *testing.T) {
	res := synth{models: []string{"alexnet", "vgg16"}, layers: 8, regions: []string{"V1", "V2", "V4", "IT", "LOC"}, subjects: 10, scheme: inference.Both, failRegion: "V2"}.build()
	p, err := LayerRegionMatrix(res, "vgg16")
	if err != nil {
		t.Fatal(err)
	}
	saveAll(t, p, "layer_region_matrix", 6*vg.Inch, 5*vg.Inch)
	if _, err := LayerRegionMatrix(res, "nope"); err == nil {
		t.Fatal("unknown model accepted")
	}
	bad := synth{models: []string{"m"}, layers: 2, regions: []string{"IT"}, subjects: 1, scheme: inference.Subjects, failRegion: "IT"}.build()
	if _, err := LayerRegionMatrix(bad, "m"); err == nil {
		t.Fatal("a matrix without any score was drawn")
	}
}

func TestRDMPlot(t *testing.T) {
	rdm := func(n int) []float64 {
		v := make([]float64, 0, n*(n-1)/2)
		for i := 0; i < n; i++ {
			for j := i + 1; j < n; j++ {
				d := 1.0
				if i*4/n == j*4/n {
					d = 0.4
				}
				v = append(v, d+0.2*math.Sin(float64(i*j)))
			}
		}
		return v
	}
	names := []string{"face1", "face2", "face3", "body1", "body2", "body3", "car1", "car2", "car3", "tree1", "tree2", "tree3"}
	p, err := RDMPlot(rdm(12), 12, names, "IT · sub-01 · correlation distance")
	if err != nil {
		t.Fatal(err)
	}
	saveAll(t, p, "rdm_12", 5.5*vg.Inch, 5*vg.Inch)
	v := rdm(92)
	v[5] = math.NaN()
	p, err = RDMPlot(v, 92, nil, "alexnet/fc7 · 92 images")
	if err != nil {
		t.Fatal(err)
	}
	saveAll(t, p, "rdm_92", 5.5*vg.Inch, 5*vg.Inch)
	p, err = RDMPlot(rdm(150), 150, nil, "150 conditions (rasterised)")
	if err != nil {
		t.Fatal(err)
	}
	saveAll(t, p, "rdm_150", 5.5*vg.Inch, 5*vg.Inch)

	for _, tc := range []struct {
		vec   []float64
		n     int
		names []string
	}{
		{make([]float64, 5), 4, nil},
		{nil, 1, nil},
		{make([]float64, 6), 4, []string{"a"}},
	} {
		if _, err := RDMPlot(tc.vec, tc.n, tc.names, ""); err == nil {
			t.Errorf("RDMPlot(len %d, n %d, %d names) accepted", len(tc.vec), tc.n, len(tc.names))
		}
	}
	// A constant RDM still draws.
	if p, err := RDMPlot(make([]float64, 6), 4, nil, "zero"); err != nil {
		t.Fatal(err)
	} else if _, err := export.RenderPNG(p, 300, 300); err != nil {
		t.Fatal(err)
	}
}

func BenchmarkModelComparisonRender(b *testing.B) {
	res := synth{models: []string{"alexnet", "vgg16", "resnet50"}, layers: 8, regions: []string{"IT"}, subjects: 15, scheme: inference.Both}.build()
	for b.Loop() {
		p, _, err := ModelComparison(res, "IT", ComparisonOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := export.RenderPNG(p, 900, 600); err != nil {
			b.Fatal(err)
		}
	}
}
