// Package demonet embeds the demo project's small convolutional network:
// demonet.onnx, trained by train.py (beside this file, with Debian's
// python3-torch) on the 64 demo images to classify their "category"
// (face, fish, house, car), its preprocessing side-car demonet.json, and
// reference.npz, activations computed by torch at export time on which the
// runtime's tests check their results (see train.py for the keys).
//
// Layers (ONNX tensor names, per-image shapes):
//
//	/pool1/MaxPool_output_0             16×16×16  conv 5×5 stride 2, ReLU, max-pool
//	/pool2/MaxPool_output_0             32×8×8    conv 3×3, ReLU, max-pool
//	/relu3/Relu_output_0                64×8×8    conv 3×3, ReLU
//	/relu4/Relu_output_0                64×8×8    conv 3×3 + residual, ReLU
//	/avgpool/GlobalAveragePool_output_0 64×1×1
//	/relu5/Relu_output_0                32        fully connected, ReLU
//	logits                              4         face, fish, house, car
package demonet

import _ "embed"

// ONNX is the network, opset 13, input "image" (N×3×64×64 float32),
// output "logits" (N×4).
//
//go:embed demonet.onnx
var ONNX []byte

// Preprocess is the side-car JSON of the network: resize 64, crop 64 and
// the channel mean and standard deviation of the demo images.
//
//go:embed demonet.json
var Preprocess []byte

// Reference is an .npz of activations computed by torch for the 64 demo
// images in stimuli.tsv order, intact and with a channel lesion.
//
//go:embed reference.npz
var Reference []byte

// Categories are the meanings of the four logits, in order.
var Categories = []string{"face", "fish", "house", "car"}
