package network_test

import (
	"context"
	"fmt"
	"image"

	"github.com/alignscope/alignscope/assets/demonet"
	"github.com/alignscope/alignscope/core/network"
)

// Extract two layers of the demo network for two images, then lesion
// channels 0 and 3 of pool2 and read the logits again.
func Example() {
	net, err := network.Load(demonet.ONNX, "demonet.onnx")
	if err != nil {
		fmt.Println(err)
		return
	}
	if net.Pre, err = network.ParsePreprocess(demonet.Preprocess, net.Pre); err != nil {
		fmt.Println(err)
		return
	}
	def, _ := net.DefaultLayers()
	fmt.Println("default layers:", len(def))

	grey := image.NewGray(image.Rect(0, 0, 64, 64))
	for i := range grey.Pix {
		grey.Pix[i] = uint8(i)
	}
	imgs := []image.Image{grey, image.NewRGBA(image.Rect(0, 0, 80, 64))} // resized and cropped to 64×64
	print := func(layer string, n int, shape []int, rows [][]float32) error {
		fmt.Printf("%s: images %d–%d, %v per image\n", layer, n, n+len(rows)-1, shape)
		return nil
	}
	if err := network.Extract(context.Background(), net, imgs, []string{"pool2", "logits"}, print, nil); err != nil {
		fmt.Println(err)
	}

	keep, _ := network.Silence(32, []int{0, 3})
	lesioned, err := net.WithMask(network.Mask{Node: "pool2", Channels: true, Keep: keep})
	if err != nil {
		fmt.Println(err)
		return
	}
	later, _ := lesioned.Downstream("pool2")
	fmt.Println("layers after pool2:", len(later))
	if err := network.Extract(context.Background(), lesioned, imgs, []string{"logits"}, print, nil); err != nil {
		fmt.Println(err)
	}
	// Output:
	// default layers: 7
	// pool2: images 0–1, [32 8 8] per image
	// logits: images 0–1, [4] per image
	// layers after pool2: 10
	// logits: images 0–1, [4] per image
}
