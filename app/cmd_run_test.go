package main

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/plot/vg"

	"github.com/alignscope/alignscope/assets"
	"github.com/alignscope/alignscope/core/inference"
	"github.com/alignscope/alignscope/core/rsa"
	"github.com/alignscope/alignscope/io/export"
	"github.com/alignscope/alignscope/io/loader"
	"github.com/alignscope/alignscope/io/project"
	"github.com/alignscope/alignscope/ui"
)

// runState is a project as the window would have it: the demo data
// folder copied to disk, a model renamed, an RSA analysis run.
func runState(t *testing.T) (*project.State, string) {
	t.Helper()
	root := t.TempDir()
	dataDir := filepath.Join(root, "data")
	err := fs.WalkDir(assets.DemoRoot(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		dst := filepath.Join(dataDir, filepath.FromSlash(p))
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		b, err := fs.ReadFile(assets.DemoRoot(), p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	p, err := loader.LoadFolder(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Rename("model", "randnet", "random"); err != nil {
		t.Fatal(err)
	}
	spec := rsa.Spec{Regions: p.RegionNames(), Distance: "correlation", Compare: "spearman",
		Scheme: inference.Both, Samples: 30, Seed: 11, Correction: "fdr"}
	for _, m := range p.Models {
		for _, l := range m.Layers {
			spec.Layers = append(spec.Layers, rsa.LayerRef{Model: m.Name, Layer: l.Name})
		}
	}
	for _, s := range p.Subjects {
		spec.Subjects = append(spec.Subjects, s.Name)
	}
	res, err := rsa.Run(context.Background(), p, spec, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &project.State{Project: p, Analyses: []*project.Analysis{{ID: "rsa-1", Kind: project.KindRSA, Spec: spec, Result: res}}}, dataDir
}

func readFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRunRecipeReplaysTheSameNumbersAndFigures(t *testing.T) {
	st, _ := runState(t)
	tmp := t.TempDir()
	recipe := filepath.Join(tmp, "recipe.toml")
	if err := project.WriteRecipe(recipe, st, project.SaveOptions{Software: "Alignscope test"}); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(tmp, "out")
	var so, se bytes.Buffer
	// flags after the recipe, as in the usage line
	if code := cmdRun([]string{recipe, "--out", out, "--figures", "svg,png"}, &so, &se); code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, so.String(), se.String())
	}
	t.Log(so.String())
	// the table, byte for byte as the page exports it
	want := filepath.Join(tmp, "want.csv")
	res := st.Analyses[0].Result.(*rsa.Result)
	if err := export.WriteRSATable(want, res.Table()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(readFile(t, want), readFile(t, filepath.Join(out, "rsa-1", project.RSATableFile))) {
		t.Fatal("the replayed table differs from the original")
	}
	// the figures, byte for byte as the page's Export figure writes them
	figs, err := ui.AnalysisFigures(st.Analyses[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(figs) != 3+2*2 {
		t.Fatalf("%d figures, want 3 comparisons + 2 profiles + 2 matrices", len(figs))
	}
	for _, ext := range []string{".svg", ".png"} {
		figs, _ := ui.AnalysisFigures(st.Analyses[0])
		for _, f := range figs {
			w := filepath.Join(tmp, f.Name+ext)
			if err := export.SavePlot(f.Plot, w, 16*vg.Centimeter, 10*vg.Centimeter); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(readFile(t, w), readFile(t, filepath.Join(out, "rsa-1", "figures", f.Name+ext))) {
				t.Errorf("figure %s%s differs", f.Name, ext)
			}
		}
	}
	// methods, report, and the replayed project with its result
	if m := string(readFile(t, filepath.Join(out, "methods.txt"))); !strings.Contains(m, "random seed 11") || !strings.Contains(m, "30 bootstrap samples") {
		t.Errorf("methods:\n%s", m)
	}
	if !bytes.HasPrefix(readFile(t, filepath.Join(out, "report.pdf")), []byte("%PDF-")) {
		t.Error("report.pdf is not a PDF")
	}
	if h := readFile(t, filepath.Join(out, "report.html")); !bytes.Contains(h, []byte("rsa-comparison-IT")) {
		t.Error("report.html lacks the IT comparison")
	}
	o, err := project.Open(filepath.Join(out, "data"+project.Ext), project.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, ok := o.Analyses[0].Result.(*rsa.Result)
	if !ok {
		t.Fatalf("replayed project has no cached result: %q", o.Warnings)
	}
	again := filepath.Join(tmp, "again.csv")
	if err := export.WriteRSATable(again, got.Table()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(readFile(t, want), readFile(t, again)) {
		t.Error("the replayed project's cached table differs")
	}
}

func TestRunRecipeProblems(t *testing.T) {
	st, dataDir := runState(t)
	tmp := t.TempDir()
	recipe := filepath.Join(tmp, "recipe.toml")
	if err := project.WriteRecipe(recipe, st, project.SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	var so, se bytes.Buffer
	if code := cmdRun([]string{recipe}, &so, &se); code != 2 || !strings.Contains(se.String(), "--out") {
		t.Errorf("no --out: exit %d, %q", code, se.String())
	}
	se.Reset()
	if code := cmdRun([]string{"--out", tmp, filepath.Join(tmp, "none.toml")}, &so, &se); code != 1 || !strings.Contains(se.String(), "none.toml") {
		t.Errorf("missing recipe: exit %d, %q", code, se.String())
	}
	se.Reset()
	if code := cmdRun([]string{recipe, "--out", tmp, "--figures", "gif"}, &so, &se); code != 2 {
		t.Errorf("bad format: exit %d", code)
	}
	// a data file changed since the recipe was written
	f := filepath.Join(dataDir, "models", "gabornet.npz")
	b := readFile(t, f)
	b[len(b)/2] ^= 1
	if err := os.WriteFile(f, b, 0o644); err != nil {
		t.Fatal(err)
	}
	se.Reset()
	out := filepath.Join(tmp, "out")
	if code := cmdRun([]string{recipe, "--out", out}, &so, &se); code != 1 || !strings.Contains(se.String(), "models/gabornet.npz modified") ||
		!strings.Contains(se.String(), "--accept-changed") {
		t.Errorf("changed data: exit %d, %q", code, se.String())
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("output written for changed data")
	}
	se.Reset()
	if code := cmdRun([]string{"--accept-changed", "--figures", "none", "--no-report", recipe, "--out", out}, &so, &se); code != 0 {
		t.Errorf("--accept-changed: exit %d, %q", code, se.String())
	}
	// a bad recipe names the line
	bad := filepath.Join(tmp, "bad.toml")
	text := strings.Replace(string(readFile(t, recipe)), "seed = 11", "seed = -1", 1)
	os.WriteFile(bad, []byte(text), 0o644)
	se.Reset()
	if code := cmdRun([]string{bad, "--out", out}, &so, &se); code != 1 || !strings.Contains(se.String(), "bad.toml:") || !strings.Contains(se.String(), "negative") {
		t.Errorf("bad recipe: exit %d, %q", code, se.String())
	}
}
