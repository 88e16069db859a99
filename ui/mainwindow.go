package ui

import (
	"fmt"
	"io/fs"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/lesion"
	"github.com/alignscope/alignscope/core/rsa"
	"github.com/alignscope/alignscope/core/voxelwise"
	"github.com/alignscope/alignscope/core/workspace"
)

// Options configure the main window.
type Options struct {
	// Demo is the built-in demo project (a folder in the loader's layout).
	Demo fs.FS
	// Version is shown in the About dialog.
	Version string
	// BLAS names the linear-algebra back end, for the About dialog.
	BLAS string
	// OnQuit is called by File → Quit.
	OnQuit func()
}

// MainWindow is Alignscope's window: the project tree on the left, the
// selected page in the middle, the jobs panel at the bottom.
type MainWindow struct {
	Win  fyne.Window
	ws   *workspace.Workspace
	opts Options

	tree     *widget.Tree
	page     *fyne.Container
	pages    *container.AppTabs
	jobs     *JobsPanel
	stimTabs *container.AppTabs
	rsa      *RSAPage
	dataSig  string

	edits, redos []edit                       // the undo history (undo.go)
	lastChoices  map[string]map[string]string // each page's settings at its last run
	skipData     int                          // workspace changes made by Undo/Redo
	enc          *EncodingPage
	les          *LesionPage
	model        *ModelPage
	selected     string
	openForm     *dialog.FormDialog

	mu        sync.Mutex
	nonFinite map[string]int // NaN/Inf count per source, after the check job
}

// NewMainWindow builds the window content, menu and shortcuts in w.
func NewMainWindow(w fyne.Window, ws *workspace.Workspace, opts Options) *MainWindow {
	mw := &MainWindow{Win: w, ws: ws, opts: opts, nonFinite: map[string]int{}, lastChoices: map[string]map[string]string{}}
	pt := projectTree{project: ws.Project}
	mw.tree = widget.NewTree(pt.children, pt.isBranch, pt.create, pt.update)
	mw.tree.OnSelected = func(id widget.TreeNodeID) { mw.showPage(id) }
	mw.tree.OpenBranch("models")
	mw.tree.OpenBranch("subjects")

	mw.page = container.NewStack()
	mw.rsa = newRSAPage(mw)
	mw.enc = newEncodingPage(mw)
	mw.les = newLesionPage(mw)
	mw.model = newModelPage(mw)
	mw.pages = container.NewAppTabs(
		container.NewTabItemWithIcon("Data", theme.StorageIcon(), container.NewPadded(mw.page)),
		container.NewTabItemWithIcon("RSA", theme.GridIcon(), mw.rsa.root),
		container.NewTabItemWithIcon("Encoding", theme.VisibilityIcon(), mw.enc.root),
		container.NewTabItemWithIcon("Lesions", theme.ContentCutIcon(), mw.les.root),
		container.NewTabItemWithIcon("Networks", theme.ComputerIcon(), mw.model.root),
	)
	mw.jobs = NewJobsPanel(ws.Jobs)

	left := container.NewBorder(heading("Project"), nil, nil, nil, mw.tree)
	split := container.NewHSplit(left, mw.pages)
	split.Offset = 0.25
	main := container.NewVSplit(split, mw.jobs)
	main.Offset = 0.84
	w.SetContent(main)
	w.SetMainMenu(mw.menu())
	w.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault},
		func(fyne.Shortcut) { mw.Save() })
	w.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyZ, Modifier: fyne.KeyModifierShortcutDefault},
		func(fyne.Shortcut) { mw.Undo() })
	w.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyZ, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift},
		func(fyne.Shortcut) { mw.Redo() })
	ws.OnChange(func() { fyne.Do(func() { mw.dataChanged(); mw.refresh() }) })
	mw.showPage("")
	return mw
}

func (mw *MainWindow) menu() *fyne.MainMenu {
	save := fyne.NewMenuItem("Save project", mw.Save)
	save.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault}
	recent := fyne.NewMenuItem("Recent projects", nil)
	recent.ChildMenu = fyne.NewMenu("", mw.RecentMenuItems()...)
	exports := fyne.NewMenuItem("Export", nil)
	exports.ChildMenu = fyne.NewMenu("",
		fyne.NewMenuItem("Recipe (rerun headless)…", mw.ShowExportRecipeDialog),
		fyne.NewMenuItem("Methods text…", mw.ShowExportMethodsDialog),
		fyne.NewMenuItem("Report (PDF and HTML)…", mw.ShowExportReportDialog),
	)
	file := fyne.NewMenu("File",
		fyne.NewMenuItem("Open project…", mw.ShowOpenProjectDialog),
		recent,
		save,
		fyne.NewMenuItem("Save project as…", mw.ShowSaveAsDialog),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("Open data file…", mw.ShowOpenDialog),
		fyne.NewMenuItem("Open data folder…", mw.ShowOpenFolderDialog),
		fyne.NewMenuItem("Open demo project", func() { mw.OpenDemo() }),
		fyne.NewMenuItemSeparator(),
		exports,
	)
	if mw.opts.OnQuit != nil {
		q := fyne.NewMenuItem("Quit", mw.opts.OnQuit)
		q.IsQuit = true
		file.Items = append(file.Items, fyne.NewMenuItemSeparator(), q)
	}
	undo := fyne.NewMenuItem("Undo", mw.Undo)
	undo.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyZ, Modifier: fyne.KeyModifierShortcutDefault}
	redo := fyne.NewMenuItem("Redo", mw.Redo)
	redo.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyZ, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
	edit := fyne.NewMenu("Edit", undo, redo)
	help := fyne.NewMenu("Help", fyne.NewMenuItem("About Alignscope", mw.showAbout))
	return fyne.NewMainMenu(file, edit, help)
}

// StartJobsRefresh keeps the jobs panel current while the app runs.
func (mw *MainWindow) StartJobsRefresh() { mw.jobs.Start(250 * time.Millisecond) }

// StopJobsRefresh stops the jobs panel's refresh goroutine.
func (mw *MainWindow) StopJobsRefresh() { mw.jobs.Stop() }

// Select selects tree node id ("stimuli", "layer/M\x1fL", …) and shows it.
func (mw *MainWindow) Select(id string) {
	if kind, names := parseNode(id); len(names) > 0 {
		switch kind {
		case "layer", "model":
			mw.tree.OpenBranch("models")
			mw.tree.OpenBranch(nodeID("model", names[0]))
		case "region", "subject":
			mw.tree.OpenBranch("subjects")
			mw.tree.OpenBranch(nodeID("subject", names[0]))
		}
	}
	mw.tree.Select(id)
	mw.tree.ScrollTo(id)
	mw.showPage(id)
}

// NodeID builds the tree ID of a node kind ("model", "layer", "subject",
// "region") and its names.
func NodeID(kind string, names ...string) string { return nodeID(kind, names...) }

// TreeChildren lists the tree's children of node id ("" is the root).
func (mw *MainWindow) TreeChildren(id string) []string {
	return projectTree{project: mw.ws.Project}.children(id)
}

// TreeLabel returns the name and info text the tree shows for id.
func (mw *MainWindow) TreeLabel(id string) (string, string) {
	_, name, info := projectTree{project: mw.ws.Project}.label(id)
	return name, info
}

// ShowStimulusTable switches the stimuli page to its table tab.
func (mw *MainWindow) ShowStimulusTable() {
	if mw.stimTabs != nil {
		mw.stimTabs.SelectIndex(1)
	}
}

func (mw *MainWindow) showPage(id string) {
	mw.selected = id
	mw.stimTabs = nil
	mw.page.Objects = []fyne.CanvasObject{mw.dataPage(id)}
	mw.page.Refresh()
}

func (mw *MainWindow) refresh() {
	p := mw.ws.Project()
	// results computed on other data must not be shown from the caches
	if sig := dataSignature(p); sig != mw.dataSig {
		mw.dataSig = sig
		mw.rsa.cache = map[string]*rsa.Result{}
		mw.enc.cache = map[string]*voxelwise.Result{}
		mw.les.cache = map[string]*lesion.Result{}
	}
	mw.Win.SetTitle("Alignscope — " + p.Name)
	mw.tree.Refresh()
	mw.showPage(mw.selected)
	mw.rsa.refreshOptions()
	mw.enc.refreshOptions()
	mw.les.refreshOptions()
	mw.model.refreshOptions()
	for prefix := range choiceKeys {
		mw.baseline(prefix)
	}
}

// Lesions returns the Lesions page.
func (mw *MainWindow) Lesions() *LesionPage { return mw.les }

// Encoding returns the Encoding page.
func (mw *MainWindow) Encoding() *EncodingPage { return mw.enc }

// RSA returns the RSA page.
func (mw *MainWindow) RSA() *RSAPage { return mw.rsa }

// ShowPage switches to the page with the given tab title ("Data", "RSA").
func (mw *MainWindow) ShowPage(title string) {
	for i, t := range mw.pages.Items {
		if t.Text == title {
			mw.pages.SelectIndex(i)
		}
	}
}

func (mw *MainWindow) showAbout() {
	showInfo(mw.Win, "About Alignscope",
		"Alignscope "+mw.opts.Version+"\n"+
			"A workbench for testing neural networks as models of the brain: "+
			"representational similarity analysis, encoding models and lesions.\n\n"+
			"Linear algebra: "+mw.opts.BLAS)
}

// dataSignature identifies the data of a project: its sources and edits.
func dataSignature(p *data.Project) string {
	return fmt.Sprintf("%q|%v|%v", p.Name, p.Sources, p.Edits)
}
