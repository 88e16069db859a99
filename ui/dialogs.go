package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// showError shows a modal error: title says what failed, err says what is
// wrong and in which file (the io layer writes its errors that way), hint
// what to do next.
func showError(w fyne.Window, title string, err error, hint string) {
	msg := widget.NewLabel(err.Error())
	msg.Wrapping = fyne.TextWrapWord
	objs := []fyne.CanvasObject{msg}
	if hint != "" {
		h := widget.NewLabel(hint)
		h.Wrapping = fyne.TextWrapWord
		h.Importance = widget.LowImportance
		objs = append(objs, widget.NewSeparator(), h)
	}
	body := container.NewBorder(nil, nil, widget.NewIcon(theme.ErrorIcon()), nil, container.NewVBox(objs...))
	d := dialog.NewCustom(title, "Close", body, w)
	d.Resize(fyne.NewSize(560, 0))
	d.Show()
}

// showInfo shows a modal message with a wrapped body.
func showInfo(w fyne.Window, title, text string) {
	msg := widget.NewLabel(text)
	msg.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom(title, "OK", msg, w)
	d.Resize(fyne.NewSize(520, 0))
	d.Show()
}

// fyneBorder stacks top, a stretching centre and bottom vertically.
func fyneBorder(top, bottom, centre fyne.CanvasObject) fyne.CanvasObject {
	return container.NewBorder(top, bottom, nil, nil, centre)
}

// setChoices gives a check group new options, keeping the choices that are
// still offered; a group that had no options yet starts with every option
// chosen.
func setChoices(g *widget.CheckGroup, opts []string) {
	first := len(g.Options) == 0
	sel := map[string]bool{}
	for _, s := range g.Selected {
		sel[s] = true
	}
	g.Options = opts
	var kept []string
	for _, o := range opts {
		if sel[o] || first {
			kept = append(kept, o)
		}
	}
	g.Selected = kept
	g.Refresh()
}

// checkGroupBox is a check group under a heading with All and None
// buttons.
func checkGroupBox(title string, g *widget.CheckGroup) fyne.CanvasObject {
	all := widget.NewButton("All", func() { g.SetSelected(append([]string(nil), g.Options...)) })
	none := widget.NewButton("None", func() { g.SetSelected(nil) })
	return container.NewVBox(container.NewHBox(heading(title), all, none), g)
}
