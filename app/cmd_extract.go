package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/job"
	"github.com/alignscope/alignscope/core/network"
	"github.com/alignscope/alignscope/io/extract"
	"github.com/alignscope/alignscope/io/images"
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

// layerList reads --layers: "" for the defaults (nil), "all" for every
// node, else a comma-separated list.
func layerList(net *network.Net, spec string) ([]string, error) {
	switch strings.TrimSpace(spec) {
	case "":
		return nil, nil
	case "all":
		nodes, err := net.Nodes()
		if err != nil {
			return nil, err
		}
		names := make([]string, len(nodes))
		for i, nd := range nodes {
			names[i] = nd.Name
		}
		return names, nil
	}
	var names []string
	for _, s := range strings.Split(spec, ",") {
		if s = strings.TrimSpace(s); s != "" {
			names = append(names, s)
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("--layers %q names no layer", spec)
	}
	return names, nil
}

// runExtract does the work of `alignscope extract` with extract.ToDir,
// printing a progress line per batch of images to progress. On error
// nothing is left in the output folder.
func runExtract(ctx context.Context, j extractJob, progress io.Writer) (*extractResult, error) {
	net := j.net
	var stim *data.Stimuli
	if j.stimuli != "" {
		var err error
		if stim, err = table.ReadStimuliFile(j.stimuli); err != nil {
			return nil, err
		}
	}
	names, err := layerList(net, j.layers)
	if err != nil {
		return nil, err
	}
	set, err := images.ReadDir(j.images, stim)
	if err != nil {
		return nil, err
	}
	var res *extract.Result
	err = withProgress(progress, func(ctx context.Context, rep *job.Reporter) error {
		var err error
		res, err = extract.ToDir(ctx, net, set, names, j.out, rep)
		return err
	})
	if err != nil {
		var pe *extract.PrepareError
		if errors.As(err, &pe) {
			err = fmt.Errorf("images in %s: %w", j.images, err)
		}
		return nil, err
	}
	return &extractResult{layers: len(res.Layers), images: res.Images}, nil
}

// withProgress runs fn as a job and prints each new progress message
// ("16 of 64 images") to w, prefixed with the command name.
func withProgress(w io.Writer, fn job.Func) error {
	var (
		j    atomic.Pointer[job.Job]
		mu   sync.Mutex
		last string
	)
	m := job.NewManager(func() {
		jb := j.Load()
		if jb == nil {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if msg := jb.Status().Message; msg != "" && msg != last {
			last = msg
			fmt.Fprintf(w, "alignscope extract: %s\n", msg)
		}
	})
	jb := m.Start("extract", fn, nil)
	j.Store(jb)
	return jb.Wait()
}
