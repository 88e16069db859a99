package inference

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/alignscope/alignscope/core/compare"
	"gonum.org/v1/gonum/mat"
)

// synth returns M model RDMs and S data RDMs over n conditions: data are
// a common true RDM plus subject noise; model k mixes the truth with its
// own structure; model 0 has ties (two categories).
func synth(rng *rand.Rand, n, M, S int, noise float64) (models, data *mat.Dense) {
	m := n * (n - 1) / 2
	truth := make([]float64, m)
	for i := range truth {
		truth[i] = rng.Float64()
	}
	data = mat.NewDense(S, m, nil)
	for s := 0; s < S; s++ {
		for j, v := range truth {
			data.Set(s, j, v+noise*rng.NormFloat64())
		}
	}
	models = mat.NewDense(M, m, nil)
	for k := 0; k < M; k++ {
		w := float64(k) / float64(max(M-1, 1))
		t := 0
		for i := 0; i < n; i++ {
			for j := i + 1; j < n; j++ {
				v := w*truth[t] + (1-w)*rng.Float64()
				if k == 0 {
					v = 0
					if (i < n/2) != (j < n/2) {
						v = 1
					}
				}
				models.Set(k, t, v)
				t++
			}
		}
	}
	return models, data
}

func close(a, b, tol float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) <= tol*(1+math.Abs(b))
}

func TestNanRank(t *testing.T) {
	x := []float64{3, 1, math.NaN(), 3, 2, 1, 1}
	got := make([]float64, len(x))
	nanRank(x, got, nil)
	want := []float64{5.5, 2, math.NaN(), 5.5, 4, 2, 2}
	for i := range want {
		if !close(got[i], want[i], 0) {
			t.Fatalf("nanRank = %v, want %v", got, want)
		}
	}
}

// TestWeightedRanks checks that weighted ranks equal the ranks of the
// vector with every entry repeated w times.
func TestWeightedRanks(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 50; trial++ {
		m := 1 + rng.IntN(40)
		x := make([]float64, m)
		w := make([]float64, m)
		var rep []float64
		for i := range x {
			x[i] = float64(rng.IntN(6)) // many ties
			w[i] = float64(rng.IntN(3))
			for k := 0; k < int(w[i]); k++ {
				rep = append(rep, x[i])
			}
		}
		r := make([]float64, m)
		ord := argsort(x)
		xs := make([]float64, m)
		for k, i := range ord {
			xs[k] = x[i]
		}
		weightedRanks(ord, xs, w, r)
		rr := make([]float64, len(rep))
		nanRank(rep, rr, nil)
		t0 := 0
		for i := range x {
			for k := 0; k < int(w[i]); k++ {
				if r[i] != rr[t0] {
					t.Fatalf("trial %d: entry %d: weighted rank %v, rank of copy %v", trial, i, r[i], rr[t0])
				}
				t0++
			}
		}
	}
}

func TestSortByKey(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var b radixBuf
	for _, m := range []int{1, 2, 7, 300, 5000} {
		keys := make([]uint64, m)
		for i := range keys {
			switch rng.IntN(3) {
			case 0:
				keys[i] = rng.Uint64()
			case 1:
				keys[i] = uint64(rng.IntN(3)) // ties
			default:
				keys[i] = uint64(rng.IntN(100000))
			}
		}
		ord := make([]int32, m)
		for i := range ord {
			ord[i] = int32(m - 1 - i)
		}
		ks := sortByKey(ord, keys, &b)
		seen := make([]bool, m)
		for k, i := range ord {
			if seen[i] {
				t.Fatalf("m=%d: index %d twice", m, i)
			}
			seen[i] = true
			if ks[k] != keys[i] || (k > 0 && keys[ord[k-1]] > keys[i]) {
				t.Fatalf("m=%d: not sorted at %d", m, k)
			}
		}
	}
}

// TestNormaliseMatchesPool checks the engine's pooling on distinct
// entries with multiplicities against compare.Pool of the vectors with
// the copies written out.
func TestNormaliseMatchesPool(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	_, data := synth(rng, 9, 1, 5, 0.3)
	r, m := data.Dims()
	cols := make([]int32, m)
	w := make([]float64, m)
	var rep []int32
	for c := range cols {
		cols[c] = int32(c)
		w[c] = float64(1 + rng.IntN(3))
		for k := 0; k < int(w[c]); k++ {
			rep = append(rep, int32(c))
		}
	}
	expanded := mat.NewDense(r, len(rep), nil)
	for i := 0; i < r; i++ {
		for k, c := range rep {
			expanded.Set(i, k, data.At(i, int(c)))
		}
	}
	for _, method := range []string{"cosine", "corr", "cosine_cov", "corr_cov", "neg_riem_dist"} {
		want, err := compare.Pool(expanded, method)
		if err != nil {
			t.Fatal(err)
		}
		k := poolKindOf(method)
		sum := make([]float64, m)
		z := make([]float64, m)
		for i := 0; i < r; i++ {
			if !normaliseWeighted(data.RawRowView(i), cols, w, z, k) {
				t.Fatalf("%s: row %d not normalised", method, i)
			}
			for j := range z {
				sum[j] += z[j]
			}
		}
		finishPool(sum, sum, float64(r), k)
		for t0, c := range rep {
			if !close(sum[c], want[t0], 1e-12) {
				t.Fatalf("%s: pooled[%d] = %v, compare.Pool %v", method, t0, sum[c], want[t0])
			}
		}
	}
	flat := []float64{2, 2, 2}
	if normaliseWeighted(flat, []int32{0, 1, 2}, []float64{1, 1, 1}, make([]float64, 3), poolZ) {
		t.Error("constant RDM normalised for corr")
	}
}

// TestEngineFastMatchesGeneric checks the fast path (multiset of entries,
// precomputed ranks, running pooled sums, one Compare call) against the
// plain rsatoolbox construction of the same bootstrap samples.
func TestEngineFastMatchesGeneric(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	n, M, S := 11, 3, 7
	models, data := synth(rng, n, M, S, 0.4)
	subjLabels := []int{0, 0, 1, 2, 2, 3, 4}
	subj, _ := newGrouping(subjLabels, S, "RDM")
	stim, _ := newGrouping(nil, n, "condition")
	// A second set shares NaN entries in every RDM (dropped by compare).
	modelsN, dataN := mat.DenseCopyOf(models), mat.DenseCopyOf(data)
	for _, j := range []int{3, 17, 40} {
		for k := 0; k < M; k++ {
			modelsN.Set(k, j, math.NaN())
		}
		for s := 0; s < S; s++ {
			dataN.Set(s, j, math.NaN())
		}
	}
	for _, method := range []string{"cosine", "corr", "spearman", "rho-a", "tau-a", "kendall",
		"cosine+nan", "corr+nan", "spearman+nan", "rho-a+nan"} {
		models, data := models, data
		if m, ok := strings.CutSuffix(method, "+nan"); ok {
			method, models, data = m, modelsN, dataN
		}
		fast, err := newEngine(models, data, n, method, subj, stim)
		if err != nil {
			t.Fatal(err)
		}
		if !fast.fast {
			t.Fatalf("%s: fast path not taken", method)
		}
		slow := &engine{method: method, cmp: method, kind: poolKindOf(method), n: n,
			models: models, data: data, subj: subj, stim: stim, ceiling: true}
		for trial := 0; trial < 12; trial++ {
			r := rand.New(rand.NewPCG(uint64(trial), 9))
			rows, _ := resample(r, subj, false)
			stims, distinct := resample(r, stim, true)
			if trial%3 == 0 {
				stims = nil
			}
			if trial%4 == 1 {
				rows = allItems(subj)
			}
			if trial == 5 { // a single subject group: lower bound NaN
				rows = []int{3, 4, 3, 4}
			}
			if stims != nil && distinct < 3 {
				continue
			}
			ef, cf, err := fast.eval(context.Background(), rows, stims)
			if err != nil {
				t.Fatal(err)
			}
			eg, cg, err := slow.eval(context.Background(), rows, stims)
			if err != nil {
				t.Fatal(err)
			}
			for k := range eg {
				if !close(ef[k], eg[k], 1e-10) {
					t.Fatalf("%s trial %d: model %d score fast %v generic %v", method, trial, k, ef[k], eg[k])
				}
			}
			if !close(cf.Lower, cg.Lower, 1e-10) || !close(cf.Upper, cg.Upper, 1e-10) {
				t.Fatalf("%s trial %d: ceiling fast %v generic %v", method, trial, cf, cg)
			}
		}
	}
}

// TestSubsamplePattern checks the rsatoolbox subsample_pattern layout.
func TestSubsamplePattern(t *testing.T) {
	// 4 conditions, d(i,j) = 10i + j.
	n := 4
	v := make([]float64, 6)
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			v[pairIndex(n, i, j)] = float64(10*i + j)
		}
	}
	got := subsamplePattern(mat.NewDense(1, 6, v), n, []int{0, 2, 2, 3}).RawRowView(0)
	want := []float64{2, 2, 3, math.NaN(), 23, 23}
	for i := range want {
		if !close(got[i], want[i], 0) {
			t.Fatalf("subsample = %v, want %v", got, want)
		}
	}
}

// TestResample checks group resampling: draw counts, grouping and sorting.
func TestResample(t *testing.T) {
	g, _ := newGrouping([]int{5, 1, 5, 3, 1}, 5, "x")
	if !slices.Equal(g.uniq, []int{1, 3, 5}) {
		t.Fatalf("uniq %v", g.uniq)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	for trial := 0; trial < 20; trial++ {
		items, distinct := resample(rng, g, true)
		if !sort.IntsAreSorted(items) || distinct < 1 || distinct > 3 {
			t.Fatalf("items %v distinct %d", items, distinct)
		}
		// every group drawn contributes all its members
		cnt := map[int]int{}
		for _, it := range items {
			cnt[it]++
		}
		if cnt[1] != cnt[4] || cnt[0] != cnt[2] {
			t.Fatalf("group members not drawn together: %v", items)
		}
	}
}

// TestEngineFullData checks that the engine on the full data gives the
// fixed evaluation and the leave-one-out noise ceiling.
func TestEngineFullData(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	n, M, S := 10, 2, 5
	models, data := synth(rng, n, M, S, 0.5)
	subj, _ := newGrouping(nil, S, "RDM")
	stim, _ := newGrouping(nil, n, "condition")
	for _, method := range []string{"corr", "spearman", "tau-a", "corr_cov"} {
		e, err := newEngine(models, data, n, method, subj, stim)
		if err != nil {
			t.Fatal(err)
		}
		ev, c, err := e.eval(context.Background(), allItems(subj), nil)
		if err != nil {
			t.Fatal(err)
		}
		f, err := EvalFixed(models, data, method)
		if err != nil {
			t.Fatal(err)
		}
		for k := 0; k < M; k++ {
			if want := mean(f.Evaluations.RawRowView(k)); !close(ev[k], want, 1e-12) {
				t.Fatalf("%s: model %d: %v, eval_fixed mean %v", method, k, ev[k], want)
			}
		}
		if !close(c.Lower, f.NoiseCeiling.Lower, 1e-12) || !close(c.Upper, f.NoiseCeiling.Upper, 1e-12) {
			t.Fatalf("%s: ceiling %v, NoiseCeiling %v", method, c, f.NoiseCeiling)
		}
	}
}
