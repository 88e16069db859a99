package ui

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/encoding"
	"github.com/alignscope/alignscope/core/job"
	"github.com/alignscope/alignscope/core/voxelwise"
	"github.com/alignscope/alignscope/io/project"
	"github.com/alignscope/alignscope/ui/figure"
	"gonum.org/v1/plot"
)

var metrics = []string{string(voxelwise.R2), string(voxelwise.R), string(voxelwise.Ceiled)}

var metricHelp = map[string]string{
	string(voxelwise.R2):     "cross-validated R² of the out-of-fold predictions (1 − SSres/SStot; 0 for constant targets).",
	string(voxelwise.R):      "Pearson r between out-of-fold predictions and responses.",
	string(voxelwise.Ceiled): "r² / split-half reliability (Spearman–Brown): the share of explainable variance (Brain-Score).",
}

// EncodingPage is the Encoding tab: choose layers and regions, fit
// voxel-wise ridge models in the background, and browse fit maps on brain
// slices, the best layer per voxel, score distributions, layer profiles,
// two-model comparisons and the chosen penalties.
type EncodingPage struct {
	mw *MainWindow

	layers, regions, subjects *widget.CheckGroup
	folds, alphaLo, alphaHi   *widget.Entry
	alphaNum                  *widget.Entry
	run                       *widget.Button
	runInfo                   *widget.Label
	job                       *job.Job
	cache                     map[string]*voxelwise.Result
	result                    *voxelwise.Result

	views *container.AppTabs
	empty *widget.Label
	root  fyne.CanvasObject

	// fit map
	mapLayer, mapSubject, mapMetric *widget.Select
	threshold                       *widget.Entry
	slices                          *SliceView
	unitMap                         *PlotView
	mapInfo, mapHover               *widget.Label
	mapBar                          *fyne.Container
	mapVoxels                       map[[3]int]voxelInfo
	peakKey                         string
	// best-layer map
	bestSubject *widget.Select
	bestSlices  *SliceView
	bestLegend  *fyne.Container
	bestInfo    *widget.Label
	// plots
	distRegion, distMetric, profModel *widget.Select
	dist, prof                        *PlotView
	cmpA, cmpB, cmpSubject, cmpRegion *widget.Select
	scatter                           *PlotView
	alphaLayer, alphaRec              *widget.Select
	alphas                            *PlotView
	alphaInfo                         *widget.Label
}

// voxelInfo is what hover shows for a voxel of the fit map.
type voxelInfo struct {
	region string
	value  float64
	target int
}

func newEncodingPage(mw *MainWindow) *EncodingPage {
	pg := &EncodingPage{mw: mw, cache: map[string]*voxelwise.Result{}}
	pg.layers = widget.NewCheckGroup(nil, nil)
	pg.regions = widget.NewCheckGroup(nil, nil)
	pg.subjects = widget.NewCheckGroup(nil, nil)
	entry := func(s string) *widget.Entry { e := widget.NewEntry(); e.SetText(s); return e }
	pg.folds, pg.alphaLo, pg.alphaHi, pg.alphaNum = entry("5"), entry("-2"), entry("5"), entry("10")
	hint := func(s string) *widget.Label {
		l := widget.NewLabel(s)
		l.Wrapping = fyne.TextWrapWord
		l.Importance = widget.LowImportance
		return l
	}
	pg.runInfo = hint("")
	pg.run = widget.NewButtonWithIcon("Fit encoding models", theme.MediaPlayIcon(), pg.Run)
	pg.run.Importance = widget.HighImportance
	form := widget.NewForm(
		widget.NewFormItem("Folds", container.NewVBox(pg.folds,
			hint("contiguous K-fold cross-validation over stimuli; each target's penalty is chosen inside the folds (himalaya)."))),
		widget.NewFormItem("Penalties", container.NewVBox(container.NewGridWithColumns(3, pg.alphaLo, pg.alphaHi, pg.alphaNum),
			hint("log₁₀ of the smallest and largest ridge penalty and the number of grid points (himalaya's default: −2, 5, 10)."))),
	)
	controls := container.NewVScroll(container.NewVBox(
		checkGroupBox("Model layers", pg.layers), widget.NewSeparator(),
		checkGroupBox("Regions", pg.regions), checkGroupBox("Subjects", pg.subjects), widget.NewSeparator(),
		form, pg.run, pg.runInfo,
	))

	// fit map
	pg.mapLayer = widget.NewSelect(nil, func(string) { pg.showMap() })
	pg.mapSubject = widget.NewSelect(nil, func(string) { pg.showMap(); pg.showBest() })
	pg.mapMetric = widget.NewSelect(metrics, func(string) { pg.showMap() })
	pg.mapMetric.Selected = metrics[0]
	pg.threshold = widget.NewEntry()
	pg.threshold.SetText("0.05")
	pg.threshold.OnSubmitted = func(string) { pg.showMap() }
	pg.slices = NewSliceView()
	pg.unitMap = NewPlotView()
	pg.unitMap.Hide()
	pg.mapInfo, pg.mapHover = hint(""), widget.NewLabel("Point at a voxel; click to move the crosshair.")
	pg.mapBar = container.NewStack()
	pg.slices.OnHover = func(v [3]int, ok bool) { pg.hover(pg.slices, v, ok) }
	pg.slices.OnCross = func(v [3]int) { pg.bestSlices.SetCross(v); pg.hover(pg.slices, v, true) }
	mapTab := container.NewBorder(
		container.NewVBox(
			container.NewGridWithColumns(2,
				container.NewBorder(nil, nil, widget.NewLabel("Layer"), nil, pg.mapLayer),
				container.NewBorder(nil, nil, widget.NewLabel("Subject"), nil, pg.mapSubject)),
			container.NewGridWithColumns(2,
				container.NewBorder(nil, nil, widget.NewLabel("Score"), nil, pg.mapMetric),
				container.NewBorder(nil, nil, widget.NewLabel("Threshold"), nil, pg.threshold)),
			container.NewHBox(
				widget.NewButtonWithIcon("Export map (NIfTI)…", theme.DocumentSaveIcon(), pg.exportMap),
				widget.NewButtonWithIcon("Export slices (PNG)…", theme.DocumentSaveIcon(), pg.exportSlices),
				widget.NewButtonWithIcon("Export table (CSV)…", theme.DocumentSaveIcon(), pg.exportTable))),
		container.NewVBox(pg.mapHover, pg.mapInfo), nil, pg.mapBar, container.NewStack(pg.slices, pg.unitMap))

	// best-layer map
	pg.bestSubject = pg.mapSubject
	pg.bestSlices = NewSliceView()
	pg.bestLegend = container.NewVBox()
	pg.bestInfo = hint("")
	pg.bestSlices.OnHover = func(v [3]int, ok bool) { pg.hover(pg.bestSlices, v, ok) }
	pg.bestSlices.OnCross = func(v [3]int) { pg.slices.SetCross(v) }
	bestTab := container.NewBorder(container.NewHBox(widget.NewLabel("Subject"), widget.NewLabel("(as on the fit map)")),
		pg.bestInfo, nil, container.NewVScroll(pg.bestLegend), pg.bestSlices)

	// distributions and profile
	pg.distRegion = widget.NewSelect(nil, func(string) { pg.showDist() })
	pg.distMetric = widget.NewSelect(metrics, func(string) { pg.showDist(); pg.showProfile() })
	pg.distMetric.Selected = metrics[0]
	pg.profModel = widget.NewSelect(nil, func(string) { pg.showProfile() })
	pg.dist, pg.prof = NewPlotView(), NewPlotView()
	exportBtn := func(view string) *widget.Button {
		return widget.NewButtonWithIcon("Export figure…", theme.DocumentSaveIcon(), func() { pg.exportFigure(view) })
	}
	distTab := container.NewBorder(
		container.NewHBox(widget.NewLabel("Region"), pg.distRegion, widget.NewLabel("Score"), pg.distMetric, exportBtn("dist")),
		nil, nil, nil, pg.dist)
	profTab := container.NewBorder(
		container.NewHBox(widget.NewLabel("Model"), pg.profModel, widget.NewLabel("(score as on Distributions)"), exportBtn("profile")),
		nil, nil, nil, pg.prof)

	// two-model comparison
	pg.cmpA = widget.NewSelect(nil, func(string) { pg.showScatter() })
	pg.cmpB = widget.NewSelect(nil, func(string) { pg.showScatter() })
	pg.cmpSubject = widget.NewSelect(nil, func(string) { pg.showScatter() })
	pg.cmpRegion = widget.NewSelect(nil, func(string) { pg.showScatter() })
	pg.scatter = NewPlotView()
	cmpTab := container.NewBorder(container.NewVBox(
		container.NewHBox(widget.NewLabel("A"), pg.cmpA, widget.NewLabel("B"), pg.cmpB),
		container.NewHBox(widget.NewLabel("Subject"), pg.cmpSubject, widget.NewLabel("Region"), pg.cmpRegion, exportBtn("scatter"))),
		nil, nil, nil, pg.scatter)

	// penalties
	pg.alphaLayer = widget.NewSelect(nil, func(string) { pg.showAlphas() })
	pg.alphaRec = widget.NewSelect(nil, func(string) { pg.showAlphas() })
	pg.alphas = NewPlotView()
	pg.alphaInfo = hint("")
	alphaTab := container.NewBorder(container.NewHBox(widget.NewLabel("Layer"), pg.alphaLayer, widget.NewLabel("Recording"), pg.alphaRec,
		exportBtn("alphas")), pg.alphaInfo, nil, nil, pg.alphas)

	pg.views = container.NewAppTabs(
		container.NewTabItem("Fit map", mapTab),
		container.NewTabItem("Best layer", bestTab),
		container.NewTabItem("Distributions", distTab),
		container.NewTabItem("Layer profile", profTab),
		container.NewTabItem("Compare models", cmpTab),
		container.NewTabItem("Penalties", alphaTab),
	)
	pg.views.OnSelected = func(*container.TabItem) { pg.exportHint() }
	pg.empty = wrapped("Choose layers and regions on the left, then Fit encoding models. Every voxel (or neuron) " +
		"is predicted from each layer by ridge regression with its own cross-validated penalty; the fit maps, " +
		"best-layer map and score distributions appear here.")
	pg.views.Hide()
	split := container.NewHSplit(controls, container.NewStack(pg.empty, pg.views))
	split.Offset = 0.27
	pg.root = split
	pg.refreshOptions()
	return pg
}

func (pg *EncodingPage) exportHint() {}

func (pg *EncodingPage) refreshOptions() {
	p := pg.mw.ws.Project()
	var layers, subjects []string
	for _, m := range p.Models {
		for _, l := range m.Layers {
			if l.Data != nil {
				layers = append(layers, m.Name+"/"+l.Name)
			}
		}
	}
	var regions []string
	seen := map[string]bool{}
	for _, s := range p.Subjects {
		hasData := false
		for _, r := range s.Regions {
			if r.Data != nil {
				hasData = true
				if !seen[r.Name] {
					seen[r.Name] = true
					regions = append(regions, r.Name)
				}
			}
		}
		if hasData {
			subjects = append(subjects, s.Name)
		}
	}
	setChoices(pg.layers, layers)
	setChoices(pg.regions, regions)
	setChoices(pg.subjects, subjects)
}

// Spec reads the page's choices.
func (pg *EncodingPage) Spec() (voxelwise.Spec, error) {
	s := voxelwise.Spec{Regions: append([]string(nil), pg.regions.Selected...), Subjects: append([]string(nil), pg.subjects.Selected...)}
	for _, o := range pg.layers.Options {
		for _, sel := range pg.layers.Selected {
			if o == sel {
				m, l, _ := strings.Cut(o, "/")
				s.Layers = append(s.Layers, voxelwise.LayerRef{Model: m, Layer: l})
			}
		}
	}
	k, err := strconv.Atoi(strings.TrimSpace(pg.folds.Text))
	if err != nil || k < 2 || k > 100 {
		return s, fmt.Errorf("folds must be a whole number from 2 to 100, not %q", pg.folds.Text)
	}
	s.Folds = k
	lo, err1 := strconv.ParseFloat(strings.TrimSpace(pg.alphaLo.Text), 64)
	hi, err2 := strconv.ParseFloat(strings.TrimSpace(pg.alphaHi.Text), 64)
	num, err3 := strconv.Atoi(strings.TrimSpace(pg.alphaNum.Text))
	if err1 != nil || err2 != nil || err3 != nil || !(hi >= lo) || num < 1 || num > 200 || math.Abs(lo) > 30 || math.Abs(hi) > 30 {
		return s, fmt.Errorf("the penalty grid needs log₁₀ bounds (smallest ≤ largest, within ±30) and 1–200 points, not %q, %q, %q",
			pg.alphaLo.Text, pg.alphaHi.Text, pg.alphaNum.Text)
	}
	s.Alphas = encoding.DefaultAlphas(lo, hi, num)
	if len(s.Subjects) == 0 {
		return s, errors.New("choose at least one subject")
	}
	return s, nil
}

// Run fits the models in the background, or shows the cached result of
// the same choices.
func (pg *EncodingPage) Run() {
	spec, err := pg.Spec()
	if err != nil {
		showError(pg.mw.Win, "Cannot fit encoding models", err, "Change the choice on the left and run again.")
		return
	}
	pg.mw.settingsRun("encoding.")
	if r, ok := pg.cache[spec.Key()]; ok {
		pg.show(r)
		pg.runInfo.SetText("Shown from the cache: these choices were fitted before.")
		return
	}
	if pg.job != nil && pg.job.Status().State == job.Running {
		pg.job.Cancel()
	}
	p := pg.mw.ws.Project()
	var res *voxelwise.Result
	pg.runInfo.SetText("Fitting… (see Jobs below for progress and Cancel)")
	pg.job = pg.mw.ws.Jobs.Start(fmt.Sprintf("Encoding: %d layers × %d regions", len(spec.Layers), len(spec.Regions)),
		func(ctx context.Context, rep *job.Reporter) error {
			var err error
			res, err = voxelwise.Run(ctx, p, spec, rep)
			return err
		}, func(err error) {
			fyne.Do(func() {
				pg.runInfo.SetText("")
				if err != nil {
					if !errors.Is(err, context.Canceled) {
						showError(pg.mw.Win, "Encoding models failed", err, "Nothing was changed. Check the chosen layers, regions and folds.")
					}
					return
				}
				pg.cache[spec.Key()] = res
				pg.mw.RecordAnalysis(project.KindEncoding, spec, res)
				pg.show(res)
			})
		})
}

// Result returns the result shown, or nil.
func (pg *EncodingPage) Result() *voxelwise.Result { return pg.result }

func setOptions(s *widget.Select, opts []string) {
	s.Options = opts
	if !contains(opts, s.Selected) && len(opts) > 0 {
		s.Selected = opts[0]
	}
	s.Refresh()
}

func (pg *EncodingPage) show(r *voxelwise.Result) {
	pg.result = r
	pg.empty.Hide()
	pg.views.Show()
	var layers, models, subjects, recs []string
	for _, l := range r.Spec.Layers {
		layers = append(layers, l.String())
		if !contains(models, l.Model) {
			models = append(models, l.Model)
		}
	}
	for _, sr := range r.Recordings() {
		if !contains(subjects, sr[0]) {
			subjects = append(subjects, sr[0])
		}
		recs = append(recs, sr[0]+" / "+sr[1])
	}
	setOptions(pg.mapLayer, layers)
	setOptions(pg.mapSubject, subjects)
	setOptions(pg.distRegion, r.Spec.Regions)
	setOptions(pg.profModel, models)
	setOptions(pg.cmpA, layers)
	setOptions(pg.cmpB, layers)
	if len(layers) > 1 && pg.cmpB.Selected == pg.cmpA.Selected {
		pg.cmpB.Selected = layers[len(layers)-1]
		pg.cmpB.Refresh()
	}
	setOptions(pg.cmpSubject, subjects)
	setOptions(pg.cmpRegion, r.Spec.Regions)
	setOptions(pg.alphaLayer, layers)
	setOptions(pg.alphaRec, recs)
	pg.showMap()
	pg.showBest()
	pg.showDist()
	pg.showProfile()
	pg.showScatter()
	pg.showAlphas()
}

func layerRef(s string) voxelwise.LayerRef {
	m, l, _ := strings.Cut(s, "/")
	return voxelwise.LayerRef{Model: m, Layer: l}
}

// subjectFits returns the fits of a layer for every region of subject
// that has voxel geometry, on one grid.
func (pg *EncodingPage) subjectFits(layer voxelwise.LayerRef, subject string) ([]*voxelwise.Fit, *data.Volume) {
	var fits []*voxelwise.Fit
	var grid *data.Volume
	for _, region := range pg.result.Spec.Regions {
		f := pg.result.Fit(layer, subject, region)
		if f == nil || f.Geometry == nil || f.Geometry.Grid == nil {
			continue
		}
		if grid == nil {
			grid = f.Geometry.Grid
		}
		if f.Geometry.Grid.Dims == grid.Dims {
			fits = append(fits, f)
		}
	}
	return fits, grid
}

func (pg *EncodingPage) showMap() {
	r := pg.result
	if r == nil || pg.mapLayer.Selected == "" {
		return
	}
	layer := layerRef(pg.mapLayer.Selected)
	fits, grid := pg.subjectFits(layer, pg.mapSubject.Selected)
	if grid == nil {
		pg.slices.Hide()
		for _, region := range r.Spec.Regions {
			f := r.Fit(layer, pg.mapSubject.Selected, region)
			if f != nil && f.Geometry != nil && f.Geometry.Units != nil {
				// electrophysiology: the units at their coordinates
				metric := voxelwise.Metric(pg.mapMetric.Selected)
				pg.unitMap.Show()
				pg.unitMap.SetRender(plotRender(func() (*plot.Plot, error) { return figure.UnitMap(f, metric) }))
				pg.mapInfo.SetText(fmt.Sprintf("%s predicting %s / %s: each unit at its recorded position, coloured by %s.",
					layer, pg.mapSubject.Selected, region, metric))
				return
			}
		}
		pg.unitMap.Hide()
		pg.mapInfo.SetText("These recordings have no voxel or unit positions, so there is no map: open NIfTI betas with an atlas, " +
			"a data folder with atlas.nii.gz, or give unit coordinates when opening a recording. The other tabs work without one.")
		return
	}
	pg.unitMap.Hide()
	pg.slices.Show()
	thr, err := strconv.ParseFloat(strings.TrimSpace(pg.threshold.Text), 64)
	if err != nil {
		thr = 0
	}
	metric := voxelwise.Metric(pg.mapMetric.Selected)
	var voxels [][3]int
	var values []float64
	pg.mapVoxels = map[[3]int]voxelInfo{}
	nan, above := 0, 0
	for _, f := range fits {
		s := f.Score(metric)
		for j, v := range f.Geometry.Voxels {
			voxels = append(voxels, v)
			values = append(values, s[j])
			pg.mapVoxels[v] = voxelInfo{region: f.Region, value: s[j], target: j}
			if math.IsNaN(s[j]) {
				nan++
			} else if s[j] >= thr {
				above++
			}
		}
	}
	if pg.slices.bg != grid {
		pg.slices.SetVolume(grid)
		pg.bestSlices.SetVolume(grid)
	}
	pg.slices.SetMap(voxels, values, thr)
	if key := layer.String() + "|" + pg.mapSubject.Selected; key != pg.peakKey {
		// a new map: put the crosshair on its best voxel so the slices
		// cut through the regions
		pg.peakKey = key
		best := -1
		for c, v := range values {
			if !math.IsNaN(v) && (best < 0 || v > values[best]) {
				best = c
			}
		}
		if best >= 0 {
			pg.slices.SetCross(voxels[best])
			pg.bestSlices.SetCross(voxels[best])
		}
	}
	pg.slices.Refresh()
	lo, hi := pg.slices.lo, pg.slices.hi
	pg.mapBar.Objects = []fyne.CanvasObject{scaleBar(pg.slices, lo, hi)}
	pg.mapBar.Refresh()
	pg.mapInfo.SetText(fmt.Sprintf("%s predicting %s: %d voxels in %d regions, %d at or above %s %.3g; %d excluded (grey: NaN responses).",
		layer, pg.mapSubject.Selected, len(voxels), len(fits), above, metric, thr, nan))
}

// scaleBar draws the colour scale of a continuous slice map.
func scaleBar(v *SliceView, lo, hi float64) fyne.CanvasObject {
	const steps = 128
	rect := canvas.NewRasterWithPixels(func(x, y, w, h int) color.Color {
		val := hi - (hi-lo)*float64(y)/float64(max(h-1, 1))
		c, err := v.cmap.At(math.Min(math.Max(val, lo), hi))
		if err != nil {
			return color.Black
		}
		return c
	})
	rect.SetMinSize(fyne.NewSize(14, steps))
	return container.NewBorder(widget.NewLabel(fmt.Sprintf("%.3g", hi)), widget.NewLabel(fmt.Sprintf("%.3g", lo)), nil, nil, rect)
}

func (pg *EncodingPage) hover(v *SliceView, c [3]int, ok bool) {
	if !ok || v.bg == nil {
		pg.mapHover.SetText("Point at a voxel; click to move the crosshair.")
		return
	}
	text := describeVoxel(v.bg, c)
	if info, has := pg.mapVoxels[c]; has {
		text += fmt.Sprintf(" · %s · %s = %s", info.region, pg.mapMetric.Selected, fmtValue(info.value))
		if v == pg.bestSlices && pg.result != nil {
			best, score := pg.result.Best(pg.mapSubject.Selected, info.region, voxelwise.Metric(pg.mapMetric.Selected))
			if info.target < len(best) && best[info.target] >= 0 {
				text += fmt.Sprintf(" · best layer %s (%s)", pg.result.Spec.Layers[best[info.target]], fmtValue(score[info.target]))
			}
		}
	}
	pg.mapHover.SetText(text)
}

func (pg *EncodingPage) showBest() {
	r := pg.result
	if r == nil || len(r.Spec.Layers) == 0 {
		return
	}
	metric := voxelwise.Metric(pg.mapMetric.Selected)
	_, grid := pg.subjectFits(r.Spec.Layers[0], pg.mapSubject.Selected)
	if grid == nil {
		pg.bestSlices.Hide()
		pg.bestInfo.SetText("No voxel positions for this subject's recordings: no brain map.")
		return
	}
	pg.bestSlices.Show()
	if pg.bestSlices.bg != grid {
		pg.bestSlices.SetVolume(grid)
	}
	var voxels [][3]int
	var cats []int
	var scores []float64
	counts := make([]int, len(r.Spec.Layers))
	for _, region := range r.Spec.Regions {
		f := r.Fit(r.Spec.Layers[0], pg.mapSubject.Selected, region)
		if f == nil || f.Geometry == nil || f.Geometry.Grid == nil || f.Geometry.Grid.Dims != grid.Dims {
			continue
		}
		best, score := r.Best(pg.mapSubject.Selected, region, metric)
		for j, v := range f.Geometry.Voxels {
			voxels = append(voxels, v)
			cats = append(cats, best[j])
			scores = append(scores, score[j])
			if best[j] >= 0 && score[j] > 0 {
				counts[best[j]]++
			}
		}
	}
	colours := layerColours(r.Spec.Layers)
	pg.bestLegend.Objects = nil
	for i, l := range r.Spec.Layers {
		sw := canvas.NewRectangle(colours[i])
		sw.SetMinSize(fyne.NewSize(14, 14))
		pg.bestLegend.Add(container.NewHBox(container.NewCenter(sw), widget.NewLabel(fmt.Sprintf("%s (%d)", l, counts[i]))))
	}
	pg.bestLegend.Refresh()
	pg.bestSlices.SetCategories(voxels, cats, scores, colours)
	pg.bestSlices.Refresh()
	pg.bestInfo.SetText(fmt.Sprintf("Each voxel in the colour of the layer that predicts it best (%s); opacity shows the score. "+
		"Counts in the legend: voxels with a positive best score.", metric))
}

// layerColours gives each layer its model's colour (Okabe–Ito, by model),
// light for early layers and deep for late ones, so depth reads as a
// progression within each model.
func layerColours(layers []voxelwise.LayerRef) []color.Color {
	var models []string
	depth := map[string]int{}
	for _, l := range layers {
		if !contains(models, l.Model) {
			models = append(models, l.Model)
		}
		depth[l.Model]++
	}
	seen := map[string]int{}
	out := make([]color.Color, len(layers))
	for i, l := range layers {
		mi := 0
		for k, m := range models {
			if m == l.Model {
				mi = k
			}
		}
		base := color.NRGBAModel.Convert(okabeIto[mi%len(okabeIto)]).(color.NRGBA)
		t := 0.0
		if depth[l.Model] > 1 {
			t = float64(seen[l.Model]) / float64(depth[l.Model]-1)
		}
		seen[l.Model]++
		// t = 0: 65 % white mixed in; t = 1: 25 % black mixed in
		mix := func(c uint8) uint8 {
			if t < 0.6 {
				w := 0.65 * (1 - t/0.6)
				return uint8(float64(c)*(1-w) + 255*w)
			}
			k := 0.25 * (t - 0.6) / 0.4
			return uint8(float64(c) * (1 - k))
		}
		out[i] = color.NRGBA{mix(base.R), mix(base.G), mix(base.B), 0xff}
	}
	return out
}
