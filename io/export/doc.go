// Package export writes what the user takes away: figures (PNG now; SVG
// and PDF through gonum/plot as figures arrive) and tables. Writes are
// atomic: a temporary file in the target folder is renamed into place, so a
// failed export never leaves a half-written file.
package export
