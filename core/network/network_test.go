package network

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io/fs"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"

	"codeberg.org/sbinet/npyio/npz"
	"github.com/alignscope/alignscope/assets"
	"github.com/alignscope/alignscope/assets/demonet"
	"github.com/alignscope/alignscope/core/job"
)

// Tensor names of the demo network's tested layers (assets/demonet/train.py).
const (
	pool1   = "/pool1/MaxPool_output_0"
	pool2   = "/pool2/MaxPool_output_0"
	relu3   = "/relu3/Relu_output_0"
	relu4   = "/relu4/Relu_output_0"
	avgpool = "/avgpool/GlobalAveragePool_output_0"
	relu5   = "/relu5/Relu_output_0"
	logits  = "logits"
)

// refKey is train.py's key of a tensor in reference.npz.
func refKey(name string) string {
	return strings.ReplaceAll(strings.TrimPrefix(name, "/"), "/", ".") + ".npy"
}

func loadDemo(t testing.TB) *Net {
	t.Helper()
	n, err := Load(demonet.ONNX, "demonet.onnx")
	if err != nil {
		t.Fatal(err)
	}
	if n.Pre, err = ParsePreprocess(demonet.Preprocess, n.Pre); err != nil {
		t.Fatal(err)
	}
	return n
}

var demoImages = sync.OnceValues(func() ([]image.Image, error) {
	root := assets.DemoRoot()
	tsv, err := fs.ReadFile(root, "stimuli.tsv")
	if err != nil {
		return nil, err
	}
	var imgs []image.Image
	sc := bufio.NewScanner(bytes.NewReader(tsv))
	sc.Scan() // header
	for sc.Scan() {
		name, _, _ := strings.Cut(sc.Text(), "\t")
		b, err := fs.ReadFile(root, "images/"+name+".png")
		if err != nil {
			return nil, err
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
		imgs = append(imgs, img)
	}
	return imgs, nil
})

func images(t testing.TB) []image.Image {
	t.Helper()
	imgs, err := demoImages()
	if err != nil {
		t.Fatal(err)
	}
	if len(imgs) != 64 {
		t.Fatalf("%d demo images, want 64", len(imgs))
	}
	return imgs
}

// reference reads an array of reference.npz with its shape.
func reference(t testing.TB, key string) ([]float32, []int) {
	t.Helper()
	r, err := npz.NewReader(bytes.NewReader(demonet.Reference), int64(len(demonet.Reference)))
	if err != nil {
		t.Fatal(err)
	}
	h := r.Header(key)
	if h == nil {
		t.Fatalf("reference.npz has no %q (keys %v)", key, r.Keys())
	}
	var v []float32
	if err := r.Read(key, &v); err != nil {
		t.Fatal(err)
	}
	return v, h.Descr.Shape
}

// extractAll runs Extract and collects each layer as one N × units slice.
func extractAll(t testing.TB, n *Net, in *Inputs, layers []string) map[string][]float32 {
	t.Helper()
	out := map[string][]float32{}
	next := map[string]int{}
	err := ExtractInputs(context.Background(), n, in, layers, func(layer string, first int, shape []int, rows [][]float32) error {
		if first != next[layer] {
			return fmt.Errorf("layer %s: rows from %d, want %d", layer, first, next[layer])
		}
		for _, r := range rows {
			out[layer] = append(out[layer], r...)
		}
		next[layer] += len(rows)
		return nil
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func maxAbsDiff(a, b []float32) (float64, int) {
	worst, at := 0.0, -1
	for i := range a {
		if d := math.Abs(float64(a[i]) - float64(b[i])); d > worst || math.IsNaN(d) {
			worst, at = d, i
		}
	}
	return worst, at
}

func prepareDemo(t testing.TB, n *Net) *Inputs {
	t.Helper()
	in, err := n.Prepare(context.Background(), images(t))
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// TestDemoMatchesTorch: the demo network's activations agree with those
// torch computed at export time to 1e-4, and it classifies every demo
// image correctly.
func TestDemoMatchesTorch(t *testing.T) {
	n := loadDemo(t)
	in := prepareDemo(t, n)
	layers := []string{pool1, pool2, relu4, avgpool, relu5, logits}
	got := extractAll(t, n, in, layers)
	for _, l := range layers {
		want, shape := reference(t, refKey(l))
		if shape[0] != 64 || len(got[l]) != len(want) {
			t.Fatalf("%s: %d values, reference %d (shape %v)", l, len(got[l]), len(want), shape)
		}
		d, at := maxAbsDiff(got[l], want)
		t.Logf("%-36s shape %v max |Δ| %.2g", l, shape[1:], d)
		if d > 1e-4 {
			t.Errorf("%s: max |Δ| = %g at %d (got %g, torch %g)", l, d, at, got[l][at], want[at])
		}
	}
	lg := got[logits]
	for i := 0; i < 64; i++ {
		row := lg[4*i : 4*i+4]
		best := 0
		for k := range row {
			if row[k] > row[best] {
				best = k
			}
		}
		if demonet.Categories[best] != categoryOf(i) {
			t.Errorf("image %d classified %s, is %s", i, demonet.Categories[best], categoryOf(i))
		}
	}
}

// categoryOf is the demo category of image i (stimuli.tsv: 16 faces,
// fish, houses, cars in that order).
func categoryOf(i int) string {
	return []string{"face", "fish", "house", "car"}[i/16]
}

// TestDemoLesion: a channel mask after pool2 gives exact zeros in the
// masked channels, leaves the others bit-for-bit unchanged, and the next
// layer (relu3, a convolution and ReLU of the masked tensor) and the
// outputs equal torch's recomputation with the same mask (the "masked.*"
// arrays of reference.npz, made by a forward hook multiplying pool2 by the
// mask). Setting the mask to ones restores the intact network exactly,
// without rebuilding.
func TestDemoLesion(t *testing.T) {
	n := loadDemo(t)
	in := prepareDemo(t, n)
	channels := []int{0, 3, 17}
	keep, err := Silence(32, channels)
	if err != nil {
		t.Fatal(err)
	}
	m, err := n.WithMask(Mask{Node: "pool2", Channels: true, Keep: keep})
	if err != nil {
		t.Fatal(err)
	}
	if nd, ok := m.MaskedNode(); !ok || nd.Name != pool2 {
		t.Fatalf("MaskedNode = %v, %v", nd, ok)
	}
	if _, ok := n.MaskedNode(); ok {
		t.Fatal("WithMask changed the original net")
	}
	// The masked net lists the same nodes (the inserted ones hidden).
	before, _ := n.Nodes()
	after, err := m.Nodes()
	if err != nil || !slices.EqualFunc(before, after, func(a, b Node) bool {
		return a.Name == b.Name && a.Label == b.Label && a.Op == b.Op && slices.Equal(a.Shape, b.Shape)
	}) {
		t.Errorf("masked net nodes differ: %v\nvs %v (%v)", after, before, err)
	}
	layers := []string{pool2, relu3, avgpool, relu5, logits}
	intact := extractAll(t, n, in, []string{pool2})[pool2]
	got := extractAll(t, m, in, layers)
	const hw = 8 * 8
	for i := 0; i < 64; i++ {
		for c := 0; c < 32; c++ {
			off := (i*32 + c) * hw
			for k := off; k < off+hw; k++ {
				masked := slices.Contains(channels, c)
				if masked && got[pool2][k] != 0 {
					t.Fatalf("image %d channel %d: masked value %g, want exactly 0", i, c, got[pool2][k])
				}
				if !masked && got[pool2][k] != intact[k] {
					t.Fatalf("image %d channel %d: unmasked value %g changed from %g", i, c, got[pool2][k], intact[k])
				}
			}
		}
	}
	for _, l := range layers {
		want, _ := reference(t, "masked."+refKey(l))
		d, at := maxAbsDiff(got[l], want)
		t.Logf("masked %-29s max |Δ| %.2g", l, d)
		if d > 1e-4 {
			t.Errorf("masked %s: max |Δ| = %g at %d (got %g, torch %g)", l, d, at, got[l][at], want[at])
		}
	}
	// The lesion must change the next layer (else the test proves nothing).
	intact3 := extractAll(t, n, in, []string{relu3})[relu3]
	if d, _ := maxAbsDiff(got[relu3], intact3); d < 1e-3 {
		t.Errorf("the mask did not change relu3 (max |Δ| %g)", d)
	}
	ones, _ := Silence(32, nil)
	if err := m.SetMask(ones, nil); err != nil {
		t.Fatal(err)
	}
	restored := extractAll(t, m, in, []string{logits})[logits]
	want := extractAll(t, n, in, []string{logits})[logits]
	if d, at := maxAbsDiff(restored, want); d != 0 {
		t.Errorf("mask of ones: logits differ by %g at %d", d, at)
	}
}

// TestMeanReplacement: silenced units take the fill value exactly, per
// unit.
func TestMeanReplacement(t *testing.T) {
	n := loadDemo(t)
	in := prepareDemo(t, n)
	nd, err := n.Resolve("relu5")
	if err != nil {
		t.Fatal(err)
	}
	if nd.Name != relu5 || !slices.Equal(nd.Shape, []int{32}) {
		t.Fatalf("relu5 resolves to %+v", nd)
	}
	keep, _ := Silence(32, []int{1, 30})
	fill := make([]float32, 32)
	for i := range fill {
		fill[i] = float32(i) + 0.25
	}
	m, err := n.WithMask(Mask{Node: relu5, Keep: keep, Fill: fill})
	if err != nil {
		t.Fatal(err)
	}
	got := extractAll(t, m, in, []string{relu5})[relu5]
	intact := extractAll(t, n, in, []string{relu5})[relu5]
	for i := 0; i < 64; i++ {
		for u := 0; u < 32; u++ {
			v := got[i*32+u]
			switch u {
			case 1, 30:
				if v != fill[u] {
					t.Fatalf("image %d unit %d = %g, want fill %g", i, u, v, fill[u])
				}
			default:
				if v != intact[i*32+u] {
					t.Fatalf("image %d unit %d = %g, want intact %g", i, u, v, intact[i*32+u])
				}
			}
		}
	}
	// A graph output can be masked too.
	lk, _ := Silence(4, []int{2})
	ml, err := n.WithMask(Mask{Node: logits, Channels: true, Keep: lk, Fill: []float32{0, 0, 5, 0}})
	if err != nil {
		t.Fatal(err)
	}
	lg := extractAll(t, ml, in, []string{logits})[logits]
	for i := 0; i < 64; i++ {
		if lg[4*i+2] != 5 {
			t.Fatalf("masked logit = %g, want 5", lg[4*i+2])
		}
	}
	if err := m.SetMask(keep[:3], nil); err == nil || !strings.Contains(err.Error(), "3 keep values for 32 units") {
		t.Errorf("short mask: %v", err)
	}
	if _, err := m.WithMask(Mask{Node: relu5}); err == nil {
		t.Error("a second mask was accepted")
	}
	if err := n.SetMask(keep, nil); err == nil {
		t.Error("SetMask on an unmasked net was accepted")
	}
}

// TestNodes: the listed nodes, their shapes, labels and the default
// layers.
func TestNodes(t *testing.T) {
	n := loadDemo(t)
	nodes, err := n.Nodes()
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]Node{}
	for _, nd := range nodes {
		byName[nd.Name] = nd
		t.Logf("%-38s %-18s %-18s %v", nd.Name, nd.Label, nd.Op, nd.Shape)
	}
	for _, c := range []struct {
		name, label, op string
		shape           []int
	}{
		{pool1, "pool1", "MaxPool", []int{16, 16, 16}},
		{"/relu1/Relu_output_0", "relu1", "Relu", []int{16, 32, 32}},
		{pool2, "pool2", "MaxPool", []int{32, 8, 8}},
		{relu4, "relu4", "Relu", []int{64, 8, 8}},
		{avgpool, "avgpool", "GlobalAveragePool", []int{64, 1, 1}},
		{"/Flatten_output_0", "Flatten", "Flatten", []int{64}},
		{relu5, "relu5", "Relu", []int{32}},
		{logits, "logits", "Gemm", []int{4}},
	} {
		nd, ok := byName[c.name]
		if !ok {
			t.Errorf("node %s not listed", c.name)
			continue
		}
		if nd.Label != c.label || nd.Op != c.op || !slices.Equal(nd.Shape, c.shape) {
			t.Errorf("%s: label %q op %s shape %v, want %q %s %v", c.name, nd.Label, nd.Op, nd.Shape, c.label, c.op, c.shape)
		}
	}
	if !byName[logits].Output || byName[relu5].Output {
		t.Error("Output flags wrong")
	}
	def, err := n.DefaultLayers()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{pool1, pool2, relu3, relu4, avgpool, relu5, logits}
	if !slices.Equal(def, want) {
		t.Errorf("DefaultLayers = %v, want %v", def, want)
	}
	down, err := n.Downstream("relu4")
	if err != nil || !slices.Equal(down, []string{avgpool, "/Flatten_output_0", "/fc1/Gemm_output_0", relu5, logits}) {
		t.Errorf("Downstream(relu4) = %v, %v", down, err)
	}
	name, shape := n.Input()
	if name != "image" || !slices.Equal(shape, []int{-1, 3, 64, 64}) || n.Opset() != 13 {
		t.Errorf("input %s %v opset %d", name, shape, n.Opset())
	}
}

// TestDefaultExtract: Extract from images with the default layers, in
// batches of 5 (a partial last batch), reports progress and streams rows
// in order.
func TestDefaultExtract(t *testing.T) {
	n := loadDemo(t)
	n.BatchSize = 5
	var rep job.Reporter
	got := map[string]int{}
	err := Extract(context.Background(), n, images(t), nil, func(layer string, first int, shape []int, rows [][]float32) error {
		if first != got[layer] {
			return fmt.Errorf("%s: rows from %d, want %d", layer, first, got[layer])
		}
		if len(rows) != 5 && first+len(rows) != 64 {
			return fmt.Errorf("%s: batch of %d rows at %d", layer, len(rows), first)
		}
		got[layer] += len(rows)
		return nil
	}, &rep)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 7 {
		t.Errorf("%d layers extracted, want 7 defaults", len(got))
	}
	for l, c := range got {
		if c != 64 {
			t.Errorf("%s: %d rows", l, c)
		}
	}
}

// TestCancel: a cancelled context stops the extraction with its error,
// and an error from out stops it with that error.
func TestCancel(t *testing.T) {
	n := loadDemo(t)
	n.BatchSize = 4
	in := prepareDemo(t, n)
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	err := ExtractInputs(ctx, n, in, []string{logits}, func(string, int, []int, [][]float32) error {
		calls++
		if calls == 2 {
			cancel()
		}
		return nil
	}, nil)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	if calls > 2+4 {
		t.Errorf("%d batches emitted after cancel", calls-2)
	}
	boom := errors.New("disk full")
	err = ExtractInputs(context.Background(), n, in, []string{logits}, func(string, int, []int, [][]float32) error { return boom }, nil)
	if !errors.Is(err, boom) {
		t.Errorf("out error: %v", err)
	}
}

// TestBadInput: errors that say what is wrong.
func TestBadInput(t *testing.T) {
	n := loadDemo(t)
	in := prepareDemo(t, n)
	for _, c := range []struct {
		name   string
		run    func() error
		expect string
	}{
		{"missing node", func() error {
			return ExtractInputs(context.Background(), n, in, []string{"conv9"}, func(string, int, []int, [][]float32) error { return nil }, nil)
		}, `node "conv9" does not exist`},
		{"missing mask node", func() error { _, err := n.WithMask(Mask{Node: "nope"}); return err }, `node "nope" does not exist`},
		{"duplicate layer", func() error {
			return ExtractInputs(context.Background(), n, in, []string{"pool1", pool1}, func(string, int, []int, [][]float32) error { return nil }, nil)
		}, "chosen twice"},
		{"empty", func() error { _, err := Load(nil, "x.onnx"); return err }, "empty file"},
		{"text", func() error { _, err := Load([]byte("this is not a network\n"), "x.onnx"); return err }, "x.onnx: not an ONNX model"},
		{"png", func() error {
			var buf bytes.Buffer
			png.Encode(&buf, image.NewGray(image.Rect(0, 0, 4, 4)))
			_, err := Load(buf.Bytes(), "x.onnx")
			return err
		}, "not an ONNX model"},
		{"npz", func() error { _, err := Load(demonet.Reference, "ref.onnx"); return err }, "not an ONNX model"},
		{"wrong size", func() error {
			small := []image.Image{image.NewRGBA(image.Rect(0, 0, 32, 32))}
			nn := loadDemo(t)
			nn.Pre.Resize, nn.Pre.Crop = 0, 0
			_, err := nn.Prepare(context.Background(), small)
			return err
		}, "takes 64×64 images but the preprocessing gives 32×32"},
	} {
		err := c.run()
		if err == nil || !strings.Contains(err.Error(), c.expect) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.expect)
		} else {
			t.Logf("%s: %v", c.name, err)
		}
	}
}

// editDemo returns the demo network's bytes after edit changes its graph.
func editDemo(t *testing.T, edit func(n *Net)) []byte {
	t.Helper()
	n := loadDemo(t)
	mdl, err := parse(demonet.ONNX)
	if err != nil {
		t.Fatal(err)
	}
	n.model = mdl
	edit(n)
	var buf bytes.Buffer
	if err := mdl.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestUnsupported: operators and opsets the runtime cannot run are named.
func TestUnsupported(t *testing.T) {
	b := editDemo(t, func(n *Net) {
		for _, nd := range n.model.Proto.Graph.Node {
			switch nd.OpType {
			case "Relu":
				nd.OpType = "Selu"
			case "GlobalAveragePool":
				nd.OpType = "GlobalLpPool"
			}
		}
	})
	_, err := Load(b, "odd.onnx")
	var ue *UnsupportedOpError
	if !errors.As(err, &ue) || !slices.Equal(ue.Ops, []string{"GlobalLpPool", "Selu"}) {
		t.Fatalf("error %v, want UnsupportedOpError for GlobalLpPool and Selu", err)
	}
	if !strings.Contains(err.Error(), `unsupported ONNX operators: GlobalLpPool (node "/avgpool/GlobalAveragePool"), Selu (node "/relu1/Relu")`) {
		t.Errorf("message: %v", err)
	}
	b = editDemo(t, func(n *Net) {
		nd := n.model.Proto.Graph.Node[0]
		nd.Domain = "com.microsoft"
		nd.OpType = "FusedConv"
	})
	if _, err := Load(b, "ms.onnx"); err == nil || !strings.Contains(err.Error(), "com.microsoft:FusedConv") {
		t.Errorf("custom domain: %v", err)
	}
	b = editDemo(t, func(n *Net) {
		for _, nd := range n.model.Proto.Graph.Node {
			if nd.OpType == "MaxPool" {
				for _, a := range nd.Attribute {
					if a.Name == "ceil_mode" {
						a.I = 1
					}
				}
			}
		}
	})
	if _, err := Load(b, "ceil.onnx"); err == nil || !strings.Contains(err.Error(), "MaxPool: support for attribute 'ceil_mode' is not yet implemented") {
		t.Errorf("ceil_mode: %v", err)
	} else {
		t.Log(err)
	}
	b = editDemo(t, func(n *Net) {
		for _, o := range n.model.Proto.OpsetImport {
			o.Version = 5
		}
	})
	if _, err := Load(b, "old.onnx"); err == nil || !strings.Contains(err.Error(), "opset 5 is not supported") {
		t.Errorf("opset 5: %v", err)
	}
	// Dropout is accepted and runs as the identity.
	b = editDemo(t, func(n *Net) {
		for _, nd := range n.model.Proto.Graph.Node {
			if nd.OpType == "Flatten" {
				d := newElem(n.model.Proto.Graph.Node)
				d.OpType, d.Name = "Dropout", "drop"
				d.Input, d.Output = []string{nd.Output[0]}, []string{"dropped", "dropmask"}
				for _, c := range n.model.Proto.Graph.Node {
					for i, in := range c.Input {
						if in == nd.Output[0] {
							c.Input[i] = "dropped"
						}
					}
				}
				g := n.model.Proto.Graph
				g.Node = slices.Insert(g.Node, slices.Index(g.Node, nd)+1, d)
				return
			}
		}
	})
	nd, err := Load(b, "dropout.onnx")
	if err != nil {
		t.Fatal(err)
	}
	nd.Pre = loadDemo(t).Pre
	in := prepareDemo(t, nd)
	got := extractAll(t, nd, in, []string{logits})[logits]
	want, _ := reference(t, refKey(logits))
	if d, _ := maxAbsDiff(got, want); d > 1e-4 {
		t.Errorf("with Dropout: logits differ by %g", d)
	}
}

// TestPreprocess: torchvision's size rules, resize against torch's
// antialiased bilinear interpolation, the pixel conversion rule, the
// side-car JSON.
func TestPreprocess(t *testing.T) {
	for _, c := range []struct{ h, w, size, wh, ww int }{
		{480, 640, 256, 256, 341}, {640, 480, 256, 341, 256}, {100, 100, 64, 64, 64}, {3, 7, 2, 2, 4},
	} {
		if h, w := resizedSize(c.h, c.w, c.size); h != c.wh || w != c.ww {
			t.Errorf("resizedSize(%d, %d, %d) = %d×%d, want %d×%d", c.h, c.w, c.size, h, w, c.wh, c.ww)
		}
	}
	for _, c := range []struct{ size, crop, off int }{{256, 224, 16}, {5, 2, 2}, {7, 2, 2}, {9, 2, 4}, {2, 5, 1}, {3, 6, 1}, {4, 4, 0}} {
		if o := cropOffset(c.size, c.crop); o != -c.off && o != c.off {
			t.Errorf("cropOffset(%d, %d) = %d, want ±%d", c.size, c.crop, o, c.off)
		}
	}
	if cropOffset(2, 5) != -1 || cropOffset(5, 2) != 2 {
		t.Errorf("cropOffset signs: %d %d", cropOffset(2, 5), cropOffset(5, 2))
	}
	// A 6×8 ramp with one bright pixel, resized by torch (interpolate,
	// bilinear, antialias=True, align_corners=False).
	src := make([]float32, 48)
	for i := range src {
		src[i] = float32(i) / 47
	}
	src[2*8+3] = 2
	down := resizePlane(src, 6, 8, 4, 3)
	wantDown := []float64{0.08734602481126785, 0.13829787075519562, 0.18924973905086517, 0.39610549807548523, 0.6514691114425659, 0.4280204176902771, 0.58597731590271, 0.6778115034103394, 0.6738832592964172, 0.8107503056526184, 0.8617022037506104, 0.9126539826393127}
	up := resizePlane(src, 6, 8, 9, 11)[:12]
	wantUp := []float64{0.0, 0.012572534382343292, 0.028046421706676483, 0.043520309031009674, 0.05899420008063316, 0.07446808367967606, 0.08994197845458984, 0.10541586577892303, 0.12088975310325623, 0.13636364042758942, 0.1489361673593521, 0.08510638028383255}
	for i := range wantDown {
		if math.Abs(float64(down[i])-wantDown[i]) > 1e-6 {
			t.Errorf("downscale[%d] = %g, torch %g", i, down[i], wantDown[i])
		}
	}
	for i := range wantUp {
		if math.Abs(float64(up[i])-wantUp[i]) > 1e-6 {
			t.Errorf("upscale[%d] = %g, torch %g", i, up[i], wantUp[i])
		}
	}
	// Pixel conversion: grey → R = G = B; alpha dropped, colour kept.
	p := Preprocess{Mean: []float64{0, 0, 0}, Std: []float64{1, 1, 1}}
	grey := image.NewGray(image.Rect(0, 0, 1, 1))
	grey.SetGray(0, 0, color.Gray{Y: 51})
	rgba := image.NewNRGBA(image.Rect(0, 0, 1, 1))
	rgba.SetNRGBA(0, 0, color.NRGBA{R: 255, G: 102, B: 0, A: 0})
	g16 := image.NewGray16(image.Rect(0, 0, 1, 1))
	g16.SetGray16(0, 0, color.Gray16{Y: 0x33ff})
	for _, c := range []struct {
		img  image.Image
		want []float32
	}{
		{grey, []float32{0.2, 0.2, 0.2}},
		{rgba, []float32{1, 0.4, 0}},
		{g16, []float32{0.2, 0.2, 0.2}},
	} {
		x, _, _, err := p.Apply(c.img)
		if err != nil {
			t.Fatal(err)
		}
		for i := range x {
			if math.Abs(float64(x[i]-c.want[i])) > 1e-7 {
				t.Errorf("%T: %v, want %v", c.img, x, c.want)
				break
			}
		}
	}
	// Different sizes: an error without resize/crop, fine with them.
	imgs := []image.Image{image.NewRGBA(image.Rect(0, 0, 80, 60)), image.NewGray(image.Rect(0, 0, 50, 70))}
	n := loadDemo(t)
	n.Pre.Resize, n.Pre.Crop = 0, 0
	n.inShape[2], n.inShape[3] = -1, -1 // pretend the input size is dynamic
	if _, err := n.Prepare(context.Background(), imgs); err == nil || !strings.Contains(err.Error(), "image 2 is 50×70") {
		t.Errorf("mixed sizes: %v", err)
	}
	n.Pre.Resize, n.Pre.Crop = 64, 64
	in, err := n.Prepare(context.Background(), imgs)
	if err != nil || in.H != 64 || in.W != 64 || in.N != 2 {
		t.Errorf("mixed sizes with resize and crop: %+v, %v", in, err)
	}

	// Side-car JSON.
	def := DefaultPreprocess(224, 224)
	if def.Resize != 256 || def.Crop != 224 || def.Mean[0] != 0.485 {
		t.Errorf("DefaultPreprocess(224) = %+v", def)
	}
	if d := DefaultPreprocess(64, 64); d.Resize != 73 || d.Crop != 64 {
		t.Errorf("DefaultPreprocess(64) = %+v", d)
	}
	got, err := ParsePreprocess([]byte(`{"crop": 200}`), def)
	if err != nil || got.Crop != 200 || got.Resize != 256 || got.Std[2] != 0.225 {
		t.Errorf("partial side-car: %+v, %v", got, err)
	}
	for _, c := range []struct{ js, expect string }{
		{`{"resise": 3}`, `unknown field "resise"`},
		{`{"mean": [0.5, 0.5]}`, "need 3 values"},
		{`{"std": [1, 0, 1]}`, "std must be > 0"},
		{`{"crop": -1}`, "must be ≥ 0"},
		{`[1, 2]`, "preprocessing JSON"},
	} {
		if _, err := ParsePreprocess([]byte(c.js), def); err == nil || !strings.Contains(err.Error(), c.expect) {
			t.Errorf("%s: %v, want %q", c.js, err, c.expect)
		}
	}
}
