package netlesion_test

import (
	"context"
	"fmt"

	"github.com/alignscope/alignscope/core/lesion"
	"github.com/alignscope/alignscope/core/netlesion"
)

// Silence a random 25 % of the channels of the demo network's pool2,
// re-run 16 demo images, and measure relu5 and the logits against the
// demo's regions and the top-1 agreement with the intact network, against
// 9 random lesions of as many channels.
func ExampleRun() {
	d, err := loadDemo() // the demo network, images and region RDMs
	if err != nil {
		fmt.Println(err)
		return
	}
	d = subset(d, 16)
	node, _ := d.net.Resolve("pool2")
	plan, _ := lesion.RandomChannels(node.Shape, 1)
	res, err := netlesion.Run(context.Background(), netlesion.Spec{
		Net: d.net, Inputs: d.in, Node: "pool2", Channels: true, Plan: plan,
		Fractions: []float64{0.25}, Draws: 9, Seed: 1,
		Layers: []string{"relu5", "logits"}, Regions: d.regions, Top1: true,
	}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s of %s %v: %d of 32 channels, %d units\n", res.Plan, res.NodeLabel, res.NodeShape, res.Groups[0], res.Units[0])
	for _, e := range res.Effects {
		fmt.Printf("%-6s %-15s intact %s, %d draws\n", e.LayerLabel, e.Name, e.Measure, len(e.Null[0]))
	}
	// Output:
	// random channels of pool2 [32 8 8]: 8 of 32 channels, 512 units
	// relu5  V1              intact spearman, 9 draws
	// relu5  V4              intact spearman, 9 draws
	// relu5  IT              intact spearman, 9 draws
	// logits V1              intact spearman, 9 draws
	// logits V4              intact spearman, 9 draws
	// logits IT              intact spearman, 9 draws
	// logits top-1 agreement intact agreement, 9 draws
}
