package figure

import (
	"image/color"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	stdfont "golang.org/x/image/font"
)

// OkabeIto is the colour-blind-safe qualitative palette of Okabe & Ito
// (2008), ordered for lines and bars on white: blue, orange, bluish green,
// vermillion, reddish purple, sky blue, yellow, black. Models (comparison
// chart) and regions (layer profile) take their colours from it in order,
// cycling after eight.
var OkabeIto = []color.Color{
	color.RGBA{0x00, 0x72, 0xB2, 0xff},
	color.RGBA{0xE6, 0x9F, 0x00, 0xff},
	color.RGBA{0x00, 0x9E, 0x73, 0xff},
	color.RGBA{0xD5, 0x5E, 0x00, 0xff},
	color.RGBA{0xCC, 0x79, 0xA7, 0xff},
	color.RGBA{0x56, 0xB4, 0xE9, 0xff},
	color.RGBA{0xF0, 0xE4, 0x42, 0xff},
	color.RGBA{0x00, 0x00, 0x00, 0xff},
}

// colorOf returns the i-th palette colour.
func colorOf(i int) color.Color { return OkabeIto[i%len(OkabeIto)] }

// withAlpha returns c with opacity a ∈ [0, 1] (premultiplied).
func withAlpha(c color.Color, a float64) color.Color {
	r, g, b, _ := c.RGBA()
	return color.RGBA64{
		R: uint16(float64(r) * a), G: uint16(float64(g) * a), B: uint16(float64(b) * a),
		A: uint16(0xffff * a),
	}
}

// luminance is the relative luminance (sRGB, ITU-R BT.709 weights on
// gamma-encoded values, good enough to choose black or white text).
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	return (0.2126*float64(r) + 0.7152*float64(g) + 0.0722*float64(b)) / 0xffff
}

var (
	sansFont = font.Font{Typeface: "Liberation", Variant: "Sans"}
	boldFont = font.Font{Typeface: "Liberation", Variant: "Sans", Weight: stdfont.WeightBold}

	ink      = color.Gray{0x20}
	gridGrey = color.Gray{0xE4}
	// ceilingGrey fills the noise-ceiling band (drawn over the bars).
	ceilingGrey = withAlpha(color.Gray{0x70}, 0.38)
)

// Font sizes in points, chosen to stay readable when a 6 × 4 inch figure
// is shrunk to one journal column.
const (
	titleSize   = 11
	labelSize   = 10
	tickSize    = 9
	captionSize = 8.5
	legendSize  = 9
)

// textStyle returns a plain-text style of the figure font.
func textStyle(size vg.Length, bold bool) text.Style {
	f := sansFont
	if bold {
		f = boldFont
	}
	return text.Style{
		Color:   ink,
		Font:    font.From(f, size),
		XAlign:  draw.XLeft,
		YAlign:  draw.YBottom,
		Handler: plot.DefaultTextHandler,
	}
}

// newPlot returns a plot with the house style: sans-serif fonts, thin
// dark axes, no top or right spines (gonum draws none).
func newPlot(title string) *plot.Plot {
	p := plot.New()
	p.Title.Text = wrapTitle(title, 46)
	p.Title.TextStyle.Font = font.From(boldFont, titleSize)
	p.Title.TextStyle.Color = ink
	p.Title.Padding = vg.Points(6)
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = font.From(sansFont, labelSize)
		a.Label.TextStyle.Color = ink
		a.Label.Padding = vg.Points(4)
		a.Tick.Label.Font = font.From(sansFont, tickSize)
		a.Tick.Label.Color = ink
		a.Tick.Color = ink
		a.Tick.Length = vg.Points(3)
		a.Tick.Width = vg.Points(0.6)
		a.Color = ink
		a.Width = vg.Points(0.8)
	}
	p.Legend.TextStyle.Font = font.From(sansFont, legendSize)
	return p
}

// hgrid returns light horizontal grid lines at the y ticks.
func hgrid() *plotter.Grid {
	g := plotter.NewGrid()
	g.Vertical.Color = nil
	g.Horizontal = draw.LineStyle{Color: gridGrey, Width: vg.Points(0.6)}
	return g
}

// finite reports whether v is neither NaN nor infinite.
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// extent tracks a finite range.
type extent struct{ lo, hi float64 }

func newExtent() extent { return extent{math.Inf(1), math.Inf(-1)} }

func (e *extent) add(v ...float64) {
	for _, x := range v {
		if finite(x) {
			e.lo, e.hi = min(e.lo, x), max(e.hi, x)
		}
	}
}

func (e extent) ok() bool { return e.lo <= e.hi }

// tickLabelsFit decides whether labels set horizontally under n slots
// would collide, assuming a data area of about 5 inches.
func tickLabelsFit(labels []string) bool {
	sty := textStyle(tickSize, false)
	if len(labels) == 0 {
		return true
	}
	slot := vg.Points(360) / vg.Length(len(labels))
	for _, l := range labels {
		if sty.Width(l) > slot*0.9 {
			return false
		}
	}
	return true
}

// rotateXTicks sets the x tick labels at 45°, right-aligned under their
// tick.
func rotateXTicks(p *plot.Plot) {
	p.X.Tick.Label.Rotation = math.Pi / 4
	p.X.Tick.Label.XAlign = draw.XRight
	p.X.Tick.Label.YAlign = draw.YCenter
	// The label's anchor sits a descent above the end of the tick mark:
	// a longer tick keeps the rotated label's corner off the axis line.
	p.X.Tick.Length = vg.Points(5)
}

// fmtP formats a significance level such as 0.05 compactly.
func fmtP(a float64) string { return strconv.FormatFloat(a, 'f', -1, 64) }

// niceTicks returns major ticks at a round step (1, 2, 2.5 or 5 × 10^k)
// giving about n intervals over [lo, hi], none above top.
func niceTicks(lo, hi, top float64, n int) []plot.Tick {
	if !(hi > lo) || n < 1 {
		return nil
	}
	raw := (hi - lo) / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := 10 * mag
	for _, f := range []float64{1, 2, 2.5, 5, 10} {
		if f*mag >= raw*0.999 {
			step = f * mag
			break
		}
	}
	// Decimals needed to print multiples of step exactly.
	dec := 0
	for s := step; dec < 10 && math.Abs(s-math.Round(s)) > 1e-9*max(1, math.Abs(s)); s *= 10 {
		dec++
	}
	var out []plot.Tick
	for v := math.Ceil(lo/step-1e-9) * step; v <= hi+1e-9*step; v += step {
		if v > top+1e-9*step {
			break
		}
		if math.Abs(v) < 1e-12*step {
			v = 0
		}
		out = append(out, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', dec, 64)})
	}
	return out
}

// niceTicker is a plot.Ticker of niceTicks with about 6 intervals.
func niceTicker(top float64) plot.Ticker {
	return plot.TickerFunc(func(lo, hi float64) []plot.Tick { return niceTicks(lo, hi, top, 6) })
}

// wrapTitle breaks a title made of " · "-separated parts into lines of
// at most width runes where it can.
func wrapTitle(t string, width int) string {
	if len([]rune(t)) <= width {
		return t
	}
	parts := strings.Split(t, " · ")
	var lines []string
	cur := ""
	for _, part := range parts {
		if cur != "" && len([]rune(cur))+3+len([]rune(part)) > width {
			lines = append(lines, cur)
			cur = ""
		}
		if cur != "" {
			cur += " · "
		}
		cur += part
	}
	return strings.Join(append(lines, cur), "\n")
}
