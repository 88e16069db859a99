package export

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"io"
	"path/filepath"
	"regexp"
	"strings"

	stdfont "golang.org/x/image/font"
	"golang.org/x/text/encoding/charmap"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgpdf"
	"gonum.org/v1/plot/vg/vgsvg"
)

// PNGDPI is the resolution of PNG figures written by SavePlot.
const PNGDPI = 150

// ScreenDPI is the resolution RenderPNG draws at: 1 pt = 96/72 px, so
// fonts have their nominal size on a standard display.
const ScreenDPI = 96

// PlotFormats are the file extensions SavePlot writes.
var PlotFormats = []string{".png", ".svg", ".pdf"}

// SavePlot writes p at width × height to path, atomically, in the format
// of the path's extension: .png (at PNGDPI), .svg or .pdf (vector). PDF
// files embed their fonts. SVG files keep text as text (editable in
// Illustrator or Inkscape) and name, after the Liberation fonts, the
// fonts they are metric-compatible with (Arial/Helvetica, Times New
// Roman, Courier New), so text keeps its measured width on systems
// without Liberation; embedding the fonts instead would add about
// 0.5 MB per typeface.
func SavePlot(p *plot.Plot, path string, width, height vg.Length) error {
	return SavePlotDPI(p, path, width, height, PNGDPI)
}

// SavePlotDPI is SavePlot with the PNG resolution in dots per inch
// (ignored for vector formats).
func SavePlotDPI(p *plot.Plot, path string, width, height vg.Length, dpi int) error {
	if p == nil {
		return errors.New("no figure to save")
	}
	if width <= 0 || height <= 0 {
		return fmt.Errorf("write %s: figure size %v × %v must be positive", path, width, height)
	}
	ext := strings.ToLower(filepath.Ext(path))
	var wt io.WriterTo
	switch ext {
	case ".png":
		if dpi <= 0 {
			return fmt.Errorf("write %s: resolution %d dpi must be positive", path, dpi)
		}
		c := vgimg.NewWith(vgimg.UseWH(width, height), vgimg.UseDPI(dpi))
		p.Draw(draw.New(c))
		wt = vgimg.PngCanvas{Canvas: c}
	case ".svg":
		c := vgsvg.New(width, height)
		p.Draw(draw.New(c))
		var buf bytes.Buffer
		if _, err := c.WriteTo(&buf); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		wt = bytes.NewReader(svgFontFallbacks(buf.Bytes()))
	case ".pdf":
		c := vgpdf.New(width, height)
		c.EmbedFonts(true)
		p.Draw(draw.New(PDFCanvas{c}))
		wt = c
	default:
		return fmt.Errorf("write %s: unknown figure format %q (use %s)", path, ext, strings.Join(PlotFormats, ", "))
	}
	return atomicWrite(path, func(w io.Writer) error {
		_, err := wt.WriteTo(w)
		return err
	})
}

var svgFamily = regexp.MustCompile(`font-family:"?Liberation (Sans|Serif|Mono)"?;`)

// svgFontFallbacks adds, to the font-family declarations vgsvg writes for
// the Liberation fonts, the fonts they are metric-compatible with.
func svgFontFallbacks(b []byte) []byte {
	return svgFamily.ReplaceAllFunc(b, func(m []byte) []byte {
		switch {
		case bytes.Contains(m, []byte("Serif")):
			return []byte(`font-family:'Liberation Serif','Times New Roman',Times,serif;`)
		case bytes.Contains(m, []byte("Mono")):
			return []byte(`font-family:'Liberation Mono','Courier New',Courier,monospace;`)
		}
		return []byte(`font-family:'Liberation Sans',Arial,Helvetica,sans-serif;`)
	})
}

// PDFCanvas works around two limits of vgpdf (gonum/plot v0.17):
//
//   - it declares Windows-1252 for its fonts but writes strings' UTF-8
//     bytes as they are, so anything beyond ASCII came out garbled: text
//     is passed in Windows-1252, characters outside it get an ASCII
//     stand-in (−→-, ≤→<=, ≥→>=, ●→•, ○→o) or "?";
//   - it registers every font with an empty style but selects bold and
//     italic faces with style "B"/"I", which fails ("undefined font"):
//     bold and italic faces are passed as regular faces of their own
//     family name (the font data stay the bold or italic ones).
type PDFCanvas struct{ *vgpdf.Canvas }

// FillString draws s in Windows-1252 with a regular-styled face (see the
// type's documentation).
func (c PDFCanvas) FillString(f font.Face, pt vg.Point, s string) {
	if f.Font.Weight != stdfont.WeightNormal {
		f.Font.Variant += font.Variant(fmt.Sprintf("W%d", f.Font.Weight))
		f.Font.Weight = stdfont.WeightNormal
	}
	if f.Font.Style != stdfont.StyleNormal {
		f.Font.Variant += font.Variant(fmt.Sprintf("S%d", f.Font.Style))
		f.Font.Style = stdfont.StyleNormal
	}
	c.Canvas.FillString(f, pt, toCP1252(s))
}

var cp1252Fallback = map[rune]string{
	'−': "-", '≤': "<=", '≥': ">=", '●': "\u2022", '○': "o", '×': "x", '∞': "inf",
	'α': "alpha", 'ρ': "rho", 'τ': "tau", '★': "*", '…': "...", '⁶': "6", '⁴': "4", '³': "3", '²': "2",
}

// toCP1252 returns s encoded in Windows-1252, one byte per character.
func toCP1252(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if r < 0x80 {
			b.WriteRune(r)
			continue
		}
		if c, ok := charmap.Windows1252.EncodeRune(r); ok {
			b.WriteByte(c)
			continue
		}
		if alt, ok := cp1252Fallback[r]; ok {
			for _, ar := range alt {
				if c, ok := charmap.Windows1252.EncodeRune(ar); ok {
					b.WriteByte(c)
				}
			}
			continue
		}
		b.WriteByte('?')
	}
	return b.String()
}

// RenderPNG draws p into a wPx × hPx image at ScreenDPI, for display.
// Use DataRect with the same size to map the image's pixels to data
// coordinates.
func RenderPNG(p *plot.Plot, wPx, hPx int) (image.Image, error) {
	img, _, err := Render(p, wPx, hPx)
	return img, err
}

// Render draws p into a wPx × hPx image at ScreenDPI and returns it with
// the frame of its data area. Drawing a plot updates its axis ranges
// (gonum/plot sanitises them), so one plot must not be rendered or saved
// from two goroutines at once.
func Render(p *plot.Plot, wPx, hPx int) (image.Image, Frame, error) {
	if p == nil {
		return nil, Frame{}, errors.New("no figure to render")
	}
	if wPx <= 0 || hPx <= 0 {
		return nil, Frame{}, fmt.Errorf("image size %d × %d must be positive", wPx, hPx)
	}
	w, h := pxToLength(wPx), pxToLength(hPx)
	c := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(ScreenDPI))
	p.Draw(draw.New(c))
	img := c.Image()
	f, err := DataRect(p, img.Bounds().Dx(), img.Bounds().Dy())
	return img, f, err
}

// pxToLength is the length of n pixels at ScreenDPI.
func pxToLength(n int) vg.Length { return vg.Length(n) * vg.Inch / ScreenDPI }

// Frame relates the pixels of a rendered plot image to the plot's data
// coordinates. Pixel coordinates are continuous with the origin at the
// top-left corner of the image and y pointing down: pixel (i, j) covers
// [i, i+1) × [j, j+1), its centre is (i+0.5, j+0.5).
type Frame struct {
	// Left, Top, Right and Bottom bound the data area in pixels.
	Left, Top, Right, Bottom float64
	// XMin, XMax, YMin and YMax are the data ranges of the axes: XMin is
	// at Left, YMax at Top.
	XMin, XMax, YMin, YMax float64
}

// DataRect returns the frame of p's data area in a wPx × hPx rendering at
// ScreenDPI (as RenderPNG draws it). It must be called on the plot as
// rendered (after any change to the plot, render again); both axes must
// have linear scales.
func DataRect(p *plot.Plot, wPx, hPx int) (Frame, error) {
	if p == nil {
		return Frame{}, errors.New("no figure")
	}
	if wPx <= 0 || hPx <= 0 {
		return Frame{}, fmt.Errorf("image size %d × %d must be positive", wPx, hPx)
	}
	for _, a := range []plot.Axis{p.X, p.Y} {
		if _, ok := a.Scale.(plot.LinearScale); !ok {
			return Frame{}, fmt.Errorf("pixel mapping needs linear axes, the plot has a %T", a.Scale)
		}
	}
	w, h := pxToLength(wPx), pxToLength(hPx)
	// DataCanvas needs only the rectangle and font metrics: no drawing.
	da := p.DataCanvas(draw.Canvas{Rectangle: vg.Rectangle{Max: vg.Point{X: w, Y: h}}})
	s := float64(ScreenDPI) / float64(vg.Inch)
	return Frame{
		Left:   float64(da.Min.X) * s,
		Right:  float64(da.Max.X) * s,
		Top:    float64(h-da.Max.Y) * s,
		Bottom: float64(h-da.Min.Y) * s,
		XMin:   p.X.Min, XMax: p.X.Max, YMin: p.Y.Min, YMax: p.Y.Max,
	}, nil
}

// Contains reports whether the pixel point (px, py) is inside the data
// area.
func (f Frame) Contains(px, py float64) bool {
	return px >= f.Left && px <= f.Right && py >= f.Top && py <= f.Bottom
}

// PixelToData maps a pixel point to data coordinates.
func (f Frame) PixelToData(px, py float64) (x, y float64) {
	x = f.XMin + (px-f.Left)/(f.Right-f.Left)*(f.XMax-f.XMin)
	y = f.YMin + (f.Bottom-py)/(f.Bottom-f.Top)*(f.YMax-f.YMin)
	return x, y
}

// DataToPixel maps data coordinates to a pixel point.
func (f Frame) DataToPixel(x, y float64) (px, py float64) {
	px = f.Left + (x-f.XMin)/(f.XMax-f.XMin)*(f.Right-f.Left)
	py = f.Bottom - (y-f.YMin)/(f.YMax-f.YMin)*(f.Bottom-f.Top)
	return px, py
}

// Scale returns the frame of the same rendering shown at a different
// size (e.g. an image of wPx × hPx pixels displayed in a widget of
// width × height): every pixel coordinate is multiplied by width/wPx and
// height/hPx.
func (f Frame) Scale(sx, sy float64) Frame {
	f.Left *= sx
	f.Right *= sx
	f.Top *= sy
	f.Bottom *= sy
	return f
}
