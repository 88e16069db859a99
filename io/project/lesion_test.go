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

	"github.com/alignscope/alignscope/core/decode"
	"github.com/alignscope/alignscope/core/lesion"
	"github.com/alignscope/alignscope/io/export"
)

// demoLesion is a small lesion analysis of the demo: the most
// category-selective units of gabornet/fc, few random draws, IT and V1
// and the decoding of the category.
func demoLesion() LesionSettings {
	return LesionSettings{Model: "gabornet", Layer: "fc", Plan: LesionSelective, Descriptor: "category", Fill: "zero",
		Fractions: []float64{0, 0.05, 0.2, 0.5}, Draws: 12, Seed: 5, Regions: []string{"IT", "V1"}, Compare: "spearman",
		Readout: "category", Classifier: decode.Ridge, DecodeFolds: decode.DefaultFolds}
}

func runLesion(t testing.TB, a *Analysis, st *State) *lesion.Result {
	t.Helper()
	r, err := a.Run(context.Background(), st.Project, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r.(*lesion.Result)
}

// sameLesion compares two lesion results bit for bit.
func sameLesion(t *testing.T, a, b *lesion.Result) {
	t.Helper()
	sameBits(t, "lesion", reflect.ValueOf(a), reflect.ValueOf(b))
	if (a.Detail == nil) != (b.Detail == nil) {
		t.Fatal("detail nil differs")
	}
	if a.Detail != nil {
		for _, d := range [][2]*decode.Result{{a.Detail.IntactDecode, b.Detail.IntactDecode}, {a.Detail.LesionedDecode, b.Detail.LesionedDecode}} {
			if (d[0] == nil) != (d[1] == nil) {
				t.Fatal("decoding nil differs")
			}
			if d[0] != nil {
				sameDense(t, "confusion", d[0].Confusion, d[1].Confusion)
			}
		}
	}
}

func lesionTableBytes(t *testing.T, r *lesion.Result) []byte {
	t.Helper()
	p := filepath.Join(t.TempDir(), "t.csv")
	if err := export.WriteLesionTable(p, r.Table()); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestLesionRoundTrip(t *testing.T) {
	p := demoProject(t)
	st := &State{Project: p}
	units := demoLesion()
	units.Plan, units.Units, units.Fill, units.Readout, units.Classifier, units.Seed = LesionUnits, []int{3, 17, 42}, "mean", "", "", math.MaxUint64
	units.Regions = []string{"V4"}
	chans := demoLesion()
	chans.Layer, chans.Plan, chans.Descriptor, chans.Level, chans.Classifier = "conv2", LesionSelectiveChannels, "animacy", "animate", decode.NCM
	st.Analyses = []*Analysis{
		{ID: "lesion-1", Kind: KindLesion, Label: "selective fc", Spec: demoLesion()},
		{ID: "lesion-2", Kind: KindLesion, Spec: units},
		{ID: "lesion-3", Kind: KindLesion, Spec: chans},
		{ID: "lesion-4", Kind: KindLesion, Spec: LesionSettings{Model: "randnet", Layer: "conv1", Plan: LesionRandomChannels, Fill: "zero",
			Fractions: []float64{0.25, 1}, Draws: 10, Seed: 2, Compare: "corr", Readout: "animacy"}},
		{ID: "lesion-5", Kind: KindLesion, Spec: LesionSettings{Model: "gabornet", Layer: "conv3", Plan: LesionVariance, Fill: "zero",
			Fractions: []float64{0.1}, Draws: 10, Seed: 2, Compare: "cosine", Regions: []string{"IT"}}},
		{ID: "lesion-6", Kind: KindLesion, Spec: LesionSettings{Model: "gabornet", Layer: "fc", Plan: LesionWeights, WeightRegion: "IT",
			Fill: "zero", Fractions: []float64{0.1, 0.3}, Draws: 10, Seed: 4, Compare: "spearman", Regions: []string{"IT"}}},
	}
	for _, a := range st.Analyses {
		a.Result = runLesion(t, a, st)
	}
	if d := st.Analyses[1].Result.(*lesion.Result).Detail; d == nil || d.IntactDecode != nil {
		t.Fatal("the units lesion without a readout should have a detail without decoding")
	}
	dir := filepath.Join(t.TempDir(), "les"+Ext)
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
	for i, a := range st.Analyses {
		b := o.Analyses[i]
		want := a.Spec.(LesionSettings)
		want.Classifier, want.DecodeFolds = want.classifier(), want.decodeFolds()
		if b.Kind != KindLesion || b.Label != a.Label || !reflect.DeepEqual(b.Spec, want) {
			t.Errorf("analysis %s: %+v\nwant %+v", a.ID, b.Spec, want)
		}
		ha, _ := a.SettingsHash()
		hb, _ := b.SettingsHash()
		if ha != hb {
			t.Errorf("analysis %s: settings hash changed", a.ID)
		}
		got, ok := b.Result.(*lesion.Result)
		if !ok {
			t.Fatalf("analysis %s: result %T", a.ID, b.Result)
		}
		sameLesion(t, a.Result.(*lesion.Result), got)
		if !bytes.Equal(lesionTableBytes(t, a.Result.(*lesion.Result)), lesionTableBytes(t, got)) {
			t.Errorf("analysis %s: tables differ", a.ID)
		}
	}
	text, _ := os.ReadFile(filepath.Join(dir, FileName))
	for _, w := range []string{`kind = "lesion"`, `plan = "selective"`, "fractions = [0.0, 0.05, 0.2, 0.5]", `seed = "18446744073709551615"`,
		"units = [3, 17, 42]", `classifier = "ncm"`, `level = "animate"`, `weight_region = "IT"`, `plan = "weights"`} {
		if !strings.Contains(string(text), w) {
			t.Errorf("project.toml lacks %s:\n%s", w, text)
		}
	}
}

func TestLesionRecipeReplaysSameNumbers(t *testing.T) {
	root := t.TempDir()
	st := fileState(t, root)
	st.Analyses = []*Analysis{{ID: "lesion-1", Kind: KindLesion, Spec: demoLesion()}}
	want := runLesion(t, st.Analyses[0], st)
	recipe := filepath.Join(root, "recipe.toml")
	if err := WriteRecipe(recipe, st, SaveOptions{Software: software}); err != nil {
		t.Fatal(err)
	}
	o, err := ReadRecipe(recipe, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := runLesion(t, o.Analyses[0], &o.State)
	sameLesion(t, want, got)
	if !bytes.Equal(lesionTableBytes(t, want), lesionTableBytes(t, got)) {
		t.Error("tables differ")
	}
	// the numbers say what the demo was made to show
	it := got.Effects[0]
	if it.Name != "IT" || !(it.Targeted[2] < it.NullLow[2]) {
		t.Errorf("IT: targeted %v, band low %v", it.Targeted, it.NullLow)
	}
}

func TestLesionSpecMatchesCore(t *testing.T) {
	p := demoProject(t)
	s := demoLesion()
	spec, err := LesionSpec(context.Background(), p, s)
	if err != nil {
		t.Fatal(err)
	}
	c := lesion.Contrast{Descriptor: "category", Values: p.Stimuli.Descriptor("category")}
	plan, err := lesion.Selective(context.Background(), p.Model("gabornet").Layer("fc").Data, c, lesion.Highest)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(spec.Plan.Groups, plan.Groups) || spec.Plan.Name != plan.Name {
		t.Errorf("plan %s differs from lesion.Selective's %s", spec.Plan.Name, plan.Name)
	}
	if len(spec.Regions) != 2 || spec.Regions[0].Name != "IT" || spec.Readout == nil || spec.Readout.Options.Seed != 5 {
		t.Errorf("spec %+v", spec)
	}
	for _, c := range []struct {
		edit func(*LesionSettings)
		want string
	}{
		{func(s *LesionSettings) { s.Layer = "nope" }, "no layer gabornet/nope"},
		{func(s *LesionSettings) { s.Descriptor = "shape" }, `no column "shape"`},
		{func(s *LesionSettings) { s.Readout = "shape" }, `no column "shape"`},
		{func(s *LesionSettings) { s.Plan = "mystery" }, "unknown lesion plan"},
		{func(s *LesionSettings) { s.Regions, s.Readout = nil, "" }, "nothing to measure"},
		{func(s *LesionSettings) { s.Fractions = []float64{0, 1.5} }, "outside 0–1"},
		{func(s *LesionSettings) { s.Plan, s.Units = LesionUnits, []int{1, 100000} }, ""},
		{func(s *LesionSettings) { s.Regions = []string{"MT"} }, "MT"},
	} {
		s := demoLesion()
		c.edit(&s)
		_, err := LesionSpec(context.Background(), p, s)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want %q", s, err, c.want)
		}
	}
}

func TestLesionMethodsAndSummary(t *testing.T) {
	s := demoLesion()
	s.Level = "face"
	m := MethodsParagraph(&Analysis{Kind: KindLesion, Spec: s}, "Alignscope 9.9")
	for _, w := range []string{"Alignscope 9.9", "layer fc of gabornet", `most selective for the descriptor "category"`, `"face" and the other levels`,
		"0, 5, 20 and 50 %", "12 random lesions", "random seed 5", "(1 + #{random changes ≤ targeted change}) / (1 + number of random lesions)",
		"IT and V1", "Spearman's rank correlation", "ridge classifier", "5-fold", "set to zero"} {
		if !strings.Contains(m, w) {
			t.Errorf("methods lack %q:\n%s", w, m)
		}
	}
	u := s
	u.Plan, u.Units, u.Fill, u.Classifier = LesionUnits, []int{1, 2}, "mean", decode.NCM
	m = MethodsParagraph(&Analysis{Kind: KindLesion, Spec: u}, "A")
	for _, w := range []string{"fixed set of 2 units (1, 2)", "mean activation", "nearest-class-mean"} {
		if !strings.Contains(m, w) {
			t.Errorf("methods lack %q:\n%s", w, m)
		}
	}
	if sum := (&Analysis{Kind: KindLesion, Spec: s}).Summary(); !strings.Contains(sum, "gabornet/fc · selective (category: face vs rest)") ||
		!strings.Contains(sum, "12 draws, seed 5") {
		t.Errorf("summary %q", sum)
	}
}

func TestBadLesionSettings(t *testing.T) {
	p := demoProject(t)
	dir := filepath.Join(t.TempDir(), "l"+Ext)
	if err := Save(dir, &State{Project: p, Analyses: []*Analysis{{ID: "lesion-1", Kind: KindLesion, Spec: demoLesion()}}}, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, FileName)
	orig, _ := os.ReadFile(file)
	for _, c := range []struct{ from, to, want, key string }{
		{`plan = "selective"`, `plan = "best"`, "unknown lesion plan", "plan ="},
		{"draws = 12", "draws = 0", "random draws must be from 1", "draws ="},
		{"draws = 12", "", "draws is missing", ""},
		{"seed = 5", "seed = -5", "negative", "seed ="},
		{"fractions = [0.0, 0.05, 0.2, 0.5]", "fractions = [0.0, 2.0]", "outside 0–1", "fractions ="},
		{`fill = "zero"`, `fill = "half"`, "unknown fill", "fill ="},
		{`compare = "spearman"`, `compare = "best"`, "unknown RDM comparison", "compare ="},
		{`descriptor = "category"`, `descriptor = ""`, "choose a descriptor", "descriptor ="},
		{`classifier = "ridge"`, `classifier = "svm"`, "unknown classifier", "classifier ="},
		{`model = "gabornet"`, `model = ""`, "model is missing", "model ="},
	} {
		text := strings.Replace(string(orig), c.from, c.to, 1)
		if text == string(orig) {
			t.Fatalf("%q not in\n%s", c.from, orig)
		}
		os.WriteFile(file, []byte(text), 0o644)
		_, err := Open(dir, OpenOptions{})
		var fe *FormatError
		switch {
		case err == nil || !strings.Contains(err.Error(), c.want):
			t.Errorf("%s → %s: error %v, want %q", c.from, c.to, err, c.want)
		case !errors.As(err, &fe) || fe.Line == 0:
			t.Errorf("%s → %s: %v does not name a line", c.from, c.to, err)
		case c.key != "" && fe.Line != lineOf(text, c.key):
			t.Errorf("%s → %s: line %d, want %d (%s)", c.from, c.to, fe.Line, lineOf(text, c.key), c.key)
		}
	}
}
