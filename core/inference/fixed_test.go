package inference

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

func TestEvalFixed(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	models, data := synth(rng, 9, 3, 5, 0.5)
	f, err := EvalFixed(models, data, "corr")
	if err != nil {
		t.Fatal(err)
	}
	if r, c := f.Evaluations.Dims(); r != 3 || c != 5 || f.Conditions != 9 {
		t.Fatalf("evaluations %d×%d, %d conditions", r, c, f.Conditions)
	}
	// variances = np.cov(evaluations, ddof=0)/S
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			a, b := f.Evaluations.RawRowView(i), f.Evaluations.RawRowView(j)
			want := stat.Covariance(a, b, nil) * 4 / 5 / 5
			if math.Abs(f.Variances.At(i, j)-want) > 1e-15 {
				t.Fatalf("variances[%d,%d] = %v, want %v", i, j, f.Variances.At(i, j), want)
			}
		}
	}
	nc, _ := NoiseCeiling(data, "corr", nil)
	if f.NoiseCeiling != nc {
		t.Fatalf("ceiling %v, want %v", f.NoiseCeiling, nc)
	}

	r := f.Result()
	if r.Settings.Scheme != Fixed || r.Settings.DoF != 4 || r.Samples != nil {
		t.Fatalf("settings %+v", r.Settings)
	}
	for k, m := range r.Models {
		mu, sd := stat.MeanStdDev(m.PerSubject, nil)
		se := sd / math.Sqrt(5)
		if math.Abs(m.Mean-mu) > 1e-15 || math.Abs(m.SE-se) > 1e-12 {
			t.Errorf("model %d: mean %v SE %v, want %v %v", k, m.Mean, m.SE, mu, se)
		}
		if want := tSurvival(mu/se, 4); math.Abs(m.PZero-want) > 1e-12 {
			t.Errorf("model %d: p vs 0 %v, want %v", k, m.PZero, want)
		}
		// the ceiling is taken as fixed: t = (μ − lower)/SE
		if want := 2 * tSurvival(math.Abs(mu-nc.Lower)/se, 4); math.Abs(m.PNoise-want) > 1e-12 {
			t.Errorf("model %d: p vs ceiling %v, want %v", k, m.PNoise, want)
		}
		if h := 2.7764451051977987 * se; math.Abs(m.CIHigh-mu-h) > 1e-9 || math.Abs(mu-m.CILow-h) > 1e-9 {
			t.Errorf("model %d: CI [%v, %v] around %v, half-width %v", k, m.CILow, m.CIHigh, mu, h)
		}
	}
	// pairwise: t = (μ_i − μ_j)/SE(difference)
	d := make([]float64, 5)
	for s := range d {
		d[s] = f.Evaluations.At(0, s) - f.Evaluations.At(2, s)
	}
	mu, sd := stat.MeanStdDev(d, nil)
	if want := 2 * tSurvival(math.Abs(mu)/(sd/math.Sqrt(5)), 4); math.Abs(r.PPair.At(0, 2)-want) > 1e-12 {
		t.Errorf("p pair = %v, want %v", r.PPair.At(0, 2), want)
	}
}

func TestEvalFixedOneSubject(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	models, data := synth(rng, 6, 2, 1, 0.5)
	f, err := EvalFixed(models, data, "spearman")
	if err != nil {
		t.Fatal(err)
	}
	if f.Variances != nil || !math.IsNaN(f.NoiseCeiling.Lower) {
		t.Fatalf("variances %v, ceiling %v", f.Variances, f.NoiseCeiling)
	}
	r := f.Result()
	if !math.IsNaN(r.Models[0].SE) || !math.IsNaN(r.Models[0].PZero) || math.IsNaN(r.Models[0].Mean) {
		t.Fatalf("model %+v", r.Models[0])
	}
}

func TestEvalFixedErrors(t *testing.T) {
	a := mat.NewDense(2, 6, []float64{1, 2, 3, 4, 5, 6, 6, 5, 4, 3, 2, 1})
	b := mat.NewDense(2, 10, nil)
	if _, err := EvalFixed(a, b, "corr"); err == nil || !strings.Contains(err.Error(), "same stimuli") {
		t.Errorf("sizes: %v", err)
	}
	if _, err := EvalFixed(a, a, "nonsense"); err == nil {
		t.Error("unknown method: no error")
	}
	if _, err := EvalFixed(nil, a, "corr"); err == nil {
		t.Error("no models: no error")
	}
}
