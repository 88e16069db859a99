package ui

import (
	"context"
	"errors"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/alignscope/alignscope/assets/demonet"
	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/job"
	"github.com/alignscope/alignscope/core/network"
	"github.com/alignscope/alignscope/io/extract"
	"github.com/alignscope/alignscope/io/images"
	"github.com/alignscope/alignscope/io/loader"
	"github.com/alignscope/alignscope/io/onnxfile"
)

// The one-line explanations of the Model page.
const (
	modelEmpty = "Open a network exported to ONNX (torch.onnx.export, or a model zoo), or the demo network. " +
		"Its nodes appear here: tick the ones that become layers of a model, set the preprocessing and the " +
		"stimulus images on the left, then Extract. The activations are written to disk as float32 .npy files " +
		"(one per layer) and added to the project as a model like any loaded .npz."
	preHelp = "Resize the shorter side, crop the central square, then (pixel/255 − mean)/std per RGB channel " +
		"(torchvision's evaluation transform; 0: no resize or crop)."
	netHint = "Choose an ONNX file exported with torch.onnx.export (opset 13–17) or from a model zoo; " +
		"a network with an operator the runtime lacks cannot be run (the message names it)."
	demoNetName = "demonet.onnx"
)

// ModelPage is the Model tab: open an ONNX network, tick the nodes that
// become layers, set the preprocessing and the stimulus images, and
// extract the activations in the background into a new model of the
// project (stored as float32 .npy files in a folder, io/extract).
type ModelPage struct {
	mw *MainWindow

	net      *network.Net
	netPath  string // the .onnx file, or "" for the built-in demo network
	nodes    []network.Node
	defaults map[string]bool
	ticked   map[string]bool

	openNet, demoNet        *widget.Button
	netInfo                 *widget.Label
	resize, crop, mean, std *widget.Entry
	preHint                 *widget.Label
	images                  *widget.Entry
	imagesHint              *widget.Label
	imagesAuto              string // the images folder last proposed
	name, out               *widget.Entry
	nameAuto, outAuto       string // the name and output folder last proposed
	extract                 *widget.Button
	runInfo                 *widget.Label
	loadJob, job            *job.Job
	loadSeq                 int

	table    *widget.Table
	tickInfo *widget.Label
	empty    *widget.Label
	view     fyne.CanvasObject
	controls *container.Scroll
	root     fyne.CanvasObject
}

func newModelPage(mw *MainWindow) *ModelPage {
	pg := &ModelPage{mw: mw, defaults: map[string]bool{}, ticked: map[string]bool{}}
	hint := func() *widget.Label {
		l := widget.NewLabel("")
		l.Wrapping = fyne.TextWrapWord
		l.Importance = widget.LowImportance
		return l
	}
	pg.netInfo, pg.preHint, pg.imagesHint, pg.runInfo, pg.tickInfo = hint(), hint(), hint(), hint(), hint()
	pg.netInfo.SetText("No network open.")
	pg.openNet = widget.NewButtonWithIcon("Open network (.onnx)…", theme.FolderOpenIcon(), pg.showOpenDialog)
	pg.demoNet = widget.NewButtonWithIcon("Demo network", theme.ComputerIcon(), func() { pg.OpenDemoNetwork() })
	entry := func(place string) *widget.Entry {
		e := widget.NewEntry()
		e.SetPlaceHolder(place)
		return e
	}
	pg.resize, pg.crop = entry("e.g. 256"), entry("e.g. 224")
	pg.mean, pg.std = entry("R, G, B"), entry("R, G, B")
	pg.setPre(network.ImageNetPreprocess(), "ImageNet defaults until a network is open.")
	pg.images = entry("folder of PNG/JPEG images, one per stimulus")
	pg.images.OnChanged = func(string) { pg.updateImagesHint() }
	pg.name = entry("model name")
	pg.out = entry("folder for the .npy files")
	pg.name.OnChanged = func(s string) {
		if pg.out.Text == "" || pg.out.Text == pg.outAuto {
			pg.proposeOut()
		}
	}
	browse := func(e *widget.Entry, title string) fyne.CanvasObject {
		return container.NewBorder(nil, nil, nil, widget.NewButton("Browse…", func() {
			d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
				if err == nil && u != nil {
					e.SetText(u.Path())
				}
			}, mw.Win)
			d.SetConfirmText(title)
			d.Resize(fyne.NewSize(800, 560))
			d.Show()
		}), e)
	}
	pg.extract = widget.NewButtonWithIcon("Extract", theme.MediaPlayIcon(), func() { pg.Extract() })
	pg.extract.Importance = widget.HighImportance
	pg.extract.Disable()

	pre := widget.NewForm(
		widget.NewFormItem("Resize", pg.resize),
		widget.NewFormItem("Crop", pg.crop),
		widget.NewFormItem("Mean", pg.mean),
		widget.NewFormItem("Std", pg.std),
	)
	output := widget.NewForm(
		widget.NewFormItem("Model name", pg.name),
		widget.NewFormItem("Folder", browse(pg.out, "Write here")),
	)
	pg.controls = container.NewVScroll(container.NewVBox(
		heading("Network"),
		container.NewGridWithColumns(2, pg.openNet, pg.demoNet),
		pg.netInfo,
		widget.NewSeparator(),
		heading("Preprocessing"), pre, pg.preHint,
		widget.NewSeparator(),
		heading("Stimulus images"), browse(pg.images, "Use this folder"), pg.imagesHint,
		widget.NewSeparator(),
		heading("Output"), output,
	))
	// The Extract button stays in view below the scrolling choices.
	left := container.NewBorder(nil, container.NewVBox(pg.extract, pg.runInfo), nil, nil, pg.controls)

	pg.table = widget.NewTableWithHeaders(
		func() (int, int) { return len(pg.nodes), 6 },
		func() fyne.CanvasObject {
			return container.NewStack(widget.NewCheck("", nil), widget.NewLabel("wwwwwwwwwwww"))
		},
		pg.updateCell)
	pg.table.ShowHeaderColumn = false
	pg.table.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	pg.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Col < 6 {
			o.(*widget.Label).SetText([]string{"", "layer", "op", "shape", "units", "ONNX tensor"}[id.Col])
		}
	}
	for c, w := range []float32{36, 150, 150, 100, 70, 320} {
		pg.table.SetColumnWidth(c, w)
	}
	pg.table.OnSelected = func(id widget.TableCellID) {
		pg.table.UnselectAll()
		if id.Row >= 0 && id.Row < len(pg.nodes) && id.Col != 0 {
			name := pg.nodes[id.Row].Name
			pg.setTicked(name, !pg.ticked[name])
		}
	}
	tickBar := container.NewHBox(heading("Layers"),
		widget.NewButton("All", func() { pg.tick(func(network.Node) bool { return true }) }),
		widget.NewButton("None", func() { pg.tick(func(network.Node) bool { return false }) }),
		widget.NewButton("Defaults", func() { pg.tick(func(n network.Node) bool { return pg.defaults[n.Name] }) }),
	)
	pg.view = container.NewBorder(container.NewVBox(tickBar, pg.tickInfo), nil, nil, nil, pg.table)
	pg.view.Hide()
	pg.empty = wrapped(modelEmpty)
	split := container.NewHSplit(left, container.NewStack(pg.empty, pg.view))
	split.Offset = 0.3
	pg.root = split
	pg.refreshOptions()
	return pg
}

// updateCell fills a cell of the node table: a tick box in column 0,
// text in the others.
func (pg *ModelPage) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	st := o.(*fyne.Container)
	check, label := st.Objects[0].(*widget.Check), st.Objects[1].(*widget.Label)
	if id.Row < 0 || id.Row >= len(pg.nodes) {
		return
	}
	nd := pg.nodes[id.Row]
	if id.Col == 0 {
		label.Hide()
		check.Show()
		check.OnChanged = nil
		check.SetChecked(pg.ticked[nd.Name])
		check.OnChanged = func(b bool) { pg.setTicked(nd.Name, b) }
		return
	}
	check.Hide()
	label.Show()
	label.TextStyle.Bold = id.Col == 1 && pg.defaults[nd.Name]
	var s string
	switch id.Col {
	case 1:
		s = nd.Label
	case 2:
		s = nd.Op
		if nd.Output {
			s += " (output)"
		}
	case 3:
		s = shapeLabel(nd.Shape)
	case 4:
		s = strconv.Itoa(nd.Units())
	case 5:
		s = nd.Name
	}
	label.SetText(s)
}

func shapeLabel(s []int) string {
	if len(s) == 0 {
		return "1"
	}
	p := make([]string, len(s))
	for i, d := range s {
		p[i] = strconv.Itoa(d)
	}
	return strings.Join(p, "×")
}

func (pg *ModelPage) setTicked(name string, b bool) {
	pg.ticked[name] = b
	pg.table.Refresh()
	pg.updateTickInfo()
}

// tick sets every node's tick box by keep.
func (pg *ModelPage) tick(keep func(network.Node) bool) {
	for _, nd := range pg.nodes {
		pg.ticked[nd.Name] = keep(nd)
	}
	pg.table.Refresh()
	pg.updateTickInfo()
}

// Layers returns the ticked nodes' tensor names in graph order.
func (pg *ModelPage) Layers() []string {
	var out []string
	for _, nd := range pg.nodes {
		if pg.ticked[nd.Name] {
			out = append(out, nd.Name)
		}
	}
	return out
}

func (pg *ModelPage) updateTickInfo() {
	n, units := 0, 0
	for _, nd := range pg.nodes {
		if pg.ticked[nd.Name] {
			n++
			units += nd.Units()
		}
	}
	size := ""
	if ns := pg.mw.ws.Project().NStimuli(); ns > 0 {
		size = fmt.Sprintf(", %s on disk for %d stimuli", byteSize(int64(units)*4*int64(ns)), ns)
	}
	pg.tickInfo.SetText(fmt.Sprintf("%d of %d nodes ticked: %d values per image%s. "+
		"Bold: the defaults (every ReLU/pooling block's output and the logits). Click a row to tick or untick it.",
		n, len(pg.nodes), units, size))
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// setPre shows a preprocessing in the fields.
func (pg *ModelPage) setPre(p network.Preprocess, hint string) {
	pg.resize.SetText(strconv.Itoa(p.Resize))
	pg.crop.SetText(strconv.Itoa(p.Crop))
	list := func(v []float64) string {
		s := make([]string, len(v))
		for i, x := range v {
			s[i] = strconv.FormatFloat(x, 'g', -1, 64)
		}
		return strings.Join(s, ", ")
	}
	pg.mean.SetText(list(p.Mean))
	pg.std.SetText(list(p.Std))
	pg.preHint.SetText(hint + " " + preHelp)
}

// preprocess reads the preprocessing fields.
func (pg *ModelPage) preprocess() (network.Preprocess, error) {
	var p network.Preprocess
	for _, f := range []struct {
		name string
		e    *widget.Entry
		dst  *int
	}{{"resize", pg.resize, &p.Resize}, {"crop", pg.crop, &p.Crop}} {
		v, err := strconv.Atoi(strings.TrimSpace(f.e.Text))
		if err != nil || v < 0 {
			return p, fmt.Errorf("%s must be a whole number of pixels ≥ 0 (0: no %s), not %q", f.name, f.name, f.e.Text)
		}
		*f.dst = v
	}
	for _, f := range []struct {
		name string
		e    *widget.Entry
		dst  *[]float64
	}{{"mean", pg.mean, &p.Mean}, {"std", pg.std, &p.Std}} {
		parts := strings.FieldsFunc(f.e.Text, func(r rune) bool { return r == ',' || r == ' ' || r == ';' })
		if len(parts) != 3 {
			return p, fmt.Errorf("%s needs 3 numbers (R, G, B), not %q", f.name, f.e.Text)
		}
		for _, s := range parts {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return p, fmt.Errorf("%s: %q is not a number", f.name, s)
			}
			*f.dst = append(*f.dst, v)
		}
	}
	return p, p.Validate()
}

// refreshOptions follows the project: the proposed images folder, the
// model name and the counts.
func (pg *ModelPage) refreshOptions() {
	if pg.images.Text == pg.imagesAuto {
		pg.imagesAuto = pg.defaultImages()
		pg.images.SetText(pg.imagesAuto)
	}
	if pg.net != nil {
		if pg.name.Text == "" || pg.name.Text == pg.nameAuto {
			pg.proposeName()
		}
		pg.updateTickInfo()
	}
	pg.updateImagesHint()
}

// isDemo reports whether the project is the built-in demo.
func isDemo(p *data.Project) bool {
	for _, s := range p.Sources {
		if s.Kind == loader.KindEmbedded {
			return true
		}
	}
	return false
}

// defaultImages proposes the images folder of the project: images/ of a
// data folder ("" for the demo, whose images are built in, and for other
// projects).
func (pg *ModelPage) defaultImages() string {
	p := pg.mw.ws.Project()
	for _, s := range p.Sources {
		if s.Kind == loader.KindFolder {
			dir := filepath.Join(s.Path, "images")
			if st, err := os.Stat(dir); err == nil && st.IsDir() {
				return dir
			}
		}
	}
	return ""
}

func (pg *ModelPage) updateImagesHint() {
	p := pg.mw.ws.Project()
	dir := strings.TrimSpace(pg.images.Text)
	var s string
	switch {
	case dir == "" && isDemo(p) && pg.mw.opts.Demo != nil:
		s = fmt.Sprintf("The demo's built-in images, one per stimulus (%d), matched by name.", p.NStimuli())
	case dir == "":
		s = "Choose the folder of stimulus images (PNG or JPEG)."
	case p.Stimuli == nil:
		s = "The project has no stimulus table yet: the images' file names, sorted, become the stimuli."
	default:
		s = fmt.Sprintf("One image per stimulus (%d), found by name: NAME.png, .jpg or .jpeg.", p.NStimuli())
	}
	pg.imagesHint.SetText(s + " Images of different sizes are brought to one by the resize and crop.")
}

// proposeName fills the model name with the network's name, made unique
// in the project.
func (pg *ModelPage) proposeName() {
	base := "network"
	if pg.net != nil {
		base = strings.TrimSuffix(pg.net.Name, filepath.Ext(pg.net.Name))
	}
	p := pg.mw.ws.Project()
	name := base
	for k := 2; p.Model(name) != nil; k++ {
		name = fmt.Sprintf("%s-%d", base, k)
	}
	pg.nameAuto = name
	pg.name.SetText(name) // proposes the output folder (OnChanged)
}

// proposeOut fills the output folder with a new folder under the user's
// cache: alignscope/extracted/NAME-TIME.
func (pg *ModelPage) proposeOut() {
	root, err := os.UserCacheDir()
	if err != nil {
		root = os.TempDir()
	}
	name := strings.Trim(unsafeName(strings.TrimSpace(pg.name.Text)), "._")
	if name == "" {
		name = "model"
	}
	pg.outAuto = filepath.Join(root, "alignscope", "extracted", name+"-"+time.Now().Format("20060102-150405"))
	pg.out.SetText(pg.outAuto)
}

func unsafeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, s)
}

func (pg *ModelPage) showOpenDialog() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			showError(pg.mw.Win, "Could not open the network", err, netHint)
			return
		}
		if r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		pg.OpenNetwork(path)
	}, pg.mw.Win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".onnx"}))
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}

// OpenNetwork loads an .onnx file (and its side-car NAME.json) in the
// background and lists its nodes.
func (pg *ModelPage) OpenNetwork(path string) *job.Job {
	return pg.loadNet("Open network "+filepath.Base(path), path, func() (*network.Net, bool, error) {
		return onnxfile.Open(path)
	})
}

// OpenDemoNetwork loads the demo project's network (assets/demonet).
func (pg *ModelPage) OpenDemoNetwork() *job.Job {
	return pg.loadNet("Open the demo network", "", func() (*network.Net, bool, error) {
		n, err := onnxfile.Load(demonet.ONNX, demonet.Preprocess, demoNetName)
		return n, true, err
	})
}

func (pg *ModelPage) loadNet(title, path string, open func() (*network.Net, bool, error)) *job.Job {
	var (
		net   *network.Net
		side  bool
		nodes []network.Node
		def   []string
	)
	pg.loadSeq++
	seq := pg.loadSeq
	pg.netInfo.SetText("Opening…")
	j := pg.mw.ws.Jobs.Start(title, func(ctx context.Context, rep *job.Reporter) error {
		rep.Message("reading the graph")
		var err error
		if net, side, err = open(); err != nil {
			return err
		}
		rep.Message("building the graph to find the nodes' shapes")
		if nodes, err = net.Nodes(); err != nil {
			return err
		}
		if len(nodes) == 0 {
			return fmt.Errorf("%s has no node computed from the image that gives a float tensor", net.Name)
		}
		def, err = net.DefaultLayers()
		return err
	}, func(err error) {
		fyne.Do(func() {
			if seq != pg.loadSeq {
				return // a later load supersedes this one
			}
			if err != nil {
				if pg.net == nil {
					pg.netInfo.SetText("No network open.")
				} else {
					pg.showNetInfo()
				}
				showError(pg.mw.Win, "Could not open the network", err, netHint+" The page was left as it was.")
				return
			}
			pg.setNet(net, path, side, nodes, def)
		})
	})
	pg.loadJob = j
	return j
}

// setNet shows a loaded network: its nodes with the defaults ticked and
// its preprocessing.
func (pg *ModelPage) setNet(net *network.Net, path string, side bool, nodes []network.Node, def []string) {
	pg.net, pg.netPath, pg.nodes = net, path, nodes
	pg.defaults, pg.ticked = map[string]bool{}, map[string]bool{}
	for _, d := range def {
		pg.defaults[d], pg.ticked[d] = true, true
	}
	hint := "ImageNet defaults for the network's input size (no side-car " + filepath.Base(onnxfile.SidecarPath(net.Name)) + " beside the network)."
	if side {
		hint = "From the side-car " + filepath.Base(onnxfile.SidecarPath(net.Name)) + "."
		if path == "" {
			hint = "From the demo network's side-car (demonet.json)."
		}
	}
	pg.setPre(net.Pre, hint)
	pg.showNetInfo()
	pg.empty.Hide()
	pg.view.Show()
	pg.table.ScrollToTop()
	pg.table.Refresh()
	pg.proposeName()
	pg.updateTickInfo()
	pg.extract.Enable()
	pg.controls.Refresh()
}

func (pg *ModelPage) showNetInfo() {
	net := pg.net
	in, shape := net.Input()
	from := pg.netPath
	if from == "" {
		from = "built-in demo network (4 categories: " + strings.Join(demonet.Categories, ", ") + ")"
	}
	dims := make([]string, len(shape))
	for i, d := range shape {
		if d < 0 {
			dims[i] = "N"
		} else {
			dims[i] = strconv.Itoa(d)
		}
	}
	pg.netInfo.SetText(fmt.Sprintf("%s: input %q %s, opset %d, %d nodes can be layers (%d by default). From %s.",
		net.Name, in, strings.Join(dims, "×"), net.Opset(), len(pg.nodes), len(pg.defaults), from))
}

// modelRequest is what Extract reads from the page, on the UI goroutine.
type modelRequest struct {
	net       *network.Net
	pre       network.Preprocess
	layers    []string
	imagesDir string // "" for the demo's built-in images
	demo      bool
	stimuli   *data.Stimuli // the project's, nil when it has none
	name, out string
}

func (pg *ModelPage) request() (modelRequest, error) {
	p := pg.mw.ws.Project()
	req := modelRequest{net: pg.net, layers: pg.Layers(), stimuli: p.Stimuli,
		imagesDir: strings.TrimSpace(pg.images.Text), name: strings.TrimSpace(pg.name.Text), out: strings.TrimSpace(pg.out.Text)}
	if pg.net == nil {
		return req, errors.New("open a network first (Open network or Demo network)")
	}
	if len(req.layers) == 0 {
		return req, errors.New("no layer is ticked; tick at least one node of the network (or press Defaults)")
	}
	var err error
	if req.pre, err = pg.preprocess(); err != nil {
		return req, err
	}
	if req.imagesDir == "" {
		if !isDemo(p) || pg.mw.opts.Demo == nil {
			return req, errors.New("choose the folder of stimulus images (one PNG or JPEG per stimulus, named after it)")
		}
		req.demo = true
	}
	if req.name == "" {
		return req, errors.New("give the model a name")
	}
	if p.Model(req.name) != nil {
		return req, fmt.Errorf("the project already has a model called %q; choose another name", req.name)
	}
	if req.out == "" {
		return req, errors.New("choose the folder to write the activations to")
	}
	if ents, err := os.ReadDir(req.out); err == nil && len(ents) > 0 {
		if _, err := os.Stat(filepath.Join(req.out, extract.LayersFile)); err == nil {
			return req, fmt.Errorf("%s already holds an extraction (layers.tsv); choose a new folder so that it is not overwritten", req.out)
		}
	}
	return req, nil
}

// readImages reads the stimulus images of a request.
func (pg *ModelPage) readImages(req modelRequest) (*images.Set, error) {
	if req.demo {
		set, err := images.ReadFS(pg.mw.opts.Demo, "images", req.stimuli)
		if err != nil {
			return nil, fmt.Errorf("built-in demo images: %w", err)
		}
		return set, nil
	}
	return images.ReadDir(req.imagesDir, req.stimuli)
}

// Extract runs the network over the stimulus images in the background,
// writes the ticked layers into the output folder and adds them to the
// project as a model. On any error the project stays as it was and a
// dialog says why.
func (pg *ModelPage) Extract() *job.Job {
	req, err := pg.request()
	if err != nil {
		showError(pg.mw.Win, "Cannot extract", err, "Change the choice on the left and extract again.")
		return nil
	}
	if pg.job != nil && pg.job.Status().State == job.Running {
		showError(pg.mw.Win, "Cannot extract", errors.New("an extraction is already running"),
			"Wait for it to finish, or cancel it in Jobs below.")
		return nil
	}
	req.net.Pre = req.pre
	var (
		stage   string
		res     *extract.Result
		change  loader.Change
		mats    []data.Matrix
		sources []string
		stim    *data.Stimuli // the images' table with thumbnails, when the project has none
		start   = time.Now()
	)
	pg.runInfo.SetText("Extracting… (see Jobs below for progress and Cancel)")
	pg.job = pg.mw.ws.Jobs.Start(fmt.Sprintf("Extract %s: %d layers", req.name, len(req.layers)),
		func(ctx context.Context, rep *job.Reporter) error {
			stage = "images"
			rep.Message("reading the stimulus images")
			set, err := pg.readImages(req)
			if err != nil {
				return err
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			if req.stimuli == nil || req.stimuli.Thumbnails == nil {
				stim = thumbnailed(set)
			}
			stage = "extract"
			if res, err = extract.ToDir(ctx, req.net, set, req.layers, req.out, rep); err != nil {
				return err
			}
			stage = "load"
			rep.Message("reading the written layers")
			change, mats, sources, err = loader.Load(loader.Source{Kind: loader.KindModelDir, Path: req.out, Name: req.name})
			return err
		}, func(err error) {
			fyne.Do(func() {
				pg.runInfo.SetText("")
				if err != nil {
					if errors.Is(err, context.Canceled) {
						pg.runInfo.SetText("Cancelled; nothing was written and the project is unchanged.")
						return
					}
					showError(pg.mw.Win, "Extraction failed", err, extractHint(stage, err, req))
					return
				}
				err = pg.mw.ws.Update(func(p *data.Project) error {
					switch {
					case stim == nil:
					case p.Stimuli == nil: // the table built from the file names
						if err := p.SetStimuli(stim); err != nil {
							return err
						}
					case p.Stimuli == req.stimuli && p.Stimuli.Thumbnails == nil && len(stim.Thumbnails) == p.Stimuli.Len():
						// the images become the table's thumbnails
						s := *p.Stimuli
						s.Thumbnails = stim.Thumbnails
						p.Stimuli = &s
					}
					return change(p)
				})
				if err != nil {
					showError(pg.mw.Win, "Could not add the model", err,
						"The activations were written to "+req.out+"; the project is unchanged.")
					return
				}
				srcs := make([]sourceMatrix, len(mats))
				for i := range mats {
					srcs[i] = sourceMatrix{sources[i], mats[i]}
				}
				pg.mw.checkValues(srcs)
				pg.runInfo.SetText(fmt.Sprintf("Added model %q: %d layers × %d stimuli (%.1f s, folder %s).",
					req.name, len(res.Layers), res.Images, time.Since(start).Seconds(), filepath.Base(req.out)))
				pg.proposeName()
			})
		})
	return pg.job
}

// thumbnailed returns a copy of the set's stimulus table with thumbnails
// of its images.
func thumbnailed(set *images.Set) *data.Stimuli {
	s := *set.Stimuli
	s.Thumbnails = make([]image.Image, len(set.Images))
	for i, img := range set.Images {
		s.Thumbnails[i] = images.Thumbnail(img, 128)
	}
	return &s
}

// extractHint says what to do after a failed extraction.
func extractHint(stage string, err error, req modelRequest) string {
	const unchanged = "Nothing was changed in the project and nothing was left in the output folder. "
	var pe *extract.PrepareError
	var uo *network.UnsupportedOpError
	switch {
	case stage == "images" && req.demo:
		return unchanged + "The built-in images cover the demo's stimuli only; choose a folder of images for other stimuli."
	case stage == "images":
		return unchanged + "Put one PNG or JPEG per stimulus in " + req.imagesDir + ", named after the stimulus (NAME.png), or choose another folder."
	case errors.As(err, &pe):
		return unchanged + "Set resize and crop so that every image comes out at the network's input size (for ImageNet networks: resize 256, crop 224)."
	case errors.As(err, &uo):
		return unchanged + "The runtime cannot run this operator; export the network with other layers or another opset."
	case stage == "load":
		return "The activations were written to " + req.out + " but could not be read back; the project is unchanged."
	}
	return unchanged + "Check the network, the ticked layers and the output folder, then extract again."
}

// Net returns the network shown, or nil.
func (pg *ModelPage) Net() *network.Net { return pg.net }
