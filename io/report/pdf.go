package report

import (
	"fmt"
	"github.com/alignscope/alignscope/io/export"
	"image/color"
	"io"
	"strings"

	stdfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgpdf"
)

// Page geometry of the PDF: A4 portrait with 2 cm margins.
const (
	pageW  = 210 * vg.Millimeter
	pageH  = 297 * vg.Millimeter
	margin = 20 * vg.Millimeter
)

var (
	sans = font.Font{Typeface: "Liberation", Variant: "Sans"}
	bold = font.Font{Typeface: "Liberation", Variant: "Sans", Weight: stdfont.WeightBold}
	ink  = color.Gray{0x20}
	grey = color.Gray{0x60}
	rule = color.Gray{0xb0}
)

func face(f font.Font, size vg.Length) font.Face {
	return plot.DefaultTextHandler.Cache().Lookup(f, size)
}

// pdfWriter lays blocks out top to bottom, starting a page when the next
// line or figure does not fit.
type pdfWriter struct {
	c    pager
	dc   draw.Canvas
	y    vg.Length // top of the free space, from the page bottom
	page int
}

func (w *pdfWriter) newPage() {
	w.c.NextPage()
	w.page++
	w.y = pageH - margin
	// page number
	f := face(sans, 8)
	s := fmt.Sprint(w.page)
	w.text(f, grey, pageW/2-f.Width(s)/2, margin/2, s)
}

// need starts a new page unless h fits above the bottom margin.
func (w *pdfWriter) need(h vg.Length) {
	if w.y-h < margin {
		w.newPage()
	}
}

func (w *pdfWriter) text(f font.Face, c color.Color, x, baseline vg.Length, s string) {
	w.dc.SetColor(c)
	w.dc.FillString(f, vg.Point{X: x, Y: baseline}, s)
}

// wrapText breaks s into lines no wider than width in face f.
func wrapText(f font.Face, s string, width vg.Length) []string {
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		line := ""
		for _, word := range strings.Fields(para) {
			try := word
			if line != "" {
				try = line + " " + word
			}
			if line != "" && f.Width(try) > width {
				lines = append(lines, line)
				line = word
				continue
			}
			line = try
		}
		lines = append(lines, line)
	}
	return lines
}

func (w *pdfWriter) lines(f font.Face, c color.Color, x vg.Length, width vg.Length, s string, lead float64) {
	e := f.Extents()
	h := vg.Length(lead) * f.Font.Size
	for _, l := range wrapText(f, s, width) {
		w.need(h)
		w.text(f, c, x, w.y-e.Ascent, l)
		w.y -= h
	}
}

func (w *pdfWriter) heading(h *Heading) {
	size := vg.Length(14)
	if h.Level > 1 {
		size = 11.5
	}
	f := face(bold, size)
	w.need(3 * size) // keep a heading with what follows
	w.y -= size * 0.6
	w.lines(f, ink, margin, pageW-2*margin, h.Text, 1.3)
	w.y -= size * 0.3
}

func (w *pdfWriter) paragraph(p *Paragraph) {
	size := vg.Length(9.5)
	c := color.Color(ink)
	if p.Small {
		size, c = 8, grey
	}
	w.lines(face(sans, size), c, margin, pageW-2*margin, p.Text, 1.4)
	w.y -= size * 0.6
}

func (w *pdfWriter) figure(f *Figure) {
	if f.Plot == nil {
		return
	}
	fw, fh := f.size()
	if avail := pageW - 2*margin; fw > avail {
		fh = fh * avail / fw
		fw = avail
	}
	capFace := face(sans, 8)
	capLines := 0
	if f.Caption != "" {
		capLines = len(wrapText(capFace, f.Caption, fw))
	}
	w.need(fh + vg.Length(capLines)*8*1.35 + 6)
	x0 := margin + (pageW-2*margin-fw)/2
	sub := draw.Canvas{Canvas: w.dc.Canvas, Rectangle: vg.Rectangle{
		Min: vg.Point{X: x0, Y: w.y - fh}, Max: vg.Point{X: x0 + fw, Y: w.y}}}
	f.Plot.Draw(sub)
	w.y -= fh + 4
	if f.Caption != "" {
		w.lines(capFace, grey, x0, fw, f.Caption, 1.35)
	}
	w.y -= 8
}

// tableLayout chooses a font size (shrinking from 8 to 5.5 pt) at which
// the columns fit the width, and the column widths.
func tableLayout(t *Table, width vg.Length) (vg.Length, []vg.Length) {
	pad := vg.Length(4)
	ncol := len(t.Header)
	for _, r := range t.Rows {
		ncol = max(ncol, len(r))
	}
	var widths []vg.Length
	var size vg.Length
	for size = 8; size >= 5.5; size -= 0.5 {
		widths = make([]vg.Length, ncol)
		fb, f := face(bold, size), face(sans, size)
		for j, h := range t.Header {
			widths[j] = fb.Width(h) + pad
		}
		for _, r := range t.Rows {
			for j, cell := range r {
				widths[j] = max(widths[j], f.Width(cell)+pad)
			}
		}
		total := vg.Length(0)
		for _, x := range widths {
			total += x
		}
		if total <= width {
			return size, widths
		}
	}
	// still too wide: share the width in proportion, cells are clipped
	total := vg.Length(0)
	for _, x := range widths {
		total += x
	}
	for j := range widths {
		widths[j] = widths[j] * width / total
	}
	return 5.5, widths
}

// clip shortens s with "..." to fit width.
func clip(f font.Face, s string, width vg.Length) string {
	if f.Width(s) <= width {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && f.Width(string(r)+"...") > width {
		r = r[:len(r)-1]
	}
	return string(r) + "..."
}

func (w *pdfWriter) table(t *Table) {
	if t.Title != "" {
		w.need(40)
		w.lines(face(bold, 9.5), ink, margin, pageW-2*margin, t.Title, 1.4)
	}
	size, widths := tableLayout(t, pageW-2*margin)
	f, fb := face(sans, size), face(bold, size)
	rowH := size * 1.45
	row := func(cells []string, fc font.Face) {
		x := margin
		for j, cell := range cells {
			if j < len(widths) {
				w.text(fc, ink, x, w.y-fc.Extents().Ascent-1, clip(fc, cell, widths[j]-2))
				x += widths[j]
			}
		}
		w.y -= rowH
	}
	total := vg.Length(0)
	for _, x := range widths {
		total += x
	}
	hline := func() {
		w.dc.SetColor(rule)
		w.dc.SetLineWidth(0.5)
		var p vg.Path
		p.Move(vg.Point{X: margin, Y: w.y + 1})
		p.Line(vg.Point{X: margin + total, Y: w.y + 1})
		w.dc.Stroke(p)
	}
	header := func() {
		row(t.Header, fb)
		hline()
	}
	w.need(3 * rowH)
	header()
	for _, r := range t.Rows {
		if w.y-rowH < margin {
			w.newPage()
			header()
		}
		row(r, f)
	}
	hline()
	w.y -= 4
	if t.Caption != "" {
		w.lines(face(sans, 8), grey, margin, pageW-2*margin, t.Caption, 1.35)
	}
	w.y -= 8
}

// firstHeight is the height that must follow a heading on its page: a
// figure, or the first lines of text or rows.
func firstHeight(b Block) vg.Length {
	switch b := b.(type) {
	case *Figure:
		fw, fh := b.size()
		if avail := pageW - 2*margin; fw > avail {
			fh = fh * avail / fw
		}
		return fh
	case *Table:
		return 50
	}
	return 40
}

// pager is a canvas of several pages (vgpdf.Canvas).
type pager interface {
	vg.CanvasSizer
	NextPage()
}

// WritePDF writes d as an A4 PDF: figures as vector graphics with their
// fonts embedded, text in Liberation Sans.
func WritePDF(out io.Writer, d *Document) error {
	c := vgpdf.New(pageW, pageH)
	c.EmbedFonts(true)
	layout(export.PDFCanvas{Canvas: c}, d)
	_, err := c.WriteTo(out)
	return err
}

// layout draws d on c, page after page.
func layout(c pager, d *Document) {
	c.SetLineWidth(0.5)
	w := &pdfWriter{c: c, dc: draw.New(c), y: pageH - margin, page: 1}
	// vgpdf starts on page 1
	f := face(sans, 8)
	w.text(f, grey, pageW/2-f.Width("1")/2, margin/2, "1")
	w.lines(face(bold, 18), ink, margin, pageW-2*margin, d.Title, 1.3)
	if d.Subtitle != "" {
		w.lines(face(sans, 9.5), grey, margin, pageW-2*margin, d.Subtitle, 1.4)
	}
	w.y -= 10
	for i, b := range d.Blocks {
		switch b := b.(type) {
		case *Heading:
			// keep a heading on the page of what follows it
			next := vg.Length(0)
			if i+1 < len(d.Blocks) {
				next = firstHeight(d.Blocks[i+1])
			}
			w.need(next + 30)
			w.heading(b)
		case *Paragraph:
			w.paragraph(b)
		case *Figure:
			w.figure(b)
		case *Table:
			w.table(b)
		}
	}
}
