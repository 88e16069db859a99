package ui

import (
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"fmt"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"gonum.org/v1/plot/vg"

	"github.com/alignscope/alignscope/io/export"
	"github.com/alignscope/alignscope/ui/figure"
)

// runDemoRSA opens the demo, runs the RSA page with 200 bootstrap samples
// and waits for the result.
func runDemoRSA(t *testing.T) (*MainWindow, *RSAPage) {
	t.Helper()
	mw, ws := newWindow(t)
	mw.OpenDemo()
	idle(t, ws)
	mw.ShowPage("RSA")
	pg := mw.RSA()
	if len(pg.layers.Selected) != 10 || len(pg.regions.Selected) != 3 || len(pg.subjects.Selected) != 4 {
		t.Fatalf("defaults: %d layers, %d regions, %d subjects selected", len(pg.layers.Selected), len(pg.regions.Selected), len(pg.subjects.Selected))
	}
	if pg.scheme.Selected != "bootstrap stimuli" || !strings.Contains(pg.warn.Text, "fewer than 5 subjects") && pg.scheme.Selected == "bootstrap both" {
		t.Fatalf("default inference %q, warning %q", pg.scheme.Selected, pg.warn.Text)
	}
	pg.samples.SetText("200")
	test.Tap(pg.run)
	idle(t, ws)
	if top := mw.Win.Canvas().Overlays().Top(); top != nil {
		t.Fatalf("dialog after RSA run: %s", overlayText(t, mw.Win))
	}
	if pg.Result() == nil {
		t.Fatal("no RSA result")
	}
	return mw, pg
}

func TestRSAPageFindsTheDemoAnswer(t *testing.T) {
	mw, pg := runDemoRSA(t)
	r := pg.Result()
	// the demo's ground truth: V1 best matched by an early gabornet layer,
	// IT by a late one
	best := func(region string) string { return r.Spec.Layers[r.Best(region)["gabornet"]].Layer }
	if b := best("V1"); b != "conv1" && b != "conv2" {
		t.Errorf("best gabornet layer for V1: %s", b)
	}
	if b := best("IT"); b != "fc" && b != "readout" {
		t.Errorf("best gabornet layer for IT: %s", b)
	}
	// the chart rendered and maps a click on a bar to that bar's RDMs
	waitRendered(t, pg.comparison)
	capture(t, mw.Win, "rsa-comparison")
	pg.tapBar(4, 0.3) // the fifth bar: gabornet/readout
	if pg.views.SelectedIndex() != 3 || pg.rdms.left.choose.Selected != "gabornet/readout" {
		t.Fatalf("tap on a bar: tab %d, left RDM %q", pg.views.SelectedIndex(), pg.rdms.left.choose.Selected)
	}
	if !strings.Contains(pg.rdms.value.Text, "spearman similarity") {
		t.Errorf("comparison value %q", pg.rdms.value.Text)
	}
	capture(t, mw.Win, "rsa-rdms")
	// hover on a heatmap cell names the two stimuli
	h := pg.rdms.left.heat
	pos := h.CellCentre(0, 20)
	h.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: pos}})
	if !strings.Contains(pg.rdms.hover.Text, "×") {
		t.Errorf("hover text %q", pg.rdms.hover.Text)
	}
	// the table behind the figures
	rows := r.Table()
	if len(rows) != 30 {
		t.Fatalf("%d table rows, want 10 layers × 3 regions", len(rows))
	}
	// running the same choices again is served from the cache
	jobs := len(mw.ws.Jobs.Jobs())
	test.Tap(pg.run)
	if len(mw.ws.Jobs.Jobs()) != jobs || !strings.Contains(pg.runInfo.Text, "cache") {
		t.Errorf("second run started a job (%d → %d) or said %q", jobs, len(mw.ws.Jobs.Jobs()), pg.runInfo.Text)
	}
	pg.views.SelectIndex(1)
	waitRendered(t, pg.profile)
	capture(t, mw.Win, "rsa-profile")
	pg.views.SelectIndex(2)
	waitRendered(t, pg.matrix)
	capture(t, mw.Win, "rsa-matrix")
}

func TestRSAPageBadChoices(t *testing.T) {
	mw, ws := newWindow(t)
	mw.OpenDemo()
	idle(t, ws)
	pg := mw.RSA()
	pg.samples.SetText("many")
	test.Tap(pg.run)
	if !strings.Contains(overlayText(t, mw.Win), "samples") {
		t.Fatalf("dialog %q", overlayText(t, mw.Win))
	}
	mw.closeOverlays()
	pg.samples.SetText("100")
	pg.layers.SetSelected(nil)
	test.Tap(pg.run)
	idle(t, ws)
	if !strings.Contains(overlayText(t, mw.Win), "layer") {
		t.Fatalf("dialog %q", overlayText(t, mw.Win))
	}
}

func waitRendered(t *testing.T, v *PlotView) {
	t.Helper()
	if v.Size().Width < 10 {
		v.Resize(fyne.NewSize(900, 520))
	}
	for i := 0; i < 300 && v.Mapper() == nil; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if v.Mapper() == nil {
		t.Fatalf("figure did not render: %s", v.msg.Text)
	}
}

func TestRSAExportFiles(t *testing.T) {
	_, pg := runDemoRSA(t)
	dir := t.TempDir()
	for _, view := range []string{"comparison", "profile", "matrix"} {
		p, name, err := pg.figureFor(view)
		if err != nil {
			t.Fatal(err)
		}
		for _, ext := range []string{".png", ".svg", ".pdf"} {
			path := filepath.Join(dir, name+ext)
			if err := export.SavePlot(p, path, 16*vg.Centimeter, 10*vg.Centimeter); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			switch ext {
			case ".png":
				if _, err := png.Decode(bytes.NewReader(b)); err != nil {
					t.Errorf("%s: %v", path, err)
				}
			case ".svg":
				if err := xml.Unmarshal(b, new(struct{ XMLName xml.Name })); err != nil {
					t.Errorf("%s is not XML: %v", path, err)
				}
				if view == "comparison" {
					// one filled rectangle per bar in the model's colour
					bars := strings.Count(string(b), svgFill(figure.OkabeIto[0])) + strings.Count(string(b), svgFill(figure.OkabeIto[1]))
					if bars < 10 {
						os.WriteFile(filepath.Join("..", "artifacts", "comparison.svg"), b, 0o644)
						t.Errorf("SVG has %d bar fills, want ≥ 10 (one per layer)", bars)
					}
				}
			case ".pdf":
				if !bytes.HasPrefix(b, []byte("%PDF")) {
					t.Errorf("%s is not a PDF", path)
				}
			}
		}
	}
	csvPath := filepath.Join(dir, "rsa.csv")
	if err := export.WriteRSATable(csvPath, pg.Result().Table()); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 31 || recs[0][0] != "model" || recs[1][2] != "V1" {
		t.Fatalf("CSV has %d records, header %v", len(recs), recs[0])
	}
}

func svgFill(c color.Color) string {
	r, g, b, _ := c.RGBA()
	return fmt.Sprintf("fill:#%02X%02X%02X", r>>8, g>>8, b>>8)
}

// TestRSADuplicateAndPreviousSettings: two analyses are listed; Duplicate
// copies the first one's settings into the choices, Previous settings
// brings the last ones back.
func TestRSADuplicateAndPreviousSettings(t *testing.T) {
	mw, pg := runDemoRSA(t) // spearman
	pg.measure.SetSelected("corr")
	test.Tap(pg.run)
	idle(t, mw.ws)
	if len(pg.history.Options) != 2 {
		t.Fatalf("analyses listed: %v", pg.history.Options)
	}
	pg.history.SetSelected(pg.history.Options[0])
	if s, _ := pg.historySpec(); s.Compare != "spearman" {
		t.Fatalf("first analysis compare %q", s.Compare)
	}
	pg.setSpec(pg.historySpecs[pg.history.Options[0]])
	if pg.measure.Selected != "spearman" || !strings.Contains(pg.history.Selected, "rsa-1") {
		t.Fatalf("duplicate: measure %q", pg.measure.Selected)
	}
	pg.previousSettings()
	if pg.measure.Selected != "corr" {
		t.Fatalf("previous settings: measure %q", pg.measure.Selected)
	}
}
