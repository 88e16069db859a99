package lesion

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alignscope/alignscope/core/blas"
	"github.com/alignscope/alignscope/core/compare"
	"github.com/alignscope/alignscope/core/data"
	"github.com/alignscope/alignscope/core/decode"
	"github.com/alignscope/alignscope/core/encoding"
	"github.com/alignscope/alignscope/core/inference"
	"github.com/alignscope/alignscope/core/job"
	"github.com/alignscope/alignscope/core/rdm"
	"gonum.org/v1/gonum/mat"
)

func TestMain(m *testing.M) {
	blas.Use()
	os.Exit(m.Run())
}

// f32Matrix is an n × p float32 matrix stored row-major and read like a
// C-order .npy file: one copy (and conversion) per row of every column
// range requested.
type f32Matrix struct {
	n, p int
	v    []float32
}

func (m *f32Matrix) Dims() (int, int) { return m.n, m.p }

func (m *f32Matrix) ReadColumns(j0, j1 int, dst []float64) error {
	if err := data.CheckBlock(m, j0, j1, dst); err != nil {
		return err
	}
	w := j1 - j0
	for i := 0; i < m.n; i++ {
		src := m.v[i*m.p+j0 : i*m.p+j1]
		out := dst[i*w : (i+1)*w]
		for k, x := range src {
			out[k] = float64(x)
		}
	}
	return nil
}

// reluLayer returns n × p activations max(0, z + 0.3), z normal: rows
// with non-zero means and many exact zeros, like a ReLU layer.
func reluLayer(n, p int, seed uint64) *f32Matrix {
	r := rand.New(rand.NewPCG(seed, 3))
	m := &f32Matrix{n: n, p: p, v: make([]float32, n*p)}
	for i := range m.v {
		m.v[i] = float32(max(0, r.NormFloat64()+0.3))
	}
	return m
}

// randomRegion returns s subject RDMs (correlation distance of random
// patterns sharing part of the layer's structure).
func randomRegion(t testing.TB, name string, layer data.Matrix, s int, seed uint64) Region {
	t.Helper()
	n, p := layer.Dims()
	x, err := data.ReadAll(layer)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(seed, 9))
	out := mat.NewDense(s, rdm.Pairs(n), nil)
	v := 40
	for k := 0; k < s; k++ {
		y := mat.NewDense(n, v, nil)
		for i := 0; i < n; i++ {
			for j := 0; j < v; j++ {
				y.Set(i, j, x.At(i, (j*7+k)%p)+1.5*r.NormFloat64())
			}
		}
		d, err := rdm.Correlation(context.Background(), data.Dense{M: y}, nil)
		if err != nil {
			t.Fatal(err)
		}
		out.SetRow(k, d.Vec)
	}
	return Region{Name: name, RDMs: out}
}

// direct recomputes the score of region reg for the layer with units
// silenced, from scratch: zero (or mean-fill) the columns, correlation
// RDM with rdm.Correlation, compare.Compare with every subject (pairs that
// are NaN in the lesioned RDM dropped from both), mean over subjects.
func direct(t *testing.T, x data.Matrix, units []int, fill Fill, reg Region, method string) float64 {
	t.Helper()
	ctx := context.Background()
	var m data.Matrix = x
	if len(units) > 0 {
		l, err := NewLesioned(ctx, x, units, fill)
		if err != nil {
			t.Fatal(err)
		}
		m = l
	}
	d, err := rdm.Correlation(ctx, m, nil)
	if err != nil {
		t.Fatal(err)
	}
	var keep []int
	for k, v := range d.Vec {
		if !math.IsNaN(v) {
			keep = append(keep, k)
		}
	}
	if len(keep) < 2 {
		return math.NaN()
	}
	s, _ := reg.RDMs.Dims()
	a := mat.NewDense(1, len(keep), nil)
	b := mat.NewDense(s, len(keep), nil)
	for t2, k := range keep {
		a.Set(0, t2, d.Vec[k])
		for i := 0; i < s; i++ {
			b.Set(i, t2, reg.RDMs.At(i, k))
		}
	}
	c, err := compare.Compare(a, b, method, nil)
	if err != nil {
		t.Fatal(err)
	}
	return mat.Sum(c) / float64(s)
}

func directDecode(t *testing.T, x data.Matrix, units []int, fill Fill, labels []string, opt decode.Options) float64 {
	t.Helper()
	ctx := context.Background()
	var m data.Matrix = x
	if len(units) > 0 {
		l, err := NewLesioned(ctx, x, units, fill)
		if err != nil {
			t.Fatal(err)
		}
		m = l
	}
	res, err := decode.Patterns(ctx, m, labels, opt, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res.Accuracy
}

// The downdated Gram equals the centred Gram of the lesioned layer
// recomputed from scratch, for both fills, from the silenced set's sums
// and from the kept set's sums.
func TestLesionedGramMatchesDirect(t *testing.T) {
	ctx := context.Background()
	x := reluLayer(15, 97, 1)
	n, p := x.Dims()
	perm := permutation(p, 5, 0)
	for _, fill := range []Fill{Zero, Mean} {
		lg, err := newLayerGram(ctx, x, fill, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range []int{1, 10, 48, 80, 96, 97} {
			units := slices.Sorted(slices.Values(perm[:k]))
			l, err := NewLesioned(ctx, x, units, fill)
			if err != nil {
				t.Fatal(err)
			}
			want, _, err := rdm.Gram(ctx, l, true, nil)
			if err != nil {
				t.Fatal(err)
			}
			scale := 0.0
			for i := 0; i < n; i++ {
				scale = max(scale, lg.g.At(i, i))
			}
			for _, kept := range []bool{false, true} {
				set := units
				if kept {
					set = slices.Sorted(slices.Values(perm[k:]))
				}
				s := newSetSums(n)
				blk, _ := data.ReadAll(x)
				lg.addUnits(s, blk, 0, set, make([]float64, n*p))
				got := mat.NewSymDense(n, nil)
				constant := make([]bool, n)
				lg.lesioned(got, s, kept, constant, nil)
				for i := 0; i < n; i++ {
					for j := i; j < n; j++ {
						if d := math.Abs(got.At(i, j) - want.At(i, j)); d > 1e-11*scale {
							t.Fatalf("%s fill, %d units silenced (kept %v): G_L[%d,%d] = %g, direct %g", fill, k, kept, i, j, got.At(i, j), want.At(i, j))
						}
					}
					if k == p && fill == Zero && !constant[i] {
						t.Errorf("all units silenced: pattern %d not constant", i)
					}
				}
			}
		}
	}
}

// Run's targeted and random lesions give the scores recomputed from
// scratch, for every fraction (prefix and kept-set paths), fill, and
// comparison method, and the decoding accuracy of the lesioned layer.
func TestRunMatchesRecomputation(t *testing.T) {
	ctx := context.Background()
	x := reluLayer(24, 120, 2)
	n, p := x.Dims()
	regs := []Region{randomRegion(t, "A", x, 3, 1), randomRegion(t, "B", x, 2, 2)}
	labels := make([]string, n)
	for i := range labels {
		labels[i] = []string{"a", "b", "c"}[i%3]
	}
	xd, _ := data.ReadAll(x)
	for i := 0; i < n; i++ { // let the labels be decodable
		for j := 0; j < 10; j++ {
			xd.Set(i, j, xd.At(i, j)+float64(i%3))
		}
	}
	layer := data.Dense{M: xd}
	plan, err := Variance(ctx, layer)
	if err != nil {
		t.Fatal(err)
	}
	dopt := decode.Options{Folds: 4, Seed: 3}
	for _, method := range []string{"spearman", "corr", "cosine", "rho-a", "kendall"} {
		for _, fill := range []Fill{Zero, Mean} {
			exact := method != "corr" // the float32 null, checked to 1e-6
			spec := Spec{Layer: layer, Plan: plan, Fill: fill, Draws: 3, Seed: 7, Regions: regs, Compare: method,
				Readout: &Readout{Descriptor: "abc", Labels: labels, Options: dopt}, Exact: exact}
			res, err := Run(ctx, spec, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Effects) != 3 {
				t.Fatalf("%d effects", len(res.Effects))
			}
			canon := slices.Clone(plan.Groups)
			slices.SortFunc(canon, func(a, b []int) int { return a[0] - b[0] })
			for f, fr := range res.Fractions {
				units, _ := plan.Lesion(fr)
				if len(units) != res.Units[f] {
					t.Errorf("fraction %g: %d units, result says %d", fr, len(units), res.Units[f])
				}
				perm := permutation(p, 7, 2) // draw 1
				var rnd []int
				for _, g := range perm[:res.Groups[f]] {
					rnd = append(rnd, canon[g]...)
				}
				for e, reg := range regs {
					eff := res.Effects[e]
					check := func(what string, got float64, units []int) {
						want := direct(t, layer, units, fill, reg, method)
						tol := 1e-9
						if !exact && strings.HasPrefix(what, "random") {
							tol = 1e-6
						}
						if !(math.Abs(got-want) <= tol) && !(math.IsNaN(got) && math.IsNaN(want)) {
							t.Errorf("%s %s fill, region %s, %s lesion at %g%%: score %.15g, recomputed %.15g", method, fill, reg.Name, what, 100*fr, got, want)
						}
					}
					check("targeted", eff.Intact+eff.Targeted[f], units)
					check("random draw 1", eff.Intact+eff.Null[f][1], rnd)
				}
				if method == "spearman" {
					eff := res.Effects[2]
					if eff.Kind != "decoding" {
						t.Fatalf("effect 2 is %s", eff.Kind)
					}
					if fr < 1 { // all silenced: every pattern equal, a tie at rounding level
						want := directDecode(t, layer, units, fill, labels, dopt)
						if got := eff.Intact + eff.Targeted[f]; math.Abs(got-want) > 1e-12 {
							t.Errorf("%s fill: decoding after targeted lesion at %g%%: %g, recomputed %g", fill, 100*fr, got, want)
						}
					}
				}
			}
		}
	}
}

// A stimulus that responds only through the silenced units has a
// constant lesioned pattern: its pairs are NaN in the lesioned RDM and
// are dropped from the comparison.
func TestConstantPatternPairsDropped(t *testing.T) {
	ctx := context.Background()
	x := reluLayer(12, 40, 4)
	for j := 0; j < 40; j++ {
		v := float32(0)
		if j < 5 {
			v = float32(j + 1)
		}
		x.v[0*40+j] = v // stimulus 0 responds only in units 0…4
	}
	reg := randomRegion(t, "R", x, 3, 5)
	units := []int{0, 1, 2, 3, 4}
	for _, fill := range []Fill{Zero, Mean} {
		intact, lesioned, err := Effects(ctx, Spec{Layer: x, Fill: fill, Regions: []Region{reg}}, units)
		if err != nil {
			t.Fatal(err)
		}
		if want := direct(t, x, nil, fill, reg, "spearman"); math.Abs(intact[0]-want) > 1e-12 {
			t.Errorf("intact %g, want %g", intact[0], want)
		}
		want := direct(t, x, units, fill, reg, "spearman")
		if math.Abs(lesioned[0]-want) > 1e-12 {
			t.Errorf("%s fill: lesioned %g, recomputed %g", fill, lesioned[0], want)
		}
	}
	// With Zero the direct RDM really has NaN pairs.
	l, _ := NewLesioned(ctx, x, units, Zero)
	d, _ := rdm.Correlation(ctx, l, nil)
	if !math.IsNaN(d.Vec[0]) {
		t.Errorf("pattern 0 not constant after the lesion: d(0,1) = %g", d.Vec[0])
	}
}

// plantedLayer has n stimuli in 4 categories and p units of which the
// first planted carry a category signal and the rest only noise. The
// region's RDM is the category RDM plus noise.
func plantedLayer(t testing.TB, n, p, planted int, seed uint64) (*mat.Dense, []string, Region) {
	r := rand.New(rand.NewPCG(seed, 1))
	names := []string{"face", "fish", "house", "car"}
	cat := make([]string, n)
	proto := mat.NewDense(4, planted, nil)
	for i := range proto.RawMatrix().Data {
		proto.RawMatrix().Data[i] = 2 * r.NormFloat64()
	}
	x := mat.NewDense(n, p, nil)
	for i := 0; i < n; i++ {
		c := i % 4
		cat[i] = names[c]
		for j := 0; j < p; j++ {
			v := r.NormFloat64()
			if j < planted {
				v += proto.At(c, j)
			}
			x.Set(i, j, v)
		}
	}
	catRDM, err := rdm.Categorical(cat)
	if err != nil {
		t.Fatal(err)
	}
	s := 3
	rd := mat.NewDense(s, len(catRDM.Vec), nil)
	for k := 0; k < s; k++ {
		for m, v := range catRDM.Vec {
			rd.Set(k, m, v+0.3*r.NormFloat64())
		}
	}
	return x, cat, Region{Name: "IT", RDMs: rd}
}

// Lesioning the planted category units must take the agreement with the
// category region (and the category decoding) out of the random band,
// with the smallest possible p-value.
func TestPlantedUnitsLeaveTheBand(t *testing.T) {
	ctx := context.Background()
	x, cat, reg := plantedLayer(t, 48, 200, 20, 1)
	layer := data.Dense{M: x}
	plan, err := Selective(ctx, layer, Contrast{Descriptor: "category", Values: cat}, Highest)
	if err != nil {
		t.Fatal(err)
	}
	top, _ := plan.Lesion(0.1)
	if !slices.Equal(top, rdm.Seq(20)) {
		t.Fatalf("the 10%% most selective units are %v, not the 20 planted units", top)
	}
	const draws = 60
	res, err := Run(ctx, Spec{Layer: layer, Plan: plan, Draws: draws, Seed: 1, Regions: []Region{reg},
		Readout: &Readout{Descriptor: "category", Labels: cat, Options: decode.Options{Folds: 4}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for e, eff := range res.Effects {
		for f, fr := range res.Fractions {
			if fr == 0.05 || fr == 0.1 || fr == 0.2 {
				if !(eff.Targeted[f] < eff.NullLow[f]) {
					t.Errorf("%s at %g%%: targeted change %.3f inside the band [%.3f, %.3f]", eff.Name, 100*fr, eff.Targeted[f], eff.NullLow[f], eff.NullHigh[f])
				}
				if e == 0 && eff.P[f] != 1.0/(draws+1) {
					t.Errorf("%s at %g%%: p = %g, want 1/(1+%d)", eff.Name, 100*fr, eff.P[f], draws)
				}
			}
			if fr == 0 && (eff.Targeted[f] != 0 || eff.P[f] != 1) {
				t.Errorf("%s at 0%%: change %g p %g, want 0 and 1", eff.Name, eff.Targeted[f], eff.P[f])
			}
		}
	}
	if e := res.Effects[0]; !(e.Intact > 0.4) || math.IsNaN(e.Ceiling.Lower) {
		t.Errorf("intact agreement %g, ceiling %+v", e.Intact, e.Ceiling)
	}
	// After the 10 % targeted lesion the category is no longer decodable.
	if e := res.Effects[1]; !(e.Intact > 0.9 && e.Intact+e.Targeted[4] < 0.5) {
		t.Errorf("decoding: intact %g, after 10%% targeted %g", e.Intact, e.Intact+e.Targeted[4])
	}
	d := res.Detail
	if d == nil || d.IntactDecode == nil || d.LesionedDecode == nil || d.LesionedRDM == nil || len(d.Units) == 0 {
		t.Fatalf("detail %+v", d)
	}
	if d.IntactDecode.Accuracy <= d.LesionedDecode.Accuracy {
		t.Errorf("detail at %g: decoding %g before, %g after", d.Fraction, d.IntactDecode.Accuracy, d.LesionedDecode.Accuracy)
	}
	// Inspect gives the same detail at a chosen fraction.
	ins, err := Inspect(ctx, Spec{Layer: layer, Plan: plan, Readout: &Readout{Descriptor: "category", Labels: cat, Options: decode.Options{Folds: 4}}}, d.Fraction)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ins.LesionedRDM.Vec, d.LesionedRDM.Vec) || ins.LesionedDecode.Accuracy != d.LesionedDecode.Accuracy || !slices.Equal(ins.Units, d.Units) {
		t.Errorf("Inspect at %g differs from the run's detail", d.Fraction)
	}
	// The lesioned RDM is the correlation RDM of the zeroed layer.
	zl, _ := NewLesioned(ctx, layer, d.Units, Zero)
	want, _ := rdm.Correlation(ctx, zl, nil)
	for k, v := range want.Vec {
		if math.Abs(v-d.LesionedRDM.Vec[k]) > 1e-12 {
			t.Fatalf("lesioned RDM pair %d: %g, recomputed %g", k, d.LesionedRDM.Vec[k], v)
		}
	}
	rows := res.Table()
	if len(rows) != 2*len(res.Fractions) || rows[4].Excess >= 0 || rows[4].Z > -3 {
		t.Errorf("table rows %d, row 4 %+v", len(rows), rows[4])
	}
}

// When the targeted plan is itself a random order, its p-values are
// uniform: over many independent plans, about 5 % fall below 0.05 and
// the mean is about 1/2.
func TestRandomTargetedIsCalibrated(t *testing.T) {
	ctx := context.Background()
	x, _, reg := plantedLayer(t, 24, 60, 12, 2)
	layer := data.Dense{M: x}
	const plans, draws = 40, 39
	var ps []float64
	outside := 0
	for k := 0; k < plans; k++ {
		plan, _ := Random(60, uint64(1000+k))
		res, err := Run(ctx, Spec{Layer: layer, Plan: plan, Draws: draws, Seed: uint64(k), Fractions: []float64{0.1, 0.2, 0.5},
			Regions: []Region{reg}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		e := res.Effects[0]
		for f := range res.Fractions {
			ps = append(ps, e.P[f])
			if e.Targeted[f] < e.NullLow[f] {
				outside++
			}
		}
	}
	small := 0
	mean := 0.0
	for _, p := range ps {
		if p <= 0.05 {
			small++
		}
		mean += p / float64(len(ps))
	}
	if frac := float64(small) / float64(len(ps)); frac > 0.12 {
		t.Errorf("%.0f%% of p-values ≤ 0.05 for random 'targeted' lesions", 100*frac)
	}
	if mean < 0.4 || mean > 0.6 {
		t.Errorf("mean p-value %g, want about 0.5", mean)
	}
	if float64(outside)/float64(len(ps)) > 0.1 {
		t.Errorf("random targeted lesion below the band in %d of %d cases", outside, len(ps))
	}
}

func TestPValue(t *testing.T) {
	for _, tc := range []struct {
		t    float64
		null []float64
		want float64
	}{
		{-1, []float64{0, 0.1, -0.2, 0.3}, 1.0 / 5}, // hurts more than every draw
		{0, []float64{0, 0.1, -0.2, 0.3}, 3.0 / 5},  // ties count against
		{1, []float64{0, 0.1, -0.2, 0.3}, 1},        // hurts less than every draw
		{0, []float64{math.NaN(), -1, 1}, 2.0 / 3},  // NaN draws left out
		{math.NaN(), []float64{1}, math.NaN()},
		{0, []float64{math.NaN()}, math.NaN()},
	} {
		got := PValue(tc.t, tc.null)
		if !(got == tc.want || math.IsNaN(got) && math.IsNaN(tc.want)) {
			t.Errorf("PValue(%g, %v) = %g, want %g", tc.t, tc.null, got, tc.want)
		}
	}
}

func TestRunErrorsAndCancel(t *testing.T) {
	ctx := context.Background()
	x := reluLayer(10, 30, 1)
	reg := randomRegion(t, "R", x, 2, 1)
	plan, _ := Random(30, 1)
	other, _ := Random(31, 1)
	bad := Region{Name: "small", RDMs: mat.NewDense(2, 10, nil)}
	for _, tc := range []struct {
		spec Spec
		want string
	}{
		{Spec{Layer: x, Plan: plan, Regions: []Region{reg}, Fractions: []float64{0, 1.5}}, "150% is outside 0–100%"},
		{Spec{Layer: x, Plan: plan, Regions: []Region{reg}, Fractions: []float64{}}, "no fractions"},
		{Spec{Layer: x, Plan: other, Regions: []Region{reg}}, "31 units, this layer has 30"},
		{Spec{Layer: x, Plan: plan}, "at least one brain region or a decoding readout"},
		{Spec{Layer: x, Plan: plan, Regions: []Region{bad}}, "10 pairs, but the layer's 10 stimuli make 45"},
		{Spec{Layer: x, Plan: plan, Regions: []Region{reg}, Draws: -1}, "at least 1 draw"},
		{Spec{Layer: x, Plan: plan, Regions: []Region{reg}, Compare: "dtw"}, "unknown RDM comparison"},
		{Spec{Layer: x, Plan: plan, Readout: &Readout{Descriptor: "kind", Labels: make([]string, 10)}}, "only one level"},
		{Spec{Layer: x, Plan: nil, Regions: []Region{reg}}, "no lesion plan"},
	} {
		_, err := Run(ctx, tc.spec, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want %q", err, tc.want)
		}
	}
	if _, _, err := Effects(ctx, Spec{Layer: x, Regions: []Region{reg}}, nil); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("empty unit list: %v", err)
	}
	nan := reluLayer(10, 30, 1)
	nan.v[7] = float32(math.NaN())
	if _, err := Run(ctx, Spec{Layer: nan, Plan: plan, Regions: []Region{reg}}, nil); err == nil || !strings.Contains(err.Error(), "non-finite") {
		t.Errorf("NaN layer: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Run(cctx, Spec{Layer: x, Plan: plan, Regions: []Region{reg}}, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled run: %v", err)
	}
}

func TestRankerMatchesRank(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var rk ranker
	for _, m := range []int{1, 2, 10, 1000} {
		x := make([]float64, m)
		for i := range x {
			x[i] = math.Round(r.NormFloat64()*20) / 10 // ties
			if i%17 == 0 {
				x[i] = math.Copysign(0, -1)
			}
		}
		got := make([]float64, m)
		rk.rank(x, got)
		want := rdm.Rank(x, rdm.TiesAverage)
		if !slices.Equal(got, want) {
			t.Errorf("m=%d: radix ranks differ from rdm.Rank", m)
		}
	}
}

func TestSpans(t *testing.T) {
	need := make([]bool, 2000)
	for _, u := range []int{3, 4, 5, 100, 700, 1990} {
		need[u] = true
	}
	got := fmt.Sprint(spans(need, 1000))
	if want := "[[3 101] [700 701] [1990 1991]]"; got != want {
		t.Errorf("spans %s, want %s", got, want)
	}
	for j := range need {
		need[j] = true
	}
	if got := fmt.Sprint(spans(need, 800)); got != "[[0 800] [800 1600] [1600 2000]]" {
		t.Errorf("full spans %s", got)
	}
}

// The ceiling computed from the scorer's transformed vectors equals
// inference.NoiseCeiling.
func TestFastCeilingMatchesInference(t *testing.T) {
	x := reluLayer(30, 50, 3)
	reg := randomRegion(t, "R", x, 4, 8)
	for _, method := range []string{"spearman", "rho-a", "corr", "cosine"} {
		sc, err := newRSAScorer(reg, method, 30)
		if err != nil {
			t.Fatal(err)
		}
		want, err := inference.NoiseCeiling(reg.RDMs, method, nil)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(sc.ceil.Lower-want.Lower) > 1e-12 || math.Abs(sc.ceil.Upper-want.Upper) > 1e-12 {
			t.Errorf("%s: ceiling %+v, inference %+v", method, sc.ceil, want)
		}
	}
}

// The encoding effect equals kernel ridge re-fitted from scratch on the
// lesioned layer (encoding.LinearGram of the zeroed matrix).
func TestEncodingMatchesRecomputation(t *testing.T) {
	ctx := context.Background()
	x := reluLayer(30, 40, 6)
	r := rand.New(rand.NewPCG(4, 4))
	xd, _ := data.ReadAll(x)
	var recs []data.Matrix
	for s := 0; s < 2; s++ {
		y := mat.NewDense(30, 7, nil)
		for i := 0; i < 30; i++ {
			for v := 0; v < 7; v++ {
				y.Set(i, v, xd.At(i, v)+xd.At(i, 10+v)+0.5*r.NormFloat64()+3)
			}
		}
		recs = append(recs, data.Dense{M: y})
	}
	opt := &encoding.CVOptions{Alphas: encoding.DefaultAlphas(-2, 3, 6), K: 5}
	plan, _ := Variance(ctx, x)
	for _, fill := range []Fill{Zero, Mean} {
		res, err := Run(ctx, Spec{Layer: x, Plan: plan, Fill: fill, Draws: 2, Seed: 1, Fractions: []float64{0, 0.1, 0.5, 0.8},
			Encoding: []EncodingRegion{{Name: "V", Recordings: recs, Options: opt}}, Exact: true}, nil)
		if err != nil {
			t.Fatal(err)
		}
		e := res.Effects[0]
		if e.Kind != "encoding" || e.Name != "encoding V" {
			t.Fatalf("effect %s %s", e.Kind, e.Name)
		}
		for f, fr := range res.Fractions {
			units, _ := plan.Lesion(fr)
			var m data.Matrix = x
			if len(units) > 0 {
				m, _ = NewLesioned(ctx, x, units, fill)
			}
			k, err := encoding.LinearGram(ctx, m, nil)
			if err != nil {
				t.Fatal(err)
			}
			want := 0.0
			for _, y := range recs {
				o := *opt
				cv, err := encoding.RidgeCVGram(ctx, k, y, &o, nil)
				if err != nil {
					t.Fatal(err)
				}
				want += encoding.Median(cv.R) / 2
			}
			if got := e.Intact + e.Targeted[f]; math.Abs(got-want) > 1e-9 {
				t.Errorf("%s fill at %g%%: encoding score %.12g, recomputed %.12g", fill, 100*fr, got, want)
			}
		}
	}
}

// Progress reaches its total; a deadline stops a long run.
func TestProgressAndDeadline(t *testing.T) {
	x := reluLayer(20, 50, 1)
	reg := randomRegion(t, "R", x, 2, 1)
	plan, _ := Random(50, 3)
	m := job.NewManager(nil)
	j := m.Start("lesion", func(ctx context.Context, rep *job.Reporter) error {
		_, err := Run(ctx, Spec{Layer: x, Plan: plan, Draws: 7, Regions: []Region{reg}}, rep)
		return err
	}, nil)
	if err := j.Wait(); err != nil {
		t.Fatal(err)
	}
	if s := j.Status(); s.Done != s.Total || s.Total != 2+8+7*8+1 {
		t.Errorf("progress %d of %d", s.Done, s.Total)
	}
	big := reluLayer(200, 4000, 2)
	bigReg := randomRegion(t, "R", big, 2, 1)
	bigPlan, _ := Random(4000, 3)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := Run(ctx, Spec{Layer: big, Plan: bigPlan, Draws: 1000, Regions: []Region{bigReg}}, nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("run past its deadline: %v", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("cancellation took %v", d)
	}
}
