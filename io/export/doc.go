// Package export writes what the user takes away: figures as PNG, SVG and
// PDF through gonum/plot's back ends, screenshots, and tables as CSV. Writes are
// atomic: a temporary file in the target folder is renamed into place, so a
// failed export never leaves a half-written file.
package export
