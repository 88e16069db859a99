package inference

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/alignscope/alignscope/core/compare"
	"github.com/alignscope/alignscope/core/job"
	"gonum.org/v1/gonum/mat"
)

// Options configures Evaluate.
type Options struct {
	// Method is the RDM comparison method of core/compare ("corr",
	// "cosine", "spearman", …).
	Method string
	Scheme Scheme
	Test   Test
	// N is the number of bootstrap samples (default 1000).
	N int
	// Seed makes the resampling reproducible; sample i draws from its own
	// generator seeded from (Seed, i), so results do not depend on how
	// samples are scheduled on the cores.
	Seed uint64
	// SubjectGroups labels the data RDMs (nil: every RDM its own subject).
	// RDMs with the same label are resampled together and left out
	// together by the noise ceiling (rsatoolbox rdm_descriptor). Ignored
	// by Fixed.
	SubjectGroups []int
	// StimulusGroups labels the conditions (nil: every condition on its
	// own); conditions with the same label are resampled together
	// (rsatoolbox pattern_descriptor).
	StimulusGroups []int
}

// DefaultSamples is the number of bootstrap samples when Options.N is 0;
// MaxSamples is the largest number accepted.
const (
	DefaultSamples = 1000
	MaxSamples     = 1_000_000
)

// Evaluate scores fixed model RDMs (rows of models) against data RDMs
// (rows of data) under opt.Scheme and summarises the models for a
// model-comparison chart.
//
// Fixed is EvalFixed(…).Result(). The bootstrap schemes draw opt.N
// samples, in parallel on all cores (job.For), each from its own seeded
// generator; in each sample a model's score is the mean of
// compare(model, data RDM) over the sampled data RDMs (copies included),
// and the sample's noise ceiling is NoiseCeiling of the sampled data RDMs
// grouped by their original subject labels (copies of a subject are left
// out together). Sampling follows rsatoolbox (inference/bootstrap.py):
//
//   - subjects: as many draws with replacement as there are subject
//     groups; every draw adds all RDMs of the group (bootstrap_sample_rdm);
//   - stimuli: as many draws with replacement as there are condition
//     groups; the drawn conditions are sorted and the dissimilarity
//     between two copies of a condition is left out (NaN), for the models
//     and the data alike (bootstrap_sample_pattern, subsample_pattern). A
//     sample with fewer than 3 distinct condition groups is dropped.
//
// Both draws subjects then stimuli from the same generator; Dual also
// evaluates the subject draw with all stimuli and the stimulus draw with
// all subjects (eval_dual_bootstrap). Samples with a NaN score or ceiling
// are dropped.
//
// Variances are the covariances over valid samples (ddof 1) of the model
// scores and the ceiling bounds, turned into model, pairwise-difference
// and ceiling-difference variances (rsatoolbox extract_variances), then
// corrected for the number n of resampled units as rsatoolbox: ·n/(n−1)
// with n = stimuli (Stimuli), subjects (Subjects), min(subjects, stimuli)
// (Both); for Dual the three variances combine as in dualVariances
// (Schütt et al. 2023). Means are the means over valid samples (Dual: of
// the mean of the three bootstraps). See Result for the tests.
//
// Differences from rsatoolbox, on purpose: n and the degrees of freedom
// count resampled units (groups), not RDMs and conditions (the same
// without groups); Subjects keeps the ceiling's variance in the test
// against the ceiling (eval_bootstrap_rdm overwrites it, treating the
// ceiling as fixed); a sample whose noise ceiling cannot be computed (a
// single subject drawn, a constant RDM) is dropped instead of failing.
//
// Evaluate stops early with ctx.Err() when ctx is cancelled; rep (may be
// nil) counts samples. Methods without a pooling rule (ErrNoPooling) give
// NaN ceilings and PNoise but still score the models.
func Evaluate(ctx context.Context, models, data *mat.Dense, opt Options, rep *job.Reporter) (*Result, error) {
	n, err := checkRDMs(models, "model")
	if err != nil {
		return nil, fmt.Errorf("evaluate models: %w", err)
	}
	if _, err := checkRDMs(data, "data"); err != nil {
		return nil, fmt.Errorf("evaluate models: %w", err)
	}
	M, mm := models.Dims()
	S, md := data.Dims()
	if mm != md {
		return nil, fmt.Errorf("evaluate models: model RDMs have %d entries and data RDMs %d: they are not over the same stimuli", mm, md)
	}
	if opt.Scheme == Fixed {
		f, err := EvalFixed(models, data, opt.Method)
		if err != nil {
			return nil, err
		}
		return f.Result(), nil
	}
	if opt.Scheme < Fixed || opt.Scheme > Dual {
		return nil, fmt.Errorf("evaluate models: unknown scheme %d", opt.Scheme)
	}
	N := opt.N
	if N == 0 {
		N = DefaultSamples
	}
	if N < 2 || N > MaxSamples {
		return nil, fmt.Errorf("evaluate models: %d bootstrap samples; between 2 and %d are allowed (1000 is usual)", N, MaxSamples)
	}
	subj, err := newGrouping(opt.SubjectGroups, S, "data RDM")
	if err != nil {
		return nil, fmt.Errorf("evaluate models: %w", err)
	}
	stim, err := newGrouping(opt.StimulusGroups, n, "condition")
	if err != nil {
		return nil, fmt.Errorf("evaluate models: %w", err)
	}
	overSubj := opt.Scheme != Stimuli
	overStim := opt.Scheme != Subjects
	nr, np := len(subj.uniq), len(stim.uniq)
	if overSubj && nr < 2 {
		return nil, fmt.Errorf("evaluate models: a bootstrap over subjects needs at least 2 subjects (data RDM groups), have %d", nr)
	}
	if overStim && np < 3 {
		return nil, fmt.Errorf("evaluate models: a bootstrap over stimuli needs at least 3 stimulus groups, have %d", np)
	}

	full, err := compare.Compare(models, data, opt.Method, nil)
	if err != nil {
		return nil, fmt.Errorf("evaluate models: %w", err)
	}
	e, err := newEngine(models, data, n, opt.Method, subj, stim)
	if err != nil {
		return nil, fmt.Errorf("evaluate models: %w", err)
	}
	observed := Ceiling{math.NaN(), math.NaN()}
	if e.ceiling {
		if observed, err = ceilingOf(data, subj, opt.Method); err != nil {
			return nil, fmt.Errorf("evaluate models: noise ceiling: %w", err)
		}
	}

	types := 1
	if opt.Scheme == Dual {
		types = 3 // both, subjects, stimuli (rsatoolbox order)
	}
	ev := make([]float64, N*types*M)
	nc := make([]float64, N*types*2)
	valid := make([]bool, N)
	allRows := allItems(subj)
	if rep != nil {
		rep.SetTotal(N)
	}
	err = job.For(ctx, N, func(i int) error {
		rng := sampleRNG(opt.Seed, i)
		rows, stims := allRows, []int(nil)
		if overSubj {
			rows, _ = resample(rng, subj, false)
		}
		ok := true
		if overStim {
			var distinct int
			stims, distinct = resample(rng, stim, true)
			ok = distinct >= 3
		}
		if ok {
			type draw struct{ rows, stims []int }
			draws := []draw{{rows, stims}}
			if opt.Scheme == Dual {
				draws = append(draws, draw{rows, nil}, draw{allRows, stims})
			}
			for t, j := range draws {
				s, c, err := e.eval(ctx, j.rows, j.stims)
				if err != nil {
					return err
				}
				copy(ev[(i*types+t)*M:], s)
				nc[(i*types+t)*2], nc[(i*types+t)*2+1] = c.Lower, c.Upper
				for _, v := range s {
					ok = ok && !math.IsNaN(v)
				}
				if e.ceiling {
					ok = ok && !math.IsNaN(c.Lower) && !math.IsNaN(c.Upper)
				}
			}
		}
		valid[i] = ok
		if rep != nil {
			rep.Add(1)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}

	var idx []int
	for i, ok := range valid {
		if ok {
			idx = append(idx, i)
		}
	}
	V := len(idx)
	if V < 2 {
		return nil, fmt.Errorf("evaluate models: only %d of %d bootstrap samples were usable (each needs 3 distinct stimuli and finite scores and noise ceilings)", V, N)
	}
	dof := map[Scheme]int{Stimuli: np - 1, Subjects: nr - 1, Both: min(nr, np) - 1, Dual: min(nr, np) - 1}[opt.Scheme]
	r := &Result{
		Settings: Settings{Method: opt.Method, Scheme: opt.Scheme, Test: opt.Test, Samples: N, Valid: V,
			Seed: opt.Seed, DoF: dof, Subjects: nr, Stimuli: np},
		Models:          make([]ModelScore, M),
		ObservedCeiling: observed,
		Samples:         mat.NewDense(V, M, nil),
		CeilingSamples:  mat.NewDense(V, 2, nil),
	}
	for k := range r.Models {
		r.Models[k].PerSubject = append([]float64(nil), full.RawRowView(k)...)
		r.Models[k].Observed = nanMean(r.Models[k].PerSubject)
	}
	// Per type: variables (models[, lower, upper]) × valid samples.
	nv := M
	if e.ceiling {
		nv += 2
	}
	vars := make([]Variances, types)
	for t := 0; t < types; t++ {
		x := mat.NewDense(nv, V, nil)
		for s, i := range idx {
			for k := 0; k < M; k++ {
				x.Set(k, s, ev[(i*types+t)*M+k])
			}
			if e.ceiling {
				x.Set(M, s, nc[(i*types+t)*2])
				x.Set(M+1, s, nc[(i*types+t)*2+1])
			}
		}
		vars[t] = extractVariances(covariance(x, 1), M)
	}
	switch opt.Scheme {
	case Stimuli:
		r.Var = scaleVariances(vars[0], np)
	case Subjects:
		r.Var = scaleVariances(vars[0], nr)
	case Both:
		r.Var = scaleVariances(vars[0], min(nr, np))
	case Dual:
		r.Var = dualVariances(vars[0], vars[1], vars[2], nr, np)
	}
	for s, i := range idx {
		for k := 0; k < M; k++ {
			v := 0.0
			for t := 0; t < types; t++ {
				v += ev[(i*types+t)*M+k]
			}
			r.Samples.Set(s, k, v/float64(types))
		}
		for b := 0; b < 2; b++ {
			v := 0.0
			for t := 0; t < types; t++ {
				v += nc[(i*types+t)*2+b]
			}
			r.CeilingSamples.Set(s, b, v/float64(types))
		}
	}
	mu := make([]float64, M)
	col := make([]float64, V)
	for k := range mu {
		mat.Col(col, k, r.Samples)
		mu[k] = mean(col)
	}
	mat.Col(col, 0, r.CeilingSamples)
	r.NoiseCeiling.Lower = mean(col)
	mat.Col(col, 1, r.CeilingSamples)
	r.NoiseCeiling.Upper = mean(col)
	r.finish(mu)
	return r, nil
}

// allItems lists all items grouped by label (groups ascending).
func allItems(g *grouping) []int {
	var out []int
	for _, m := range g.members {
		out = append(out, m...)
	}
	return out
}

// resample draws len(g.uniq) groups uniformly with replacement and
// returns the items of the drawn groups (all members of a group per draw)
// and the number of distinct groups drawn. The items come grouped by label
// (groups ascending), or sorted by item index when sortItems is set.
func resample(rng *rand.Rand, g *grouping, sortItems bool) ([]int, int) {
	G := len(g.uniq)
	cnt := make([]int, G)
	for k := 0; k < G; k++ {
		cnt[rng.IntN(G)]++
	}
	var out []int
	distinct := 0
	for k, c := range cnt {
		if c > 0 {
			distinct++
		}
		for ; c > 0; c-- {
			out = append(out, g.members[k]...)
		}
	}
	if sortItems {
		slices.Sort(out)
	}
	return out, distinct
}

func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// sampleRNG is the generator of bootstrap sample i: PCG seeded from
// splitmix64 hashes of (seed, i), so every sample has its own stream
// whatever the order in which samples run.
func sampleRNG(seed uint64, i int) *rand.Rand {
	a := splitmix64(splitmix64(seed) + uint64(i))
	return rand.New(rand.NewPCG(a, splitmix64(a^0x5851f42d4c957f2d)))
}
