package inference

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestPermutationTest(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	models, data := synth(rng, 12, 3, 4, 0.3)
	// model 2 is the truth, model 0 a two-category model, model 1 a mix
	for _, method := range []string{"spearman", "corr", "tau-a"} {
		p, err := PermutationTest(context.Background(), models, data, method, 199, 5, nil)
		if err != nil {
			t.Fatal(err)
		}
		if p[2] != 1.0/200 {
			t.Errorf("%s: true model p = %v, want 1/200", method, p[2])
		}
		q, _ := PermutationTest(context.Background(), models, data, method, 199, 5, nil)
		for k := range p {
			if p[k] != q[k] {
				t.Errorf("%s: same seed, p %v and %v", method, p, q)
			}
		}
	}
	// an unrelated model is not significant (p is uniform; this one is fixed by the seeds)
	noise := mat.NewDense(1, 66, nil)
	for j := 0; j < 66; j++ {
		noise.Set(0, j, rng.Float64())
	}
	p, err := PermutationTest(context.Background(), noise, data, "spearman", 199, 5, nil)
	if err != nil || p[0] < 0.05 {
		t.Errorf("unrelated model: p %v (%v)", p, err)
	}
	// NaN pairs of the data stay missing in the permuted models
	dn := mat.DenseCopyOf(data)
	for s := 0; s < 4; s++ {
		dn.Set(s, 7, math.NaN())
	}
	if p, err := PermutationTest(context.Background(), models, dn, "spearman", 99, 5, nil); err != nil || p[2] != 0.01 {
		t.Errorf("with NaN: p %v, err %v", p, err)
	}
	mn := mat.DenseCopyOf(models)
	mn.Set(1, 7, math.NaN())
	if _, err := PermutationTest(context.Background(), mn, dn, "spearman", 99, 5, nil); err == nil {
		t.Error("model with NaN: no error")
	}
	if _, err := PermutationTest(context.Background(), models, data, "corr", 0, 5, nil); err == nil {
		t.Error("0 permutations: no error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := PermutationTest(ctx, models, data, "corr", 100, 5, nil); err == nil {
		t.Error("cancelled: no error")
	}
}
