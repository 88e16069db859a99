package network

import (
	"context"
	"fmt"
	"image"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/alignscope/alignscope/core/job"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	gctx "github.com/gomlx/gomlx/pkg/ml/context"
)

// Inputs are preprocessed images, ready for the network: N × 3 × H × W
// float32 in C order. They depend only on the preprocessing, so one
// Inputs serves every masked copy of a Net (WithMask).
type Inputs struct {
	N, H, W int
	Data    []float32
}

// Prepare preprocesses the images with net.Pre. All images must come out
// of the preprocessing with the same size, the model's input size when it
// is static; otherwise the error names the first image that differs and
// suggests setting resize and crop.
func (n *Net) Prepare(ctx context.Context, images []image.Image) (*Inputs, error) {
	if len(images) == 0 {
		return nil, fmt.Errorf("no images to run through %s", n.Name)
	}
	if err := n.Pre.Validate(); err != nil {
		return nil, err
	}
	// Preprocess in parallel, then check sizes in image order.
	type prepared struct {
		x    []float32
		h, w int
	}
	res := make([]prepared, len(images))
	err := job.For(ctx, len(images), func(i int) error {
		if images[i] == nil {
			return fmt.Errorf("image %d is missing", i+1)
		}
		x, h, w, err := n.Pre.Apply(images[i])
		if err != nil {
			return fmt.Errorf("image %d: %w", i+1, err)
		}
		res[i] = prepared{x, h, w}
		return nil
	})
	if err != nil {
		return nil, err
	}
	in := &Inputs{N: len(images), H: res[0].h, W: res[0].w}
	if mh, mw := n.inShape[2], n.inShape[3]; (mh > 0 && mh != in.H) || (mw > 0 && mw != in.W) {
		return nil, fmt.Errorf("%s takes %d×%d images but the preprocessing gives %d×%d (image 1); set resize and crop to %d", n.Name, mw, mh, in.W, in.H, mh)
	}
	in.Data = make([]float32, 0, len(images)*len(res[0].x))
	for i, r := range res {
		if r.h != in.H || r.w != in.W {
			b := images[i].Bounds()
			return nil, fmt.Errorf("image %d is %d×%d after preprocessing (%d×%d before) but image 1 is %d×%d; images of different sizes need a resize and a crop in the preprocessing",
				i+1, r.w, r.h, b.Dx(), b.Dy(), in.W, in.H)
		}
		in.Data = append(in.Data, r.x...)
		res[i].x = nil
	}
	return in, nil
}

// Extract runs the network over images (preprocessed with net.Pre) and
// streams the activations of the chosen layers (tensor names or labels,
// see Nodes; nil: DefaultLayers) to out.
//
// out is called once per batch of images and layer, batches in image
// order and never concurrently: layer is the name as given, n the index
// of the first image of the batch, shape the per-image shape and rows[i]
// the activations of image n+i flattened in C order (rows may be kept).
// Batches run on up to GOMAXPROCS goroutines. Cancelling ctx stops the
// extraction after the running batches; rep (nil allowed) counts images.
func Extract(ctx context.Context, net *Net, images []image.Image, layers []string,
	out func(layer string, n int, shape []int, rows [][]float32) error, rep *job.Reporter) error {
	if rep != nil {
		rep.Message("preprocessing %d images", len(images))
	}
	in, err := net.Prepare(ctx, images)
	if err != nil {
		return err
	}
	return ExtractInputs(ctx, net, in, layers, out, rep)
}

// ExtractInputs is Extract on prepared inputs.
func ExtractInputs(ctx context.Context, net *Net, in *Inputs, layers []string,
	out func(layer string, n int, shape []int, rows [][]float32) error, rep *job.Reporter) error {
	if in == nil || in.N == 0 {
		return fmt.Errorf("no images to run through %s", net.Name)
	}
	if mh, mw := net.inShape[2], net.inShape[3]; (mh > 0 && mh != in.H) || (mw > 0 && mw != in.W) {
		return fmt.Errorf("%s takes %d×%d images, the inputs are %d×%d", net.Name, mw, mh, in.W, in.H)
	}
	if layers == nil {
		var err error
		if layers, err = net.DefaultLayers(); err != nil {
			return err
		}
	}
	if len(layers) == 0 {
		return fmt.Errorf("no layers chosen")
	}
	names := make([]string, len(layers))
	shapes := make([][]int, len(layers))
	units := make([]int, len(layers))
	seen := map[string]bool{}
	for i, l := range layers {
		nd, err := net.Resolve(l)
		if err != nil {
			return err
		}
		if seen[nd.Name] {
			return fmt.Errorf("layer %q is chosen twice", l)
		}
		seen[nd.Name] = true
		names[i], shapes[i], units[i] = nd.Name, nd.Shape, nd.Units()
	}
	exec, err := net.exec(names)
	if err != nil {
		return err
	}
	bs := net.BatchSize
	if bs < 1 {
		bs = 8
	}
	if net.fixedBatch > 0 {
		bs = net.fixedBatch
	}
	size := 3 * in.H * in.W
	nb := (in.N + bs - 1) / bs
	if rep != nil {
		rep.SetTotal(in.N)
		rep.Set(0)
		rep.Message("running %s on %d images", net.Name, in.N)
	}

	// Batches run in parallel; each waits for the previous one to be
	// handed to out, so out sees them in order. A failed batch cancels
	// the others and no later batch is emitted.
	turn := make([]chan struct{}, nb+1)
	for i := range turn {
		turn[i] = make(chan struct{})
	}
	close(turn[0])
	inner, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		failed atomic.Bool
		first  error
		once   sync.Once
	)
	err = job.For(inner, nb, func(b int) (err error) {
		defer func() {
			if err != nil {
				if ctx.Err() == nil && !failed.Load() {
					once.Do(func() { first = err })
				}
				failed.Store(true)
				cancel()
			}
			close(turn[b+1])
		}()
		lo := b * bs
		hi := min(lo+bs, in.N)
		m := hi - lo
		rowsIn := m
		if net.fixedBatch > 0 {
			rowsIn = bs
		}
		x := make([]float32, rowsIn*size)
		copy(x, in.Data[lo*size:hi*size])
		res, err := run(exec, tensors.FromFlatDataAndDimensions(x, rowsIn, 3, in.H, in.W))
		if err != nil {
			return fmt.Errorf("running %s on images %d–%d: %w", net.Name, lo+1, hi, err)
		}
		flats := make([][]float32, len(res))
		for i, t := range res {
			f, err := tensors.CopyFlatData[float32](t)
			t.FinalizeAll()
			if err != nil {
				return fmt.Errorf("layer %q: %v", layers[i], err)
			}
			if len(f) < m*units[i] {
				return fmt.Errorf("layer %q: %d values for %d images of %d units", layers[i], len(f), m, units[i])
			}
			flats[i] = f
		}
		select {
		case <-turn[b]:
		case <-inner.Done():
			return inner.Err()
		}
		if failed.Load() {
			return context.Canceled
		}
		for i, f := range flats {
			rows := make([][]float32, m)
			for r := range rows {
				rows[r] = f[r*units[i] : (r+1)*units[i] : (r+1)*units[i]]
			}
			if err := out(layers[i], lo, shapes[i], rows); err != nil {
				return err
			}
		}
		if rep != nil {
			rep.Add(m)
		}
		return nil
	})
	if first != nil {
		return first
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return err
}

// run executes a compiled graph, turning a panic into an error.
func run(exec *gctx.Exec, x *tensors.Tensor) (res []*tensors.Tensor, err error) {
	err = graphErr(func() {
		var e error
		res, e = exec.Exec(x)
		if e != nil {
			panic(e)
		}
	})
	return res, err
}

// exec returns the (cached) executable computing the given tensors.
func (n *Net) exec(names []string) (*gctx.Exec, error) {
	key := strings.Join(names, "\x00")
	n.mu.Lock()
	defer n.mu.Unlock()
	if e, ok := n.execs[key]; ok {
		return e, nil
	}
	model, input := n.model, n.input
	outs := append([]string(nil), names...)
	e, err := gctx.NewExec(backend(), n.vars, func(ctx *gctx.Context, x *graph.Node) []*graph.Node {
		return model.CallGraph(ctx, x.Graph(), map[string]*graph.Node{input: x}, outs...)
	})
	if err != nil {
		return nil, err
	}
	if len(n.execs) > 16 {
		// Forget the cached executables (an extraction still running keeps
		// its own reference; the garbage collector frees them).
		clear(n.execs)
	}
	n.execs[key] = e
	return e, nil
}
