package lesion

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"

	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/decode"
	"github.com/alignscope/alignscope/core/inference"
	"github.com/alignscope/alignscope/core/job"
	"github.com/alignscope/alignscope/core/rdm"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

// DefaultFractions are the fractions lesioned when Spec.Fractions is nil:
// 0, 1, 2, 5, 10, 20, 50 and 100 %.
var DefaultFractions = []float64{0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1}

// DefaultDraws is the number of random lesions per fraction when
// Spec.Draws is 0.
const DefaultDraws = 100

// Band is the central interval of the random-lesion null: 2.5 % to
// 97.5 %.
const (
	BandLow  = 0.025
	BandHigh = 0.975
)

// Readout is a behaviour-like readout: decoding a stimulus descriptor
// from the layer (core/decode).
type Readout struct {
	// Descriptor names the column, for display.
	Descriptor string
	// Labels holds its value for every stimulus.
	Labels  []string
	Options decode.Options
}

// Spec is one lesion-curve analysis.
type Spec struct {
	// Layer holds the activations, n stimuli × p units.
	Layer data.Matrix
	// Plan is the targeted lesion order (Random, Selective, Variance,
	// RankedChannels, Weights, List, …) for this layer.
	Plan *Plan
	Fill Fill
	// Fractions lesioned, each in [0, 1] (nil: DefaultFractions). A
	// fixed plan (List) has a single fraction, its size.
	Fractions []float64
	// Draws is the number of random lesions per fraction (0:
	// DefaultDraws).
	Draws int
	// Seed seeds the random lesions; draw d uses the PCG stream
	// (Seed, d+1).
	Seed uint64
	// Regions to compare the layer with (RSA with correlation-distance
	// layer RDMs).
	Regions []Region
	// Compare is the RDM comparison method of core/compare ("":
	// DefaultCompare).
	Compare string
	// Encoding regions add the encoding score of each (kernel ridge
	// re-fitted for every lesion: costly for many stimuli, see the
	// package documentation).
	Encoding []EncodingRegion
	// Readout, if not nil, adds the decoding accuracy of a descriptor.
	Readout *Readout
	// Detail is the fraction at which Result.Detail shows the RDMs and
	// confusion matrices before and after the targeted lesion; 0 picks
	// the fraction where the first effect's targeted change falls
	// furthest below the null median.
	Detail float64
	// Exact forms the random lesions' products in float64 too. By
	// default they are formed and summed in float32 over about 16 000
	// units at a time, the partial sums added in float64 (about twice as
	// fast; relative error of order 10⁻⁶ in the null's Gram matrices, far
	// below the Monte-Carlo error of a band from 100 draws); activations
	// beyond float32's comfortable range (|x| > 5·10¹⁵, or all below
	// 10⁻¹²) always use float64. The targeted lesions, the intact layer
	// and the detail are always float64.
	Exact bool
	// MemoryBudget bounds, in bytes, the n × n accumulators of random
	// lesions held at once (0: 1 GiB); it sets how many draws share one
	// pass over the layer.
	MemoryBudget int64
}

// Effect is one measured quantity (agreement with a region, or decoding
// accuracy) along the curve. Changes are lesioned − intact: negative
// means the lesion hurt.
type Effect struct {
	// Name is the region, "encoding <region>" or "decoding <descriptor>".
	Name string
	// Kind is "rsa", "encoding" or "decoding".
	Kind string
	// Measure is the RDM comparison, "median r" or "accuracy".
	Measure string
	// Intact is the score of the intact layer.
	Intact float64
	// Ceiling is the region's noise ceiling (RSA; NaN when undefined,
	// CeilingNote says why).
	Ceiling     inference.Ceiling
	CeilingNote string
	// Chance is the decoding accuracy of always guessing the most
	// frequent level (decoding only).
	Chance float64
	// Per fraction: the targeted lesion's change, the null's median and
	// 2.5 %–97.5 % band of changes, and the permutation p-value.
	Targeted                      []float64
	NullMedian, NullLow, NullHigh []float64
	P                             []float64
	// Null holds each random draw's change, per fraction.
	Null [][]float64
}

// Detail shows one lesion of the curve: the layer's RDMs and confusion
// matrices before and after.
type Detail struct {
	Fraction float64
	// Units are the silenced units.
	Units                  []int
	IntactRDM, LesionedRDM *rdm.RDM
	// Decoding results (nil without a readout).
	IntactDecode, LesionedDecode *decode.Result
}

// Result is a lesion curve.
type Result struct {
	Plan     string
	Channels bool
	Fill     Fill
	// Fractions lesioned; Groups and Units are how many groups (units or
	// channels) and units each silences.
	Fractions     []float64
	Groups, Units []int
	Draws         int
	Seed          uint64
	Effects       []Effect
	Detail        *Detail
}

func (s *Spec) fractions() []float64 {
	if s.Fractions == nil {
		return DefaultFractions
	}
	return s.Fractions
}

func (s *Spec) draws() int {
	if s.Draws == 0 {
		return DefaultDraws
	}
	return s.Draws
}

func (s *Spec) method() string {
	if s.Compare == "" {
		return DefaultCompare
	}
	return s.Compare
}

// validate checks the spec against the layer; it returns the sorted
// fractions.
func (s *Spec) validate() ([]float64, error) {
	if s.Layer == nil {
		return nil, fmt.Errorf("no layer")
	}
	n, p := s.Layer.Dims()
	if s.Plan == nil {
		return nil, fmt.Errorf("no lesion plan")
	}
	if s.Plan.Units != p {
		return nil, fmt.Errorf("the lesion plan is for a layer of %d units, this layer has %d", s.Plan.Units, p)
	}
	if err := checkPartition(s.Plan.Groups, p); err != nil {
		return nil, fmt.Errorf("lesion plan %q: %w", s.Plan.Name, err)
	}
	if s.Fill != Zero && s.Fill != Mean {
		return nil, fmt.Errorf("unknown fill %d", s.Fill)
	}
	if s.draws() < 1 {
		return nil, fmt.Errorf("the random null needs at least 1 draw per fraction, asked for %d", s.Draws)
	}
	if len(s.Regions) == 0 && s.Readout == nil && len(s.Encoding) == 0 {
		return nil, fmt.Errorf("choose at least one brain region or a decoding readout to measure")
	}
	if s.Readout != nil && len(s.Readout.Labels) != n {
		return nil, fmt.Errorf("decoding %q: %d labels for %d stimuli", s.Readout.Descriptor, len(s.Readout.Labels), n)
	}
	var fr []float64
	if s.Plan.Size > 0 {
		fr = []float64{float64(s.Plan.Size) / float64(len(s.Plan.Groups))}
	} else {
		fr = slices.Clone(s.fractions())
		if len(fr) == 0 {
			return nil, fmt.Errorf("no fractions to lesion")
		}
		for _, f := range fr {
			if err := checkFraction(f); err != nil {
				return nil, err
			}
		}
		slices.Sort(fr)
		fr = slices.Compact(fr)
		if len(fr) > 64 {
			return nil, fmt.Errorf("%d fractions: at most 64", len(fr))
		}
	}
	if s.Detail != 0 {
		if err := checkFraction(s.Detail); err != nil {
			return nil, fmt.Errorf("detail: %w", err)
		}
	}
	return fr, nil
}

// checkPartition verifies that groups partition 0 … p−1.
func checkPartition(groups [][]int, p int) error {
	seen := make([]bool, p)
	count := 0
	for _, g := range groups {
		for _, u := range g {
			if u < 0 || u >= p {
				return fmt.Errorf("unit %d outside 0 … %d", u, p-1)
			}
			if seen[u] {
				return fmt.Errorf("unit %d appears twice", u)
			}
			seen[u] = true
			count++
		}
	}
	if count != p {
		return fmt.Errorf("covers %d of the %d units", count, p)
	}
	return nil
}

// Run computes a lesion curve: the effects of the targeted plan at each
// fraction, the null distribution of the same effects over Draws random
// lesions of as many groups (random units, or random channels for a
// channel plan) at each fraction, and a before/after detail. See the
// package documentation for the method. Cancelling ctx stops it; progress
// counts lesions evaluated.
func Run(ctx context.Context, spec Spec, rep *job.Reporter) (*Result, error) {
	fr, err := spec.validate()
	if err != nil {
		return nil, err
	}
	n, _ := spec.Layer.Dims()
	plan := spec.Plan
	G := len(plan.Groups)
	counts := make([]int, len(fr))
	units := make([]int, len(fr))
	for f, x := range fr {
		counts[f] = plan.Count(x)
		for _, g := range plan.Groups[:counts[f]] {
			units[f] += len(g)
		}
	}
	draws := spec.draws()
	F := len(fr)
	if rep != nil {
		rep.SetTotal(2 + F + draws*F + 1)
		rep.Message("reading the layer")
	}
	method := spec.method()
	var regions []*rsaScorer
	for _, r := range spec.Regions {
		sc, err := newRSAScorer(r, method, n)
		if err != nil {
			return nil, err
		}
		regions = append(regions, sc)
	}
	var dec *decode.Plan
	if spec.Readout != nil {
		if dec, err = decode.NewPlan(spec.Readout.Labels, spec.Readout.Options); err != nil {
			return nil, fmt.Errorf("decoding %q: %w", spec.Readout.Descriptor, err)
		}
	}
	lg, err := newLayerGram(ctx, spec.Layer, spec.Fill, rep)
	if err != nil {
		return nil, err
	}
	encs, err := encScorers(spec.Encoding, lg)
	if err != nil {
		return nil, err
	}
	workers := max(1, runtime.GOMAXPROCS(0))
	ev := newEvaluator(lg, regions, encs, dec, workers)
	E := ev.effects()

	// Intact.
	intact := make([]float64, E)
	b := ev.get()
	constant := make([]bool, n)
	lg.lesioned(b.g, ev.empty, false, constant, b.muL)
	err = ev.eval(ctx, b.g, constant, b, intact)
	ev.put(b)
	if err != nil {
		return nil, err
	}

	// Targeted.
	if rep != nil {
		rep.Message("targeted lesions: %s", plan.Name)
	}
	targeted := nanScores(1, F, E)
	if err := ev.evalOrders(ctx, [][][]int{plan.Groups}, counts, false, targeted, nil, rep); err != nil {
		return nil, err
	}

	// Random null: permutations of the plan's groups in a canonical
	// order (by first unit), so the null does not depend on the ranking.
	canon := slices.Clone(plan.Groups)
	slices.SortFunc(canon, func(a, b []int) int { return a[0] - b[0] })
	lay := newBinLayout(G, counts)
	budget := spec.MemoryBudget
	if budget <= 0 {
		budget = 1 << 30
	}
	perDraw := int64(max(1, lay.bins())) * int64(n) * int64(n) * 8
	single := !spec.Exact && lg.float32OK()
	if single {
		perDraw += perDraw / 2 // the float32 partial sums
	}
	batch := int(min(int64(draws), max(1, budget/perDraw)))
	null := nanScores(draws, F, E)
	for d0 := 0; d0 < draws; d0 += batch {
		d1 := min(draws, d0+batch)
		if rep != nil {
			rep.Message("random lesions %d–%d of %d", d0+1, d1, draws)
		}
		orders := make([][][]int, d1-d0)
		for d := range orders {
			perm := permutation(G, spec.Seed, uint64(d0+d)+1)
			ord := make([][]int, G)
			for i, g := range perm {
				ord[i] = canon[g]
			}
			orders[d] = ord
		}
		if err := ev.evalOrders(ctx, orders, counts, single, null[d0:d1], nil, rep); err != nil {
			return nil, err
		}
	}

	res := &Result{Plan: plan.Name, Channels: plan.Channels, Fill: spec.Fill, Fractions: fr, Groups: counts,
		Units: units, Draws: draws, Seed: spec.Seed}
	for k := 0; k < E; k++ {
		eff := Effect{Intact: intact[k], Chance: math.NaN(),
			Ceiling: inference.Ceiling{Lower: math.NaN(), Upper: math.NaN()}}
		switch {
		case k < len(regions):
			eff.Name, eff.Kind, eff.Measure = regions[k].name, "rsa", method
			eff.Ceiling, eff.CeilingNote = regions[k].ceil, regions[k].ceilErr
		case k < len(regions)+len(encs):
			eff.Name, eff.Kind, eff.Measure = "encoding "+encs[k-len(regions)].name, "encoding", "median r"
		default:
			eff.Name, eff.Kind, eff.Measure = "decoding "+spec.Readout.Descriptor, "decoding", "accuracy"
			eff.Chance = dec.Chance()
		}
		for f := range fr {
			t := targeted[0][f][k] - intact[k]
			nd := make([]float64, draws)
			for d := range nd {
				nd[d] = null[d][f][k] - intact[k]
			}
			lo, med, hi := band(nd)
			eff.Targeted = append(eff.Targeted, t)
			eff.NullMedian = append(eff.NullMedian, med)
			eff.NullLow = append(eff.NullLow, lo)
			eff.NullHigh = append(eff.NullHigh, hi)
			eff.P = append(eff.P, PValue(t, nd))
			eff.Null = append(eff.Null, nd)
		}
		res.Effects = append(res.Effects, eff)
	}

	// Detail.
	df := spec.Detail
	if df == 0 || plan.Size > 0 {
		df = pickDetail(res, G)
	}
	if rep != nil {
		rep.Message("before/after at %g %%", 100*df)
	}
	det, err := detail(ctx, ev, plan, df, rep)
	if err != nil {
		return nil, err
	}
	res.Detail = det
	return res, nil
}

// pickDetail returns the fraction (with 0 < count < G) where the first
// effect's targeted change is furthest below the null median; the largest
// such fraction when none is below; the first fraction otherwise.
func pickDetail(r *Result, G int) float64 {
	best, bestGap := -1, math.Inf(1)
	last := -1
	for f, k := range r.Groups {
		if k == 0 || (k == G && len(r.Fractions) > 1) {
			continue
		}
		last = f
		if len(r.Effects) == 0 {
			continue
		}
		e := r.Effects[0]
		gap := e.Targeted[f] - e.NullMedian[f]
		if !math.IsNaN(gap) && gap < bestGap {
			best, bestGap = f, gap
		}
	}
	switch {
	case best >= 0 && bestGap < 0:
		return r.Fractions[best]
	case last >= 0:
		return r.Fractions[last]
	}
	return r.Fractions[0]
}

// detail evaluates the plan's lesion at fraction f for display.
func detail(ctx context.Context, ev *evaluator, plan *Plan, f float64, rep *job.Reporter) (*Detail, error) {
	lg := ev.lg
	units, err := plan.Lesion(f)
	if err != nil {
		return nil, err
	}
	d := &Detail{Fraction: f, Units: units}
	// Intact.
	b := ev.get()
	lg.lesioned(b.g, ev.empty, false, b.constant, b.muL)
	d.IntactRDM = &rdm.RDM{N: lg.n, Vec: make([]float64, rdm.Pairs(lg.n)), Method: "correlation"}
	correlationRDM(b.g, b.constant, d.IntactRDM.Vec)
	if ev.dec != nil {
		if d.IntactDecode, err = ev.dec.Kernel(ctx, b.g); err != nil {
			ev.put(b)
			return nil, err
		}
	}
	ev.put(b)
	scores := nanScores(1, 1, ev.effects())
	var keepErr error
	err = ev.evalOrders(ctx, [][][]int{plan.Groups}, []int{plan.Count(f)}, false, scores, func(_, _ int, g *mat.SymDense, constant []bool) {
		d.LesionedRDM = &rdm.RDM{N: lg.n, Vec: make([]float64, rdm.Pairs(lg.n)), Method: "correlation"}
		correlationRDM(g, constant, d.LesionedRDM.Vec)
		if ev.dec != nil {
			d.LesionedDecode, keepErr = ev.dec.Kernel(ctx, g)
		}
	}, nil)
	if err == nil {
		err = keepErr
	}
	if err != nil {
		return nil, err
	}
	if rep != nil {
		rep.Add(1)
	}
	return d, nil
}

// band returns the 2.5 %, 50 % and 97.5 % quantiles (numpy's linear
// rule, NaN draws ignored) of x.
func band(x []float64) (lo, med, hi float64) {
	return rdm.Quantile(x, BandLow), rdm.Quantile(x, 0.5), rdm.Quantile(x, BandHigh)
}

// PValue is the permutation p-value of "the targeted lesion hurts more
// than a random one": with the changes c_d of D random lesions and the
// targeted change t (lower = more harm),
//
//	p = (1 + #{d : c_d ≤ t}) / (1 + D)
//
// (NaN draws are left out of D; NaN when t is NaN or no draw is left).
func PValue(t float64, null []float64) float64 {
	if math.IsNaN(t) {
		return math.NaN()
	}
	count, total := 0, 0
	for _, c := range null {
		if math.IsNaN(c) {
			continue
		}
		total++
		if c <= t {
			count++
		}
	}
	if total == 0 {
		return math.NaN()
	}
	return float64(1+count) / float64(1+total)
}

// Row is one line of the effect-size table.
type Row struct {
	Effect, Measure string
	Fraction        float64
	Groups, Units   int
	// Intact and Lesioned are scores; Change = Lesioned − Intact.
	Intact, Lesioned, Change float64
	NullMedian               float64
	NullLow, NullHigh        float64
	// Excess is Change − NullMedian: the harm beyond a random lesion of
	// the same size (negative: worse than random).
	Excess float64
	// Z is (Change − mean of the null) / its standard deviation.
	Z float64
	P float64
}

// Table returns the effect-size table: one row per effect and fraction.
func (r *Result) Table() []Row {
	var out []Row
	for _, e := range r.Effects {
		for f, x := range r.Fractions {
			z := math.NaN()
			var ok []float64
			for _, v := range e.Null[f] {
				if !math.IsNaN(v) {
					ok = append(ok, v)
				}
			}
			if len(ok) > 1 {
				m, sd := stat.MeanStdDev(ok, nil)
				if sd > 0 {
					z = (e.Targeted[f] - m) / sd
				}
			}
			out = append(out, Row{Effect: e.Name, Measure: e.Measure, Fraction: x, Groups: r.Groups[f], Units: r.Units[f],
				Intact: e.Intact, Lesioned: e.Intact + e.Targeted[f], Change: e.Targeted[f],
				NullMedian: e.NullMedian[f], NullLow: e.NullLow[f], NullHigh: e.NullHigh[f],
				Excess: e.Targeted[f] - e.NullMedian[f], Z: z, P: e.P[f]})
		}
	}
	return out
}

// Effects measures one lesion (the units silenced with spec.Fill)
// against the intact layer: the scores of the intact and of the lesioned
// layer, in the order of Run's effects (spec.Regions, spec.Encoding, then
// the readout), computed by downdating the intact Gram matrix.
// spec.Plan, Fractions, Draws and Detail are not used.
func Effects(ctx context.Context, spec Spec, units []int) (intact, lesioned []float64, err error) {
	n, p := 0, 0
	if spec.Layer != nil {
		n, p = spec.Layer.Dims()
	}
	if len(units) == 0 {
		return nil, nil, fmt.Errorf("the list of units to lesion is empty; pick at least one unit")
	}
	plan, err := List(p, units)
	if err != nil {
		return nil, nil, err
	}
	spec.Plan = plan
	if _, err := spec.validate(); err != nil {
		return nil, nil, err
	}
	var regions []*rsaScorer
	for _, r := range spec.Regions {
		sc, err := newRSAScorer(r, spec.method(), n)
		if err != nil {
			return nil, nil, err
		}
		regions = append(regions, sc)
	}
	var dec *decode.Plan
	if spec.Readout != nil {
		if dec, err = decode.NewPlan(spec.Readout.Labels, spec.Readout.Options); err != nil {
			return nil, nil, fmt.Errorf("decoding %q: %w", spec.Readout.Descriptor, err)
		}
	}
	lg, err := newLayerGram(ctx, spec.Layer, spec.Fill, nil)
	if err != nil {
		return nil, nil, err
	}
	encs, err := encScorers(spec.Encoding, lg)
	if err != nil {
		return nil, nil, err
	}
	ev := newEvaluator(lg, regions, encs, dec, max(1, runtime.GOMAXPROCS(0)))
	intact = make([]float64, ev.effects())
	b := ev.get()
	lg.lesioned(b.g, ev.empty, false, b.constant, b.muL)
	err = ev.eval(ctx, b.g, b.constant, b, intact)
	ev.put(b)
	if err != nil {
		return nil, nil, err
	}
	scores := nanScores(1, 1, ev.effects())
	if err := ev.evalOrders(ctx, [][][]int{plan.Groups}, []int{plan.Size}, false, scores, nil, nil); err != nil {
		return nil, nil, err
	}
	return intact, scores[0][0], nil
}

func encScorers(regions []EncodingRegion, lg *layerGram) ([]*encScorer, error) {
	var out []*encScorer
	for _, r := range regions {
		sc, err := newEncScorer(r, lg)
		if err != nil {
			return nil, err
		}
		out = append(out, sc)
	}
	return out, nil
}

// Inspect returns the before/after detail of spec.Plan's lesion at
// fraction f (the layer's RDMs and, with a readout, the confusion
// matrices), as Run's Result.Detail but at a fraction of the caller's
// choosing, without the curve; spec.Regions, Encoding, Fractions and
// Draws are not used. It reads the layer three times.
func Inspect(ctx context.Context, spec Spec, f float64) (*Detail, error) {
	if err := checkFraction(f); err != nil {
		return nil, err
	}
	if spec.Layer == nil {
		return nil, fmt.Errorf("no layer")
	}
	n, p := spec.Layer.Dims()
	if spec.Plan == nil {
		return nil, fmt.Errorf("no lesion plan")
	}
	if spec.Plan.Units != p {
		return nil, fmt.Errorf("the lesion plan is for a layer of %d units, this layer has %d", spec.Plan.Units, p)
	}
	var dec *decode.Plan
	if spec.Readout != nil {
		if len(spec.Readout.Labels) != n {
			return nil, fmt.Errorf("decoding %q: %d labels for %d stimuli", spec.Readout.Descriptor, len(spec.Readout.Labels), n)
		}
		var err error
		if dec, err = decode.NewPlan(spec.Readout.Labels, spec.Readout.Options); err != nil {
			return nil, fmt.Errorf("decoding %q: %w", spec.Readout.Descriptor, err)
		}
	}
	lg, err := newLayerGram(ctx, spec.Layer, spec.Fill, nil)
	if err != nil {
		return nil, err
	}
	ev := newEvaluator(lg, nil, nil, dec, max(1, runtime.GOMAXPROCS(0)))
	return detail(ctx, ev, spec.Plan, f, nil)
}
