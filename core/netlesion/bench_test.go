package netlesion_test

import (
	"context"
	"testing"
	"time"

	"github.com/alignscope/alignscope/core/decode"
	"github.com/alignscope/alignscope/core/lesion"
	"github.com/alignscope/alignscope/core/netlesion"
)

// BenchmarkDemoNullBand is the speed goal (< 60 s on 2 cores): a
// propagated random-lesion null band of the demo network — 100 random
// draws at one fraction (25 % of the 32 channels of pool2), each
// re-running the 64 demo images — measured on every node after pool2
// (Downstream: 10 layers) against the demo's 3 regions (4 subjects each,
// RDMs from the demo recordings), with the top-1 agreement and the
// decoding of the category from the logits. One iteration is the whole
// curve (intact, targeted, 100 draws). Run it with
//
//	go test -run XXX -bench DemoNullBand -benchtime 1x ./core/netlesion
func BenchmarkDemoNullBand(b *testing.B) {
	d := demoN(b, 64)
	nd, err := d.net.Resolve(pool2)
	if err != nil {
		b.Fatal(err)
	}
	plan, err := lesion.RandomChannels(nd.Shape, 1)
	if err != nil {
		b.Fatal(err)
	}
	spec := netlesion.Spec{Net: d.net, Inputs: d.in, Node: pool2, Channels: true, Plan: plan,
		Fractions: []float64{0.25}, Draws: 100, Seed: 1, Regions: d.regions, Top1: true,
		Readout: &lesion.Readout{Descriptor: "category", Labels: d.category, Options: decode.Options{}}}
	for b.Loop() {
		start, cpu0 := time.Now(), cpuTime()
		res, err := netlesion.Run(context.Background(), spec, nil)
		if err != nil {
			b.Fatal(err)
		}
		wall, cpu := time.Since(start).Seconds(), cpuTime()-cpu0
		b.ReportMetric(wall, "s/band")
		if cpu0 >= 0 {
			b.ReportMetric(cpu, "cpu-s/band")
		}
		b.Logf("%d images, %d layers × %d regions + top-1 + decoding, %d draws: %.1f s wall, %.1f s CPU",
			d.in.N, len(res.Layers), len(res.Ceilings), res.Draws, wall, cpu)
	}
}
