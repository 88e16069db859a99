package lesion_test

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/lesion"
	"github.com/alignscope/alignscope/core/rdm"
	"gonum.org/v1/gonum/mat"
)

// A layer of 40 units over 32 stimuli in 4 categories, of which units
// 0–3 carry the category; a region whose RDMs reflect the category.
// Silencing the most category-selective units (one-way F) lowers the
// agreement with the region far more than random lesions of as many
// units.
func ExampleRun() {
	r := rand.New(rand.NewPCG(1, 2))
	const n, p = 32, 40
	cat := make([]string, n)
	x := mat.NewDense(n, p, nil)
	for i := 0; i < n; i++ {
		cat[i] = []string{"face", "fish", "house", "car"}[i%4]
		for j := 0; j < p; j++ {
			v := r.NormFloat64()
			if j < 4 && i%4 == j {
				v += 4
			}
			x.Set(i, j, v)
		}
	}
	catRDM, _ := rdm.Categorical(cat)
	region := mat.NewDense(2, len(catRDM.Vec), nil)
	for s := 0; s < 2; s++ {
		for k, v := range catRDM.Vec {
			region.Set(s, k, v+0.2*r.NormFloat64())
		}
	}
	layer := data.Dense{M: x}
	plan, err := lesion.Selective(context.Background(), layer, lesion.Contrast{Descriptor: "category", Values: cat}, lesion.Highest)
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := lesion.Run(context.Background(), lesion.Spec{
		Layer: layer, Plan: plan, Fractions: []float64{0, 0.1, 0.5}, Draws: 99, Seed: 1,
		Regions: []lesion.Region{{Name: "IT", RDMs: region}},
	}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Plan)
	e := res.Effects[0]
	for f, fr := range res.Fractions {
		fmt.Printf("%3.0f%% (%2d units): below the null band: %-5v p = %.2f\n",
			100*fr, res.Units[f], e.Targeted[f] < e.NullLow[f], e.P[f])
	}
	// Output:
	// most selective for category: any of 4 levels (F)
	//   0% ( 0 units): below the null band: false p = 1.00
	//  10% ( 4 units): below the null band: true  p = 0.01
	//  50% (20 units): below the null band: true  p = 0.01
}
