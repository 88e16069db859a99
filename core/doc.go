// Package core holds Alignscope's analysis: data model, RSA, encoding,
// lesions and background jobs, on gonum. It never imports Fyne nor the io
// layer, and never opens files (a test enforces it).
package core
