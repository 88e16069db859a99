package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/alignscope/alignscope/core/job"
	"github.com/alignscope/alignscope/core/rsa"
	"github.com/alignscope/alignscope/io/loader"
	"github.com/alignscope/alignscope/io/project"
	"github.com/alignscope/alignscope/io/report"
	"github.com/alignscope/alignscope/ui/figure"
)

// Figures of analyses, for reports and `alignscope run`: each kind of
// analysis registers how to draw its result. RSA's are the figures of
// the RSA page.
var (
	figuresMu sync.RWMutex
	figureFns = map[string]func(*project.Analysis) ([]*report.Figure, error){project.KindRSA: rsaFigures}
)

// RegisterFigures sets the figures drawn for analyses of kind (the
// encoding and lesion pages plug in this way).
func RegisterFigures(kind string, fn func(*project.Analysis) ([]*report.Figure, error)) {
	figuresMu.Lock()
	figureFns[kind] = fn
	figuresMu.Unlock()
}

// AnalysisFigures draws the figures of an analysis's result: for RSA the
// model comparison of every region, and the layer profile and layer ×
// region matrix of every model, as the RSA page draws them for export.
// It needs no display. An error lists the figures that could not be
// drawn (e.g. a region that could not be evaluated); the others are
// returned.
func AnalysisFigures(a *project.Analysis) ([]*report.Figure, error) {
	if a.Result == nil {
		return nil, nil
	}
	figuresMu.RLock()
	fn := figureFns[a.Kind]
	figuresMu.RUnlock()
	if fn == nil {
		return nil, nil
	}
	return fn(a)
}

// FileStem makes s usable in a file name.
func FileStem(s string) string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\:*?"<>|`, r) || r < 32 {
			return '_'
		}
		return r
	}, s)
}

func rsaFigures(a *project.Analysis) ([]*report.Figure, error) {
	r, ok := a.Result.(*rsa.Result)
	if !ok {
		return nil, fmt.Errorf("analysis %s: result is %T, not an RSA result", a.ID, a.Result)
	}
	var figs []*report.Figure
	var errs []string
	for _, region := range r.Spec.Regions {
		p, _, err := figure.ModelComparison(r, region, figure.ComparisonOptions{})
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		figs = append(figs, &report.Figure{Name: FileStem("rsa-comparison-" + region), Plot: p,
			Caption: "Model comparison for " + region + "."})
	}
	for _, model := range modelsOf(r) {
		p, err := figure.LayerProfile(r, model)
		if err != nil {
			errs = append(errs, err.Error())
		} else {
			figs = append(figs, &report.Figure{Name: FileStem("rsa-profile-" + model), Plot: p,
				Caption: "Layer profile of " + model + ": score against layer, one line per region; dashed: lower noise ceiling."})
		}
		p, err = figure.LayerRegionMatrix(r, model)
		if err != nil {
			errs = append(errs, err.Error())
		} else {
			figs = append(figs, &report.Figure{Name: FileStem("rsa-layers-regions-" + model), Plot: p,
				Caption: "Scores of every layer of " + model + " against every region; outlined: the best layer per region."})
		}
	}
	if len(errs) > 0 {
		return figs, errors.New(strings.Join(errs, "; "))
	}
	return figs, nil
}

// projectState is what a window knows of its project beyond the
// workspace: where it is saved, the analyses run, the autosave.
type projectState struct {
	dir      string // the project folder, "" until saved or opened
	analyses []*project.Analysis
	base     string // the project's first source when the analyses were recorded

	autosaveDir  string
	stopAutosave chan struct{}
	autosaveMu   sync.Mutex // one autosave at a time
	lastAutosave string
}

var (
	statesMu sync.Mutex
	states   = map[*MainWindow]*projectState{}
)

func (mw *MainWindow) projState() *projectState {
	statesMu.Lock()
	defer statesMu.Unlock()
	s := states[mw]
	if s == nil {
		s = &projectState{}
		states[mw] = s
	}
	return s
}

// ProjectDir is the folder the project was last saved to or opened
// from, or "".
func (mw *MainWindow) ProjectDir() string { return mw.projState().dir }

// Software names the program and version for project files and methods
// text.
func (mw *MainWindow) Software() string {
	v := mw.opts.Version
	if v == "" {
		v = "(unknown version)"
	}
	return "Alignscope " + v
}

func baseOf(sources []loader.Source) string {
	if len(sources) == 0 {
		return ""
	}
	s := sources[0]
	return s.Kind + "\x00" + s.Path + "\x00" + s.Name
}

// RecordAnalysis records an analysis the user ran (spec and result) as a
// step of the project; running the same settings again updates its
// result. The RSA page's results are picked up by ProjectState also
// without it. Call on the UI goroutine.
func (mw *MainWindow) RecordAnalysis(kind string, spec, result any) *project.Analysis {
	ps := mw.projState()
	mw.dropForeignAnalyses(ps)
	a := &project.Analysis{Kind: kind, Spec: spec, Result: result}
	h, err := a.SettingsHash()
	if err == nil {
		for _, b := range ps.analyses {
			if bh, err := b.SettingsHash(); err == nil && bh == h && b.Kind == kind {
				b.Result = result
				return b
			}
		}
	}
	a.ID = project.NextID(kind, ps.analyses)
	ps.analyses = append(ps.analyses, a)
	return a
}

// dropForeignAnalyses forgets the analyses of another project (after
// Open demo or Open data folder replaced the project).
func (mw *MainWindow) dropForeignAnalyses(ps *projectState) {
	base := baseOf(mw.ws.Project().Sources)
	if ps.base != base {
		ps.analyses = nil
		ps.base = base
	}
}

// Analyses returns (copies of) the analyses recorded so far, with the
// RSA page's results included. Call on the UI goroutine.
func (mw *MainWindow) Analyses() []*project.Analysis {
	ps := mw.projState()
	mw.dropForeignAnalyses(ps)
	pg := mw.rsa
	keys := make([]string, 0, len(pg.cache))
	for k := range pg.cache {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		r := pg.cache[k]
		mw.RecordAnalysis(project.KindRSA, r.Spec, r)
	}
	mw.recordPageResults()
	out := make([]*project.Analysis, len(ps.analyses))
	for i, a := range ps.analyses {
		c := *a // a snapshot: jobs read it while the page may record more
		out[i] = &c
	}
	return out
}

// ProjectState gathers what a project file records: the project, the
// analyses and the pages' selections. Call on the UI goroutine.
func (mw *MainWindow) ProjectState() *project.State {
	as := mw.Analyses()
	return &project.State{Project: mw.ws.Project(), Analyses: as, UI: mw.pageState(as)}
}

func joinLines(xs []string) string { return strings.Join(xs, "\n") }

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// pageState records the selections of the window and its pages.
func (mw *MainWindow) pageState(as []*project.Analysis) map[string]string {
	pg := mw.rsa
	ui := map[string]string{
		"tree":                  mw.selected,
		"rsa.layers":            joinLines(pg.layers.Selected),
		"rsa.regions":           joinLines(pg.regions.Selected),
		"rsa.subjects":          joinLines(pg.subjects.Selected),
		"rsa.distance":          pg.distance.Selected,
		"rsa.compare":           pg.measure.Selected,
		"rsa.inference":         pg.scheme.Selected,
		"rsa.samples":           pg.samples.Text,
		"rsa.seed":              pg.seed.Text,
		"rsa.correction":        pg.corr.Selected,
		"rsa.view":              strconv.Itoa(pg.views.SelectedIndex()),
		"rsa.comparison-region": pg.compRegion.Selected,
		"rsa.profile-model":     pg.profModel.Selected,
		"rsa.matrix-model":      pg.matModel.Selected,
	}
	if t := mw.pages.Selected(); t != nil {
		ui["page"] = t.Text
	}
	for _, a := range as {
		if pg.result != nil && a.Result == any(pg.result) {
			ui["rsa.shown"] = a.ID
		}
	}
	if d := mw.projState().dir; d != "" {
		ui["project.dir"] = d
	}
	mw.analysisPageState(ui, as)
	return ui
}

// restorePageState puts back the selections of pageState and shows the
// cached results without computing anything.
func (mw *MainWindow) restorePageState(ui map[string]string, as []*project.Analysis) {
	pg := mw.rsa
	pg.cache = map[string]*rsa.Result{}
	pg.result = nil
	var shown *rsa.Result
	for _, a := range as {
		r, ok := a.Result.(*rsa.Result)
		if !ok || r == nil {
			continue
		}
		pg.cache[r.Spec.Key()] = r
		if a.ID == ui["rsa.shown"] || shown == nil {
			shown = r
		}
	}
	setChecks := func(g *widget.CheckGroup, key string) {
		if v, ok := ui[key]; ok {
			var sel []string
			for _, s := range splitLines(v) {
				if contains(g.Options, s) {
					sel = append(sel, s)
				}
			}
			g.SetSelected(sel)
		}
	}
	setChecks(pg.layers, "rsa.layers")
	setChecks(pg.regions, "rsa.regions")
	setChecks(pg.subjects, "rsa.subjects")
	setSelect := func(s *widget.Select, key string) {
		if v, ok := ui[key]; ok && contains(s.Options, v) {
			s.SetSelected(v)
		}
	}
	setSelect(pg.distance, "rsa.distance")
	setSelect(pg.measure, "rsa.compare")
	setSelect(pg.scheme, "rsa.inference")
	setSelect(pg.corr, "rsa.correction")
	if v, ok := ui["rsa.samples"]; ok {
		pg.samples.SetText(v)
	}
	if v, ok := ui["rsa.seed"]; ok {
		pg.seed.SetText(v)
	}
	if shown != nil {
		pg.show(shown)
		setSelect(pg.compRegion, "rsa.comparison-region")
		setSelect(pg.profModel, "rsa.profile-model")
		setSelect(pg.matModel, "rsa.matrix-model")
		if i, err := strconv.Atoi(ui["rsa.view"]); err == nil && i >= 0 && i < len(pg.views.Items) {
			pg.views.SelectIndex(i)
		}
		pg.runInfo.SetText("Shown from the saved project: these results were not computed again.")
	} else {
		pg.views.Hide()
		pg.empty.Show()
	}
	mw.restoreAnalysisPages(ui, as)
	if id, ok := ui["tree"]; ok && id != "" {
		mw.Select(id)
	} else {
		mw.showPage("")
	}
	if p, ok := ui["page"]; ok {
		mw.ShowPage(p)
	}
}

// SaveProject saves the project as the folder dir (NAME.alignscope) in a
// background job: sources with checksums, edits, analyses with their
// settings and cached results, and the pages' selections. The previous
// project in dir stays whole if saving fails. Call on the UI goroutine.
func (mw *MainWindow) SaveProject(dir string) *job.Job {
	st := mw.ProjectState()
	st.UI["project.dir"] = dir
	sw := mw.Software()
	return mw.ws.Jobs.Start("Save "+filepath.Base(dir), func(ctx context.Context, rep *job.Reporter) error {
		rep.Message("checksums of the data files, results, project.toml")
		return project.Save(dir, st, project.SaveOptions{Software: sw})
	}, func(err error) {
		fyne.Do(func() {
			if err != nil {
				showError(mw.Win, "Could not save the project", err,
					"The project on disk is as it was before. Choose another folder (Save As) or free some space, then save again.")
				return
			}
			mw.projState().dir = dir
			mw.addRecent(dir)
		})
	})
}

// OpenProject opens a saved project folder in a background job and
// restores the tree, the pages' selections and the cached results
// without recomputing. Sources that moved or changed are reported with
// the choice to locate them or to load them as they are and recompute.
func (mw *MainWindow) OpenProject(dir string) *job.Job {
	return mw.OpenProjectWith(dir, project.OpenOptions{})
}

// OpenProjectWith is OpenProject with the answers to moved or changed
// sources.
func (mw *MainWindow) OpenProjectWith(dir string, opt project.OpenOptions) *job.Job {
	var o *project.Opened
	return mw.ws.Jobs.Start("Open "+filepath.Base(dir), func(ctx context.Context, rep *job.Reporter) error {
		rep.Message("checking the data files and reading the cached results")
		var err error
		o, err = project.Open(dir, opt)
		return err
	}, func(err error) {
		fyne.Do(func() {
			var se *project.SourceError
			switch {
			case errors.As(err, &se):
				mw.showSourceProblems(dir, se, opt)
				return
			case err != nil:
				showError(mw.Win, "Could not open "+filepath.Base(dir), err,
					"Nothing was changed. Check that the folder was saved by Alignscope (it holds project.toml).")
				return
			}
			mw.applyOpened(dir, o)
		})
	})
}

// applyOpened installs an opened project in the window.
func (mw *MainWindow) applyOpened(dir string, o *project.Opened) {
	ps := mw.projState()
	mw.ws.Replace(o.Project)
	mw.refresh()
	ps.analyses = o.Analyses
	ps.base = baseOf(mw.ws.Project().Sources)
	ps.dir = dir
	if ps.autosaveDir != "" && filepath.Clean(dir) == filepath.Clean(ps.autosaveDir) {
		// restored from the autosave: save where the user saved, or ask
		ps.dir = o.UI["project.dir"]
	} else {
		mw.addRecent(dir)
	}
	mw.restorePageState(o.UI, o.Analyses)
	if len(o.Warnings) > 0 {
		showInfo(mw.Win, "Opened "+filepath.Base(dir), strings.Join(o.Warnings, "\n"))
	}
}

// showSourceProblems says which sources moved or changed and offers to
// locate them or to load them as they are now.
func (mw *MainWindow) showSourceProblems(dir string, se *project.SourceError, opt project.OpenOptions) {
	if opt.Relocate == nil {
		opt.Relocate = map[int]string{}
	}
	rows := container.NewVBox()
	var d *dialog.CustomDialog
	changed := false
	for _, p := range se.Problems {
		p := p
		l := widget.NewLabel(p.String())
		l.Wrapping = fyne.TextWrapWord
		if !p.Missing && p.Err == nil {
			changed = true
		}
		if !p.Missing {
			rows.Add(l)
			continue
		}
		locate := widget.NewButton("Locate…", func() {
			pick := func(path string) {
				opt.Relocate[p.Index] = path
				d.Hide()
				mw.OpenProjectWith(dir, opt)
			}
			if p.Source.Kind == loader.KindFolder {
				fd := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
					if err == nil && u != nil {
						pick(u.Path())
					}
				}, mw.Win)
				fd.Resize(fyne.NewSize(800, 560))
				fd.Show()
				return
			}
			fd := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
				if err == nil && r != nil {
					path := r.URI().Path()
					r.Close()
					pick(path)
				}
			}, mw.Win)
			fd.Resize(fyne.NewSize(800, 560))
			fd.Show()
		})
		rows.Add(container.NewBorder(nil, nil, nil, locate, l))
	}
	buttons := container.NewHBox()
	if changed {
		buttons.Add(widget.NewButton("Load as they are now and recompute", func() {
			d.Hide()
			o := opt
			o.AcceptChanged = true
			mw.OpenProjectWith(dir, o)
		}))
	}
	buttons.Add(widget.NewButton("Cancel", func() { d.Hide() }))
	hint := widget.NewLabel("Locate a moved file, or load changed files as they are now: the results computed from the old files are then computed again when you run the analyses.")
	hint.Wrapping = fyne.TextWrapWord
	hint.Importance = widget.LowImportance
	d = dialog.NewCustomWithoutButtons("The data of "+filepath.Base(dir)+" changed",
		container.NewVBox(rows, widget.NewSeparator(), hint, buttons), mw.Win)
	d.Resize(fyne.NewSize(640, 0))
	d.Show()
}

const recentKey = "project.recent"

// RecentProjects lists the project folders opened or saved lately, most
// recent first.
func (mw *MainWindow) RecentProjects() []string {
	app := fyne.CurrentApp()
	if app == nil {
		return nil
	}
	return app.Preferences().StringList(recentKey)
}

func (mw *MainWindow) addRecent(dir string) {
	app := fyne.CurrentApp()
	if app == nil {
		return
	}
	list := []string{dir}
	for _, d := range app.Preferences().StringList(recentKey) {
		if filepath.Clean(d) != filepath.Clean(dir) && len(list) < 10 {
			list = append(list, d)
		}
	}
	app.Preferences().SetStringList(recentKey, list)
	mw.Win.SetMainMenu(mw.menu()) // File → Recent projects lists it now
}

// RecentMenuItems are menu items opening the recent projects (for File →
// Recent), or one disabled item when there are none.
func (mw *MainWindow) RecentMenuItems() []*fyne.MenuItem {
	var items []*fyne.MenuItem
	for _, d := range mw.RecentProjects() {
		d := d
		items = append(items, fyne.NewMenuItem(filepath.Base(d)+"  —  "+filepath.Dir(d), func() { mw.OpenProject(d) }))
	}
	if len(items) == 0 {
		none := fyne.NewMenuItem("No recent projects", nil)
		none.Disabled = true
		items = append(items, none)
	}
	return items
}

// Save saves to the project's folder, or asks for one (Save As).
func (mw *MainWindow) Save() {
	if d := mw.ProjectDir(); d != "" {
		mw.SaveProject(d)
		return
	}
	mw.ShowSaveAsDialog()
}

// ProjectFolderName is the folder name Save As proposes for a project.
func ProjectFolderName(name string) string {
	name = strings.TrimSpace(FileStem(name))
	if name == "" {
		name = "Untitled project"
	}
	return name + project.Ext
}

// ShowSaveAsDialog asks for the folder to save the project in and its
// name, then saves it as NAME.alignscope there.
func (mw *MainWindow) ShowSaveAsDialog() {
	d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err != nil {
			showError(mw.Win, "Cannot save", err, "")
			return
		}
		if u == nil {
			return
		}
		parent := u.Path()
		if strings.HasSuffix(parent, project.Ext) {
			mw.confirmSave(parent)
			return
		}
		name := widget.NewEntry()
		name.SetText(strings.TrimSuffix(ProjectFolderName(mw.ws.Project().Name), project.Ext))
		dialog.ShowForm("Save project as", "Save", "Cancel", []*widget.FormItem{
			widget.NewFormItem("In", widget.NewLabel(parent)),
			widget.NewFormItem("Name", name),
		}, func(ok bool) {
			if ok {
				mw.confirmSave(filepath.Join(parent, ProjectFolderName(name.Text)))
			}
		}, mw.Win)
	}, mw.Win)
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}

// confirmSave saves to dir, asking first when another project is there.
func (mw *MainWindow) confirmSave(dir string) {
	if _, err := os.Stat(filepath.Join(dir, project.FileName)); err == nil && filepath.Clean(dir) != filepath.Clean(mw.ProjectDir()) {
		dialog.ShowConfirm("Replace project?", filepath.Base(dir)+" already holds a project. Replace it with this one?", func(ok bool) {
			if ok {
				mw.SaveProject(dir)
			}
		}, mw.Win)
		return
	}
	mw.SaveProject(dir)
}

// ShowOpenProjectDialog asks for a project folder (NAME.alignscope) and
// opens it.
func (mw *MainWindow) ShowOpenProjectDialog() {
	d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err != nil {
			showError(mw.Win, "Cannot open", err, "")
			return
		}
		if u != nil {
			mw.OpenProject(u.Path())
		}
	}, mw.Win)
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}

// ExportRecipe writes the project's recipe: sources, edits and every
// analysis with its settings and seeds, for `alignscope run`. Call on the
// UI goroutine.
func (mw *MainWindow) ExportRecipe(path string) error {
	return project.WriteRecipe(path, mw.ProjectState(), project.SaveOptions{Software: mw.Software()})
}

// ExportMethods writes the methods text: a paragraph per analysis. Call
// on the UI goroutine.
func (mw *MainWindow) ExportMethods(path string) error {
	return project.WriteMethods(path, mw.Analyses(), mw.Software())
}

// ExportReport writes the report as PDF to path and as HTML beside it,
// in a background job: the project summary, and per analysis its
// methods, every figure and the tables. Call on the UI goroutine.
func (mw *MainWindow) ExportReport(path string) *job.Job {
	st := mw.ProjectState()
	sw := mw.Software()
	return mw.ws.Jobs.Start("Report "+filepath.Base(path), func(ctx context.Context, rep *job.Reporter) error {
		rep.Message("drawing the figures")
		doc, err := project.BuildReport(st, project.ReportOptions{Software: sw, Figures: AnalysisFigures})
		if err != nil {
			return err
		}
		return project.WriteReport(path, project.HTMLBeside(path), doc)
	}, func(err error) {
		fyne.Do(func() {
			if err != nil {
				showError(mw.Win, "Could not write the report", err, "Choose another folder or file name.")
				return
			}
			showInfo(mw.Win, "Report written", "Wrote "+path+"\nand "+project.HTMLBeside(path))
		})
	})
}

// exportDialog asks for a file to write and calls write with its path.
func (mw *MainWindow) exportDialog(name string, exts []string, write func(path string) error) {
	d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil {
			showError(mw.Win, "Cannot export", err, "")
			return
		}
		if wc == nil {
			return
		}
		path := wc.URI().Path()
		wc.Close()
		if err := write(path); err != nil {
			showError(mw.Win, "Could not write "+filepath.Base(path), err, "Choose another folder or file name.")
		}
	}, mw.Win)
	d.SetFileName(name)
	d.SetFilter(storage.NewExtensionFileFilter(exts))
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}

// ShowExportRecipeDialog asks where to write the recipe (Export →
// Recipe).
func (mw *MainWindow) ShowExportRecipeDialog() {
	mw.exportDialog(FileStem(mw.ws.Project().Name)+"-recipe.toml", []string{".toml"}, func(path string) error {
		if err := mw.ExportRecipe(path); err != nil {
			return err
		}
		showInfo(mw.Win, "Recipe written", "Wrote "+path+"\n\nReplay it without the window with\n  alignscope run "+filepath.Base(path)+" --out DIR")
		return nil
	})
}

// ShowExportMethodsDialog asks where to write the methods text (Export →
// Methods text).
func (mw *MainWindow) ShowExportMethodsDialog() {
	mw.exportDialog(FileStem(mw.ws.Project().Name)+"-methods.txt", []string{".txt", ".md"}, func(path string) error {
		if err := mw.ExportMethods(path); err != nil {
			return err
		}
		showInfo(mw.Win, "Methods text written", "Wrote "+path)
		return nil
	})
}

// ShowExportReportDialog asks where to write the report (Export →
// Report): a PDF, and an HTML page beside it.
func (mw *MainWindow) ShowExportReportDialog() {
	mw.exportDialog(FileStem(mw.ws.Project().Name)+"-report.pdf", []string{".pdf"}, func(path string) error {
		mw.ExportReport(path)
		return nil
	})
}

// Autosave: the project state is written every few minutes to a side
// project folder in the app's storage; a marker file says the app is
// running. A marker left by a run that did not stop cleanly means the
// autosave may hold unsaved work, and the next start offers it.
const (
	autosaveName = "autosave" + project.Ext
	runningName  = "running"
)

// DefaultAutosaveDir is the side folder of the autosave in the app's
// storage.
func DefaultAutosaveDir() string {
	if app := fyne.CurrentApp(); app != nil && app.Storage() != nil && app.Storage().RootURI() != nil {
		return filepath.Join(app.Storage().RootURI().Path(), autosaveName)
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "alignscope", autosaveName)
}

// StartAutosave offers the autosave of a run that did not stop cleanly
// (OfferRecovery), then writes the project state to dir ("" for
// DefaultAutosaveDir) every interval, when it changed. Call StopAutosave
// on a clean exit.
func (mw *MainWindow) StartAutosave(dir string, every time.Duration) {
	if dir == "" {
		dir = DefaultAutosaveDir()
	}
	ps := mw.projState()
	ps.autosaveDir = dir
	mw.OfferRecovery()
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err == nil {
		os.WriteFile(filepath.Join(filepath.Dir(dir), runningName), []byte(strconv.Itoa(os.Getpid())), 0o644)
	}
	stop := make(chan struct{})
	ps.stopAutosave = stop
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				mw.Autosave()
			}
		}
	}()
}

// Autosave writes the project state to the autosave folder now, unless
// it did not change since the last autosave. It may be called from any
// goroutine.
func (mw *MainWindow) Autosave() error {
	ps := mw.projState()
	if ps.autosaveDir == "" {
		return errors.New("autosave is not started")
	}
	ps.autosaveMu.Lock()
	defer ps.autosaveMu.Unlock()
	var st *project.State
	fyne.DoAndWait(func() {
		st = mw.ProjectState()
		if ps.dir != "" {
			st.UI["project.dir"] = ps.dir
		}
	})
	if len(st.Project.Sources) == 0 {
		return nil // nothing loaded
	}
	sig := stateSignature(st)
	if sig == ps.lastAutosave {
		return nil
	}
	if err := project.Save(ps.autosaveDir, st, project.SaveOptions{Software: mw.Software()}); err != nil {
		return err
	}
	ps.lastAutosave = sig
	return nil
}

// stateSignature changes whenever what an autosave writes changes.
func stateSignature(st *project.State) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%p %d %d\n", st.Project, len(st.Project.Sources), len(st.Project.Edits))
	for _, a := range st.Analyses {
		h, _ := a.SettingsHash()
		fmt.Fprintf(&b, "%s %s %p\n", a.ID, h, a.Result)
	}
	keys := make([]string, 0, len(st.UI))
	for k := range st.UI {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "%s=%q\n", k, st.UI[k])
	}
	return b.String()
}

// StopAutosave ends the autosave on a clean exit: the side folder and the
// running marker are removed.
func (mw *MainWindow) StopAutosave() {
	ps := mw.projState()
	if ps.stopAutosave != nil {
		close(ps.stopAutosave)
		ps.stopAutosave = nil
	}
	if ps.autosaveDir == "" {
		return
	}
	ps.autosaveMu.Lock()
	defer ps.autosaveMu.Unlock()
	os.RemoveAll(ps.autosaveDir)
	os.Remove(filepath.Join(filepath.Dir(ps.autosaveDir), runningName))
}

// OfferRecovery asks, after a run that did not stop cleanly, whether to
// restore the project it autosaved; it reports whether it asked.
func (mw *MainWindow) OfferRecovery() bool {
	ps := mw.projState()
	dir := ps.autosaveDir
	if dir == "" {
		dir = DefaultAutosaveDir()
		ps.autosaveDir = dir
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(dir), runningName)); err != nil {
		return false
	}
	st, err := os.Stat(filepath.Join(dir, project.FileName))
	if err != nil {
		return false
	}
	msg := fmt.Sprintf("Alignscope did not close properly last time. A copy of the project was saved automatically at %s. Restore it?",
		st.ModTime().Format("15:04 on 2 January 2006"))
	dialog.ShowConfirm("Restore unsaved work?", msg, func(ok bool) {
		if ok {
			mw.OpenProject(dir)
		}
	}, mw.Win)
	return true
}
