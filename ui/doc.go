// Package ui is Alignscope's Fyne interface: the main window with its
// project tree, the Data page, the open-file form, the jobs panel with
// progress and cancel, and error dialogs.
//
// ui shows state and starts jobs; it never computes statistics and never
// blocks its goroutine: work runs in core/job goroutines and results come
// back through fyne.Do. It imports io only to open and export files. It
// never imports fyne.io/fyne/v2/app, so its tests run with Fyne's test
// driver, without cgo or a display.
package ui
