package report

import (
	"bytes"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/vgimg"
)

// pngPages lays a report out on images, one per page, to look at it.
type pngPages struct {
	*vgimg.Canvas
	pages []*vgimg.Canvas
}

func newPNGPages() *pngPages {
	c := vgimg.NewWith(vgimg.UseWH(pageW, pageH), vgimg.UseDPI(60))
	return &pngPages{Canvas: c, pages: []*vgimg.Canvas{c}}
}

func (p *pngPages) NextPage() {
	c := vgimg.NewWith(vgimg.UseWH(pageW, pageH), vgimg.UseDPI(60))
	p.Canvas = c
	p.pages = append(p.pages, c)
}

func testDoc() *Document {
	pl := plot.New()
	pl.Title.Text = "A line − with a minus"
	pts := plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 1}, {X: 2, Y: 0.5}}
	l, _ := plotter.NewLine(pts)
	pl.Add(l)
	t := &Table{Title: "Scores", Header: []string{"model", "layer", "score", "95% CI"}, Caption: "A long table that breaks across pages."}
	for i := 0; i < 120; i++ {
		t.Rows = append(t.Rows, []string{"gabornet", fmt.Sprintf("layer %d", i), fmt.Sprintf("%.3f", float64(i)/120), "[0.1, 0.2]"})
	}
	long := strings.Repeat("Representational similarity analysis compares the geometry of two representations. ", 12)
	return &Document{Title: "Demo project", Subtitle: "Report written by a test",
		Blocks: []Block{
			&Heading{Level: 1, Text: "Summary"},
			&Paragraph{Text: long},
			&Paragraph{Text: "A small note with ≥ and × and τ.", Small: true},
			&Heading{Level: 2, Text: "Figures"},
			&Figure{Name: "line", Caption: "A line.", Plot: pl},
			&Figure{Name: "wide", Plot: pl, Width: 40 * 28.35, Height: 20 * 28.35},
			t,
			&Paragraph{Text: "<b>not bold</b> & escaped"},
		}}
}

func TestPDFAndHTML(t *testing.T) {
	d := testDoc()
	var pdf bytes.Buffer
	if err := WritePDF(&pdf, d); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf.Bytes(), []byte("%PDF-")) {
		t.Fatal("not a PDF")
	}
	pages := len(regexp.MustCompile(`/Type /Page\b`).FindAll(pdf.Bytes(), -1))
	// the same layout on images: as many pages
	pp := newPNGPages()
	layout(pp, testDoc())
	if pages != len(pp.pages) || pages < 3 {
		t.Errorf("%d PDF pages, %d laid out; want ≥ 3 (the table breaks)", pages, len(pp.pages))
	}
	if dir := os.Getenv("ALIGNSCOPE_REPORT_PREVIEW"); dir != "" {
		for i, c := range pp.pages {
			f, _ := os.Create(filepath.Join(dir, fmt.Sprintf("page-%d.png", i+1)))
			png.Encode(f, c.Image())
			f.Close()
		}
	}
	var html bytes.Buffer
	if err := WriteHTML(&html, d); err != nil {
		t.Fatal(err)
	}
	h := html.String()
	for _, want := range []string{"<h1>Demo project</h1>", "<h2>Summary</h2>", "<h3>Figures</h3>", `<figure id="line">`,
		"data:image/svg", "<td>layer 119</td>", "&lt;b&gt;not bold&lt;/b&gt; &amp; escaped", "≥ and × and τ"} {
		if !strings.Contains(h, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	if strings.Count(h, "<figure") != 2 {
		t.Errorf("%d figures in the HTML", strings.Count(h, "<figure"))
	}
}
