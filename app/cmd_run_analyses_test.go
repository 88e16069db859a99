package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/plot/vg"

	"github.com/alignscope/alignscope/core/decode"
	"github.com/alignscope/alignscope/core/encoding"
	"github.com/alignscope/alignscope/core/lesion"
	"github.com/alignscope/alignscope/core/voxelwise"
	"github.com/alignscope/alignscope/io/export"
	"github.com/alignscope/alignscope/io/project"
	"github.com/alignscope/alignscope/ui"
)

// TestRunRecipeReplaysEncodingAndLesions replays a recipe with an
// encoding and a lesion analysis headless: the tables are byte for byte
// those of the original results, the figures those the window draws, and
// the replayed project reopens with the same numbers.
func TestRunRecipeReplaysEncodingAndLesions(t *testing.T) {
	st, _ := runState(t)
	p := st.Project
	encSpec := voxelwise.Spec{Layers: []voxelwise.LayerRef{{Model: "gabornet", Layer: "conv1"}, {Model: "gabornet", Layer: "fc"}},
		Regions: []string{"V1", "IT"}, Subjects: []string{"sub-01", "sub-03"}, Folds: 5, Alphas: encoding.DefaultAlphas(-2, 5, 6)}
	encRes, err := voxelwise.Run(context.Background(), p, encSpec, nil)
	if err != nil {
		t.Fatal(err)
	}
	les := project.LesionSettings{Model: "gabornet", Layer: "fc", Plan: project.LesionSelective, Descriptor: "animacy", Level: "animate",
		Fill: "mean", Fractions: []float64{0, 0.1, 0.3}, Draws: 10, Seed: 21, Regions: []string{"IT"}, Compare: "spearman",
		Readout: "category", Classifier: decode.Ridge, DecodeFolds: 4}
	lesSpec, err := project.LesionSpec(context.Background(), p, les)
	if err != nil {
		t.Fatal(err)
	}
	lesRes, err := lesion.Run(context.Background(), lesSpec, nil)
	if err != nil {
		t.Fatal(err)
	}
	st.Analyses = []*project.Analysis{
		{ID: "encoding-1", Kind: project.KindEncoding, Spec: encSpec, Result: encRes},
		{ID: "lesion-1", Kind: project.KindLesion, Spec: les, Result: lesRes},
	}
	tmp := t.TempDir()
	recipe := filepath.Join(tmp, "recipe.toml")
	if err := project.WriteRecipe(recipe, st, project.SaveOptions{Software: "Alignscope test"}); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(tmp, "out")
	var so, se bytes.Buffer
	if code := cmdRun([]string{recipe, "--out", out, "--figures", "svg"}, &so, &se); code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, so.String(), se.String())
	}
	if se.Len() > 0 {
		t.Errorf("stderr: %s", se.String())
	}
	wantEnc := filepath.Join(tmp, "enc.csv")
	if err := export.WriteEncodingTable(wantEnc, encRes.Table()); err != nil {
		t.Fatal(err)
	}
	wantLes := filepath.Join(tmp, "les.csv")
	if err := export.WriteLesionTable(wantLes, lesRes.Table()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(readFile(t, wantEnc), readFile(t, filepath.Join(out, "encoding-1", project.EncodingTableFile))) {
		t.Error("the replayed encoding table differs from the original")
	}
	if !bytes.Equal(readFile(t, wantLes), readFile(t, filepath.Join(out, "lesion-1", project.LesionTableFile))) {
		t.Error("the replayed lesion table differs from the original")
	}
	// the figures, as the window draws them from the original results
	for _, a := range st.Analyses {
		figs, err := ui.AnalysisFigures(a)
		if err != nil {
			t.Fatal(err)
		}
		if len(figs) == 0 {
			t.Fatalf("%s: no figures", a.ID)
		}
		for _, f := range figs {
			w := filepath.Join(tmp, f.Name+".svg")
			if err := export.SavePlot(f.Plot, w, 16*vg.Centimeter, 10*vg.Centimeter); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(readFile(t, w), readFile(t, filepath.Join(out, a.ID, "figures", f.Name+".svg"))) {
				t.Errorf("figure %s of %s differs", f.Name, a.ID)
			}
		}
	}
	for _, f := range []string{"encoding-profile-gabornet.svg", "encoding-distributions-IT.svg"} {
		if _, err := os.Stat(filepath.Join(out, "encoding-1", "figures", f)); err != nil {
			t.Error(err)
		}
	}
	for _, f := range []string{"lesion-curve-IT.svg", "lesion-curve-decoding category.svg"} {
		if _, err := os.Stat(filepath.Join(out, "lesion-1", "figures", f)); err != nil {
			t.Error(err)
		}
	}
	if m := string(readFile(t, filepath.Join(out, "methods.txt"))); !strings.Contains(m, "5-fold cross-validation") ||
		!strings.Contains(m, "10 random lesions") || !strings.Contains(m, "4-fold") {
		t.Errorf("methods:\n%s", m)
	}
	// the replayed project reopens with the same numbers
	o, err := project.Open(filepath.Join(out, "data"+project.Ext), project.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	project.AttachData(o.Project, o.Analyses)
	gotEnc, ok1 := o.Analyses[0].Result.(*voxelwise.Result)
	gotLes, ok2 := o.Analyses[1].Result.(*lesion.Result)
	if !ok1 || !ok2 {
		t.Fatalf("replayed project lacks cached results: %q", o.Warnings)
	}
	again := filepath.Join(tmp, "again.csv")
	if err := export.WriteEncodingTable(again, gotEnc.Table()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(readFile(t, wantEnc), readFile(t, again)) {
		t.Error("the replayed project's cached encoding table differs")
	}
	if err := export.WriteLesionTable(again, gotLes.Table()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(readFile(t, wantLes), readFile(t, again)) {
		t.Error("the replayed project's cached lesion table differs")
	}
}
