package encoding_test

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/encoding"
	"gonum.org/v1/gonum/mat"
)

// A layer of 50 units predicts 3 voxels of 80 stimuli; each voxel gets
// its own ridge penalty by 5-fold cross-validation.
func ExampleRidgeCV() {
	rng := rand.New(rand.NewPCG(1, 2))
	x := mat.NewDense(80, 50, nil)
	for i := range x.RawMatrix().Data {
		x.RawMatrix().Data[i] = rng.NormFloat64()
	}
	y := mat.NewDense(80, 3, nil)
	for i := 0; i < 80; i++ {
		y.Set(i, 0, x.At(i, 0)+x.At(i, 1)+0.5*rng.NormFloat64()) // strong signal
		y.Set(i, 1, 0.3*x.At(i, 2)+rng.NormFloat64())            // weak signal
		y.Set(i, 2, rng.NormFloat64())                           // noise
	}
	res, err := encoding.RidgeCV(context.Background(), data.Dense{M: x}, data.Dense{M: y},
		&encoding.CVOptions{Alphas: encoding.DefaultAlphas(-2, 5, 8), K: 5}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for j := 0; j < 3; j++ {
		tr := res.Target(j)
		fmt.Printf("voxel %d: alpha %-8.3g R² %.2f\n", j, tr.Alpha, tr.R2)
	}
	// Output:
	// voxel 0: alpha 1        R² 0.67
	// voxel 1: alpha 100      R² 0.17
	// voxel 2: alpha 100      R² -0.03
}

// The split-half ceiling of repeated recordings and a Brain-Score style
// ceiled score.
func ExampleSplitHalf() {
	rng := rand.New(rand.NewPCG(3, 4))
	signal := mat.NewDense(100, 2, nil)
	for i := range signal.RawMatrix().Data {
		signal.RawMatrix().Data[i] = rng.NormFloat64()
	}
	var reps []data.Matrix
	for r := 0; r < 4; r++ {
		m := mat.NewDense(100, 2, nil)
		for i := 0; i < 100; i++ {
			m.Set(i, 0, signal.At(i, 0)+0.5*rng.NormFloat64())
			m.Set(i, 1, signal.At(i, 1)+2*rng.NormFloat64())
		}
		reps = append(reps, data.Dense{M: m})
	}
	c, err := encoding.SplitHalf(reps, []encoding.Halves{encoding.EvenOddHalves(4)})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("r %.2f %.2f, Spearman-Brown %.2f %.2f, ceiling %.2f\n",
		c.R.At(0, 0), c.R.At(0, 1), c.RSB.At(0, 0), c.RSB.At(0, 1), c.Ceiling)
	// Output:
	// r 0.86 0.26, Spearman-Brown 0.93 0.41, ceiling 0.67
}

// A layer too large for memory: the kernel form needs only the n × n
// Gram matrix, streamed from the layer in column blocks (here an
// in-memory matrix stands in for a float32 .npy read lazily by io/npy).
func ExampleRidgeCVGram() {
	rng := rand.New(rand.NewPCG(5, 6))
	n, p := 60, 5000
	// Units mix 3 latent stimulus features; voxel 0 reads the first.
	z := mat.NewDense(n, 3, nil)
	for i := range z.RawMatrix().Data {
		z.RawMatrix().Data[i] = rng.NormFloat64()
	}
	x := mat.NewDense(n, p, nil)
	for j := 0; j < p; j++ {
		w := []float64{rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()}
		for i := 0; i < n; i++ {
			x.Set(i, j, w[0]*z.At(i, 0)+w[1]*z.At(i, 1)+w[2]*z.At(i, 2)+rng.NormFloat64())
		}
	}
	y := mat.NewDense(n, 2, nil)
	for i := 0; i < n; i++ {
		y.Set(i, 0, z.At(i, 0)+0.5*rng.NormFloat64())
		y.Set(i, 1, rng.NormFloat64())
	}
	ctx := context.Background()
	k, err := encoding.LinearGram(ctx, data.Dense{M: x}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := encoding.RidgeCVGram(ctx, k, data.Dense{M: y}, &encoding.CVOptions{Alphas: encoding.DefaultAlphas(0, 6, 7)}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("alphas %v, R² %.2f %.2f\n", res.Alpha, res.R2[0], res.R2[1])
	// Output:
	// alphas [1 1], R² 0.85 0.01
}
