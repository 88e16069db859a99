package figure

// Figures of the Encoding page: voxel-wise (or unit-wise) ridge encoding
// models, core/voxelwise.
//
//   - ScoreHistograms: the distribution of per-target scores of every
//     layer in one region, as a ridgeline of outline histograms.
//   - EncodingProfile: median score against layer depth for one model, a
//     line per region with its interquartile band and split-half ceiling.
//   - ScoreScatter: per-target scores of two fits of the same recording
//     against each other (2-D histogram beyond 500 targets).
//   - AlphaHistogram: how many targets chose each ridge penalty.
//   - UnitMap: electrophysiology units at their (x, y) coordinates,
//     coloured by score.

import (
	"errors"
	"fmt"
	"image/color"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/alignscope/alignscope/core/voxelwise"
)

// densityThreshold is the number of targets above which ScoreScatter
// draws a 2-D histogram instead of one dot per target.
const densityThreshold = 500

// gridEndShare is the share of targets at an end of the alpha grid above
// which AlphaHistogram advises widening the grid.
const gridEndShare = 0.05

// metricLabel is the axis label of a per-target score.
func metricLabel(m voxelwise.Metric) (string, error) {
	switch m {
	case voxelwise.R2:
		return "cross-validated R²", nil
	case voxelwise.R:
		return "cross-validated r", nil
	case voxelwise.Ceiled:
		return "r² / split-half reliability", nil
	}
	return "", fmt.Errorf("unknown score %q (use %s, %s or %s)", m, voxelwise.R2, voxelwise.R, voxelwise.Ceiled)
}

// fitName names a fit in messages and titles.
func fitName(f *voxelwise.Fit) string {
	return fmt.Sprintf("%s → %s / %s", f.Layer, f.Subject, f.Region)
}

// checkFit verifies that f holds a cross-validation result whose
// per-target slices agree in length.
func checkFit(f *voxelwise.Fit) error {
	if f == nil {
		return errors.New("no fit")
	}
	if f.CV == nil {
		return fmt.Errorf("%s has no cross-validation result", fitName(f))
	}
	t := len(f.CV.R2)
	if t == 0 {
		return fmt.Errorf("%s has no targets", fitName(f))
	}
	for _, c := range []struct {
		name string
		n    int
		set  bool
	}{
		{"r", len(f.CV.R), true},
		{"chosen alpha", len(f.CV.AlphaIndex), true},
		{"ceiling-normalised", len(f.CV.Ceiled), f.CV.Ceiled != nil},
		{"split-half reliability", len(f.Ceiling), f.Ceiling != nil},
	} {
		if c.set && c.n != t {
			return fmt.Errorf("%s: %d %s values for %d targets", fitName(f), c.n, c.name, t)
		}
	}
	return nil
}

// noScore explains why a set of fits has no finite score of metric m.
func noScore(what string, m voxelwise.Metric) error {
	if m == voxelwise.Ceiled {
		return fmt.Errorf("%s has no finite %s score: the ceiling-normalised score needs a split-half reliability (repeated recordings)", what, m)
	}
	return fmt.Errorf("%s has no finite %s score", what, m)
}

// quantileOf is the linear-interpolation quantile of sorted values s.
func quantileOf(s []float64, q float64) float64 {
	if len(s) == 0 {
		return math.NaN()
	}
	pos := q * float64(len(s)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(s)-1)
	return s[lo] + (s[hi]-s[lo])*(pos-float64(lo))
}

// niceStep rounds raw up to 1, 2, 2.5 or 5 × 10^k.
func niceStep(raw float64) float64 {
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, f := range []float64{1, 2, 2.5, 5} {
		if f*mag >= raw*0.999 {
			return f * mag
		}
	}
	return 10 * mag
}

// fmtNum formats a value for a caption with three significant digits.
func fmtNum(v float64) string { return strconv.FormatFloat(v, 'g', 3, 64) }

// pct formats a share as a percentage with one decimal.
func pct(k, n int) string {
	if n == 0 {
		return "0%"
	}
	return strconv.FormatFloat(100*float64(k)/float64(n), 'f', 1, 64) + "%"
}

// lineThumb is a legend thumbnail: a horizontal line.
func lineThumb(sty draw.LineStyle) plot.Thumbnailer {
	l, _ := plotter.NewLine(plotter.XYs{{}, {X: 1}})
	l.LineStyle = sty
	return l
}

// vline is a legend thumbnail: a vertical line.
type vline struct{ sty draw.LineStyle }

func (v vline) Thumbnail(c *draw.Canvas) {
	x := (c.Min.X + c.Max.X) / 2
	c.StrokeLine2(v.sty, x, c.Min.Y, x, c.Max.Y)
}

// dot is a legend thumbnail: one glyph.
type dot struct{ g draw.GlyphStyle }

func (d dot) Thumbnail(c *draw.Canvas) { c.DrawGlyphNoClip(d.g, c.Center()) }

// captionWidth is the width caption lines are wrapped to: they fit a
// 5-inch figure.
const captionWidth = vg.Length(320)

// setCaption sets the x label to the axis name followed by the caption
// lines, each wrapped to captionWidth in the label's font.
func setCaption(p *plot.Plot, axis string, lines []string) {
	sty := p.X.Label.TextStyle
	out := []string{axis}
	for _, l := range lines {
		line := ""
		for _, w := range strings.Fields(l) {
			if line != "" && sty.Width(line+" "+w) > captionWidth {
				out = append(out, line)
				line = ""
			}
			if line != "" {
				line += " "
			}
			line += w
		}
		if line != "" {
			out = append(out, line)
		}
	}
	p.X.Label.Text = strings.Join(out, "\n")
}

var (
	zeroStyle   = draw.LineStyle{Color: ink, Width: vg.Points(0.8), Dashes: []vg.Length{vg.Points(3), vg.Points(2)}}
	medianStyle = draw.LineStyle{Color: ink, Width: vg.Points(1.4)}
)

// ---------------------------------------------------------------------
// ScoreHistograms

// ScoreHistograms draws the distribution of the per-target scores (metric
// m) of every layer of Spec.Layers in region, all chosen subjects pooled
// (voxelwise.Result.Values), as a ridgeline: one outline histogram per
// layer, stacked from the first layer at the top to the last at the
// bottom, on shared bins (a round width, 0 on a bin edge) and a shared
// height scale (fraction of the layer's targets; the tallest bin of all
// fills the row). Layers are coloured by model (Okabe–Ito); a short
// vertical bar marks each layer's median and a dashed line marks 0. The
// axis spans the pooled 0.5–99.5 percentiles (and 0); scores beyond are
// counted in the end bins, as the caption says. This reads well up to
// about 16 layers at a height of 0.3 inch per layer.
func ScoreHistograms(res *voxelwise.Result, region string, m voxelwise.Metric) (*plot.Plot, error) {
	if res == nil {
		return nil, errors.New("no encoding result")
	}
	label, err := metricLabel(m)
	if err != nil {
		return nil, err
	}
	L := len(res.Spec.Layers)
	if L == 0 {
		return nil, errors.New("the analysis has no layers")
	}
	var subjects []string
	for _, f := range res.Fits {
		if f == nil || f.Region != region {
			continue
		}
		if err := checkFit(f); err != nil {
			return nil, err
		}
		if !slices.Contains(subjects, f.Subject) {
			subjects = append(subjects, f.Subject)
		}
	}
	if len(subjects) == 0 {
		return nil, fmt.Errorf("the result has no fit of region %q", region)
	}
	vals := make([][]float64, L)
	var pooled []float64
	for i, l := range res.Spec.Layers {
		for _, v := range res.Values(l, region, m) {
			if finite(v) {
				vals[i] = append(vals[i], v)
			}
		}
		pooled = append(pooled, vals[i]...)
	}
	if len(pooled) == 0 {
		return nil, noScore(region, m)
	}
	sort.Float64s(pooled)
	lo, hi := pooled[0], pooled[len(pooled)-1]
	if len(pooled) >= 200 {
		lo, hi = quantileOf(pooled, 0.005), quantileOf(pooled, 0.995)
	}
	lo, hi = min(lo, 0), max(hi, 0)
	if hi == lo {
		hi = lo + 1
	}
	maxN := 0
	for _, v := range vals {
		maxN = max(maxN, len(v))
	}
	// Rice's rule on the largest layer, 10 to 50 bins of a round width.
	nb := max(10, min(50, int(math.Ceil(2*math.Cbrt(float64(maxN))))))
	w := niceStep((hi - lo) / float64(nb))
	lo = math.Floor(lo/w+1e-9) * w
	hi = math.Ceil(hi/w-1e-9) * w
	nb = max(1, int(math.Round((hi-lo)/w)))

	rg := &ridges{lo: lo, w: w, nb: nb, rows: make([]ridgeRow, L)}
	models := []string{}
	clipped := 0
	maxFrac := 0.0
	for i, v := range vals {
		mi := slices.Index(models, res.Spec.Layers[i].Model)
		if mi < 0 {
			models = append(models, res.Spec.Layers[i].Model)
			mi = len(models) - 1
		}
		row := ridgeRow{color: colorOf(mi), median: math.NaN()}
		if len(v) > 0 {
			row.frac = make([]float64, nb)
			for _, x := range v {
				b := int(math.Floor((x - lo) / w))
				if b < 0 || b >= nb {
					if x < lo || x > hi {
						clipped++
					}
					b = max(0, min(nb-1, b))
				}
				row.frac[b]++
			}
			for b := range row.frac {
				row.frac[b] /= float64(len(v))
				maxFrac = max(maxFrac, row.frac[b])
			}
			s := slices.Clone(v)
			sort.Float64s(s)
			row.median = quantileOf(s, 0.5)
		}
		rg.rows[i] = row
	}
	rg.scale = 0.92 / maxFrac

	p := newPlot(fmt.Sprintf("%s · per-target %s by layer", region, m))
	p.Y.Label.Text = "layer"
	p.X.Tick.Marker = niceTicker(math.Inf(1))
	multi := len(models) > 1
	yt := make([]plot.Tick, L)
	for i, l := range res.Spec.Layers {
		name := l.Layer
		if multi {
			name = l.String()
		}
		yt[i] = plot.Tick{Value: float64(L - 1 - i), Label: name}
	}
	p.Y.Tick.Marker = plot.ConstantTicks(yt)
	p.Y.Width = 0
	p.Y.Tick.Length = 0
	if L > 12 {
		p.Y.Tick.Label.Font.Size = 8
	}
	p.Add(rg)
	p.X.Min, p.X.Max = lo, hi
	p.Y.Min, p.Y.Max = -0.04, float64(L-1)+1

	hdr := &header{}
	for i, name := range models {
		c := colorOf(i)
		hdr.items = append(hdr.items, legendItem{&plotter.Polygon{Color: withAlpha(c, 0.3),
			LineStyle: draw.LineStyle{Color: c, Width: vg.Points(1)}}, name})
	}
	hdr.items = append(hdr.items, legendItem{vline{medianStyle}, "median"}, legendItem{vline{zeroStyle}, "zero"})
	p.Add(hdr)

	minN := maxN
	for _, v := range vals {
		if len(v) > 0 {
			minN = min(minN, len(v))
		}
	}
	var cap []string
	targets := fmt.Sprintf("%d targets per layer", maxN)
	if minN != maxN {
		targets = fmt.Sprintf("%d–%d targets per layer", minN, maxN)
	}
	if len(subjects) > 1 {
		targets += fmt.Sprintf(" (%d subjects pooled)", len(subjects))
	} else {
		targets += " (" + subjects[0] + ")"
	}
	cap = append(cap, fmt.Sprintf("%s; bins of %s; height: share of the layer's targets.", targets, fmtNum(w)))
	if clipped > 0 {
		cap = append(cap, fmt.Sprintf("%s beyond the axis counted in the end bins.", plural(clipped, "score", "scores")))
	}
	var empty []string
	for i, r := range rg.rows {
		if r.frac == nil {
			empty = append(empty, yt[i].Label)
		}
	}
	if len(empty) > 0 {
		cap = append(cap, "No finite score: "+strings.Join(empty, ", ")+".")
	}
	setCaption(p, label, cap)
	return p, nil
}

// ridgeRow is one layer's histogram.
type ridgeRow struct {
	frac   []float64 // share of targets per bin; nil: no finite score
	median float64
	color  color.Color
}

// ridges draws histograms stacked from row 0 at the top (baseline y =
// rows−1) to the last row at y = 0, and a dashed line at x = 0.
type ridges struct {
	lo, w float64
	nb    int
	scale float64 // data y units per unit share
	rows  []ridgeRow
}

func (r *ridges) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	L := len(r.rows)
	base := draw.LineStyle{Color: color.Gray{0xB0}, Width: vg.Points(0.5)}
	hi := r.lo + float64(r.nb)*r.w
	for i, row := range r.rows {
		y0 := float64(L - 1 - i)
		c.StrokeLine2(base, trX(r.lo), trY(y0), trX(hi), trY(y0))
		if row.frac == nil {
			sty := textStyle(captionSize, false)
			sty.Color = color.Gray{0x70}
			sty.XAlign = draw.XCenter
			c.FillText(sty, vg.Point{X: (c.Min.X + c.Max.X) / 2, Y: trY(y0) + 2}, "no finite score")
			continue
		}
		pts := []vg.Point{{X: trX(r.lo), Y: trY(y0)}}
		for b, f := range row.frac {
			y := trY(y0 + f*r.scale)
			pts = append(pts, vg.Point{X: trX(r.lo + float64(b)*r.w), Y: y}, vg.Point{X: trX(r.lo + float64(b+1)*r.w), Y: y})
		}
		pts = append(pts, vg.Point{X: trX(hi), Y: trY(y0)})
		c.FillPolygon(withAlpha(row.color, 0.3), pts)
		c.StrokeLines(draw.LineStyle{Color: row.color, Width: vg.Points(1.1)}, pts)
		if finite(row.median) {
			b := max(0, min(r.nb-1, int(math.Floor((row.median-r.lo)/r.w))))
			x := trX(row.median)
			c.StrokeLine2(medianStyle, x, trY(y0), x, trY(y0+row.frac[b]*r.scale))
		}
	}
	if r.lo <= 0 && hi >= 0 {
		c.StrokeLine2(zeroStyle, trX(0), trY(0), trX(0), trY(float64(L-1)+0.98))
	}
}

func (r *ridges) DataRange() (xmin, xmax, ymin, ymax float64) {
	return r.lo, r.lo + float64(r.nb)*r.w, 0, float64(len(r.rows))
}

// ---------------------------------------------------------------------
// EncodingProfile

// EncodingProfile draws, for one model, the median per-target score
// (metric m, every subject's targets pooled: voxelwise.Result.Profile)
// of each of its layers (Spec.Layers order) for every region of the
// spec, one line per region in the Okabe–Ito colours, with the
// interquartile range (25th–75th percentile) shaded. Where the region has
// a split-half reliability, a dashed line in the region's colour marks
// the comparable ceiling: for R² the median reliability itself (r² of a
// prediction cannot exceed the reliability of the data), for r its
// square root, and for r²/reliability the value 1. Regions without any
// fit or finite score are named in the caption.
func EncodingProfile(res *voxelwise.Result, model string, m voxelwise.Metric) (*plot.Plot, error) {
	if res == nil {
		return nil, errors.New("no encoding result")
	}
	label, err := metricLabel(m)
	if err != nil {
		return nil, err
	}
	var idx []int
	for i, l := range res.Spec.Layers {
		if l.Model == model {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		return nil, fmt.Errorf("the analysis has no layer of model %q", model)
	}
	for _, f := range res.Fits {
		if err := checkFit(f); err != nil {
			return nil, err
		}
	}
	regions := slices.Clone(res.Spec.Regions)
	for _, rec := range res.Recordings() {
		if !slices.Contains(regions, rec[1]) {
			regions = append(regions, rec[1])
		}
	}
	n := len(idx)
	p := newPlot(fmt.Sprintf("%s · median per-target %s by layer", model, m))
	p.Y.Label.Text = label
	p.Y.Tick.Marker = niceTicker(math.Inf(1))
	ticks := make([]plot.Tick, n)
	labels := make([]string, n)
	for j, i := range idx {
		ticks[j] = plot.Tick{Value: float64(j), Label: res.Spec.Layers[i].Layer}
		labels[j] = ticks[j].Label
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	if !tickLabelsFit(labels) {
		rotateXTicks(p)
	}
	x0, x1 := -0.3, float64(n-1)+0.3
	p.X.Min, p.X.Max = x0, x1
	p.Add(hgrid())

	dashes := []vg.Length{vg.Points(4), vg.Points(3)}
	hdr := &header{}
	var missing []string
	var bands, lines []plot.Plotter
	drawn, hasCeiling := 0, false
	subjects := map[string]bool{}
	targets := newExtent()
	for r, region := range regions {
		fitted := false
		for _, f := range res.Fits {
			if f.Region == region && f.Layer.Model == model {
				fitted = true
				subjects[f.Subject] = true
			}
		}
		if !fitted {
			missing = append(missing, region+" (not fitted)")
			continue
		}
		prof := res.Profile(region, m)
		col := colorOf(r)
		pts := make(plotter.XYs, 0, n)
		ceil := math.NaN()
		var run plotter.XYs
		var runLo []float64
		flush := func() {
			switch {
			case len(run) >= 2:
				ring := make(plotter.XYs, 0, 2*len(run))
				for t := range run {
					ring = append(ring, plotter.XY{X: run[t].X, Y: runLo[t]})
				}
				for t := len(run) - 1; t >= 0; t-- {
					ring = append(ring, run[t])
				}
				bands = append(bands, &plotter.Polygon{XYs: []plotter.XYs{ring}, Color: withAlpha(col, 0.16)})
			case len(run) == 1:
				half := (run[0].Y - runLo[0]) / 2
				lines = append(lines, &plotter.YErrorBars{
					XYs:       plotter.XYs{{X: run[0].X, Y: runLo[0] + half}},
					YErrors:   plotter.YErrors{{Low: half, High: half}},
					LineStyle: draw.LineStyle{Color: col, Width: vg.Points(1)},
					CapWidth:  vg.Points(4),
				})
			}
			run, runLo = nil, nil
		}
		for j, i := range idx {
			pp := prof[i]
			if pp.Targets > 0 {
				targets.add(float64(pp.Targets))
			}
			if finite(pp.Median) {
				pts = append(pts, plotter.XY{X: float64(j), Y: pp.Median})
			}
			if finite(pp.CeilingMedian) && !finite(ceil) {
				ceil = pp.CeilingMedian
			}
			if finite(pp.Q25) && finite(pp.Q75) {
				run = append(run, plotter.XY{X: float64(j), Y: pp.Q75})
				runLo = append(runLo, pp.Q25)
				continue
			}
			flush()
		}
		flush()
		if len(pts) == 0 {
			missing = append(missing, region+" (no finite score)")
			continue
		}
		ln, sc, err := plotter.NewLinePoints(pts)
		if err != nil {
			return nil, err
		}
		ln.LineStyle = draw.LineStyle{Color: col, Width: vg.Points(1.6)}
		sc.GlyphStyle = draw.GlyphStyle{Color: col, Radius: vg.Points(2.6), Shape: draw.CircleGlyph{}}
		lines = append(lines, ln, sc)
		switch m {
		case voxelwise.R:
			if ceil >= 0 {
				ceil = math.Sqrt(ceil)
			} else {
				ceil = math.NaN()
			}
		case voxelwise.Ceiled:
			if finite(ceil) {
				ceil = 1
			}
		}
		if finite(ceil) {
			hasCeiling = true
			nc, _ := plotter.NewLine(plotter.XYs{{X: x0, Y: ceil}, {X: x1, Y: ceil}})
			nc.LineStyle = draw.LineStyle{Color: col, Width: vg.Points(1), Dashes: dashes}
			if m == voxelwise.Ceiled {
				nc.LineStyle.Color = ink
			}
			lines = append(lines, nc)
		}
		hdr.items = append(hdr.items, legendItem{thumbs{ln, sc}, region})
		drawn++
	}
	if drawn == 0 {
		return nil, fmt.Errorf("model %s: no region has a finite %s score (%s)", model, m, strings.Join(missing, "; "))
	}
	p.Add(bands...)
	p.Add(lines...)
	if hasCeiling {
		what := "median split-half reliability"
		switch m {
		case voxelwise.R:
			what = "root of median split-half reliability"
		case voxelwise.Ceiled:
			what = "ceiling (r² = reliability)"
		}
		hdr.items = append(hdr.items, legendItem{lineThumb(draw.LineStyle{Color: ink, Width: vg.Points(1), Dashes: dashes}), what})
	}
	hdr.items = append(hdr.items, legendItem{patch(withAlpha(ink, 0.16)), "interquartile range"})
	p.Add(hdr)
	p.Y.Min = min(p.Y.Min, 0)
	if rng := p.Y.Max - p.Y.Min; rng > 0 {
		p.Y.Max += 0.04 * rng
	}
	var cap []string
	t := "Line: median over targets"
	if targets.ok() {
		if targets.lo == targets.hi {
			t += fmt.Sprintf(" (%d per layer", int(targets.lo))
		} else {
			t += fmt.Sprintf(" (%d–%d per layer", int(targets.lo), int(targets.hi))
		}
		if len(subjects) > 1 {
			t += fmt.Sprintf(", %d subjects pooled", len(subjects))
		}
		t += ")"
	}
	cap = append(cap, t+"; band: 25th–75th percentile.")
	if len(missing) > 0 {
		cap = append(cap, "Not shown: "+strings.Join(missing, "; ")+".")
	}
	setCaption(p, "layer", cap)
	return p, nil
}

// ---------------------------------------------------------------------
// ScoreScatter

// ScoreScatter compares two fits of the same recording (for instance two
// models, or two layers) target by target: the score (metric m) of fit a
// on x against that of fit b on y, on equal axis ranges with the diagonal
// y = x dashed and the lines x = 0 and y = 0 in grey. Up to 500 targets
// with finite scores in both fits are drawn as dots, orange above the
// diagonal (b better) and blue below (a better); more as a 2-D histogram
// of square bins, empty bins white, coloured by the count on a
// logarithmic scale with a colour bar. The axes span the 0.2–99.8
// percentiles (and 0) beyond 500 targets, every target otherwise. The
// caption counts the targets above and below the diagonal. nameA and
// nameB label the fits ("" for the layer names). Draw it square.
func ScoreScatter(a, b *voxelwise.Fit, m voxelwise.Metric, nameA, nameB string) (*plot.Plot, error) {
	if a == nil || b == nil {
		return nil, errors.New("choose two fits to compare")
	}
	if err := checkFit(a); err != nil {
		return nil, err
	}
	if err := checkFit(b); err != nil {
		return nil, err
	}
	label, err := metricLabel(m)
	if err != nil {
		return nil, err
	}
	if a.Subject != b.Subject || a.Region != b.Region {
		return nil, fmt.Errorf("the fits are of different recordings (%s / %s and %s / %s): compare fits of the same targets",
			a.Subject, a.Region, b.Subject, b.Region)
	}
	sa, sb := a.Score(m), b.Score(m)
	if len(sa) != len(sb) {
		return nil, fmt.Errorf("%s has %d targets but %s has %d", fitName(a), len(sa), fitName(b), len(sb))
	}
	if nameA == "" {
		nameA = a.Layer.String()
	}
	if nameB == "" {
		nameB = b.Layer.String()
	}
	if nameA == nameB {
		nameA, nameB = nameA+" (A)", nameB+" (B)"
	}
	var xs, ys []float64
	above, below, equal := 0, 0, 0
	for j := range sa {
		if !finite(sa[j]) || !finite(sb[j]) {
			continue
		}
		xs = append(xs, sa[j])
		ys = append(ys, sb[j])
		switch {
		case sb[j] > sa[j]:
			above++
		case sb[j] < sa[j]:
			below++
		default:
			equal++
		}
	}
	n := len(xs)
	if n == 0 {
		return nil, noScore(fmt.Sprintf("%s / %s (in both fits)", a.Subject, a.Region), m)
	}
	dense := n > densityThreshold
	all := append(slices.Clone(xs), ys...)
	sort.Float64s(all)
	lo, hi := all[0], all[len(all)-1]
	if dense {
		lo, hi = quantileOf(all, 0.002), quantileOf(all, 0.998)
	}
	lo, hi = min(lo, 0), max(hi, 0)
	if hi == lo {
		hi = lo + 1
	}
	pad := 0.03 * (hi - lo)
	lo, hi = lo-pad, hi+pad

	p := newPlot(fmt.Sprintf("%s / %s · per-target %s · %s vs %s", a.Subject, a.Region, m, nameB, nameA))
	p.Y.Label.Text = nameB + ": " + label
	p.X.Tick.Marker = niceTicker(math.Inf(1))
	p.Y.Tick.Marker = niceTicker(math.Inf(1))
	axisGrey := draw.LineStyle{Color: color.Gray{0xC8}, Width: vg.Points(0.6)}
	zx, _ := plotter.NewLine(plotter.XYs{{X: 0, Y: lo}, {X: 0, Y: hi}})
	zy, _ := plotter.NewLine(plotter.XYs{{X: lo, Y: 0}, {X: hi, Y: 0}})
	zx.LineStyle, zy.LineStyle = axisGrey, axisGrey
	diag, _ := plotter.NewLine(plotter.XYs{{X: lo, Y: lo}, {X: hi, Y: hi}})
	diag.LineStyle = draw.LineStyle{Color: ink, Width: vg.Points(1), Dashes: []vg.Length{vg.Points(4), vg.Points(3)}}

	hdr := &header{}
	outside := 0
	if dense {
		nb := max(30, min(80, int(math.Sqrt(float64(n))/2)))
		w := (hi - lo) / float64(nb)
		d := &density{lo: lo, w: w, nb: nb, counts: make([]int, nb*nb)}
		maxC := 0
		for k := range xs {
			i := int(math.Floor((xs[k] - lo) / w))
			j := int(math.Floor((ys[k] - lo) / w))
			if i < 0 || j < 0 || i >= nb || j >= nb {
				outside++
				continue
			}
			d.counts[j*nb+i]++
			maxC = max(maxC, d.counts[j*nb+i])
		}
		top := math.Log10(float64(max(maxC, 2)))
		d.s = densityScale(0, top)
		// A white halo keeps the diagonal visible over dark bins.
		halo, _ := plotter.NewLine(diag.XYs)
		halo.LineStyle = draw.LineStyle{Color: color.White, Width: vg.Points(2.6)}
		p.Add(zx, zy, d, halo, diag)
		p.Add(&tickedBar{s: d.s, label: "targets per bin", ticks: countTicks(maxC)})
	} else {
		var up, down, same plotter.XYs
		for k := range xs {
			pt := plotter.XY{X: xs[k], Y: ys[k]}
			switch {
			case ys[k] > xs[k]:
				up = append(up, pt)
			case ys[k] < xs[k]:
				down = append(down, pt)
			default:
				same = append(same, pt)
			}
		}
		r := vg.Points(2.2)
		if n > 150 {
			r = vg.Points(1.7)
		}
		mk := func(pts plotter.XYs, c color.Color) (*plotter.Scatter, draw.GlyphStyle) {
			g := draw.GlyphStyle{Color: withAlpha(c, 0.75), Radius: r, Shape: draw.CircleGlyph{}}
			s := &plotter.Scatter{XYs: pts, GlyphStyle: g}
			return s, g
		}
		p.Add(zx, zy)
		sU, gU := mk(up, colorOf(1))
		sD, gD := mk(down, colorOf(0))
		sS, gS := mk(same, color.Gray{0x80})
		for _, s := range []*plotter.Scatter{sD, sU, sS} {
			if len(s.XYs) > 0 {
				p.Add(s)
			}
		}
		p.Add(diag)
		gU.Radius, gD.Radius, gS.Radius = vg.Points(2.6), vg.Points(2.6), vg.Points(2.6)
		hdr.items = append(hdr.items, legendItem{dot{gU}, nameB + " better"}, legendItem{dot{gD}, nameA + " better"})
		if equal > 0 {
			hdr.items = append(hdr.items, legendItem{dot{gS}, "equal"})
		}
	}
	hdr.items = append(hdr.items, legendItem{lineThumb(diag.LineStyle), "y = x"})
	p.Add(hdr)
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = lo, hi, lo, hi

	cap := []string{fmt.Sprintf("%d targets. Above the diagonal (%s better): %d (%s); below (%s better): %d (%s)",
		n, nameB, above, pct(above, n), nameA, below, pct(below, n))}
	if equal > 0 {
		cap[0] += fmt.Sprintf("; equal: %d", equal)
	}
	cap[0] += "."
	if dense {
		cap = append(cap, "2-D histogram; colour: targets per bin (log scale).")
		if outside > 0 {
			cap = append(cap, fmt.Sprintf("%s beyond the axes not drawn (included in the counts).", plural(outside, "target", "targets")))
		}
	}
	if skipped := len(sa) - n; skipped > 0 {
		cap = append(cap, fmt.Sprintf("%s without a finite score in both fits left out.", plural(skipped, "target", "targets")))
	}
	setCaption(p, nameA+": "+label, cap)
	return p, nil
}

// density is a 2-D histogram of square bins over [lo, lo + nb·w]² with
// counts[j·nb + i] in bin column i, row j (from the bottom), drawn as
// filled cells coloured by log10(count); empty bins are not drawn.
type density struct {
	lo, w  float64
	nb     int
	counts []int
	s      *scale
}

func (d *density) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	const ov = vg.Length(0.5) // overlap into drawn neighbours, against seams
	for j := 0; j < d.nb; j++ {
		for i := 0; i < d.nb; i++ {
			k := d.counts[j*d.nb+i]
			if k == 0 {
				continue
			}
			x0, x1 := trX(d.lo+float64(i)*d.w), trX(d.lo+float64(i+1)*d.w)
			y0, y1 := trY(d.lo+float64(j)*d.w), trY(d.lo+float64(j+1)*d.w)
			if i+1 < d.nb && d.counts[j*d.nb+i+1] > 0 {
				x1 += ov
			}
			if j+1 < d.nb && d.counts[(j+1)*d.nb+i] > 0 {
				y1 += ov
			}
			c.FillPolygon(d.s.at(math.Log10(float64(k))), []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}})
		}
	}
}

func (d *density) DataRange() (xmin, xmax, ymin, ymax float64) {
	hi := d.lo + float64(d.nb)*d.w
	return d.lo, hi, d.lo, hi
}

// ylGnBu are the control colours of ColorBrewer's YlGnBu sequential
// scheme (Harrower & Brewer 2003) from dark to light, without its
// near-white end: colour-blind safe, monotone in lightness.
var ylGnBu = []color.Color{
	color.RGBA{0x08, 0x1D, 0x58, 0xff}, color.RGBA{0x25, 0x34, 0x94, 0xff},
	color.RGBA{0x22, 0x5E, 0xA8, 0xff}, color.RGBA{0x1D, 0x91, 0xC0, 0xff},
	color.RGBA{0x41, 0xB6, 0xC4, 0xff}, color.RGBA{0x7F, 0xCD, 0xBB, 0xff},
	color.RGBA{0xC7, 0xE9, 0xB4, 0xff},
}

// densityScale maps [lo, hi] to YlGnBu reversed (Moreland's luminance
// interpolation between its control colours): pale green for the fewest
// to dark blue for the most, so that sparse bins stay visible on white
// without drawing the eye, and dense ones stand out.
func densityScale(lo, hi float64) *scale {
	const n = 256
	s := &scale{lo: lo, hi: hi, colors: make([]color.Color, n), nan: color.White}
	cm, err := moreland.NewLuminance(ylGnBu)
	if err == nil {
		cm.SetMin(0)
		cm.SetMax(1)
	}
	for i := range n {
		t := 1 - float64(i)/(n-1)
		var c color.Color = ink
		if err == nil {
			if ci, err := cm.At(t); err == nil {
				c = ci
			}
		}
		s.colors[i] = c
	}
	return s
}

// countTicks returns colour-bar ticks at 1, 2, 5, 10, … (1, 10, 100, …
// over more than two decades) up to max, positioned at log10 of the count.
func countTicks(maxC int) []plot.Tick {
	steps := []float64{1, 2, 5}
	if maxC > 300 {
		steps = []float64{1}
	}
	var out []plot.Tick
	for mag := 1.0; mag <= float64(maxC); mag *= 10 {
		for _, s := range steps {
			if v := s * mag; v <= float64(max(maxC, 2)) {
				out = append(out, plot.Tick{Value: math.Log10(v), Label: strconv.Itoa(int(v))})
			}
		}
	}
	return out
}

// tickedBar is a colour bar (as colorBar) with given ticks, positioned in
// the scale's domain.
type tickedBar struct {
	s     *scale
	label string
	ticks []plot.Tick
}

func (b *tickedBar) width() vg.Length {
	sty := textStyle(tickSize, false)
	var lw vg.Length
	for _, t := range b.ticks {
		lw = max(lw, sty.Width(t.Label))
	}
	w := cbGap + cbWidth + 3 + lw
	if b.label != "" {
		w += 4 + textStyle(labelSize, false).Height(b.label)
	}
	return w
}

func (b *tickedBar) GlyphBoxes(*plot.Plot) []plot.GlyphBox {
	return []plot.GlyphBox{{X: 1, Y: 0.5, Rectangle: vg.Rectangle{Max: vg.Point{X: b.width()}}}}
}

func (b *tickedBar) Plot(c draw.Canvas, _ *plot.Plot) {
	lo, hi := b.s.lo, b.s.hi
	x0 := c.Max.X + cbGap
	r := vg.Rectangle{Min: vg.Point{X: x0, Y: c.Min.Y}, Max: vg.Point{X: x0 + cbWidth, Y: c.Max.Y}}
	// Drawn as thin bands rather than an image, so that vector outputs
	// stay sharp and no interpolation blurs the ends.
	const n = 128
	h := (r.Max.Y - r.Min.Y) / n
	for i := range n {
		y0 := r.Min.Y + vg.Length(i)*h
		y1 := y0 + h
		if i < n-1 {
			y1 += 0.3
		}
		c.FillPolygon(b.s.at(lo+(hi-lo)*(float64(i)+0.5)/n), []vg.Point{{X: r.Min.X, Y: y0}, {X: r.Max.X, Y: y0}, {X: r.Max.X, Y: y1}, {X: r.Min.X, Y: y1}})
	}
	frame := draw.LineStyle{Color: ink, Width: vg.Points(0.5)}
	c.StrokeLines(frame, []vg.Point{r.Min, {X: r.Max.X, Y: r.Min.Y}, r.Max, {X: r.Min.X, Y: r.Max.Y}, r.Min})
	sty := textStyle(tickSize, false)
	sty.YAlign = draw.YCenter
	var lw vg.Length
	for _, t := range b.ticks {
		if t.Value < lo-1e-9 || t.Value > hi+1e-9 {
			continue
		}
		y := c.Min.Y + vg.Length((t.Value-lo)/(hi-lo))*(c.Max.Y-c.Min.Y)
		c.StrokeLine2(frame, r.Max.X, y, r.Max.X+2, y)
		c.FillText(sty, vg.Point{X: r.Max.X + 3, Y: y}, t.Label)
		lw = max(lw, sty.Width(t.Label))
	}
	if b.label != "" {
		ls := textStyle(labelSize, false)
		ls.Rotation = math.Pi / 2
		ls.XAlign = draw.XCenter
		ls.YAlign = draw.YTop
		c.FillText(ls, vg.Point{X: r.Max.X + 3 + lw + 4, Y: (c.Min.Y + c.Max.Y) / 2}, b.label)
	}
}

// ---------------------------------------------------------------------
// AlphaHistogram

// alphaLabel writes a penalty as mantissa and power of ten: 1e-2,
// 3.16e4.
func alphaLabel(a float64) string {
	if !(a > 0) || math.IsInf(a, 0) {
		return fmtNum(a)
	}
	e := math.Floor(math.Log10(a) + 1e-9)
	mant := a / math.Pow(10, e)
	if math.Abs(mant-math.Round(mant)) < 1e-6 && math.Round(mant) == 1 {
		return fmt.Sprintf("1e%d", int(e))
	}
	return fmt.Sprintf("%se%d", strconv.FormatFloat(mant, 'g', 3, 64), int(e))
}

// AlphaHistogram draws how many targets of fit f chose each ridge penalty
// α of the cross-validation grid (encoding.CVResult.AlphaHistogram): one
// bar per grid value in increasing order, on a log10 axis with ticks at
// the powers of ten (1e-2, …) when the grid is log-uniform (as
// encoding.DefaultAlphas), otherwise on a categorical axis labelled with
// the values; the count is written over each bar where it fits. The two bars at the ends of the grid are drawn in vermillion: a
// target whose best penalty is the smallest or the largest one may have
// its optimum beyond the grid. The caption gives both shares and, where
// one exceeds 5 %, advises widening the grid at that end (at the large
// end it also holds targets the layer cannot predict, for which the
// largest penalty, predicting the mean, is best).
func AlphaHistogram(f *voxelwise.Fit) (*plot.Plot, error) {
	if err := checkFit(f); err != nil {
		return nil, err
	}
	alphas := f.CV.Alphas
	k := len(alphas)
	if k == 0 {
		return nil, fmt.Errorf("%s: the penalty grid is empty", fitName(f))
	}
	for _, a := range f.CV.AlphaIndex {
		if a >= k {
			return nil, fmt.Errorf("%s: chosen alpha index %d outside the grid of %d values", fitName(f), a, k)
		}
	}
	h := f.CV.AlphaHistogram()
	total := 0
	for _, c := range h {
		total += c
	}
	if total == 0 {
		return nil, fmt.Errorf("%s: no target has a chosen penalty (all %d excluded)", fitName(f), len(f.CV.AlphaIndex))
	}
	order := make([]int, k)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return alphas[order[i]] < alphas[order[j]] })

	// Bars at log10 α when the grid is log-uniform (ticks at whole powers
	// of ten), otherwise at their rank (ticks at the values).
	xs := make([]float64, k)
	for pos := range xs {
		xs[pos] = float64(pos)
	}
	step := 1.0
	logUniform := false
	if k >= 2 {
		l0 := math.Log10(alphas[order[0]])
		d := (math.Log10(alphas[order[k-1]]) - l0) / float64(k-1)
		logUniform = d > 0 && finite(d)
		for _, a := range alphas {
			if !(a > 0) || math.IsInf(a, 0) {
				logUniform = false
			}
		}
		for pos, i := range order {
			if math.Abs(math.Log10(alphas[i])-(l0+float64(pos)*d)) > 1e-6*max(1, d) {
				logUniform = false
			}
		}
		if logUniform {
			for pos, i := range order {
				xs[pos] = math.Log10(alphas[i])
			}
			step = d
		}
	}
	var ticks []plot.Tick
	if logUniform {
		e0, e1 := int(math.Ceil(xs[0]-1e-9)), int(math.Floor(xs[k-1]+1e-9))
		for stride := 1; e1 >= e0; stride++ {
			ticks = ticks[:0]
			var labels []string
			for e := e0; e <= e1; e++ {
				if (e-e0)%stride == 0 {
					l := fmt.Sprintf("1e%d", e)
					ticks = append(ticks, plot.Tick{Value: float64(e), Label: l})
					labels = append(labels, l)
				}
			}
			// tickLabelsFit assumes one slot per label over the axis.
			slots := make([]string, int(math.Ceil((xs[k-1]-xs[0]+step)/float64(stride))))
			copy(slots, labels)
			if tickLabelsFit(slots) {
				break
			}
		}
		if len(ticks) < 2 {
			logUniform, ticks = false, nil
			for pos := range xs {
				xs[pos] = float64(pos)
			}
			step = 1
		}
	}
	rotate := false
	if !logUniform {
		labels := make([]string, k)
		for pos, i := range order {
			labels[pos] = alphaLabel(alphas[i])
		}
		stride := 1
		if !tickLabelsFit(labels) {
			stride = int(math.Ceil(float64(k) / 12))
		}
		var shown []string
		for pos := 0; pos < k; pos += stride {
			ticks = append(ticks, plot.Tick{Value: float64(pos), Label: labels[pos]})
			shown = append(shown, labels[pos])
		}
		rotate = !tickLabelsFit(shown)
	}

	inside, end := colorOf(0), colorOf(3)
	bars := make([]Bar, k)
	cols := make([]color.Color, k)
	var lab plotter.XYs
	var labTxt []string
	maxC := 0
	var countW vg.Length
	csty := textStyle(captionSize, false)
	for pos, i := range order {
		bars[pos] = Bar{X: xs[pos], HalfWidth: 0.4 * step, Score: float64(h[i])}
		cols[pos] = inside
		if k > 1 && (pos == 0 || pos == k-1) {
			cols[pos] = end
		}
		maxC = max(maxC, h[i])
		lab = append(lab, plotter.XY{X: xs[pos], Y: float64(h[i])})
		labTxt = append(labTxt, strconv.Itoa(h[i]))
		countW = max(countW, csty.Width(labTxt[pos]))
	}

	p := newPlot(fmt.Sprintf("%s / %s · %s · chosen ridge penalty", f.Subject, f.Region, f.Layer))
	p.Y.Label.Text = "targets"
	p.Y.Tick.Marker = plot.TickerFunc(func(lo, hi float64) []plot.Tick { return intTicks(lo, hi) })
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.X.Min, p.X.Max = xs[0]-0.6*step, xs[k-1]+0.6*step
	if rotate {
		rotateXTicks(p)
	}
	p.Add(hgrid())
	p.Add(&barPlotter{bars: bars, colors: cols})
	// Counts over the bars when they fit over a bar (about 5 inches of
	// data area).
	if countW <= vg.Points(360)/vg.Length(k) {
		csty.XAlign = draw.XCenter
		tl := &plotter.Labels{XYs: lab, Labels: labTxt, Offset: vg.Point{Y: 2}}
		tl.TextStyle = make([]text.Style, len(labTxt))
		for i := range tl.TextStyle {
			tl.TextStyle[i] = csty
		}
		p.Add(tl)
	}
	p.Y.Min = 0
	p.Y.Max = float64(maxC) * 1.1

	if k > 1 {
		hdr := &header{}
		hdr.items = append(hdr.items, legendItem{patch(inside), "inside the grid"}, legendItem{patch(end), "end of the grid"})
		p.Add(hdr)
	}
	loA, hiA := alphaLabel(alphas[order[0]]), alphaLabel(alphas[order[k-1]])
	loN, hiN := h[order[0]], h[order[k-1]]
	var cap []string
	cap = append(cap, fmt.Sprintf("%d targets. At the smallest α (%s): %s; at the largest α (%s): %s.",
		total, loA, pct(loN, total), hiA, pct(hiN, total)))
	lowEnd := k > 1 && float64(loN) > gridEndShare*float64(total)
	highEnd := k > 1 && float64(hiN) > gridEndShare*float64(total)
	switch {
	case lowEnd && highEnd:
		cap = append(cap, fmt.Sprintf("Optima may lie beyond the grid: extend it below %s and above %s (targets the layer cannot predict also choose the largest α).", loA, hiA))
	case lowEnd:
		cap = append(cap, fmt.Sprintf("Optima may lie below the grid: extend it below %s.", loA))
	case highEnd:
		cap = append(cap, fmt.Sprintf("Optima may lie above the grid: extend it above %s (targets the layer cannot predict also choose the largest α).", hiA))
	case k > 1:
		cap = append(cap, "Few targets at the grid ends: the grid is wide enough.")
	}
	if ex := len(f.CV.AlphaIndex) - total; ex > 0 {
		cap = append(cap, fmt.Sprintf("%s excluded (NaN or infinite values).", plural(ex, "target", "targets")))
	}
	setCaption(p, "ridge penalty α", cap)
	return p, nil
}

// intTicks returns round ticks over [lo, hi] at whole numbers.
func intTicks(lo, hi float64) []plot.Tick {
	var out []plot.Tick
	for _, t := range niceTicks(lo, hi, math.Inf(1), 5) {
		if math.Abs(t.Value-math.Round(t.Value)) < 1e-9 {
			t.Label = strconv.Itoa(int(math.Round(t.Value)))
			out = append(out, t)
		}
	}
	return out
}

// ---------------------------------------------------------------------
// UnitMap

// UnitMap draws the units of an electrophysiology fit at their (x, y)
// coordinates (Geometry.Units, in the units of the source file), each a
// disc coloured by its score (metric m) on Moreland's diverging
// blue–grey–red scale centred on 0 (only its grey–red half when no score
// is negative), with a colour bar; the best units are drawn last, on
// top. Units without a finite score are open grey circles. The caption
// says when z varies (it is not shown). It is an error when the fit has
// no unit coordinates (fMRI voxels: use a brain map).
func UnitMap(f *voxelwise.Fit, m voxelwise.Metric) (*plot.Plot, error) {
	if err := checkFit(f); err != nil {
		return nil, err
	}
	label, err := metricLabel(m)
	if err != nil {
		return nil, err
	}
	g := f.Geometry
	if g == nil || g.Units == nil {
		return nil, fmt.Errorf("%s has no unit coordinates: the unit map needs electrophysiology units with (x, y, z) positions", fitName(f))
	}
	s := f.Score(m)
	if len(g.Units) != len(s) {
		return nil, fmt.Errorf("%s: %d unit positions for %d targets", fitName(f), len(g.Units), len(s))
	}
	type unit struct {
		x, y, v float64
	}
	var good, bad []unit
	zr := newExtent()
	mx, neg := 0.0, false
	for j, u := range g.Units {
		if !finite(u[0]) || !finite(u[1]) {
			continue
		}
		zr.add(u[2])
		if finite(s[j]) {
			good = append(good, unit{u[0], u[1], s[j]})
			mx = max(mx, math.Abs(s[j]))
			neg = neg || s[j] < 0
		} else {
			bad = append(bad, unit{u[0], u[1], math.NaN()})
		}
	}
	if len(good) == 0 {
		return nil, noScore(fmt.Sprintf("%s / %s", f.Subject, f.Region), m)
	}
	sort.SliceStable(good, func(i, j int) bool { return good[i].v < good[j].v })
	if mx == 0 {
		mx = 1
	}
	cmap := moreland.SmoothBlueRed()
	cmap.SetMin(-mx)
	cmap.SetMax(mx)
	lo := 0.0
	if neg {
		lo = -mx
	}
	sc := newScale(cmap, lo, mx, color.Gray{0xA0})

	n := len(good) + len(bad)
	r := vg.Points(4)
	switch {
	case n > 2000:
		r = vg.Points(1.5)
	case n > 500:
		r = vg.Points(2.2)
	case n > 100:
		r = vg.Points(3)
	}
	p := newPlot(fmt.Sprintf("%s / %s · %s · per-unit %s", f.Subject, f.Region, f.Layer, m))
	p.Y.Label.Text = "y"
	p.X.Tick.Marker = niceTicker(math.Inf(1))
	p.Y.Tick.Marker = niceTicker(math.Inf(1))
	if len(bad) > 0 {
		pts := make(plotter.XYs, len(bad))
		for i, u := range bad {
			pts[i] = plotter.XY{X: u.x, Y: u.y}
		}
		p.Add(&plotter.Scatter{XYs: pts, GlyphStyle: draw.GlyphStyle{Color: color.Gray{0x50}, Radius: r, Shape: draw.RingGlyph{}}})
	}
	pts := make(plotter.XYs, len(good))
	cs := make([]color.Color, len(good))
	for i, u := range good {
		pts[i] = plotter.XY{X: u.x, Y: u.y}
		cs[i] = sc.at(u.v)
	}
	us := &unitScatter{pts: pts, colors: cs, r: r}
	p.Add(us)
	p.Add(&tickedBar{s: sc, label: label, ticks: niceTicks(lo, mx, mx, 8)})
	// Air around the outermost units, in data units.
	xr, yr := newExtent(), newExtent()
	for _, u := range append(good, bad...) {
		xr.add(u.x)
		yr.add(u.y)
	}
	padAxis := func(a *plot.Axis, e extent) {
		d := e.hi - e.lo
		if d == 0 {
			d = max(1, math.Abs(e.lo))
		}
		a.Min, a.Max = e.lo-0.05*d, e.hi+0.05*d
	}
	padAxis(&p.X, xr)
	padAxis(&p.Y, yr)

	var cap []string
	c := fmt.Sprintf("%s at their (x, y) positions", plural(n, "unit", "units"))
	if g.Source != "" {
		c += " from " + g.Source
	}
	cap = append(cap, c+".")
	if zr.ok() && zr.hi > zr.lo {
		cap = append(cap, fmt.Sprintf("z (%s to %s) not shown.", fmtNum(zr.lo), fmtNum(zr.hi)))
	}
	if len(bad) > 0 {
		cap = append(cap, fmt.Sprintf("Open circles: %s without a finite score.", plural(len(bad), "unit", "units")))
	}
	if skipped := len(g.Units) - n; skipped > 0 {
		cap = append(cap, fmt.Sprintf("%s without finite coordinates left out.", plural(skipped, "unit", "units")))
	}
	setCaption(p, "x", cap)
	return p, nil
}

// unitScatter draws discs with their own colours and a thin dark rim.
type unitScatter struct {
	pts    plotter.XYs
	colors []color.Color
	r      vg.Length
}

func (u *unitScatter) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	rim := draw.GlyphStyle{Color: color.Gray{0x50}, Radius: u.r + 0.4, Shape: draw.CircleGlyph{}}
	for i, pt := range u.pts {
		at := vg.Point{X: trX(pt.X), Y: trY(pt.Y)}
		c.DrawGlyph(rim, at)
		c.DrawGlyph(draw.GlyphStyle{Color: u.colors[i], Radius: u.r, Shape: draw.CircleGlyph{}}, at)
	}
}

func (u *unitScatter) DataRange() (xmin, xmax, ymin, ymax float64) {
	return plotter.XYRange(u.pts)
}
