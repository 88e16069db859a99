package inference

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/alignscope/alignscope/core/compare"
	"github.com/alignscope/alignscope/core/job"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

func evaluate(t *testing.T, models, data *mat.Dense, opt Options) *Result {
	t.Helper()
	r, err := Evaluate(context.Background(), models, data, opt, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestEvaluateReproducible: the same seed gives the same samples whatever
// the number of workers; another seed gives other samples.
func TestEvaluateReproducible(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	models, data := synth(rng, 12, 3, 8, 0.5)
	for _, sc := range []Scheme{Stimuli, Subjects, Both, Dual} {
		opt := Options{Method: "spearman", Scheme: sc, N: 60, Seed: 42}
		a := evaluate(t, models, data, opt)
		prev := runtime.GOMAXPROCS(1)
		b := evaluate(t, models, data, opt)
		runtime.GOMAXPROCS(prev)
		if !mat.Equal(a.Samples, b.Samples) || !mat.Equal(a.CeilingSamples, b.CeilingSamples) {
			t.Fatalf("%v: same seed, different samples with 1 worker", sc)
		}
		if a.Models[1].SE != b.Models[1].SE || a.Models[1].PZero != b.Models[1].PZero {
			t.Fatalf("%v: same seed, different summary", sc)
		}
		opt.Seed = 43
		c := evaluate(t, models, data, opt)
		if mat.Equal(a.Samples, c.Samples) {
			t.Fatalf("%v: seeds 42 and 43 gave the same samples", sc)
		}
	}
}

// TestSubjectBootstrapVariance: bootstrapping S subjects, the variance of
// the mean score is (1/S)·var₀(x); with rsatoolbox's S/(S−1) correction the
// reported SE² is var₁(x)/S, the squared standard error of the mean.
func TestSubjectBootstrapVariance(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	S := 12
	models, data := synth(rng, 10, 2, S, 0.8)
	r := evaluate(t, models, data, Options{Method: "corr", Scheme: Subjects, N: 4000, Seed: 7})
	for k, m := range r.Models {
		_, sd := stat.MeanStdDev(m.PerSubject, nil)
		want := sd / math.Sqrt(float64(S))
		if math.Abs(m.SE-want) > 0.05*want {
			t.Errorf("model %d: bootstrap SE %.5f, analytic SE of the mean %.5f", k, m.SE, want)
		}
		if math.Abs(m.Mean-m.Observed) > 0.2*want {
			t.Errorf("model %d: bootstrap mean %.5f far from observed %.5f", k, m.Mean, m.Observed)
		}
	}
	if r.Settings.DoF != S-1 || r.Settings.Valid != 4000 {
		t.Errorf("settings %+v", r.Settings)
	}
}

// population draws S subject RDMs around a fixed truth with subject-
// specific noise levels, and the model is a fixed distortion of the truth.
type population struct {
	truth, model []float64
}

func newPopulation(rng *rand.Rand, m int) *population {
	p := &population{truth: make([]float64, m), model: make([]float64, m)}
	for i := range p.truth {
		p.truth[i] = rng.Float64()
		p.model[i] = p.truth[i] + 0.5*rng.NormFloat64()
	}
	return p
}

func (p *population) subjects(rng *rand.Rand, S int) *mat.Dense {
	d := mat.NewDense(S, len(p.truth), nil)
	for s := 0; s < S; s++ {
		sd := 0.3 + 1.5*rng.Float64()
		for j, v := range p.truth {
			d.Set(s, j, v+sd*rng.NormFloat64())
		}
	}
	return d
}

// TestSubjectBootstrapCoverage: the 95 % percentile interval of the subject
// bootstrap covers the population mean score in about 95 % of experiments
// (a little less with few subjects).
func TestSubjectBootstrapCoverage(t *testing.T) {
	if testing.Short() {
		t.Skip("Monte Carlo")
	}
	rng := rand.New(rand.NewPCG(5, 6))
	n := 10
	m := n * (n - 1) / 2
	pop := newPopulation(rng, m)
	model := mat.NewDense(1, m, pop.model)
	big, err := compare.Compare(model, pop.subjects(rng, 40000), "corr", nil)
	if err != nil {
		t.Fatal(err)
	}
	truth := mean(big.RawRowView(0))
	const R, S = 200, 15
	covered, tCovered := 0, 0
	for e := 0; e < R; e++ {
		r := evaluate(t, model, pop.subjects(rng, S), Options{Method: "corr", Scheme: Subjects, N: 400, Seed: uint64(e)})
		ms := r.Models[0]
		if ms.CILow <= truth && truth <= ms.CIHigh {
			covered++
		}
		// the t-interval from the corrected SE
		if math.Abs(ms.Mean-truth) <= 2.145*ms.SE {
			tCovered++
		}
	}
	for name, c := range map[string]int{"percentile": covered, "t": tCovered} {
		if f := float64(c) / R; f < 0.85 || f > 0.99 {
			t.Errorf("%s interval coverage %.3f, want about 0.95", name, f)
		}
	}
}

// TestTTestCalibration: for a model unrelated to the data, the one-sided
// t-test against 0 rejects at 5 % in about 5 % of experiments.
func TestTTestCalibration(t *testing.T) {
	if testing.Short() {
		t.Skip("Monte Carlo")
	}
	rng := rand.New(rand.NewPCG(7, 8))
	n := 10
	m := n * (n - 1) / 2
	model := mat.NewDense(1, m, nil)
	for j := 0; j < m; j++ {
		model.Set(0, j, rng.Float64())
	}
	const R, S = 300, 10
	rejected := 0
	for e := 0; e < R; e++ {
		data := mat.NewDense(S, m, nil)
		for s := 0; s < S; s++ {
			for j := 0; j < m; j++ {
				data.Set(s, j, rng.NormFloat64())
			}
		}
		r := evaluate(t, model, data, Options{Method: "corr", Scheme: Subjects, N: 200, Seed: uint64(e)})
		if r.Models[0].PZero < 0.05 {
			rejected++
		}
	}
	if f := float64(rejected) / R; f < 0.015 || f > 0.10 {
		t.Errorf("false-positive rate %.3f at α = 0.05", f)
	}
}

// TestDualBootstrap: the both-factor part of Dual is the Both bootstrap
// (same draws), and the corrected variance does not exceed it.
func TestDualBootstrap(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	models, data := synth(rng, 14, 3, 9, 0.6)
	opt := Options{Method: "corr", N: 300, Seed: 1}
	get := func(sc Scheme) *Result { o := opt; o.Scheme = sc; return evaluate(t, models, data, o) }
	dual, both := get(Dual), get(Both)
	if dual.Settings.Valid != both.Settings.Valid {
		t.Fatalf("valid samples: dual %d, both %d", dual.Settings.Valid, both.Settings.Valid)
	}
	for k := range dual.Models {
		vb := both.Var.Model[k] * 8 / 9 // undo Both's min(S, n)/(min−1) factor (S = 9)
		if vd := dual.Var.Model[k]; vd > vb*(1+1e-12) || vd <= 0 {
			t.Errorf("model %d: dual variance %.3g, both-factor bootstrap %.3g", k, vd, vb)
		}
	}
	if dual.Settings.DoF != 8 || dual.Settings.Stimuli != 14 {
		t.Errorf("settings %+v", dual.Settings)
	}
}

// TestDualVariances checks the small-sample correction of Schütt et al.
// on numbers and its clipping.
func TestDualVariances(t *testing.T) {
	one := func(v float64) Variances {
		d := mat.NewSymDense(2, []float64{0, v, v, 0})
		return Variances{Model: []float64{v, v}, Noise: []float64{v, v}, Diff: d}
	}
	for _, c := range []struct{ vb, vr, vp, want float64 }{
		// a = 10/9, b = 20/19: a·vr + b·vp − a·b·(vb − vr − vp)
		{0.05, 0.02, 0.02, 10.0/9*0.02 + 20.0/19*0.02 - 10.0/9*20/19*0.01},
		{0.03, 0.02, 0.02, 0.03},            // clipped to vb
		{0.10, 0.02, 0.01, 10.0 / 9 * 0.02}, // clipped to a·vr
	} {
		got := dualVariances(one(c.vb), one(c.vr), one(c.vp), 10, 20)
		if !close(got.Model[0], c.want, 1e-12) || !close(got.Diff.At(0, 1), c.want, 1e-12) || !close(got.Noise[1], c.want, 1e-12) {
			t.Errorf("%+v: got %v", c, got.Model[0])
		}
	}
}

// TestEvaluateSummary checks the pieces of a Result against their
// definitions.
func TestEvaluateSummary(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	models, data := synth(rng, 12, 4, 8, 0.4)
	for _, test := range []Test{TTest, Percentile} {
		r := evaluate(t, models, data, Options{Method: "cosine", Scheme: Both, N: 200, Seed: 3, Test: test})
		V, M := r.Samples.Dims()
		if V != r.Settings.Valid || M != 4 || V > 200 || V < 150 {
			t.Fatalf("samples %d×%d, valid %d", V, M, r.Settings.Valid)
		}
		col := make([]float64, V)
		for k, m := range r.Models {
			mat.Col(col, k, r.Samples)
			if !close(m.Mean, mean(col), 1e-12) {
				t.Errorf("model %d mean %v, want %v", k, m.Mean, mean(col))
			}
			if !(m.CILow < m.Mean && m.Mean < m.CIHigh) {
				t.Errorf("model %d: CI [%v, %v] around %v", k, m.CILow, m.CIHigh, m.Mean)
			}
			if len(m.PerSubject) != 8 || m.PZero < 0 || m.PZero > 1 || m.PNoise < 0 || m.PNoise > 1 {
				t.Errorf("model %d: %+v", k, m)
			}
		}
		for i := 0; i < M; i++ {
			for j := 0; j < M; j++ {
				p, q, b := r.PPair.At(i, j), r.PPairFDR.At(i, j), r.PPairBonferroni.At(i, j)
				if i == j && (p != 1 || q != 1 || b != 1) {
					t.Errorf("diagonal %v %v %v", p, q, b)
				}
				if !(p <= q+1e-15 && q <= b+1e-15) {
					t.Errorf("pair %d,%d: raw %v, FDR %v, Bonferroni %v", i, j, p, q, b)
				}
			}
		}
		if !(r.NoiseCeiling.Lower < r.NoiseCeiling.Upper) || math.IsNaN(r.ObservedCeiling.Lower) {
			t.Errorf("ceilings %v %v", r.NoiseCeiling, r.ObservedCeiling)
		}
		if r.Settings.Test != test {
			t.Errorf("test %v, want %v", r.Settings.Test, test)
		}
	}
}

// TestEvaluateGroups: grouped subjects and stimuli are resampled as units.
func TestEvaluateGroups(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	models, data := synth(rng, 12, 2, 8, 0.4)
	r := evaluate(t, models, data, Options{Method: "corr", Scheme: Dual, N: 100, Seed: 3,
		SubjectGroups:  []int{0, 0, 1, 1, 2, 2, 3, 3},
		StimulusGroups: []int{0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5}})
	if r.Settings.Subjects != 4 || r.Settings.Stimuli != 6 || r.Settings.DoF != 3 {
		t.Fatalf("settings %+v", r.Settings)
	}
	want, err := NoiseCeiling(data, "corr", []int{0, 0, 1, 1, 2, 2, 3, 3})
	if err != nil {
		t.Fatal(err)
	}
	if r.ObservedCeiling != want {
		t.Fatalf("observed ceiling %v, want %v", r.ObservedCeiling, want)
	}
}

// TestEvaluateOneSubject: bootstrapping the stimuli of a single data RDM
// scores the models; the ceiling and the test against it are NaN.
func TestEvaluateOneSubject(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	models, data := synth(rng, 10, 2, 1, 0.3)
	r := evaluate(t, models, data, Options{Method: "spearman", Scheme: Stimuli, N: 50, Seed: 1})
	if !math.IsNaN(r.NoiseCeiling.Lower) || !math.IsNaN(r.ObservedCeiling.Upper) || !math.IsNaN(r.Models[0].PNoise) {
		t.Fatalf("ceiling %v %v, p %v", r.NoiseCeiling, r.ObservedCeiling, r.Models[0].PNoise)
	}
	if math.IsNaN(r.Models[1].Mean) || math.IsNaN(r.Models[1].SE) || math.IsNaN(r.Models[1].PZero) {
		t.Fatalf("model %+v", r.Models[1])
	}
}

func TestEvaluateCancel(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	models, data := synth(rng, 60, 5, 20, 0.4)
	ctx, cancel := context.WithCancel(context.Background())
	var rep job.Reporter
	done := make(chan error, 1)
	go func() {
		_, err := Evaluate(ctx, models, data, Options{Method: "spearman", Scheme: Dual, N: 100_000, Seed: 1}, &rep)
		done <- err
	}()
	time.Sleep(50 * time.Millisecond)
	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err %v, want context.Canceled", err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("returned %v after cancel", d)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Evaluate did not return after cancel")
	}
}

func TestEvaluateProgress(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	models, data := synth(rng, 8, 2, 5, 0.4)
	m := job.NewManager(nil)
	j := m.Start("bootstrap", func(ctx context.Context, rep *job.Reporter) error {
		_, err := Evaluate(ctx, models, data, Options{Method: "corr", Scheme: Both, N: 37, Seed: 1}, rep)
		return err
	}, nil)
	if err := j.Wait(); err != nil {
		t.Fatal(err)
	}
	if s := j.Status(); s.Done != 37 || s.Total != 37 {
		t.Fatalf("progress %d/%d", s.Done, s.Total)
	}
}

func TestEvaluateErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 20))
	models, data := synth(rng, 8, 2, 5, 0.4)
	_, small := synth(rng, 7, 1, 5, 0.4)
	two := mat.NewDense(2, 1, []float64{1, 2})
	for _, c := range []struct {
		name         string
		models, data *mat.Dense
		opt          Options
		want         string
	}{
		{"sizes", models, small, Options{Method: "corr", Scheme: Both}, "not over the same stimuli"},
		{"two conditions", two, two, Options{Method: "corr", Scheme: Both}, "at least 3 conditions"},
		{"not triangular", mat.NewDense(1, 5, nil), mat.NewDense(2, 5, nil), Options{Method: "corr"}, "not n(n−1)/2"},
		{"one subject", models, data.Slice(0, 1, 0, 28).(*mat.Dense), Options{Method: "corr", Scheme: Subjects}, "at least 2 subjects"},
		{"subject groups", models, data, Options{Method: "corr", Scheme: Both, SubjectGroups: []int{1, 2}}, "2 labels for 5"},
		{"one subject group", models, data, Options{Method: "corr", Scheme: Dual, SubjectGroups: []int{1, 1, 1, 1, 1}}, "at least 2 subjects"},
		{"stimulus groups", models, data, Options{Method: "corr", Scheme: Stimuli, StimulusGroups: []int{0, 0, 0, 0, 1, 1, 1, 1}}, "at least 3 stimulus groups"},
		{"method", models, data, Options{Method: "euclidean", Scheme: Both}, "unknown method"},
		{"scheme", models, data, Options{Method: "corr", Scheme: Scheme(9)}, "unknown scheme"},
		{"samples", models, data, Options{Method: "corr", Scheme: Both, N: 1}, "between 2 and"},
		{"too many samples", models, data, Options{Method: "corr", Scheme: Both, N: MaxSamples + 1}, "between 2 and"},
	} {
		_, err := Evaluate(context.Background(), c.models, c.data, c.opt, nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err %v, want %q", c.name, err, c.want)
		}
	}
}

// stimRDMs draws n stimuli with 4 latent features; the data RDMs are the
// squared feature distances plus noise, the model weights feature 0
// three times more.
func stimRDMs(rng *rand.Rand, n, S int, noise float64) (*mat.Dense, *mat.Dense) {
	d := 4
	f := make([][]float64, n)
	for i := range f {
		f[i] = make([]float64, d)
		for k := range f[i] {
			f[i][k] = rng.NormFloat64()
		}
	}
	m := n * (n - 1) / 2
	model := mat.NewDense(1, m, nil)
	data := mat.NewDense(S, m, nil)
	t := 0
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			var dd, dm float64
			for k := 0; k < d; k++ {
				x := f[i][k] - f[j][k]
				dd += x * x
				w := 1.0
				if k == 0 {
					w = 3
				}
				dm += w * x * x
			}
			model.Set(0, t, dm)
			for s := 0; s < S; s++ {
				data.Set(s, t, dd+noise*rng.NormFloat64())
			}
			t++
		}
	}
	return model, data
}

// TestStimulusBootstrapCalibration: stimuli drawn from a population of
// feature vectors; the truth is the mean score over many stimulus sets.
// The bootstrap over stimuli estimates the spread of the score across
// stimulus sets slightly conservatively (as Schütt et al. 2023 report), so
// its intervals cover the truth at least nominally.
func TestStimulusBootstrapCalibration(t *testing.T) {
	if testing.Short() {
		t.Skip("Monte Carlo")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	n, S := 20, 3
	var tr []float64
	for e := 0; e < 3000; e++ {
		mo, da := stimRDMs(rng, n, S, 1.0)
		c, _ := compare.Compare(mo, da, "corr", nil)
		tr = append(tr, mean(c.RawRowView(0)))
	}
	truth := mean(tr)
	cov, tcov, R := 0, 0, 150
	sd := 0.0
	for _, v := range tr {
		sd += (v - truth) * (v - truth)
	}
	sd = math.Sqrt(sd / float64(len(tr)))
	var ses []float64
	for e := 0; e < R; e++ {
		mo, da := stimRDMs(rng, n, S, 1.0)
		r := evaluate(t, mo, da, Options{Method: "corr", Scheme: Stimuli, N: 300, Seed: uint64(e)})
		m := r.Models[0]
		ses = append(ses, m.SE)
		if m.CILow <= truth && truth <= m.CIHigh {
			cov++
		}
		if math.Abs(m.Observed-truth) <= 2.09*m.SE {
			tcov++
		}
	}
	t.Logf("truth %.4f, sd over stimulus sets %.4f, mean bootstrap SE %.4f, coverage: percentile %.3f, t %.3f",
		truth, sd, mean(ses), float64(cov)/float64(R), float64(tcov)/float64(R))
	if r := mean(ses) / sd; r < 0.8 || r > 1.6 {
		t.Errorf("mean bootstrap SE / true SD = %.3f", r)
	}
	for _, c := range []int{cov, tcov} {
		if f := float64(c) / float64(R); f < 0.9 {
			t.Errorf("coverage %.3f", f)
		}
	}
}
