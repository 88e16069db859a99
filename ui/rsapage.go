package ui

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/inference"
	"github.com/alignscope/alignscope/core/job"
	"github.com/alignscope/alignscope/core/rsa"
	"github.com/alignscope/alignscope/io/project"
	"github.com/alignscope/alignscope/ui/figure"
)

// The choices of the RSA page, with the one-line explanations it shows.
var (
	distances = []string{"correlation", "euclidean"}
	distHelp  = map[string]string{
		"correlation": "1 − Pearson r between stimulus patterns: insensitive to overall activation level (the field's default).",
		"euclidean":   "squared Euclidean distance / channels: sensitive to activation level as well as pattern.",
	}
	measures    = []string{"spearman", "tau-a", "corr", "cosine", "rho-a", "kendall", "corr_cov", "cosine_cov"}
	measureHelp = map[string]string{
		"spearman":   "rank correlation: robust to monotonic distortions of the RDMs.",
		"tau-a":      "Kendall's τa: the choice for comparing categorical models (ties) with graded ones.",
		"corr":       "Pearson correlation of the RDM vectors: assumes a linear relation.",
		"cosine":     "cosine similarity: keeps the zero point of the distances.",
		"rho-a":      "Spearman ρa: rank correlation without tie correction, fast τa substitute.",
		"kendall":    "Kendall's τb: rank correlation with tie correction.",
		"corr_cov":   "Pearson correlation whitened by the covariance of RDM entries (Diedrichsen et al.).",
		"cosine_cov": "cosine similarity whitened by the covariance of RDM entries.",
	}
	schemes     = []string{"fixed", "bootstrap stimuli", "bootstrap subjects", "bootstrap both"}
	schemeValue = map[string]inference.Scheme{"fixed": inference.Fixed, "bootstrap stimuli": inference.Stimuli,
		"bootstrap subjects": inference.Subjects, "bootstrap both": inference.Both}
	schemeHelp = map[string]string{
		"fixed":              "no resampling: tests across subjects only; conclusions hold for these stimuli.",
		"bootstrap stimuli":  "resample stimuli: conclusions generalise to new stimuli from the same population.",
		"bootstrap subjects": "resample subjects: conclusions generalise to new subjects.",
		"bootstrap both":     "resample stimuli and subjects (corrected): generalise to both; needs ≥ 20 stimuli and ≥ 5 subjects.",
	}
	corrections    = []string{"FDR", "Bonferroni"}
	correctionHelp = map[string]string{
		"FDR":        "Benjamini–Hochberg false discovery rate over the tests of a region.",
		"Bonferroni": "family-wise error: p × number of tests.",
	}
)

func schemeName(s inference.Scheme) string {
	for k, v := range schemeValue {
		if v == s {
			return k
		}
	}
	return "fixed"
}

// RSAPage is the RSA tab: choose layers and regions, run, and browse the
// model comparison, layer profile, layer × region matrix and the RDMs.
type RSAPage struct {
	mw *MainWindow

	layers, regions, subjects       *widget.CheckGroup
	distance, measure, scheme, corr *widget.Select
	samples, seed                   *widget.Entry
	distHint, measHint, schemeHint  *widget.Label
	corrHint, warn, runInfo         *widget.Label
	run                             *widget.Button
	job                             *job.Job
	cache                           map[string]*rsa.Result
	result                          *rsa.Result
	views                           *container.AppTabs
	comparison, profile, matrix     *PlotView
	compRegion, profModel, matModel *widget.Select
	compInfo, profInfo, matInfo     *widget.Label
	rdms                            *RDMViewer
	compLayout                      func() *figure.ComparisonLayout
	history                         *widget.Select
	historySpecs                    map[string]rsa.Spec
	settingsStack                   []rsa.Spec
	controls                        fyne.CanvasObject
	empty                           *widget.Label
	root                            fyne.CanvasObject
}

func newRSAPage(mw *MainWindow) *RSAPage {
	pg := &RSAPage{mw: mw, cache: map[string]*rsa.Result{}}
	pg.layers = widget.NewCheckGroup(nil, nil)
	pg.regions = widget.NewCheckGroup(nil, nil)
	pg.subjects = widget.NewCheckGroup(nil, nil)
	hint := func() *widget.Label {
		l := widget.NewLabel("")
		l.Wrapping = fyne.TextWrapWord
		l.Importance = widget.LowImportance
		return l
	}
	pg.distHint, pg.measHint, pg.schemeHint, pg.corrHint = hint(), hint(), hint(), hint()
	pg.warn = hint()
	pg.warn.Importance = widget.WarningImportance
	pg.runInfo = hint()
	pg.distance = widget.NewSelect(distances, func(s string) { pg.distHint.SetText(distHelp[s]) })
	pg.measure = widget.NewSelect(measures, func(s string) { pg.measHint.SetText(measureHelp[s]) })
	pg.scheme = widget.NewSelect(schemes, func(s string) { pg.schemeHint.SetText(schemeHelp[s]); pg.updateWarnings() })
	pg.corr = widget.NewSelect(corrections, func(s string) { pg.corrHint.SetText(correctionHelp[s]) })
	pg.samples = widget.NewEntry()
	pg.samples.SetText("1000")
	pg.seed = widget.NewEntry()
	pg.seed.SetText("1")
	pg.distance.SetSelected("correlation")
	pg.measure.SetSelected("spearman")
	pg.corr.SetSelected("FDR")
	pg.run = widget.NewButtonWithIcon("Run RSA", theme.MediaPlayIcon(), pg.Run)
	pg.run.Importance = widget.HighImportance
	pg.subjects.OnChanged = func([]string) { pg.updateWarnings() }

	form := widget.NewForm(
		widget.NewFormItem("RDM distance", container.NewVBox(pg.distance, pg.distHint)),
		widget.NewFormItem("Comparison", container.NewVBox(pg.measure, pg.measHint)),
		widget.NewFormItem("Inference", container.NewVBox(pg.scheme, pg.schemeHint)),
		widget.NewFormItem("Samples", pg.samples),
		widget.NewFormItem("Seed", pg.seed),
		widget.NewFormItem("Correction", container.NewVBox(pg.corr, pg.corrHint)),
	)
	pg.controls = container.NewVScroll(container.NewVBox(
		checkGroupBox("Model layers", pg.layers),
		widget.NewSeparator(),
		checkGroupBox("Regions", pg.regions),
		checkGroupBox("Subjects", pg.subjects),
		widget.NewSeparator(),
		form, pg.warn, pg.run, pg.runInfo,
		widget.NewSeparator(), pg.analysesBox(),
	))

	pg.comparison, pg.profile, pg.matrix = NewPlotView(), NewPlotView(), NewPlotView()
	pg.compInfo, pg.profInfo, pg.matInfo = hint(), hint(), hint()
	pg.compRegion = widget.NewSelect(nil, func(string) { pg.showComparison() })
	pg.profModel = widget.NewSelect(nil, func(string) { pg.showProfile() })
	pg.matModel = widget.NewSelect(nil, func(string) { pg.showMatrix() })
	pg.rdms = NewRDMViewer(mw)
	pg.comparison.OnTap = pg.tapBar
	pg.comparison.OnHover = pg.hoverBar
	pg.matrix.OnTap = pg.tapMatrix
	bar := func(sel *widget.Select, label string, export func()) fyne.CanvasObject {
		return container.NewHBox(widget.NewLabel(label), sel,
			widget.NewButtonWithIcon("Export figure…", theme.DocumentSaveIcon(), export),
			widget.NewButtonWithIcon("Export table (CSV)…", theme.DocumentSaveIcon(), pg.exportTable))
	}
	pg.views = container.NewAppTabs(
		container.NewTabItem("Model comparison", container.NewBorder(
			bar(pg.compRegion, "Region", func() { pg.exportFigure("comparison") }), pg.compInfo, nil, nil, pg.comparison)),
		container.NewTabItem("Layer profile", container.NewBorder(
			bar(pg.profModel, "Model", func() { pg.exportFigure("profile") }), pg.profInfo, nil, nil, pg.profile)),
		container.NewTabItem("Layer × region", container.NewBorder(
			bar(pg.matModel, "Model", func() { pg.exportFigure("matrix") }), pg.matInfo, nil, nil, pg.matrix)),
		container.NewTabItem("RDMs", pg.rdms.root),
	)
	empty := wrapped("Choose model layers and regions on the left, then Run RSA. " +
		"The model comparison, layer profiles and the RDMs behind every score appear here.")
	pg.empty = empty
	pg.root = container.NewHSplit(pg.controls, container.NewStack(empty, pg.views))
	pg.root.(*container.Split).Offset = 0.27
	pg.views.Hide()
	pg.refreshOptions()
	return pg
}

// refreshOptions rebuilds the choices from the project, keeping what is
// still valid, and proposes defaults for a new project.
func (pg *RSAPage) refreshOptions() {
	p := pg.mw.ws.Project()
	var layers, subjects []string
	for _, m := range p.Models {
		for _, l := range m.Layers {
			layers = append(layers, m.Name+"/"+l.Name)
		}
	}
	for _, s := range p.Subjects {
		subjects = append(subjects, s.Name)
	}
	regions := p.RegionNames()
	first := len(pg.layers.Options) == 0
	setChoices(pg.layers, layers)
	setChoices(pg.regions, regions)
	setChoices(pg.subjects, subjects)
	if pg.scheme.Selected == "" || first {
		pg.scheme.SetSelected(schemeName(rsa.DefaultScheme(max(p.NStimuli(), 0), len(subjects))))
	}
	pg.rdms.refreshOptions()
	pg.updateWarnings()
	pg.refreshHistory()
}

func (pg *RSAPage) updateWarnings() {
	p := pg.mw.ws.Project()
	w := rsa.Warnings(schemeValue[pg.scheme.Selected], max(p.NStimuli(), 0), len(pg.subjects.Selected))
	if len(w) == 0 {
		pg.warn.SetText("")
		return
	}
	pg.warn.SetText("⚠ " + strings.Join(w, "\n⚠ "))
}

// Spec reads the page's choices.
func (pg *RSAPage) Spec() (rsa.Spec, error) {
	s := rsa.Spec{Distance: pg.distance.Selected, Compare: pg.measure.Selected,
		Scheme: schemeValue[pg.scheme.Selected], Regions: append([]string(nil), pg.regions.Selected...),
		Subjects: append([]string(nil), pg.subjects.Selected...), Correction: strings.ToLower(pg.corr.Selected)}
	for _, o := range pg.layers.Options { // keep project order
		for _, sel := range pg.layers.Selected {
			if o == sel {
				m, l, _ := strings.Cut(o, "/")
				s.Layers = append(s.Layers, rsa.LayerRef{Model: m, Layer: l})
			}
		}
	}
	n, err := strconv.Atoi(strings.TrimSpace(pg.samples.Text))
	if err != nil || n < 10 || n > 100000 {
		return s, fmt.Errorf("samples must be a whole number from 10 to 100000, not %q", pg.samples.Text)
	}
	s.Samples = n
	seed, err := strconv.ParseUint(strings.TrimSpace(pg.seed.Text), 10, 64)
	if err != nil {
		return s, fmt.Errorf("seed must be a whole number ≥ 0, not %q", pg.seed.Text)
	}
	s.Seed = seed
	if len(s.Subjects) == 0 {
		return s, fmt.Errorf("choose at least one subject")
	}
	return s, nil
}

// Run starts the analysis in the background, or shows the cached result
// of the same choices at once.
func (pg *RSAPage) Run() {
	spec, err := pg.Spec()
	if err != nil {
		showError(pg.mw.Win, "Cannot run RSA", err, "Change the choice on the left and run again.")
		return
	}
	pg.mw.settingsRun("rsa.")
	if n := len(pg.settingsStack); n == 0 || pg.settingsStack[n-1].Key() != spec.Key() {
		pg.settingsStack = append(pg.settingsStack, spec)
	}
	if r, ok := pg.cache[spec.Key()]; ok {
		pg.show(r)
		pg.runInfo.SetText("Shown from the cache: these choices were run before.")
		return
	}
	if pg.job != nil && pg.job.Status().State == job.Running {
		pg.job.Cancel()
	}
	p := pg.mw.ws.Project()
	var res *rsa.Result
	pg.runInfo.SetText("Running… (see Jobs below for progress and Cancel)")
	pg.job = pg.mw.ws.Jobs.Start(fmt.Sprintf("RSA: %d layers × %d regions", len(spec.Layers), len(spec.Regions)),
		func(ctx context.Context, rep *job.Reporter) error {
			var err error
			res, err = rsa.Run(ctx, p, spec, rep)
			return err
		}, func(err error) {
			fyne.Do(func() {
				if err != nil {
					pg.runInfo.SetText("")
					if !errors.Is(err, context.Canceled) {
						showError(pg.mw.Win, "RSA failed", err, "Nothing was changed. Check the chosen layers and regions.")
					}
					return
				}
				pg.cache[spec.Key()] = res
				pg.runInfo.SetText("")
				pg.mw.RecordAnalysis(project.KindRSA, spec, res)
				pg.show(res)
				pg.refreshHistory()
			})
		})
}

// Result returns the result shown, or nil.
func (pg *RSAPage) Result() *rsa.Result { return pg.result }

func (pg *RSAPage) show(r *rsa.Result) {
	pg.result = r
	pg.empty.Hide()
	pg.views.Show()
	pg.compRegion.Options = r.Spec.Regions
	models := modelsOf(r)
	pg.profModel.Options, pg.matModel.Options = models, models
	if !contains(r.Spec.Regions, pg.compRegion.Selected) {
		pg.compRegion.Selected = r.Spec.Regions[0]
	}
	if !contains(models, pg.profModel.Selected) {
		pg.profModel.Selected = models[0]
	}
	if !contains(models, pg.matModel.Selected) {
		pg.matModel.Selected = models[0]
	}
	pg.compRegion.Refresh()
	pg.profModel.Refresh()
	pg.matModel.Refresh()
	pg.showComparison()
	pg.showProfile()
	pg.showMatrix()
	pg.rdms.setResult(r)
}

func modelsOf(r *rsa.Result) []string {
	var out []string
	for _, l := range r.Spec.Layers {
		if !contains(out, l.Model) {
			out = append(out, l.Model)
		}
	}
	return out
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// stimuliOf returns the project's stimuli (nil-safe).
func stimuliOf(p *data.Project) *data.Stimuli {
	if p.Stimuli == nil {
		return data.NewStimuli(0)
	}
	return p.Stimuli
}
