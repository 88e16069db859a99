package rsa

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/inference"
)

// project builds n stimuli, a model with layers "a" and "b" (independent
// random patterns) and subjects whose region "A" is a noisy projection of
// layer a and region "B" of layer b: the answer is known.
func project(t *testing.T, n, subjects int) *data.Project {
	t.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	randm := func(rows, cols int) *mat.Dense {
		m := mat.NewDense(rows, cols, nil)
		for i := range m.RawMatrix().Data {
			m.RawMatrix().Data[i] = r.NormFloat64()
		}
		return m
	}
	a, b := randm(n, 40), randm(n, 40)
	p := &data.Project{Name: "t"}
	if err := p.AddModel(&data.Model{Name: "net", Layers: []*data.Layer{
		{Name: "a", Data: data.Dense{M: a}}, {Name: "b", Data: data.Dense{M: b}}}}); err != nil {
		t.Fatal(err)
	}
	for s := 0; s < subjects; s++ {
		for _, reg := range []struct {
			name string
			src  *mat.Dense
		}{{"A", a}, {"B", b}} {
			var x mat.Dense
			x.Mul(reg.src, randm(40, 30))
			x.Add(&x, randm(n, 30))
			if err := p.AddRecording(string(rune('1'+s)), reg.name, &data.Recording{Data: data.Dense{M: &x}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	return p
}

func TestRunFindsTheGeneratingLayer(t *testing.T) {
	p := project(t, 24, 4)
	for _, scheme := range []inference.Scheme{inference.Fixed, inference.Stimuli} {
		spec := Spec{Layers: []LayerRef{{Model: "net", Layer: "a"}, {Model: "net", Layer: "b"}}, Regions: []string{"A", "B"},
			Distance: "correlation", Compare: "spearman", Scheme: scheme, Samples: 60, Seed: 3, Correction: "fdr"}
		res, err := Run(context.Background(), p, spec, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			region string
			best   int
		}{{"A", 0}, {"B", 1}} {
			if got := res.Best(c.region)["net"]; got != c.best {
				t.Errorf("scheme %v region %s: best layer %d, want %d", scheme, c.region, got, c.best)
			}
		}
		rows := res.Table()
		if len(rows) != 4 || rows[0].Region != "A" || rows[0].Subjects != 4 || !(rows[0].CILow <= rows[0].Score) {
			t.Fatalf("table %+v", rows)
		}
		if rows[0].PCorrected < rows[0].P {
			t.Errorf("corrected p %v < p %v", rows[0].PCorrected, rows[0].P)
		}
	}
}

func TestRunErrors(t *testing.T) {
	p := project(t, 12, 2)
	ok := Spec{Layers: []LayerRef{{Model: "net", Layer: "a"}}, Regions: []string{"A"}, Distance: "correlation", Compare: "corr"}
	for _, c := range []struct {
		mutate func(*Spec)
		want   string
	}{
		{func(s *Spec) { s.Layers = nil }, "at least one model layer"},
		{func(s *Spec) { s.Regions = []string{"V9"} }, `region "V9"`},
		{func(s *Spec) { s.Layers = []LayerRef{{Model: "net", Layer: "zzz"}} }, "no layer net/zzz"},
		{func(s *Spec) { s.Distance = "cityblock" }, "unknown RDM distance"},
	} {
		s := ok
		c.mutate(&s)
		if _, err := Run(context.Background(), p, s, nil); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("err %v, want %q", err, c.want)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, p, ok, nil); err == nil {
		t.Error("cancelled run succeeded")
	}
}

func TestDefaultsAndWarnings(t *testing.T) {
	if DefaultScheme(92, 16) != inference.Both || DefaultScheme(92, 3) != inference.Stimuli || DefaultScheme(10, 2) != inference.Fixed {
		t.Error("default scheme")
	}
	if len(Warnings(inference.Both, 10, 3)) != 2 {
		t.Errorf("warnings %v", Warnings(inference.Both, 10, 3))
	}
}
