// Package network runs convolutional networks stored as ONNX graphs on
// stimulus images, in pure Go, and returns their layers' activations;
// it also lesions a layer by graph surgery and propagates the lesion.
//
// # Runtime
//
// Load parses an ONNX model (as PyTorch's torch.onnx.export writes it,
// opset 13–17 tested, MinOpset–MaxOpset accepted) with
// github.com/gomlx/onnx-gomlx and runs it with GoMLX's pure-Go SimpleGo
// back end. Every operator of the graph is checked at load time: an
// operator the converter or back end cannot run is an
// *UnsupportedOpError naming each such operator and one node using it.
// Two rewrites happen at load: Dropout becomes Identity (inference), and
// GlobalAveragePool becomes ReduceMean over the spatial axes with
// keepdims, which is its ONNX definition (the converter's own version
// drops the 1×1 axes).
//
// Convolutions are lowered to one matrix product each (im2col): for x of
// shape N×C×H×W, weights w of shape O×C×kh×kw, stride s and zero padding,
//
//	cols[n, c·kh·kw + i·kw + j, h·Wo + v] = pad(x)[n, c, i + s₀h, j + s₁v]
//	y[n, o, h, v] = Σ_k w[o, k] · cols[n, k, h·Wo + v]
//
// so that SimpleGo's blocked, parallel DotGeneral does the work instead
// of its direct, single-threaded convolution loop (about 9× faster on a
// ResNet-18). Padding is done by concatenation, SimpleGo having no Pad.
//
// # Nodes and layers
//
// Nodes lists the tensors that can become layers — the float outputs of
// operators computed from the image — with their per-image shapes, found
// by building (not running) the graph for two images. Labels shorten
// PyTorch's scoped names ("/layer1/layer1.0/relu1/Relu_output_0" →
// "layer1.0.relu1"); Resolve accepts either. DefaultLayers picks the
// output of every ReLU/pooling block and the logits.
//
// # Preprocessing
//
// Preprocess is torchvision's evaluation transform: Resize(shorter side)
// → CenterCrop → ToTensor → Normalize(mean, std), with ImageNet values by
// default (DefaultPreprocess adapts the sizes to a model's static input)
// and a side-car JSON read by ParsePreprocess. Resizing is antialiased
// bilinear in float, as torchvision's resize(antialias=True) of a float
// tensor; see Preprocess.Apply for the pixel conversion rule.
//
// # Extraction
//
// Extract (or Prepare and ExtractInputs) runs the images in batches of
// BatchSize on up to GOMAXPROCS goroutines and streams each layer's rows
// to a callback in image order, so a layer never has to fit in memory
// whole; it reports progress to a *job.Reporter and stops when its
// context is cancelled (after the running batches).
//
// # Lesions
//
// WithMask inserts, after the node producing a tensor y, the operations
//
//	y' = keep ⊙ y + (1 − keep) ⊙ fill
//
// per unit or per channel, renaming y's producer output so that every
// consumer sees y' (graph surgery on the ONNX protobuf). keep = 0, fill =
// 0 ablates a unit; fill = the unit's mean over stimuli is a
// mean-replacement lesion. keep and fill are variables of the compiled
// graph: SetMask changes them without recompiling, which is what a
// random-lesion null distribution needs. The tests check, on the demo
// network (assets/demonet), that masked channels are exactly zero, the
// others bit-for-bit unchanged, and that the next layer and the outputs
// equal torch's recomputation with the same mask (made at export time).
package network
