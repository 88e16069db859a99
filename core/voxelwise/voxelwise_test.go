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
	spec := Spec{Layers: []LayerRef{{Model: "net", Layer: "a"}, {Model: "net", Layer: "b"}}, Regions: []string{"A", "B"}, Folds: 5,
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
	f := res.Fit(LayerRef{Model: "net", Layer: "a"}, "s1", "A")
	if f == nil || f.Ceiling == nil || len(f.Score(Ceiled)) != 12 {
		t.Fatal("ceiled scores missing")
	}
	if rows := res.Table(); len(rows) != 2*2*12 {
		t.Fatalf("%d rows", len(rows))
	}
}

func TestRunErrors(t *testing.T) {
	p := project(t)
	ok := Spec{Layers: []LayerRef{{Model: "net", Layer: "a"}}, Regions: []string{"A"}, Folds: 5, Alphas: []float64{1}}
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

// TestUnitWeights: targets read out from the first 5 units of a layer;
// those units get the largest weights, in primal and kernel form.
func TestUnitWeights(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 9))
	for _, p := range []int{30, 300} { // primal (p ≤ n) and kernel (p > n)
		n := 80
		x := mat.NewDense(n, p, nil)
		for i := range x.RawMatrix().Data {
			x.RawMatrix().Data[i] = r.NormFloat64()
		}
		y := mat.NewDense(n, 4, nil)
		for i := 0; i < n; i++ {
			for j := 0; j < 4; j++ {
				v := 0.1 * r.NormFloat64()
				for u := 0; u < 5; u++ {
					v += x.At(i, u)
				}
				y.Set(i, j, v)
			}
		}
		w, err := UnitWeights(context.Background(), data.Dense{M: x}, data.Dense{M: y}, encoding.DefaultAlphas(-2, 5, 10), 5)
		if err != nil {
			t.Fatal(err)
		}
		minTop, maxRest := math.Inf(1), 0.0
		for u, v := range w {
			if u < 5 {
				minTop = math.Min(minTop, v)
			} else {
				maxRest = math.Max(maxRest, v)
			}
		}
		if minTop <= maxRest {
			t.Errorf("p=%d: planted units' weights %v not above the rest (max %v)", p, minTop, maxRest)
		}
	}
}
