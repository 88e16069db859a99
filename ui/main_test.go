package ui

import (
	"context"
	"errors"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/alignscope/alignscope/assets"
	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/job"
	"github.com/alignscope/alignscope/core/workspace"
	"github.com/alignscope/alignscope/io/loader"
)

func demoFS(t *testing.T) fs.FS {
	t.Helper()
	sub, err := fs.Sub(assets.Demo, "demo")
	if err != nil {
		t.Fatal(err)
	}
	return sub
}

// newWindow returns a main window in Fyne's test driver.
func newWindow(t *testing.T) (*MainWindow, *workspace.Workspace) {
	t.Helper()
	test.NewTempApp(t)
	test.ApplyTheme(t, theme.DefaultTheme())
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(1280, 800))
	ws := workspace.New("Untitled project")
	mw := NewMainWindow(w, ws, Options{Demo: demoFS(t), Version: "test", BLAS: "test"})
	return mw, ws
}

// idle waits until no job runs; job callbacks run their fyne.Do work
// synchronously in the test driver.
func idle(t *testing.T, ws *workspace.Workspace) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for ws.Jobs.Running() > 0 {
		if time.Now().After(deadline) {
			t.Fatal("jobs still running after 30 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond)
}

// overlayText collects the text of every label in the top overlay (dialog).
func overlayText(t *testing.T, w fyne.Window) string {
	top := w.Canvas().Overlays().Top()
	if top == nil {
		return ""
	}
	var b strings.Builder
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Label:
			b.WriteString(x.Text + "\n")
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		case fyne.Widget:
			r := test.TempWidgetRenderer(t, x)
			for _, c := range r.Objects() {
				walk(c)
			}
		}
	}
	walk(top)
	return b.String()
}

func capture(t *testing.T, w fyne.Window, name string) {
	t.Helper()
	dir := filepath.Join("..", "artifacts", "gui-tests")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(dir, name+".png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, w.Canvas().Capture()); err != nil {
		t.Fatal(err)
	}
}

func TestDemoLoadsIntoTree(t *testing.T) {
	mw, ws := newWindow(t)
	if j := mw.OpenDemo(); j == nil {
		t.Fatal("no demo")
	}
	idle(t, ws)
	if top := mw.Win.Canvas().Overlays().Top(); top != nil {
		t.Fatalf("dialog after demo load: %s", overlayText(t, mw.Win))
	}
	p := ws.Project()
	if p.Stimuli == nil || p.Stimuli.Len() < 48 || len(p.Stimuli.Thumbnails) != p.Stimuli.Len() {
		t.Fatalf("demo stimuli: %+v", p.Stimuli)
	}
	models := mw.TreeChildren("models")
	if len(models) < 2 {
		t.Fatalf("tree models: %v", models)
	}
	for _, m := range models {
		layers := mw.TreeChildren(m)
		if len(layers) < 4 {
			t.Fatalf("tree %s layers: %v", m, layers)
		}
		name, info := mw.TreeLabel(layers[0])
		if name == "" || !strings.Contains(info, "×") {
			t.Fatalf("layer label %q %q: want name and unit shape", name, info)
		}
	}
	subjects := mw.TreeChildren("subjects")
	if len(subjects) < 4 {
		t.Fatalf("tree subjects: %v", subjects)
	}
	for _, s := range subjects {
		regions := mw.TreeChildren(s)
		if len(regions) < 3 {
			t.Fatalf("tree %s regions: %v", s, regions)
		}
		if _, info := mw.TreeLabel(regions[0]); !strings.Contains(info, " ch") {
			t.Fatalf("region label %q", info)
		}
	}
	// every layer and region was checked for NaN/Inf after loading
	l := p.Models[0].Layers[0]
	if got := mw.valueStatus(l.Source); got != "all finite" {
		t.Fatalf("value status of %s: %q", l.Source, got)
	}
	mw.Select("stimuli")
	capture(t, mw.Win, "demo-stimuli")
	mw.Select(models[0])
	mw.Select(mw.TreeChildren(models[0])[0])
	capture(t, mw.Win, "demo-layer")
}

func writeFile(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestBadFilesShowErrorsAndKeepProject(t *testing.T) {
	mw, ws := newWindow(t)
	mw.OpenDemo()
	idle(t, ws)
	before := ws.Project()
	goodNPY, err := os.ReadFile(filepath.Join("..", "io", "npy", "testdata", "f4_c.npy"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		req  LoadRequest
		want string // in the dialog text
	}{
		{"truncated", LoadRequest{Path: writeFile(t, "trunc.npy", goodNPY[:len(goodNPY)-5]), Kind: loader.KindModel, Name: "x"}, "trunc.npy"},
		{"empty", LoadRequest{Path: writeFile(t, "empty.npz", nil), Kind: loader.KindModel, Name: "x"}, "empty.npz"},
		{"not npz", LoadRequest{Path: writeFile(t, "fake.npz", []byte("PK\x03\x04 not really a zip")), Kind: loader.KindRecording, Name: "s"}, "fake.npz"},
		{"directory", LoadRequest{Path: t.TempDir(), Kind: loader.KindModel, Name: "x"}, "folder"},
		{"wrong count", LoadRequest{Path: writeFile(t, "small.npy", goodNPY), Kind: loader.KindModel, Name: "x"}, "small.npy"},
		{"bad table", LoadRequest{Path: writeFile(t, "stim.csv", []byte("name,category\na,x\nb,y\n")), Kind: loader.KindStimuli}, "stim.csv"},
	}
	for _, tt := range tests {
		mw.closeOverlays()
		mw.Load(tt.req)
		idle(t, ws)
		text := overlayText(t, mw.Win)
		if text == "" {
			t.Errorf("%s: no error dialog", tt.name)
			continue
		}
		if !strings.Contains(text, tt.want) {
			t.Errorf("%s: dialog %q does not mention %q", tt.name, text, tt.want)
		}
		if ws.Project() != before {
			t.Errorf("%s: the project changed", tt.name)
		}
		if tt.name == "wrong count" {
			capture(t, mw.Win, "error-dialog")
		}
	}
}

func TestOpenFormAndJobsPanel(t *testing.T) {
	mw, ws := newWindow(t)
	mw.OpenDemo()
	idle(t, ws)
	mw.ShowOpenForm(&loader.Info{Path: "sub-09.npz", Kind: loader.KindRecording,
		Arrays: []loader.ArrayInfo{{Name: "IT", Shape: []int{2, 64, 10}, DType: "float32"}}})
	text := overlayText(t, mw.Win)
	if !strings.Contains(text, "sub-09.npz") || !strings.Contains(text, "IT") {
		t.Fatalf("open form text %q", text)
	}
	capture(t, mw.Win, "open-form")
	mw.closeOverlays()
	mw.jobs.Refresh()
	if len(mw.jobs.rows) == 0 {
		t.Fatal("jobs panel shows no jobs after loading the demo")
	}
	for _, r := range mw.jobs.rows {
		if r.bar.Value != 1 || !strings.HasPrefix(r.detail.Text, "done in") || !r.cancel.Disabled() {
			t.Fatalf("finished job row: bar %v detail %q", r.bar.Value, r.detail.Text)
		}
	}
}

func TestCancelButtonStopsJob(t *testing.T) {
	mw, ws := newWindow(t)
	j := ws.Jobs.Start("long computation", func(ctx context.Context, rep *job.Reporter) error {
		rep.SetTotal(100)
		rep.Set(25)
		<-ctx.Done()
		return ctx.Err()
	}, nil)
	for j.Status().Done < 25 {
		time.Sleep(time.Millisecond)
	}
	mw.jobs.Refresh()
	r := mw.jobs.rows[j.ID]
	if r == nil || r.bar.Value != 0.25 || !strings.Contains(r.detail.Text, "25/100") || !strings.Contains(r.detail.Text, "left") {
		t.Fatalf("running row: %+v", r)
	}
	capture(t, mw.Win, "job-running")
	test.Tap(r.cancel)
	if err := j.Wait(); !errors.Is(err, context.Canceled) {
		t.Fatalf("job ended with %v", err)
	}
	mw.jobs.Refresh()
	if got := mw.jobs.rows[j.ID].detail.Text; got != "cancelled" {
		t.Fatalf("after cancel: %q", got)
	}
}

func TestRenameRemoveUndo(t *testing.T) {
	mw, ws := newWindow(t)
	mw.OpenDemo()
	idle(t, ws)
	if err := ws.Update(func(p *data.Project) error { return p.Rename("model", "randnet", "untrained") }); err != nil {
		t.Fatal(err)
	}
	if ws.Project().Model("untrained") == nil || len(mw.TreeChildren("models")) != 2 {
		t.Fatal("rename")
	}
	if err := ws.Update(func(p *data.Project) error { return p.Remove("subject", "sub-02") }); err != nil {
		t.Fatal(err)
	}
	if len(mw.TreeChildren("subjects")) != 3 || len(ws.Project().Edits) != 2 {
		t.Fatalf("remove: %v", mw.TreeChildren("subjects"))
	}
	// Ctrl+Z twice restores the demo as it was
	undo := &desktop.CustomShortcut{KeyName: fyne.KeyZ, Modifier: fyne.KeyModifierShortcutDefault}
	mw.Win.Canvas().(fyne.Shortcutable).TypedShortcut(undo)
	mw.Win.Canvas().(fyne.Shortcutable).TypedShortcut(undo)
	if ws.Project().Model("randnet") == nil || len(mw.TreeChildren("subjects")) != 4 || len(ws.Project().Edits) != 0 {
		t.Fatal("undo did not restore the project")
	}
	if err := ws.Update(func(p *data.Project) error { return p.Rename("model", "gabornet", "randnet") }); err == nil {
		t.Fatal("renaming onto an existing name succeeded")
	}
}
