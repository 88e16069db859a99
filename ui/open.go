package ui

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/job"
	"github.com/alignscope/alignscope/io/loader"
)

// What a file is, as the open form asks it.
const (
	asModel     = "A model's layers (activations)"
	asRecording = "A subject's recordings (brain regions)"
	asStimuli   = "The stimulus table"
	asModelRDMs = "A model's RDMs (precomputed, one per layer)"
	asRegionRDM = "A region's RDMs (precomputed, one per subject)"
)

// LoadRequest says which file to load as what.
type LoadRequest = loader.Source

const openHint = "Nothing was changed in the project. Check that the file is a NumPy .npy/.npz " +
	"(float32 or float64, one row per stimulus) or a .csv/.tsv stimulus table, then open it again."

// ShowOpenDialog asks for a data file, then what it is.
func (mw *MainWindow) ShowOpenDialog() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			showError(mw.Win, "Could not open the file", err, openHint)
			return
		}
		if r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		mw.OpenFile(path)
	}, mw.Win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".npy", ".npz", ".csv", ".tsv", ".txt", ".nii", ".gz"}))
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}

// ShowOpenFolderDialog asks for a data folder in the project layout
// (stimuli.tsv, images/, models/*.npz, recordings/*.npz).
func (mw *MainWindow) ShowOpenFolderDialog() {
	d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err != nil {
			showError(mw.Win, "Could not open the folder", err, openHint)
			return
		}
		if u == nil {
			return
		}
		mw.OpenFolder(u.Path())
	}, mw.Win)
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}

// OpenFile inspects path in the background, then asks what it is.
// NIfTI betas go to their own form (atlas, labels, repetitions).
func (mw *MainWindow) OpenFile(path string) *job.Job {
	if low := strings.ToLower(path); strings.HasSuffix(low, ".nii") || strings.HasSuffix(low, ".nii.gz") {
		mw.ShowNIfTIForm(path)
		return nil
	}
	var info *loader.Info
	return mw.ws.Jobs.Start("Inspect "+filepath.Base(path), func(ctx context.Context, rep *job.Reporter) error {
		var err error
		info, err = loader.Inspect(path)
		return err
	}, func(err error) {
		fyne.Do(func() {
			if err != nil {
				showError(mw.Win, "Could not open "+filepath.Base(path), err, openHint)
				return
			}
			mw.ShowOpenForm(info)
		})
	})
}

// ShowOpenForm asks what an inspected file is and how to name it.
func (mw *MainWindow) ShowOpenForm(info *loader.Info) {
	base := strings.TrimSuffix(filepath.Base(info.Path), filepath.Ext(info.Path))
	kind := widget.NewRadioGroup([]string{asModel, asRecording, asModelRDMs, asRegionRDM, asStimuli}, nil)
	name := widget.NewEntry()
	region := widget.NewEntry()
	region.SetText(base)
	nameItem := widget.NewFormItem("Model name", name)
	regionItem := widget.NewFormItem("Region", region)
	units := widget.NewEntry()
	units.SetPlaceHolder("optional: CSV of unit coordinates x, y, z (one row per channel)")
	contents := widget.NewLabel(info.Summary())
	contents.Wrapping = fyne.TextWrapWord
	kind.OnChanged = func(s string) {
		switch s {
		case asModel:
			nameItem.Text = "Model name"
			name.SetText(base)
			name.Enable()
		case asRecording:
			nameItem.Text = "Subject"
			name.SetText(base)
			name.Enable()
		case asModelRDMs:
			nameItem.Text = "Model name"
			name.SetText(base)
			name.Enable()
		case asRegionRDM:
			nameItem.Text = "Subjects named"
			name.SetText("subject")
			name.Enable()
		default:
			name.SetText("")
			name.Disable()
		}
		if s == asRecording {
			units.Enable()
		} else {
			units.Disable()
		}
		if (s == asRecording || s == asRegionRDM) && len(info.Arrays) == 1 {
			region.Enable()
		} else {
			region.Disable()
		}
	}
	switch info.Kind {
	case loader.KindStimuli:
		kind.SetSelected(asStimuli)
	case loader.KindRecording:
		kind.SetSelected(asRecording)
	case loader.KindModelRDMs:
		kind.SetSelected(asModelRDMs)
	case loader.KindRegionRDMs:
		kind.SetSelected(asRegionRDM)
	default:
		kind.SetSelected(asModel)
	}
	if info.Kind == loader.KindStimuli {
		kind.Disable() // a table can only be a table
	} else {
		kind.Options = []string{asModel, asRecording, asModelRDMs, asRegionRDM}
		kind.Refresh()
	}
	items := []*widget.FormItem{
		widget.NewFormItem("File", widget.NewLabel(filepath.Base(info.Path))),
		widget.NewFormItem("Holds", contents),
		widget.NewFormItem("This file is", kind),
		nameItem, regionItem,
		widget.NewFormItem("Unit positions", units),
	}
	d := dialog.NewForm("Open "+filepath.Base(info.Path), "Load", "Cancel", items, func(ok bool) {
		if !ok {
			return
		}
		req := LoadRequest{Path: info.Path, Name: strings.TrimSpace(name.Text), Region: strings.TrimSpace(region.Text),
			Units: strings.TrimSpace(units.Text)}
		switch kind.Selected {
		case asModel:
			req.Kind = loader.KindModel
		case asRecording:
			req.Kind = loader.KindRecording
		case asModelRDMs:
			req.Kind = loader.KindModelRDMs
		case asRegionRDM:
			req.Kind = loader.KindRegionRDMs
		default:
			req.Kind = loader.KindStimuli
		}
		mw.Load(req)
	}, mw.Win)
	d.Resize(fyne.NewSize(620, 0))
	d.Show()
	mw.openForm = d
}

// Load reads a file as req says in a background job and adds it to the
// project; on any error the project stays as it was and a dialog says why.
func (mw *MainWindow) Load(req LoadRequest) *job.Job {
	var (
		change  loader.Change
		mats    []data.Matrix
		sources []string
	)
	return mw.ws.Jobs.Start("Load "+filepath.Base(req.Path), func(ctx context.Context, rep *job.Reporter) error {
		rep.Message("reading headers")
		var err error
		change, mats, sources, err = loader.Load(req)
		return err
	}, func(err error) {
		fyne.Do(func() {
			if err == nil {
				err = mw.ws.Update(change)
			}
			if err != nil {
				showError(mw.Win, "Could not load "+filepath.Base(req.Path), err, openHint)
				return
			}
			srcs := make([]sourceMatrix, len(mats))
			for i := range mats {
				srcs[i] = sourceMatrix{sources[i], mats[i]}
			}
			mw.checkValues(srcs)
		})
	})
}

// OpenDemo replaces the project with the built-in demo project.
func (mw *MainWindow) OpenDemo() *job.Job {
	if mw.opts.Demo == nil {
		showError(mw.Win, "No demo project", errors.New("this build has no demo project"), "")
		return nil
	}
	return mw.openProjectFS("Open demo project", func() (*data.Project, error) {
		return loader.LoadFolderFS(mw.opts.Demo, "Demo project")
	})
}

// OpenFolder replaces the project with a data folder from disk.
func (mw *MainWindow) OpenFolder(dir string) *job.Job {
	return mw.openProjectFS("Open "+filepath.Base(dir), func() (*data.Project, error) {
		return loader.LoadFolder(dir)
	})
}

func (mw *MainWindow) openProjectFS(title string, load func() (*data.Project, error)) *job.Job {
	var p *data.Project
	return mw.ws.Jobs.Start(title, func(ctx context.Context, rep *job.Reporter) error {
		rep.Message("reading stimuli, thumbnails and headers")
		var err error
		p, err = load()
		return err
	}, func(err error) {
		fyne.Do(func() {
			if err != nil {
				showError(mw.Win, title+" failed", err, "Nothing was changed in the project. "+
					"A data folder holds stimuli.tsv, images/, models/*.npz and recordings/*.npz.")
				return
			}
			mw.ws.Replace(p)
			mw.Select("stimuli")
			var srcs []sourceMatrix
			for _, m := range p.Models {
				srcs = append(srcs, modelSources(m)...)
			}
			for _, s := range p.Subjects {
				for _, r := range s.Regions {
					if r.Data != nil {
						srcs = append(srcs, sourceMatrix{r.Source, r.Data})
					}
				}
			}
			mw.checkValues(srcs)
		})
	})
}

type sourceMatrix struct {
	source string
	m      data.Matrix
}

func modelSources(m *data.Model) []sourceMatrix {
	var out []sourceMatrix
	for _, l := range m.Layers {
		if l.Data != nil {
			out = append(out, sourceMatrix{l.Source, l.Data})
		}
	}
	return out
}

// checkValues counts NaN/Inf values of newly loaded matrices in a
// background job (streaming them once) and warns with the counts.
func (mw *MainWindow) checkValues(srcs []sourceMatrix) *job.Job {
	if len(srcs) == 0 {
		return nil
	}
	counts := make([]int, len(srcs))
	return mw.ws.Jobs.Start("Check values for NaN/Inf", func(ctx context.Context, rep *job.Reporter) error {
		rep.SetTotal(len(srcs))
		for i, s := range srcs {
			if err := ctx.Err(); err != nil {
				return err
			}
			rep.Message("%s", s.source)
			c, err := data.CountNonFinite(s.m)
			if err != nil {
				return err
			}
			counts[i] = c
			rep.Add(1)
		}
		return nil
	}, func(err error) {
		fyne.Do(func() {
			if err != nil {
				if !errors.Is(err, context.Canceled) {
					showError(mw.Win, "Could not read values", err, "The file may be damaged or have changed since it was opened.")
				}
				return
			}
			var warn []string
			mw.mu.Lock()
			for i, s := range srcs {
				mw.nonFinite[s.source] = counts[i]
				if counts[i] > 0 {
					warn = append(warn, fmt.Sprintf("%s: %d NaN/Inf values", s.source, counts[i]))
				}
			}
			mw.mu.Unlock()
			mw.showPage(mw.selected)
			if len(warn) > 0 {
				showInfo(mw.Win, "Loaded, with missing values",
					strings.Join(warn, "\n")+"\n\nThe data were loaded. Methods that allow it drop the affected "+
						"entries; others will say so before they run. Replace them in the source file if that is not what you want.")
			}
		})
	})
}

// ShowNIfTIForm asks how to read NIfTI betas: which subject, the atlas (or
// mask) that defines the regions, its labels, an optional anatomical
// image, and how the volumes are ordered.
func (mw *MainWindow) ShowNIfTIForm(betas string) {
	subject := widget.NewEntry()
	subject.SetText(strings.TrimSuffix(strings.TrimSuffix(filepath.Base(betas), ".gz"), ".nii"))
	atlas, labels, anat := widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	atlas.SetPlaceHolder("atlas.nii.gz (integer labels) or a 0/1 mask")
	labels.SetPlaceHolder("atlas.tsv: index and region name (empty for a mask)")
	anat.SetPlaceHolder("optional: anatomical image on the same grid")
	region := widget.NewEntry()
	region.SetPlaceHolder("region name, for a mask")
	reps := widget.NewEntry()
	reps.SetText("1")
	stimMajor := widget.NewCheck("volumes ordered stimulus by stimulus (all repetitions of stimulus 1 first)", nil)
	browse := func(e *widget.Entry) fyne.CanvasObject {
		return container.NewBorder(nil, nil, nil, widget.NewButton("Browse…", func() {
			d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
				if err == nil && r != nil {
					e.SetText(r.URI().Path())
					r.Close()
				}
			}, mw.Win)
			d.Resize(fyne.NewSize(800, 560))
			d.Show()
		}), e)
	}
	items := []*widget.FormItem{
		widget.NewFormItem("Betas", widget.NewLabel(filepath.Base(betas))),
		widget.NewFormItem("Subject", subject),
		widget.NewFormItem("Atlas or mask", browse(atlas)),
		widget.NewFormItem("Labels", browse(labels)),
		widget.NewFormItem("Region (mask)", region),
		widget.NewFormItem("Anatomy", browse(anat)),
		widget.NewFormItem("Repetitions", reps),
		widget.NewFormItem("", stimMajor),
		widget.NewFormItem("", wrapped("One volume per stimulus in the order of the stimulus table; with repetitions, "+
			"all stimuli of repetition 1, then repetition 2, … unless ticked above.")),
	}
	d := dialog.NewForm("Open NIfTI betas", "Load", "Cancel", items, func(ok bool) {
		if !ok {
			return
		}
		r, err := strconv.Atoi(strings.TrimSpace(reps.Text))
		if err != nil || r < 1 {
			showError(mw.Win, "Cannot load "+filepath.Base(betas), fmt.Errorf("repetitions must be a whole number ≥ 1, not %q", reps.Text), "")
			return
		}
		mw.Load(LoadRequest{Kind: loader.KindNIfTI, Path: betas, Name: strings.TrimSpace(subject.Text),
			Atlas: strings.TrimSpace(atlas.Text), Labels: strings.TrimSpace(labels.Text), Anat: strings.TrimSpace(anat.Text),
			Region: strings.TrimSpace(region.Text), Reps: r, StimMajor: stimMajor.Checked})
	}, mw.Win)
	d.Resize(fyne.NewSize(680, 0))
	d.Show()
}
