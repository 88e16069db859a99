package voxelwise

import (
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/encoding"
)

// project: layer "a" (narrow, primal form) and "b" (wider than the
// stimuli, kernel form); region A's voxels are a linear read-out of a plus
// noise, region B's of b; two repetitions each.
func project(t *testing.T) *data.Project {
	t.Helper()
	r := rand.New(rand.NewPCG(4, 5))
	randm := func(rows, cols int) *mat.Dense {
		m := mat.NewDense(rows, cols, nil)
		for i := range m.RawMatrix().Data {
			m.RawMatrix().Data[i] = r.NormFloat64()
		}
		return m
	}
	n := 60
	a, b := randm(n, 20), randm(n, 150)
	p := &data.Project{}
	if err := p.AddModel(&data.Model{Name: "net", Layers: []*data.Layer{{Name: "a", Data: data.Dense{M: a}}, {Name: "b", Data: data.Dense{M: b}}}}); err != nil {
		t.Fatal(err)
	}
	for _, reg := range []struct {
		name string
		src  *mat.Dense
	}{{"A", a}, {"B", b}} {
		_, q := reg.src.Dims()
		var sig mat.Dense
		sig.Mul(reg.src, randm(q, 12))
		sig.Scale(1/math.Sqrt(float64(q)), &sig)
		var reps []data.Matrix
		for k := 0; k < 2; k++ {
			var x mat.Dense
			noise := randm(n, 12)
			noise.Scale(0.5, noise)
			x.Add(&sig, noise)
			reps = append(reps, data.Dense{M: &x})
		}
		if err := p.AddRecording("s1", reg.name, &data.Recording{Data: data.Mean{Parts: reps}, Reps: reps}); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

func TestRunFindsTheGeneratingLayer(t *testing.T) {
	p := project(t)
	spec := Spec{Layers: []LayerRef{{"net", "a"}, {"net", "b"}}, Regions: []string{"A", "B"}, Folds: 5,
		Alphas: encoding.DefaultAlphas(-2, 5, 10)}
	res, err := Run(context.Background(), p, spec, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		region string
		layer  int
	}{{"A", 0}, {"B", 1}} {
		best, score := res.Best("s1", c.region, R2)
		hits := 0
		for i, b := range best {
			if b == c.layer && score[i] > 0 {
				hits++
			}
		}
		if hits < len(best)*3/4 {
			t.Errorf("region %s: %d of %d voxels best predicted by layer %d", c.region, hits, len(best), c.layer)
		}
		prof := res.Profile(c.region, R2)
		if prof[c.layer].Median <= prof[1-c.layer].Median || math.IsNaN(prof[c.layer].CeilingMedian) {
			t.Errorf("region %s profile %+v", c.region, prof)
		}
	}
	f := res.Fit(LayerRef{"net", "a"}, "s1", "A")
	if f == nil || f.Ceiling == nil || len(f.Score(Ceiled)) != 12 {
		t.Fatal("ceiled scores missing")
	}
	if rows := res.Table(); len(rows) != 2*2*12 {
		t.Fatalf("%d rows", len(rows))
	}
}

func TestRunErrors(t *testing.T) {
	p := project(t)
	ok := Spec{Layers: []LayerRef{{"net", "a"}}, Regions: []string{"A"}, Folds: 5, Alphas: []float64{1}}
	for _, c := range []struct {
		mutate func(*Spec)
		want   string
	}{
		{func(s *Spec) { s.Layers = nil }, "model layer"},
		{func(s *Spec) { s.Regions = []string{"Z"} }, `region "Z"`},
		{func(s *Spec) { s.Folds = 100 }, "at least 100 stimuli"},
		{func(s *Spec) { s.Alphas = nil }, "grid is empty"},
	} {
		s := ok
		c.mutate(&s)
		if _, err := Run(context.Background(), p, s, nil); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("err %v, want %q", err, c.want)
		}
	}
}
