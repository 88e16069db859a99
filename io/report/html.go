package report

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"regexp"

	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

var page = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body { font-family: 'Liberation Sans', Arial, Helvetica, sans-serif; color: #202020; max-width: 52em; margin: 2em auto; padding: 0 1em; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
.subtitle { color: #606060; margin-top: 0; }
h2 { font-size: 1.25em; margin-top: 1.8em; border-bottom: 1px solid #ccc; }
h3 { font-size: 1.05em; margin-top: 1.4em; }
p.small, figcaption, caption, .tcaption { font-size: 0.85em; color: #606060; }
figure { margin: 1.2em 0; text-align: center; }
figure img { max-width: 100%; height: auto; }
table { border-collapse: collapse; font-size: 0.8em; margin: 0.5em 0; }
th, td { padding: 0.15em 0.6em; text-align: left; white-space: nowrap; }
thead th { border-bottom: 1px solid #999; }
tbody tr:last-child td { border-bottom: 1px solid #999; }
caption { caption-side: top; text-align: left; font-weight: bold; color: #202020; }
.scroll { overflow-x: auto; }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
{{with .Subtitle}}<p class="subtitle">{{.}}</p>{{end}}
{{range .Blocks}}{{.}}
{{end}}</body>
</html>
`))

var (
	headingT = template.Must(template.New("h").Parse(`{{if eq .Level 1}}<h2>{{.Text}}</h2>{{else}}<h3>{{.Text}}</h3>{{end}}`))
	paraT    = template.Must(template.New("p").Parse(`<p{{if .Small}} class="small"{{end}}>{{.Text}}</p>`))
	figureT  = template.Must(template.New("f").Parse(`<figure id="{{.Name}}"><img alt="{{.Name}}" width="{{.W}}" height="{{.H}}" src="{{.Src}}">{{with .Caption}}<figcaption>{{.}}</figcaption>{{end}}</figure>`))
	tableT   = template.Must(template.New("t").Parse(`<div class="scroll"><table>{{with .Title}}<caption>{{.}}</caption>{{end}}
<thead><tr>{{range .Header}}<th>{{.}}</th>{{end}}</tr></thead>
<tbody>{{range .Rows}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{end}}</tbody></table></div>{{with .Caption}}<p class="tcaption">{{.}}</p>{{end}}`))
)

var svgFamily = regexp.MustCompile(`font-family:"?Liberation (Sans|Serif|Mono)"?;`)

// svgOf draws a figure as SVG, naming after the Liberation fonts the
// fonts they are metric-compatible with (as io/export does).
func svgOf(f *Figure) ([]byte, error) {
	w, h := f.size()
	c := vgsvg.New(w, h)
	f.Plot.Draw(draw.New(c))
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, err
	}
	return svgFamily.ReplaceAllFunc(buf.Bytes(), func(m []byte) []byte {
		switch {
		case bytes.Contains(m, []byte("Serif")):
			return []byte(`font-family:'Liberation Serif','Times New Roman',Times,serif;`)
		case bytes.Contains(m, []byte("Mono")):
			return []byte(`font-family:'Liberation Mono','Courier New',Courier,monospace;`)
		}
		return []byte(`font-family:'Liberation Sans',Arial,Helvetica,sans-serif;`)
	}), nil
}

// WriteHTML writes d as one self-contained HTML page: the same text,
// figures (SVG, embedded as data URIs) and tables as WritePDF.
func WriteHTML(out io.Writer, d *Document) error {
	var blocks []template.HTML
	for _, b := range d.Blocks {
		var buf bytes.Buffer
		var err error
		switch b := b.(type) {
		case *Heading:
			err = headingT.Execute(&buf, b)
		case *Paragraph:
			err = paraT.Execute(&buf, b)
		case *Figure:
			if b.Plot == nil {
				continue
			}
			svg, e := svgOf(b)
			if e != nil {
				return fmt.Errorf("figure %s: %w", b.Name, e)
			}
			w, h := b.size()
			err = figureT.Execute(&buf, struct {
				Name, Caption string
				W, H          int
				Src           template.URL
			}{b.Name, b.Caption, int(w.Points() * 96 / 72), int(h.Points() * 96 / 72),
				template.URL("data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString(svg))})
		case *Table:
			err = tableT.Execute(&buf, b)
		}
		if err != nil {
			return err
		}
		blocks = append(blocks, template.HTML(buf.String()))
	}
	return page.Execute(out, struct {
		Title, Subtitle string
		Blocks          []template.HTML
	}{d.Title, d.Subtitle, blocks})
}
