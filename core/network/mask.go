package network

import (
	"bytes"
	"fmt"
	"maps"
	"math"
	"slices"

	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/onnx-gomlx/onnx"
	"google.golang.org/protobuf/proto"
)

// Mask silences units of one tensor of the network, for propagated
// lesions. With k = Keep and f = Fill, the tensor y becomes
//
//	y' = k ⊙ y + (1 − k) ⊙ f
//
// per unit (Keep has one value per unit of the per-image shape, C·H·W in
// C order) or, with Channels, per channel (one value per index of the
// first per-image axis, broadcast over the others). k = 1 keeps a unit,
// k = 0 replaces it by f: 0 (the default, Fill nil) for an ablation, or
// the unit's mean over stimuli for a mean-replacement lesion.
type Mask struct {
	// Node is the tensor to mask, by name or label (see Nodes).
	Node string
	// Channels makes Keep and Fill per channel instead of per unit.
	Channels bool
	Keep     []float32
	Fill     []float32
}

// maskSite records the surgery of a masked Net.
type maskSite struct {
	node     Node
	channels bool
	size     int
	dims     []int
	keepName string
	fillName string
}

// Names of the inserted initializers and tensors.
const (
	maskKeep   = "alignscope.mask.keep"
	maskShift  = "alignscope.mask.shift"
	maskSuffix = "::alignscope.premask"
	maskMid    = "::alignscope.masked"
)

// Silence returns a Keep vector of length size: 1 everywhere but 0 at the
// given indices (units, or channels with Mask.Channels).
func Silence(size int, indices []int) ([]float32, error) {
	keep := make([]float32, size)
	for i := range keep {
		keep[i] = 1
	}
	for _, i := range indices {
		if i < 0 || i >= size {
			return nil, fmt.Errorf("unit %d is out of range: the layer has %d", i, size)
		}
		keep[i] = 0
	}
	return keep, nil
}

// newElem returns a new empty protobuf message of the element type of a
// slice of messages (the ONNX protobuf types are internal to onnx-gomlx).
func newElem[T proto.Message](_ []T) T {
	var z T
	return z.ProtoReflect().Type().New().Interface().(T)
}

// WithMask returns a copy of the network with a mask inserted after the
// node producing m.Node (graph surgery: the node's output is renamed and
// y' = y·keep + shift computed from it under the original name, so every
// consumer, and Extract of that layer, sees the masked tensor). The mask
// values are variables: SetMask changes them without rebuilding, e.g. for
// each draw of a random-lesion null distribution. The copy shares nothing
// mutable with n; n is unchanged.
func (n *Net) WithMask(m Mask) (*Net, error) {
	if n.mask != nil {
		return nil, fmt.Errorf("%s already has a mask on %q; mask the intact network", n.Name, n.mask.node.Name)
	}
	nd, err := n.Resolve(m.Node)
	if err != nil {
		return nil, err
	}
	site := &maskSite{node: nd, channels: m.Channels, keepName: maskKeep, fillName: maskShift}
	site.dims = make([]int, 1+len(nd.Shape))
	site.dims[0] = 1
	if m.Channels {
		if len(nd.Shape) == 0 {
			return nil, fmt.Errorf("layer %q has no channel axis", nd.Label)
		}
		for i := range nd.Shape {
			site.dims[1+i] = 1
		}
		site.dims[1] = nd.Shape[0]
		site.size = nd.Shape[0]
	} else {
		copy(site.dims[1:], nd.Shape)
		site.size = nd.Units()
	}

	mdl, err := parse(n.raw)
	if err != nil {
		return nil, err
	}
	g := mdl.Proto.Graph
	at, k := -1, -1
	for i, x := range g.Node {
		if j := slices.Index(x.Output, nd.Name); j >= 0 {
			at, k = i, j
			break
		}
	}
	if at < 0 {
		return nil, fmt.Errorf("node producing %q not found", nd.Name)
	}
	pre := nd.Name + maskSuffix
	mid := nd.Name + maskMid
	g.Node[at].Output[k] = pre
	mul := newElem(g.Node)
	mul.Name, mul.OpType = "alignscope.mask.mul", "Mul"
	mul.Input, mul.Output = []string{pre, maskKeep}, []string{mid}
	add := newElem(g.Node)
	add.Name, add.OpType = "alignscope.mask.add", "Add"
	add.Input, add.Output = []string{mid, maskShift}, []string{nd.Name}
	g.Node = slices.Insert(g.Node, at+1, mul, add)
	dims := make([]int64, len(site.dims))
	for i, d := range site.dims {
		dims[i] = int64(d)
	}
	for _, name := range []string{maskKeep, maskShift} {
		t := newElem(g.Initializer)
		t.Name, t.Dims, t.DataType = name, dims, 1 // FLOAT
		t.FloatData = make([]float32, site.size)
		g.Initializer = append(g.Initializer, t)
	}
	var buf bytes.Buffer
	if err := mdl.Write(&buf); err != nil {
		return nil, err
	}
	mdl2, err := parse(buf.Bytes())
	if err != nil {
		return nil, err
	}
	// The masked tensor keeps its operator for display; the inserted
	// tensors are hidden from Nodes.
	rewritten := maps.Clone(n.rewritten)
	if rewritten == nil {
		rewritten = map[string]string{}
	}
	rewritten[nd.Name] = nd.Op
	out := &Net{Name: n.Name, Pre: n.Pre, BatchSize: n.BatchSize, raw: buf.Bytes(), opset: n.opset, rewritten: rewritten}
	out.Pre.Mean = slices.Clone(n.Pre.Mean)
	out.Pre.Std = slices.Clone(n.Pre.Std)
	if err := out.init(mdl2); err != nil {
		return nil, err
	}
	out.mask = site
	keep := m.Keep
	if keep == nil {
		keep = make([]float32, site.size)
		for i := range keep {
			keep[i] = 1
		}
	}
	if err := out.SetMask(keep, m.Fill); err != nil {
		return nil, err
	}
	return out, nil
}

// MaskedNode returns the node a Net made by WithMask masks, and whether
// it has a mask.
func (n *Net) MaskedNode() (Node, bool) {
	if n.mask == nil {
		return Node{}, false
	}
	return n.mask.node, true
}

// SetMask changes the mask of a Net made by WithMask: keep (and fill, nil
// for zeros) have one value per unit, or per channel when the mask was
// made with Channels. It must not be called while an extraction on n
// runs.
func (n *Net) SetMask(keep, fill []float32) error {
	s := n.mask
	if s == nil {
		return fmt.Errorf("%s has no mask; use WithMask first", n.Name)
	}
	what := "units"
	if s.channels {
		what = "channels"
	}
	if len(keep) != s.size {
		return fmt.Errorf("mask of layer %q: %d keep values for %d %s", s.node.Label, len(keep), s.size, what)
	}
	if fill != nil && len(fill) != s.size {
		return fmt.Errorf("mask of layer %q: %d fill values for %d %s", s.node.Label, len(fill), s.size, what)
	}
	shift := make([]float32, s.size)
	for i, k := range keep {
		if math.IsNaN(float64(k)) || math.IsInf(float64(k), 0) {
			return fmt.Errorf("mask of layer %q: keep value %d is %v", s.node.Label, i, k)
		}
		if fill != nil {
			if math.IsNaN(float64(fill[i])) || math.IsInf(float64(fill[i]), 0) {
				return fmt.Errorf("mask of layer %q: fill value %d is %v", s.node.Label, i, fill[i])
			}
			shift[i] = (1 - k) * fill[i]
		}
	}
	scope := n.vars.In(onnx.ModelScope).Scope()
	for _, kv := range []struct {
		name string
		val  []float32
	}{{s.keepName, keep}, {s.fillName, shift}} {
		v := n.vars.GetVariableByScopeAndName(scope, onnx.SafeVarName(kv.name))
		if v == nil {
			return fmt.Errorf("mask variable %q not found", kv.name)
		}
		if err := v.SetValue(tensors.FromFlatDataAndDimensions(slices.Clone(kv.val), s.dims...)); err != nil {
			return err
		}
	}
	return nil
}
