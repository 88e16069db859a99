package ui

// The encoding and lesion analyses as project steps: their figures for
// reports and `alignscope run`, the Lesions page's choices as
// project.LesionSettings, and what the Encoding and Lesions pages save
// into and restore from a project (choices, views and cached results).

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"fyne.io/fyne/v2/widget"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/decode"
	"github.com/alignscope/alignscope/core/lesion"
	"github.com/alignscope/alignscope/core/voxelwise"
	"github.com/alignscope/alignscope/io/project"
	"github.com/alignscope/alignscope/io/report"
	"github.com/alignscope/alignscope/ui/figure"
)

func init() {
	RegisterFigures(project.KindEncoding, encodingFigures)
	RegisterFigures(project.KindLesion, lesionFigures)
}

// encodingFigures are the figures of an encoding analysis for a report:
// the layer profile of every model and the score distributions of every
// region, both of the cross-validated R² (as the Encoding page's
// Distributions and Layer profile tabs draw them).
func encodingFigures(a *project.Analysis) ([]*report.Figure, error) {
	r, ok := a.Result.(*voxelwise.Result)
	if !ok || r == nil {
		return nil, fmt.Errorf("analysis %s: result is %T, not an encoding result", a.ID, a.Result)
	}
	var figs []*report.Figure
	var errs []string
	var models []string
	for _, l := range r.Spec.Layers {
		if !contains(models, l.Model) {
			models = append(models, l.Model)
		}
	}
	for _, m := range models {
		p, err := figure.EncodingProfile(r, m, voxelwise.R2)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		figs = append(figs, &report.Figure{Name: FileStem("encoding-profile-" + m), Plot: p,
			Caption: "Layer profile of " + m + ": median cross-validated R² over targets against layer, one line per region " +
				"(band: 25th–75th percentile; dashed: median split-half reliability)."})
	}
	for _, region := range r.Spec.Regions {
		p, err := figure.ScoreHistograms(r, region, voxelwise.R2)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		figs = append(figs, &report.Figure{Name: FileStem("encoding-distributions-" + region), Plot: p,
			Caption: "Distribution of the cross-validated R² of every target of " + region + ", one histogram per layer (bar: median)."})
	}
	if len(errs) > 0 {
		return figs, errors.New(strings.Join(errs, "; "))
	}
	return figs, nil
}

// lesionFigures are the lesion curves of every effect (α = 0.05), as the
// Lesions page draws them.
func lesionFigures(a *project.Analysis) ([]*report.Figure, error) {
	r, ok := a.Result.(*lesion.Result)
	if !ok || r == nil {
		return nil, fmt.Errorf("analysis %s: result is %T, not a lesion result", a.ID, a.Result)
	}
	var figs []*report.Figure
	var errs []string
	for i, e := range r.Effects {
		p, err := figure.LesionCurve(r, i, 0.05)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		figs = append(figs, &report.Figure{Name: FileStem("lesion-curve-" + e.Name), Plot: p,
			Caption: "Lesion curve of " + e.Name + ": change from the intact score against the fraction lesioned (" + r.Plan +
				"); grey: 95 % of random lesions of the same size; stars: the plan hurts more than random (p < 0.05)."})
	}
	if len(errs) > 0 {
		return figs, errors.New(strings.Join(errs, "; "))
	}
	return figs, nil
}

// The Lesions page's plan names and the project's.
var lesionPlanWords = map[string]string{
	planSelective:    project.LesionSelective,
	planLeastSel:     project.LesionLeastSelective,
	planVariance:     project.LesionVariance,
	planChannels:     project.LesionSelectiveChannels,
	planRandChannels: project.LesionRandomChannels,
	planWeights:      project.LesionWeights,
	planList:         project.LesionUnits,
}

// modelOf names the model of p that holds layer l.
func modelOf(p *data.Project, l *data.Layer) string {
	for _, m := range p.Models {
		for _, ml := range m.Layers {
			if ml == l {
				return m.Name
			}
		}
	}
	return ""
}

// settings are the request's choices as a project records them (p is
// the project the request was read from).
func (r lesionRequest) settings(p *data.Project) project.LesionSettings {
	s := project.LesionSettings{Plan: lesionPlanWords[r.plan], Descriptor: r.descriptor, Fill: r.fill.String(),
		Fractions: r.fractions, Draws: r.draws, Seed: r.seed, Units: r.units, Regions: r.regions, Compare: r.measure,
		WeightRegion: r.weightRegion, Classifier: decode.Ridge, DecodeFolds: decode.DefaultFolds}
	if r.layer != nil {
		s.Model, s.Layer = modelOf(p, r.layer), r.layer.Name
	}
	if lvl, ok := strings.CutSuffix(r.level, " vs rest"); ok {
		s.Level = lvl
	}
	if r.readout != readoutNone && r.stimuli != nil {
		s.Readout = r.readout
	}
	return s
}

// lesionRequestOf is the request that gives settings s on the page (for
// its cache key), or false when p lacks the layer.
func lesionRequestOf(p *data.Project, s project.LesionSettings) (lesionRequest, bool) {
	m := p.Model(s.Model)
	if m == nil || m.Layer(s.Layer) == nil {
		return lesionRequest{}, false
	}
	req := lesionRequest{layer: m.Layer(s.Layer), descriptor: s.Descriptor, level: levelEachVersus, fractions: s.Fractions,
		draws: s.Draws, seed: s.Seed, units: s.Units, regions: s.Regions, weightRegion: s.WeightRegion, measure: s.Compare,
		readout: readoutNone, stimuli: p.Stimuli}
	for label, w := range lesionPlanWords {
		if w == s.Plan {
			req.plan = label
		}
	}
	if s.Level != "" {
		req.level = s.Level + " vs rest"
	}
	if s.Readout != "" {
		req.readout = s.Readout
	}
	req.fill, _ = lesion.ParseFill(s.Fill)
	return req, true
}

// recordPageResults records the Encoding page's cached results as
// analyses (the Lesions page records its own when a run ends: its cache
// does not keep the settings).
func (mw *MainWindow) recordPageResults() {
	pg := mw.enc
	keys := make([]string, 0, len(pg.cache))
	for k := range pg.cache {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		r := pg.cache[k]
		mw.RecordAnalysis(project.KindEncoding, r.Spec, r)
	}
}

// analysisPageState adds the Encoding and Lesions pages' choices and
// views to ui.
func (mw *MainWindow) analysisPageState(ui map[string]string, as []*project.Analysis) {
	e := mw.enc
	for k, v := range map[string]string{
		"encoding.layers":            joinLines(e.layers.Selected),
		"encoding.regions":           joinLines(e.regions.Selected),
		"encoding.subjects":          joinLines(e.subjects.Selected),
		"encoding.folds":             e.folds.Text,
		"encoding.alpha-lo":          e.alphaLo.Text,
		"encoding.alpha-hi":          e.alphaHi.Text,
		"encoding.alpha-num":         e.alphaNum.Text,
		"encoding.view":              strconv.Itoa(e.views.SelectedIndex()),
		"encoding.map-layer":         e.mapLayer.Selected,
		"encoding.map-subject":       e.mapSubject.Selected,
		"encoding.map-metric":        e.mapMetric.Selected,
		"encoding.threshold":         e.threshold.Text,
		"encoding.dist-region":       e.distRegion.Selected,
		"encoding.dist-metric":       e.distMetric.Selected,
		"encoding.profile-model":     e.profModel.Selected,
		"encoding.compare-a":         e.cmpA.Selected,
		"encoding.compare-b":         e.cmpB.Selected,
		"encoding.compare-subject":   e.cmpSubject.Selected,
		"encoding.compare-region":    e.cmpRegion.Selected,
		"encoding.penalty-layer":     e.alphaLayer.Selected,
		"encoding.penalty-recording": e.alphaRec.Selected,
	} {
		ui[k] = v
	}
	l := mw.les
	for k, v := range map[string]string{
		"lesion.where":         l.where.Selected,
		"lesion.model":         l.model.Selected,
		"lesion.layer":         l.layer.Selected,
		"lesion.plan":          l.plan.Selected,
		"lesion.descriptor":    l.descriptor.Selected,
		"lesion.level":         l.level.Selected,
		"lesion.weight-region": l.weightRegion.Selected,
		"lesion.units":         l.units.Text,
		"lesion.fill":          l.fill.Selected,
		"lesion.fractions":     l.fractions.Text,
		"lesion.draws":         l.draws.Text,
		"lesion.seed":          l.seed.Text,
		"lesion.compare":       l.measure.Selected,
		"lesion.readout":       l.readout.Selected,
		"lesion.regions":       joinLines(l.regions.Selected),
		"lesion.view":          strconv.Itoa(l.views.SelectedIndex()),
		"lesion.effect":        l.effect.Selected,
	} {
		ui[k] = v
	}
	for _, a := range as {
		if e.result != nil && a.Result == any(e.result) {
			ui["encoding.shown"] = a.ID
		}
		if l.result != nil && a.Result == any(l.result) {
			ui["lesion.shown"] = a.ID
		}
	}
}

// restoreChecks selects the options of g listed in ui[key].
func restoreChecks(ui map[string]string, g *widget.CheckGroup, key string) {
	v, ok := ui[key]
	if !ok {
		return
	}
	var sel []string
	for _, s := range splitLines(v) {
		if contains(g.Options, s) {
			sel = append(sel, s)
		}
	}
	g.SetSelected(sel)
}

// restoreSelect selects ui[key] in s when it is one of its options.
func restoreSelect(ui map[string]string, s *widget.Select, key string) {
	if v, ok := ui[key]; ok && contains(s.Options, v) {
		s.SetSelected(v)
	}
}

// restoreText sets e's text to ui[key], when recorded.
func restoreText(ui map[string]string, e *widget.Entry, key string) {
	if v, ok := ui[key]; ok {
		e.SetText(v)
	}
}

// restoreAnalysisPages puts back the Encoding and Lesions pages' choices
// and shows their cached results without computing anything: every
// encoding and lesion analysis with a result goes into its page's cache,
// and the one shown when the project was saved is shown again. The
// voxel geometry of the encoding fits comes from the project's
// recordings (project.AttachData).
func (mw *MainWindow) restoreAnalysisPages(ui map[string]string, as []*project.Analysis) {
	p := mw.ws.Project()
	project.AttachData(p, as)
	const fromProject = "Shown from the saved project: these results were not computed again."

	e := mw.enc
	e.cache = map[string]*voxelwise.Result{}
	e.result = nil
	var encShown *voxelwise.Result
	l := mw.les
	l.cache = map[string]*lesion.Result{}
	l.result = nil
	var lesShown *lesion.Result
	for _, a := range as {
		switch r := a.Result.(type) {
		case *voxelwise.Result:
			if r == nil {
				continue
			}
			e.cache[r.Spec.Key()] = r
			if a.ID == ui["encoding.shown"] || encShown == nil {
				encShown = r
			}
		case *lesion.Result:
			s, ok := a.Spec.(project.LesionSettings)
			if r == nil || !ok {
				continue
			}
			if req, ok := lesionRequestOf(p, s); ok {
				l.cache[req.key(s.Model)] = r
			}
			if a.ID == ui["lesion.shown"] || lesShown == nil {
				lesShown = r
			}
		}
	}

	restoreChecks(ui, e.layers, "encoding.layers")
	restoreChecks(ui, e.regions, "encoding.regions")
	restoreChecks(ui, e.subjects, "encoding.subjects")
	restoreText(ui, e.folds, "encoding.folds")
	restoreText(ui, e.alphaLo, "encoding.alpha-lo")
	restoreText(ui, e.alphaHi, "encoding.alpha-hi")
	restoreText(ui, e.alphaNum, "encoding.alpha-num")
	if encShown != nil {
		e.show(encShown)
		restoreSelect(ui, e.mapMetric, "encoding.map-metric")
		restoreText(ui, e.threshold, "encoding.threshold")
		restoreSelect(ui, e.mapLayer, "encoding.map-layer")
		restoreSelect(ui, e.mapSubject, "encoding.map-subject")
		restoreSelect(ui, e.distMetric, "encoding.dist-metric")
		restoreSelect(ui, e.distRegion, "encoding.dist-region")
		restoreSelect(ui, e.profModel, "encoding.profile-model")
		restoreSelect(ui, e.cmpA, "encoding.compare-a")
		restoreSelect(ui, e.cmpB, "encoding.compare-b")
		restoreSelect(ui, e.cmpSubject, "encoding.compare-subject")
		restoreSelect(ui, e.cmpRegion, "encoding.compare-region")
		restoreSelect(ui, e.alphaLayer, "encoding.penalty-layer")
		restoreSelect(ui, e.alphaRec, "encoding.penalty-recording")
		if i, err := strconv.Atoi(ui["encoding.view"]); err == nil && i >= 0 && i < len(e.views.Items) {
			e.views.SelectIndex(i)
		}
		e.runInfo.SetText(fromProject)
	} else {
		e.views.Hide()
		e.empty.Show()
	}

	restoreSelect(ui, l.where, "lesion.where")
	restoreSelect(ui, l.model, "lesion.model") // refreshes the layers
	restoreSelect(ui, l.layer, "lesion.layer")
	restoreSelect(ui, l.plan, "lesion.plan")
	restoreSelect(ui, l.descriptor, "lesion.descriptor") // refreshes the levels
	restoreSelect(ui, l.level, "lesion.level")
	restoreSelect(ui, l.weightRegion, "lesion.weight-region")
	restoreSelect(ui, l.fill, "lesion.fill")
	restoreSelect(ui, l.measure, "lesion.compare")
	restoreSelect(ui, l.readout, "lesion.readout")
	restoreText(ui, l.units, "lesion.units")
	restoreText(ui, l.fractions, "lesion.fractions")
	restoreText(ui, l.draws, "lesion.draws")
	restoreText(ui, l.seed, "lesion.seed")
	restoreChecks(ui, l.regions, "lesion.regions")
	if lesShown != nil {
		l.show(lesShown)
		restoreSelect(ui, l.effect, "lesion.effect")
		if i, err := strconv.Atoi(ui["lesion.view"]); err == nil && i >= 0 && i < len(l.views.Items) {
			l.views.SelectIndex(i)
		}
		l.runInfo.SetText(fromProject)
	} else {
		l.views.Hide()
		l.empty.Show()
	}
}
