package ui

import (
	"fmt"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/alignscope/alignscope/core/data"
)

// thumbSize is the edge of a stimulus thumbnail in the grid.
const thumbSize = 96

// dataPage builds the Data page content for the selected tree node.
func (mw *MainWindow) dataPage(id string) fyne.CanvasObject {
	p := mw.ws.Project()
	kind, names := parseNode(id)
	switch kind {
	case "stimuli":
		return mw.stimuliPage(p)
	case "models":
		return mw.modelsPage(p)
	case "subjects":
		return mw.subjectsPage(p)
	case "model":
		if m := p.Model(names[0]); m != nil {
			return mw.modelPage(m)
		}
	case "layer":
		if m := p.Model(names[0]); m != nil {
			if l := m.Layer(names[1]); l != nil {
				return mw.layerPage(m, l)
			}
		}
	case "subject":
		if s := p.Subject(names[0]); s != nil {
			return mw.subjectPage(s)
		}
	case "region":
		if s := p.Subject(names[0]); s != nil {
			if r := s.Region(names[1]); r != nil {
				return mw.regionPage(s, r)
			}
		}
	}
	return mw.summaryPage(p)
}

func heading(s string) *widget.Label {
	return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

func wrapped(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// facts is a two-column form of read-only values.
func facts(rows ...[2]string) *widget.Form {
	f := widget.NewForm()
	for _, r := range rows {
		v := widget.NewLabel(r[1])
		v.Wrapping = fyne.TextWrapWord
		f.Append(r[0], v)
	}
	return f
}

func (mw *MainWindow) summaryPage(p *data.Project) fyne.CanvasObject {
	nStim := "none yet"
	if p.Stimuli != nil {
		nStim = fmt.Sprintf("%d", p.Stimuli.Len())
	}
	layers, regions := 0, 0
	for _, m := range p.Models {
		layers += len(m.Layers)
	}
	for _, s := range p.Subjects {
		regions += len(s.Regions)
	}
	open := widget.NewButtonWithIcon("Open data file…", theme.FolderOpenIcon(), mw.ShowOpenDialog)
	open.Importance = widget.HighImportance
	folder := widget.NewButtonWithIcon("Open data folder…", theme.FolderIcon(), mw.ShowOpenFolderDialog)
	demo := widget.NewButtonWithIcon("Open demo project", theme.HomeIcon(), func() { mw.OpenDemo() })
	return container.NewVBox(
		heading(p.Name),
		facts(
			[2]string{"Stimuli", nStim},
			[2]string{"Models", fmt.Sprintf("%d (%d layers)", len(p.Models), layers)},
			[2]string{"Subjects", fmt.Sprintf("%d (%d region recordings)", len(p.Subjects), regions)},
		),
		widget.NewSeparator(),
		wrapped("Load network activations (.npy, .npz: one archive is one model, one array per layer), "+
			"brain recordings (.npy, .npz: one array per region, stimuli × voxels, or repetitions × stimuli × voxels) "+
			"and a stimulus table (.csv, .tsv: first column the stimulus names, other columns descriptors such as category). "+
			"Every file must have one row per stimulus, in the order of the stimulus table."),
		container.NewHBox(open, folder, demo),
	)
}

func (mw *MainWindow) stimuliPage(p *data.Project) fyne.CanvasObject {
	if p.Stimuli == nil {
		return container.NewVBox(heading("Stimuli"), wrapped("No stimuli yet. Open a stimulus table (.csv or .tsv) or data; the first file sets the stimulus count."))
	}
	s := p.Stimuli
	grid := widget.NewGridWrap(
		func() int { return s.Len() },
		func() fyne.CanvasObject {
			img := canvas.NewImageFromResource(nil)
			img.FillMode = canvas.ImageFillContain
			img.SetMinSize(fyne.NewSize(thumbSize, thumbSize))
			bg := canvas.NewRectangle(color.Transparent)
			name := widget.NewLabel("")
			name.Alignment = fyne.TextAlignCenter
			name.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, name, nil, nil, container.NewStack(bg, img))
		},
		func(i widget.GridWrapItemID, o fyne.CanvasObject) {
			c := o.(*fyne.Container)
			name := c.Objects[1].(*widget.Label)
			stack := c.Objects[0].(*fyne.Container)
			img := stack.Objects[1].(*canvas.Image)
			bg := stack.Objects[0].(*canvas.Rectangle)
			name.SetText(s.Names[i])
			if s.Thumbnails != nil && s.Thumbnails[i] != nil {
				img.Image = s.Thumbnails[i]
				bg.FillColor = color.Transparent
			} else {
				img.Image = nil
				bg.FillColor = theme.Color(theme.ColorNameInputBackground)
			}
			img.Refresh()
			bg.Refresh()
		})
	table := widget.NewTable(
		func() (int, int) { return s.Len() + 1, len(s.Columns) + 1 },
		func() fyne.CanvasObject { return widget.NewLabel("wwwwwwwwwwww") },
		func(c widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			l.TextStyle.Bold = c.Row == 0
			switch {
			case c.Row == 0 && c.Col == 0:
				l.SetText("name")
			case c.Row == 0:
				l.SetText(s.Columns[c.Col-1])
			case c.Col == 0:
				l.SetText(s.Names[c.Row-1])
			default:
				l.SetText(s.Descriptors[s.Columns[c.Col-1]][c.Row-1])
			}
		})
	info := fmt.Sprintf("%d stimuli from %s", s.Len(), s.Source)
	if len(s.Columns) > 0 {
		for _, c := range s.Columns {
			info += fmt.Sprintf(" · %s: %d levels", c, len(s.Levels(c)))
		}
	}
	tabs := container.NewAppTabs(
		container.NewTabItemWithIcon("Thumbnails", theme.GridIcon(), grid),
		container.NewTabItemWithIcon("Table", theme.ListIcon(), table),
	)
	mw.stimTabs = tabs
	return container.NewBorder(container.NewVBox(heading("Stimuli"), wrapped(info)), nil, nil, nil, tabs)
}

func (mw *MainWindow) modelsPage(p *data.Project) fyne.CanvasObject {
	rows := [][2]string{}
	for _, m := range p.Models {
		rows = append(rows, [2]string{m.Name, fmt.Sprintf("%d layers from %s", len(m.Layers), m.Source)})
	}
	if len(rows) == 0 {
		return container.NewVBox(heading("Models"), wrapped("No models yet. Open a model's activations: an .npz with one array per layer (stimuli first), or one .npy per layer."))
	}
	return container.NewVBox(heading("Models"), facts(rows...))
}

func (mw *MainWindow) subjectsPage(p *data.Project) fyne.CanvasObject {
	rows := [][2]string{}
	for _, s := range p.Subjects {
		names := ""
		for i, r := range s.Regions {
			if i > 0 {
				names += ", "
			}
			names += r.Name
		}
		rows = append(rows, [2]string{s.Name, names})
	}
	if len(rows) == 0 {
		return container.NewVBox(heading("Subjects"), wrapped("No recordings yet. Open a subject's recordings: an .npz with one array per region (stimuli × voxels, or repetitions × stimuli × voxels)."))
	}
	return container.NewVBox(heading("Subjects"), facts(rows...))
}

func (mw *MainWindow) modelPage(m *data.Model) fyne.CanvasObject {
	rows := make([][2]string, len(m.Layers))
	var total int64
	for i, l := range m.Layers {
		rows[i] = [2]string{l.Name, fmt.Sprintf("%s units (%d) · %s · %s", l.ShapeString(), l.Units(), l.DType, humanBytes(l.Bytes()))}
		total += l.Bytes()
	}
	return container.NewVBox(heading("Model "+m.Name),
		wrapped(fmt.Sprintf("%d layers, %s in all, from %s. Layers are read from disk in column blocks when an analysis needs them.", len(m.Layers), humanBytes(total), m.Source)),
		facts(rows...), mw.editButtons("model", m.Name))
}

func (mw *MainWindow) layerPage(m *data.Model, l *data.Layer) fyne.CanvasObject {
	if l.Data == nil {
		return container.NewVBox(heading(fmt.Sprintf("Layer %s / %s", m.Name, l.Name)),
			facts(
				[2]string{"Precomputed RDM", fmt.Sprintf("%d stimuli (%d pairs)", l.NStimuli(), len(l.RDM))},
				[2]string{"Source", l.Source},
			),
			wrapped("This layer came as an RDM, not as activations: RSA uses it as it is (the RDM distance choice does not apply)."))
	}
	n, p := l.Data.Dims()
	return container.NewVBox(heading(fmt.Sprintf("Layer %s / %s", m.Name, l.Name)),
		facts(
			[2]string{"Stimuli × units", fmt.Sprintf("%d × %d", n, p)},
			[2]string{"Unit shape", l.ShapeString()},
			[2]string{"Stored as", l.DType},
			[2]string{"Size", humanBytes(l.Bytes())},
			[2]string{"Source", l.Source},
			[2]string{"Values", mw.valueStatus(l.Source)},
		))
}

func (mw *MainWindow) subjectPage(s *data.Subject) fyne.CanvasObject {
	rows := make([][2]string, len(s.Regions))
	for i, r := range s.Regions {
		if r.Data == nil {
			rows[i] = [2]string{r.Name, fmt.Sprintf("precomputed RDM of %d stimuli", r.NStimuli())}
			continue
		}
		n, v := r.Data.Dims()
		rows[i] = [2]string{r.Name, fmt.Sprintf("%d stimuli × %d channels%s", n, v, repsSuffix(len(r.Reps)))}
	}
	return container.NewVBox(heading("Subject "+s.Name), facts(rows...), mw.editButtons("subject", s.Name))
}

func (mw *MainWindow) regionPage(s *data.Subject, r *data.Region) fyne.CanvasObject {
	if r.Data == nil {
		return container.NewVBox(heading(fmt.Sprintf("Region %s / %s", s.Name, r.Name)),
			facts(
				[2]string{"Precomputed RDM", fmt.Sprintf("%d stimuli (%d pairs)", r.NStimuli(), len(r.RDM))},
				[2]string{"Source", r.Source},
			))
	}
	n, v := r.Data.Dims()
	reps := "one (or already averaged)"
	if len(r.Reps) > 1 {
		reps = fmt.Sprintf("%d (analyses use their mean; noise ceilings use each)", len(r.Reps))
	}
	return container.NewVBox(heading(fmt.Sprintf("Region %s / %s", s.Name, r.Name)),
		facts(
			[2]string{"Stimuli × channels", fmt.Sprintf("%d × %d", n, v)},
			[2]string{"Repetitions", reps},
			[2]string{"Stored as", r.DType},
			[2]string{"Source", r.Source},
			[2]string{"Values", mw.valueStatus(r.Source)},
		))
}

// valueStatus reports the NaN/Inf check of a source.
func (mw *MainWindow) valueStatus(src string) string {
	mw.mu.Lock()
	defer mw.mu.Unlock()
	c, ok := mw.nonFinite[src]
	switch {
	case !ok:
		return "not checked yet"
	case c == 0:
		return "all finite"
	default:
		return fmt.Sprintf("%d NaN/Inf values: analyses drop them where the method allows (see each page)", c)
	}
}

// editButtons offers Rename and Remove for a model or subject; both are
// project changes that Edit → Undo takes back.
func (mw *MainWindow) editButtons(kind, name string) fyne.CanvasObject {
	rename := widget.NewButtonWithIcon("Rename…", theme.DocumentCreateIcon(), func() {
		e := widget.NewEntry()
		e.SetText(name)
		dialog.ShowForm("Rename "+kind+" "+name, "Rename", "Cancel",
			[]*widget.FormItem{widget.NewFormItem("New name", e)}, func(ok bool) {
				if !ok {
					return
				}
				if err := mw.ws.Update(func(p *data.Project) error { return p.Rename(kind, name, e.Text) }); err != nil {
					showError(mw.Win, "Cannot rename", err, "")
					return
				}
				mw.Select(nodeID(kind, e.Text))
			}, mw.Win)
	})
	remove := widget.NewButtonWithIcon("Remove", theme.DeleteIcon(), func() {
		if err := mw.ws.Update(func(p *data.Project) error { return p.Remove(kind, name) }); err != nil {
			showError(mw.Win, "Cannot remove", err, "")
			return
		}
		mw.Select("")
	})
	return container.NewHBox(rename, remove, widget.NewLabel("Edit → Undo (Ctrl+Z) takes a change back."))
}
