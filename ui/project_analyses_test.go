package ui

import (
	"bytes"
	"context"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"gonum.org/v1/gonum/mat"

	"github.com/alignscope/alignscope/core/decode"
	"github.com/alignscope/alignscope/core/lesion"
	"github.com/alignscope/alignscope/core/voxelwise"
	"github.com/alignscope/alignscope/io/export"
	"github.com/alignscope/alignscope/io/project"
)

// computeJobs counts the jobs that computed an analysis.
func computeJobs(mw *MainWindow) int {
	n := 0
	for _, j := range mw.ws.Jobs.Jobs() {
		for _, pre := range []string{"RSA", "Encoding", "Lesions"} {
			if strings.HasPrefix(j.Name, pre) {
				n++
			}
		}
	}
	return n
}

func encCSV(t *testing.T, r *voxelwise.Result) []byte {
	t.Helper()
	p := filepath.Join(t.TempDir(), "e.csv")
	if err := export.WriteEncodingTable(p, r.Table()); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	return b
}

func lesionCSV(t *testing.T, r *lesion.Result) []byte {
	t.Helper()
	p := filepath.Join(t.TempDir(), "l.csv")
	if err := export.WriteLesionTable(p, r.Table()); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	return b
}

// TestSaveAndOpenThreeAnalyses runs an RSA, an encoding and a lesion
// analysis through their pages on the demo, saves the project and opens
// it in a fresh window: every result is shown again from the cache, no
// job computes anything, the tables are byte for byte the same, and the
// recipe replays the page's numbers.
func TestSaveAndOpenThreeAnalyses(t *testing.T) {
	mw, ws := newWindow(t)
	mw.OpenDemo()
	idle(t, ws)

	rsaPg := mw.RSA()
	rsaPg.samples.SetText("20")
	test.Tap(rsaPg.run)
	idle(t, ws)

	mw.ShowPage("Encoding")
	enc := mw.Encoding()
	enc.layers.SetSelected([]string{"gabornet/conv1", "gabornet/fc", "randnet/fc"})
	enc.regions.SetSelected([]string{"V1", "IT"})
	enc.alphaNum.SetText("6")
	test.Tap(enc.run)
	idle(t, ws)

	mw.ShowPage("Lesions")
	les := mw.Lesions()
	les.model.SetSelected("gabornet")
	les.layer.SetSelected("fc")
	les.plan.SetSelected(planSelective)
	les.descriptor.SetSelected("category")
	les.regions.SetSelected([]string{"IT", "V1"})
	les.fractions.SetText("0, 10, 50")
	les.draws.SetText("10")
	les.seed.SetText("9")
	test.Tap(les.run)
	idle(t, ws)
	if msg := overlayText(t, mw.Win); msg != "" {
		t.Fatalf("dialog after the runs: %s", msg)
	}
	wantRSA, wantEnc, wantLes := rsaPg.Result(), enc.Result(), les.Result()
	if wantRSA == nil || wantEnc == nil || wantLes == nil {
		t.Fatalf("results: rsa %v, encoding %v, lesion %v", wantRSA != nil, wantEnc != nil, wantLes != nil)
	}
	as := mw.Analyses()
	kinds := map[string]int{}
	for _, a := range as {
		kinds[a.Kind]++
	}
	if kinds[project.KindRSA] != 1 || kinds[project.KindEncoding] != 1 || kinds[project.KindLesion] != 1 {
		t.Fatalf("analyses recorded: %v", kinds)
	}
	// views to come back
	enc.distRegion.SetSelected("IT")
	enc.views.SelectIndex(2)
	les.effect.SetSelected("V1")
	les.views.SelectIndex(3)

	dir := filepath.Join(t.TempDir(), "three"+project.Ext)
	mw.SaveProject(dir)
	idle(t, ws)
	if msg := overlayText(t, mw.Win); msg != "" {
		t.Fatalf("dialog after saving: %s", msg)
	}

	mw2, ws2 := newWindow(t)
	mw2.OpenProject(dir)
	idle(t, ws2)
	if msg := overlayText(t, mw2.Win); msg != "" {
		t.Fatalf("dialog after opening: %s", msg)
	}
	if n := computeJobs(mw2); n != 0 {
		t.Fatalf("%d analysis jobs after opening: the cached results were computed again", n)
	}
	if mw2.RSA().Result() == nil {
		t.Error("the RSA page shows no result")
	}
	enc2, les2 := mw2.Encoding(), mw2.Lesions()
	gotEnc, gotLes := enc2.Result(), les2.Result()
	if gotEnc == nil || gotLes == nil {
		t.Fatalf("results shown: encoding %v, lesion %v", gotEnc != nil, gotLes != nil)
	}
	if !bytes.Equal(encCSV(t, wantEnc), encCSV(t, gotEnc)) {
		t.Error("the reopened encoding table differs")
	}
	if !bytes.Equal(lesionCSV(t, wantLes), lesionCSV(t, gotLes)) {
		t.Error("the reopened lesion table differs")
	}
	if gotEnc.Fits[0].Geometry == nil || len(gotEnc.Fits[0].Geometry.Voxels) != len(gotEnc.Fits[0].CV.R2) {
		t.Error("the reopened encoding fits have no voxel geometry")
	}
	if enc2.distRegion.Selected != "IT" || enc2.views.SelectedIndex() != 2 || les2.effect.Selected != "V1" || les2.views.SelectedIndex() != 3 {
		t.Errorf("views: distributions of %q, encoding tab %d, effect %q, lesion tab %d", enc2.distRegion.Selected,
			enc2.views.SelectedIndex(), les2.effect.Selected, les2.views.SelectedIndex())
	}
	if les2.fractions.Text != "0, 10, 50" || les2.draws.Text != "10" || les2.model.Selected != "gabornet" || les2.layer.Selected != "fc" ||
		strings.Join(enc2.layers.Selected, ",") != "gabornet/conv1,gabornet/fc,randnet/fc" || enc2.alphaNum.Text != "6" {
		t.Errorf("choices: fractions %q, draws %q, layer %s/%s, encoding layers %v, penalties %q", les2.fractions.Text, les2.draws.Text,
			les2.model.Selected, les2.layer.Selected, enc2.layers.Selected, enc2.alphaNum.Text)
	}
	if !strings.Contains(enc2.runInfo.Text, "saved project") || !strings.Contains(les2.runInfo.Text, "saved project") {
		t.Errorf("run info %q, %q", enc2.runInfo.Text, les2.runInfo.Text)
	}
	// the same choices are served from the cache
	test.Tap(enc2.run)
	test.Tap(les2.run)
	if n := computeJobs(mw2); n != 0 || !strings.Contains(enc2.runInfo.Text, "cache") || !strings.Contains(les2.runInfo.Text, "cache") {
		t.Errorf("run after opening: %d jobs, %q, %q", n, enc2.runInfo.Text, les2.runInfo.Text)
	}
	if got := len(mw2.Analyses()); got != 3 {
		t.Errorf("%d analyses after opening", got)
	}

	// the recipe replays the pages' numbers: the Lesions page and
	// project.LesionSpec build the same analysis
	out := t.TempDir()
	recipe := filepath.Join(out, "recipe.toml")
	if err := mw2.ExportRecipe(recipe); err != nil {
		t.Fatal(err)
	}
	o, err := project.ReadRecipe(recipe, project.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range o.Analyses {
		res, err := a.Run(context.Background(), o.Project, nil)
		if err != nil {
			t.Fatalf("%s: %v", a.ID, err)
		}
		switch r := res.(type) {
		case *voxelwise.Result:
			if !bytes.Equal(encCSV(t, wantEnc), encCSV(t, r)) {
				t.Error("the replayed encoding table differs")
			}
		case *lesion.Result:
			if !bytes.Equal(lesionCSV(t, wantLes), lesionCSV(t, r)) {
				t.Error("the replayed lesion table differs")
			}
		}
	}
	// methods text and report cover all three
	if err := mw2.ExportMethods(filepath.Join(out, "methods.txt")); err != nil {
		t.Fatal(err)
	}
	m, _ := os.ReadFile(filepath.Join(out, "methods.txt"))
	for _, w := range []string{"Representational similarity analysis", "Voxel-wise encoding models", "In silico lesions", "10 random lesions"} {
		if !strings.Contains(string(m), w) {
			t.Errorf("methods lack %q", w)
		}
	}
	mw2.ExportReport(filepath.Join(out, "report.pdf"))
	idle(t, ws2)
	h, _ := os.ReadFile(filepath.Join(out, "report.html"))
	for _, w := range []string{"Layer profile of gabornet", "Distribution of the cross-validated R²", "Lesion curve of IT", "Lesion effects",
		"Encoding scores (median over targets)"} {
		if !bytes.Contains(h, []byte(w)) {
			t.Errorf("report lacks %q", w)
		}
	}
}

func TestEncodingAndLesionFigures(t *testing.T) {
	if figs, err := AnalysisFigures(&project.Analysis{Kind: project.KindLesion, Result: &lesion.Result{}}); err != nil || len(figs) != 0 {
		t.Errorf("no effects: %d figures, %v", len(figs), err)
	}
	if _, err := AnalysisFigures(&project.Analysis{ID: "x", Kind: project.KindEncoding, Result: 3}); err == nil {
		t.Error("a result of the wrong type gave no error")
	}
}

// TestLesionPageBuildsWhatProjectsReplay checks, plan by plan, that the
// Lesions page's request and the project's LesionSettings stand for the
// same analysis: the page's buildSpec and project.LesionSpec give the
// same plan, targets and readout, and the settings survive the way to a
// request and back.
func TestLesionPageBuildsWhatProjectsReplay(t *testing.T) {
	mw, ws := newWindow(t)
	mw.OpenDemo()
	idle(t, ws)
	p := mw.ws.Project()
	ctx := context.Background()
	for label, word := range lesionPlanWords {
		s := project.LesionSettings{Model: "gabornet", Layer: "fc", Plan: word, Descriptor: "category", Fill: "mean",
			Fractions: []float64{0, 0.1, 0.5}, Draws: 10, Seed: 4, Regions: []string{"IT", "V4"}, Compare: "spearman",
			Readout: "animacy", Classifier: "ridge", DecodeFolds: 5}
		switch word {
		case project.LesionSelective:
			s.Level = "face"
		case project.LesionSelectiveChannels, project.LesionRandomChannels:
			s.Layer = "conv2"
		case project.LesionWeights:
			s.WeightRegion = "V1"
		case project.LesionUnits:
			s.Units = []int{1, 5, 8}
		}
		req, ok := lesionRequestOf(p, s)
		if !ok || req.plan != label {
			t.Fatalf("%s: request %+v", word, req)
		}
		if back := req.settings(p); !reflect.DeepEqual(back, s) {
			t.Errorf("%s: settings %+v\nback %+v", word, s, back)
		}
		a, err := buildSpec(ctx, p, req)
		if err != nil {
			t.Fatalf("%s: page: %v", word, err)
		}
		b, err := project.LesionSpec(ctx, p, s)
		if err != nil {
			t.Fatalf("%s: project: %v", word, err)
		}
		if a.Layer != b.Layer || a.Fill != b.Fill || !reflect.DeepEqual(a.Fractions, b.Fractions) || a.Draws != b.Draws ||
			a.Seed != b.Seed || a.Compare != b.Compare {
			t.Errorf("%s: spec %+v vs %+v", word, a, b)
		}
		pa, pb := a.Plan, b.Plan
		if pa.Name != pb.Name || pa.Kind != pb.Kind || pa.Units != pb.Units || pa.Channels != pb.Channels || pa.Size != pb.Size ||
			!reflect.DeepEqual(pa.Groups, pb.Groups) || len(pa.Score) != len(pb.Score) {
			t.Errorf("%s: plan %s vs %s", word, pa.Name, pb.Name)
		}
		for i := range pa.Score {
			if math.Float64bits(pa.Score[i]) != math.Float64bits(pb.Score[i]) {
				t.Errorf("%s: score of unit %d: %v vs %v", word, i, pa.Score[i], pb.Score[i])
				break
			}
		}
		if len(a.Regions) != len(b.Regions) {
			t.Fatalf("%s: %d regions vs %d", word, len(a.Regions), len(b.Regions))
		}
		for i := range a.Regions {
			ra, rb := a.Regions[i], b.Regions[i]
			if ra.Name != rb.Name || !reflect.DeepEqual(ra.Subjects, rb.Subjects) || !mat.Equal(ra.RDMs, rb.RDMs) {
				t.Errorf("%s: region %s differs", word, ra.Name)
			}
		}
		oa, ob := a.Readout, b.Readout
		if oa == nil || ob == nil || oa.Descriptor != ob.Descriptor || !reflect.DeepEqual(oa.Labels, ob.Labels) || oa.Options.Seed != ob.Options.Seed ||
			or(oa.Options.Method, decode.Ridge) != or(ob.Options.Method, decode.Ridge) || folds(oa.Options.Folds) != folds(ob.Options.Folds) {
			t.Errorf("%s: readout %+v vs %+v", word, oa, ob)
		}
	}
}

// folds resolves decode.Options.Folds.
func folds(k int) int {
	if k == 0 {
		return decode.DefaultFolds
	}
	return k
}

// or resolves an empty option to its default.
func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
