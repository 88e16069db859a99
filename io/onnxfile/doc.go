// Package onnxfile opens ONNX networks from disk for package core/network:
// the .onnx file and its preprocessing side-car, MODEL.json beside
// MODEL.onnx, holding {"resize": 256, "crop": 224, "mean": [r, g, b],
// "std": [r, g, b]} (any key may be left out; the others keep the
// defaults, network.DefaultPreprocess for the model's input size).
package onnxfile
