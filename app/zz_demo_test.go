package main

import (
	"context"
	"testing"
	"time"

	"github.com/alignscope/alignscope/assets"
	"github.com/alignscope/alignscope/core/blas"
	"github.com/alignscope/alignscope/core/lesion"
	"github.com/alignscope/alignscope/io/loader"
)

func TestZZDemoEncoding(t *testing.T) {
	blas.Use()
	proj, _ := loader.LoadFolderFS(assets.DemoRoot(), "demo")
	layer := proj.Model("gabornet").Layer("fc")
	reg, enc, err := lesion.ProjectRegion(context.Background(), proj, "IT", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, fill := range []lesion.Fill{lesion.Zero, lesion.Mean} {
		plan, _ := lesion.Selective(context.Background(), layer.Data, lesion.Contrast{Descriptor: "category", Values: proj.Stimuli.Descriptor("category")}, lesion.Highest)
		start := time.Now()
		res, err := lesion.Run(context.Background(), lesion.Spec{Layer: layer.Data, Plan: plan, Fill: fill, Draws: 100, Seed: 1,
			Regions: []lesion.Region{reg}, Encoding: []lesion.EncodingRegion{enc}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("fill %s: %v", fill, time.Since(start))
		logCurve(t, res)
	}
}
