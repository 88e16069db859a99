package project

import (
	"bytes"
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/alignscope/alignscope/assets"
	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/encoding"
	"github.com/alignscope/alignscope/core/voxelwise"
	"github.com/alignscope/alignscope/io/export"
	"github.com/alignscope/alignscope/io/loader"
	"github.com/alignscope/alignscope/io/report"
)

func demoProject(t testing.TB) *data.Project {
	t.Helper()
	p, err := loader.LoadFolderFS(assets.DemoRoot(), "Demo project")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// demoEncSpec is a small encoding analysis of the demo: an early and a
// late layer of each network, every region, two subjects.
func demoEncSpec() voxelwise.Spec {
	return voxelwise.Spec{
		Layers: []voxelwise.LayerRef{{Model: "gabornet", Layer: "conv1"}, {Model: "gabornet", Layer: "fc"},
			{Model: "randnet", Layer: "conv1"}},
		Regions: []string{"V1", "IT"}, Subjects: []string{"sub-01", "sub-02"},
		Folds: 4, Alphas: encoding.DefaultAlphas(-2, 5, 8)}
}

func runEnc(t testing.TB, p *data.Project, s voxelwise.Spec) *voxelwise.Result {
	t.Helper()
	r, err := voxelwise.Run(context.Background(), p, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// sameDense compares two matrices bit for bit (both nil is equal).
func sameDense(t *testing.T, name string, a, b *mat.Dense) {
	t.Helper()
	if (a == nil) != (b == nil) {
		t.Errorf("%s: nil %v vs %v", name, a == nil, b == nil)
		return
	}
	if a == nil {
		return
	}
	if a.IsEmpty() || b.IsEmpty() {
		if a.IsEmpty() != b.IsEmpty() {
			t.Errorf("%s: empty %v vs %v", name, a.IsEmpty(), b.IsEmpty())
		}
		return
	}
	ra, ca := a.Dims()
	rb, cb := b.Dims()
	if ra != rb || ca != cb {
		t.Errorf("%s: %d×%d vs %d×%d", name, ra, ca, rb, cb)
		return
	}
	for i := 0; i < ra; i++ {
		for j := 0; j < ca; j++ {
			if math.Float64bits(a.At(i, j)) != math.Float64bits(b.At(i, j)) {
				t.Errorf("%s[%d,%d]: %v ≠ %v", name, i, j, a.At(i, j), b.At(i, j))
				return
			}
		}
	}
}

// sameEnc compares two encoding results bit for bit, except the fold
// scores of every penalty, which the cache does not keep.
func sameEnc(t *testing.T, a, b *voxelwise.Result) {
	t.Helper()
	if len(a.Fits) != len(b.Fits) {
		t.Fatalf("%d fits vs %d", len(a.Fits), len(b.Fits))
	}
	if !reflect.DeepEqual(a.Spec, b.Spec) {
		t.Errorf("spec %+v vs %+v", a.Spec, b.Spec)
	}
	for i := range a.Fits {
		fa, fb := *a.Fits[i], *b.Fits[i]
		ca, cb := *fa.CV, *fb.CV
		ca.Scores, cb.Scores = nil, nil
		sameDense(t, "MeanScore", ca.MeanScore, cb.MeanScore)
		ca.MeanScore, cb.MeanScore = nil, nil
		fa.CV, fb.CV = &ca, &cb
		sameBits(t, "fit "+fa.Layer.String()+" "+fa.Subject+" "+fa.Region, reflect.ValueOf(&fa), reflect.ValueOf(&fb))
		if fa.Geometry != fb.Geometry {
			t.Errorf("fit %d: geometry %p vs %p", i, fa.Geometry, fb.Geometry)
		}
	}
}

func encTableBytes(t *testing.T, r *voxelwise.Result) []byte {
	t.Helper()
	p := filepath.Join(t.TempDir(), "t.csv")
	if err := export.WriteEncodingTable(p, r.Table()); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestEncodingRoundTrip(t *testing.T) {
	p := demoProject(t)
	spec := demoEncSpec()
	want := runEnc(t, p, spec)
	if want.Fits[0].Geometry == nil {
		t.Fatal("the demo's sub-01 has no voxel geometry: the test needs one")
	}
	ceiled := false
	for _, f := range want.Fits {
		ceiled = ceiled || f.Ceiling != nil
	}
	st := &State{Project: p, Analyses: []*Analysis{{ID: "encoding-1", Kind: KindEncoding, Label: "early vs late", Spec: spec, Result: want}}}
	dir := filepath.Join(t.TempDir(), "enc"+Ext)
	if err := Save(dir, st, SaveOptions{Software: software}); err != nil {
		t.Fatal(err)
	}
	o, err := Open(dir, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Warnings) > 0 {
		t.Errorf("warnings %q", o.Warnings)
	}
	a := o.Analyses[0]
	if a.Kind != KindEncoding || a.Label != "early vs late" || !reflect.DeepEqual(a.Spec, spec) {
		t.Fatalf("analysis %+v", a)
	}
	got, ok := a.Result.(*voxelwise.Result)
	if !ok {
		t.Fatalf("result %T", a.Result)
	}
	for _, f := range got.Fits {
		if f.Geometry != nil {
			t.Fatal("the cache holds the geometry: it belongs to the recordings")
		}
	}
	AttachData(o.Project, o.Analyses)
	// the geometry is the reopened project's
	for i, f := range got.Fits {
		if g := want.Fits[i].Geometry; (g == nil) != (f.Geometry == nil) || g != nil && !reflect.DeepEqual(g.Voxels, f.Geometry.Voxels) {
			t.Errorf("fit %d: geometry not re-attached", i)
		}
		f.Geometry = want.Fits[i].Geometry
	}
	sameEnc(t, want, got)
	if !bytes.Equal(encTableBytes(t, want), encTableBytes(t, got)) {
		t.Error("tables differ")
	}
	// the folder holds the numbers and a table for people
	ents, _ := os.ReadDir(filepath.Join(dir, ResultsDir))
	if len(ents) != 1 {
		t.Fatalf("results %v", ents)
	}
	for _, f := range []string{"result.npz", "result.toml", "cache.toml", EncodingTableFile} {
		if _, err := os.Stat(filepath.Join(dir, ResultsDir, ents[0].Name(), f)); err != nil {
			t.Error(err)
		}
	}
	text, _ := os.ReadFile(filepath.Join(dir, FileName))
	for _, w := range []string{`kind = "encoding"`, "folds = 4", "alphas = [0.01, ", `["gabornet", "fc"]`} {
		if !strings.Contains(string(text), w) {
			t.Errorf("project.toml lacks %s:\n%s", w, text)
		}
	}
	t.Logf("ceiling-normalised scores present: %v", ceiled)
}

func TestEncodingRecipeReplaysSameNumbers(t *testing.T) {
	root := t.TempDir()
	copyDemo(t, filepath.Join(root, "data"))
	p, err := loader.LoadFolder(filepath.Join(root, "data"))
	if err != nil {
		t.Fatal(err)
	}
	spec := demoEncSpec()
	spec.Alphas = []float64{0.1, 3, 1e4 / 3}
	want := runEnc(t, p, spec)
	recipe := filepath.Join(root, "recipe.toml")
	if err := WriteRecipe(recipe, &State{Project: p, Analyses: []*Analysis{{ID: "enc", Kind: KindEncoding, Spec: spec, Result: want}}},
		SaveOptions{Software: software}); err != nil {
		t.Fatal(err)
	}
	o, err := ReadRecipe(recipe, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(o.Analyses[0].Spec, spec) {
		t.Fatalf("spec %+v vs %+v", o.Analyses[0].Spec, spec)
	}
	res, err := o.Analyses[0].Run(context.Background(), o.Project, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := res.(*voxelwise.Result)
	for i, f := range got.Fits {
		if !reflect.DeepEqual(f.Geometry, want.Fits[i].Geometry) {
			t.Fatalf("fit %d: geometry differs", i)
		}
		f.Geometry = want.Fits[i].Geometry
	}
	sameEnc(t, want, got)
	if !bytes.Equal(encTableBytes(t, want), encTableBytes(t, got)) {
		t.Error("tables differ")
	}
}

func TestEncodingMethodsAndSummary(t *testing.T) {
	spec := demoEncSpec()
	spec.Alphas = encoding.DefaultAlphas(-2, 5, 10)
	m := MethodsParagraph(&Analysis{Kind: KindEncoding, Spec: spec}, "Alignscope 9.9")
	for _, w := range []string{"Alignscope 9.9", "ridge regression", "4-fold cross-validation", "contiguous blocks",
		"10 values log-spaced from 0.01 to 1e+05", "himalaya", "Spearman–Brown", "r²/reliability", "gabornet: conv1, fc; randnet: conv1",
		"V1 and IT", "2 subjects (sub-01 and sub-02)", "R²"} {
		if !strings.Contains(m, w) {
			t.Errorf("methods lack %q:\n%s", w, m)
		}
	}
	spec.Alphas = []float64{1, 3, 100}
	if m := MethodsParagraph(&Analysis{Kind: KindEncoding, Spec: spec}, "A"); !strings.Contains(m, "3 values (1, 3, 100)") {
		t.Errorf("methods of a hand-made grid:\n%s", m)
	}
	s := (&Analysis{Kind: KindEncoding, Spec: spec}).Summary()
	if !strings.Contains(s, "3 layers × 2 regions") || !strings.Contains(s, "4-fold") {
		t.Errorf("summary %q", s)
	}
}

func TestEncodingReport(t *testing.T) {
	p := demoProject(t)
	spec := demoEncSpec()
	spec.Layers = spec.Layers[:2]
	res := runEnc(t, p, spec)
	st := &State{Project: p, Analyses: []*Analysis{{ID: "encoding-1", Kind: KindEncoding, Spec: spec, Result: res}}}
	doc, err := BuildReport(st, ReportOptions{Software: software})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := report.WriteHTML(&b, doc); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"Encoding scores (median over targets)", "gabornet", "R² median", "ridge regression"} {
		if !strings.Contains(b.String(), w) {
			t.Errorf("report lacks %q", w)
		}
	}
}

func TestBadEncodingSettings(t *testing.T) {
	p := demoProject(t)
	spec := demoEncSpec()
	dir := filepath.Join(t.TempDir(), "e"+Ext)
	if err := Save(dir, &State{Project: p, Analyses: []*Analysis{{ID: "encoding-1", Kind: KindEncoding, Spec: spec}}}, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, FileName)
	orig, _ := os.ReadFile(file)
	for _, c := range []struct{ from, to, want string }{
		{"folds = 4", "folds = 1", "folds = 1: use 2 to"},
		{"folds = 4", "", "folds is missing"},
		{"alphas = [", "alphas = [-1.0, ", "not a positive, finite penalty"},
		{"alphas = [", "alphas = []\nxalphas = [", "alphas is missing"},
		{`regions = ["V1", "IT"]`, "regions = []", "at least one region"},
		{`["gabornet", "fc"],`, `["gabornet"],`, "not a [model, layer] pair"},
	} {
		text := strings.Replace(string(orig), c.from, c.to, 1)
		if text == string(orig) {
			t.Fatalf("%q not in\n%s", c.from, orig)
		}
		os.WriteFile(file, []byte(text), 0o644)
		_, err := Open(dir, OpenOptions{})
		var fe *FormatError
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s → %s: error %v, want %q", c.from, c.to, err, c.want)
		} else if !errors.As(err, &fe) || fe.Line == 0 {
			t.Errorf("%s → %s: %v does not name a line", c.from, c.to, err)
		}
	}
}
