package figure

import (
	"cmp"
	"errors"
	"fmt"
	"image/color"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/alignscope/alignscope/core/inference"
	"github.com/alignscope/alignscope/core/rsa"
)

// ComparisonOptions tune ModelComparison. The zero value gives the
// defaults.
type ComparisonOptions struct {
	// Alpha is the significance level of every test (default 0.05).
	Alpha float64
	// MaxPairs caps the Nili bars at the MaxPairs most significant pairs
	// (default 30; negative: draw no Nili bars).
	MaxPairs int
	// HideSubjects leaves out the per-subject dots.
	HideSubjects bool
	// HideCaption leaves out the caption under the chart (the tests and
	// the meaning of the marks), e.g. when it goes into the paper's
	// figure legend instead.
	HideCaption bool
	// Selected lists bars (indices into Spec.Layers) drawn with a heavy
	// outline, e.g. the bar the user clicked.
	Selected []int
}

// Bar is where one bar of a model-comparison chart is, in data
// coordinates: it spans X ± HalfWidth, from 0 to Score.
type Bar struct {
	Ref          rsa.LayerRef
	Label        string // the tick label
	X, HalfWidth float64
	Score        float64
	// Above0 and AtCeiling are the marks drawn: score significantly > 0,
	// and not significantly below the lower noise ceiling (corrected).
	Above0, AtCeiling bool
}

// ComparisonLayout tells a widget where the bars of a ModelComparison
// chart are, so that a click mapped to data coordinates can be mapped to
// a bar.
type ComparisonLayout struct {
	// Bars are in Spec.Layers order: Bars[i] is layer i.
	Bars []Bar
	// YMin and YMax are the y range of the data area.
	YMin, YMax float64
	// Pairs are the Nili bars drawn (indices into Bars, i < j), and
	// Significant the number of significant pairs, at most MaxPairs of
	// which are drawn.
	Pairs       [][2]int
	Significant int
}

// BarAt returns the index of the bar whose column contains the data
// point (x, y): |x − X| ≤ HalfWidth and y within the plotted y range (a
// click above a short bar still selects it).
func (l *ComparisonLayout) BarAt(x, y float64) (int, bool) {
	if l == nil || math.IsNaN(x) || math.IsNaN(y) || y < l.YMin || y > l.YMax {
		return -1, false
	}
	for i, b := range l.Bars {
		if math.Abs(x-b.X) <= b.HalfWidth {
			return i, true
		}
	}
	return -1, false
}

const (
	barHalfWidth = 0.4
	groupGap     = 0.6 // extra x space between two models' groups of bars
)

// correction returns the multiple-comparison correction named by the
// spec, as rsa.Result.Table does.
func correction(name string) (func([]float64) []float64, string) {
	if name == "bonferroni" {
		return inference.Bonferroni, "Bonferroni"
	}
	return inference.FDR, "FDR"
}

// evaluated returns the evaluation of region, or an error saying why
// there is none.
func evaluated(res *rsa.Result, region string) (*rsa.RegionResult, error) {
	if res == nil {
		return nil, errors.New("no analysis result")
	}
	rr := res.Region(region)
	if rr == nil {
		return nil, fmt.Errorf("the result has no region %q", region)
	}
	if rr.Err != nil {
		return nil, fmt.Errorf("region %s could not be evaluated: %w", region, rr.Err)
	}
	if rr.Eval == nil {
		return nil, fmt.Errorf("region %s has no evaluation", region)
	}
	if len(rr.Eval.Models) != len(res.Spec.Layers) {
		return nil, fmt.Errorf("region %s: %d scores for %d layers", region, len(rr.Eval.Models), len(res.Spec.Layers))
	}
	return rr, nil
}

// schemeText describes the inference for a title, in " · "-separated
// parts short enough for a narrow figure.
func schemeText(s inference.Settings) string {
	var name string
	switch s.Scheme {
	case inference.Fixed:
		return "fixed (no bootstrap)"
	case inference.Stimuli:
		name = "bootstrap: stimuli"
	case inference.Subjects:
		name = "bootstrap: subjects"
	case inference.Both:
		name = "bootstrap: stimuli & subjects"
	case inference.Dual:
		name = "dual bootstrap (corrected)"
	default:
		name = s.Scheme.String()
	}
	return fmt.Sprintf("%s · %d samples", name, s.Samples)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// wrap breaks s into lines of at most width runes at spaces.
func wrap(s string, width int) string {
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		line := ""
		for _, w := range strings.Fields(para) {
			if line != "" && len([]rune(line))+1+len([]rune(w)) > width {
				lines = append(lines, line)
				line = ""
			}
			if line != "" {
				line += " "
			}
			line += w
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

// ModelComparison draws the rsatoolbox model-comparison chart of one
// region (rsatoolbox vis.plot_model_comparison): one bar per layer of
// Spec.Layers, coloured by model, at the mean score, with
//
//   - error bars over the 95 % interval CILow…CIHigh (left out when a
//     bound is infinite: too few bootstrap samples),
//   - the per-subject scores as small dots, jittered deterministically,
//   - the noise ceiling as a grey band from its lower to its upper bound,
//   - in two rows right above the data area, a filled dot ● over each
//     bar whose score is significantly > 0 and an open dot ○ over each
//     bar not significantly below the lower noise ceiling (PNoise
//     significant with the score under the ceiling), both corrected over
//     the layers with the spec's correction (FDR or Bonferroni of PZero,
//     as rsa.Result.Table reports p_corrected, and of PNoise),
//   - above them, Nili bars: one thin line per pair of bars whose
//     difference is significant after correction (PPairFDR or
//     PPairBonferroni), at most MaxPairs of the most significant,
//     stacked short spans under long ones,
//   - a legend strip under the title.
//
// A caption under the axis states the tests (unless HideCaption). Sizes of
// marks, Nili bars and text are in points: at least about 5 × 4 inches
// suit a chart with a few dozen bars and pairs; a journal column (3.5
// inches) suits one model and few pairs (MaxPairs, HideCaption).
//
// The layout returned maps a data coordinate to a bar; an error says why
// the region has no chart (unknown region, evaluation failed).
func ModelComparison(res *rsa.Result, region string, opt ComparisonOptions) (*plot.Plot, *ComparisonLayout, error) {
	rr, err := evaluated(res, region)
	if err != nil {
		return nil, nil, err
	}
	if len(res.Spec.Layers) == 0 {
		return nil, nil, errors.New("the analysis has no layers")
	}
	alpha := opt.Alpha
	if alpha <= 0 || alpha >= 1 {
		alpha = 0.05
	}
	maxPairs := opt.MaxPairs
	if maxPairs == 0 {
		maxPairs = 30
	}
	ev := rr.Eval
	layers := res.Spec.Layers
	k := len(layers)
	correct, corrName := correction(res.Spec.Correction)

	// Corrected tests of each score against 0 and the lower ceiling.
	pz := make([]float64, k)
	pn := make([]float64, k)
	for i, m := range ev.Models {
		pz[i], pn[i] = m.PZero, m.PNoise
	}
	pz, pn = correct(pz), correct(pn)
	lower, upper := ev.NoiseCeiling.Lower, ev.NoiseCeiling.Upper
	hasCeiling := finite(lower)

	// Models in order of appearance give the colours.
	var models []string
	modelIdx := map[string]int{}
	for _, l := range layers {
		if _, ok := modelIdx[l.Model]; !ok {
			modelIdx[l.Model] = len(models)
			models = append(models, l.Model)
		}
	}

	lay := &ComparisonLayout{Bars: make([]Bar, k)}
	x := 0.0
	for i, l := range layers {
		if i > 0 && l.Model != layers[i-1].Model {
			x += groupGap
		}
		m := ev.Models[i]
		label := l.Layer
		if len(models) > 1 {
			label = l.String()
		}
		lay.Bars[i] = Bar{
			Ref: l, Label: label, X: x, HalfWidth: barHalfWidth, Score: m.Mean,
			Above0:    pz[i] < alpha && m.Mean > 0,
			AtCeiling: hasCeiling && finite(m.Mean) && !(pn[i] < alpha && m.Mean < lower),
		}
		x++
	}

	// The y range: every finite value drawn, with 0.
	ext := newExtent()
	ext.add(0)
	for _, m := range ev.Models {
		ext.add(m.Mean, m.CILow, m.CIHigh)
		if !opt.HideSubjects {
			ext.add(m.PerSubject...)
		}
	}
	if hasCeiling {
		ext.add(lower, upper)
	}
	yBot, yTop := ext.lo, ext.hi
	rng := yTop - yBot
	if rng <= 0 {
		rng = 1
	}
	if yBot < 0 {
		yBot -= 0.03 * rng
	}
	yMax := yTop + 0.04*rng
	lay.YMin, lay.YMax = yBot, yMax

	title := fmt.Sprintf("%s · %s · %s", region, plural(len(rr.Subjects), "subject", "subjects"), schemeText(ev.Settings))
	p := newPlot(title)
	method := ev.Settings.Method
	if method == "" {
		method = res.Spec.Compare
	}
	p.Y.Label.Text = fmt.Sprintf("RDM similarity (%s)", method)
	p.X.Min, p.X.Max = lay.Bars[0].X-barHalfWidth-0.35, lay.Bars[k-1].X+barHalfWidth+0.35
	p.Y.Min, p.Y.Max = yBot, yMax
	p.X.Padding, p.Y.Padding = 0, 0
	p.Y.Tick.Marker = niceTicker(yTop + 0.02*rng)
	ticks := make([]plot.Tick, k)
	labels := make([]string, k)
	for i, b := range lay.Bars {
		ticks[i] = plot.Tick{Value: b.X, Label: b.Label}
		labels[i] = b.Label
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.X.Tick.Length = vg.Points(2)
	if !tickLabelsFit(labels) {
		rotateXTicks(p)
	}
	p.Add(hgrid())

	// Bars.
	bars := &barPlotter{bars: lay.Bars, colors: make([]color.Color, k), selected: map[int]bool{}}
	for i, l := range layers {
		bars.colors[i] = colorOf(modelIdx[l.Model])
	}
	for _, s := range opt.Selected {
		bars.selected[s] = true
	}
	p.Add(bars)

	// Noise ceiling band, over the bars (rsatoolbox draws it so).
	if hasCeiling {
		if finite(upper) && upper > lower {
			p.Add(ceilingBand(p.X.Min, p.X.Max, lower, upper))
		} else {
			l, _ := plotter.NewLine(plotter.XYs{{X: p.X.Min, Y: lower}, {X: p.X.Max, Y: lower}})
			l.LineStyle = draw.LineStyle{Color: color.Gray{0x70}, Width: vg.Points(2)}
			p.Add(l)
		}
	}

	// Per-subject dots.
	if !opt.HideSubjects {
		var pts plotter.XYs
		for i, m := range ev.Models {
			n := len(m.PerSubject)
			for s, v := range m.PerSubject {
				if !finite(v) {
					continue
				}
				pts = append(pts, plotter.XY{X: lay.Bars[i].X + jitter(s, n)*barHalfWidth*0.6, Y: v})
			}
		}
		if len(pts) > 0 {
			sc, err := plotter.NewScatter(pts)
			if err != nil {
				return nil, nil, err
			}
			sc.GlyphStyle = draw.GlyphStyle{Color: withAlpha(color.Gray{0x30}, 0.6), Radius: vg.Points(1.3), Shape: draw.CircleGlyph{}}
			p.Add(sc)
		}
	}

	// Error bars (finite intervals only).
	var exy plotter.XYs
	var eerr plotter.YErrors
	for i, m := range ev.Models {
		if finite(m.Mean) && finite(m.CILow) && finite(m.CIHigh) {
			exy = append(exy, plotter.XY{X: lay.Bars[i].X, Y: m.Mean})
			eerr = append(eerr, struct{ Low, High float64 }{m.Mean - m.CILow, m.CIHigh - m.Mean})
		}
	}
	if len(exy) > 0 {
		p.Add(&plotter.YErrorBars{
			XYs: exy, YErrors: eerr,
			LineStyle: draw.LineStyle{Color: ink, Width: vg.Points(0.9)},
			CapWidth:  vg.Points(min(4, 160/float64(k))),
		})
	}

	// Zero line when scores go negative.
	if yBot < 0 {
		zl, _ := plotter.NewLine(plotter.XYs{{X: p.X.Min, Y: 0}, {X: p.X.Max, Y: 0}})
		zl.LineStyle = draw.LineStyle{Color: ink, Width: vg.Points(0.6)}
		p.Add(zl)
	}

	// Significance marks, in two rows right above the data area.
	hdr := &header{}
	above := markScatter(draw.CircleGlyph{})
	atCeil := markScatter(draw.RingGlyph{})
	var xA, xC []float64
	for _, b := range lay.Bars {
		if b.Above0 {
			xA = append(xA, b.X)
		}
		if b.AtCeiling {
			xC = append(xC, b.X)
		}
	}
	if len(xA) > 0 {
		hdr.marks = append(hdr.marks, markRow{above.GlyphStyle, xA})
	}
	if len(xC) > 0 {
		hdr.marks = append(hdr.marks, markRow{atCeil.GlyphStyle, xC})
	}

	// Nili bars: significant pairwise differences.
	nPairs := k * (k - 1) / 2
	if pc := rr.PCorrected(res.Spec.Correction); pc != nil && pc.SymmetricDim() == k && maxPairs > 0 {
		type pair struct {
			i, j int
			p    float64
		}
		var sig []pair
		for i := 0; i < k; i++ {
			for j := i + 1; j < k; j++ {
				if v := pc.At(i, j); v < alpha {
					sig = append(sig, pair{i, j, v})
				}
			}
		}
		slices.SortStableFunc(sig, func(a, b pair) int { return cmp.Compare(a.p, b.p) })
		lay.Significant = len(sig)
		if len(sig) > maxPairs {
			sig = sig[:maxPairs]
		}
		// Short spans low, long spans high, as nested brackets.
		slices.SortStableFunc(sig, func(a, b pair) int {
			if c := cmp.Compare(a.j-a.i, b.j-b.i); c != 0 {
				return c
			}
			return cmp.Compare(a.i, b.i)
		})
		for _, s := range sig {
			lay.Pairs = append(lay.Pairs, [2]int{s.i, s.j})
			hdr.spans = append(hdr.spans, span{lay.Bars[s.i].X, lay.Bars[s.j].X})
		}
	}

	// Legend strip.
	if len(models) > 1 {
		for i, m := range models {
			hdr.items = append(hdr.items, legendItem{patch(colorOf(i)), m})
		}
	}
	if hasCeiling {
		hdr.items = append(hdr.items, legendItem{patch(ceilingGrey), "noise ceiling"})
	}
	if len(xA) > 0 {
		hdr.items = append(hdr.items, legendItem{above, "> 0"})
	}
	if len(xC) > 0 {
		hdr.items = append(hdr.items, legendItem{atCeil, "not below noise ceiling"})
	}
	if len(hdr.spans) > 0 {
		l, _ := plotter.NewLine(plotter.XYs{{}, {X: 1}})
		l.LineStyle = draw.LineStyle{Color: ink, Width: vg.Points(0.8)}
		hdr.items = append(hdr.items, legendItem{l, "difference"})
	}
	p.Add(hdr)

	// Caption.
	var cap []string
	parts := []string{}
	if len(exy) > 0 {
		e := "Error bars: 95% CI"
		if skipped := countFinite(ev.Models) - len(exy); skipped > 0 {
			e += " (none where infinite)"
		}
		parts = append(parts, e)
	}
	if !opt.HideSubjects {
		if len(parts) == 0 {
			parts = append(parts, "Dots: subjects")
		} else {
			parts = append(parts, "dots: subjects")
		}
	}
	if len(parts) > 0 {
		cap = append(cap, strings.Join(parts, "; ")+".")
	}
	tests := fmt.Sprintf("Tests: p < %s, %s over %s", fmtP(alpha), corrName, plural(k, "layer", "layers"))
	if k > 1 {
		tests += fmt.Sprintf(" and %s", plural(nPairs, "pair", "pairs"))
	}
	tests += "."
	cap = append(cap, tests)
	if k > 1 && maxPairs > 0 {
		verb := "differ"
		if lay.Significant == 1 {
			verb = "differs"
		}
		s := fmt.Sprintf("Nili bars: %d of %d pairs %s", lay.Significant, nPairs, verb)
		if lay.Significant > len(lay.Pairs) {
			s += fmt.Sprintf("; %d most significant shown", len(lay.Pairs))
		}
		cap = append(cap, s+".")
	}
	if st := ev.Settings; st.Scheme != inference.Fixed && st.Valid > 0 && st.Valid < st.Samples {
		cap = append(cap, fmt.Sprintf("%d of %d bootstrap samples valid.", st.Valid, st.Samples))
	}
	if !hasCeiling {
		cap = append(cap, "No noise ceiling (one subject, or no pooling rule for the method).")
	}
	for i, l := range cap {
		cap[i] = wrap(l, 70)
	}
	if !opt.HideCaption {
		p.X.Label.Text = strings.Join(cap, "\n")
	}
	p.X.Label.TextStyle.Font.Size = captionSize
	p.X.Label.TextStyle.Color = color.Gray{0x50}
	p.X.Label.Padding = vg.Points(2)
	return p, lay, nil
}

// countFinite counts the models with a finite mean.
func countFinite(ms []inference.ModelScore) int {
	n := 0
	for _, m := range ms {
		if finite(m.Mean) {
			n++
		}
	}
	return n
}

// jitter returns a deterministic offset in [−1, 1] for subject s of n:
// the golden-ratio sequence, evenly spread for any n.
func jitter(s, n int) float64 {
	if n <= 1 {
		return 0
	}
	f := math.Mod(float64(s+1)*0.6180339887498949, 1)
	return 2*f - 1
}

func markScatter(shape draw.GlyphDrawer) *plotter.Scatter {
	return &plotter.Scatter{GlyphStyle: draw.GlyphStyle{Color: ink, Radius: vg.Points(2.6), Shape: shape}}
}

// patch is a legend thumbnail: a filled rectangle.
func patch(c color.Color) plot.Thumbnailer {
	return &plotter.Polygon{Color: c}
}

// ceilingBand is the grey band between the noise-ceiling bounds across
// [x0, x1].
func ceilingBand(x0, x1, lower, upper float64) *plotter.Polygon {
	return &plotter.Polygon{
		XYs:   []plotter.XYs{{{X: x0, Y: lower}, {X: x1, Y: lower}, {X: x1, Y: upper}, {X: x0, Y: upper}}},
		Color: ceilingGrey,
	}
}

// barPlotter draws the bars of a comparison chart from 0 to their score.
type barPlotter struct {
	bars     []Bar
	colors   []color.Color
	selected map[int]bool
}

func (b *barPlotter) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	y0 := trY(0)
	for i, bar := range b.bars {
		if !finite(bar.Score) {
			continue
		}
		x0, x1 := trX(bar.X-bar.HalfWidth), trX(bar.X+bar.HalfWidth)
		y1 := trY(bar.Score)
		pts := []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}}
		c.FillPolygon(b.colors[i], pts)
		if b.selected[i] {
			c.StrokeLines(draw.LineStyle{Color: ink, Width: vg.Points(1.8)}, append(pts, pts[0]))
		}
	}
}

func (b *barPlotter) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax = math.Inf(1), math.Inf(-1)
	ymin, ymax = 0, 0
	for _, bar := range b.bars {
		xmin, xmax = min(xmin, bar.X-bar.HalfWidth), max(xmax, bar.X+bar.HalfWidth)
		if finite(bar.Score) {
			ymin, ymax = min(ymin, bar.Score), max(ymax, bar.Score)
		}
	}
	return
}
