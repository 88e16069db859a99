package model_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/alignscope/alignscope/core/model"
	"gonum.org/v1/gonum/mat"
)

// Two component RDMs over 4 conditions (6 pairs) and data that mixes them
// 3:1.
var (
	exComps = mat.NewDense(2, 6, []float64{
		1, 1, 1, 0, 0, 0, // condition 0 differs from the others
		0, 1, 1, 1, 1, 0, // {0,1} versus {2,3}
	})
	exData = mat.NewDense(1, 6, []float64{3, 4, 4, 1, 1, 0})
)

func ExampleWeighted_Predict() {
	w, _ := model.NewWeighted("category", exComps)
	pred, _ := w.Predict([]float64{3, 1})
	fmt.Println(pred)
	// Output: [3 4 4 1 1 0]
}

func ExampleFitRegress() {
	w, _ := model.NewWeighted("category", exComps)
	theta, _ := model.FitRegress(w, exData, "cosine", nil)
	fmt.Printf("θ = [%.4f %.4f] (3:1 with unit norm)\n", theta[0], theta[1])
	// Output: θ = [0.9487 0.3162] (3:1 with unit norm)
}

func ExampleFitRegressNN() {
	// The data anti-correlate with the second component, so its
	// non-negative weight is 0.
	w, _ := model.NewWeighted("category", exComps)
	data := mat.NewDense(1, 6, []float64{2, 1, 1, 0, 0, 1})
	theta, _ := model.FitRegressNN(w, data, "cosine", nil)
	fmt.Printf("θ = [%.4f %.4f]\n", theta[0], theta[1])
	// Output: θ = [1.0000 0.0000]
}

func ExampleFitSelect() {
	s, _ := model.NewSelect("candidates", exComps)
	i, _ := model.FitSelect(s, exData, "spearman", nil)
	fmt.Println("best component:", i)
	// Output: best component: 0
}

func ExampleFitInterpolate() {
	p, _ := model.NewInterpolate("morph", exComps)
	theta, _ := model.FitInterpolate(context.Background(), p, exData, "cosine", nil)
	fmt.Printf("θ = [%.3f %.3f]\n", theta[0], theta[1])
	// Output: θ = [0.750 0.250]
}

// bench92 returns 4 component and 8 data RDMs over 92 conditions.
func bench92() (*mat.Dense, *mat.Dense) {
	rng := rand.New(rand.NewPCG(1, 1))
	const n, m = 92, 92 * 91 / 2
	comps := mat.NewDense(4, m, nil)
	for i := range comps.RawMatrix().Data {
		comps.RawMatrix().Data[i] = rng.Float64()
	}
	data := mat.NewDense(8, m, nil)
	for d := 0; d < 8; d++ {
		for j := 0; j < m; j++ {
			data.Set(d, j, 0.5*comps.At(0, j)+0.3*comps.At(2, j)+0.2*rng.Float64())
		}
	}
	return comps, data
}

func BenchmarkFitRegress92(b *testing.B) {
	comps, data := bench92()
	w, _ := model.NewWeighted("w", comps)
	for _, method := range []string{"cosine", "corr_cov"} {
		b.Run(method, func(b *testing.B) {
			for b.Loop() {
				if _, err := model.FitRegress(w, data, method, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkFitOptimize92(b *testing.B) {
	comps, data := bench92()
	w, _ := model.NewWeighted("w", comps)
	for b.Loop() {
		if _, err := model.FitOptimize(context.Background(), w, data, "cosine", nil); err != nil {
			b.Fatal(err)
		}
	}
}
