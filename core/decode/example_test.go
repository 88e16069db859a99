package decode_test

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/decode"
	"gonum.org/v1/gonum/mat"
)

// Animacy is decodable from patterns whose first units respond to
// animate stimuli.
func ExamplePatterns() {
	r := rand.New(rand.NewPCG(1, 1))
	const n, p = 40, 30
	labels := make([]string, n)
	x := mat.NewDense(n, p, nil)
	for i := 0; i < n; i++ {
		labels[i] = "animate"
		if i%2 == 1 {
			labels[i] = "inanimate"
		}
		for j := 0; j < p; j++ {
			v := r.NormFloat64()
			if j < 5 && i%2 == 0 {
				v += 2
			}
			x.Set(i, j, v)
		}
	}
	res, err := decode.Patterns(context.Background(), data.Dense{M: x}, labels, decode.Options{Folds: 5, Seed: 1}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("accuracy %.2f (chance %.2f)\n", res.Accuracy, res.Chance)
	fmt.Println(res.Levels)
	fmt.Println(mat.Formatted(res.Confusion))
	// Output:
	// accuracy 0.97 (chance 0.50)
	// [animate inanimate]
	// ⎡19   1⎤
	// ⎣ 0  20⎦
}
