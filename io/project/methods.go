package project

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/io/npy"
	"github.com/alignscope/alignscope/io/report"
)

// MethodsParagraph is the methods text of one analysis (empty for a kind
// without one).
func MethodsParagraph(a *Analysis, software string) string {
	k := KindOf(a.Kind)
	if k == nil || k.Methods == nil {
		return ""
	}
	return k.Methods(a.Spec, a.Result, software)
}

// Methods returns the methods text of the analyses: one paragraph per
// analysis, in the words a paper's methods section uses, separated by
// blank lines.
func Methods(as []*Analysis, software string) string {
	var paras []string
	for _, a := range as {
		if p := MethodsParagraph(a, software); p != "" {
			paras = append(paras, p)
		}
	}
	return strings.Join(paras, "\n\n") + "\n"
}

// WriteMethods writes the methods text to file, atomically.
func WriteMethods(file string, as []*Analysis, software string) error {
	return writeAtomic(osFS{}, file, func(w io.Writer) error {
		_, err := io.WriteString(w, Methods(as, software))
		return err
	})
}

// Summary is one line naming an analysis.
func (a *Analysis) Summary() string {
	if k := KindOf(a.Kind); k != nil && k.Summary != nil {
		return k.Summary(a.Spec)
	}
	return a.Kind
}

// FigureFunc returns the figures of an analysis's result for a report.
// The figure builders live above the io layer (ui/figure), so the caller
// supplies them.
type FigureFunc func(a *Analysis) ([]*report.Figure, error)

// ReportOptions configure BuildReport.
type ReportOptions struct {
	Software string
	Now      time.Time
	// Figures gives each analysis's figures (nil: none).
	Figures FigureFunc
	// Sources are the sources with their checksums (nil: measured now).
	Sources []SourceRecord
}

// BuildReport lays out a project's report: a summary of the data and
// sources, then per analysis its settings, methods paragraph, figures and
// tables. Analyses without a result say so.
func BuildReport(st *State, opt ReportOptions) (*report.Document, error) {
	p := st.Project
	now := opt.Now
	if now.IsZero() {
		now = time.Now()
	}
	d := &report.Document{Title: p.Name,
		Subtitle: fmt.Sprintf("Report written by %s on %s", orDefault(opt.Software, "Alignscope"), now.Format("2 January 2006, 15:04"))}
	add := func(b report.Block) { d.Blocks = append(d.Blocks, b) }
	add(&report.Heading{Level: 1, Text: "Summary"})
	add(&report.Paragraph{Text: dataSummary(p)})
	recs := opt.Sources
	if recs == nil {
		var err error
		if recs, err = records(p); err != nil {
			return nil, err
		}
	}
	if len(recs) > 0 {
		t := &report.Table{Title: "Data sources", Header: []string{"#", "kind", "file", "name", "size", "SHA-256"}}
		for i, r := range recs {
			file := r.Path
			if r.Kind == "embedded" {
				file = "(built into Alignscope)"
			}
			sum := r.SHA256
			if len(sum) > 16 {
				sum = sum[:16] + "…"
			}
			t.Rows = append(t.Rows, []string{fmt.Sprint(i + 1), r.Kind, file, strings.TrimSpace(r.Name + " " + r.Region),
				npy.FormatBytes(r.Size), sum})
		}
		add(t)
	}
	if len(p.Edits) > 0 {
		var es []string
		for _, e := range p.Edits {
			if e.Op == "rename" {
				es = append(es, fmt.Sprintf("%s %q renamed to %q", e.Kind, e.Name, e.To))
			} else {
				es = append(es, fmt.Sprintf("%s %q removed", e.Kind, e.Name))
			}
		}
		add(&report.Paragraph{Text: "Edits after loading: " + strings.Join(es, "; ") + ".", Small: true})
	}
	if len(st.Analyses) == 0 {
		add(&report.Paragraph{Text: "No analysis has been run."})
	}
	for _, a := range st.Analyses {
		title := a.Label
		if title == "" {
			title = a.ID
		}
		add(&report.Heading{Level: 1, Text: "Analysis " + title})
		add(&report.Paragraph{Text: a.Summary(), Small: true})
		if m := MethodsParagraph(a, orDefault(opt.Software, "Alignscope")); m != "" {
			add(&report.Heading{Level: 2, Text: "Methods"})
			add(&report.Paragraph{Text: m})
		}
		if a.Result == nil {
			add(&report.Paragraph{Text: "Not computed in this session: run the analysis to see its figures and tables."})
			continue
		}
		if opt.Figures != nil {
			figs, err := opt.Figures(a)
			if err != nil {
				add(&report.Paragraph{Text: "Figures: " + err.Error()})
			}
			if len(figs) > 0 {
				add(&report.Heading{Level: 2, Text: "Figures"})
			}
			for _, f := range figs {
				add(f)
			}
		}
		if k := KindOf(a.Kind); k != nil && k.Tables != nil {
			for _, t := range k.Tables(a.Result) {
				add(&report.Heading{Level: 2, Text: t.Title})
				add(&report.Table{Header: t.Header, Rows: t.Rows, Caption: t.Caption})
			}
		}
	}
	return d, nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func dataSummary(p *data.Project) string {
	var b strings.Builder
	n := p.NStimuli()
	if n < 0 {
		b.WriteString("The project holds no stimuli yet. ")
	} else {
		fmt.Fprintf(&b, "%d stimuli", n)
		if p.Stimuli != nil && len(p.Stimuli.Columns) > 0 {
			fmt.Fprintf(&b, " described by %s", listNames(p.Stimuli.Columns))
		}
		b.WriteString(". ")
	}
	if len(p.Models) > 0 {
		ms := make([]string, len(p.Models))
		for i, m := range p.Models {
			ms[i] = fmt.Sprintf("%s (%d %s)", m.Name, len(m.Layers), plural(len(m.Layers), "layer", "layers"))
		}
		fmt.Fprintf(&b, "%d %s: %s. ", len(p.Models), plural(len(p.Models), "model", "models"), listNames(ms))
	}
	if len(p.Subjects) > 0 {
		ss := make([]string, len(p.Subjects))
		for i, s := range p.Subjects {
			rs := make([]string, len(s.Regions))
			for j, r := range s.Regions {
				rs[j] = r.Name
			}
			ss[i] = fmt.Sprintf("%s (%s)", s.Name, strings.Join(rs, ", "))
		}
		fmt.Fprintf(&b, "%d %s: %s.", len(p.Subjects), plural(len(p.Subjects), "subject", "subjects"), listNames(ss))
	}
	return strings.TrimSpace(b.String())
}

// WriteReport writes doc as PDF to pdfFile and, when htmlFile is not
// empty, as HTML to htmlFile, each atomically.
func WriteReport(pdfFile, htmlFile string, doc *report.Document) error {
	var pdf bytes.Buffer
	if err := report.WritePDF(&pdf, doc); err != nil {
		return fmt.Errorf("report %s: %w", pdfFile, err)
	}
	if err := writeAtomic(osFS{}, pdfFile, func(w io.Writer) error { _, err := w.Write(pdf.Bytes()); return err }); err != nil {
		return err
	}
	if htmlFile == "" {
		return nil
	}
	return writeAtomic(osFS{}, htmlFile, func(w io.Writer) error { return report.WriteHTML(w, doc) })
}

// HTMLBeside returns the HTML file written next to a report PDF.
func HTMLBeside(pdfFile string) string {
	return strings.TrimSuffix(pdfFile, filepath.Ext(pdfFile)) + ".html"
}
