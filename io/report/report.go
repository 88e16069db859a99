package report

import (
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// Document is a report: a title and a sequence of blocks, written the
// same way as PDF (WritePDF) and HTML (WriteHTML).
type Document struct {
	Title    string
	Subtitle string
	Blocks   []Block
}

// Block is one element of a report: *Heading, *Paragraph, *Figure or
// *Table.
type Block interface{ block() }

// Heading starts a section (Level 1) or a subsection (Level 2).
type Heading struct {
	Level int
	Text  string
}

// Paragraph is running text, wrapped to the page.
type Paragraph struct {
	Text string
	// Small sets the paragraph in the caption size (notes, file lists).
	Small bool
}

// Figure is a gonum plot drawn at Width × Height (zero: 16 × 10 cm,
// shrunk to the page width when wider) with an optional caption.
type Figure struct {
	// Name is a file-name stem ("rsa-comparison-IT"), used as the HTML
	// anchor.
	Name    string
	Caption string
	Plot    *plot.Plot
	Width   vg.Length
	Height  vg.Length
}

// Table is a table of text with a header row and an optional caption.
type Table struct {
	Title   string
	Header  []string
	Rows    [][]string
	Caption string
}

func (*Heading) block()   {}
func (*Paragraph) block() {}
func (*Figure) block()    {}
func (*Table) block()     {}

// DefaultWidth and DefaultHeight are the size of a figure that gives
// none: the export dialog's default.
const (
	DefaultWidth  = 16 * vg.Centimeter
	DefaultHeight = 10 * vg.Centimeter
)

func (f *Figure) size() (vg.Length, vg.Length) {
	w, h := f.Width, f.Height
	if w <= 0 || h <= 0 {
		w, h = DefaultWidth, DefaultHeight
	}
	return w, h
}
