package inference_test

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/alignscope/alignscope/core/inference"
	"gonum.org/v1/gonum/mat"
)

func ExampleNoiseCeiling() {
	// Three subjects' RDMs over 4 stimuli (6 pairs each).
	rdms := mat.NewDense(3, 6, []float64{
		1, 2, 3, 4, 5, 6,
		1, 3, 2, 4, 6, 5,
		2, 1, 3, 5, 4, 6,
	})
	c, err := inference.NoiseCeiling(rdms, "spearman", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("noise ceiling: lower %.3f, upper %.3f\n", c.Lower, c.Upper)
	// Output:
	// noise ceiling: lower 0.863, upper 0.924
}

func ExampleKFoldRDM() {
	folds, _ := inference.KFoldRDM(8, 3)
	fmt.Println(folds)
	// Output:
	// [0 0 1 1 2 2 1 0]
}

func ExampleFDR() {
	fmt.Println(inference.FDR([]float64{0.01, 0.04, 0.03, 0.005}))
	fmt.Println(inference.Bonferroni([]float64{0.01, 0.04, 0.03, 0.005}))
	// Output:
	// [0.02 0.04 0.04 0.02]
	// [0.04 0.16 0.12 0.02]
}

// Evaluate two models against ten subjects with the corrected dual
// bootstrap, as drawn on a model-comparison chart.
func ExampleEvaluate() {
	const n, subjects = 12, 10
	m := n * (n - 1) / 2
	rng := rand.New(rand.NewPCG(1, 2))
	truth := make([]float64, m)
	for j := range truth {
		truth[j] = rng.Float64()
	}
	models := mat.NewDense(2, m, nil)
	data := mat.NewDense(subjects, m, nil)
	for j, v := range truth {
		models.Set(0, j, v+0.3*rng.NormFloat64()) // a good model
		models.Set(1, j, rng.Float64())           // an unrelated model
		for s := 0; s < subjects; s++ {
			data.Set(s, j, v+0.5*rng.NormFloat64())
		}
	}
	r, err := inference.Evaluate(context.Background(), models, data,
		inference.Options{Method: "corr", Scheme: inference.Dual, N: 1000, Seed: 1}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for k, s := range r.Models {
		fmt.Printf("model %d: %.2f ± %.2f, p(>0) %.3f\n", k, s.Mean, s.SE, s.PZero)
	}
	fmt.Printf("noise ceiling [%.2f, %.2f]\n", r.NoiseCeiling.Lower, r.NoiseCeiling.Upper)
	fmt.Printf("model 0 vs 1: p %.4f (FDR %.4f)\n", r.PPair.At(0, 1), r.PPairFDR.At(0, 1))
	// Output:
	// model 0: 0.35 ± 0.09, p(>0) 0.001
	// model 1: -0.04 ± 0.13, p(>0) 0.622
	// noise ceiling [0.38, 0.56]
	// model 0 vs 1: p 0.0350 (FDR 0.0350)
}
