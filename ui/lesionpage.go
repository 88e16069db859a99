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
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/decode"
	"github.com/alignscope/alignscope/core/job"
	"github.com/alignscope/alignscope/core/lesion"
	"github.com/alignscope/alignscope/core/rsa"
	"github.com/alignscope/alignscope/io/export"
	"github.com/alignscope/alignscope/io/project"
	"github.com/alignscope/alignscope/ui/figure"
)

// The lesion plans the page offers, with their one-line explanations.
const (
	planSelective     = "most selective units"
	planLeastSel      = "least selective units"
	planVariance      = "highest-variance units"
	planChannels      = "most selective channels"
	planRandChannels  = "random channels"
	planList          = "units I list"
	planWeights       = "largest encoding weights"
	readoutNone       = "none"
	levelEachVersus   = "(first two levels, or all: F)"
	defaultFractions  = "0, 1, 2, 5, 10, 20, 50, 100"
	lesionDefaultSeed = "1"
)

var planHelp = map[string]string{
	planSelective:    "units with the largest |d′| between two levels of a descriptor (or the largest F over all levels) go first.",
	planLeastSel:     "units with the smallest selectivity go first: a control for the selective plan.",
	planVariance:     "units with the largest variance over stimuli go first.",
	planChannels:     "whole channels of a convolutional layer (C×H×W), ranked by their units' mean selectivity.",
	planRandChannels: "whole channels in a random (seeded) order.",
	planList:         "exactly the units you list (0-based indices), as one lesion.",
	planWeights:      "units with the largest ridge weights (mean |weight| over voxels and subjects) for predicting the region chosen under “Weights of”.",
}

// LesionPage is the Lesions tab: silence units of a layer by a plan, at
// growing fractions, and measure how the layer's agreement with brain
// regions and a decoding readout change, against random lesions of the
// same size.
type LesionPage struct {
	mw *MainWindow

	model, layer, plan, descriptor, level, fill, readout, measure *widget.Select
	planHint                                                      *widget.Label
	fractions, draws, seed, units                                 *widget.Entry
	regions                                                       *widget.CheckGroup
	weightRegion                                                  *widget.Select
	where, node                                                   *widget.Select
	withEncoding                                                  *widget.Check
	run                                                           *widget.Button
	runInfo                                                       *widget.Label
	job                                                           *job.Job
	result                                                        *lesion.Result
	cache                                                         map[string]*lesion.Result

	views             *container.AppTabs
	empty             *widget.Label
	effect            *widget.Select
	curve             *PlotView
	curveInfo         *widget.Label
	before, after     *Heatmap
	cBefore, cAfter   *Heatmap
	rdmInfo, confInfo *widget.Label
	table             *widget.Table
	rows              []lesion.Row
	root              fyne.CanvasObject
}

func newLesionPage(mw *MainWindow) *LesionPage {
	pg := &LesionPage{mw: mw, cache: map[string]*lesion.Result{}}
	hint := func() *widget.Label {
		l := widget.NewLabel("")
		l.Wrapping = fyne.TextWrapWord
		l.Importance = widget.LowImportance
		return l
	}
	pg.planHint, pg.runInfo = hint(), hint()
	pg.model = widget.NewSelect(nil, func(string) { pg.refreshLayers() })
	pg.layer = widget.NewSelect(nil, nil)
	pg.plan = widget.NewSelect([]string{planSelective, planLeastSel, planVariance, planChannels, planRandChannels, planWeights, planList},
		func(s string) { pg.planHint.SetText(planHelp[s]) })
	pg.descriptor = widget.NewSelect(nil, func(string) { pg.refreshLevels() })
	pg.level = widget.NewSelect(nil, nil)
	pg.fill = widget.NewSelect([]string{"zero", "mean"}, nil)
	pg.fill.SetSelected("zero")
	pg.readout = widget.NewSelect(nil, nil)
	pg.measure = widget.NewSelect([]string{"spearman", "tau-a", "corr", "cosine"}, nil)
	pg.measure.SetSelected("spearman")
	entry := func(s string) *widget.Entry { e := widget.NewEntry(); e.SetText(s); return e }
	pg.fractions, pg.draws, pg.seed = entry(defaultFractions), entry("100"), entry(lesionDefaultSeed)
	pg.units = widget.NewEntry()
	pg.units.SetPlaceHolder("e.g. 3, 17, 42 (for “units I list”)")
	pg.regions = widget.NewCheckGroup(nil, nil)
	pg.weightRegion = widget.NewSelect(nil, nil)
	pg.node = widget.NewSelect(nil, nil)
	pg.withEncoding = widget.NewCheck("+ encoding (slow)", nil)
	pg.where = widget.NewSelect([]string{whereStored, whereNetwork}, func(s string) {
		if s == whereNetwork {
			pg.refreshNodes()
			pg.node.Enable()
			pg.model.Disable()
			pg.layer.Disable()
		} else {
			pg.node.Disable()
			pg.model.Enable()
			pg.layer.Enable()
		}
	})
	pg.run = widget.NewButtonWithIcon("Run lesions", theme.MediaPlayIcon(), pg.Run)
	pg.run.Importance = widget.HighImportance
	pg.plan.SetSelected(planSelective)
	pg.where.SetSelected(whereStored)
	form := widget.NewForm(
		widget.NewFormItem("Lesion", pg.where),
		widget.NewFormItem("Network node", container.NewVBox(pg.node, pg.withEncoding)),
		widget.NewFormItem("Model", pg.model),
		widget.NewFormItem("Layer", pg.layer),
		widget.NewFormItem("Plan", container.NewVBox(pg.plan, pg.planHint)),
		widget.NewFormItem("Descriptor", pg.descriptor),
		widget.NewFormItem("Level", pg.level),
		widget.NewFormItem("Units", pg.units),
		widget.NewFormItem("Weights of", pg.weightRegion),
		widget.NewFormItem("Silence by", pg.fill),
		widget.NewFormItem("Fractions (%)", pg.fractions),
		widget.NewFormItem("Random draws", pg.draws),
		widget.NewFormItem("Seed", pg.seed),
		widget.NewFormItem("Comparison", pg.measure),
		widget.NewFormItem("Decode", pg.readout),
	)
	controls := container.NewVScroll(container.NewVBox(form, heading("Regions"), pg.regions, pg.run, pg.runInfo))

	pg.effect = widget.NewSelect(nil, func(string) { pg.showCurve() })
	pg.curve = NewPlotView()
	pg.curveInfo = hint()
	curveTab := container.NewBorder(container.NewHBox(widget.NewLabel("Effect"), pg.effect,
		widget.NewButtonWithIcon("Export figure…", theme.DocumentSaveIcon(), pg.exportFigure),
		widget.NewButtonWithIcon("Export table (CSV)…", theme.DocumentSaveIcon(), pg.exportTable)),
		pg.curveInfo, nil, nil, pg.curve)
	pg.before, pg.after = NewHeatmap(), NewHeatmap()
	pg.rdmInfo = hint()
	rdmTab := container.NewBorder(nil, pg.rdmInfo, nil, nil, container.NewGridWithColumns(2,
		container.NewBorder(widget.NewLabelWithStyle("intact", fyne.TextAlignCenter, fyne.TextStyle{Bold: true}), nil, nil, nil, pg.before),
		container.NewBorder(widget.NewLabelWithStyle("lesioned", fyne.TextAlignCenter, fyne.TextStyle{Bold: true}), nil, nil, nil, pg.after)))
	pg.cBefore, pg.cAfter = NewHeatmap(), NewHeatmap()
	pg.confInfo = hint()
	for _, h := range []*Heatmap{pg.cBefore, pg.cAfter} {
		h.OnHover = pg.hoverConfusion
	}
	for _, h := range []*Heatmap{pg.before, pg.after} {
		h.OnHover = pg.hoverRDM
	}
	confTab := container.NewBorder(nil, pg.confInfo, nil, nil, container.NewGridWithColumns(2,
		container.NewBorder(widget.NewLabelWithStyle("intact", fyne.TextAlignCenter, fyne.TextStyle{Bold: true}), nil, nil, nil, pg.cBefore),
		container.NewBorder(widget.NewLabelWithStyle("lesioned", fyne.TextAlignCenter, fyne.TextStyle{Bold: true}), nil, nil, nil, pg.cAfter)))
	pg.table = widget.NewTable(
		func() (int, int) { return len(pg.rows) + 1, 9 },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(c widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			head := []string{"effect", "fraction", "units", "intact", "lesioned", "change", "random median", "excess", "p"}
			if c.Row == 0 {
				l.TextStyle.Bold = true
				l.SetText(head[c.Col])
				return
			}
			l.TextStyle.Bold = false
			r := pg.rows[c.Row-1]
			vals := []string{r.Effect, fmt.Sprintf("%g %%", 100*r.Fraction), strconv.Itoa(r.Units),
				fmtValue(r.Intact), fmtValue(r.Lesioned), fmtValue(r.Change), fmtValue(r.NullMedian), fmtValue(r.Excess), fmtValue(r.P)}
			l.SetText(vals[c.Col])
		})
	pg.table.SetColumnWidth(0, 150)
	for c := 1; c < 9; c++ {
		pg.table.SetColumnWidth(c, 95)
	}
	pg.views = container.NewAppTabs(
		container.NewTabItem("Lesion curves", curveTab),
		container.NewTabItem("RDMs before/after", rdmTab),
		container.NewTabItem("Confusion before/after", confTab),
		container.NewTabItem("Effect sizes", pg.table),
	)
	pg.empty = wrapped("Choose a layer, a lesion plan and the regions on the left, then Run lesions. The page silences " +
		"growing fractions of the layer's units in the plan's order and in random order (the null band), and shows " +
		"how the layer's agreement with each region and the decoding of a descriptor change.")
	pg.views.Hide()
	split := container.NewHSplit(controls, container.NewStack(pg.empty, pg.views))
	split.Offset = 0.3
	pg.root = split
	pg.refreshOptions()
	return pg
}

func (pg *LesionPage) refreshOptions() {
	p := pg.mw.ws.Project()
	var models []string
	for _, m := range p.Models {
		for _, l := range m.Layers {
			if l.Data != nil {
				models = append(models, m.Name)
				break
			}
		}
	}
	setOptions(pg.model, models)
	pg.refreshLayers()
	cols := []string{}
	if p.Stimuli != nil {
		cols = append(cols, p.Stimuli.Columns...)
	}
	setOptions(pg.descriptor, cols)
	setOptions(pg.readout, append([]string{readoutNone}, cols...))
	if contains(cols, "category") && pg.readout.Selected == readoutNone {
		pg.readout.SetSelected("category")
	}
	pg.refreshLevels()
	regions := p.RegionNames()
	setOptions(pg.weightRegion, regions)
	first := len(pg.regions.Options) == 0
	pg.regions.Options = regions
	if first {
		pg.regions.Selected = append([]string(nil), regions...)
	}
	pg.regions.Refresh()
}

func (pg *LesionPage) refreshLayers() {
	p := pg.mw.ws.Project()
	var layers []string
	if m := p.Model(pg.model.Selected); m != nil {
		for _, l := range m.Layers {
			if l.Data != nil {
				layers = append(layers, l.Name)
			}
		}
	}
	setOptions(pg.layer, layers)
}

func (pg *LesionPage) refreshLevels() {
	p := pg.mw.ws.Project()
	opts := []string{levelEachVersus}
	if p.Stimuli != nil && pg.descriptor.Selected != "" {
		for _, l := range p.Stimuli.Levels(pg.descriptor.Selected) {
			opts = append(opts, l+" vs rest")
		}
	}
	setOptions(pg.level, opts)
}

// parseFractions reads "0, 1, 2, 5" (percent) into fractions.
func parseFractions(s string) ([]float64, error) {
	var out []float64
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		v, err := strconv.ParseFloat(strings.TrimSuffix(f, "%"), 64)
		if err != nil || v < 0 || v > 100 {
			return nil, fmt.Errorf("fractions are percentages from 0 to 100, not %q", f)
		}
		out = append(out, v/100)
	}
	if len(out) == 0 {
		return nil, errors.New("give at least one fraction")
	}
	return out, nil
}

// request is everything read from the controls for one run.
type lesionRequest struct {
	layer                   *data.Layer
	plan, descriptor, level string
	fill                    lesion.Fill
	fractions               []float64
	draws                   int
	seed                    uint64
	units                   []int
	regions                 []string
	weightRegion            string
	encoding                bool // network lesions: encoding agreement too
	measure, readout        string
	stimuli                 *data.Stimuli
}

func (r lesionRequest) key(model string) string {
	return fmt.Sprintf("%s/%s|%s|%s|%s|%v|%v|%d|%d|%v|%v|%s|%s|%s", model, r.layer.Name, r.plan, r.descriptor, r.level,
		r.fill, r.fractions, r.draws, r.seed, r.units, r.regions, r.measure, r.readout, r.weightRegion)
}

func (pg *LesionPage) request() (lesionRequest, error) {
	p := pg.mw.ws.Project()
	req := lesionRequest{plan: pg.plan.Selected, descriptor: pg.descriptor.Selected, level: pg.level.Selected,
		regions: append([]string(nil), pg.regions.Selected...), measure: pg.measure.Selected, readout: pg.readout.Selected,
		weightRegion: pg.weightRegion.Selected,
		stimuli:      p.Stimuli}
	m := p.Model(pg.model.Selected)
	if m == nil || m.Layer(pg.layer.Selected) == nil {
		return req, errors.New("choose a model and a layer")
	}
	req.layer = m.Layer(pg.layer.Selected)
	var err error
	if req.fill, err = lesion.ParseFill(pg.fill.Selected); err != nil {
		return req, err
	}
	if req.fractions, err = parseFractions(pg.fractions.Text); err != nil {
		return req, err
	}
	if req.draws, err = strconv.Atoi(strings.TrimSpace(pg.draws.Text)); err != nil || req.draws < 10 || req.draws > 10000 {
		return req, fmt.Errorf("random draws must be a whole number from 10 to 10000, not %q", pg.draws.Text)
	}
	if req.seed, err = strconv.ParseUint(strings.TrimSpace(pg.seed.Text), 10, 64); err != nil {
		return req, fmt.Errorf("seed must be a whole number ≥ 0, not %q", pg.seed.Text)
	}
	if req.plan == planList {
		for _, f := range strings.FieldsFunc(pg.units.Text, func(r rune) bool { return r == ',' || r == ' ' }) {
			u, err := strconv.Atoi(f)
			if err != nil {
				return req, fmt.Errorf("units must be whole numbers, not %q", f)
			}
			req.units = append(req.units, u)
		}
		if len(req.units) == 0 {
			return req, errors.New("list the units to silence (0-based indices), or choose another plan")
		}
	}
	if len(req.regions) == 0 && req.readout == readoutNone {
		return req, errors.New("choose at least one region or a descriptor to decode: there is nothing to measure")
	}
	return req, nil
}

// buildSpec turns a request into a lesion.Spec (io/project.LesionSpec,
// the same construction a saved project or recipe replays); it reads the
// layer (for selectivity, variance and encoding weights) and computes the
// regions' RDMs, so it runs in the job.
func buildSpec(ctx context.Context, p *data.Project, req lesionRequest) (lesion.Spec, error) {
	return project.LesionSpec(ctx, p, req.settings(p))
}

// Run starts the lesion analysis in the background (or shows the cached
// result of the same choices).
func (pg *LesionPage) Run() {
	if pg.where.Selected == whereNetwork {
		req, err := pg.networkRequest()
		if err != nil {
			showError(pg.mw.Win, "Cannot lesion the network", err, "Change the choice on the left and run again.")
			return
		}
		if pg.job != nil && pg.job.Status().State == job.Running {
			pg.job.Cancel()
		}
		pg.mw.settingsRun("lesion.")
		pg.runNetwork(req)
		return
	}
	req, err := pg.request()
	if err != nil {
		showError(pg.mw.Win, "Cannot run lesions", err, "Change the choice on the left and run again.")
		return
	}
	pg.mw.settingsRun("lesion.")
	key := req.key(pg.model.Selected)
	if r, ok := pg.cache[key]; ok {
		pg.show(r)
		pg.runInfo.SetText("Shown from the cache: these choices were run before.")
		return
	}
	if pg.job != nil && pg.job.Status().State == job.Running {
		pg.job.Cancel()
	}
	p := pg.mw.ws.Project()
	var res *lesion.Result
	pg.runInfo.SetText("Running… (see Jobs below for progress and Cancel)")
	pg.job = pg.mw.ws.Jobs.Start(fmt.Sprintf("Lesions: %s/%s, %s", pg.model.Selected, req.layer.Name, req.plan),
		func(ctx context.Context, rep *job.Reporter) error {
			rep.Message("ranking units and computing region RDMs")
			spec, err := buildSpec(ctx, p, req)
			if err != nil {
				return err
			}
			res, err = lesion.Run(ctx, spec, rep)
			return err
		}, func(err error) {
			fyne.Do(func() {
				pg.runInfo.SetText("")
				if err != nil {
					if !errors.Is(err, context.Canceled) {
						showError(pg.mw.Win, "Lesions failed", err, "Nothing was changed. Check the layer, plan and fractions.")
					}
					return
				}
				pg.cache[key] = res
				pg.mw.RecordAnalysis(project.KindLesion, req.settings(p), res)
				pg.show(res)
			})
		})
}

// Result returns the result shown, or nil.
func (pg *LesionPage) Result() *lesion.Result { return pg.result }

func (pg *LesionPage) show(r *lesion.Result) {
	pg.result = r
	pg.empty.Hide()
	pg.views.Show()
	var names []string
	for _, e := range r.Effects {
		names = append(names, e.Name)
	}
	setOptions(pg.effect, names)
	pg.rows = r.Table()
	pg.table.Refresh()
	pg.showCurve()
	pg.showDetail()
}

func (pg *LesionPage) effectIndex() int {
	for i, e := range pg.result.Effects {
		if e.Name == pg.effect.Selected {
			return i
		}
	}
	return 0
}

func (pg *LesionPage) showCurve() {
	r := pg.result
	if r == nil {
		return
	}
	i := pg.effectIndex()
	pg.curve.SetRender(plotRender(func() (*plot.Plot, error) { return figure.LesionCurve(r, i, 0.05) }))
	e := r.Effects[i]
	info := fmt.Sprintf("%s · intact %s %s", e.Name, e.Measure, fmtValue(e.Intact))
	if e.Kind == "decoding" {
		info += fmt.Sprintf(" (chance %s)", fmtValue(e.Chance))
	} else if e.CeilingNote == "" {
		info += fmt.Sprintf(" · noise ceiling %.3f–%.3f", e.Ceiling.Lower, e.Ceiling.Upper)
	}
	pg.curveInfo.SetText(info + ". Grey: 95 % of random lesions of the same size; ▲: the plan hurts more than random (p < 0.05).")
}

func (pg *LesionPage) showDetail() {
	d := pg.result.Detail
	if d == nil {
		pg.rdmInfo.SetText("No detail for this run.")
		return
	}
	set := func(h *Heatmap, vec []float64, n int) {
		sq := make([]float64, n*n)
		k := 0
		for i := 0; i < n; i++ {
			for j := i + 1; j < n; j++ {
				sq[i*n+j], sq[j*n+i] = vec[k], vec[k]
				k++
			}
		}
		h.Set(n, sq, nil, nil)
	}
	set(pg.before, d.IntactRDM.Vec, d.IntactRDM.N)
	set(pg.after, d.LesionedRDM.Vec, d.LesionedRDM.N)
	pg.rdmInfo.SetText(fmt.Sprintf("The layer's RDM (correlation distance) intact and with %d units silenced (%g %% of the plan).",
		len(d.Units), 100*d.Fraction))
	if d.IntactDecode != nil && d.LesionedDecode != nil {
		conf := func(h *Heatmap, c *decode.Result) {
			k, _ := c.Confusion.Dims()
			h.Set(k, c.Confusion.RawMatrix().Data, nil, nil)
		}
		conf(pg.cBefore, d.IntactDecode)
		conf(pg.cAfter, d.LesionedDecode)
		pg.confInfo.SetText(fmt.Sprintf("%s: accuracy %.3f intact, %.3f lesioned (chance %.3f). Rows: true level, columns: predicted, in the order %s.",
			pg.result.Effects[len(pg.result.Effects)-1].Name, d.IntactDecode.Accuracy, d.LesionedDecode.Accuracy, d.IntactDecode.Chance,
			strings.Join(d.IntactDecode.Levels, ", ")))
	} else {
		pg.confInfo.SetText("No decoding readout was chosen.")
	}
}

func (pg *LesionPage) hoverRDM(i, j int, v float64, ok bool) {
	if !ok || pg.mw.ws.Project().Stimuli == nil {
		return
	}
	s := pg.mw.ws.Project().Stimuli
	if i < s.Len() && j < s.Len() {
		pg.rdmInfo.SetText(fmt.Sprintf("%s × %s: %s", s.Names[i], s.Names[j], fmtValue(v)))
	}
}

func (pg *LesionPage) hoverConfusion(i, j int, v float64, ok bool) {
	d := pg.result.Detail
	if !ok || d == nil || d.IntactDecode == nil {
		return
	}
	lv := d.IntactDecode.Levels
	if i < len(lv) && j < len(lv) {
		pg.confInfo.SetText(fmt.Sprintf("true %s, predicted %s: %g stimuli", lv[i], lv[j], v))
	}
}

func (pg *LesionPage) exportFigure() {
	r := pg.result
	if r == nil {
		return
	}
	i := pg.effectIndex()
	p, err := figure.LesionCurve(r, i, 0.05)
	if err != nil {
		showError(pg.mw.Win, "Cannot export", err, "")
		return
	}
	saveDialog(pg.mw, "lesion-curve.pdf", []string{".png", ".svg", ".pdf"}, func(path string) error {
		return export.SavePlot(p, path, 16*vg.Centimeter, 10*vg.Centimeter)
	})
}

func (pg *LesionPage) exportTable() {
	if pg.result == nil {
		return
	}
	rows := pg.result.Table()
	saveDialog(pg.mw, "lesion-effects.csv", []string{".csv"}, func(path string) error {
		return export.WriteLesionTable(path, rows)
	})
}

// contrast is the stimulus contrast of a selective plan.
func (r lesionRequest) contrast() (lesion.Contrast, error) {
	if r.stimuli == nil || r.stimuli.Descriptor(r.descriptor) == nil {
		return lesion.Contrast{}, errors.New("choose a descriptor (a column of the stimulus table) for a selective plan")
	}
	c := lesion.Contrast{Descriptor: r.descriptor, Values: r.stimuli.Descriptor(r.descriptor)}
	if lvl, ok := strings.CutSuffix(r.level, " vs rest"); ok {
		c.Level = lvl
	}
	return c, nil
}

// targets are what a lesion is measured on: the chosen regions' RDMs and
// the decoding readout (nil for none).
func (r lesionRequest) targets(ctx context.Context, p *data.Project) ([]lesion.Region, *lesion.Readout, error) {
	var regions []lesion.Region
	for _, region := range r.regions {
		rdms, subjects, err := rsa.RegionRDMs(ctx, p, region, nil, "correlation")
		if err != nil {
			return nil, nil, err
		}
		regions = append(regions, lesion.Region{Name: region, RDMs: rdms, Subjects: subjects})
	}
	var readout *lesion.Readout
	if r.readout != readoutNone && r.stimuli != nil {
		readout = &lesion.Readout{Descriptor: r.readout, Labels: r.stimuli.Descriptor(r.readout),
			Options: decode.Options{Seed: r.seed}}
	}
	return regions, readout, nil
}
