package extract

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/job"
	"github.com/alignscope/alignscope/core/network"
	"github.com/alignscope/alignscope/io/images"
	"github.com/alignscope/alignscope/io/npy"
	"github.com/alignscope/alignscope/io/table"
)

// The files of an extraction folder besides the layers' .npy files.
const (
	StimuliFile = "stimuli.tsv"
	LayersFile  = "layers.tsv"
)

// LayersHeader is the header line of layers.tsv.
const LayersHeader = "file\ttensor\tlabel\top\tshape"

// Layer is one layer written by ToDir: a row of layers.tsv.
type Layer struct {
	File   string // file name in the folder, "pool2.npy"
	Tensor string // ONNX tensor name, "/pool2/MaxPool_output_0"
	Label  string // short name, the layer's name in a project: "pool2"
	Op     string // ONNX operator, "MaxPool"
	Shape  []int  // per-image shape, [32 8 8]
}

// Result describes a finished extraction.
type Result struct {
	Dir     string
	Layers  []Layer
	Images  int           // rows of every .npy
	Stimuli *data.Stimuli // as written to stimuli.tsv
}

// ShapeText writes a per-image shape as layers.tsv does: "32x8x8" (""
// for a scalar per image).
func ShapeText(s []int) string {
	p := make([]string, len(s))
	for i, d := range s {
		p[i] = strconv.Itoa(d)
	}
	return strings.Join(p, "x")
}

var unsafeFileChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// FileNames gives each node a file name from its label: characters
// outside [A-Za-z0-9._-] become "_", and a name already used (compared
// without case; "stimuli" and "layers" are reserved) gets a suffix _2,
// _3, ….
func FileNames(nodes []network.Node) []string {
	used := map[string]bool{"stimuli": true, "layers": true}
	files := make([]string, len(nodes))
	for i, nd := range nodes {
		base := strings.Trim(unsafeFileChars.ReplaceAllString(nd.Label, "_"), "._")
		if base == "" {
			base = "layer"
		}
		name := base
		for k := 2; used[strings.ToLower(name)]; k++ {
			name = fmt.Sprintf("%s_%d", base, k)
		}
		used[strings.ToLower(name)] = true
		files[i] = name + ".npy"
	}
	return files
}

// WriteLayers writes layers.tsv: LayersHeader, then one line per layer.
func WriteLayers(w io.Writer, layers []Layer) error {
	if _, err := fmt.Fprintln(w, LayersHeader); err != nil {
		return err
	}
	for _, l := range layers {
		for _, f := range []string{l.File, l.Tensor, l.Label, l.Op} {
			if strings.ContainsAny(f, "\t\n\r") {
				return fmt.Errorf("layers.tsv: %q holds a tab or a line break", f)
			}
		}
		if _, err := fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", l.File, l.Tensor, l.Label, l.Op, ShapeText(l.Shape)); err != nil {
			return err
		}
	}
	return nil
}

// PrepareError is returned by ToDir when the images cannot be
// preprocessed for the network (sizes that differ after preprocessing, a
// size the network does not take). Its message names the image files
// involved.
type PrepareError struct{ Err error }

func (e *PrepareError) Error() string { return e.Err.Error() }
func (e *PrepareError) Unwrap() error { return e.Err }

// imageRef finds "image N" in the messages of network.Prepare.
var imageRef = regexp.MustCompile(`\bimage (\d+)\b`)

// nameImages adds the file names of the images an error refers to by
// number ("image 2") from files.
func nameImages(err error, files []string) error {
	var parts []string
	seen := map[int]bool{}
	for _, m := range imageRef.FindAllStringSubmatch(err.Error(), -1) {
		i, _ := strconv.Atoi(m[1])
		if i >= 1 && i <= len(files) && !seen[i] {
			seen[i] = true
			parts = append(parts, fmt.Sprintf("image %d is %s", i, files[i-1]))
		}
	}
	if len(parts) == 0 {
		return err
	}
	return fmt.Errorf("%w (%s)", err, strings.Join(parts, ", "))
}

// ToDir runs net over the images of set and writes the activations of
// layers (ONNX tensor names or labels, see network.Net.Nodes; nil: the
// network's DefaultLayers) into the folder dir, created if needed, as the
// package documentation describes. The images are preprocessed with
// net.Pre and must all come out of it at one size. rep (nil allowed)
// counts images × layers; cancelling ctx stops the extraction after the
// running batches and removes what was written.
func ToDir(ctx context.Context, net *network.Net, set *images.Set, layers []string, dir string, rep *job.Reporter) (*Result, error) {
	if net == nil {
		return nil, errors.New("no network to run")
	}
	if set == nil || len(set.Images) == 0 {
		return nil, errors.New("no stimulus images to run the network on")
	}
	if set.Stimuli == nil || set.Stimuli.Len() != len(set.Images) {
		return nil, fmt.Errorf("%d images for %d stimuli; every stimulus needs one image", len(set.Images), stimLen(set.Stimuli))
	}
	if dir == "" {
		return nil, errors.New("no output folder given")
	}
	if layers == nil {
		var err error
		if layers, err = net.DefaultLayers(); err != nil {
			return nil, err
		}
	}
	if len(layers) == 0 {
		return nil, errors.New("no layers chosen; tick at least one node of the network")
	}
	nodes := make([]network.Node, len(layers))
	names := make([]string, len(layers))
	seen := map[string]string{}
	for i, nm := range layers {
		nd, err := net.Resolve(nm)
		if err != nil {
			return nil, err
		}
		if prev, ok := seen[nd.Name]; ok {
			return nil, fmt.Errorf("layer %q is chosen twice (as %q and %q)", nd.Label, prev, nm)
		}
		seen[nd.Name] = nm
		nodes[i], names[i] = nd, nd.Name
	}
	n := len(set.Images)
	if rep != nil {
		rep.SetTotal(n * len(nodes))
		rep.Set(0)
		rep.Message("preprocessing %d images", n)
	}
	in, err := net.Prepare(ctx, set.Images)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &PrepareError{nameImages(err, set.Files)}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	created := false
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		created = true
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("output folder: %w", err)
	}
	w := &writer{dir: dir, created: created}
	res, err := w.write(ctx, net, in, set, nodes, names, rep)
	if err != nil {
		w.cleanup()
		return nil, err
	}
	return res, nil
}

func stimLen(s *data.Stimuli) int {
	if s == nil {
		return 0
	}
	return s.Len()
}

// writer holds the temporary files of one extraction.
type writer struct {
	dir     string
	created bool
	sinks   []*sink
	parts   []string // temporary files, in rename order
}

type sink struct {
	f    *os.File
	bw   *bufio.Writer
	w    *npy.Writer[float32]
	part string
}

// cleanup closes and removes the temporary files, and the folder when
// ToDir created it and it is empty.
func (w *writer) cleanup() {
	for _, s := range w.sinks {
		s.f.Close()
	}
	for _, p := range w.parts {
		os.Remove(p)
	}
	if w.created {
		os.Remove(w.dir) // fails, as it should, when the folder is not empty
	}
}

func (w *writer) create(name string) (*os.File, error) {
	part := filepath.Join(w.dir, name+".part")
	f, err := os.Create(part)
	if err != nil {
		return nil, fmt.Errorf("output folder: %w", err)
	}
	w.parts = append(w.parts, part)
	return f, nil
}

func (w *writer) write(ctx context.Context, net *network.Net, in *network.Inputs, set *images.Set,
	nodes []network.Node, names []string, rep *job.Reporter) (*Result, error) {
	n := in.N
	files := FileNames(nodes)
	res := &Result{Dir: w.dir, Images: n, Stimuli: set.Stimuli}
	byName := map[string]*sink{}
	for i, nd := range nodes {
		f, err := w.create(files[i])
		if err != nil {
			return nil, err
		}
		s := &sink{f: f, bw: bufio.NewWriterSize(f, 1<<20), part: f.Name()}
		w.sinks = append(w.sinks, s)
		if s.w, err = npy.NewWriter[float32](s.bw, append([]int{n}, nd.Shape...)); err != nil {
			return nil, err
		}
		byName[nd.Name] = s
		res.Layers = append(res.Layers, Layer{File: files[i], Tensor: nd.Name, Label: nd.Label, Op: nd.Op,
			Shape: append([]int(nil), nd.Shape...)})
	}
	if rep != nil {
		rep.Message("running %s: 0 of %d images", net.Name, n)
	}
	last := names[len(names)-1]
	err := network.ExtractInputs(ctx, net, in, names, func(layer string, first int, _ []int, rows [][]float32) error {
		s := byName[layer]
		for _, r := range rows {
			if err := s.w.WriteValues(r); err != nil {
				return fmt.Errorf("writing %s: %w", filepath.Base(s.part), err)
			}
		}
		if rep != nil {
			rep.Add(len(rows))
			if layer == last {
				rep.Message("%d of %d images", first+len(rows), n)
			}
		}
		return nil
	}, nil)
	if err != nil {
		return nil, err
	}
	for _, s := range w.sinks {
		if err := s.w.Close(); err != nil {
			return nil, fmt.Errorf("writing %s: %w", filepath.Base(s.part), err)
		}
		if err := s.bw.Flush(); err != nil {
			return nil, fmt.Errorf("writing %s: %w", filepath.Base(s.part), err)
		}
		err := s.f.Close()
		s.f = nil
		if err != nil {
			return nil, fmt.Errorf("writing %s: %w", filepath.Base(s.part), err)
		}
	}
	w.sinks = nil
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	text := func(name string, fill func(io.Writer) error) error {
		f, err := w.create(name)
		if err != nil {
			return err
		}
		bw := bufio.NewWriter(f)
		err = fill(bw)
		if err == nil {
			err = bw.Flush()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("writing %s: %w", name, err)
		}
		return nil
	}
	if err := text(StimuliFile, func(wr io.Writer) error { return table.WriteStimuli(wr, set.Stimuli) }); err != nil {
		return nil, err
	}
	if err := text(LayersFile, func(wr io.Writer) error { return WriteLayers(wr, res.Layers) }); err != nil {
		return nil, err
	}
	// Rename in creation order: the .npy files, stimuli.tsv, layers.tsv.
	for len(w.parts) > 0 {
		p := w.parts[0]
		if err := os.Rename(p, strings.TrimSuffix(p, ".part")); err != nil {
			return nil, fmt.Errorf("output folder: %w", err)
		}
		w.parts = w.parts[1:]
	}
	return res, nil
}
