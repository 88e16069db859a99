package ui

import (
	"fyne.io/fyne/v2/widget"
)

// Edit → Undo and Redo (Ctrl+Z, Ctrl+Shift+Z) take back the project's
// changes in the order they were made: data changes (adding, removing,
// renaming; the workspace keeps those projects) and analysis settings (the
// choices of the RSA, Encoding and Lesions pages, recorded each time an
// analysis is run with changed choices). Undoing a settings change puts
// the earlier choices back on the page; running them again is served
// from the cache.

// edit is one step of the undo history.
type edit struct {
	data          bool   // a workspace change (ws.Undo/Redo)
	prefix        string // a settings change: the page's keys ("rsa.", …)
	before, after map[string]string
}

// choiceKeys are a page's settings, as pageState records them.
var choiceKeys = map[string][]string{
	"rsa.": {"rsa.layers", "rsa.regions", "rsa.subjects", "rsa.distance", "rsa.compare", "rsa.inference",
		"rsa.samples", "rsa.seed", "rsa.correction"},
	"encoding.": {"encoding.layers", "encoding.regions", "encoding.subjects", "encoding.folds",
		"encoding.alpha-lo", "encoding.alpha-hi", "encoding.alpha-num"},
	"lesion.": {"lesion.where", "lesion.model", "lesion.layer", "lesion.plan", "lesion.descriptor", "lesion.level",
		"lesion.weight-region", "lesion.units", "lesion.fill", "lesion.fractions", "lesion.draws", "lesion.seed",
		"lesion.compare", "lesion.readout", "lesion.regions"},
}

// choices returns the current settings of the page with prefix.
func (mw *MainWindow) choices(prefix string) map[string]string {
	all := mw.pageState(nil)
	out := map[string]string{}
	for _, k := range choiceKeys[prefix] {
		out[k] = all[k]
	}
	return out
}

func sameChoices(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// settingsRun records, when a page runs an analysis, a settings change
// since the page's previous run (or since its choices were first offered).
func (mw *MainWindow) settingsRun(prefix string) {
	cur := mw.choices(prefix)
	last, ok := mw.lastChoices[prefix]
	mw.lastChoices[prefix] = cur
	if !ok || sameChoices(last, cur) {
		return
	}
	mw.edits = append(mw.edits, edit{prefix: prefix, before: last, after: cur})
	mw.redos = nil
}

// baseline remembers a page's choices as offered, before any run.
func (mw *MainWindow) baseline(prefix string) {
	if _, ok := mw.lastChoices[prefix]; !ok {
		mw.lastChoices[prefix] = mw.choices(prefix)
	}
}

// dataChanged records a workspace change, unless Undo/Redo made it.
func (mw *MainWindow) dataChanged() {
	// the pages' options change with the data: their settings baseline
	// is taken again after the refresh
	mw.lastChoices = map[string]map[string]string{}
	if mw.skipData > 0 {
		mw.skipData--
		return
	}
	mw.edits = append(mw.edits, edit{data: true})
	mw.redos = nil
}

// Undo takes back the last change: data or analysis settings.
func (mw *MainWindow) Undo() {
	if len(mw.edits) == 0 {
		return
	}
	e := mw.edits[len(mw.edits)-1]
	mw.edits = mw.edits[:len(mw.edits)-1]
	if e.data {
		if mw.ws.CanUndo() {
			mw.skipData++
			mw.ws.Undo()
		}
	} else {
		mw.setChoices(e.before)
		mw.lastChoices[e.prefix] = e.before
	}
	mw.redos = append(mw.redos, e)
}

// Redo makes the last undone change again.
func (mw *MainWindow) Redo() {
	if len(mw.redos) == 0 {
		return
	}
	e := mw.redos[len(mw.redos)-1]
	mw.redos = mw.redos[:len(mw.redos)-1]
	if e.data {
		if mw.ws.CanRedo() {
			mw.skipData++
			mw.ws.Redo()
		}
	} else {
		mw.setChoices(e.after)
		mw.lastChoices[e.prefix] = e.after
	}
	mw.edits = append(mw.edits, e)
}

// setChoices puts recorded settings back on their pages' controls.
func (mw *MainWindow) setChoices(ui map[string]string) {
	r, e, l := mw.rsa, mw.enc, mw.les
	for _, c := range []struct {
		key string
		g   *widget.CheckGroup
	}{{"rsa.layers", r.layers}, {"rsa.regions", r.regions}, {"rsa.subjects", r.subjects},
		{"encoding.layers", e.layers}, {"encoding.regions", e.regions}, {"encoding.subjects", e.subjects},
		{"lesion.regions", l.regions}} {
		restoreChecks(ui, c.g, c.key)
	}
	for _, c := range []struct {
		key string
		s   *widget.Select
	}{{"rsa.distance", r.distance}, {"rsa.compare", r.measure}, {"rsa.inference", r.scheme}, {"rsa.correction", r.corr},
		{"lesion.where", l.where}, {"lesion.model", l.model}, {"lesion.layer", l.layer}, {"lesion.plan", l.plan},
		{"lesion.descriptor", l.descriptor}, {"lesion.level", l.level}, {"lesion.weight-region", l.weightRegion},
		{"lesion.fill", l.fill}, {"lesion.compare", l.measure}, {"lesion.readout", l.readout}} {
		restoreSelect(ui, c.s, c.key)
	}
	for _, c := range []struct {
		key string
		e   *widget.Entry
	}{{"rsa.samples", r.samples}, {"rsa.seed", r.seed}, {"encoding.folds", e.folds}, {"encoding.alpha-lo", e.alphaLo},
		{"encoding.alpha-hi", e.alphaHi}, {"encoding.alpha-num", e.alphaNum}, {"lesion.units", l.units},
		{"lesion.fractions", l.fractions}, {"lesion.draws", l.draws}, {"lesion.seed", l.seed}} {
		restoreText(ui, c.e, c.key)
	}
}
