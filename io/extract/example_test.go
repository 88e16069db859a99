package extract_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/alignscope/alignscope/assets"
	"github.com/alignscope/alignscope/assets/demonet"
	"github.com/alignscope/alignscope/io/extract"
	"github.com/alignscope/alignscope/io/images"
	"github.com/alignscope/alignscope/io/onnxfile"
)

// Extract two layers of the demo network for the demo's 64 images (the
// stimulus list built from the file names) into a folder.
func ExampleToDir() {
	net, err := onnxfile.Load(demonet.ONNX, demonet.Preprocess, "demonet.onnx")
	if err != nil {
		fmt.Println(err)
		return
	}
	set, err := images.ReadFS(assets.DemoRoot(), "images", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	dir, _ := os.MkdirTemp("", "acts")
	defer os.RemoveAll(dir)
	res, err := extract.ToDir(context.Background(), net, set, []string{"pool2", "logits"}, dir, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Images, "images")
	table, _ := os.ReadFile(filepath.Join(res.Dir, extract.LayersFile))
	fmt.Print(string(table))
	// Output:
	// 64 images
	// file	tensor	label	op	shape
	// pool2.npy	/pool2/MaxPool_output_0	pool2	MaxPool	32x8x8
	// logits.npy	logits	logits	Gemm	4
}
