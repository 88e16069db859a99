package ui

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/alignscope/alignscope/assets/demonet"
	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/job"
	"github.com/alignscope/alignscope/io/loader"
)

// modelPage adds a Model page to the window as its last tab, shown and
// following the project.
func modelPage(t *testing.T, mw *MainWindow) *ModelPage {
	t.Helper()
	mw.ShowPage("Networks")
	return mw.model
}

// demoModelPage opens the demo project and the demo network.
func demoModelPage(t *testing.T) (*MainWindow, *ModelPage) {
	t.Helper()
	mw, ws := newWindow(t)
	mw.OpenDemo()
	idle(t, ws)
	pg := modelPage(t, mw)
	test.Tap(pg.demoNet)
	idle(t, ws)
	if top := mw.Win.Canvas().Overlays().Top(); top != nil {
		t.Fatalf("dialog after opening the demo network: %s", overlayText(t, mw.Win))
	}
	if pg.Net() == nil {
		t.Fatal("no network after Demo network")
	}
	return mw, pg
}

func writePNG(t *testing.T, path string, w, h int) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 7)
	}
	img.Set(0, 0, color.RGBA{255, 0, 0, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestModelPageExtractsDemoNetwork(t *testing.T) {
	mw, pg := demoModelPage(t)
	ws := mw.ws
	want := []string{"pool1", "pool2", "relu3", "relu4", "avgpool", "relu5", "logits"}
	var ticked []string
	for _, nd := range pg.nodes {
		if pg.ticked[nd.Name] {
			ticked = append(ticked, nd.Label)
		}
	}
	if !slices.Equal(ticked, want) || len(pg.nodes) <= len(want) {
		t.Fatalf("ticked %v of %d nodes, want the defaults %v", ticked, len(pg.nodes), want)
	}
	if pg.resize.Text != "64" || pg.crop.Text != "64" || !strings.HasPrefix(pg.mean.Text, "0.5224, ") ||
		!strings.Contains(pg.preHint.Text, "demonet.json") {
		t.Errorf("preprocessing %q %q %q, hint %q", pg.resize.Text, pg.crop.Text, pg.mean.Text, pg.preHint.Text)
	}
	if pg.images.Text != "" || !strings.Contains(pg.imagesHint.Text, "built-in images") {
		t.Errorf("images %q, hint %q", pg.images.Text, pg.imagesHint.Text)
	}
	if pg.name.Text != "demonet" || !strings.Contains(pg.out.Text, filepath.Join("alignscope", "extracted", "demonet-")) {
		t.Errorf("name %q, output %q", pg.name.Text, pg.out.Text)
	}

	// None, then Defaults, restore the choice; a click on a row ticks it.
	for _, b := range []string{"None", "Defaults"} {
		tapButton(t, pg.view, b)
	}
	if got := pg.Layers(); len(got) != 7 {
		t.Fatalf("after None and Defaults: %v", got)
	}
	row1 := pg.nodes[1].Name
	was := pg.ticked[row1]
	pg.table.Select(widget.TableCellID{Row: 1, Col: 1})
	if pg.ticked[row1] == was {
		t.Errorf("clicking row 1 (%s) did not toggle it", pg.nodes[1].Label)
	}
	tapButton(t, pg.view, "Defaults")

	before := ws.Project()
	out := filepath.Join(t.TempDir(), "acts")
	pg.out.SetText(out)
	test.Tap(pg.extract)
	idle(t, ws)
	if top := mw.Win.Canvas().Overlays().Top(); top != nil {
		t.Fatalf("dialog after Extract: %s", overlayText(t, mw.Win))
	}
	p := ws.Project()
	m := p.Model("demonet")
	if m == nil || p == before {
		t.Fatal("the project has no model demonet after Extract")
	}
	shapes := map[string]string{"pool1": "16×16×16", "pool2": "32×8×8", "relu3": "64×8×8", "relu4": "64×8×8",
		"avgpool": "64×1×1", "relu5": "32", "logits": "4"}
	var names []string
	for _, l := range m.Layers {
		names = append(names, l.Name)
		if l.ShapeString() != shapes[l.Name] || l.NStimuli() != 64 || l.DType != "float32" {
			t.Errorf("layer %s: %s, %d rows, %s", l.Name, l.ShapeString(), l.NStimuli(), l.DType)
		}
	}
	if !slices.Equal(names, want) {
		t.Errorf("layers %v, want %v", names, want)
	}
	last := p.Sources[len(p.Sources)-1]
	if last != (data.Source{Kind: loader.KindModelDir, Path: out, Name: "demonet"}) {
		t.Errorf("source %+v", last)
	}
	if !strings.Contains(pg.runInfo.Text, `Added model "demonet": 7 layers × 64 stimuli`) || pg.name.Text != "demonet-2" {
		t.Errorf("after extract: info %q, next name %q", pg.runInfo.Text, pg.name.Text)
	}
	if names := mw.TreeChildren("models"); len(names) != 3 {
		t.Errorf("tree models %v", names)
	}
	mw.Win.Resize(fyne.NewSize(1280, 1000)) // room for every choice
	relayout(mw.Win)
	capture(t, mw.Win, "model-page")

	// The new model is usable at once: RSA on its layers alone.
	rsa := mw.RSA()
	var sel []string
	for _, o := range rsa.layers.Options {
		if strings.HasPrefix(o, "demonet/") {
			sel = append(sel, o)
		}
	}
	if len(sel) != 7 {
		t.Fatalf("RSA layer options %v", rsa.layers.Options)
	}
	rsa.layers.SetSelected(sel)
	rsa.scheme.SetSelected("fixed")
	rsa.Run()
	idle(t, ws)
	if top := mw.Win.Canvas().Overlays().Top(); top != nil {
		t.Fatalf("dialog after RSA: %s", overlayText(t, mw.Win))
	}
	r := rsa.Result()
	if r == nil || len(r.Spec.Layers) != 7 || r.Spec.Layers[6].Model != "demonet" {
		t.Fatalf("RSA result %+v", r)
	}

	// The same folder again: refused, nothing overwritten.
	pg.out.SetText(out)
	if j := pg.Extract(); j != nil {
		t.Fatal("a second extraction into the same folder started")
	}
	if text := overlayText(t, mw.Win); !strings.Contains(text, "already holds an extraction") {
		t.Errorf("dialog %q", text)
	}
	mw.closeOverlays()

	// A project with the extracted model saves and opens again.
	dir := filepath.Join(t.TempDir(), "with-net.alignscope")
	mw.SaveProject(dir)
	idle(t, ws)
	if text := overlayText(t, mw.Win); text != "" {
		t.Fatalf("saving: %s", text)
	}
	mw2, ws2 := newWindow(t)
	mw2.OpenProject(dir)
	idle(t, ws2)
	if text := overlayText(t, mw2.Win); text != "" {
		t.Fatalf("opening: %s", text)
	}
	if m := ws2.Project().Model("demonet"); m == nil || len(m.Layers) != 7 {
		t.Fatal("the reopened project lacks the extracted model")
	}
}

// relayout lays the window out again from the top, as the desktop
// driver does when a label's wrapped text changes its height (the test
// driver does not).
func relayout(w fyne.Window) {
	size := w.Canvas().Size()
	w.Resize(size.AddWidthHeight(1, 0))
	w.Resize(size)
}

// tapButton taps the button labelled text inside o.
func tapButton(t *testing.T, o fyne.CanvasObject, text string) {
	t.Helper()
	var found bool
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if found {
			return
		}
		switch x := o.(type) {
		case *widget.Button:
			if x.Text == text {
				found = true
				test.Tap(x)
			}
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		}
	}
	walk(o)
	if !found {
		t.Fatalf("no button %q", text)
	}
}

func TestModelPageBadNetwork(t *testing.T) {
	mw, ws := newWindow(t)
	mw.OpenDemo()
	idle(t, ws)
	pg := modelPage(t, mw)
	before := ws.Project()
	bad := filepath.Join(t.TempDir(), "x.onnx")
	os.WriteFile(bad, []byte("hello, not a network"), 0o644)
	// The demo network with Selu for Relu (same length: the protobuf stays
	// valid): an operator the runtime lacks.
	selu := filepath.Join(t.TempDir(), "selu.onnx")
	os.WriteFile(selu, bytes.ReplaceAll(demonet.ONNX, []byte("Relu"), []byte("Selu")), 0o644)
	for _, c := range []struct{ path, want string }{
		{selu, `unsupported ONNX operator: Selu (node "/relu1/Selu")`},
		{filepath.Join(t.TempDir(), "gone.onnx"), "gone.onnx"},
		{t.TempDir(), "is a folder"},
		{bad, "x.onnx: not an ONNX model"},
	} {
		mw.closeOverlays()
		pg.OpenNetwork(c.path)
		idle(t, ws)
		if text := overlayText(t, mw.Win); !strings.Contains(text, c.want) || !strings.Contains(text, "ONNX") {
			t.Errorf("%s: dialog %q, want %q", c.path, text, c.want)
		}
		if pg.Net() != nil || !pg.extract.Disabled() || pg.netInfo.Text != "No network open." {
			t.Errorf("%s: the page took the network", c.path)
		}
		if ws.Project() != before {
			t.Errorf("%s: the project changed", c.path)
		}
	}
	mw.Win.Resize(fyne.NewSize(1280, 1000))
	relayout(mw.Win)
	capture(t, mw.Win, "model-page-bad-network")
	mw.closeOverlays()
	// Extract without a network says what to do.
	pg.Extract()
	if text := overlayText(t, mw.Win); !strings.Contains(text, "open a network first") {
		t.Errorf("extract without network: %q", text)
	}
}

func TestModelPageImageErrors(t *testing.T) {
	mw, pg := demoModelPage(t)
	ws := mw.ws
	before := ws.Project()

	// A folder that lacks images for most stimuli.
	few := t.TempDir()
	writePNG(t, filepath.Join(few, "face_01.png"), 64, 64)
	writePNG(t, filepath.Join(few, "zebra.png"), 64, 64)
	pg.images.SetText(few)
	if !strings.Contains(pg.imagesHint.Text, "found by name") {
		t.Errorf("hint %q", pg.imagesHint.Text)
	}
	out := filepath.Join(t.TempDir(), "acts")
	pg.out.SetText(out)
	pg.Extract()
	idle(t, ws)
	text := overlayText(t, mw.Win)
	if !strings.Contains(text, "no image for 63 of the 64 stimuli") || !strings.Contains(text, few) || !strings.Contains(text, "face_02") {
		t.Errorf("missing images: dialog %q", text)
	}
	if ws.Project() != before {
		t.Error("the project changed")
	}
	if _, err := os.Stat(out); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("output folder left behind: %v", err)
	}
	mw.closeOverlays()

	// Bad preprocessing fields.
	pg.images.SetText("")
	pg.mean.SetText("0.5, 0.5")
	pg.Extract()
	if text := overlayText(t, mw.Win); !strings.Contains(text, "mean needs 3 numbers") {
		t.Errorf("bad mean: %q", text)
	}
	mw.closeOverlays()
	pg.mean.SetText("0.5, 0.5, 0.5")

	// No layer ticked.
	tapButton(t, pg.view, "None")
	pg.Extract()
	if text := overlayText(t, mw.Win); !strings.Contains(text, "no layer is ticked") {
		t.Errorf("no layers: %q", text)
	}
	mw.closeOverlays()
	if ws.Project() != before {
		t.Error("the project changed")
	}

	// Cancelled at once: nothing written, project unchanged.
	tapButton(t, pg.view, "Defaults")
	j := pg.Extract()
	if j == nil {
		t.Fatalf("no extraction: %s", overlayText(t, mw.Win))
	}
	j.Cancel()
	idle(t, ws)
	if st := j.Status(); st.State != job.Cancelled {
		t.Fatalf("job %v: %v", st.State, st.Err)
	}
	if !strings.Contains(pg.runInfo.Text, "Cancelled") || mw.Win.Canvas().Overlays().Top() != nil || ws.Project() != before {
		t.Errorf("after cancel: %q, dialog %q", pg.runInfo.Text, overlayText(t, mw.Win))
	}
	if _, err := os.Stat(out); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("output folder left after cancel: %v", err)
	}
}

// A project without a stimulus table: the images' file names become the
// stimuli (with thumbnails); images of mixed sizes need resize and crop.
func TestModelPageImagesMakeTheStimuli(t *testing.T) {
	mw, ws := newWindow(t)
	pg := modelPage(t, mw)
	test.Tap(pg.demoNet)
	idle(t, ws)
	dir := t.TempDir()
	for i, n := range []string{"a", "b", "c"} {
		writePNG(t, filepath.Join(dir, n+".png"), 64+10*i, 64)
	}
	pg.images.SetText(dir)
	if !strings.Contains(pg.imagesHint.Text, "no stimulus table yet") {
		t.Errorf("hint %q", pg.imagesHint.Text)
	}
	pg.resize.SetText("0")
	pg.crop.SetText("0")
	pg.out.SetText(filepath.Join(t.TempDir(), "acts"))
	pg.Extract()
	idle(t, ws)
	text := overlayText(t, mw.Win)
	if !strings.Contains(text, "after preprocessing") || !strings.Contains(text, "image 2 is b.png") || !strings.Contains(text, "resize and crop") {
		t.Errorf("mixed sizes: dialog %q", text)
	}
	if ws.Project().Stimuli != nil || len(ws.Project().Models) != 0 {
		t.Error("the project changed")
	}
	mw.closeOverlays()

	pg.resize.SetText("64")
	pg.crop.SetText("64")
	pg.Extract()
	idle(t, ws)
	if top := mw.Win.Canvas().Overlays().Top(); top != nil {
		t.Fatalf("dialog: %s", overlayText(t, mw.Win))
	}
	p := ws.Project()
	if p.Stimuli == nil || !slices.Equal(p.Stimuli.Names, []string{"a", "b", "c"}) || len(p.Stimuli.Thumbnails) != 3 ||
		p.Model("demonet") == nil || p.Model("demonet").Layers[0].NStimuli() != 3 {
		t.Fatalf("project %+v", p)
	}
}

// A table without thumbnails gains the images as thumbnails.
func TestModelPageAddsThumbnails(t *testing.T) {
	mw, ws := newWindow(t)
	if err := ws.Update(func(p *data.Project) error {
		return p.SetStimuli(&data.Stimuli{Names: []string{"c", "a"}, Source: "table.tsv"})
	}); err != nil {
		t.Fatal(err)
	}
	pg := modelPage(t, mw)
	pg.OpenDemoNetwork()
	idle(t, ws)
	dir := t.TempDir()
	for _, n := range []string{"a", "b", "c"} {
		writePNG(t, filepath.Join(dir, n+".png"), 64, 64)
	}
	pg.images.SetText(dir)
	pg.out.SetText(filepath.Join(t.TempDir(), "acts"))
	pg.Extract()
	idle(t, ws)
	if top := mw.Win.Canvas().Overlays().Top(); top != nil {
		t.Fatalf("dialog: %s", overlayText(t, mw.Win))
	}
	p := ws.Project()
	if !slices.Equal(p.Stimuli.Names, []string{"c", "a"}) || len(p.Stimuli.Thumbnails) != 2 || p.Stimuli.Source != "table.tsv" ||
		p.Model("demonet") == nil {
		t.Fatalf("stimuli %+v", p.Stimuli)
	}
}
