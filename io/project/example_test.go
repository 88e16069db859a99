package project_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/alignscope/alignscope/assets"
	"github.com/alignscope/alignscope/core/inference"
	"github.com/alignscope/alignscope/core/rsa"
	"github.com/alignscope/alignscope/io/loader"
	"github.com/alignscope/alignscope/io/project"
)

// A project records an analysis by its kind and settings; Methods words
// it as a paper's methods section would.
func ExampleMethods() {
	spec := rsa.Spec{
		Layers:   []rsa.LayerRef{{Model: "alexnet", Layer: "conv1"}, {Model: "alexnet", Layer: "fc7"}},
		Regions:  []string{"V1", "IT"},
		Subjects: []string{"s1", "s2", "s3"},
		Distance: "correlation", Compare: "tau-a",
		Scheme: inference.Subjects, Samples: 1000, Seed: 42, Correction: "bonferroni",
	}
	a := &project.Analysis{ID: "rsa-1", Kind: project.KindRSA, Spec: spec}
	fmt.Println(a.Summary())
	fmt.Print(project.Methods([]*project.Analysis{a}, "Alignscope 1.0"))
	// Output:
	// RSA · 2 layers × 2 regions · 3 subjects · correlation distance · tau-a · bootstrap over subjects, 1000 samples, seed 42 · BONFERRONI
	// Representational similarity analysis (RSA; Kriegeskorte et al., 2008) was performed in Alignscope 1.0. Representational dissimilarity matrices (RDMs) over the stimuli were computed with the correlation distance (1 − Pearson r between the response patterns of two stimuli) for 2 model layers (alexnet: conv1, fc7) and for the brain regions V1 and IT in 3 subjects (s1, s2 and s3). Each model RDM was compared with each subject's data RDM using Kendall's τa. Uncertainty was estimated with a bootstrap over subjects, so that conclusions generalise to new subjects, drawing 1000 bootstrap samples (random seed 42); 95 % confidence intervals are the 2.5th and 97.5th percentiles of the bootstrap distribution, and the bootstrap variances, with the small-sample correction n/(n − 1) for the n resampled units, entered t-tests whose degrees of freedom are the number of resampled units minus one. Each layer's score was tested against zero (one-sided) and against the lower bound of the noise ceiling (two-sided), and every pair of layers was compared with a two-sided test of their difference; p-values were corrected for multiple comparisons with Bonferroni correction across the layers of each region (tests against zero and against the ceiling) and across the pairs of layers (pairwise tests), at α = 0.05. The noise ceiling was estimated by leaving out one subject at a time (Nili et al., 2014): its lower bound is the mean Kendall's τa between each subject's RDM and the average RDM of the other subjects, its upper bound the same with the average of all subjects. The computations follow the definitions of rsatoolbox (Schütt et al., 2023).
}

func benchState(b *testing.B) *project.State {
	p, err := loader.LoadFolderFS(assets.DemoRoot(), "Demo project")
	if err != nil {
		b.Fatal(err)
	}
	spec := rsa.Spec{Regions: p.RegionNames(), Distance: "correlation", Compare: "spearman",
		Scheme: inference.Stimuli, Samples: 1000, Seed: 1, Correction: "fdr"}
	for _, m := range p.Models {
		for _, l := range m.Layers {
			spec.Layers = append(spec.Layers, rsa.LayerRef{Model: m.Name, Layer: l.Name})
		}
	}
	res, err := rsa.Run(b.Context(), p, spec, nil)
	if err != nil {
		b.Fatal(err)
	}
	return &project.State{Project: p, Analyses: []*project.Analysis{{ID: "rsa-1", Kind: project.KindRSA, Spec: spec, Result: res}}}
}

// BenchmarkSave saves the demo with an RSA result of 1000 bootstrap
// samples into a new folder each time (checksums cached after the first).
func BenchmarkSave(b *testing.B) {
	st := benchState(b)
	root := b.TempDir()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if err := project.Save(filepath.Join(root, fmt.Sprint(i)+project.Ext), st, project.SaveOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpen reopens it: checksums of the demo, replay, cached result.
func BenchmarkOpen(b *testing.B) {
	st := benchState(b)
	dir := filepath.Join(b.TempDir(), "demo"+project.Ext)
	if err := project.Save(dir, st, project.SaveOptions{}); err != nil {
		b.Fatal(err)
	}
	if fi, err := os.Stat(filepath.Join(dir, project.FileName)); err == nil {
		b.ReportMetric(float64(fi.Size()), "toml-bytes")
	}
	for b.Loop() {
		o, err := project.Open(dir, project.OpenOptions{})
		if err != nil || o.Analyses[0].Result == nil {
			b.Fatal(err)
		}
	}
}
