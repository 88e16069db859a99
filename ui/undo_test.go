package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
)

// TestUndoSettingsAndData: Ctrl+Z takes back analysis settings and data
// changes in the order they were made; Ctrl+Shift+Z makes them again.
func TestUndoSettingsAndData(t *testing.T) {
	mw, pg := runDemoRSA(t) // demo loaded, RSA run with spearman
	ws := mw.ws
	pg.measure.SetSelected("corr")
	test.Tap(pg.run)
	idle(t, ws)
	enc := mw.Encoding()
	enc.folds.SetText("4")
	test.Tap(enc.run)
	idle(t, ws)
	if enc.Result() == nil {
		t.Fatalf("encoding did not run: %s", overlayText(t, mw.Win))
	}
	keys := mw.Win.Canvas().(fyne.Shortcutable)
	undo := &desktop.CustomShortcut{KeyName: fyne.KeyZ, Modifier: fyne.KeyModifierShortcutDefault}
	redo := &desktop.CustomShortcut{KeyName: fyne.KeyZ, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}

	keys.TypedShortcut(undo) // the encoding folds
	if enc.folds.Text != "5" || pg.measure.Selected != "corr" {
		t.Fatalf("first undo: folds %q, measure %q", enc.folds.Text, pg.measure.Selected)
	}
	keys.TypedShortcut(undo) // the RSA comparison measure
	if pg.measure.Selected != "spearman" {
		t.Fatalf("second undo: measure %q", pg.measure.Selected)
	}
	keys.TypedShortcut(undo) // the number of samples set before the first run
	if pg.samples.Text != "1000" {
		t.Fatalf("third undo: samples %q", pg.samples.Text)
	}
	keys.TypedShortcut(undo) // opening the demo
	if len(ws.Project().Models) != 0 {
		t.Fatalf("fourth undo left %d models", len(ws.Project().Models))
	}
	keys.TypedShortcut(redo)
	if len(ws.Project().Models) != 2 {
		t.Fatalf("redo of the demo: %d models", len(ws.Project().Models))
	}
	keys.TypedShortcut(redo)
	keys.TypedShortcut(redo)
	if pg.measure.Selected != "corr" || pg.samples.Text != "200" {
		t.Fatalf("redo of the measure: %q", pg.measure.Selected)
	}
}
