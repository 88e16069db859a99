package noise_test

import (
	"context"
	"fmt"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/noise"
	"github.com/alignscope/alignscope/core/rdm"
	"gonum.org/v1/gonum/mat"
)

// A noise precision estimated from GLM residuals whitens the channels of
// a Mahalanobis RDM: the noisy second channel counts less.
func ExamplePrecision() {
	residuals := mat.NewDense(6, 2, []float64{
		0.1, 2,
		-0.2, -1,
		0.1, 3,
		0, -2,
		0.2, -3,
		-0.1, 1,
	})
	prec, err := noise.Precision(residuals, noise.Diag, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	patterns := mat.NewDense(3, 2, []float64{
		0, 0,
		1, 0,
		0, 1,
	})
	r, err := rdm.Calc(context.Background(), data.Dense{M: patterns}, rdm.Options{
		Method: rdm.MethodMahalanobis, Precision: prec,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("precision diagonal: %.4g %.4g\n", prec.At(0, 0), prec.At(1, 1))
	fmt.Printf("d(0,1) %.4g, d(0,2) %.4g\n", r.At(0, 1), r.At(0, 2))
	// Output:
	// precision diagonal: 46.15 0.1786
	// d(0,1) 23.08, d(0,2) 0.08929
}
