package network

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/gomlx/exceptions"
	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/simplego"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	gctx "github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/onnx-gomlx/onnx"
)

// Opset range accepted for the default ("ai.onnx") domain. PyTorch's
// exporter writes 13–17, the range the tests cover; older and newer
// opsets are accepted as far as their operators are (an operator whose
// meaning changed in a way the converter does not know fails when the
// graph is built, with an error naming the node).
const (
	MinOpset = 7
	MaxOpset = 21
)

// Node is a tensor of the graph that can become a layer: the float output
// of an operator that depends on the image input.
type Node struct {
	// Name is the ONNX tensor name (the node's output), the identifier
	// used by Extract and Mask.
	Name string
	// Label is a short unique display name derived from Name: PyTorch's
	// "/layer1/layer1.0/relu1/Relu_output_0" becomes "layer1.0.relu1".
	Label string
	// Op is the ONNX operator type ("Conv", "Relu", "MaxPool", …).
	Op string
	// NodeName is the ONNX node's own name (may be empty).
	NodeName string
	// Shape is the per-image shape (the batch axis dropped), e.g. C×H×W.
	Shape []int
	// Output is true for the graph's outputs (the logits).
	Output bool
}

// Units is the number of values per image, the product of Shape.
func (n Node) Units() int {
	p := 1
	for _, d := range n.Shape {
		p *= d
	}
	return p
}

// Net is a loaded ONNX network. Its exported fields may be changed before
// extraction; the graph itself is read-only (WithMask returns a new Net).
// A Net may be used by several goroutines, except that SetMask must not
// run while an extraction on the same Net does.
type Net struct {
	// Name is a display name (the file name, for instance).
	Name string
	// Pre is the preprocessing applied to images before the forward pass.
	// Load sets DefaultPreprocess for the input size.
	Pre Preprocess
	// BatchSize is the number of images per forward pass (Load sets 8,
	// or the model's fixed batch size). Larger batches use more memory;
	// cancellation takes effect between batches.
	BatchSize int

	raw        []byte // the serialized model (after Dropout removal)
	model      *onnx.Model
	vars       *gctx.Context
	input      string
	inShape    []int // N, C, H, W; -1 for dynamic axes
	opset      int
	outputs    []string
	fixedBatch int               // > 0 when the model's batch axis is fixed
	rewritten  map[string]string // output → original op of rewritten nodes
	mask       *maskSite

	mu       sync.Mutex
	nodes    []Node
	nodesKey [2]int
	nodesErr error
	execs    map[string]*gctx.Exec
}

// backend is the GoMLX back end shared by all nets: SimpleGo (pure Go)
// with convolutions lowered to matrix products.
var backend = sync.OnceValue(func() backends.Backend {
	return im2colBackend{simplego.GetBackend()}
})

// supportedOps lists the ONNX operators (default domain) that the
// converter (github.com/gomlx/onnx-gomlx v0.3.4) and the SimpleGo back end
// can run. Dropout is rewritten to Identity (inference).
var supportedOps = map[string]bool{}

func init() {
	for _, op := range strings.Fields(`Add Sub Mul Div Pow And Or Xor BitwiseAnd BitwiseOr BitwiseXor
		Equal Less LessOrEqual Greater GreaterOrEqual Sqrt Exp Log Erf Relu Abs Neg Sign Ceil Floor
		Identity Not BitwiseNot Tanh Sin Cos MatMul Clip Where Min Max Constant Gather GatherElements
		Shape Concat Softmax Cast Transpose Gemm Flatten Squeeze Unsqueeze Slice Reshape ReduceMean
		ConstantOfShape Expand Tile Range CumSum Conv AveragePool MaxPool GlobalAveragePool
		BatchNormalization LayerNormalization Split Trilu ScatterND Pad Dropout`) {
		supportedOps[op] = true
	}
}

// UnsupportedOpError reports operators of a graph that the runtime cannot
// run.
type UnsupportedOpError struct {
	Ops   []string // operator types, sorted ("Domain:Op" outside the default domain)
	Nodes []string // one node name (or output) per operator, for the message
}

func (e *UnsupportedOpError) Error() string {
	var parts []string
	for i, op := range e.Ops {
		parts = append(parts, fmt.Sprintf("%s (node %q)", op, e.Nodes[i]))
	}
	what := "operator"
	if len(e.Ops) > 1 {
		what = "operators"
	}
	return fmt.Sprintf("unsupported ONNX %s: %s; the runtime supports %s", what, strings.Join(parts, ", "), supportedList())
}

func supportedList() string {
	var ops []string
	for op := range supportedOps {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	return strings.Join(ops, " ")
}

// Load parses an ONNX model (the bytes of a .onnx file) and checks that it
// can be run: one float32 image input N×3×H×W (N and H×W may be dynamic),
// a supported opset, only supported operators (an error names every
// unsupported one), and a graph that builds for the input size (an
// attribute the converter does not implement, such as MaxPool's
// ceil_mode, is an error naming the node). name is used in messages.
func Load(model []byte, name string) (*Net, error) {
	if len(model) == 0 {
		return nil, fmt.Errorf("%s: empty file, not an ONNX model", name)
	}
	m, err := parse(model)
	if err != nil {
		return nil, fmt.Errorf("%s: not an ONNX model (%v); export the network with torch.onnx.export or save it from a model zoo as .onnx", name, firstLine(err))
	}
	if m.Proto.Graph == nil || len(m.Proto.Graph.Node) == 0 {
		return nil, fmt.Errorf("%s: not an ONNX model (no graph nodes)", name)
	}
	opset := -1
	for _, o := range m.Proto.OpsetImport {
		if o.Domain == "" || o.Domain == "ai.onnx" {
			opset = int(o.Version)
		}
	}
	if opset < 0 {
		return nil, fmt.Errorf("%s: the model declares no opset for the default ONNX domain", name)
	}
	if opset < MinOpset || opset > MaxOpset {
		return nil, fmt.Errorf("%s: ONNX opset %d is not supported (supported: %d–%d; re-export with opset_version=13 … 17)", name, opset, MinOpset, MaxOpset)
	}
	// Unsupported operators, each named once.
	bad := map[string]string{}
	for _, nd := range m.Proto.Graph.Node {
		op := nd.OpType
		if nd.Domain != "" && nd.Domain != "ai.onnx" {
			op = nd.Domain + ":" + op
		} else if supportedOps[op] {
			continue
		}
		if _, ok := bad[op]; !ok {
			id := nd.Name
			if id == "" && len(nd.Output) > 0 {
				id = nd.Output[0]
			}
			bad[op] = id
		}
	}
	if len(bad) > 0 {
		e := &UnsupportedOpError{}
		for op := range bad {
			e.Ops = append(e.Ops, op)
		}
		sort.Strings(e.Ops)
		for _, op := range e.Ops {
			e.Nodes = append(e.Nodes, bad[op])
		}
		return nil, fmt.Errorf("%s: %w", name, e)
	}
	// Rewrites for the converter, then re-parse: Dropout is the identity
	// at inference; GlobalAveragePool becomes ReduceMean over H, W with
	// keepdims (the converter's GlobalAveragePool drops the 1×1 axes that
	// the ONNX specification keeps, which breaks a following Squeeze or
	// 1×1 Conv).
	rewritten := map[string]string{}
	for _, nd := range m.Proto.Graph.Node {
		switch nd.OpType {
		case "Dropout":
			nd.OpType = "Identity"
			nd.Input = nd.Input[:1]
			nd.Output = nd.Output[:1]
			nd.Attribute = nil
			rewritten[nd.Output[0]] = "Dropout"
		case "GlobalAveragePool":
			nd.OpType = "ReduceMean"
			axes := newElem(nd.Attribute)
			axes.Name, axes.Type, axes.Ints = "axes", 7, []int64{2, 3} // INTS
			keep := newElem(nd.Attribute)
			keep.Name, keep.Type, keep.I = "keepdims", 2, 1 // INT
			nd.Attribute = append(nd.Attribute[:0], axes, keep)
			rewritten[nd.Output[0]] = "GlobalAveragePool"
		}
	}
	raw := model
	if len(rewritten) > 0 {
		var buf bytes.Buffer
		if err := m.Write(&buf); err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
		raw = buf.Bytes()
		if m, err = parse(raw); err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
	}
	n := &Net{Name: name, raw: raw, opset: opset, BatchSize: 8, rewritten: rewritten}
	if err := n.init(m); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	n.Pre = DefaultPreprocess(n.inShape[2], n.inShape[3])
	// Build the graph once, so that an operator the converter rejects
	// (an attribute it does not implement, say) fails here.
	if _, err := n.Nodes(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return n, nil
}

// parse wraps onnx.Parse, turning a panic of the protobuf decoder on
// garbage into an error.
func parse(b []byte) (m *onnx.Model, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	return onnx.Parse(b)
}

// init finds the image input and uploads the weights.
func (n *Net) init(m *onnx.Model) error {
	// Older exporters also list the initializers (weights) as graph
	// inputs; only the others are fed.
	inits := map[string]bool{}
	for _, t := range m.Proto.Graph.Initializer {
		inits[t.Name] = true
	}
	var names []string
	var dshapes []onnx.DynamicShape
	for i, nm := range m.InputsNames {
		if !inits[nm] {
			names = append(names, nm)
			dshapes = append(dshapes, m.InputsShapes[i])
		}
	}
	m.InputsNames, m.InputsShapes = names, dshapes
	if len(names) != 1 {
		return fmt.Errorf("the model has %d inputs (%s); only networks with one image input are supported", len(names), strings.Join(names, ", "))
	}
	ds := dshapes[0]
	if ds.DType != dtypes.Float32 {
		return fmt.Errorf("input %q is %s; only float32 image inputs are supported", names[0], ds.DType)
	}
	if ds.Rank() != 4 {
		return fmt.Errorf("input %q has shape %v; an image input N×C×H×W is needed", names[0], ds)
	}
	if ds.Dimensions[1] != 3 {
		return fmt.Errorf("input %q has %d channels (shape %v); only RGB networks (3 channels, N×3×H×W) are supported", names[0], ds.Dimensions[1], ds)
	}
	n.model = m
	n.input = names[0]
	n.inShape = slices.Clone(ds.Dimensions)
	if d := ds.Dimensions[0]; d > 0 {
		n.fixedBatch = d
		n.BatchSize = d
	}
	n.outputs = slices.Clone(m.OutputsNames)
	n.vars = gctx.New()
	if err := m.VariablesToContext(n.vars); err != nil {
		return fmt.Errorf("reading the weights: %v", firstLine(err))
	}
	n.execs = map[string]*gctx.Exec{}
	return nil
}

// Input returns the name of the image input and its shape N×3×H×W, with
// −1 for dynamic axes.
func (n *Net) Input() (string, []int) { return n.input, slices.Clone(n.inShape) }

// Opset is the model's ONNX opset version.
func (n *Net) Opset() int { return n.opset }

// Outputs are the names of the graph's outputs (usually the logits).
func (n *Net) Outputs() []string { return slices.Clone(n.outputs) }

// inputSize is the H×W fed to the network: the model's static size, or
// else the preprocessing's crop (or resize) size.
func (n *Net) inputSize() (int, int, error) {
	h, w := n.inShape[2], n.inShape[3]
	if h > 0 && w > 0 {
		return h, w, nil
	}
	s := n.Pre.Crop
	if s == 0 {
		s = n.Pre.Resize
	}
	if s <= 0 {
		return 0, 0, fmt.Errorf("the model's input size is dynamic (%v): set the preprocessing crop size", n.inShape)
	}
	if h <= 0 {
		h = s
	}
	if w <= 0 {
		w = s
	}
	return h, w, nil
}

// dependsOnInput returns the set of tensor names computed from the image
// input, in the graph's (topological) node order.
func (n *Net) dependsOnInput() map[string]bool {
	dep := map[string]bool{n.input: true}
	for _, nd := range n.model.Proto.Graph.Node {
		for _, in := range nd.Input {
			if dep[in] {
				for _, o := range nd.Output {
					if o != "" {
						dep[o] = true
					}
				}
				break
			}
		}
	}
	return dep
}

// graphErr converts a panic raised while building a GoMLX graph into an
// error.
func graphErr(fn func()) (err error) {
	e := exceptions.Try(fn)
	if e == nil {
		return nil
	}
	switch v := e.(type) {
	case error:
		return errors.New(firstLine(v))
	default:
		return fmt.Errorf("%v", v)
	}
}

// firstLine drops the stack trace some GoMLX errors carry.
func firstLine(err error) string {
	s := err.Error()
	if i := strings.Index(s, "\n"); i >= 0 {
		s = s[:i]
	}
	return s
}

// Nodes lists the tensors that can become layers, in graph order: the
// float outputs of nodes that depend on the image input, with their
// per-image shapes (found by building the graph for a batch of 2 images
// of the input size, without running it).
func (n *Net) Nodes() ([]Node, error) {
	h, w, err := n.inputSize()
	if err != nil {
		return nil, err
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.nodes != nil && n.nodesKey == [2]int{h, w} {
		return slices.Clone(n.nodes), nil
	}
	batch := 2
	if n.fixedBatch > 0 {
		batch = n.fixedBatch
	}
	dep := n.dependsOnInput()
	var cands []string
	ops := map[string][2]string{}
	for _, nd := range n.model.Proto.Graph.Node {
		if nd.OpType == "Constant" {
			continue
		}
		for _, o := range nd.Output {
			if o != "" && dep[o] && !strings.HasSuffix(o, maskSuffix) && !strings.HasSuffix(o, maskMid) {
				cands = append(cands, o)
				ops[o] = [2]string{n.opOf(nd.OpType, nd.Output), nd.Name}
			}
		}
	}
	var nodes []Node
	err = graphErr(func() {
		g := graph.NewGraph(backend(), "shapes")
		defer g.Finalize()
		x := graph.Parameter(g, n.input, shapes.Make(dtypes.Float32, batch, 3, h, w))
		outs := n.model.CallGraph(n.vars, g, map[string]*graph.Node{n.input: x}, cands...)
		for i, o := range outs {
			s := o.Shape()
			if !s.DType.IsFloat() || s.Rank() < 1 || s.Dimensions[0] != batch {
				continue
			}
			nodes = append(nodes, Node{Name: cands[i], Op: ops[cands[i]][0], NodeName: ops[cands[i]][1],
				Shape: slices.Clone(s.Dimensions[1:]), Output: slices.Contains(n.outputs, cands[i])})
		}
	})
	if err != nil {
		return nil, fmt.Errorf("building the graph for %d×3×%d×%d input: %w", batch, h, w, err)
	}
	setLabels(nodes)
	n.nodes, n.nodesKey = nodes, [2]int{h, w}
	return slices.Clone(nodes), nil
}

// setLabels derives short display names from PyTorch's scoped tensor
// names: "/layer1/layer1.0/relu1/Relu_output_0" → "layer1.0.relu1".
// A scope repeated as the prefix of the next ("layer1/layer1.0") is
// dropped, and so is a last part equal to the operator. Colliding labels
// fall back to the full name without "/" and "_output_0".
func setLabels(nodes []Node) {
	full := func(nd Node) string {
		s := strings.TrimSuffix(strings.TrimPrefix(nd.Name, "/"), "_output_0")
		return strings.ReplaceAll(s, "/", ".")
	}
	count := map[string]int{}
	for i := range nodes {
		nd := &nodes[i]
		s := strings.TrimSuffix(strings.TrimPrefix(nd.Name, "/"), "_output_0")
		parts := strings.Split(s, "/")
		var keep []string
		for j, p := range parts {
			if p == "" || (j+1 < len(parts) && strings.HasPrefix(parts[j+1], p+".")) {
				continue
			}
			keep = append(keep, p)
		}
		if len(keep) > 1 && keep[len(keep)-1] == nd.Op {
			keep = keep[:len(keep)-1]
		}
		nd.Label = strings.Join(keep, ".")
		if nd.Label == "" {
			nd.Label = full(*nd)
		}
		count[nd.Label]++
	}
	for i := range nodes {
		if count[nodes[i].Label] > 1 {
			nodes[i].Label = full(nodes[i])
		}
	}
}

// Resolve returns the tensor name of a node given by tensor name or by
// label, or an error saying that no such node exists.
func (n *Net) Resolve(name string) (Node, error) {
	nodes, err := n.Nodes()
	if err != nil {
		return Node{}, err
	}
	for _, nd := range nodes {
		if nd.Name == name {
			return nd, nil
		}
	}
	for _, nd := range nodes {
		if nd.Label == name {
			return nd, nil
		}
	}
	for _, nd := range n.model.Proto.Graph.Node {
		if nd.Name == name && len(nd.Output) > 0 {
			for _, x := range nodes {
				if x.Name == nd.Output[0] {
					return x, nil
				}
			}
		}
	}
	return Node{}, fmt.Errorf("node %q does not exist in %s (or does not produce a float tensor from the image); %d nodes can be layers, e.g. %s",
		name, n.Name, len(nodes), examples(nodes))
}

func examples(nodes []Node) string {
	var s []string
	for i := len(nodes) - 1; i >= 0 && len(s) < 3; i-- {
		s = append(s, fmt.Sprintf("%q", nodes[i].Label))
	}
	return strings.Join(s, ", ")
}

// opOf is the operator type shown for a node: the original one of nodes
// Load rewrote.
func (n *Net) opOf(op string, outputs []string) string {
	if len(outputs) > 0 {
		if o, ok := n.rewritten[outputs[0]]; ok {
			return o
		}
	}
	return op
}

// ReLU-like and pooling operators, for DefaultLayers.
var (
	reluOps      = map[string]bool{"Relu": true, "Clip": true, "LeakyRelu": true, "PRelu": true}
	localPoolOps = map[string]bool{"MaxPool": true, "AveragePool": true}
	poolOps      = map[string]bool{"MaxPool": true, "AveragePool": true, "GlobalAveragePool": true, "GlobalMaxPool": true}
)

// DefaultLayers is the default choice of layers: the output of every
// ReLU/pooling block — every pooling node's output, and every ReLU's
// output unless its only consumer is a (local) max or average pooling,
// whose output then stands for the block — and the graph outputs (the
// logits). Tensor names, in graph order.
func (n *Net) DefaultLayers() ([]string, error) {
	nodes, err := n.Nodes()
	if err != nil {
		return nil, err
	}
	consumers := map[string][]string{}
	for _, nd := range n.model.Proto.Graph.Node {
		for _, in := range nd.Input {
			consumers[in] = append(consumers[in], n.opOf(nd.OpType, nd.Output))
		}
	}
	var out []string
	for _, nd := range nodes {
		switch {
		case nd.Output, poolOps[nd.Op]:
			out = append(out, nd.Name)
		case reluOps[nd.Op]:
			c := consumers[nd.Name]
			if len(c) == 1 && localPoolOps[c[0]] {
				continue
			}
			out = append(out, nd.Name)
		}
	}
	return out, nil
}

// Downstream returns the nodes computed from the given one (by name or
// label), in graph order, without the node itself: the layers a lesion
// of it can change.
func (n *Net) Downstream(name string) ([]string, error) {
	nd, err := n.Resolve(name)
	if err != nil {
		return nil, err
	}
	nodes, err := n.Nodes()
	if err != nil {
		return nil, err
	}
	dep := map[string]bool{nd.Name: true}
	for _, x := range n.model.Proto.Graph.Node {
		for _, in := range x.Input {
			if dep[in] {
				for _, o := range x.Output {
					dep[o] = true
				}
				break
			}
		}
	}
	var out []string
	for _, x := range nodes {
		if dep[x.Name] && x.Name != nd.Name {
			out = append(out, x.Name)
		}
	}
	return out, nil
}
