package ui

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"gonum.org/v1/plot/vg"

	"github.com/alignscope/alignscope/core/rsa"
	"github.com/alignscope/alignscope/io/export"
	"github.com/alignscope/alignscope/io/project"
	"github.com/alignscope/alignscope/ui/figure"
)

// treeDump lists every node of the project tree with its label.
func treeDump(mw *MainWindow) string {
	var b strings.Builder
	var walk func(id string, depth int)
	walk = func(id string, depth int) {
		for _, c := range mw.TreeChildren(id) {
			name, info := mw.TreeLabel(c)
			b.WriteString(strings.Repeat("  ", depth) + name + " · " + info + "\n")
			walk(c, depth+1)
		}
	}
	walk("", 0)
	return b.String()
}

func rsaJobs(mw *MainWindow) int {
	n := 0
	for _, j := range mw.ws.Jobs.Jobs() {
		if strings.HasPrefix(j.Name, "RSA") {
			n++
		}
	}
	return n
}

// findButton returns the button labelled text in the window's top
// overlay, or nil.
func findButton(t *testing.T, w fyne.Window, text string) *widget.Button {
	t.Helper()
	top := w.Canvas().Overlays().Top()
	if top == nil {
		return nil
	}
	var found *widget.Button
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Button:
			if x.Text == text {
				found = x
			}
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.TempWidgetRenderer(t, x).Objects() {
				walk(c)
			}
		}
	}
	walk(top)
	return found
}

func csvOf(t *testing.T, r *rsa.Result) []byte {
	t.Helper()
	p := filepath.Join(t.TempDir(), "t.csv")
	if err := export.WriteRSATable(p, r.Table()); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	return b
}

func TestSaveAndOpenProjectRestoresTheWindow(t *testing.T) {
	mw, pg := runDemoRSA(t)
	pg.compRegion.SetSelected("IT")
	pg.views.SelectIndex(2)
	pg.seed.SetText("1")
	layer := NodeID("layer", "gabornet", "conv2")
	mw.Select(layer)
	mw.ShowPage("RSA")
	dir := filepath.Join(t.TempDir(), "demo"+project.Ext)
	mw.SaveProject(dir)
	idle(t, mw.ws)
	if msg := overlayText(t, mw.Win); msg != "" {
		t.Fatalf("dialog after saving: %s", msg)
	}
	if mw.ProjectDir() != dir {
		t.Errorf("project folder %q", mw.ProjectDir())
	}
	tree := treeDump(mw)
	want := pg.Result()

	// a fresh window (and app) opens it
	mw2, ws2 := newWindow(t)
	mw2.OpenProject(dir)
	idle(t, ws2)
	if msg := overlayText(t, mw2.Win); msg != "" {
		t.Fatalf("dialog after opening: %s", msg)
	}
	if got := treeDump(mw2); got != tree {
		t.Errorf("tree\n%s\nwant\n%s", got, tree)
	}
	pg2 := mw2.RSA()
	got := pg2.Result()
	if got == nil {
		t.Fatal("the RSA page shows no result")
	}
	if n := rsaJobs(mw2); n != 0 {
		t.Errorf("%d RSA jobs after opening: the cached result was computed again", n)
	}
	if !bytes.Equal(csvOf(t, want), csvOf(t, got)) {
		t.Error("the reopened table differs")
	}
	// the figures render to the same bytes
	for _, region := range want.Spec.Regions {
		a, _, err := figure.ModelComparison(want, region, figure.ComparisonOptions{})
		if err != nil {
			t.Fatal(err)
		}
		b, _, err := figure.ModelComparison(got, region, figure.ComparisonOptions{})
		if err != nil {
			t.Fatal(err)
		}
		pa, pb := filepath.Join(t.TempDir(), "a.svg"), filepath.Join(t.TempDir(), "b.svg")
		export.SavePlot(a, pa, 16*vg.Centimeter, 10*vg.Centimeter)
		export.SavePlot(b, pb, 16*vg.Centimeter, 10*vg.Centimeter)
		ba, _ := os.ReadFile(pa)
		bb, _ := os.ReadFile(pb)
		if len(ba) == 0 || !bytes.Equal(ba, bb) {
			t.Errorf("comparison figure of %s differs", region)
		}
	}
	// the page's selections
	if pg2.compRegion.Selected != "IT" || pg2.views.SelectedIndex() != 2 || mw2.selected != layer ||
		mw2.pages.Selected().Text != "RSA" || pg2.samples.Text != "200" {
		t.Errorf("selections: region %q, view %d, node %q, page %q, samples %q", pg2.compRegion.Selected,
			pg2.views.SelectedIndex(), mw2.selected, mw2.pages.Selected().Text, pg2.samples.Text)
	}
	if strings.Join(pg2.layers.Selected, ",") != strings.Join(pg.layers.Selected, ",") || pg2.scheme.Selected != pg.scheme.Selected {
		t.Errorf("choices: layers %v, scheme %q", pg2.layers.Selected, pg2.scheme.Selected)
	}
	// running the same choices is served from the cache, no job
	test.Tap(pg2.run)
	if rsaJobs(mw2) != 0 || !strings.Contains(pg2.runInfo.Text, "cache") {
		t.Errorf("run after opening: %d jobs, %q", rsaJobs(mw2), pg2.runInfo.Text)
	}
	if r := mw2.RecentProjects(); len(r) == 0 || r[0] != dir {
		t.Errorf("recent projects %q", r)
	}
	if items := mw2.RecentMenuItems(); len(items) != 1 || !strings.HasPrefix(items[0].Label, "demo"+project.Ext) {
		t.Errorf("recent menu %v", items)
	}

	// exports: recipe, methods text, report
	out := t.TempDir()
	recipe := filepath.Join(out, "recipe.toml")
	if err := mw2.ExportRecipe(recipe); err != nil {
		t.Fatal(err)
	}
	o, err := project.ReadRecipe(recipe, project.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Analyses) != 1 || o.Analyses[0].Spec.(rsa.Spec).Key() != want.Spec.Key() {
		t.Errorf("recipe analyses %v", o.Analyses)
	}
	if err := mw2.ExportMethods(filepath.Join(out, "methods.txt")); err != nil {
		t.Fatal(err)
	}
	if m, _ := os.ReadFile(filepath.Join(out, "methods.txt")); !strings.Contains(string(m), "200 bootstrap samples") {
		t.Errorf("methods %s", m)
	}
	mw2.ExportReport(filepath.Join(out, "report.pdf"))
	idle(t, ws2)
	for _, f := range []string{"report.pdf", "report.html"} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() < 1000 {
			t.Errorf("%s: %v", f, err)
		}
	}
}

func copyTree(t *testing.T, fsys fs.FS, dir string) {
	t.Helper()
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		dst := filepath.Join(dir, filepath.FromSlash(p))
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestOpenProjectWithChangedData(t *testing.T) {
	root := t.TempDir()
	dataDir := filepath.Join(root, "data")
	copyTree(t, demoFS(t), dataDir)
	mw, ws := newWindow(t)
	mw.OpenFolder(dataDir)
	idle(t, ws)
	mw.closeOverlays()
	pg := mw.RSA()
	pg.samples.SetText("20")
	test.Tap(pg.run)
	idle(t, ws)
	if pg.Result() == nil {
		t.Fatalf("no result: %s", overlayText(t, mw.Win))
	}
	dir := filepath.Join(root, "p"+project.Ext)
	mw.SaveProject(dir)
	idle(t, ws)

	f := filepath.Join(dataDir, "recordings", "sub-01.npz")
	b, _ := os.ReadFile(f)
	b[len(b)/2] ^= 1
	os.WriteFile(f, b, 0o644)

	mw2, ws2 := newWindow(t)
	mw2.OpenProject(dir)
	idle(t, ws2)
	msg := overlayText(t, mw2.Win)
	if !strings.Contains(msg, "recordings/sub-01.npz modified") {
		t.Fatalf("dialog %q", msg)
	}
	if len(ws2.Project().Models) != 0 {
		t.Fatal("the changed project was loaded without asking")
	}
	load := findButton(t, mw2.Win, "Load as they are now and recompute")
	if load == nil {
		t.Fatal("no button to load the changed data")
	}
	test.Tap(load)
	idle(t, ws2)
	if len(ws2.Project().Models) != 2 {
		t.Fatalf("project not loaded: %s", overlayText(t, mw2.Win))
	}
	if !strings.Contains(overlayText(t, mw2.Win), "data changed") {
		t.Errorf("no word that the result is recomputed: %q", overlayText(t, mw2.Win))
	}
	if mw2.RSA().Result() != nil {
		t.Error("a result of the old data is shown")
	}
}

func TestAutosaveRecovery(t *testing.T) {
	side := filepath.Join(t.TempDir(), "autosave"+project.Ext)
	mw, pg := runDemoRSA(t)
	mw.StartAutosave(side, time.Hour)
	if err := mw.Autosave(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(side, project.FileName)); err != nil {
		t.Fatal(err)
	}
	// the app dies here: no StopAutosave
	mw2, ws2 := newWindow(t)
	mw2.StartAutosave(side, time.Hour)
	if !strings.Contains(overlayText(t, mw2.Win), "did not close properly") {
		t.Fatalf("no offer to restore: %q", overlayText(t, mw2.Win))
	}
	yes := findButton(t, mw2.Win, "Yes")
	if yes == nil {
		t.Fatal("no Yes button")
	}
	test.Tap(yes)
	idle(t, ws2)
	if treeDump(mw2) != treeDump(mw) || mw2.RSA().Result() == nil {
		t.Fatal("autosave not restored")
	}
	if !bytes.Equal(csvOf(t, mw2.RSA().Result()), csvOf(t, pg.Result())) {
		t.Error("restored result differs")
	}
	if mw2.ProjectDir() == side {
		t.Error("the restored project would be saved into the autosave folder")
	}
	mw2.StopAutosave()
	mw.StopAutosave()
	if _, err := os.Stat(side); err == nil {
		t.Error("autosave left after a clean exit")
	}
	// a clean exit: nothing is offered
	mw3, _ := newWindow(t)
	mw3.StartAutosave(side, time.Hour)
	if msg := overlayText(t, mw3.Win); msg != "" {
		t.Errorf("offer after a clean exit: %q", msg)
	}
	mw3.StopAutosave()
}
