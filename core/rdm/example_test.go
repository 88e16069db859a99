package rdm_test

import (
	"context"
	"fmt"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/rdm"
	"gonum.org/v1/gonum/mat"
)

// Repeated measurements of three conditions, labelled 20, 10 and 30, are
// averaged per label; the RDM rows follow ascending labels.
func ExampleCalc() {
	x := mat.NewDense(6, 2, []float64{
		1, 0, // 20
		0, 0, // 10
		3, 4, // 30
		1, 2, // 20
		0, 2, // 10
		3, 4, // 30
	})
	r, err := rdm.Calc(context.Background(), data.Dense{M: x}, rdm.Options{
		Method:     rdm.MethodEuclidean,
		Conditions: []float64{20, 10, 30, 20, 10, 30},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("conditions:", r.Labels)
	fmt.Printf("d(10,20), d(10,30), d(20,30): %.4g\n", r.Vec)
	// Output:
	// conditions: [10 20 30]
	// d(10,20), d(10,30), d(20,30): [0.5 9 6.5]
}

// Crossnobis distances are cross-validated over runs: unbiased, so they
// scatter around 0 when the conditions do not differ.
func ExampleCalc_crossnobis() {
	x := mat.NewDense(4, 2, []float64{
		1, 2, // condition 0, run 1
		3, 3, // condition 1, run 1
		2, 1, // condition 0, run 2
		4, 3, // condition 1, run 2
	})
	r, err := rdm.Calc(context.Background(), data.Dense{M: x}, rdm.Options{
		Method:     rdm.MethodCrossnobis,
		Conditions: []float64{0, 1, 0, 1},
		Folds:      []float64{1, 1, 2, 2},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	// (m¹₀ − m¹₁)·(m²₀ − m²₁)/p = ((−2)(−2) + (−1)(−2))/2 = 3
	fmt.Printf("%.4g\n", r.Vec)
	// Output:
	// [3]
}

// CalcUnbalanced tolerates missing values and unequal repetitions; its
// conditions follow the order in which their labels first appear.
func ExampleCalcUnbalanced() {
	nan := 0.0
	nan = nan / nan
	x := mat.NewDense(5, 3, []float64{
		1, 2, nan,
		0, 1, 1,
		1, 3, 2,
		nan, 0, 2,
		4, 4, 4,
	})
	r, err := rdm.CalcUnbalanced(context.Background(), data.Dense{M: x}, rdm.Options{
		Method:     rdm.MethodEuclidean,
		Conditions: []float64{2, 1, 2, 1, 3},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("conditions:", r.Labels)
	fmt.Printf("%.3f\n", r.Vec)
	// Output:
	// conditions: [2 1 3]
	// [2.028 5.267 10.711]
}
