package ui

import (
	"fmt"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/alignscope/alignscope/core/rsa"
	"github.com/alignscope/alignscope/io/project"
)

// The RSA page keeps the analyses run in this project: any of them can be
// shown again (its settings and its cached result), duplicated (its
// settings copied into the choices, to change one and run a variant next
// to the original), and the choices can go back to the settings before.

// analysesBox builds the "Analyses" section of the controls.
func (pg *RSAPage) analysesBox() fyne.CanvasObject {
	pg.history = widget.NewSelect(nil, nil)
	pg.history.PlaceHolder = "no analysis run yet"
	show := widget.NewButtonWithIcon("Show", theme.VisibilityIcon(), func() {
		if s, ok := pg.historySpec(); ok {
			pg.setSpec(s)
			pg.Run() // served from the cache
		}
	})
	dup := widget.NewButtonWithIcon("Duplicate", theme.ContentCopyIcon(), func() {
		if s, ok := pg.historySpec(); ok {
			pg.setSpec(s)
			pg.runInfo.SetText("Settings of " + pg.history.Selected + " copied: change what you want to vary, then Run RSA to add the variant.")
		}
	})
	back := widget.NewButtonWithIcon("Previous settings", theme.NavigateBackIcon(), pg.previousSettings)
	return container.NewVBox(heading("Analyses"), pg.history, container.NewHBox(show, dup, back))
}

// refreshHistory lists the recorded RSA analyses.
func (pg *RSAPage) refreshHistory() {
	if pg.history == nil || pg.mw.rsa == nil { // still being built
		return
	}
	pg.historySpecs = map[string]rsa.Spec{}
	var names []string
	for _, a := range pg.mw.Analyses() {
		s, ok := a.Spec.(rsa.Spec)
		if a.Kind != project.KindRSA || !ok {
			continue
		}
		name := fmt.Sprintf("%s: %d layers × %d regions, %s, %s", a.ID, len(s.Layers), len(s.Regions), s.Compare, schemeName(s.Scheme))
		names = append(names, name)
		pg.historySpecs[name] = s
	}
	pg.history.Options = names
	if len(names) > 0 && !contains(names, pg.history.Selected) {
		pg.history.Selected = names[len(names)-1]
	}
	pg.history.Refresh()
}

func (pg *RSAPage) historySpec() (rsa.Spec, bool) {
	s, ok := pg.historySpecs[pg.history.Selected]
	return s, ok
}

// setSpec puts a spec into the page's choices, remembering the choices
// it replaces for Previous settings.
func (pg *RSAPage) setSpec(s rsa.Spec) {
	if cur, err := pg.Spec(); err == nil {
		pg.settingsStack = append(pg.settingsStack, cur)
	}
	pg.applySpec(s)
}

func (pg *RSAPage) applySpec(s rsa.Spec) {
	var layers []string
	for _, l := range s.Layers {
		layers = append(layers, l.String())
	}
	pg.layers.SetSelected(layers)
	pg.regions.SetSelected(append([]string(nil), s.Regions...))
	pg.subjects.SetSelected(append([]string(nil), s.Subjects...))
	pg.distance.SetSelected(s.Distance)
	pg.measure.SetSelected(s.Compare)
	pg.scheme.SetSelected(schemeName(s.Scheme))
	if s.Correction == "bonferroni" {
		pg.corr.SetSelected("Bonferroni")
	} else {
		pg.corr.SetSelected("FDR")
	}
	pg.samples.SetText(strconv.Itoa(s.Samples))
	pg.seed.SetText(strconv.FormatUint(s.Seed, 10))
}

// previousSettings restores the choices made before the last Show,
// Duplicate or Run.
func (pg *RSAPage) previousSettings() {
	cur, err := pg.Spec()
	for err == nil && len(pg.settingsStack) > 0 && pg.settingsStack[len(pg.settingsStack)-1].Key() == cur.Key() {
		pg.settingsStack = pg.settingsStack[:len(pg.settingsStack)-1]
	}
	if len(pg.settingsStack) == 0 {
		pg.runInfo.SetText("No earlier settings in this session.")
		return
	}
	s := pg.settingsStack[len(pg.settingsStack)-1]
	pg.settingsStack = pg.settingsStack[:len(pg.settingsStack)-1]
	pg.applySpec(s)
	pg.runInfo.SetText("Back to the previous settings.")
}
