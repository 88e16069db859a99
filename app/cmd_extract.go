package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/network"
	"github.com/alignscope/alignscope/io/images"
	"github.com/alignscope/alignscope/io/npy"
	"github.com/alignscope/alignscope/io/onnxfile"
	"github.com/alignscope/alignscope/io/table"
)

const extractUsage = `Usage: alignscope extract --model NET.onnx --images DIR --out DIR [options]
       alignscope extract --model NET.onnx --list

Runs an ONNX network (exported with torch.onnx.export, or from a model
zoo) over a folder of stimulus images (PNG/JPEG) and writes, into the
output folder:

  LAYER.npy    one float32 array per layer, images × the layer's shape
               (e.g. 92 × 64 × 56 × 56), written as the batches arrive
  stimuli.tsv  the stimulus list (row order of every .npy)
  layers.tsv   file, ONNX tensor name, operator and shape of each layer

The preprocessing is read from NET.json beside NET.onnx when present
({"resize": 256, "crop": 224, "mean": [r, g, b], "std": [r, g, b]}),
otherwise ImageNet's; the flags below override it. Layers are ONNX
tensor names or the short labels shown by --list; the default is the
output of every ReLU/pooling block and the logits.

Options:
`

// cmdExtract implements `alignscope extract`. It returns the exit status:
// 0 on success, 1 when the extraction fails, 2 for bad usage.
func cmdExtract(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("alignscope extract", flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.Usage = func() {
		fmt.Fprint(stderr, extractUsage)
		fl.PrintDefaults()
	}
	model := fl.String("model", "", "the network, an ONNX `FILE`")
	imgDir := fl.String("images", "", "folder `DIR` of stimulus images (PNG, JPEG), one per stimulus, named after it")
	stimFile := fl.String("stimuli", "", "stimulus table `FILE` (.tsv/.csv, names in the first column); images are matched to it by name (default: the sorted image file names)")
	layersArg := fl.String("layers", "", "comma-separated `LIST` of layers (tensor names or labels); \"all\" for every node (default: ReLU/pooling block outputs and the logits)")
	out := fl.String("out", "", "output folder `DIR` (created if needed)")
	list := fl.Bool("list", false, "list the network's nodes (label, operator, shape, tensor name; * marks the default layers) and exit")
	batch := fl.Int("batch", 0, "images per forward pass (default 8, or the model's fixed batch size)")
	resize := fl.Int("resize", -1, "resize the shorter image side to `N` pixels (0: no resize)")
	crop := fl.Int("crop", -1, "centre crop `N`×N pixels (0: no crop)")
	mean := fl.String("mean", "", "channel means `R,G,B` of the normalization")
	std := fl.String("std", "", "channel standard deviations `R,G,B`")
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fl.NArg() > 0 {
		fmt.Fprintf(stderr, "alignscope extract: unexpected argument %q\n", fl.Arg(0))
		return 2
	}
	if *model == "" || (!*list && (*imgDir == "" || *out == "")) {
		fmt.Fprintln(stderr, "alignscope extract: give --model NET.onnx, --images DIR and --out DIR (see alignscope extract -h)")
		return 2
	}
	if *batch < 0 {
		fmt.Fprintln(stderr, "alignscope extract: --batch must be positive")
		return 2
	}
	net, side, err := onnxfile.Open(*model)
	if err != nil {
		fmt.Fprintf(stderr, "alignscope extract: %v\n", err)
		return 1
	}
	if err := overridePre(&net.Pre, *resize, *crop, *mean, *std); err != nil {
		fmt.Fprintf(stderr, "alignscope extract: %v\n", err)
		return 2
	}
	if *batch > 0 {
		net.BatchSize = *batch
	}
	if *list {
		if err := listNodes(stdout, net); err != nil {
			fmt.Fprintf(stderr, "alignscope extract: %v\n", err)
			return 1
		}
		return 0
	}
	start := time.Now()
	res, err := runExtract(context.Background(), extractJob{
		net: net, images: *imgDir, stimuli: *stimFile, layers: *layersArg, out: *out,
	}, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "alignscope extract: %v\n", err)
		return 1
	}
	pre := "preprocessing from " + onnxfile.SidecarPath(*model)
	if !side {
		pre = "default preprocessing"
	}
	summary := fmt.Sprintf("alignscope extract: %d layers of %s for %d images (%s: resize %d, crop %d) in %.2f s",
		res.layers, net.Name, res.images, pre, net.Pre.Resize, net.Pre.Crop, time.Since(start).Seconds())
	if peak := peakRSS(); peak != "" {
		summary += ", peak memory " + peak
	}
	fmt.Fprintln(stderr, summary+"; wrote "+*out)
	return 0
}

// overridePre applies the preprocessing flags (−1 / "" leave a value).
func overridePre(p *network.Preprocess, resize, crop int, mean, std string) error {
	if resize >= 0 {
		p.Resize = resize
	}
	if crop >= 0 {
		p.Crop = crop
	}
	for _, f := range []struct {
		flag, val string
		dst       *[]float64
	}{{"--mean", mean, &p.Mean}, {"--std", std, &p.Std}} {
		if f.val == "" {
			continue
		}
		parts := strings.Split(f.val, ",")
		if len(parts) != 3 {
			return fmt.Errorf("%s needs 3 comma-separated values (R,G,B), got %q", f.flag, f.val)
		}
		v := make([]float64, 3)
		for i, s := range parts {
			x, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
			if err != nil {
				return fmt.Errorf("%s: %q is not a number", f.flag, s)
			}
			v[i] = x
		}
		*f.dst = v
	}
	return p.Validate()
}

func listNodes(w io.Writer, net *network.Net) error {
	nodes, err := net.Nodes()
	if err != nil {
		return err
	}
	def, err := net.DefaultLayers()
	if err != nil {
		return err
	}
	isDef := map[string]bool{}
	for _, d := range def {
		isDef[d] = true
	}
	name, shape := net.Input()
	fmt.Fprintf(w, "%s: input %q %v, opset %d; preprocessing resize %d, crop %d, mean %v, std %v\n",
		net.Name, name, shape, net.Opset(), net.Pre.Resize, net.Pre.Crop, net.Pre.Mean, net.Pre.Std)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "\tlabel\top\tshape\ttensor")
	for _, nd := range nodes {
		mark := ""
		if isDef[nd.Name] {
			mark = "*"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", mark, nd.Label, nd.Op, shapeText(nd.Shape), nd.Name)
	}
	return tw.Flush()
}

func shapeText(s []int) string {
	p := make([]string, len(s))
	for i, d := range s {
		p[i] = strconv.Itoa(d)
	}
	return strings.Join(p, "×")
}

type extractJob struct {
	net                          *network.Net
	images, stimuli, layers, out string
}

type extractResult struct{ layers, images int }

var unsafeFileChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// layerFiles gives each layer a file name from its label, unique.
func layerFiles(nodes []network.Node) []string {
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

// runExtract does the work of `alignscope extract`. Files are written
// under temporary names and renamed only when everything succeeded; on
// error nothing is left in the output folder.
func runExtract(ctx context.Context, j extractJob, progress io.Writer) (*extractResult, error) {
	net := j.net
	var stim *data.Stimuli
	if j.stimuli != "" {
		var err error
		if stim, err = table.ReadStimuliFile(j.stimuli); err != nil {
			return nil, err
		}
	}
	set, err := images.ReadDir(j.images, stim)
	if err != nil {
		return nil, err
	}
	var names []string
	switch strings.TrimSpace(j.layers) {
	case "":
		if names, err = net.DefaultLayers(); err != nil {
			return nil, err
		}
	case "all":
		nodes, err := net.Nodes()
		if err != nil {
			return nil, err
		}
		for _, nd := range nodes {
			names = append(names, nd.Name)
		}
	default:
		for _, s := range strings.Split(j.layers, ",") {
			if s = strings.TrimSpace(s); s != "" {
				names = append(names, s)
			}
		}
	}
	nodes := make([]network.Node, len(names))
	for i, nm := range names {
		if nodes[i], err = net.Resolve(nm); err != nil {
			return nil, err
		}
	}
	in, err := net.Prepare(ctx, set.Images)
	if err != nil {
		return nil, fmt.Errorf("images in %s: %w", j.images, err)
	}
	if err := os.MkdirAll(j.out, 0o755); err != nil {
		return nil, err
	}

	files := layerFiles(nodes)
	n := len(set.Images)
	type sink struct {
		f    *os.File
		bw   *bufio.Writer
		w    *npy.Writer[float32]
		part string
	}
	sinks := map[string]*sink{}
	var parts []string
	cleanup := func() {
		for _, s := range sinks {
			s.f.Close()
		}
		for _, p := range parts {
			os.Remove(p)
		}
	}
	for i, nd := range nodes {
		part := filepath.Join(j.out, files[i]+".part")
		f, err := os.Create(part)
		if err != nil {
			cleanup()
			return nil, err
		}
		parts = append(parts, part)
		bw := bufio.NewWriterSize(f, 1<<20)
		w, err := npy.NewWriter[float32](bw, append([]int{n}, nd.Shape...))
		if err != nil {
			f.Close()
			cleanup()
			return nil, err
		}
		sinks[names[i]] = &sink{f: f, bw: bw, w: w, part: part}
	}
	done := 0
	err = network.ExtractInputs(ctx, net, in, names, func(layer string, first int, shape []int, rows [][]float32) error {
		s := sinks[layer]
		for _, r := range rows {
			if err := s.w.WriteValues(r); err != nil {
				return fmt.Errorf("writing %s: %w", filepath.Base(s.part), err)
			}
		}
		if layer == names[0] {
			done = first + len(rows)
			fmt.Fprintf(progress, "alignscope extract: %d of %d images\n", done, n)
		}
		return nil
	}, nil)
	if err != nil {
		cleanup()
		return nil, err
	}
	for _, nm := range names {
		s := sinks[nm]
		if err := s.w.Close(); err != nil {
			cleanup()
			return nil, err
		}
		if err := s.bw.Flush(); err != nil {
			cleanup()
			return nil, err
		}
	}
	// Stimulus list and layer table, also written under temporary names.
	writeText := func(name string, fill func(io.Writer) error) error {
		part := filepath.Join(j.out, name+".part")
		parts = append(parts, part)
		f, err := os.Create(part)
		if err != nil {
			return err
		}
		if err := fill(f); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
	if err := writeText("stimuli.tsv", func(w io.Writer) error { return table.WriteStimuli(w, set.Stimuli) }); err != nil {
		cleanup()
		return nil, err
	}
	if err := writeText("layers.tsv", func(w io.Writer) error {
		fmt.Fprintln(w, "file\tlayer\tlabel\top\tshape")
		for i, nd := range nodes {
			if _, err := fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", files[i], nd.Name, nd.Label, nd.Op, strings.ReplaceAll(shapeText(nd.Shape), "×", "x")); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		cleanup()
		return nil, err
	}
	for _, s := range sinks {
		if err := s.f.Close(); err != nil {
			cleanup()
			return nil, err
		}
	}
	sinks = nil
	for _, p := range parts {
		if err := os.Rename(p, strings.TrimSuffix(p, ".part")); err != nil {
			cleanup()
			return nil, err
		}
	}
	return &extractResult{layers: len(nodes), images: n}, nil
}
