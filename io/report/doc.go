// Package report writes a report — a title, headings, paragraphs,
// figures (gonum/plot values) and tables — as one PDF and as one
// self-contained HTML page with the same content, for a lab meeting or a
// supplement.
//
// The PDF (WritePDF) is A4 with 2 cm margins, set in Liberation Sans
// with the fonts embedded; figures are drawn as vector graphics
// (gonum/plot's vgpdf, one canvas with a page per NextPage), a heading
// is kept with what follows it, tables shrink their type (8 to 5.5 pt) to
// fit the page width and repeat their header on a new page. The HTML
// (WriteHTML) embeds every figure as SVG in a data URI, so the page is a
// single file that opens anywhere.
//
// The package knows nothing of analyses: io/project builds the Document
// of a project (summary, methods, figures, tables), the caller supplies
// the figures (ui/figure builds them, which io may not import).
package report
