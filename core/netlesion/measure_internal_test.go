package netlesion

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/alignscope/alignscope/core/compare"
	"github.com/alignscope/alignscope/core/lesion"
	"github.com/alignscope/alignscope/core/rdm"
	"gonum.org/v1/gonum/mat"
)

// A region score drops the pairs that are NaN in some subject's RDM and
// those NaN in the layer's RDM, on both sides, and equals compare.Compare
// on what is left, for every method.
func TestRegionScoreNaNPairs(t *testing.T) {
	const n = 9
	m := rdm.Pairs(n)
	r := rand.New(rand.NewPCG(1, 2))
	subj := mat.NewDense(3, m, nil)
	for i := range subj.RawMatrix().Data {
		subj.RawMatrix().Data[i] = r.Float64()
	}
	subj.Set(1, 4, math.NaN()) // a pair missing in one subject
	vec := make([]float64, m)
	for k := range vec {
		vec[k] = r.Float64()
	}
	for j := 0; j < n; j++ { // stimulus 2 became constant
		if j != 2 {
			vec[rdm.Index(n, 2, j)] = math.NaN()
		}
	}
	for _, method := range []string{"spearman", "corr", "cosine", "rho-a", "kendall"} {
		rg, err := newRSARegion(lesion.Region{Name: "R", RDMs: subj}, method, n)
		if err != nil {
			t.Fatal(err)
		}
		// Without NaN in the layer RDM: only the subject's NaN pair goes.
		clean := make([]float64, m)
		for k := range clean {
			clean[k] = r.Float64()
		}
		for _, v := range [][]float64{clean, vec} {
			var ok []bool
			left := 0
			for k, x := range v {
				ok = append(ok, !math.IsNaN(x) && k != 4)
				if ok[k] {
					left++
				}
			}
			c, err := compare.Compare(pickCols(mat.NewDense(1, m, v), ok, left), pickCols(subj, ok, left), method, nil)
			if err != nil {
				t.Fatal(err)
			}
			want := (c.At(0, 0) + c.At(0, 1) + c.At(0, 2)) / 3
			var ranks []float64
			if !math.IsNaN(v[rdm.Index(n, 2, 0)]) {
				ranks = compare.Rank(v)
			}
			got, err := rg.score(context.Background(), v, ranks)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-want) > 1e-12 {
				t.Errorf("%s: score %.15g, compare %.15g", method, got, want)
			}
		}
	}
	// Fewer than 2 pairs left: NaN.
	rg, _ := newRSARegion(lesion.Region{Name: "R", RDMs: subj}, "spearman", n)
	all := make([]float64, m)
	for k := range all {
		all[k] = math.NaN()
	}
	if got, err := rg.score(context.Background(), all, nil); err != nil || !math.IsNaN(got) {
		t.Errorf("all NaN: %g, %v", got, err)
	}
}
